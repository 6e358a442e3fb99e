// 工作台: the staff's queue of cases with filters (state, alert, kind, department, mine), a search by
// case number, applicant name, ID number, USCC or mobile, and the front desk's queues (新件, 补办件,
// 待补齐) with their counts refreshed by polling: new arrivals show as a count until looked at. A
// clerk or head registers a walk-in applicant without an online account (现场申请人, walkin.js) and
// files for them (`?walkin=1` opens that box).
import { gql, hasQuery, showBanner } from "../graphql.js";
import { h, note, loading, seg, fmt, hasRole, WORK_ROLES, STANDARD_STATES, KIND_LABELS } from "../ui.js";
import { chooseCenter, mutate, ERRORS, table } from "./kit.js";
import { CASE_ROW, casesTable } from "./mine.js";
import { walkInPanel } from "./walkin.js";

const ALERTS = [["", "全部"], ["NONE", "正常"], ["YELLOW", "黄牌"], ["RED", "红牌"]];
const POLL_SECONDS = 30;
// Who files at the counter for someone in front of the window (窗口受理)
const COUNTER_ROLES = ["clerk", "head"];
// Who works the front desk's queues: the window (clerk), its chief representative, supervision and the
// administrator, who look after them.
const FRONT_DESK_ROLES = ["clerk", "head", "supervisor", "admin"];
// The front desk's queues: [key, label, filter].
const QUEUES = [
  ["new", "新件（待受理）", { state: "submitted" }],
  ["supplied", "补办件（已补齐待核验）", { state: "supplied" }],
  ["waiting", "待补齐材料", { state: "supplementing" }],
];
let pollTimer = null;

function select(id, label, options, value) {
  const el = h("select", { id, name: id }, options.map(([v, t]) => h("option", { value: v, selected: v === value }, t)));
  return { el, wrap: h("label", { class: "filter" }, h("span", null, label), el) };
}

export async function workView({ page, params, query, user, isCurrent }) {
  if (!(await hasQuery("cases"))) {
    page.append(h("h1", null, "工作台"), note("办件队列功能在服务端尚未启用，请稍后再试。"));
    return;
  }
  const chosen = await chooseCenter({ page, params, user, roles: WORK_ROLES, title: "工作台", route: "work",
    missing: "您没有窗口或审批岗位，无法使用工作台。" });
  if (!chosen) return;
  const { center: c, mine: mineCenters } = chosen;

  const f = {
    center: select("q-center", "中心", mineCenters.map((x) => [x.code, x.name]), c.code),
    state: select("q-state", "状态", [["", "全部"], ...STANDARD_STATES], query.get("state") || ""),
    alert: select("q-alert", "预警", ALERTS, query.get("alert") || ""),
    kind: select("q-kind", "类型", [["", "全部"], ...Object.entries(KIND_LABELS)], query.get("kind") || ""),
    department: select("q-dept", "部门", [["", "全部部门"], ...c.departments.map((d) => [d.code, d.name])], query.get("department") || ""),
  };
  const mine = h("input", { type: "checkbox", id: "q-mine", checked: query.get("mine") === "1" });
  const search = h("input", { type: "search", id: "q-search", value: query.get("q") || "", placeholder: "办件编号、申请人姓名、身份证号码、统一社会信用代码或手机号码" });
  const filters = h("form", { class: "filters card", role: "search", "aria-label": "筛选办件" },
    h("label", { class: "filter search-filter" }, h("span", null, "查找"), search),
    f.center.wrap, f.state.wrap, f.alert.wrap, f.kind.wrap, f.department.wrap,
    h("label", { class: "filter choice" }, mine, h("span", null, "只看我负责的")),
  );
  function apply() {
    const q = new URLSearchParams();
    for (const k of ["state", "alert", "kind", "department"]) if (f[k].el.value) q.set(k, f[k].el.value);
    if (mine.checked) q.set("mine", "1");
    if (search.value.trim()) q.set("q", search.value.trim());
    const qs = q.toString();
    location.hash = `#/work/${seg(f.center.el.value)}${qs ? `?${qs}` : ""}`;
  }
  filters.addEventListener("change", (e) => {
    if (e.target !== search) apply();
  });
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    apply();
  });

  const body = h("div", { "aria-live": "polite" }, loading());
  // 待签收: what was handed to the reviewer's department (or to the pickup window), one_window centers
  const signQueue = (c.plugins || []).includes("one_window") && hasRole(user, ["reviewer", "pickup"], c.code) && !hasRole(user, ["supervisor", "head"], c.code);
  const signBox = signQueue ? h("section", { class: "card", id: "to-sign" }) : null;
  // 站内消息 to this person (催办、督办 and the answers to their own, complaints given to them): read here
  const messageBox = h("section", { class: "card", id: "staff-messages", hidden: true });
  const link = (params2) => `#/work/${seg(c.code)}?${new URLSearchParams(params2).toString()}`;
  const counts = new Map();
  // the front desk's queues (and their new arrivals) are the window's work: a department's reviewer
  // or the pickup window is not shown them
  const frontDesk = hasRole(user, FRONT_DESK_ROLES, c.code);
  const shortcuts = h("p", { class: "shortcuts", id: "queues" },
    (frontDesk ? QUEUES : []).map(([key, label, filter]) => {
      const count = h("span", { class: "badge", dataset: { count: key } }, "…");
      counts.set(key, count);
      return h("a", { href: link(filter), class: "chip", dataset: { queue: key } }, `${label} `, count);
    }),
    h("a", { href: link({ state: "under_review" }), class: "chip" }, "审查中"),
    hasRole(user, ["reviewer"], c.code) ? h("a", { href: link({ state: "under_review", mine: "1" }), class: "chip", dataset: { queue: "decide" } }, "待审批") : null,
    h("a", { href: link({ state: "approved" }), class: "chip" }, "待出件"),
    h("a", { href: link({ state: "refused" }), class: "chip" }, "不予许可待出件"),
    h("a", { href: link({ state: "partly_approved" }), class: "chip" }, "部分准予待出件"),
    h("a", { href: link({ alert: "YELLOW" }), class: "chip chip-yellow" }, "黄牌"),
    h("a", { href: link({ alert: "RED" }), class: "chip chip-red" }, "红牌"),
    h("a", { href: `#/work/${seg(c.code)}`, class: "chip" }, "全部"),
  );
  const arrivals = h("button", { type: "button", class: "btn new-arrivals", id: "new-arrivals", hidden: true, onclick: () => {
    const target = link(QUEUES[0][2]);
    if (location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = target;
  } });
  // 现场申请人: someone at the counter without an online account, registered and filed for here
  const walkIn = hasRole(user, COUNTER_ROLES, c.code)
    ? h("details", { class: "card walk-in-box", id: "walk-in", open: query.get("walkin") === "1" },
      h("summary", null, h("strong", null, "现场申请人（无网上账号）"), "：登记或按证件号码查找，再选事项代为申报（窗口受理）"),
      walkInPanel(c, { title: null }))
    : null;
  page.append(h("div", { class: "page-head" }, h("h1", null, "工作台"), h("span", { class: "muted center-name" }, c.name), arrivals), shortcuts,
    ...(walkIn ? [walkIn] : []), messageBox, ...(signBox ? [signBox] : []), filters, body);

  const deptNames = new Map(c.departments.map((d) => [d.code, d.name]));
  const rows = [];
  let after = null;
  const more = h("button", { type: "button", class: "btn btn-secondary", hidden: true }, "加载更多");
  async function load() {
    const data = await gql(
      `query($c: String!, $s: String, $k: String, $al: Alert, $d: String, $m: Boolean!, $a: String, $q: String) {
        cases(center: $c, state: $s, kind: $k, alert: $al, department: $d, mine: $m, first: 30, after: $a, search: $q) {
          edges { node { ${CASE_ROW} } } pageInfo { hasNextPage endCursor } }
        ${after || !frontDesk ? "" : QUEUE_COUNTS}
        ${!after && signQueue ? `toSign: pendingHandovers(center: $c) { id caseId caseNumber stageLabel fromUser toDepartmentName toPickup materials handedAt }` : ""}
        ${after ? "" : "messages: staffMessages(center: $c, first: 10) { id caseId caseNumber text at }"} }`,
      {
        c: c.code, s: f.state.el.value || null, k: f.kind.el.value || null, al: f.alert.el.value || null,
        d: f.department.el.value || null, m: mine.checked, a: after, q: search.value.trim() || null,
      },
    );
    if (!isCurrent()) return;
    if (!after && frontDesk) showCounts(data, true);
    if (!after && signBox) showToSign(data.toSign);
    if (!after) showMessages(data.messages);
    rows.push(...data.cases.edges.map((e) => e.node));
    after = data.cases.pageInfo.endCursor;
    more.hidden = !data.cases.pageInfo.hasNextPage;
    body.replaceChildren(
      h("p", { class: "muted" }, `共显示 ${rows.length} 件${data.cases.pageInfo.hasNextPage ? "，还有更多" : ""}（急办件优先，其余按提交先后）`),
      rows.length ? casesTable(c.code, rows, { deptNames, showApplicant: true, showAlert: true }) : note("没有符合条件的办件。"),
      more,
    );
  }
  more.addEventListener("click", () => load());

  function showMessages(rows) {
    messageBox.hidden = !rows.length;
    messageBox.replaceChildren(h("h2", null, "站内消息"),
      table([
        ["时间", (m) => fmt.datetime(m.at)],
        ["办件", (m) => (m.caseId ? h("a", { href: `#/case/${seg(c.code)}/${seg(m.caseId)}` }, m.caseNumber) : "—")],
        ["内容", (m) => m.text],
      ], rows, { id: "messages-table" }),
      h("p", { class: "muted" }, "在办件页面的“督办反馈”中说明办理情况，催办、督办人会收到反馈。"));
  }

  function showToSign(rows) {
    signBox.replaceChildren(h("h2", null, "待签收 ", h("span", { class: "badge", id: "to-sign-count" }, String(rows.length))),
      table([
        ["办件", (r) => h("a", { href: `#/case/${seg(c.code)}/${seg(r.caseId)}` }, r.caseNumber)],
        ["环节", (r) => r.stageLabel],
        ["移交人", (r) => r.fromUser],
        ["材料", (r) => r.materials.join("、") || "—"],
        ["移交时间", (r) => fmt.datetime(r.handedAt)],
        ["", (r) => h("button", { type: "button", class: "btn btn-primary", dataset: { receive: r.caseNumber }, onclick: async () => {
          const done = await mutate(`mutation($id: ID!) { receiveHandover(id: $id) { ${ERRORS} } }`, { id: r.id }, "receiveHandover", signBox);
          if (done) {
            window.dispatchEvent(new HashChangeEvent("hashchange"));
            showBanner(`已签收 ${r.caseNumber}`, "success");
          }
        } }, "签收")],
      ], rows, { id: "to-sign-table", empty: "没有待签收的办件。" }));
  }

  // the queues' counts, and the new arrivals since this page was opened
  const seen = new Set();
  function showCounts(data, first) {
    for (const [key] of QUEUES) {
      const conn = data[`q_${key}`];
      counts.get(key).textContent = `${conn.edges.length}${conn.pageInfo.hasNextPage ? "+" : ""}`;
    }
    const fresh = data.q_new.edges.map((e) => e.node.id).filter((id) => !seen.has(id));
    fresh.forEach((id) => seen.add(id));
    if (!first && fresh.length) {
      arrivals.hidden = false;
      arrivals.textContent = `新到 ${Number(arrivals.dataset.n || 0) + fresh.length} 件`;
      arrivals.dataset.n = String(Number(arrivals.dataset.n || 0) + fresh.length);
    }
  }
  async function poll() {
    if (!isCurrent()) {
      clearInterval(pollTimer);
      return;
    }
    try {
      showCounts(await gql(`query($c: String!) { ${QUEUE_COUNTS} }`, { c: c.code }), false);
    } catch {
      /* a missed poll is retried at the next tick */
    }
  }
  await load();
  clearInterval(pollTimer);
  if (frontDesk) pollTimer = setInterval(poll, (Number(query.get("poll")) || POLL_SECONDS) * 1000);
}

// One request gives every queue's count (up to 100) with the list.
const QUEUE_COUNTS = QUEUES.map(([key, , filter]) => {
  const args = Object.entries(filter).map(([k, v]) => `${k}: "${v}"`).join(", ");
  return `q_${key}: cases(center: $c, ${args}, first: 100) { edges { node { id } } pageInfo { hasNextPage } }`;
}).join(" ");
