// 绿色通道 (green_channel): the eligibility check (受理范围自查), registering a project, the project's
// travelling form (受理表: each window's acceptance and completion with who signed and when), linking a
// case, the register (登记簿) and printing both; on the case page, the materials to follow (先办理，后补齐:
// by when, which came, 已逾期) and the window's record of their receipt. Shown only in centers with the plugin.
import { gql, hasQuery, showUserErrors } from "../graphql.js";
import { h, note, loading, fmt, uid, hasRole as has } from "../ui.js";
import { pickCenter, mutate, ERRORS, DOCUMENT, table, input, values, showIssued, dateRange, showBanner, seg, reload } from "./kit.js";
import { INTERNAL_ITEM } from "./hall.js";

const PLUGIN = "green_channel";
const ROLES = ["clerk", "reviewer", "head", "pickup", "supervisor", "admin"];
const FOLLOW = "materialsToFollow followUps { material name due provisional state stateLabel receivedAt receivedBy overdueToldAt } waiting followDue followDueProvisional overdue";
const PROJECT = `id number name kindLabel applicant uscc endItem endItemName status statusLabel registeredBy registeredAt finishedAt
  basis { code label detail } amounts
  steps { id caseId caseNumber itemName departmentName windowName endsProject linkedAt acceptedAt acceptedBy finishedAt finishedBy outcomeLabel ${FOLLOW} }`;
const FOLLOW_BADGES = { received: "state-approved", overdue: "alert-red", outstanding: "alert-yellow", not_needed: "state-refused" };
const PROVISIONAL_TITLE = "所在年度的节假日安排尚未公布，期限为暂定，导入该年度日历后重新计算";

/** A due date, marked 暂定 as the core's due dates are when its year's holidays are not published yet. */
function dueDate(date, provisional) {
  return [fmt.date(date), provisional ? h("span", { class: "badge provisional", title: PROVISIONAL_TITLE }, "暂定") : null];
}

/** How one material to follow stands: 已补齐 (who, when), 待补齐 or 已逾期 (by when, unless `dated` elsewhere). */
function followState(f, { dated = false } = {}) {
  const when = f.state === "received"
    ? `${f.receivedBy ? `${f.receivedBy} ` : ""}${fmt.datetime(f.receivedAt)}`
    : dated || f.state === "not_needed" ? "" : f.due ? [...dueDate(f.due, f.provisional && f.state !== "overdue"), "前补齐"] : "未定期限";
  return [h("span", { class: `badge follow-state ${FOLLOW_BADGES[f.state] || ""}` }, f.stateLabel), when ? ` ` : "", when ? h("span", { class: "muted" }, when) : ""];
}

/** A step's materials to follow, each with how it stands (the names alone before any was recorded). */
function followList(s) {
  if (!s.followUps.length) return s.materialsToFollow.join("、") || "—";
  return h("ul", { class: "plain-list follow-ups" }, s.followUps.map((f) =>
    h("li", { dataset: { material: f.material, state: f.state } }, `${f.name} `, ...followState(f))));
}

/** The register's 待补齐材料: how many are still to come over the project's cases, the earliest date, 已逾期. */
function followSummary(steps) {
  const waiting = steps.flatMap((s) => s.waiting);
  if (!waiting.length) return "—";
  const due = steps.map((s) => s.followDue).filter(Boolean).sort()[0];
  const provisional = !!due && steps.some((s) => s.followDue === due && s.followDueProvisional);
  return h("span", { class: "follow-summary", title: waiting.join("、") }, `${waiting.length}项`, due ? ["，", ...dueDate(due, provisional), "前"] : null,
    steps.some((s) => s.overdue) ? [" ", h("span", { class: "badge alert-red follow-late" }, "已逾期")] : null);
}

/** The project facts as the form collects them, typed for the server. */
function projectInput(v) {
  const num = (x) => (x === null || x === undefined || x === "" ? undefined : Number(x));
  const out = {
    kind: v.kind, investor: v.kind === "enterprise" ? v.investor : undefined,
    registeredCapital: v.kind === "enterprise" ? num(v.registeredCapital) : undefined,
    capitalIncrease: v.kind === "enterprise" ? num(v.capitalIncrease) : undefined,
    investment: v.kind === "construction" ? num(v.investment) : undefined,
    keyProject: v.keyProject || undefined, keyProjectDocument: v.keyProjectDocument || undefined,
    leaderAssigned: v.leaderAssigned || undefined, leaderInstruction: v.leaderInstruction || undefined,
    name: v.name || undefined, applicant: v.applicant || undefined, uscc: v.uscc || undefined, endItem: v.endItem || undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined));
}

function check(label, name) {
  return h("div", { class: "field", dataset: { path: `/${name}` } },
    h("label", { class: "choice" }, h("input", { type: "checkbox", name, id: `f-${name}` }), label),
    h("div", { class: "field-error", hidden: true }));
}

export async function greenView({ page, params, user, isCurrent }) {
  const c = await pickCenter({ page, params, user, roles: ROLES, plugin: PLUGIN, title: "绿色通道", route: "green",
    missing: "您所在的中心没有启用绿色通道。" });
  if (!c) return;
  if (params[1]) return projectView(page, c, params[1], user);
  const canRegister = has(user, ["clerk", "head", "admin"], c.code);
  // a project ends with a public item: 内部事项 (the staff leave form…) are not offered
  const items = (await gql(`query($c: String!) { items(center: $c) { code name itemType } }`, { c: c.code })).items
    .filter((i) => i.itemType !== INTERNAL_ITEM);
  if (!isCurrent()) return;

  const result = h("div", { id: "eligibility", "aria-live": "polite" });
  const form = h("form", { class: "card", id: "green-form", novalidate: true }, h("h2", null, "受理范围自查与项目登记"),
    h("div", { class: "group-fields" },
      input("项目类型", "kind", { options: [["enterprise", "企业投资项目"], ["construction", "基本建设项目"]] }),
      input("投资方", "investor", { options: [["domestic", "内资企业"], ["foreign", "外商投资企业"]] }),
      input("注册资本（内资万元 / 外资万美元）", "registeredCapital", { type: "number" }),
      input("增资额（同上）", "capitalIncrease", { type: "number" }),
      input("基本建设投资额（万元）", "investment", { type: "number" }),
      check("市委、市政府确定的重点实事项目", "keyProject"),
      input("重点项目文号", "keyProjectDocument"),
      check("市委、市政府领导交办", "leaderAssigned"),
      input("批示/交办单", "leaderInstruction"),
    ),
    h("div", { class: "form-actions" }, h("button", { type: "button", class: "btn btn-secondary", id: "check-eligibility" }, "自查受理范围")),
    result,
    canRegister ? h("div", { class: "group-fields" },
      input("项目名称", "name", { required: true }),
      input("申请单位（企业）名称", "applicant", { required: true }),
      input("统一社会信用代码", "uscc"),
      input("终止环节事项", "endItem", { options: [["", "按项目类型默认"], ...items.map((i) => [i.code, i.name])] }),
    ) : null,
    canRegister ? h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "登记项目")) : null,
  );
  // the amounts that count for the kind of project: an enterprise's capital (投资方), a construction project's investment
  const byKind = { enterprise: ["investor", "registeredCapital", "capitalIncrease"], construction: ["investment"] };
  const showKind = () => {
    const kind = form.querySelector("[name=kind]").value;
    Object.entries(byKind).forEach(([k, names]) => names.forEach((n) => { form.querySelector(`[data-path="/${n}"]`).hidden = k !== kind; }));
  };
  form.querySelector("[name=kind]").addEventListener("change", () => { showKind(); result.replaceChildren(); });
  showKind();
  form.querySelector("#check-eligibility").addEventListener("click", async () => {
    const data = await gql(`query($c: String!, $i: JSON!) { checkGreenEligibility(center: $c, input: $i) {
        eligible basis { code label detail } reasons { path code message } } }`, { c: c.code, i: projectInput(values(form)) });
    const e = data.checkGreenEligibility;
    result.replaceChildren(e.eligible
      ? h("div", { class: "note note-success" }, h("strong", null, "符合绿色通道受理范围："), h("ul", { class: "plain-list" }, e.basis.map((b) => h("li", null, `${b.label}（${b.detail}）`))))
      : h("div", { class: "note note-error" }, h("strong", null, "不符合受理范围："), h("ul", { class: "plain-list" }, e.reasons.map((r) => h("li", null, r.message)))));
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const done = await mutate(`mutation($c: String!, $i: JSON!) { registerGreenProject(center: $c, input: $i) { ${ERRORS} ... on GreenProject { id number } } }`,
      { c: c.code, i: projectInput(values(form)) }, "registerGreenProject", form);
    if (done) {
      showBanner(`已登记绿色通道项目 ${done.number}`, "success");
      location.hash = `#/green/${seg(c.code)}/${seg(done.id)}`;
    }
  });

  const list = h("div", { id: "green-projects" }, loading());
  const range = dateRange(() => {}, "year");
  const printed = h("div");
  const print = h("button", { type: "button", class: "btn btn-secondary", id: "print-green-register" }, "打印项目登记簿（PDF）");
  const register = h("section", { class: "card", id: "green-register" }, h("h2", null, "绿色通道项目登记簿"), list, range.element, print, printed);
  print.addEventListener("click", async () => {
    const doc = await mutate(`mutation($c: String!, $f: Date!, $t: Date!) { printGreenRegister(center: $c, from: $f, to: $t) { ${ERRORS} ${DOCUMENT} } }`,
      { c: c.code, f: range.from.value, t: range.to.value }, "printGreenRegister", register);
    if (doc) showIssued(printed, doc);
  });
  page.append(form, register);
  const data = await gql(`query($c: String!) { greenProjects(center: $c) { id number name kindLabel applicant statusLabel registeredAt endItemName
    steps { id waiting followDue followDueProvisional overdue } } }`, { c: c.code });
  list.replaceChildren(table([
    ["编号", (p) => h("a", { href: `#/green/${seg(c.code)}/${seg(p.id)}` }, p.number)],
    ["项目名称", (p) => p.name],
    ["类型", (p) => p.kindLabel],
    ["申请单位", (p) => p.applicant],
    ["终止环节", (p) => p.endItemName],
    ["办件数", (p) => String(p.steps.length)],
    ["待补齐材料", (p) => followSummary(p.steps)],
    ["状态", (p) => p.statusLabel],
    ["登记时间", (p) => fmt.datetime(p.registeredAt)],
  ], data.greenProjects, { id: "green-table", empty: "尚未登记绿色通道项目。" }));
}

async function projectView(page, c, id, user) {
  const { greenProject: p } = await gql(`query($id: ID!) { greenProject(id: $id) { ${PROJECT} } }`, { id });
  const printed = h("div");
  const print = h("button", { type: "button", class: "btn btn-primary", id: "print-green-form" }, "打印受理表（PDF）");
  print.addEventListener("click", async () => {
    const doc = await mutate(`mutation($p: ID!) { printGreenForm(project: $p) { ${ERRORS} ${DOCUMENT} } }`, { p: p.id }, "printGreenForm", page);
    if (doc) showIssued(printed, doc);
  });
  page.append(
    h("p", { class: "breadcrumb no-print" }, h("a", { href: `#/green/${seg(c.code)}` }, "绿色通道"), " › ", p.number),
    h("section", { class: "card print-document", id: "green-project" },
      h("h2", null, `快速审批绿色通道受理表：${p.name}`),
      h("dl", { class: "facts" },
        h("dt", null, "项目编号"), h("dd", null, p.number),
        h("dt", null, "项目类型"), h("dd", null, p.kindLabel),
        h("dt", null, "申请单位"), h("dd", null, `${p.applicant}${p.uscc ? `（${p.uscc}）` : ""}`),
        // with what shows it (注册资本…万元, 文号), as the printed form has it
        h("dt", null, "受理依据"), h("dd", { id: "green-basis" }, p.basis.map((b) => (b.detail ? `${b.label}（${b.detail}）` : b.label)).join("；")),
        h("dt", null, "终止环节"), h("dd", null, p.endItemName),
        h("dt", null, "状态"), h("dd", null, p.statusLabel),
        h("dt", null, "登记"), h("dd", null, `${p.registeredBy} ${fmt.datetime(p.registeredAt)}`),
      ),
      h("h3", null, "各窗口签注"),
      table([
        ["办件", (s) => h("a", { href: `#/case/${seg(c.code)}/${seg(s.caseId)}` }, s.caseNumber)],
        ["事项", (s) => `${s.itemName}${s.endsProject ? "（终止环节）" : ""}`],
        ["部门 / 窗口", (s) => `${s.departmentName}${s.windowName ? ` / ${s.windowName}` : ""}`],
        ["受理", (s) => (s.acceptedAt ? `${s.acceptedBy} ${fmt.datetime(s.acceptedAt)}` : "—")],
        ["办结", (s) => (s.finishedAt ? `${s.finishedBy} ${fmt.datetime(s.finishedAt)}` : "—")],
        ["结果", (s) => s.outcomeLabel || "—"],
        ["后补材料", (s) => followList(s)],
      ], p.steps, { id: "green-steps", empty: "尚未纳入办件。", rowAttrs: (s) => ({ dataset: { case: s.caseNumber } }) }),
    ),
    h("div", { class: "actions-row no-print" }, print), printed,
  );
  if (has(user, ["clerk", "head"], c.code) && p.status === "open") {
    const form = h("form", { class: "card no-print", id: "link-case", novalidate: true }, h("h2", null, "纳入办件"),
      input("办件编号", "case", { placeholder: "输入办件编号查找" }),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "纳入本项目")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      // as the clerk reads it off the form: case numbers are upper case (KS-20261130-000001), spaces pasted with it
      const number = (values(form).case || "").replace(/\s+/g, "").toUpperCase();
      if (!number) return showUserErrors(form, [{ path: "/case", code: "required", message: "请填写办件编号" }]);
      const found = await gql(`query($c: String!, $s: String) { cases(center: $c, search: $s, first: 5) { edges { node { id number } } } }`, { c: c.code, s: number })
        .catch(() => null);
      const match = found && found.cases.edges.map((e) => e.node).find((n) => n.number === number);
      if (found && !match) {
        return showUserErrors(form, [{ path: "/case", code: "not_found", message: `本中心没有编号为 ${number} 的办件，请按受理回执核对办件编号` }]);
      }
      const done = await mutate(`mutation($p: ID!, $k: ID!) { linkCaseToGreenProject(project: $p, case: $k) { ${ERRORS} ... on GreenProject { id } } }`,
        { p: p.id, k: match ? match.id : number }, "linkCaseToGreenProject", form);
      if (done) {
        reload("已纳入绿色通道项目，办件列为急办件");
      }
    });
    page.append(form);
  }
  if (!p.steps.length) page.append(note("纳入办件后，各窗口受理、办结时自动在受理表上签注。"));
}

/** The case page's 绿色通道 card: the project the case belongs to and its materials to follow (先办理，
 * 后补齐) with their dates and state; the window's clerks and chief representatives record those that
 * came (the counter receipt: original or copy, how many). Null when the case is not in the green channel. */
export async function greenCaseSection(c, { staff, centerCode }) {
  if (!(await hasQuery("greenCase"))) return null;
  let g;
  try {
    g = (await gql(`query($id: ID!) { greenCase(case: $id) { projectId projectNumber projectName canRecord step { ${FOLLOW} } } }`, { id: c.id })).greenCase;
  } catch {
    return null; // the center does not use the green channel (any more)
  }
  if (!g) return null;
  const project = `${g.projectNumber}（${g.projectName}）`;
  const box = h("section", { class: "card green-case", id: "green-follow-up" }, h("h2", null, "绿色通道"),
    h("p", null, "本办件已纳入绿色通道项目 ", staff ? h("a", { href: `#/green/${seg(centerCode)}/${seg(g.projectId)}` }, project) : project, "，急事急办。"));
  const s = g.step;
  if (!s.followUps.length) {
    if (s.materialsToFollow.length) box.append(h("p", null, `后补材料：${s.materialsToFollow.join("、")}`));
    return box;
  }
  box.append(...[h("h3", null, "后补材料（先办理，后补齐）"),
    s.overdue ? note(`后补材料已逾期未补：${s.followUps.filter((f) => f.state === "overdue").map((f) => f.name).join("、")}。${staff ? "请联系申请人尽快补齐。" : "请尽快到窗口补齐。"}`, "error") : null,
    table([
      ["材料", (f) => f.name],
      ["补齐期限", (f) => (f.due ? dueDate(f.due, f.provisional) : "未定期限")],
      ["情况", (f) => followState(f, { dated: true })],
    ], s.followUps, { id: "green-follow-table", rowAttrs: (f) => ({ dataset: { material: f.material, state: f.state } }) }),
  ].filter(Boolean));
  if (!staff && !s.overdue && s.waiting.length && s.followDue) {
    box.append(h("p", { class: "follow-due" }, `请于${fmt.date(s.followDue)}${s.followDueProvisional ? "（暂定）" : ""}前到窗口补齐：${s.waiting.join("、")}。`,
      s.followDueProvisional ? "该期限所在年度的节假日安排尚未公布，公布后将重新计算。" : ""));
  }
  if (g.canRecord) box.append(recordForm(c, s));
  return box;
}

/** 登记收取: tick the materials that came, original or copy and how many; all or some of them. */
function recordForm(c, s) {
  const rows = s.followUps.filter((f) => f.state !== "received").map((f) => {
    const id = uid("follow");
    const tick = h("input", { type: "checkbox", id, dataset: { material: f.material } });
    const form = h("select", { "aria-label": `${f.name}：原件或复印件`, disabled: true },
      h("option", { value: "original" }, "原件"), h("option", { value: "copy" }, "复印件"));
    const count = h("input", { type: "number", min: "1", max: "99", value: "1", class: "count", "aria-label": `${f.name}份数`, disabled: true });
    tick.addEventListener("change", () => { form.disabled = !tick.checked; count.disabled = !tick.checked; });
    const row = h("li", { class: "follow-row", dataset: { material: f.material } },
      tick, h("label", { for: id }, ` ${f.name} `), form, " ", count, " 份");
    row._value = () => (tick.checked ? { material: f.material, form: form.value, count: Number(count.value) || 0 } : null);
    return row;
  });
  const comment = h("input", { type: "text", name: "comment", maxlength: 200, placeholder: "如：申请人本人送来" });
  const formEl = h("form", { class: "follow-form", id: "green-follow-form", novalidate: true },
    h("h3", null, "登记收取后补材料"),
    h("div", { class: "field", dataset: { path: "/received" } },
      h("ul", { class: "plain-list" }, rows), h("div", { class: "field-error", role: "alert", hidden: true })),
    h("div", { class: "field", dataset: { path: "/comment" } }, h("label", null, "说明（选填）", comment)),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "登记收取")));
  formEl.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const received = rows.map((r) => r._value()).filter(Boolean);
    const done = await mutate(`mutation($id: ID!, $r: JSON!, $m: String) { recordGreenFollowUp(case: $id, received: $r, comment: $m) {
        ${ERRORS} ... on GreenCase { step { waiting } } } }`, { id: c.id, r: received, m: comment.value.trim() || null }, "recordGreenFollowUp", formEl);
    if (done) reload(done.step.waiting.length ? `已登记收取，尚待补齐：${done.step.waiting.join("、")}` : "已登记收取，后补材料已全部补齐");
  });
  return formEl;
}
