// 我的办件: the signed-in applicant's (or agent's) cases: of every center in one list (myCases, with
// each case's center), or of one chosen center; below them 认领现场办理的办件 (claim.js).
import { gql, hasQuery } from "../graphql.js";
import { h, note, loading, seg, fmt, alertBadge, stateBadge } from "../ui.js";
import { centers, currentCenter } from "../store.js";
import { table } from "./kit.js";
import { claimCard } from "./claim.js";

// 我的办件 also tells each part of a joint case (联办件) apart: 部分准予 names what was refused, by whom and why
const PART_RESULTS = "tasks { department departmentName partName state stateLabel comment }";
// 待评价: a finished case whose result is handed out and not rated yet (the case page's rule); the
// ratings of a page come in one batch (a dataloader), not one query per case
const RATING_STATE = "completedAt awaitingPickup rating";
export const CASE_ROW = "id number state stateLabel kind kindLabel urgent alert submittedAt acceptedAt promisedDue legalDue deadlineProvisional promisedDueProvisional applicantName department item { code name version }";

/** A list of cases as a responsive table; `extra` adds "load more". The 预警 column (黄牌/红牌) is
 * internal supervision: only the work queues show it, never 我的办件. */
export function casesTable(centerCode, cases, { deptNames = new Map(), showApplicant = false, showCenter = false, showAlert = false, showToRate = false } = {}) {
  return h("div", { class: "table-wrap" },
    h("table", { class: "data-table cases" },
      h("thead", null, h("tr", null,
        ["办件编号", showCenter ? "中心" : null, "事项", showApplicant ? "申请人" : null, showApplicant ? "承办部门" : null, "状态", "类型", "提交时间", "承诺办结", showAlert ? "预警" : null]
          .filter(Boolean).map((t) => h("th", null, t)),
      )),
      h("tbody", null,
        cases.map((c) => {
          const href = `#/case/${seg(c.center ? c.center.code : centerCode)}/${seg(c.id)}`;
          // on a phone each case is a card: a tap anywhere on it opens the case, not only on its number
          const open = (e) => {
            if (!e.target.closest("a, button, input, select, textarea") && !String(window.getSelection() || "")) location.hash = href;
          };
          return h("tr", { dataset: { case: c.number }, class: [showAlert && c.alert && c.alert !== "NONE" ? `row-${c.alert.toLowerCase()}` : "", "case-row"].filter(Boolean).join(" "), onclick: open },
            h("td", { "data-label": "办件编号" }, h("a", { href, class: "case-link" }, c.number), c.urgent ? h("span", { class: "badge urgent" }, "急") : null),
            showCenter ? h("td", { "data-label": "中心", class: "case-center" }, c.center ? c.center.name : "") : null,
            h("td", { "data-label": "事项" }, c.item ? c.item.name : ""),
            showApplicant ? h("td", { "data-label": "申请人" }, c.applicantName || "") : null,
            showApplicant ? h("td", { "data-label": "承办部门" }, deptNames.get(c.department) || c.department || "—") : null,
            h("td", { "data-label": "状态" }, stateBadge(c), showToRate && toRate(c) ? h("a", { class: "badge to-rate", href: `${href}?rate=1`, title: "为本次服务评价（好差评）" }, "待评价") : null, partResults(c)),
            h("td", { "data-label": "类型" }, c.kindLabel || c.kind),
            h("td", { "data-label": "提交时间" }, fmt.datetime(c.submittedAt)),
            h("td", { "data-label": "承诺办结" }, fmt.date(c.promisedDue), c.promisedDue && (c.promisedDueProvisional ?? c.deadlineProvisional) ? h("span", { class: "badge provisional", title: "所在年度的节假日尚未公布，期限为暂定" }, "暂定") : null),
            showAlert ? h("td", { "data-label": "预警" }, alertBadge(c.alert) || h("span", { class: "muted" }, "正常")) : null,
          );
        }),
      ),
    ),
  );
}

/** Finished, its result handed out, not rated yet: the case page asks for the rating (好差评). */
function toRate(c) {
  return Boolean(c.completedAt) && c.awaitingPickup === false && c.rating === null;
}

/** A joint case's parts once any is decided: each department's result (准予 / 不予许可, with the reason). */
function partResults(c) {
  const tasks = c.tasks || [];
  if (!tasks.some((t) => t.state !== "open")) return null;
  return h("ul", { class: "part-results" }, tasks.map((t) => h("li", { dataset: { part: t.department, result: t.state } },
    `${partLabel(t)}：${t.stateLabel}`, t.state === "refused" && t.comment ? `，理由：${t.comment}` : "")));
}

/** 印章刻制（连州市公安局）; a part the item names after its department alone: the department once. */
function partLabel(t) {
  return !t.partName || t.partName.startsWith(t.departmentName) ? t.departmentName : `${t.partName}（${t.departmentName}）`;
}

export async function mineView({ page, params, isCurrent }) {
  if (!(await hasQuery("myCases"))) {
    page.append(h("h1", null, "我的办件"), note("办件查询功能在服务端尚未启用，请稍后再试。"));
    return;
  }
  const all = await centers();
  const code = params[0] && all.some((c) => c.code === params[0]) ? params[0] : ""; // "" = every center
  const select = h("select", { id: "mine-center", "aria-label": "政务服务中心" },
    h("option", { value: "", selected: !code }, "全部中心"),
    all.map((c) => h("option", { value: c.code, selected: c.code === code }, c.name)),
  );
  select.addEventListener("change", () => {
    if (select.value) currentCenter.set(select.value);
    location.hash = select.value ? `#/mine/${seg(select.value)}` : "#/mine";
  });
  const body = h("div", { "aria-live": "polite" }, loading());
  page.append(
    h("div", { class: "page-head" }, h("h1", null, "我的办件"), h("label", { class: "inline" }, "中心：", select)),
    body,
  );
  if (code) currentCenter.set(code);
  let after = null;
  const rows = [];
  const more = h("button", { type: "button", class: "btn btn-secondary", hidden: true }, "加载更多");
  async function load() {
    const data = code
      ? (await gql(`query($c: String!, $a: String) { cases(center: $c, mine: true, first: 20, after: $a) {
          edges { node { ${CASE_ROW} ${PART_RESULTS} ${RATING_STATE} } } pageInfo { hasNextPage endCursor } } }`, { c: code, a: after })).cases
      : (await gql(`query($a: String) { myCases(first: 20, after: $a) {
          edges { node { ${CASE_ROW} ${PART_RESULTS} ${RATING_STATE} center { code name } } } pageInfo { hasNextPage endCursor } } }`, { a: after })).myCases;
    if (!isCurrent()) return;
    rows.push(...data.edges.map((e) => e.node));
    after = data.pageInfo.endCursor;
    more.hidden = !data.pageInfo.hasNextPage;
    const hall = code || currentCenter.get() || (all[0] && all[0].code) || "";
    body.replaceChildren(
      rows.length
        ? casesTable(code, rows, { showCenter: !code, showToRate: true })
        : h("div", { class: "empty card" }, h("p", null, code ? "您在本中心还没有办件。" : "您还没有办件。"), h("a", { class: "btn btn-primary", href: `#/hall/${seg(hall)}` }, "去办事")),
      more,
    );
  }
  more.addEventListener("click", () => load());
  await load();
  // 认领现场办理的办件: a claimed case joins the list above
  if (isCurrent()) page.append(claimCard(all, code, { onClaimed: () => { rows.length = 0; after = null; load(); } }));
  if (isCurrent() && (await hasQuery("myComplaints"))) page.append(await complaintsCard());
}

/** 我的投诉: the complaints the user filed online about their cases, with the hall's written answer. */
async function complaintsCard() {
  const rows = (await gql("{ myComplaints { id centerCode centerName caseId caseNumber text createdAt dueOn status statusLabel reply repliedAt } }")).myComplaints;
  return h("section", { class: "card", id: "my-complaints" }, h("h2", null, "我的投诉"), rows.length
    ? table([
      ["编号", (k) => k.id],
      ["办件", (k) => h("a", { href: `#/case/${seg(k.centerCode)}/${seg(k.caseId)}` }, k.caseNumber)],
      ["投诉内容", (k) => k.text],
      ["提交时间", (k) => fmt.datetime(k.createdAt)],
      ["答复期限", (k) => (k.dueOn ? fmt.date(k.dueOn) : "—")],
      ["状态", (k) => h("span", { class: `badge complaint-${k.status}` }, k.statusLabel)],
      ["答复", (k) => (k.reply ? h("span", null, k.reply, h("br"), h("small", { class: "muted" }, fmt.datetime(k.repliedAt))) : "—")],
    ], rows, { id: "my-complaints-table", rowAttrs: (k) => ({ dataset: { complaint: k.id, status: k.status } }) })
    : h("p", { class: "muted" }, "您没有在线投诉。对办件的服务不满意，可在办件页面在线投诉。"));
}
