// 办件详情: state, kind, deadlines, documents, the event log, the actions the viewer may take
// (staff: 受理、一次性告知、出件登记…; applicant: 补齐材料、撤回…) and the rating after completion.
import { gql, userErrorsOf, showUserErrors, clearUserErrors, showBanner, hasQuery, RequestError } from "../graphql.js";
import { h, field, section, note, seg, fmt, uid, alertBadge, hasRole, confirmDialog, KIND_LABELS, ROLE_LABELS, RATING_LABELS, STANDARD_STATES, STAFF_ROLES } from "../ui.js";
import { center as getCenter, existing } from "../store.js";
import { renderForm, renderValue, mergePatch } from "../form.js";
import { caseMaterialsSection, counterReceipt, caseFiles } from "../materials.js";
import { noticeMatches } from "../notice.js";
import { handoverSection, checklistSchema } from "./handovers.js";
import { greenCaseSection } from "./green.js";
import { documentStatus, watchDocument, mutate, reload, ERRORS, DOCUMENT } from "./kit.js";

const CASE_WANTED = [
  "id", "number", "state", "stateLabel", "kind", "kindLabel", "urgent", "channel", "data", "version",
  "submittedAt", "acceptedAt", "completedAt", "promisedDue", "legalDue", "deadlineProvisional", "promisedDueProvisional", "legalDueProvisional", "alert",
  "applicantName", "department", "item { code name version }", "availableActions",
  "actions { action label commentRequired editsData decision form blockedReason }",
  "events { seq action actor role at comment fromState toState changes }",
  "documents { id kind title number issuedOn url downloadUrl verifyCode status statusLabel progress problem }",
  "tasks { department departmentName partName lead state stateLabel due comment basis decidedAt }",
  "pausedLimits { kind reason since remaining }",
  "rating",
  "ratingChannel",
  "awaitingPickup",
];

const ACTION_LABELS = {
  submit: "提交申请", accept: "受理", finish_on_spot: "即时办结", request_materials: "一次性告知补齐材料",
  supply: "补齐材料", return: "退回", request_review: "申请复核", uphold_return: "复核维持退回", reply: "答复",
  approve: "准予许可", refuse: "不予许可", approve_task: "本部门审批通过", refuse_task: "本部门不予通过",
  request_survey: "现场勘查", finish_survey: "勘查完毕", report_up: "上报上级机关", record_answer: "登记上级答复",
  extend: "延期", mark_urgent: "列为急办件", deliver: "出件登记", withdraw: "撤回申请", rate: "评价",
  sweep: "期限预警", alert: "期限预警", handover: "流转交接", receive_handover: "签收交接", attach_materials: "补充材料",
  urge: "催办", supervise: "督办", supervision_reply: "督办反馈", deadline_recomputed: "期限重新计算", follow_due_recomputed: "后补材料期限重新计算", document_retry: "重新生成文书", hand_over: "工作移交",
  claim: "认领办件", green_channel: "纳入绿色通道", hand_over_gift_pack: "领取开办大礼包",
  green_follow_up: "收取后补材料", green_follow_overdue: "后补材料逾期提醒",
  replace_material: "更换材料", withdraw_material: "撤回材料",
};
const STATE_LABELS = Object.fromEntries(STANDARD_STATES);
const CHANNEL_LABELS = { web: "网上申报", window: "窗口受理", mobile: "移动端", courier: "快递" };
const DANGER = new Set(["return", "refuse", "refuse_task", "withdraw", "uphold_return"]);
// Asked to confirm before they are fired: the decisions (the server marks them) and a withdrawal.
const CONFIRM = new Set(["approve", "refuse", "approve_task", "refuse_task", "return", "uphold_return", "withdraw"]);
const TASK_STATES = { open: "审批中", approved: "已通过", refused: "不予通过" };
// The application being corrected (补齐材料, an action that edits the case data) while its form is
// open and unsent, per user and case, kept in the device's storage as the apply form keeps its draft:
// the page is drawn again after 提交补充的材料, 刷新 or a reload, and the changes typed so far come back
// in the reopened form instead of being lost. Cleared once the action is sent, or cancelled.
const unsentEdits = {
  key: (editKey) => `govhall.caseEdits.${editKey}`, // editKey: "<user>/<case id>"
  get(editKey) {
    try {
      const kept = JSON.parse(localStorage.getItem(this.key(editKey)) || "null");
      return kept && typeof kept === "object" ? kept : null; // {action, value}
    } catch {
      return null;
    }
  },
  set(editKey, kept) {
    try {
      localStorage.setItem(this.key(editKey), JSON.stringify(kept));
    } catch {
      /* storage full or disabled: the draft is a convenience */
    }
  },
  delete(editKey) {
    localStorage.removeItem(this.key(editKey));
  },
};

// Small forms for actions that need parameters (the `data` of transitionCase).
const PICKUP_METHODS = [
  { const: "in_person", title: "窗口领取" },
  { const: "self_print", title: "自助打印" },
  { const: "courier", title: "快递送达" },
];
// Acceptance records the counter receipt (收件登记) next to the checklist, so it always has a form.
const RECEIVING = new Set(["accept", "finish_on_spot"]);
const NO_PARAMS = { type: "object", properties: {} };
const ACTION_FORMS = {
  accept: (item) => checklistSchema(item) || NO_PARAMS,
  finish_on_spot: (item) => checklistSchema(item) || NO_PARAMS,
  // files: the case's files that count, so an entry may name the one that is unclear or wrong;
  // code: the item's material an entry asks for, so the applicant's 补齐 is checked against it
  request_materials: (item, { files = [] } = {}) => ({
    type: "object",
    required: ["missing"],
    properties: {
      missing: {
        type: "array",
        title: "需补齐的材料（一次性告知，请全部列出）",
        "x-widget": "table",
        minItems: 1,
        items: {
          type: "object",
          required: ["name"],
          "x-order": ["name", "code", "reason", "file", "paper"].filter((k) => k !== "file" || files.length),
          properties: {
            name: { type: "string", title: "材料名称" },
            ...(itemMaterials(item).length ? {
              code: {
                type: "string", title: "对应事项材料", "x-widget": "select",
                description: "申请人补齐时须上传所选材料；不在清单中的材料请注明是否到窗口提交纸质材料",
                oneOf: itemMaterials(item).map((m) => ({ const: m.code, title: m.name })),
              },
            } : {}),
            reason: { type: "string", title: "原因或要求", description: "如：缺少原件、需法定代表人签字、扫描件不清晰" },
            ...(files.length ? {
              file: {
                type: "string", title: "问题文件", "x-widget": "select",
                description: "可选：已提交但不清晰或有误的文件，申请人可直接更换",
                oneOf: files.map((f) => ({ const: f.id, title: `${f.name}：${f.filename}` })),
              },
            } : {}),
            // not checked: the applicant must upload it (or a new file in place of the one named) before 补齐材料
            paper: { type: "boolean", title: "到窗口提交纸质材料", description: "勾选的材料由申请人带到窗口提交，不要求网上上传" },
          },
        },
      },
    },
  }),
  deliver: () => ({
    type: "object",
    "x-order": ["method", "receiver", "idNumber", "proxy", "trackingNumber"],
    required: ["method"],
    properties: {
      method: { type: "string", title: "出件方式", oneOf: PICKUP_METHODS, "x-widget": "radio" },
      receiver: { type: "string", title: "领取人姓名" },
      idNumber: { type: "string", title: "领取人身份证号码", format: "resident-id", description: "窗口领取时核验身份" },
      proxy: { type: "boolean", title: "代领", "x-checkboxLabel": "领取人非申请人：已核验授权委托书及代领人身份证" },
      trackingNumber: { type: "string", title: "快递单号" },
    },
    allOf: [
      { if: { properties: { method: { const: "in_person" } }, required: ["method"] }, then: { required: ["receiver", "idNumber"] } },
      { if: { properties: { method: { const: "courier" } }, required: ["method"] }, then: { required: ["trackingNumber"] } },
    ],
  }),
  refuse: () => refusalSchema(),
  refuse_task: () => refusalSchema(),
  request_survey: () => ({
    type: "object",
    properties: {
      reason: {
        type: "string", title: "特别程序", default: "site_survey", "x-widget": "radio",
        description: "法定期限暂停计时；承诺期限是否暂停按本中心的规定",
        oneOf: [
          { const: "site_survey", title: "现场勘查" },
          { const: "hearing", title: "听证" },
          { const: "expert_review", title: "专家评审（论证）" },
          { const: "inspection", title: "检验、检疫" },
          { const: "testing", title: "检测、鉴定" },
        ],
      },
    },
  }),
  extend: () => ({
    type: "object",
    required: ["days"],
    properties: { days: { type: "integer", title: "延长的工作日数", description: "依法延期合计不超过10个工作日，联办件不超过15个工作日", minimum: 1, maximum: 15 } },
  }),
};

/** ``schema`` (an object form, or none) with the properties, required fields and order of ``extra``. */
function withFields(schema, extra) {
  if (!schema) return extra;
  const orderOf = (s) => s["x-order"] || Object.keys(s.properties || {});
  return {
    ...schema,
    properties: { ...(schema.properties || {}), ...(extra.properties || {}) },
    required: [...(schema.required || []), ...(extra.required || [])],
    "x-order": [...orderOf(schema), ...orderOf(extra).filter((k) => !orderOf(schema).includes(k))],
  };
}

function refusalSchema() {
  return {
    type: "object",
    required: ["basis"],
    properties: {
      basis: {
        type: "string", title: "法律依据", "x-widget": "textarea",
        description: "所依据的法律、法规的名称及条款，如《中华人民共和国食品安全法》第三十五条；不予许可的理由请写在办理意见中",
      },
    },
  };
}

/** The item's material list ({code, name}), as a notice names its materials. */
function itemMaterials(item) {
  const materials = item && item.elements && Array.isArray(item.elements.materials) ? item.elements.materials : [];
  return materials.filter((m) => m && m.code && m.name);
}

function docUrl(doc) {
  return doc.downloadUrl || doc.url;
}

const RETRY_ROLES = ["clerk", "head", "admin"];

/** One of the case's documents: its link, number and date, and "正在生成" (refreshed) until its PDF is
 * ready; a document that failed for good offers clerks, heads and administrators "重新生成". */
function documentItem(d, canRetry = false) {
  const li = h("li", { dataset: { kind: d.kind } });
  const paint = (doc) => {
    const status = documentStatus(doc);
    li.dataset.status = doc.status || "ready";
    li.replaceChildren(...[
      h("a", { href: docUrl(doc), target: "_blank", rel: "noopener", class: "doc-link" }, doc.title || doc.kind),
      status ? h("span", { class: `doc-status${doc.status === "failed" ? " error" : " muted"}`, role: "status" }, ` ${status}`) : null,
      h("div", { class: "muted" }, `文号 ${doc.number} · ${fmt.date(doc.issuedOn)}${doc.verifyCode ? ` · 核验码 ${doc.verifyCode}` : ""}`),
      doc.status === "failed" && canRetry ? h("button", { type: "button", class: "btn btn-secondary doc-retry", dataset: { retry: doc.id },
        onclick: () => retry(doc) }, "重新生成") : null,
    ].filter(Boolean));
  };
  async function retry(doc) {
    const done = await mutate(`mutation($id: ID!) { retryDocument(id: $id) { ${ERRORS} ${DOCUMENT} } }`, { id: doc.id }, "retryDocument", li);
    if (!done) return;
    showBanner(`文书${done.number}已重新排队生成，稍候即可打开`, "success");
    paint(done);
    watchDocument(done, li, paint);
  }
  paint(d);
  watchDocument(d, li, paint);
  return li;
}

async function loadCase(id) {
  const selection = await existing("Case", CASE_WANTED);
  const data = await gql(`query($id: ID!) { case(id: $id) { ${selection} } }`, { id });
  return data.case;
}

async function loadItem(centerCode, ref) {
  try {
    const data = await gql(
      `query($c: String!, $i: String!, $v: Int) { item(center: $c, code: $i, version: $v) { code name form elements } }`,
      { c: centerCode, i: ref.code, v: ref.version },
    );
    return data.item;
  } catch {
    return null;
  }
}

/** A due date, or, while a survey or a report holds that limit, what the notices say instead: the date
 * the case still carries is the one before the pause, and none exists until the clock resumes. */
function dueOrPaused(c, kind, value) {
  const held = (c.pausedLimits || []).find((p) => p.kind === kind);
  if (!held) return provisional(c, kind, value);
  return h("span", { class: "paused-limit" }, `暂停计时（${fmt.date(held.since)}起${held.reason}），恢复后尚余${held.remaining}个工作日`);
}

/** 暂定 beside a date only when that date itself is provisional: a promise due in December is final
 * while the legal date, in a January whose holidays are not published yet, is not. */
function provisional(c, kind, value) {
  const marked = kind === "legal" ? c.legalDueProvisional : c.promisedDueProvisional;
  return [fmt.date(value), value && (marked ?? c.deadlineProvisional) ? h("span", { class: "badge provisional", title: "所在年度的节假日安排尚未公布，期限为暂定" }, "暂定") : null];
}

export async function caseView({ page, params, query, user, isCurrent }) {
  const [centerCode, id] = params;
  if (!(await hasQuery("case"))) {
    page.append(h("h1", null, "办件详情"), note("办件查询功能在服务端尚未启用，请稍后再试。"));
    return;
  }
  let c;
  let center;
  try {
    [c, center] = await Promise.all([loadCase(id), getCenter(centerCode).catch(() => null)]);
  } catch (error) {
    // a mistyped or shared link, another person's case: say so on the page, with the way back
    if (!(error instanceof RequestError) || !["NOT_FOUND", "FORBIDDEN"].includes(error.code)) throw error;
    if (!isCurrent()) return;
    const staff = hasRole(user, STAFF_ROLES, centerCode);
    page.append(h("h1", null, "未找到该办件"), note(`${error.message}。请核对办件链接，或在${staff ? "工作台" : "“我的办件”"}中查找。`, "error"),
      h("p", null, h("a", { class: "btn btn-primary", href: staff ? `#/work/${seg(centerCode)}` : "#/mine" }, staff ? "返回工作台" : "查看我的办件")));
    return;
  }
  if (!isCurrent()) return;
  const item = c.item ? await loadItem(centerCode, c.item) : null;
  const deptNames = new Map(((center && center.departments) || []).map((d) => [d.code, d.name]));
  const staffHere = hasRole(user, STAFF_ROLES, centerCode);

  const back = staffHere ? { href: `#/work/${seg(centerCode)}`, label: "工作台" } : { href: `#/mine/${seg(centerCode)}`, label: "我的办件" };
  page.append(
    h("nav", { class: "breadcrumb", "aria-label": "当前位置" }, h("a", { href: back.href }, back.label), h("span", { class: "sep" }, " › "), h("span", null, c.number)),
    h("div", { class: "page-head case-head" },
      h("div", null,
        h("h1", null, c.item ? c.item.name : "办件", " ", h("span", { class: "case-number" }, c.number)),
        h("p", { class: "meta" },
          h("span", { class: `badge state state-${c.state}`, id: "case-state" }, c.stateLabel || STATE_LABELS[c.state] || c.state),
          h("span", { class: "badge kind", id: "case-kind" }, c.kindLabel || KIND_LABELS[c.kind] || c.kind),
          c.urgent && c.kind !== "urgent" ? h("span", { class: "badge urgent" }, "急办件") : null, // the kind says it already
          staffHere ? alertBadge(c.alert) : null, // 黄牌/红牌: internal supervision, never the applicant's
        ),
      ),
      h("button", { type: "button", class: "btn btn-secondary", onclick: () => window.dispatchEvent(new HashChangeEvent("hashchange")) }, "刷新"),
    ),
  );

  const correction = waitingCorrection(c, staffHere) || resubmission(c, staffHere, item ? item.form : null);
  // on a phone the applicant's 补齐材料 comes right after the notice that asks for it (style.css)
  const layout = h("div", { class: `case-layout${correction && !staffHere && correction.id === "correction-due" ? " correcting" : ""}` });
  const mainCol = h("div", { class: "case-main" });
  const sideCol = h("div", { class: "case-side" });
  layout.append(mainCol, sideCol);
  if (correction) page.append(correction); // first on any screen: what the applicant must still bring, or brought
  // 好差评 waiting: a prompt at the top takes the applicant to the rating form (at the foot of a long page on a phone)
  const rating = c.completedAt && !staffHere && c.rating !== undefined ? ratingPanel(c) : null;
  const ratingForm = rating && rating.querySelector("form.rating-form");
  const prompt = ratingForm ? ratePrompt(ratingForm) : null;
  if (prompt) {
    page.append(prompt);
    ratingForm.addEventListener("govhall:rated", () => prompt.remove());
  }
  page.append(layout);

  // facts
  sideCol.append(section("办理信息", h("dl", { class: "facts" },
    h("dt", null, "申请人"), h("dd", null, c.applicantName || "—"),
    h("dt", null, "承办部门"), h("dd", null, deptNames.get(c.department) || c.department || "—"),
    h("dt", null, "申报渠道"), h("dd", null, CHANNEL_LABELS[c.channel] || c.channel || "—"),
    h("dt", null, "提交时间"), h("dd", null, fmt.datetime(c.submittedAt)),
    h("dt", null, "受理时间"), h("dd", null, fmt.datetime(c.acceptedAt)),
    h("dt", null, "承诺办结"), h("dd", { id: "promised-due" }, dueOrPaused(c, "promised", c.promisedDue)),
    h("dt", null, "法定期限"), h("dd", { id: "legal-due" }, dueOrPaused(c, "legal", c.legalDue)),
    h("dt", null, "办结时间"), h("dd", null, fmt.datetime(c.completedAt)),
    h("dt", null, "事项版本"), h("dd", null, c.item ? `第 ${c.item.version} 版` : "—"),
  ), c.deadlineProvisional ? note("期限所在年度的节假日安排尚未公布，标“暂定”的日期将在公布后重新计算。") : null, explanation(c)));

  // documents
  sideCol.append(section("文书", (c.documents || []).length
    ? h("ul", { class: "documents" }, c.documents.map((d) => documentItem(d, hasRole(user, RETRY_ROLES, centerCode))))
    : note("暂未出具文书。")));

  // actions
  // the server offers only what the case allows (即时办结 for a 即办件, 本部门审批 on a joint case)
  const actions = c.actions || (c.availableActions || []).map((a) => ({ action: a, label: ACTION_LABELS[a] || a, commentRequired: false, editsData: false }));
  if (actions.length) mainCol.append(actionPanel(c, actions, item, { staff: staffHere, taskDepartments: decidableTasks(c, user, centerCode), editKey: `${user ? user.username : ""}/${c.id}` }));

  // hand-overs between the front desk, the back office and the pickup window (one-window centers)
  const handovers = await handoverSection(c, { staff: staffHere, item, departments: deptNames });
  if (handovers) mainCol.append(handovers);

  // 绿色通道: the project, the materials to follow (先办理，后补齐) and the record of their receipt
  if (center && (center.plugins || []).includes("green_channel")) {
    const green = await greenCaseSection(c, { staff: staffHere, centerCode });
    if (green) mainCol.append(green);
  }

  // 督办反馈: staff answer a 催办 or 督办 on the case with how it stands
  if (staffHere && (c.events || []).some((e) => e.action === "urge" || e.action === "supervise")) mainCol.append(answerPanel(c));

  // rating (the applicant, once the result is handed out: 办结 at the pickup window is not the end of the service)
  if (rating) mainCol.append(rating);

  // a complaint about this case (the applicant or agent, online; the written answer shows in 我的办件)
  if (!staffHere && centerCode) mainCol.append(complaintPanel(c, centerCode));

  // joint case tasks: each part's result (a case partly granted, 部分准予, shows which part was refused and why)
  if ((c.tasks || []).length) {
    mainCol.append(section("联办部门及各部分办理结果", h("div", { class: "table-wrap" }, h("table", { class: "data-table", id: "case-parts" },
      h("thead", null, h("tr", null, ["部门", "办理事项", "角色", "结果", "期限", "意见或理由"].map((t) => h("th", null, t)))),
      h("tbody", null, c.tasks.map((t) => h("tr", { dataset: { part: t.department, result: t.state } },
        h("td", { "data-label": "部门" }, t.departmentName || t.department),
        h("td", { "data-label": "办理事项" }, t.partName || ""),
        h("td", { "data-label": "角色" }, t.lead ? "牵头" : "协办"),
        h("td", { "data-label": "结果" }, h("span", { class: `badge task-${t.state}` }, t.stateLabel || TASK_STATES[t.state] || t.state)),
        h("td", { "data-label": "期限" }, fmt.date(t.due)),
        h("td", { "data-label": "意见或理由" }, t.comment || "", t.basis ? h("div", { class: "muted" }, `依据：${t.basis}`) : null),
      )))))));
  }

  // form data, materials
  mainCol.append(section("申报内容", renderValue(item ? item.form : {}, c.data)));
  const materials = await caseMaterialsSection(c, {
    canAttach: !staffHere && ["submitted", "supplementing", "supplied"].includes(c.state),
    canChange: !staffHere && c.state === "supplementing", // 补正: replace or withdraw a file
  });
  if (materials) mainCol.append(materials);

  // event log
  mainCol.append(section("办理过程", timeline(c, item ? item.form : null)));

  // 我的办件's 待评价 opens the case at its rating form (`?rate=1`)
  if (ratingForm && query && query.get("rate") === "1" && isCurrent()) showRatingForm(ratingForm);
}

function explanation(c) {
  if (!c.acceptedAt) return null;
  const box = h("details", { class: "explain" }, h("summary", null, "期限是怎样计算的？"));
  let loaded = false;
  box.addEventListener("toggle", async () => {
    if (!box.open || loaded) return;
    loaded = true;
    const body = h("div", null, "正在计算…");
    box.append(body);
    try {
      const data = await gql(`query($id: ID!) { case(id: $id) { deadlineExplanation { date counted reason } } }`, { id: c.id });
      const days = data.case.deadlineExplanation;
      body.replaceChildren(days.length
        ? h("ol", { class: "explain-days" }, days.map((d) => h("li", { class: d.counted ? "counted" : "skipped" }, `${fmt.date(d.date)} ${d.counted ? "计入" : "不计入"}${d.reason ? `：${d.reason}` : ""}`)))
        : note("暂无计算说明。"));
    } catch (error) {
      body.replaceChildren(note(`暂无法显示期限说明：${error.message}`));
    }
  });
  return box;
}

/** While the case waits for what the one-time notice (一次性告知) asked for: that list, the clerk's
 * words and what to do, from the notice's event (null once the case has moved on). */
function waitingCorrection(c, staff) {
  const asked = (c.events || []).filter((e) => e.action === "request_materials").pop();
  if (!asked || asked.toState !== c.state) return null;
  const missing = missingOf(asked.changes);
  // files added, replaced or withdrawn since the notice: the applicant still has to say they are done (补齐材料)
  const done = correctionChanges(c, asked);
  return h("section", { class: "card correction-due", id: "correction-due", role: "status" },
    h("h2", null, "需补齐的材料（一次性告知）"),
    missing.length ? missingList(missing, { marked: true, staff }) : null,
    asked.comment ? h("p", null, `窗口说明：${asked.comment}`) : null,
    done.length ? h("p", { class: "supplied-files" }, `${done.join("；")}。`,
      staff ? "申请人尚未确认补齐。" : h("strong", null, "材料已全部补充的，请点击“补齐材料”提交窗口核验。")) : null,
    h("p", { class: "muted" }, `${fmt.datetime(asked.at)} 由窗口一次性告知。`,
      staff ? "等待申请人补齐。" : "请在下方“补充材料”中上传列明的材料，或在“申报材料”中更换窗口指出的文件（注明到窗口提交纸质材料的除外），需要时修改申报内容，然后点击“补齐材料”。"));
}

/** What the applicant did about the notice ``asked``: files added, replaced (old → new), withdrawn. */
function correctionChanges(c, asked, until = Infinity) {
  const events = (c.events || []).filter((e) => e.seq > asked.seq && e.seq < until && e.changes);
  const added = events.filter((e) => e.action === "attach_materials")
    .flatMap((e) => (Array.isArray(e.changes.materials) ? e.changes.materials.map((m) => m.filename) : []));
  const replaced = events.filter((e) => e.action === "replace_material" && e.changes.material && e.changes.replacement)
    .map((e) => `${e.changes.material.name}“${e.changes.material.filename}”→“${e.changes.replacement.filename}”`);
  const withdrawn = events.filter((e) => e.action === "withdraw_material" && e.changes.material)
    .map((e) => `${e.changes.material.name}“${e.changes.material.filename}”`);
  return [
    added.length ? `已补充：${added.join("、")}` : null,
    replaced.length ? `已更换：${replaced.join("、")}` : null,
    withdrawn.length ? `已撤回：${withdrawn.join("、")}` : null,
  ].filter(Boolean);
}

/** The answers a transition's edits changed (`changes.data`: {key: {old, new}}), named as the
 * item's form titles them, so the clerk knows which of a long application to check again. */
function editedText(changes, form) {
  const data = changes && changes.data && typeof changes.data === "object" ? changes.data : null;
  const keys = data ? Object.keys(data) : [];
  if (!keys.length) return null;
  const props = (form && form.properties) || {};
  return `修改了申报内容：${keys.map((k) => `“${(props[k] && props[k].title) || k}”`).join("、")}`;
}

/** Back at the front desk after a correction (已补齐，待窗口核验): what the applicant changed since
 * the one-time notice, replaced files first of all, so the clerk checks exactly that. */
function resubmission(c, staff, form) {
  if (c.state !== "supplied") return null;
  const events = c.events || [];
  const supplied = events.filter((e) => e.action === "supply").pop();
  const asked = events.filter((e) => e.action === "request_materials" && (!supplied || e.seq < supplied.seq)).pop();
  if (!supplied || !asked) return null;
  const done = correctionChanges(c, asked, supplied.seq);
  const edited = editedText(supplied.changes, form);
  if (edited) done.push(edited);
  return h("section", { class: "card resubmission", id: "resubmission", role: "status" },
    h("h2", null, "本次补正提交的内容"),
    done.length ? h("ul", null, done.map((line) => h("li", null, line))) : note("没有补充或更换材料。"),
    h("p", { class: "muted" }, `${fmt.datetime(supplied.at)} 申请人提交补齐。`,
      staff ? "已替换、已撤回的文件仍列在下方“申报材料”中，不再计入。" : "等待窗口核验受理。"));
}

/** What a one-time notice's event asked for (its `params.missing`, or `missing` in older events). */
function missingOf(changes) {
  const missing = changes ? (changes.params || {}).missing || changes.missing : null;
  return Array.isArray(missing) ? missing : [];
}

/** A notice's list; `staff`: with the entries no upload is checked for (not on the item's list). */
function missingList(missing, { marked = false, staff = false } = {}) {
  return h("ul", null, missing.map((m) => h("li", null, `${m.name || ""}${m.reason ? `（${m.reason}）` : ""}`,
    m.paper === true ? h("span", { class: "paper-at-window" }, "：请到窗口提交纸质材料") : null,
    marked && m.file ? h("span", { class: "muted" }, "：所指文件已在下方“申报材料”中标出") : null,
    staff && m.unlisted === true ? h("span", { class: "muted unlisted" }, "：不在事项材料清单中，补齐时不核对上传，由窗口核验") : null)));
}

function changesText(changes, form) {
  if (!changes || typeof changes !== "object") return null;
  const parts = [];
  const params = changes.params || {};
  const missing = missingOf(changes);
  if (missing.length) {
    parts.push(h("div", null, "需补齐：", missingList(missing)));
  }
  const pickup = changes.pickup || (params.method ? params : null);
  if (pickup && pickup.method) {
    const m = PICKUP_METHODS.find((x) => x.const === pickup.method);
    parts.push(h("div", null, `出件方式：${m ? m.title : pickup.method}${pickup.receiver ? `，领取人：${pickup.receiver}` : ""}${pickup.idNumber ? `（${pickup.idNumber}）` : ""}${pickup.trackingNumber ? `，快递单号：${pickup.trackingNumber}` : ""}`));
  }
  const pack = changes.giftPack; // 开办大礼包, handed over with the licence or on its own
  if (pack && Array.isArray(pack.contents)) {
    parts.push(h("div", { class: "gift-pack" }, `开办大礼包：${pack.contents.join("；")}`,
      pack.receiver || pack.method ? h("div", null, [pack.method ? `领取方式：${pack.method}` : "", pack.receiver ? `领取人：${pack.receiver}` : ""].filter(Boolean).join("，")) : null,
      // asked for otherwise than it went out (邮寄送达, collected at the window), and where it was to be or was mailed
      pack.requested || pack.mailingAddress ? h("div", null, [pack.requested ? `申请时选择：${pack.requested}` : "", pack.mailingAddress ? `邮寄地址：${pack.mailingAddress}` : ""].filter(Boolean).join("，")) : null));
  }
  const handover = changes.handover;
  if (handover && handover.toName) {
    parts.push(h("div", null, `移交：${handover.toName}${Array.isArray(handover.materials) && handover.materials.length ? `；材料：${handover.materials.join("、")}` : ""}`));
  }
  const checklist = changes.checklist;
  if (checklist && Array.isArray(checklist.points)) {
    parts.push(h("div", null, `已核对审查要点 ${checklist.points.length} 项${checklist.originalsChecked ? "，原件与复印件核对一致" : ""}`));
  }
  if (Array.isArray(changes.received) && changes.received.length) {
    const forms = { original: "原件", copy: "复印件" };
    parts.push(h("div", null, "窗口收取：", h("ul", null, changes.received.map((r) => h("li", null, `${r.name}（${forms[r.form] || r.form}${r.count}份）`)))));
  }
  if (Array.isArray(changes.materials) && changes.materials.length) {
    parts.push(h("div", null, `补充材料：${changes.materials.map((m) => m.filename).join("、")}`));
  }
  if (changes.material && changes.replacement) {
    parts.push(h("div", null, `${changes.material.name}：“${changes.material.filename}”更换为“${changes.replacement.filename}”（原文件已替换，不再计入）`));
  } else if (changes.material && changes.material.filename) {
    parts.push(h("div", null, `${changes.material.name}：撤回“${changes.material.filename}”（不再计入）`));
  }
  const green = changes.greenChannel;
  if (green && Array.isArray(green.materialsToFollow) && green.materialsToFollow.length) {
    parts.push(h("div", null, `后补材料：${green.materialsToFollow.join("、")}${green.materialsDue ? `（${fmt.date(green.materialsDue)}${green.materialsDueProvisional ? "（暂定）" : ""}前补齐）` : ""}`));
  }
  if (green && Array.isArray(green.outstanding)) {
    parts.push(h("div", null, green.outstanding.length ? `尚待补齐：${green.outstanding.join("、")}` : "后补材料已全部补齐"));
  }
  if (changes.notice && Array.isArray(changes.to)) parts.push(h("div", null, `${changes.notice}${changes.department ? `：${changes.department}` : ""}；已通知 ${changes.to.join("、") || "—"}`));
  if (changes.responsible) parts.push(h("div", null, `首问责任人：${changes.responsibleName || changes.responsible}`));
  if (changes.kind && changes.kind.new) parts.push(h("div", null, `办件类型：${KIND_LABELS[changes.kind.old] || changes.kind.old || "—"} → ${KIND_LABELS[changes.kind.new] || changes.kind.new}`));
  if (changes.extension) parts.push(h("div", null, `延长 ${changes.extension.days} 个工作日`));
  // 期限重新计算 (a calendar import): what moved, as the notices promised (如有变化另行告知)
  for (const [key, label] of [["promisedDue", "承诺办结"], ["legalDue", "法定期限"]]) {
    const moved = changes[key];
    if (Array.isArray(moved) && moved.length === 2) parts.push(h("div", null, `${label}：${fmt.date(moved[0]) || "—"} → ${fmt.date(moved[1]) || "—"}`));
  }
  // 后补材料期限重新计算 (green channel, a calendar import): each material's old and new date
  for (const f of Array.isArray(changes.followUps) ? changes.followUps : []) {
    if (Array.isArray(f.followDue) && f.followDue.length === 2) {
      parts.push(h("div", null, `${f.name || f.material} 补齐期限：${fmt.date(f.followDue[0]) || "—"} → ${fmt.date(f.followDue[1]) || "—"}`));
    }
  }
  if (Array.isArray(changes.deadlineProvisional) && changes.deadlineProvisional[1] === false) {
    parts.push(h("div", null, "期限已按公布的节假日安排确定，不再暂定"));
  }
  const edited = editedText(changes, form);
  if (edited) parts.push(h("div", null, edited));
  return parts.length ? h("div", { class: "changes" }, parts) : null;
}

function actorText(e) {
  const actor = e.actor || "系统";
  if (!e.role || /[（(]/.test(actor)) return actor; // the display name already says who they are
  return `${actor}（${ROLE_LABELS[e.role] || (e.role === "owner" ? "申请人" : e.role)}）`;
}

function timeline(c, form) {
  const events = c.events || [];
  if (!events.length) return note("暂无记录。");
  return h("ol", { class: "timeline" }, events.map((e) =>
    h("li", { class: `event event-${e.action}` },
      h("div", { class: "event-time" }, fmt.datetime(e.at)),
      h("div", { class: "event-body" },
        h("strong", null, ACTION_LABELS[e.action] || e.action),
        h("span", { class: "muted" }, ` · ${actorText(e)}`),
        e.fromState !== e.toState && e.toState
          ? h("div", { class: "event-states" }, `${STATE_LABELS[e.fromState] || e.fromState || "—"} → ${STATE_LABELS[e.toState] || e.toState}`)
          : null,
        e.comment ? h("blockquote", null, e.comment) : null,
        changesText(e.changes, form),
      ),
    )));
}

// --------------------------------------------------------------------------- actions

/**
 * The joint case's open tasks this user may decide: every open one for a reviewer or chief
 * representative of the whole center (no department), else those of their departments.
 */
function decidableTasks(c, user, centerCode) {
  const posts = ((user && user.roles) || []).filter((g) => g.center === centerCode && (g.role === "head" || g.role === "reviewer"));
  const everyDepartment = posts.some((g) => !g.department);
  const mine = new Set(posts.map((g) => g.department).filter(Boolean));
  return (c.tasks || []).filter((t) => t.state === "open" && (everyDepartment || mine.has(t.department)));
}

/** Which department's task a decision on a joint case is for, when the user may decide several. */
function taskDepartmentSchema(tasks) {
  return {
    type: "object",
    required: ["department"],
    "x-order": ["department"],
    properties: {
      department: {
        type: "string", title: "审批部门", "x-widget": "radio", default: tasks[0].department,
        description: "联办件：选择以哪个部门的名义作出本部门意见",
        oneOf: tasks.map((t) => ({ const: t.department, title: `${t.departmentName || t.department}${t.lead ? "（牵头）" : ""}` })),
      },
    },
  };
}

function actionPanel(c, actions, item, { staff, taskDepartments = [], editKey = c.id }) {
  // Staff write their opinion (办理意见) here; an applicant only sees a box for the reason an action
  // of theirs needs (申请复核), and never the raw JSON parameters.
  const needsText = staff || actions.some((a) => a.commentRequired);
  const comment = h("textarea", { id: "action-comment", rows: 3, maxlength: 2000, placeholder: staff ? "审查意见、退回理由或答复内容" : "请写明理由" });
  const commentField = needsText
    ? (staff
      ? field("办理意见", comment, { path: "/comment", help: "准予、不予许可、退回和复核须填写意见；不予许可须写明理由" })
      : field("理由", comment, { path: "/comment", help: "申请复核须写明理由" }))
    : null;
  const paramsHost = h("div", { class: "action-params" });
  const result = h("div", { class: "action-result", "aria-live": "polite" });
  const panel = h("section", { class: "card action-panel", id: "actions" }, h("h2", null, staff ? "办理" : "我可以"), commentField);
  const buttons = h("div", { class: "action-buttons", role: "group", "aria-label": "可执行的动作" });

  // The core's own fields of the action, then those the center's plugins add (CaseAction.form).
  function formFor(a, context = {}) {
    let own = ACTION_FORMS[a.action] ? ACTION_FORMS[a.action](item, context) : null;
    if ((a.action === "approve_task" || a.action === "refuse_task") && taskDepartments.length > 1) {
      own = own ? withFields(taskDepartmentSchema(taskDepartments), own) : taskDepartmentSchema(taskDepartments);
    }
    return a.form ? withFields(own, a.form) : own;
  }

  function needsForm(a) {
    return Boolean(formFor(a)) || a.editsData;
  }

  async function run(a, data) {
    clearUserErrors(panel);
    result.replaceChildren();
    if (a.commentRequired && !comment.value.trim()) {
      const what = a.decision ? "办理意见（审查意见）" : "理由或意见";
      showUserErrors(panel, [{ path: "/comment", code: "required", message: `“${a.label}”须填写${what}` }]);
      comment.focus();
      return;
    }
    if (a.decision || CONFIRM.has(a.action)) {
      const opinion = comment.value.trim();
      const ok = await confirmDialog({
        title: `确认${a.label}？`,
        lines: [
          a.action === "withdraw" ? "撤回后本申请即终止办理，如需办理须重新申请。" : "决定作出后将出具文书并记入办理过程，不能撤销。",
          opinion ? `${staff ? "办理意见" : "理由"}：${opinion}` : null,
          data && data.basis ? `法律依据：${data.basis}` : null,
        ],
        confirmLabel: `确认${a.label}`,
        danger: DANGER.has(a.action),
      });
      if (!ok) return;
    }
    buttons.querySelectorAll("button").forEach((b) => (b.disabled = true));
    panel.setAttribute("aria-busy", "true");
    try {
      const res = await gql(
        `mutation($id: ID!, $a: String!, $c: String, $d: JSON, $v: Int) {
          transitionCase(id: $id, action: $a, comment: $c, data: $d, expectedVersion: $v) {
            __typename
            ... on Case { id version state stateLabel }
            ... on UserErrors { errors { path code message } }
          } }`,
        { id: c.id, a: a.action, c: comment.value.trim() || null, d: data === undefined ? null : data, v: c.version },
      );
      const errors = userErrorsOf(res.transitionCase);
      if (errors) {
        const conflict = errors.find((e) => e.code === "conflict");
        if (conflict && conflict.path === "/action") {
          // the same action by this user went through before (its answer lost on a phone's connection):
          // nothing to retry, the page shows the case as it now is
          unsentEdits.delete(editKey);
          window.dispatchEvent(new HashChangeEvent("hashchange"));
          showBanner(conflict.message, "success");
          return;
        }
        if (conflict) {
          result.replaceChildren(h("div", { class: "conflict", role: "alert" },
            h("strong", null, "办理未成功："),
            h("span", null, conflict.message || "该办件已被他人处理，请刷新后重试"),
            " ",
            h("button", { type: "button", class: "btn btn-primary", onclick: () => window.dispatchEvent(new HashChangeEvent("hashchange")) }, "刷新办件"),
          ));
          return;
        }
        showUserErrors(panel, errors, { summaryTitle: `“${a.label}”未能执行，请修改以下 ${errors.length} 处：` });
        return;
      }
      unsentEdits.delete(editKey);
      // reload the case (documents, events, actions), then say what was done: the reload clears banners
      window.dispatchEvent(new HashChangeEvent("hashchange"));
      showBanner(`已${a.label}：当前状态“${res.transitionCase.stateLabel}”`, "success");
    } catch (error) {
      result.replaceChildren(h("div", { class: "note note-error", role: "alert" }, `办理未成功：${error.message}`));
    } finally {
      panel.removeAttribute("aria-busy");
      buttons.querySelectorAll("button").forEach((b) => (b.disabled = b.dataset.blocked === "true"));
    }
  }

  async function openForm(a, { resumed = false } = {}) {
    const unsent = unsentEdits.get(editKey);
    const kept = unsent && unsent.action === a.action ? unsent.value : null;
    clearUserErrors(panel);
    buttons.querySelectorAll("button").forEach((b) => b.setAttribute("aria-expanded", String(b.dataset.action === a.action)));
    let schema;
    let value = null;
    const files = a.action === "request_materials" ? await caseFiles(c) : [];
    const special = formFor(a, { files });
    if (special) schema = special;
    else {
      schema = item ? item.form : { type: "object", properties: {} };
      value = kept || c.data;
    }
    let form;
    try {
      form = renderForm(schema, { value });
    } catch (error) {
      paramsHost.replaceChildren(note(`无法显示表单：${error.message}`, "error"));
      return;
    }
    const extras = [];
    const noticeCheck = h("ul", { class: "note notice-check", role: "status", hidden: true });
    const receipt = RECEIVING.has(a.action) ? await counterReceipt(c) : null;
    if (receipt) extras.push(receipt.element);
    if (a.action === "request_materials") {
      const materials = itemMaterials(item);
      if (materials.length) {
        // picked from the list, an entry carries the material's code: checked by it, never by its name
        const pick = h("select", { "aria-label": "从申报材料目录中添加" }, h("option", { value: "" }, "从申报材料目录中添加…"),
          materials.map((m) => h("option", { value: m.code }, m.name)));
        pick.addEventListener("change", () => {
          const m = materials.find((x) => x.code === pick.value);
          if (!m) return;
          const current = (form.getValue().missing || []).filter((e) => e.name || e.reason || e.code);
          form.setValue({ missing: [...current, { name: m.name, code: m.code }] });
          pick.value = "";
          checkNotice();
        });
        extras.push(h("div", { class: "field" }, pick));
      }
      if (files.length) {
        // a file the clerk cannot use (an unclear scan): named in the notice, the applicant replaces it
        const mark = h("select", { "aria-label": "标注不清晰或有误的文件" }, h("option", { value: "" }, "标注不清晰或有误的已提交文件…"),
          files.map((f) => h("option", { value: f.id }, `${f.name}：${f.filename}`)));
        mark.addEventListener("change", () => {
          const f = files.find((x) => x.id === mark.value);
          if (!f) return;
          const current = (form.getValue().missing || []).filter((m) => m.name || m.reason || m.file || m.code);
          form.setValue({ missing: [...current, { name: f.name, file: f.id }] });
          mark.value = "";
          checkNotice();
        });
        extras.push(h("div", { class: "field" }, mark));
      }
      form.element.addEventListener("input", checkNotice);
      form.element.addEventListener("change", checkNotice); // a row removed too
    }
    // typed entries as the server will take them: the material a name is taken for, or a warning
    // that no upload can be checked for it (the notice is issued all the same)
    function checkNotice() {
      const found = noticeMatches((form.getValue() || {}).missing, itemMaterials(item));
      noticeCheck.replaceChildren(...found.map((m) => (m.code
        ? h("li", { class: "notice-matched", dataset: { row: String(m.index) } },
          `第${m.index + 1}项“${m.name}”按名称对应事项材料“${m.material}”，申请人补齐时须上传该材料`)
        : h("li", { class: "notice-unlisted", dataset: { row: String(m.index) } },
          `第${m.index + 1}项“${m.name}”：该材料不在事项材料清单中，申请人补齐时无法核对上传，请注明是否到窗口提交纸质材料`))));
      noticeCheck.hidden = !found.length;
    }
    const confirm = h("button", { type: "button", class: `btn ${DANGER.has(a.action) ? "btn-danger" : "btn-primary"}`, dataset: { confirm: a.action } }, `确认${a.label}`);
    const cancel = h("button", { type: "button", class: "btn btn-secondary" }, "取消");
    // an action that edits the case data sends a merge patch: a cleared field is removed (null)
    confirm.addEventListener("click", () => {
      if (receipt) run(a, { ...(form.getValue() || {}), received: receipt.value() });
      else run(a, a.editsData && !special ? mergePatch(c.data || {}, form.getValue()) : form.getValue());
    });
    if (a.editsData && !special) {
      const keep = () => unsentEdits.set(editKey, { action: a.action, value: form.getValue() });
      form.element.addEventListener("input", keep);
      form.element.addEventListener("change", keep);
    }
    cancel.addEventListener("click", () => {
      unsentEdits.delete(editKey);
      paramsHost.replaceChildren();
      buttons.querySelectorAll("button").forEach((b) => b.setAttribute("aria-expanded", "false"));
    });
    paramsHost.replaceChildren(h("div", { class: "param-form" },
      h("h3", null, a.label),
      a.editsData ? note("请修改或补充申报内容，提交后重新计算期限。") : null,
      ...extras,
      form.element,
      a.editsData && !special ? h("p", { class: "muted draft-local", id: "edits-kept" },
        `本设备暂存，未提交：修改的内容只保存在本设备上，点击“确认${a.label}”后才提交。`) : null,
      a.action === "request_materials" ? noticeCheck : null,
      h("div", { class: "form-actions" }, confirm, cancel),
    ));
    const first = paramsHost.querySelector("input, select, textarea");
    if (first && !resumed) first.focus(); // reopened by itself: the page stays where the applicant was
  }

  const blockedNotes = h("ul", { class: "plain-list blocked-actions" });
  for (const a of actions) {
    const btn = h("button", {
      type: "button",
      class: `btn ${DANGER.has(a.action) ? "btn-danger" : "btn-primary"}`,
      dataset: { action: a.action },
      "aria-expanded": needsForm(a) ? "false" : null,
    }, a.label, a.commentRequired ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null);
    btn.addEventListener("click", () => (needsForm(a) ? openForm(a) : run(a)));
    if (a.blockedReason) {
      // a plugin's guard would refuse it now: say why instead of letting the clerk try
      btn.disabled = true;
      btn.dataset.blocked = "true";
      btn.title = a.blockedReason;
      blockedNotes.append(h("li", { dataset: { action: a.action } }, h("strong", null, `${a.label}：`), a.blockedReason));
    }
    buttons.append(btn);
  }
  const blockedList = blockedNotes.children.length ? h("div", { class: "note", role: "note" }, h("p", null, "暂不能执行："), blockedNotes) : null;
  panel.append(...[buttons, blockedList, paramsHost, result].filter(Boolean));
  // the correction typed before the page was drawn again (after 提交补充的材料, 刷新) comes back
  const unsent = unsentEdits.get(editKey);
  const resumed = unsent && actions.find((a) => a.action === unsent.action && a.editsData && !a.blockedReason);
  if (resumed) openForm(resumed, { resumed: true });
  else unsentEdits.delete(editKey);
  return panel;
}

// --------------------------------------------------------------------------- complaint

function answerPanel(c) {
  const text = h("textarea", { name: "text", id: "answer-text", rows: 2, maxlength: 500, placeholder: "办理进展、超期原因及预计办结时间" });
  const go = h("button", { type: "button", class: "btn btn-primary", id: "answer-supervision" }, "提交反馈");
  const box = h("div", { class: "field", dataset: { path: "/text" } }, text, h("div", { class: "field-error", role: "alert", hidden: true }));
  const panel = section("督办反馈", h("p", { class: "muted" }, "本办件有催办或督办：说明办理情况，记入办理过程并通知催办（督办）人。"), box, h("div", { class: "form-actions" }, go));
  panel.id = "supervision-answer";
  go.addEventListener("click", async () => {
    const done = await mutate(`mutation($id: ID!, $t: String!) { answerSupervision(id: $id, text: $t) { ${ERRORS} ... on SupervisionNotice { recipients } } }`,
      { id: c.id, t: text.value.trim() }, "answerSupervision", panel);
    if (done) reload(`已反馈，已通知 ${done.recipients.join("、") || "催办人"}`);
  });
  return panel;
}

function complaintPanel(c, centerCode) {
  const text = h("textarea", { id: "complaint-text", rows: 3, maxlength: 2000, placeholder: "请写明不满意的经过：哪个窗口、哪位工作人员、什么时间、什么事" });
  const formEl = h("form", { class: "complaint-form", id: "complaint-form", novalidate: true },
    field("投诉内容", text, { path: "/text", required: true }),
    h("p", { class: "help" }, "投诉将由中心督查科受理，并在答复期限内书面答复；答复可在“我的办件”中查看。"),
    h("button", { type: "submit", class: "btn btn-secondary" }, "提交投诉"));
  const box = h("details", { class: "card complaint-box", id: "complaint" }, h("summary", null, "对本办件的服务不满意？在线投诉"), formEl);
  formEl.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const done = await mutate(`mutation($c: String!, $id: ID!, $t: String!) { fileComplaint(center: $c, case: $id, text: $t) {
        ${ERRORS} ... on Complaint { id dueOn } } }`, { c: centerCode, id: c.id, t: text.value }, "fileComplaint", formEl);
    if (!done) return;
    box.replaceChildren(h("h2", null, "在线投诉"), h("p", { id: "complaint-filed" },
      `您的投诉已提交（第${done.id}号），中心将在${done.dueOn ? fmt.date(done.dueOn) : "答复期限"}前书面答复，答复可在“我的办件”中查看。`));
  });
  return box;
}

// --------------------------------------------------------------------------- rating

/** The rating as the case page shows it, right after rating and after a reload alike. */
function ratedText(level, channel) {
  return `您的评价：${RATING_LABELS[level] || level}（${level} 分${channel ? `，${channel}评价` : ""}）。感谢您的反馈！`;
}

/** Scroll the rating form into view and put the focus on its first choice. */
function showRatingForm(formEl) {
  formEl.closest("section").scrollIntoView({ block: "start" });
  const first = formEl.querySelector("input[type=radio]");
  if (first) first.focus({ preventScroll: true });
}

/** 请为本次服务评价: near the top of a finished case not rated yet; gone once rated. */
function ratePrompt(formEl) {
  return h("section", { class: "card rate-prompt", id: "rate-prompt", role: "status" },
    h("p", null, h("strong", null, "本次服务已办结，请为本次服务评价。"), " 您的评价（好差评）将用于改进窗口服务。"),
    h("button", { type: "button", class: "btn btn-primary", id: "rate-now", onclick: () => showRatingForm(formEl) }, "去评价"));
}

function ratingPanel(c) {
  if (c.rating) {
    return section("服务评价", h("p", { class: "rated" }, ratedText(c.rating, c.ratingChannel)));
  }
  // the result (a licence, or a refusal's decision) still waits at the pickup window: rating comes after
  if (c.awaitingPickup) return section("服务评价", note("领取办理结果后，可在此评价本次服务（好差评）。"));
  const name = uid("rate");
  const radios = [5, 4, 3, 2, 1].map((n) => h("input", { type: "radio", name, value: String(n), id: `${name}-${n}` }));
  const comment = h("textarea", { id: uid("rc"), rows: 2, maxlength: 2000, placeholder: "可填写意见或建议（选填）" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "提交评价");
  const formEl = h("form", { class: "rating-form", novalidate: true },
    h("div", { class: "field", dataset: { path: "/level" } },
      h("span", { class: "label", id: `${name}-label` }, "满意程度", h("span", { class: "req" }, " *")),
      h("div", { class: "choices rating-choices", role: "radiogroup", "aria-labelledby": `${name}-label` },
        radios.map((r) => h("label", { class: "choice", for: r.id }, r, h("span", null, `${"★".repeat(Number(r.value))} ${RATING_LABELS[r.value]}`))),
      ),
      h("div", { class: "field-error", role: "alert", hidden: true }),
    ),
    field("意见建议", comment, { path: "/comment" }),
    submit,
  );
  const box = section("评价本次服务（好差评）", formEl);
  box.id = "rating";
  formEl.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearUserErrors(formEl);
    const chosen = radios.find((r) => r.checked);
    if (!chosen) {
      showUserErrors(formEl, [{ path: "/level", code: "required", message: "请选择满意程度" }]);
      return;
    }
    submit.disabled = true;
    try {
      const res = await gql(
        `mutation($id: ID!, $l: Int!, $c: String) { rateCase(id: $id, level: $l, comment: $c) {
            __typename ... on RatingType { level channel } ... on UserErrors { errors { path code message } } } }`,
        { id: c.id, l: Number(chosen.value), c: comment.value.trim() || null },
      );
      const errors = userErrorsOf(res.rateCase);
      if (errors) {
        showUserErrors(formEl, errors);
        return;
      }
      box.replaceChildren(h("h2", null, "服务评价"), h("p", { class: "rated" }, ratedText(res.rateCase.level, res.rateCase.channel)));
      formEl.dispatchEvent(new Event("govhall:rated")); // the prompt at the top goes
    } catch (error) {
      showUserErrors(formEl, [{ path: null, code: "error", message: error.message }]);
    } finally {
      submit.disabled = false;
    }
  });
  return box;
}

