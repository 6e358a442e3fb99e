// 工作台: the staff's queue of cases with filters (state, alert, kind, department, mine).
import { gql, hasQuery } from "../graphql.js";
import { h, note, loading, seg, centersWithRole, WORK_ROLES, STANDARD_STATES, KIND_LABELS } from "../ui.js";
import { centers, currentCenter } from "../store.js";
import { CASE_ROW, casesTable } from "./mine.js";

const ALERTS = [["", "全部"], ["NONE", "正常"], ["YELLOW", "黄牌"], ["RED", "红牌"]];

function select(id, label, options, value) {
  const el = h("select", { id, name: id }, options.map(([v, t]) => h("option", { value: v, selected: v === value }, t)));
  return { el, wrap: h("label", { class: "filter" }, h("span", null, label), el) };
}

export async function workView({ page, params, query, user, isCurrent }) {
  if (!(await hasQuery("cases"))) {
    page.append(h("h1", null, "工作台"), note("办件队列功能在服务端尚未启用，请稍后再试。"));
    return;
  }
  const all = await centers();
  const allowed = centersWithRole(user, WORK_ROLES);
  const mineCenters = all.filter((c) => allowed.includes(c.code));
  if (!mineCenters.length) {
    page.append(h("h1", null, "工作台"), note("您没有窗口或审批岗位，无法使用工作台。", "error"));
    return;
  }
  const preferred = params[0] || (allowed.includes(currentCenter.get()) ? currentCenter.get() : mineCenters[0].code);
  const c = mineCenters.find((x) => x.code === preferred) || mineCenters[0];
  currentCenter.set(c.code);

  const f = {
    center: select("q-center", "中心", mineCenters.map((x) => [x.code, x.name]), c.code),
    state: select("q-state", "状态", [["", "全部"], ...STANDARD_STATES], query.get("state") || ""),
    alert: select("q-alert", "预警", ALERTS, query.get("alert") || ""),
    kind: select("q-kind", "类型", [["", "全部"], ...Object.entries(KIND_LABELS)], query.get("kind") || ""),
    department: select("q-dept", "部门", [["", "全部部门"], ...c.departments.map((d) => [d.code, d.name])], query.get("department") || ""),
  };
  const mine = h("input", { type: "checkbox", id: "q-mine", checked: query.get("mine") === "1" });
  const filters = h("form", { class: "filters card", role: "search", "aria-label": "筛选办件" },
    f.center.wrap, f.state.wrap, f.alert.wrap, f.kind.wrap, f.department.wrap,
    h("label", { class: "filter choice" }, mine, h("span", null, "只看我负责的")),
  );
  function apply() {
    const q = new URLSearchParams();
    for (const k of ["state", "alert", "kind", "department"]) if (f[k].el.value) q.set(k, f[k].el.value);
    if (mine.checked) q.set("mine", "1");
    const qs = q.toString();
    location.hash = `#/work/${seg(f.center.el.value)}${qs ? `?${qs}` : ""}`;
  }
  filters.addEventListener("change", apply);
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    apply();
  });

  const body = h("div", { "aria-live": "polite" }, loading());
  const shortcuts = h("p", { class: "shortcuts" },
    h("a", { href: `#/work/${seg(c.code)}?state=submitted`, class: "chip" }, "待受理"),
    h("a", { href: `#/work/${seg(c.code)}?state=supplied`, class: "chip" }, "已补齐待核验"),
    h("a", { href: `#/work/${seg(c.code)}?state=under_review`, class: "chip" }, "审查中"),
    h("a", { href: `#/work/${seg(c.code)}?state=approved`, class: "chip" }, "待出件"),
    h("a", { href: `#/work/${seg(c.code)}?alert=YELLOW`, class: "chip chip-yellow" }, "黄牌"),
    h("a", { href: `#/work/${seg(c.code)}?alert=RED`, class: "chip chip-red" }, "红牌"),
    h("a", { href: `#/work/${seg(c.code)}`, class: "chip" }, "全部"),
  );
  page.append(h("div", { class: "page-head" }, h("h1", null, "工作台"), h("span", { class: "muted" }, c.name)), shortcuts, filters, body);

  const deptNames = new Map(c.departments.map((d) => [d.code, d.name]));
  const rows = [];
  let after = null;
  const more = h("button", { type: "button", class: "btn btn-secondary", hidden: true }, "加载更多");
  async function load() {
    const data = await gql(
      `query($c: String!, $s: String, $k: String, $al: Alert, $d: String, $m: Boolean!, $a: String) {
        cases(center: $c, state: $s, kind: $k, alert: $al, department: $d, mine: $m, first: 30, after: $a) {
          edges { node { ${CASE_ROW} } } pageInfo { hasNextPage endCursor } } }`,
      {
        c: c.code, s: f.state.el.value || null, k: f.kind.el.value || null, al: f.alert.el.value || null,
        d: f.department.el.value || null, m: mine.checked, a: after,
      },
    );
    if (!isCurrent()) return;
    rows.push(...data.cases.edges.map((e) => e.node));
    after = data.cases.pageInfo.endCursor;
    more.hidden = !data.cases.pageInfo.hasNextPage;
    body.replaceChildren(
      h("p", { class: "muted" }, `共显示 ${rows.length} 件${data.cases.pageInfo.hasNextPage ? "，还有更多" : ""}（急办件优先，其余按提交先后）`),
      rows.length ? casesTable(c.code, rows, { deptNames, showApplicant: true }) : note("没有符合条件的办件。"),
      more,
    );
  }
  more.addEventListener("click", () => load());
  await load();
}
