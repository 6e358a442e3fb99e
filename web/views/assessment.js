// 绩效考核 (assessment): window, staff and department scores per month / quarter / year with the
// ranking and each category's explanations, manual entries (加减分), the report PDF, the period's
// figures (提速、满意率、红黄牌、即办件和现场办结比例) and the rankings posted for publicity (公示).
// Shown only in centers with the plugin; complaints are the core's screen (#/complaints).
import { gql } from "../graphql.js";
import { h, note, loading, fmt } from "../ui.js";
import { pickCenter, mutate, ERRORS, DOCUMENT, table, input, values, showIssued, tabs, periodKeys, showBanner, seg, reload } from "./kit.js";
import { barChart } from "../chart.js";

const PLUGIN = "assessment";
const ROLES = ["supervisor", "head", "admin"];
const KINDS = [["window", "窗口单位"], ["staff", "工作人员"], ["department", "进驻部门"]];
const RANKING = "ruleSet title basis kind period periodLabel base max rows { rank subjectId code name total rawTotal capped grade categories { code name group max points floored explanations } }";
const FIGURES = "period periodLabel accepted completed legalDays promisedDaysAccepted promisedDaysCompleted actualDays promiseSpeedUp actualSpeedUp ratings satisfied satisfaction ratingsWithoutCase yellowCards redCards immediate immediateShare onSpot onSpotShare";
const PUBLICATION = "id kind period days startsOn endsOn status publishedBy rows { rank code name total grade }";

export async function assessmentView({ page, params, query, user, isCurrent }) {
  const c = await pickCenter({ page, params, user, roles: ROLES, plugin: PLUGIN, title: "绩效考核", route: "assessment",
    missing: "您所在的中心没有启用绩效考核，或您不是督查、首席代表。" });
  if (!c) return;
  const known = [...KINDS.map(([k]) => k), "year", "reports"];
  const tab = known.includes(query.get("tab")) ? query.get("tab") : "window"; // an unknown tab in the address: the first
  const keys = periodKeys();
  const base = `#/assessment/${seg(c.code)}?tab=`;
  page.append(tabs([...KINDS.map(([k, label]) => [k, label, `${base}${k}`]), ["year", "部门年度", `${base}year`], ["reports", "年度数据与公示", `${base}reports`]], tab));
  page.append(h("p", { class: "muted no-print" }, "投诉的登记、分派、答复与核查见", h("a", { href: `#/complaints/${seg(c.code)}`, id: "complaints-link" }, "投诉处理"), "。"));
  const body = h("div", { id: `assessment-${tab}` });
  page.append(body);
  if (tab === "reports") return reports(body, c, query.get("period") || keys.year);
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
    h("label", { class: "filter" }, h("span", null, "考核期"), period),
    ...presets, h("button", { type: "button", class: "btn btn-primary", onclick: () => load() }, "查询"), print,
    // the hint on its own line under the bar: the buttons line up with the box, not with the hint
    h("small", { id: "period-help", class: "help filters-help" }, tab === "department" ? "季度，如 2026-Q3" : "月度 2026-11、季度 2026-Q3 或年度 2026"),
    h("div", { class: "field-error", hidden: true }));
  body.append(bar, printed, result);
  let ranking = null;
  const manual = h("div");
  body.append(manual);

  async function load(entered = null) {
    const field = { window: "windowAssessment", staff: "staffAssessment", department: "departmentAssessment" }[tab];
    const arg = tab === "department" ? "quarter" : "period";
    try {
      const data = await gql(`query($c: String!, $p: String!) { ${field}(center: $c, ${arg}: $p) { ${RANKING} } }`, { c: c.code, p: period.value.trim() });
      if (!isCurrent()) return;
      ranking = data[field];
      result.replaceChildren(rankingTable(ranking, entered));
      manual.replaceChildren(manualForm(c, tab, ranking, load));
    } catch (error) {
      result.replaceChildren(note(error.message, "error"));
    }
  }
  await load();
}

/** The ranking; the row of `opened` (a subject's code: the one points were just entered for) shows its details. */
function rankingTable(r, opened = null) {
  return h("section", { class: "card print-document" },
    h("h2", null, `${r.title}（${r.periodLabel}）`),
    h("p", { class: "muted", id: "ranking-basis" }, `基础分 ${r.base}，最高 ${r.max}。`, r.basis ? `考核依据：${r.basis}` : ""),
    rankingChart(r),
    table([
      ["名次", (x) => String(x.rank)],
      ["对象", (x) => `${x.name}${x.code && x.code !== x.name ? `（${x.code}）` : ""}`],
      ["得分", (x) => h("strong", null, fmt.number(x.total), x.capped ? h("span", { class: "muted" }, `（封顶，原 ${fmt.number(x.rawTotal)}）`) : null)],
      ["等次", (x) => x.grade || "—"],
      ["各项得分", (x) => h("details", { open: x.code === opened }, h("summary", null, "明细"), h("ul", { class: "plain-list" }, x.categories.map((k) =>
        h("li", null, `${k.name}：${fmt.number(k.points)} / ${fmt.number(k.max)}${k.floored ? "（扣完为止）" : ""}`,
          k.explanations.length ? h("ul", null, k.explanations.map((e) => h("li", { class: "muted" }, e))) : null)))) ],
    ], r.rows, { id: "ranking-table", empty: "本期没有考核对象。", rowAttrs: (x) => ({ dataset: { subject: x.code } }) }));
}

/** The totals as bars in rank order, the axis starting just below the lowest (scores lie near their
 * base, so bars from 0 would all look alike); nothing for fewer than two subjects. */
function rankingChart(r) {
  if (r.rows.length < 2) return null;
  const lowest = Math.min(...r.rows.map((x) => x.total));
  const from = Math.max(0, Math.floor((lowest - 5) / 10) * 10);
  const compact = window.matchMedia("(max-width: 720px)").matches;
  const rows = r.rows.map((x) => ({ label: `${x.rank}. ${x.name}`, values: x }));
  return h("div", { class: "chart-box", id: "ranking-chart" },
    barChart(`${r.title}（${r.periodLabel}）得分`, rows, [{ key: "total", label: "得分", color: "#2f6fb3" }], { compact, from, format: fmt.number }));
}

/** 录入加减分 for the ranking `r`'s period; `show(subject)` shows the ranking again with that subject's entries. */
function manualForm(c, kind, r, show) {
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
        enterManualScore(center: $c, kind: $k, subject: $s, period: $p, category: $cat, reason: $r, points: $pts) { ${ERRORS} ... on ManualScore { id points label reason } } }`,
    { c: c.code, k: kind, s: v.subject || "", p: r.period, cat: v.category || "", r: v.reason || "", pts: v.points === null ? null : Number(v.points) },
    "enterManualScore", form);
    if (done) {
      // the same period again (not the page's default one), with the subject's entries, the reason among them, open
      await show(v.subject);
      const subject = (r.rows.find((x) => x.code === v.subject) || {}).name || v.subject;
      const what = [categories.get(v.category), done.label].filter(Boolean).join("：");
      showBanner(`已为“${subject}”录入${r.periodLabel}“${what}”${done.points > 0 ? "+" : ""}${fmt.number(done.points)}分，事由：${done.reason}`, "success");
    }
  });
  return form;
}

async function departmentYear(body, c, year) {
  // another year, as the other tabs take another period: the tab again with ?year=
  const field = h("input", { type: "text", id: "year", value: Number.isInteger(year) ? String(year) : "", inputmode: "numeric", "aria-describedby": "year-help" });
  const problem = h("div", { class: "field-error", id: "year-error", hidden: true });
  const go = () => {
    const y = field.value.trim();
    problem.hidden = /^\d{4}$/.test(y);
    problem.textContent = problem.hidden ? "" : "考核年度应为四位数字，如 2026";
    if (problem.hidden && y !== String(year)) location.hash = `#/assessment/${seg(c.code)}?tab=year&year=${y}`;
  };
  field.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
  body.append(h("div", { class: "filters no-print" }, h("label", { class: "filter" }, h("span", null, "考核年度"), field),
    h("button", { type: "button", class: "btn btn-primary", id: "year-load", onclick: go }, "查询"),
    h("small", { id: "year-help", class: "help filters-help" }, "年度，如 2026"), problem));
  if (!Number.isInteger(year)) {
    body.append(h("section", { class: "card" }, h("h2", null, "部门年度考核"),
      h("p", { class: "muted", id: "year-unavailable" }, "考核年度应为四位数字，如 2026。")));
    return;
  }
  let data;
  try {
    data = await gql(`query($c: String!, $y: Int!) { departmentYear(center: $c, year: $y) { title year quarters rows { rank code name total quarters { quarter total unscored } } } }`, { c: c.code, y: year });
  } catch (error) {
    // a center in its first quarter, or a year not begun: said in the card, not as a failure of the page
    body.append(h("section", { class: "card" }, h("h2", null, `部门年度考核（${year}年）`),
      h("p", { class: "muted", id: "year-unavailable" }, error.message)));
    return;
  }
  const y = data.departmentYear;
  body.append(h("section", { class: "card print-document" }, h("h2", null, `${y.title}（${y.year}年）`),
    h("p", { class: "muted" }, y.quarters.length ? `已结束季度：${y.quarters.join("、")}` : "本年尚无结束的季度。"),
    // a quarter that ended before the department was added: 未设立 (before the center began: —); not in its mean
    table([
      ["名次", (x) => (x.rank === null ? "—" : String(x.rank))],
      ["部门", (x) => x.name],
      ...y.quarters.map((q) => [q, (x) => {
        const s = x.quarters.find((t) => t.quarter === q) || {};
        return s.unscored === "未设立" ? h("span", { class: "muted", dataset: { unscored: "unset" } }, "未设立") : fmt.number(s.total);
      }]),
      ["年度得分", (x) => h("strong", null, fmt.number(x.total))],
    ], y.rows, { id: "year-table", rowAttrs: (x) => ({ dataset: { subject: x.code } }) })));
}

const pct = (v) => (v === null || v === undefined ? "—" : `${fmt.number(v)}%`);

async function reports(body, c, periodKey) {
  const period = h("input", { type: "text", id: "figures-period", value: periodKey });
  const shown = h("div", { id: "figures" });
  const load = async () => {
    try {
      const data = await gql(`query($c: String!, $p: String!) { assessmentFigures(center: $c, period: $p) { ${FIGURES} } }`, { c: c.code, p: period.value.trim() });
      const f = data.assessmentFigures;
      shown.replaceChildren(h("section", { class: "card print-document" }, h("h2", null, `${f.periodLabel}数据`), table([
        ["指标", (x) => x[0]], ["数值", (x) => h("strong", { dataset: { figure: x[2] } }, x[1])], ["口径", (x) => h("span", { class: "muted" }, x[3])],
      ], [
        ["受理件数", String(f.accepted), "accepted", "本期受理"],
        ["承诺时限比法定时限提速", pct(f.promiseSpeedUp), "promiseSpeedUp", `（法定${f.legalDays} − 承诺${f.promisedDaysAccepted}）÷ 法定，本期受理、有法定时限的办件（工作日）`],
        ["实际办理比承诺时限提速", pct(f.actualSpeedUp), "actualSpeedUp", `（承诺${f.promisedDaysCompleted} − 实际${f.actualDays}）÷ 承诺，本期办结的${f.completed}件承诺件（工作日）`],
        ["满意率", pct(f.satisfaction), "satisfaction", `基本满意及以上${f.satisfied}条 ÷ 评价${f.ratings}条（办件的评价，及评价器对无办件咨询的现场评价${f.ratingsWithoutCase}条）`],
        ["黄牌", String(f.yellowCards), "yellowCards", "本期被亮黄牌的办件数，一件只计一次"],
        ["红牌", String(f.redCards), "redCards", "本期被亮红牌的办件数，一件只计一次"],
        ["即办件比例", pct(f.immediateShare), "immediateShare", `即办件${f.immediate}件 ÷ 受理件数`],
        ["现场办结比例", pct(f.onSpotShare), "onSpotShare", `受理当日办结${f.onSpot}件 ÷ 受理件数`],
      ], { id: "figures-table" })));
    } catch (error) {
      shown.replaceChildren(note(error.message, "error"));
    }
  };
  body.append(h("div", { class: "filters no-print" }, h("label", { class: "filter" }, h("span", null, "期间"), period),
    h("button", { type: "button", class: "btn btn-primary", id: "figures-load", onclick: load }, "查询"),
    h("small", { class: "help filters-help" }, "年度 2026、季度 2026-Q3 或月度 2026-11")), shown);
  await load();
  const since = (await gql(`query($c: String!) { assessmentSince(center: $c) }`, { c: c.code })).assessmentSince;
  body.append(publishForm(c, since), await publications(c));
}

/** The quarter the form offers: the last ended one if the center (assessed from `since`, an ISO day)
 * had begun by its end; else the running one, never a quarter before the center began. */
function defaultQuarter(since) {
  const keys = periodKeys();
  const [y, q] = keys.endedQuarter.split("-Q").map(Number);
  const end = new Date(y, 3 * q, 0);
  const endIso = `${end.getFullYear()}-${String(end.getMonth() + 1).padStart(2, "0")}-${String(end.getDate()).padStart(2, "0")}`;
  return endIso >= since ? keys.endedQuarter : keys.quarter;
}

function publishForm(c, since) {
  const form = h("form", { class: "card no-print", id: "publish-form", novalidate: true }, h("h2", null, "考核排名公示"),
    h("p", { class: "muted" }, "每季度末排名并公示，公示时间不少于3个工作日；尚未结束的考核期不能公示；公示的排名不再随后来的录入变化。"),
    h("div", { class: "group-fields" },
      input("对象", "kind", { options: [["department", "进驻部门（季度）"], ["window", "窗口单位"], ["staff", "工作人员"]], value: "department" }),
      input("考核期", "period", { value: defaultQuarter(since), required: true }),
      input("公示工作日", "days", { type: "number", value: "3", required: true })),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "公示")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(form);
    const done = await mutate(`mutation($c: String!, $k: String!, $p: String!, $d: Int) { publishAssessment(center: $c, kind: $k, period: $p, days: $d) { ${ERRORS} ... on AssessmentPublication { id endsOn } } }`,
      { c: c.code, k: v.kind, p: v.period || "", d: v.days === null ? null : Number(v.days) }, "publishAssessment", form);
    if (done) reload(`已公示，至${fmt.date(done.endsOn)}止`);
  });
  return form;
}

async function publications(c) {
  const data = await gql(`query($c: String!) { assessmentPublications(center: $c) { ${PUBLICATION} } }`, { c: c.code });
  return h("section", { class: "card" }, h("h2", null, "公示记录"), table([
    ["考核期", (p) => `${p.period}（${{ department: "进驻部门", window: "窗口单位", staff: "工作人员" }[p.kind] || p.kind}）`],
    ["公示期", (p) => `${fmt.date(p.startsOn)}至${fmt.date(p.endsOn)}（${p.days}个工作日）`],
    ["状态", (p) => p.status],
    ["排名", (p) => h("details", null, h("summary", null, `${p.rows.length}个`), h("ol", { class: "plain-list" },
      p.rows.map((r) => h("li", null, `${r.rank}. ${r.name} ${fmt.number(r.total)}${r.grade ? ` ${r.grade}` : ""}`))))],
    ["公示人", (p) => p.publishedBy],
  ], data.assessmentPublications, { id: "publications-table", empty: "尚未公示。" }));
}
