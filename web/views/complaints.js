// 投诉 (every center): intake at the front desk or the supervision office, the list with each
// complaint's time limit, assignment, escalation to the leadership (上报主任室), the reply, follow-up
// notes, the supervision office's finding (属实/不属实, final), and the consequences (通报 / 下岗)
// the supervisor watches, with the center's decision on each 下岗 flag (确认下岗 with the date and a note,
// 不予下岗 with the reason). The server decides who may do what; the buttons follow the user's roles.
import { gql } from "../graphql.js";
import { h, fmt, hasRole, STAFF_ROLES } from "../ui.js";
import { pickCenter, mutate, ERRORS, table, input, values, reload } from "./kit.js";

const CHANNELS = [["oral", "当面"], ["phone", "电话"], ["written", "书面"], ["online", "网上"], ["hotline", "12345热线"], ["box", "意见箱"]];
const INTAKE = ["clerk", "supervisor", "head", "admin"];
const HANDLERS = ["supervisor", "head", "admin"];
const DECIDERS = ["supervisor", "admin"];
const DECISION = "removalDecision { outcome outcomeLabel effectiveOn note decidedBy decidedAt }";
const FIELDS = `id channelLabel text complainant caseNumber department window staff staffName status stage stageLabel dueOn overdue
  writtenReply anonymous assignee assigneeName escalated reply consequence consequenceLabel receivedBy verifiedBy createdAt steps { actionLabel actor text at }
  ${DECISION}`;

export async function complaintsView({ page, params, user }) {
  const c = await pickCenter({ page, params, user, roles: STAFF_ROLES, title: "投诉处理", route: "complaints",
    missing: "您不是本中心的工作人员。" });
  if (!c) return;
  const can = (roles) => hasRole(user, roles, c.code);
  if (can(INTAKE)) page.append(intakeForm(c));
  const data = await gql(`query($c: String!) { complaints(center: $c) { ${FIELDS} } }`, { c: c.code });
  page.append(h("section", { class: "card" }, h("h2", null, "投诉登记簿"), table([
    ["编号", (k) => k.id],
    ["登记", (k) => `${fmt.datetime(k.createdAt)} ${k.channelLabel}${k.receivedBy ? `（${k.receivedBy}）` : ""}`],
    ["内容", (k) => h("span", null, k.text, k.anonymous ? h("span", { class: "muted", dataset: { anonymous: k.id } }, "（匿名，无需书面答复，处理结果公示）")
      : k.complainant ? h("span", { class: "muted" }, `（${k.complainant}）`) : null)],
    ["被投诉", (k) => [k.caseNumber, nameOf(c.departments, k.department), nameOf(c.windows, k.window), k.staffName].filter(Boolean).join(" / ") || "—"],
    ["答复期限", (k) => h("span", { class: k.overdue ? "badge alert-red" : null }, `${k.dueOn ? fmt.date(k.dueOn) : "—"}${k.overdue ? " 已超期" : ""}`)],
    ["进度", (k) => `${k.stageLabel}${k.assignee ? `（${k.assigneeName || k.assignee}）` : ""}`],
    ["核查", (k) => h("span", { dataset: { status: k.id } }, k.status, k.consequenceLabel ? h("strong", null, ` ${k.consequenceLabel}`) : null)],
    ["处理", (k) => handling(k, can)],
  ], data.complaints, { id: "complaints-table", empty: "暂无投诉。" })));
  if (can(HANDLERS)) {
    page.append(removals(data.complaints.filter((k) => ["removal", "removed", "retained"].includes(k.consequence)), user, can));
    await consequences(page, c);
  }
}

/** The name of the department or window `code` (the code itself when the center no longer has it). */
function nameOf(list, code) {
  if (!code) return null;
  const found = (list || []).find((x) => x.code === code);
  return found ? found.name : code;
}

/** What the center decided on a 下岗 flag, in words. */
function decisionText(d) {
  if (!d) return "待中心决定";
  const by = d.decidedBy ? `（${d.decidedBy} ${fmt.datetime(d.decidedAt)}）` : "";
  return d.outcome === "removed" ? `确认下岗，${fmt.date(d.effectiveOn)}起：${d.note}${by}` : `不予下岗：${d.note}${by}`;
}

function decisionCell(k) {
  const d = k.removalDecision;
  return h("span", { dataset: { outcome: k.consequence } }, d ? h("strong", { class: d.outcome === "removed" ? "badge alert-red" : "badge" }, d.outcomeLabel) : null,
    d ? ` ${decisionText(d).slice(d.outcomeLabel.length + 1)}` : decisionText(d));
}

/** 下岗决定: every flag with its decision; the supervision office and the director decide a pending one. */
function removals(flags, user, can) {
  return h("section", { class: "card", id: "removal-decisions" }, h("h2", null, "下岗决定（二次投诉查实）"), table([
    ["投诉编号", (k) => k.id],
    ["被投诉人", (k) => `${k.staffName || ""}（${k.staff || ""}）`],
    ["投诉内容", (k) => k.text],
    ["中心决定", (k) => (k.consequence === "removal" && can(DECIDERS) && k.staff !== user.username
      ? decideForm(k) : decisionCell(k))],
  ], flags, { id: "removals-table", empty: "暂无下岗建议。", rowAttrs: (k) => ({ dataset: { complaint: k.id } }) }));
}

function decideForm(k) {
  const day = h("input", { type: "date", name: "date", "aria-label": "下岗日期" });
  const note = h("textarea", { name: "note", rows: 2, placeholder: "决定说明（确认下岗）或不予下岗的理由" });
  const wrap = h("div", { class: "complaint-action", dataset: { action: `decide-${k.id}` } },
    h("p", { class: "muted" }, "待中心决定"),
    h("div", { class: "field", dataset: { path: "/date" } }, h("label", null, "下岗日期 ", day), h("div", { class: "field-error", role: "alert", hidden: true })),
    h("div", { class: "field", dataset: { path: "/note" } }, note, h("div", { class: "field-error", role: "alert", hidden: true })));
  const decide = (confirmed) => () => step(`mutation($id: ID!, $y: Boolean!, $n: String!, $d: Date) { decideRemoval(id: $id, confirmed: $y, note: $n, date: $d) { RESULT } }`,
    { id: k.id, y: confirmed, n: note.value.trim(), d: confirmed ? day.value || null : null }, "decideRemoval", wrap,
    (d) => `第${d.id}号投诉：${confirmed ? "已确认下岗" : "不予下岗"}`);
  wrap.append(h("div", { class: "form-actions" },
    h("button", { type: "button", class: "btn btn-primary", dataset: { confirm: k.id }, onclick: decide(true) }, "确认下岗"),
    h("button", { type: "button", class: "btn btn-secondary", dataset: { retain: k.id }, onclick: decide(false) }, "不予下岗")));
  return wrap;
}

function intakeForm(c) {
  const form = h("form", { class: "card no-print", id: "complaint-form", novalidate: true }, h("h2", null, "登记投诉"),
    h("div", { class: "group-fields" },
      input("渠道", "channel", { options: CHANNELS, value: "oral" }),
      input("投诉人及联系方式", "complainant", { placeholder: "姓名及地址或电话", help: "书面投诉必填：姓名及通讯地址或电话（寄送书面答复）" }),
      input("涉及办件（办件编号）", "case", { placeholder: "可不填", help: "形如“中心简称-年月日-序号”" }),
      input("涉及部门", "department", { options: [["", "—"], ...c.departments.map((d) => [d.code, d.name])] }),
      input("涉及窗口", "window", { options: [["", "—"], ...c.windows.map((w) => [w.code, w.name])] }),
      input("被投诉人（姓名或账号）", "staff"),
    ),
    input("投诉内容", "text", { type: "textarea", required: true }),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "登记")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(form);
    const done = await mutate(`mutation($c: String!, $t: String!, $ch: String, $k: ID, $d: String, $w: String, $s: String, $who: String) {
        fileComplaint(center: $c, text: $t, channel: $ch, case: $k, department: $d, window: $w, staff: $s, complainant: $who) { ${ERRORS} ... on Complaint { id dueOn anonymous } } }`,
    { c: c.code, t: v.text || "", ch: v.channel, k: (v.case || "").trim() || null, d: v.department, w: v.window, s: v.staff, who: v.complainant },
    "fileComplaint", form);
    if (done) reload(done.anonymous ? `匿名投诉已登记（第${done.id}号），无需书面答复，处理结果公示期限 ${fmt.date(done.dueOn)}`
      : `投诉已登记（第${done.id}号），答复期限 ${fmt.date(done.dueOn)}`);
  });
  return form;
}

/** A box for one action: a field addressed by `path` (its errors show there) and the controls. */
function box(path, control, dataset = {}) {
  return h("div", { class: "complaint-action", dataset }, h("div", { class: "field", dataset: { path } }, control,
    h("div", { class: "field-error", role: "alert", hidden: true })));
}

/** One action: a text box (when `field`) and a button running `run(text, root)`. */
function action(k, name, label, { field, placeholder = "", run }) {
  const text = h("textarea", { name: field, rows: 2, placeholder });
  const wrap = box(`/${field}`, text, { action: `${name}-${k.id}` });
  wrap.append(h("button", { type: "button", class: "btn btn-secondary", dataset: { [name]: k.id }, onclick: () => run(text.value.trim(), wrap) }, label));
  return wrap;
}

async function step(query, variables, field, wrap, message) {
  const done = await mutate(`${query.replace("RESULT", `${ERRORS} ... on Complaint { id status stageLabel }`)}`, variables, field, wrap);
  if (done) reload(message(done));
}

/** What the reply is called: the result of an anonymous complaint is recorded for 公示, nobody gets it. */
function replyLabel(k) {
  return k.anonymous ? "处理结果（公示）：" : k.writtenReply ? "书面答复：" : "答复：";
}

function handling(k, can) {
  const panel = h("details", { dataset: { complaint: k.id } }, h("summary", null, "跟踪处理"),
    h("ol", { class: "plain-list steps" }, k.steps.map((s) => h("li", null, `${fmt.datetime(s.at)} ${s.actionLabel}${s.actor ? `（${s.actor}）` : ""}${s.text ? `：${s.text}` : ""}`))),
    k.reply ? h("p", null, h("strong", null, replyLabel(k)), k.reply) : null);
  const open = k.stage !== "verified";
  if (open && can(HANDLERS)) {
    const who = h("input", { name: "assignee", placeholder: "承办人姓名或账号", autocomplete: "off" });
    const wrap = box("/assignee", who, { action: `assign-${k.id}` });
    wrap.append(h("button", { type: "button", class: "btn btn-secondary", dataset: { assign: k.id }, onclick: () =>
      step(`mutation($id: ID!, $a: String!) { assignComplaint(id: $id, assignee: $a) { RESULT } }`, { id: k.id, a: who.value.trim() },
        "assignComplaint", wrap, (d) => `第${d.id}号投诉：${d.stageLabel}`) }, "分派"));
    panel.append(wrap);
  }
  if (open && !k.escalated && can(["supervisor", "admin"])) {
    panel.append(action(k, "escalate", "上报主任室", { field: "note", placeholder: "上报事由（较复杂或涉及两个以上部门）", run: (text, wrap) =>
      step(`mutation($id: ID!, $n: String!) { escalateComplaint(id: $id, note: $n) { RESULT } }`, { id: k.id, n: text },
        "escalateComplaint", wrap, (d) => `第${d.id}号投诉已上报主任室`) }));
  }
  if (open) {
    panel.append(action(k, "reply", k.anonymous ? "记录处理结果（公示）" : k.writtenReply ? "书面答复" : "答复", {
      field: "reply", placeholder: k.anonymous ? "处理结果（匿名投诉无需书面答复，记录并公示）" : "答复内容", run: (text, wrap) =>
      step(`mutation($id: ID!, $r: String!) { replyComplaint(id: $id, reply: $r) { RESULT } }`, { id: k.id, r: text },
        "replyComplaint", wrap, (d) => `第${d.id}号投诉${k.anonymous ? "已记录处理结果" : "已答复"}`) }));
  }
  panel.append(action(k, "note", "记录跟踪处理", { field: "text", placeholder: "跟踪处理情况", run: (text, wrap) =>
    step(`mutation($id: ID!, $t: String!) { noteComplaint(id: $id, text: $t) { RESULT } }`, { id: k.id, t: text },
      "noteComplaint", wrap, (d) => `第${d.id}号投诉已记录跟踪处理`) }));
  if (open && can(["supervisor"])) {
    const reply = h("textarea", { name: "reply", rows: 2, placeholder: k.reply ? "（已答复，可不填）" : k.anonymous ? "核查结论 / 处理结果（公示）" : "核查结论 / 答复" });
    const wrap = box("/reply", reply, { action: `verify-${k.id}` });
    const verify = (verified) => () => step(`mutation($id: ID!, $v: Boolean!, $r: String) { verifyComplaint(id: $id, verified: $v, reply: $r) { RESULT } }`,
      { id: k.id, v: verified, r: reply.value.trim() || null }, "verifyComplaint", wrap, (d) => `第${d.id}号投诉已核查：${d.status}`);
    wrap.append(h("div", { class: "form-actions" },
      h("button", { type: "button", class: "btn btn-primary", dataset: { verify: k.id }, onclick: verify(true) }, "属实"),
      h("button", { type: "button", class: "btn btn-secondary", dataset: { reject: k.id }, onclick: verify(false) }, "不属实")));
    panel.append(wrap);
  }
  return panel;
}

async function consequences(page, c) {
  const data = await gql(`query($c: String!) { complaintConsequences(center: $c) { staff staffName count consequence consequenceLabel complaintIds
    removalPending removal { outcome outcomeLabel effectiveOn note decidedBy decidedAt } } }`, { c: c.code });
  page.append(h("section", { class: "card" }, h("h2", null, "投诉查实处理（一次通报，二次下岗）"), table([
    ["工作人员", (x) => `${x.staffName}（${x.staff}）`],
    ["查实次数", (x) => String(x.count)],
    ["处理", (x) => h("strong", { class: ["removal", "removed"].includes(x.consequence) ? "badge alert-red" : null }, x.consequenceLabel)],
    ["投诉编号", (x) => x.complaintIds.join("、")],
    ["中心决定", (x) => (x.removal || x.removalPending ? decisionText(x.removal) : "—")],
  ], data.complaintConsequences, { id: "consequences-table", empty: "暂无查实的投诉。" })));
}
