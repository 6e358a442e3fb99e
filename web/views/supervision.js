// 电子监察 (supervisors, heads, administrators): the yellow and red cards per department and window
// (an SVG bar chart), each carded case with how many working days it is overdue and who is
// responsible, 催办 and 督办 on it (recorded on the case), statistics of a period with 本月/本季度/本年
// and export to CSV and XLSX, and printing. One request draws the board and the statistics.
import { gql, hasQuery, showBanner } from "../graphql.js";
import { h, section, note, loading, seg, fmt, alertBadge, SUPERVISION_ROLES } from "../ui.js";
import { saveDownload } from "../materials.js";
import { chooseCenter, mutate, ERRORS, DOCUMENT, presetRange, PRESETS, printButton, reload, showIssued } from "./kit.js";
import { barChart } from "../chart.js";

const STAT_LABELS = {
  accepted: ["受理", "件"],
  completed: ["办结", "件"],
  averageLegalDays: ["平均法定时限", "个工作日"],
  averagePromisedDays: ["平均承诺时限", "个工作日"],
  averageActualDays: ["平均实际办理", "个工作日"],
  speedUpPercent: ["实际提速（比法定时限）", "%"],
  speedUpVsPromisedPercent: ["比承诺时限提速", "%"],
  onTimePercent: ["按时办结率", "%"],
  yellow: ["黄牌", "件"],
  red: ["红牌", "件"],
};
// How each figure is computed (core/services/stats.py FORMULAS says the same; the exports print it).
const FORMULAS = {
  averageLegalDays: (s) => `平均法定时限 = Σ法定时限 ÷ 有法定时限的办结件数（本期${s.legalCompleted}件），工作日`,
  averagePromisedDays: () => "平均承诺时限 = Σ承诺时限 ÷ 办结件数，工作日",
  averageActualDays: () => "平均实际办理 = Σ实际办理时间 ÷ 办结件数，工作日；实际办理时间自受理次日起算至办结日，不计补正材料等暂停计时的时间",
  speedUpPercent: (s) => `实际提速 =（Σ法定时限 − Σ实际办理时间）÷ Σ法定时限 × 100%，按有法定时限的办结件（本期${s.legalCompleted}件）计算；`
    + "实际办理时间不计补正、听证、检验检测、专家评审、现场勘查等不计入法定期限的时间；为负数表示办件超过了法定时限",
  speedUpVsPromisedPercent: () => "比承诺时限提速 =（Σ承诺时限 − Σ实际办理时间）÷ Σ承诺时限 × 100%，按有承诺时限的办结件计算",
  onTimePercent: () => "按时办结率 = 在承诺期限内办结的件数 ÷ 办结件数 × 100%",
};
// The tiles, in reading order: the counts, the three averages, then the rates.
const TILES = ["accepted", "completed", "averageLegalDays", "averagePromisedDays", "averageActualDays", "speedUpPercent",
  "speedUpVsPromisedPercent", "onTimePercent"];
const COLORS = { yellow: "#c98a00", red: "#c0392b" };
const SERIES = [{ key: "yellow", label: "黄牌", color: COLORS.yellow }, { key: "red", label: "红牌", color: COLORS.red }];
const STATS = `accepted completed legalCompleted averageLegalDays averagePromisedDays averageActualDays speedUpPercent
  speedUpVsPromisedPercent onTimePercent`;
const BOARD = `yellow red byDepartment { code name yellow red } byWindow { code name yellow red }
  cases { id number state alert promisedDue legalDue applicantName itemName departmentName windowName responsible daysOverdue }`;

function statTile(key, value) {
  const guess = /yellow/i.test(key) ? ["黄牌", "件"] : /red/i.test(key) ? ["红牌", "件"] : [key, ""];
  const [label, unit] = STAT_LABELS[key] || guess;
  const known = value !== null && value !== undefined;
  return h("div", { class: `stat stat-${key}` },
    h("div", { class: "stat-value" }, fmt.number(value), known ? h("span", { class: "stat-unit" }, unit) : null),
    h("div", { class: "stat-label" }, label, known ? null : h("span", { class: "muted" }, "（暂无数据）")));
}

/** 计算口径: how each figure on the tiles is computed, with this period's count where it matters. */
function formulas(s) {
  return h("div", { class: "formulas", id: "stat-formulas" }, h("h3", null, "计算口径"),
    h("ul", { class: "plain-list" }, TILES.filter((k) => FORMULAS[k]).map((k) => h("li", { dataset: { formula: k } }, FORMULAS[k](s)))),
    h("p", { class: "muted" }, "显示“—（暂无数据）”的指标：期间内没有可计算的办件（如没有办结件，或办结件均无法定时限）。"));
}

// --------------------------------------------------------------------------- the view

export async function supervisionView({ page, params, query, user, isCurrent }) {
  const chosen = await chooseCenter({ page, params, user, roles: SUPERVISION_ROLES, title: "电子监察", route: "supervision",
    missing: "您没有督查、首席代表或管理员岗位，无法查看电子监察。" });
  if (!chosen) return;
  const { center: c, mine: list } = chosen;
  const pick = h("select", { id: "sup-center", "aria-label": "政务服务中心" }, list.map((x) => h("option", { value: x.code, selected: x.code === c.code }, x.name)));
  pick.addEventListener("change", () => (location.hash = `#/supervision/${seg(pick.value)}`));
  const board = h("div", { "aria-live": "polite", id: "board" }, loading());
  const statsBox = h("div", { id: "statistics" });
  page.append(h("div", { class: "page-head" }, h("h1", null, "电子监察"), h("label", { class: "inline no-print" }, "中心：", pick), printButton()), board, statsBox);

  // the period: a preset from the address (?range=month|quarter|year), 本年 by default
  const [a, b] = presetRange(query.get("range") || "year");
  const from = h("input", { type: "date", id: "stat-from", value: query.get("from") || a });
  const to = h("input", { type: "date", id: "stat-to", value: query.get("to") || b });
  const dept = h("select", { id: "stat-dept" }, h("option", { value: "" }, "全部部门"), c.departments.map((d) => h("option", { value: d.code }, d.name)));
  const result = h("div", { "aria-live": "polite" });
  const exports = h("span", { class: "exports no-print" });
  const form = h("form", { class: "filters no-print" },
    h("label", { class: "filter" }, h("span", null, "自"), from),
    h("label", { class: "filter" }, h("span", null, "至"), to),
    h("label", { class: "filter" }, h("span", null, "部门"), dept),
    h("div", { class: "preset-buttons" }, PRESETS.map(([key, label]) => h("button", { type: "button", class: "btn btn-secondary", dataset: { preset: key }, onclick: () => {
      [from.value, to.value] = presetRange(key);
      load(false);
    } }, label))),
    h("button", { type: "submit", class: "btn btn-primary" }, "统计"),
    exports,
  );
  const printed = h("div", { id: "register-printed" });
  const register = h("button", { type: "button", class: "btn btn-secondary no-print", id: "issue-register" }, "出具办件登记簿（PDF）");
  register.addEventListener("click", async () => {
    const doc = await mutate(`mutation($c: String!, $f: Date!, $t: Date!) { issueRegister(center: $c, from: $f, to: $t) { ${ERRORS} ${DOCUMENT} } }`,
      { c: c.code, f: from.value, t: to.value }, "issueRegister", statsBox);
    if (doc) showIssued(printed, doc);
  });
  statsBox.append(section("办件统计", form, result, h("div", { class: "actions-row no-print" }, register), printed));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    load(false);
  });

  const withBoard = await hasQuery("supervision");
  if (!withBoard) board.replaceChildren(section("黄牌、红牌", note("电子监察（supervision 查询）尚未在服务端启用，暂无法显示黄牌、红牌。")));

  function exportLinks() {
    const save = (fmt2) => async () => {
      const url = `/exports/statistics?center=${encodeURIComponent(c.code)}&from=${from.value}&to=${to.value}&format=${fmt2}`;
      try {
        await saveDownload(url, `办件统计_${c.code}_${from.value}_${to.value}.${fmt2}`);
      } catch (error) {
        showBanner(error.message, "error");
      }
    };
    exports.replaceChildren(
      h("button", { type: "button", class: "btn btn-secondary", id: "export-csv", onclick: save("csv") }, "导出 CSV"),
      h("button", { type: "button", class: "btn btn-secondary", id: "export-xlsx", onclick: save("xlsx") }, "导出 Excel"),
    );
  }

  async function load(withCards) {
    result.replaceChildren(loading());
    const boardPart = withCards ? `supervision(center: $c) { ${BOARD} }` : "";
    try {
      const data = await gql(`query($c: String!, $f: Date!, $t: Date!, $d: String) {
          ${boardPart} statistics(center: $c, from: $f, to: $t, department: $d) { ${STATS} } }`,
      { c: c.code, f: from.value, t: to.value, d: dept.value || null });
      if (!isCurrent()) return;
      if (withCards) renderBoard(board, c, data.supervision);
      const s = data.statistics;
      result.replaceChildren(
        h("p", { class: "muted" }, `${fmt.date(from.value)}至${fmt.date(to.value)}${dept.value ? ` · ${dept.options[dept.selectedIndex].text}` : ""}`),
        h("div", { class: "stats" }, TILES.map((k) => statTile(k, s[k]))),
        formulas(s),
      );
      exportLinks();
    } catch (error) {
      result.replaceChildren(note(`统计数据加载失败：${error.message}`, "error"));
      if (withCards) board.replaceChildren(section("黄牌、红牌", note(`电子监察数据加载失败：${error.message}`, "error")));
    }
  }
  await load(withBoard);
}

function renderBoard(board, c, s) {
  const compact = window.matchMedia("(max-width: 720px)").matches;
  const chart = (title, rows) => h("div", { class: "chart-box" }, h("h3", null, title), rows.length
    ? barChart(title, rows.map((r) => ({ label: r.name || "（未分配）", values: r })), SERIES, { compact })
    : note("目前均无黄牌、红牌。"));
  board.replaceChildren(section("黄牌、红牌（实时）",
    h("div", { class: "stats" }, statTile("yellow", s.yellow), statTile("red", s.red)),
    chart("各部门黄牌、红牌", s.byDepartment), chart("各窗口黄牌、红牌", s.byWindow),
    h("h3", null, "挂牌办件"), cardedCases(c.code, s.cases)));
}

function cardedCases(centerCode, list) {
  if (!list.length) return note("目前没有黄牌、红牌办件。");
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table cases", id: "carded" },
    h("thead", null, h("tr", null, ["预警", "办件编号", "事项", "申请人", "承办部门", "首问负责人", "承诺办结", "超期", "督办"].map((t) => h("th", null, t)))),
    h("tbody", null, list.map((x) => h("tr", { class: `row-${String(x.alert).toLowerCase()}`, dataset: { case: x.number } },
      h("td", { "data-label": "预警" }, alertBadge(x.alert) || "—"),
      h("td", { "data-label": "办件编号" }, h("a", { href: `#/case/${seg(centerCode)}/${seg(x.id)}` }, x.number)),
      h("td", { "data-label": "事项" }, x.itemName),
      h("td", { "data-label": "申请人" }, x.applicantName),
      h("td", { "data-label": "承办部门" }, x.departmentName || "—", x.windowName ? h("div", { class: "muted" }, x.windowName) : null),
      h("td", { "data-label": "首问负责人" }, x.responsible || "—"),
      h("td", { "data-label": "承诺办结" }, fmt.date(x.promisedDue)),
      h("td", { "data-label": "超期", class: "overdue" }, x.daysOverdue ? `${x.daysOverdue} 个工作日` : "未超期"),
      h("td", { "data-label": "督办", class: "no-print" }, pressButtons(x)),
    )))));
}

/** 催办 (one click) and 督办 (with what must be done), both recorded on the case. */
function pressButtons(x) {
  const box = h("div", { class: "press" });
  const text = h("textarea", { rows: 2, placeholder: "督办事项和办结要求", class: "press-text" });
  const wrap = h("div", { class: "field", dataset: { path: "/text" }, hidden: true }, text, h("div", { class: "field-error", hidden: true }));
  const send = async (kind) => {
    const done = await mutate(`mutation($id: ID!, $k: String!, $t: String) { superviseCase(id: $id, kind: $k, text: $t) {
        ${ERRORS} ... on SupervisionNotice { kindLabel recipients } } }`, { id: x.id, k: kind, t: kind === "supervise" ? text.value : null }, "superviseCase", box);
    if (done) reload(`已${done.kindLabel}：${x.number}，已通知 ${done.recipients.join("、") || "承办部门"}`);
  };
  const urge = h("button", { type: "button", class: "btn btn-secondary", dataset: { urge: x.number }, onclick: () => send("urge") }, "催办");
  const supervise = h("button", { type: "button", class: "btn btn-danger", dataset: { supervise: x.number }, onclick: () => {
    if (wrap.hidden) {
      wrap.hidden = false;
      text.focus();
    } else send("supervise");
  } }, "督办");
  box.append(h("div", { class: "inline" }, urge, supervise), wrap);
  return box;
}
