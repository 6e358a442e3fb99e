// 绩效考核 (assessment): window, staff and department scores per month / quarter / year with the
// ranking and each category's explanations, manual entries (加减分), the report PDF, and complaints
// (投诉登记与核查). Shown only in centers with the plugin.
import { gql } from "../graphql.js";
import { h, note, loading, fmt } from "../ui.js";
import { pickCenter, mutate, ERRORS, DOCUMENT, table, input, values, showIssued, tabs, periodKeys, showBanner, seg, reload } from "./kit.js";

const PLUGIN = "assessment";
const ROLES = ["supervisor", "head", "admin"];
const KINDS = [["window", "窗口单位"], ["staff", "工作人员"], ["department", "进驻部门"]];
const RANKING = "ruleSet title basis kind period periodLabel base max rows { rank subjectId code name total rawTotal capped grade categories { code name group max points floored explanations } }";
const CHANNELS = [["oral", "当面"], ["phone", "电话"], ["written", "书面"], ["online", "网上"], ["hotline", "12345热线"], ["box", "意见箱"]];

export async function assessmentView({ page, params, query, user, isCurrent }) {
  const c = await pickCenter({ page, params, user, roles: ROLES, plugin: PLUGIN, title: "绩效考核", route: "assessment",
    missing: "您所在的中心没有启用绩效考核，或您不是督查、首席代表。" });
  if (!c) return;
  const tab = query.get("tab") || "window";
  const keys = periodKeys();
  const base = `#/assessment/${seg(c.code)}?tab=`;
  page.append(tabs([...KINDS.map(([k, label]) => [k, label, `${base}${k}`]), ["year", "部门年度", `${base}year`], ["complaints", "投诉", `${base}complaints`]], tab));
  const body = h("div", { id: `assessment-${tab}` });
  page.append(body);
  if (tab === "complaints") return complaints(body, c);
  if (tab === "year") return departmentYear(body, c, Number(query.get("year") || keys.year));

  const periods = tab === "department"
    ? [["quarter", "本季度", keys.quarter]]
    : [["month", "本月", keys.month], ["quarter", "本季度", keys.quarter], ["year", "本年", keys.year]];
  const period = h("input", { type: "text", id: "period", value: query.get("period") || periods[0][2], "aria-describedby": "period-help" });
  const presets = periods.map(([k, label, value]) => h("button", { type: "button", class: "btn btn-secondary", dataset: { preset: k }, onclick: () => { period.value = value; load(); } }, label));
  const result = h("div", { id: "ranking" }, loading());
  const printed = h("div");
  const print = h("button", { type: "button", class: "btn btn-secondary", id: "print-assessment" }, "考核排名表（PDF）");
  print.addEventListener("click", async () => {
    const doc = await mutate(`mutation($c: String!, $k: String!, $p: String!) { printAssessment(center: $c, kind: $k, period: $p) { ${ERRORS} ${DOCUMENT} } }`,
      { c: c.code, k: tab, p: period.value.trim() }, "printAssessment", body);
    if (doc) showIssued(printed, doc);
  });
  const bar = h("div", { class: "filters no-print", dataset: { path: "/period" } },
    h("label", { class: "filter" }, h("span", null, "考核期"), period, h("small", { id: "period-help", class: "help" }, tab === "department" ? "季度，如 2026-Q3" : "月度 2026-11、季度 2026-Q3 或年度 2026")),
    ...presets, h("button", { type: "button", class: "btn btn-primary", onclick: () => load() }, "查询"), print,
    h("div", { class: "field-error", hidden: true }));
  body.append(bar, printed, result);
  let ranking = null;
  const manual = h("div");
  body.append(manual);

  async function load() {
    const field = { window: "windowAssessment", staff: "staffAssessment", department: "departmentAssessment" }[tab];
    const arg = tab === "department" ? "quarter" : "period";
    try {
      const data = await gql(`query($c: String!, $p: String!) { ${field}(center: $c, ${arg}: $p) { ${RANKING} } }`, { c: c.code, p: period.value.trim() });
      if (!isCurrent()) return;
      ranking = data[field];
      result.replaceChildren(rankingTable(ranking));
      manual.replaceChildren(manualForm(c, tab, ranking));
    } catch (error) {
      result.replaceChildren(note(error.message, "error"));
    }
  }
  await load();
}

function rankingTable(r) {
  return h("section", { class: "card print-document" },
    h("h2", null, `${r.title}（${r.periodLabel}）`),
    h("p", { class: "muted" }, `基础分 ${r.base}，最高 ${r.max}。${r.basis}`),
    table([
      ["名次", (x) => String(x.rank)],
      ["对象", (x) => `${x.name}${x.code && x.code !== x.name ? `（${x.code}）` : ""}`],
      ["得分", (x) => h("strong", null, fmt.number(x.total), x.capped ? h("span", { class: "muted" }, `（封顶，原 ${fmt.number(x.rawTotal)}）`) : null)],
      ["等次", (x) => x.grade || "—"],
      ["各项得分", (x) => h("details", null, h("summary", null, "明细"), h("ul", { class: "plain-list" }, x.categories.map((k) =>
        h("li", null, `${k.name}：${fmt.number(k.points)} / ${fmt.number(k.max)}${k.floored ? "（扣完为止）" : ""}`,
          k.explanations.length ? h("ul", null, k.explanations.map((e) => h("li", { class: "muted" }, e))) : null)))) ],
    ], r.rows, { id: "ranking-table", empty: "本期没有考核对象。" }));
}

function manualForm(c, kind, r) {
  const categories = new Map();
  for (const row of r.rows) for (const k of row.categories) categories.set(k.code, k.name);
  const form = h("form", { class: "card no-print", id: "manual-score", novalidate: true }, h("h2", null, "录入加减分"),
    h("p", { class: "muted" }, "考勤、收费、档案、卫生等系统无法计量的项目；录入后不可修改，更正请录入相反分值。"),
    h("div", { class: "group-fields" },
      input("考核对象", "subject", { options: r.rows.map((x) => [x.code, x.name]), required: true }),
      input("考核项目", "category", { options: [...categories].map(([k, v]) => [k, v]), required: true }),
      input("分值（负数为扣分）", "points", { type: "number", required: true }),
      input("事由", "reason", { required: true }),
    ),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "录入")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(form);
    const done = await mutate(`mutation($c: String!, $k: String!, $s: String!, $p: String!, $cat: String!, $r: String!, $pts: Float) {
        enterManualScore(center: $c, kind: $k, subject: $s, period: $p, category: $cat, reason: $r, points: $pts) { ${ERRORS} ... on ManualScore { id points label } } }`,
    { c: c.code, k: kind, s: v.subject || "", p: r.period, cat: v.category || "", r: v.reason || "", pts: v.points === null ? null : Number(v.points) },
    "enterManualScore", form);
    if (done) {
      reload(`已录入 ${done.label} ${done.points > 0 ? "+" : ""}${done.points} 分`);
    }
  });
  return form;
}

async function departmentYear(body, c, year) {
  const data = await gql(`query($c: String!, $y: Int!) { departmentYear(center: $c, year: $y) { title year quarters rows { rank code name total quarters { quarter total } } } }`, { c: c.code, y: year });
  const y = data.departmentYear;
  body.append(h("section", { class: "card print-document" }, h("h2", null, `${y.title}（${y.year}年）`),
    h("p", { class: "muted" }, y.quarters.length ? `已结束季度：${y.quarters.join("、")}` : "本年尚无结束的季度。"),
    table([
      ["名次", (x) => String(x.rank)],
      ["部门", (x) => x.name],
      ...y.quarters.map((q) => [q, (x) => fmt.number((x.quarters.find((s) => s.quarter === q) || {}).total)]),
      ["年度得分", (x) => h("strong", null, fmt.number(x.total))],
    ], y.rows, { id: "year-table" })));
}

async function complaints(body, c) {
  const form = h("form", { class: "card no-print", id: "complaint-form", novalidate: true }, h("h2", null, "登记投诉"),
    h("div", { class: "group-fields" },
      input("渠道", "channel", { options: CHANNELS, value: "phone" }),
      input("涉及部门", "department", { options: [["", "—"], ...c.departments.map((d) => [d.code, d.name])] }),
      input("涉及窗口", "window", { options: [["", "—"], ...c.windows.map((w) => [w.code, w.name])] }),
      input("涉及工作人员（账号）", "staff"),
    ),
    input("投诉内容", "text", { type: "textarea", required: true }),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "登记")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(form);
    const done = await mutate(`mutation($c: String!, $t: String!, $ch: String, $d: String, $w: String, $s: String) {
        fileComplaint(center: $c, text: $t, channel: $ch, department: $d, window: $w, staff: $s) { ${ERRORS} ... on Complaint { id } } }`,
    { c: c.code, t: v.text || "", ch: v.channel, d: v.department, w: v.window, s: v.staff }, "fileComplaint", form);
    if (done) {
      reload("投诉已登记");
    }
  });
  const data = await gql(`query($c: String!) { complaints(center: $c) { id channelLabel text caseNumber department window staff verified reply status createdAt } }`, { c: c.code });
  body.append(form, h("section", { class: "card" }, h("h2", null, "投诉登记"), table([
    ["时间", (k) => fmt.datetime(k.createdAt)],
    ["渠道", (k) => k.channelLabel],
    ["内容", (k) => k.text],
    ["涉及", (k) => [k.caseNumber, k.department, k.window, k.staff].filter(Boolean).join(" / ") || "—"],
    ["状态", (k) => k.status],
    ["答复 / 核查", (k) => (k.status === "待核查" || (!k.reply && !k.verified) ? verifyBox(k) : k.reply || "—")],
  ], data.complaints, { id: "complaints-table", empty: "暂无投诉。" })));
}

function verifyBox(k) {
  const reply = h("textarea", { name: "reply", rows: 2, placeholder: "核查结论 / 答复" });
  const wrap = h("div", { class: "field", dataset: { path: "/reply" } }, reply, h("div", { class: "field-error", hidden: true }));
  const go = (verified) => async () => {
    const done = await mutate(`mutation($id: ID!, $v: Boolean!, $r: String!) { verifyComplaint(id: $id, verified: $v, reply: $r) { ${ERRORS} ... on Complaint { id status } } }`,
      { id: k.id, v: verified, r: reply.value.trim() }, "verifyComplaint", wrap);
    if (done) {
      reload(`已核查：${done.status}`);
    }
  };
  wrap.append(h("div", { class: "form-actions" },
    h("button", { type: "button", class: "btn btn-primary", dataset: { verify: k.id }, onclick: go(true) }, "属实"),
    h("button", { type: "button", class: "btn btn-secondary", dataset: { reject: k.id }, onclick: go(false) }, "不属实")));
  return wrap;
}
