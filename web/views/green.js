// 绿色通道 (green_channel): the eligibility check (受理范围自查), registering a project, the project's
// travelling form (受理表: each window's acceptance and completion with who signed and when), linking a
// case, the register (登记簿) and printing both. Shown only in centers with the plugin.
import { gql } from "../graphql.js";
import { h, note, loading, fmt, hasRole as has } from "../ui.js";
import { pickCenter, mutate, ERRORS, DOCUMENT, table, input, values, showIssued, dateRange, showBanner, seg, reload } from "./kit.js";
import { INTERNAL_ITEM } from "./hall.js";

const PLUGIN = "green_channel";
const ROLES = ["clerk", "reviewer", "head", "pickup", "supervisor", "admin"];
const PROJECT = `id number name kindLabel applicant uscc endItem endItemName status statusLabel registeredBy registeredAt finishedAt
  basis { code label detail } amounts
  steps { id caseId caseNumber itemName departmentName windowName endsProject linkedAt acceptedAt acceptedBy finishedAt finishedBy outcomeLabel materialsToFollow }`;

/** The project facts as the form collects them, typed for the server. */
function projectInput(v) {
  const num = (x) => (x === null || x === undefined || x === "" ? undefined : Number(x));
  const out = {
    kind: v.kind, investor: v.kind === "enterprise" ? v.investor : undefined,
    registeredCapital: num(v.registeredCapital), capitalIncrease: num(v.capitalIncrease), investment: num(v.investment),
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
  const data = await gql(`query($c: String!) { greenProjects(center: $c) { id number name kindLabel applicant statusLabel registeredAt endItemName steps { id } } }`, { c: c.code });
  list.replaceChildren(table([
    ["编号", (p) => h("a", { href: `#/green/${seg(c.code)}/${seg(p.id)}` }, p.number)],
    ["项目名称", (p) => p.name],
    ["类型", (p) => p.kindLabel],
    ["申请单位", (p) => p.applicant],
    ["终止环节", (p) => p.endItemName],
    ["办件数", (p) => String(p.steps.length)],
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
        h("dt", null, "受理依据"), h("dd", null, p.basis.map((b) => b.label).join("；")),
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
        ["后补材料", (s) => s.materialsToFollow.join("、") || "—"],
      ], p.steps, { id: "green-steps", empty: "尚未纳入办件。" }),
    ),
    h("div", { class: "actions-row no-print" }, print), printed,
  );
  if (has(user, ["clerk", "head"], c.code) && p.status === "open") {
    const form = h("form", { class: "card no-print", id: "link-case", novalidate: true }, h("h2", null, "纳入办件"),
      input("办件编号", "case", { placeholder: "输入办件编号查找" }),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "纳入本项目")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const number = values(form).case || "";
      const found = await gql(`query($c: String!, $s: String) { cases(center: $c, search: $s, first: 5) { edges { node { id number } } } }`, { c: c.code, s: number })
        .catch(() => null);
      const match = found && found.cases.edges.map((e) => e.node).find((n) => n.number === number);
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
