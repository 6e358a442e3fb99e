// 我的办件: the signed-in applicant's (or agent's) cases in one center.
import { gql, hasQuery } from "../graphql.js";
import { h, note, loading, seg, fmt, alertBadge, stateBadge } from "../ui.js";
import { centers, currentCenter } from "../store.js";

export const CASE_ROW = "id number state stateLabel kind kindLabel urgent alert submittedAt acceptedAt promisedDue legalDue deadlineProvisional applicantName department item { code name version }";

/** A list of cases as a responsive table; `extra` adds "load more". */
export function casesTable(centerCode, cases, { deptNames = new Map(), showApplicant = false } = {}) {
  return h("div", { class: "table-wrap" },
    h("table", { class: "data-table cases" },
      h("thead", null, h("tr", null,
        ["办件编号", "事项", showApplicant ? "申请人" : null, showApplicant ? "承办部门" : null, "状态", "类型", "提交时间", "承诺办结", "预警"]
          .filter(Boolean).map((t) => h("th", null, t)),
      )),
      h("tbody", null,
        cases.map((c) =>
          h("tr", { dataset: { case: c.number }, class: c.alert && c.alert !== "NONE" ? `row-${c.alert.toLowerCase()}` : null },
            h("td", { "data-label": "办件编号" }, h("a", { href: `#/case/${seg(centerCode)}/${seg(c.id)}`, class: "case-link" }, c.number), c.urgent ? h("span", { class: "badge urgent" }, "急") : null),
            h("td", { "data-label": "事项" }, c.item ? c.item.name : ""),
            showApplicant ? h("td", { "data-label": "申请人" }, c.applicantName || "") : null,
            showApplicant ? h("td", { "data-label": "承办部门" }, deptNames.get(c.department) || c.department || "—") : null,
            h("td", { "data-label": "状态" }, stateBadge(c)),
            h("td", { "data-label": "类型" }, c.kindLabel || c.kind),
            h("td", { "data-label": "提交时间" }, fmt.datetime(c.submittedAt)),
            h("td", { "data-label": "承诺办结" }, fmt.date(c.promisedDue), c.promisedDue && c.deadlineProvisional ? h("span", { class: "badge provisional", title: "所在年度的节假日尚未公布，期限为暂定" }, "暂定") : null),
            h("td", { "data-label": "预警" }, alertBadge(c.alert) || h("span", { class: "muted" }, "正常")),
          ),
        ),
      ),
    ),
  );
}

export async function mineView({ page, params, isCurrent }) {
  if (!(await hasQuery("cases"))) {
    page.append(h("h1", null, "我的办件"), note("办件查询功能在服务端尚未启用，请稍后再试。"));
    return;
  }
  const all = await centers();
  const code = params[0] || currentCenter.get() || (all[0] && all[0].code);
  const select = h("select", { id: "mine-center", "aria-label": "政务服务中心" },
    all.map((c) => h("option", { value: c.code, selected: c.code === code }, c.name)),
  );
  select.addEventListener("change", () => {
    currentCenter.set(select.value);
    location.hash = `#/mine/${seg(select.value)}`;
  });
  const body = h("div", { "aria-live": "polite" }, loading());
  page.append(
    h("div", { class: "page-head" }, h("h1", null, "我的办件"), h("label", { class: "inline" }, "中心：", select)),
    body,
  );
  if (!code) {
    body.replaceChildren(note("暂无政务服务中心。"));
    return;
  }
  currentCenter.set(code);
  let after = null;
  const rows = [];
  const more = h("button", { type: "button", class: "btn btn-secondary", hidden: true }, "加载更多");
  async function load() {
    const data = await gql(
      `query($c: String!, $a: String) { cases(center: $c, mine: true, first: 20, after: $a) {
          edges { node { ${CASE_ROW} } } pageInfo { hasNextPage endCursor } } }`,
      { c: code, a: after },
    );
    if (!isCurrent()) return;
    rows.push(...data.cases.edges.map((e) => e.node));
    after = data.cases.pageInfo.endCursor;
    more.hidden = !data.cases.pageInfo.hasNextPage;
    body.replaceChildren(
      rows.length
        ? casesTable(code, rows)
        : h("div", { class: "empty card" }, h("p", null, "您在本中心还没有办件。"), h("a", { class: "btn btn-primary", href: `#/hall/${seg(code)}` }, "去办事")),
      more,
    );
  }
  more.addEventListener("click", () => load());
  await load();
}
