// 办件进度查询 (no login): the case number from the acceptance notice and the last six characters of
// the applicant's ID number or USCC (or, for an application without one, the mobile's last four
// digits) show the case's state, dates and public steps (caseProgress). Reached from the portal, the
// sign-in page and the hall kiosk (?kiosk=1: large type, 返回取号, the answer cleared after a while so
// the next person at the kiosk does not find it); a receipt's link may give ?number=.
//   #/progress             any center's case
//   #/progress/:center     only that center's cases (its website, its kiosk)
import { showUserErrors } from "../graphql.js";
import { h, field, note, fmt, seg } from "../ui.js";
import { centers } from "../store.js";
import { mutate } from "./kit.js";

const FIELDS = `number itemName centerName departmentName applicant state stateLabel submittedOn acceptedOn
  promisedDue dueProvisional completedOn pickupReady pickupWindow steps { step label date }`;
const QUERY = `query($n: String!, $c: String!, $center: String) { caseProgress(number: $n, check: $c, center: $center) {
  __typename ... on CaseProgress { ${FIELDS} } ... on UserErrors { errors { path code message } } } }`;
const KIOSK_CLEAR_SECONDS = 90; // the kiosk forgets the answer (and what was typed) after this
// the server's own words for a missing or malformed entry, said before anything is sent
const MESSAGES = {
  numberRequired: "请填写受理编号（受理通知书上的办件编号）",
  numberFormat: "受理编号由字母、数字和“-”组成，如 LZ-20261127-000123，请核对后重新输入",
  checkRequired: "请填写证件号码后六位（无证件号码的办件填写手机号码后四位）",
  checkFormat: "请填写证件号码后六位（字母X不区分大小写），无证件号码的办件填写手机号码后四位",
};
const DONE_STATES = new Set(["delivered", "refusal_delivered", "partly_delivered", "replied", "withdrawn", "returned"]);

/** What a person typed, as the server compares it: full-width forms folded, spaces dropped, upper case. */
function normalise(text) {
  return text.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
}

function localProblems(number, check) {
  const problems = [];
  if (!number) problems.push({ path: "/number", code: "required", message: MESSAGES.numberRequired });
  else if (number.length > 48 || !/^[0-9A-Z-]+$/.test(number)) problems.push({ path: "/number", code: "format.number", message: MESSAGES.numberFormat });
  if (!check) problems.push({ path: "/check", code: "required", message: MESSAGES.checkRequired });
  else if (!/^[0-9A-Z]{6}$/.test(check) && !/^\d{4}$/.test(check)) problems.push({ path: "/check", code: "format.check", message: MESSAGES.checkFormat });
  return problems;
}

export async function progressView({ page, params, query, isCurrent }) {
  const [centerCode] = params;
  const kiosk = query.get("kiosk") === "1";
  let center = null;
  if (centerCode) {
    center = (await centers()).find((c) => c.code === centerCode) || null;
    if (!center) {
      page.append(h("h1", null, "办件进度查询"), note("未找到该政务服务中心，请核对网址。", "error"),
        h("p", null, h("a", { href: "#/progress" }, "查询所有中心的办件")));
      return;
    }
  }
  page.classList.add("progress-page");
  if (kiosk) page.classList.add("progress-kiosk");

  const number = h("input", { type: "text", id: "progress-number", name: "number", autocomplete: "off", autocapitalize: "characters",
    spellcheck: "false", maxlength: 64, placeholder: "如 LZ-20261127-000123", value: query.get("number") || "" });
  const check = h("input", { type: "text", id: "progress-check", name: "check", autocomplete: "off", autocapitalize: "characters",
    spellcheck: "false", maxlength: 8, placeholder: "如 31002X" });
  const submit = h("button", { type: "submit", class: `btn btn-primary${kiosk ? " btn-large" : ""}` }, "查询");
  const form = h("form", { class: "card progress-form", novalidate: true },
    field("受理编号", number, { path: "/number", required: true, help: "受理通知书、承诺件通知书上的“办件编号”" }),
    field("证件号码后六位", check, { path: "/check", required: true,
      help: "申请人（或其法定代表人、经办人）身份证号码或统一社会信用代码的后六位，字母X不区分大小写；申请中没有证件号码的，填写联系手机号码后四位" }),
    h("div", { class: "form-actions" }, submit),
  );
  const answer = h("div", { class: "progress-answer", "aria-live": "polite" });

  page.append(
    h("div", { class: "page-head" },
      h("h1", null, "办件进度查询"),
      kiosk && center ? h("a", { class: "btn btn-secondary btn-large", id: "back-to-kiosk", href: `#/floor/kiosk/${seg(center.code)}` }, "返回取号") : null),
    h("p", { class: "lead" }, center ? `${center.name}：` : "", "凭受理编号和证件号码后六位查询办理进度，无需登录。"),
    form, answer,
  );

  let clearTimer = null;
  function forgetLater() {
    if (!kiosk) return;
    clearTimeout(clearTimer);
    clearTimer = setTimeout(() => {
      if (!isCurrent()) return;
      answer.replaceChildren();
      number.value = "";
      check.value = "";
    }, KIOSK_CLEAR_SECONDS * 1000);
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    answer.replaceChildren();
    const typed = { n: normalise(number.value), c: normalise(check.value) };
    const problems = localProblems(typed.n, typed.c);
    if (problems.length) {
      showUserErrors(form, problems);
      return;
    }
    const found = await mutate(QUERY, { ...typed, center: center ? center.code : null }, "caseProgress", form);
    forgetLater();
    if (!found || !isCurrent()) return;
    check.value = ""; // the second factor is not left on the screen
    answer.replaceChildren(progressCard(found));
    answer.querySelector("h2").focus({ preventScroll: false });
  });
  (number.value ? check : number).focus();
}

function progressCard(p) {
  const done = DONE_STATES.has(p.state);
  let pickup = null;
  if (p.pickupReady) {
    pickup = h("p", { class: "note note-success pickup-ready", id: "pickup-ready", role: "status" },
      h("strong", null, "办理结果已可领取。"), `请携带受理通知书和有效身份证件到${p.pickupWindow || "本中心出件窗口"}领取，也可申请邮寄送达。`);
  } else if (!done && p.completedOn) {
    // decided, the file still on its way from the department to the pickup window (一窗受理)
    pickup = h("p", { class: "note pickup-later", id: "pickup-later" }, `已办结，办理结果正在移交${p.pickupWindow || "出件窗口"}，送达后将以短信通知领取。`);
  } else if (!done && p.pickupWindow) {
    pickup = h("p", { class: "note pickup-later", id: "pickup-later" }, `办结后将以短信通知，请到${p.pickupWindow}领取办理结果。`);
  }
  const due = p.promisedDue
    ? [fmt.date(p.promisedDue), p.dueProvisional ? h("span", { class: "badge provisional", title: "所在年度的节假日安排尚未公布，期限为暂定" }, "暂定") : null]
    : "—";
  return h("section", { class: "card progress-card", id: "progress-card", dataset: { state: p.state } },
    h("div", { class: "progress-head" },
      h("h2", { tabindex: "-1" }, p.itemName),
      h("span", { class: `badge state state-${p.state}`, id: "progress-state" }, p.stateLabel)),
    h("p", { class: "progress-number" }, `受理编号 ${p.number}`),
    pickup,
    h("dl", { class: "facts progress-facts" },
      h("dt", null, "申请人"), h("dd", { id: "progress-applicant" }, p.applicant || "—"),
      h("dt", null, "办理中心"), h("dd", null, p.centerName),
      h("dt", null, "承办部门"), h("dd", null, p.departmentName || "—"),
      h("dt", null, "提交日期"), h("dd", null, fmt.date(p.submittedOn)),
      h("dt", null, "受理日期"), h("dd", null, fmt.date(p.acceptedOn)),
      h("dt", null, "承诺办结"), h("dd", { id: "progress-due" }, due),
      h("dt", null, "办结日期"), h("dd", null, fmt.date(p.completedOn)),
      p.pickupWindow ? [h("dt", null, "领取窗口"), h("dd", { id: "progress-window" }, p.pickupWindow)] : null,
    ),
    p.dueProvisional ? note("承诺办结日期所在年度的节假日安排尚未公布，标“暂定”的日期将在公布后重新核定。") : null,
    h("h3", null, "办理进度"),
    p.steps.length
      ? h("ol", { class: "timeline progress-steps" }, p.steps.map((s) => h("li", { class: `event step-${s.step}`, dataset: { step: s.step } },
          h("div", { class: "event-time" }, fmt.date(s.date)),
          h("div", { class: "event-body" }, h("strong", null, s.label)))))
      : note("暂无办理记录。"),
    h("p", { class: "muted progress-privacy" }, "为保护申请人信息，此处不显示申报内容、材料和文书；请登录“我的办件”或到服务大厅查看。"),
  );
}
