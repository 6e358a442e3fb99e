// 出件窗口: the 待出件 queue (办结、待出件), delivery with the receiver checked against the applicant
// or an agent with a power of attorney (委托书), the pickup receipt, and — where the center enables
// one_window — the hand-over to sign for and the pickup register (出件登记簿) on screen and printed.
import { gql, hasQuery } from "../graphql.js";
import { halfWidth } from "../form.js";
import { h, note, loading, fmt, todayISO } from "../ui.js";
import { existing } from "../store.js";
import { pickCenter, mutate, ERRORS, DOCUMENT, table, input, values, showIssued, dateRange, printButton, showBanner, seg } from "./kit.js";

const ROLES = ["pickup", "clerk", "head", "admin"];
const METHODS = [["in_person", "窗口领取"], ["courier", "快递送达"], ["self_print", "自助打印"]];
const OUTCOMES = { approved: "准予许可", refused: "不予许可（送达决定书）", partly_approved: "部分准予（准予部分的结果和不予许可决定书一并送达）" };
const QUEUE_FIELDS = "id number version state stateLabel applicantName completedAt people { name idNumber } item { code name }";

/**
 * Whether the receiver is the applicant (or a person named in the application with that ID). The
 * people are the server's (`Case.people`: the same rule that checks the delivery, which knows the
 * item's form, so a designer-made 法定代表人 and 法定代表人身份证号 count as one person).
 */
export function receiverMatches(c, receiver, idNumber) {
  // 李　四 in the form is the 李四 typed here, and 阿依古丽•买买提 typed with another dot the 阿依古丽·买买提
  // of the ID card, as on the server (core.services.guards.name_key, the dots of core.services.formats.NAME_DOTS)
  const key = (text) => String(text || "").replace(/\s/g, "").replace(/[\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\uff0e.]/g, "·");
  const name = key(receiver);
  const id = halfWidth(idNumber).trim().toUpperCase(); // １１０１０５…Ｘ typed full width is the same number, as on the server
  if (!name) return false;
  const people = (c.people || []).map((p) => ({ ...p, name: key(p.name) }));
  if (people.some((p) => p.name === name && (!id || p.idNumber === id))) return true;
  return name === key(c.applicantName) && !people.some((p) => p.name === name && p.idNumber !== id);
}

export async function pickupView({ page, params, user, isCurrent }) {
  const c = await pickCenter({ page, params, user, roles: ROLES, title: "出件窗口", route: "pickup" });
  if (!c) return;
  const oneWindow = (c.plugins || []).includes("one_window") && (await hasQuery("pickupRegister"));
  const queueBox = h("section", { class: "card", id: "pickup-queue" }, h("h2", null, "待出件"), loading());
  const deliverBox = h("section", { class: "card", id: "deliver", hidden: true });
  const registerBox = oneWindow ? h("section", { class: "card", id: "pickup-register" }, h("h2", null, "出件登记簿")) : null;
  page.append(queueBox, deliverBox, ...(registerBox ? [registerBox] : []));

  async function loadQueue() {
    // a refusal is a result too: its 不予许可决定书 is handed out (or posted) at the same window, and a
    // joint case partly granted (部分准予) hands out its approved parts' results with the refusals
    const data = await gql(
      `query($c: String!) {
        approved: cases(center: $c, state: "approved", first: 100) { edges { node { ${QUEUE_FIELDS} } } }
        refused: cases(center: $c, state: "refused", first: 100) { edges { node { ${QUEUE_FIELDS} } } }
        partly: cases(center: $c, state: "partly_approved", first: 100) { edges { node { ${QUEUE_FIELDS} } } } }`,
      { c: c.code },
    );
    if (!isCurrent()) return;
    const rows = [...data.approved.edges, ...data.refused.edges, ...data.partly.edges].map((e) => e.node)
      .sort((a, b) => String(a.completedAt || "").localeCompare(String(b.completedAt || "")));
    queueBox.replaceChildren(h("h2", null, "待出件 ", h("span", { class: "badge", id: "pickup-count" }, String(rows.length))),
      table([
        ["办件编号", (r) => h("a", { href: `#/case/${seg(c.code)}/${seg(r.id)}`, class: "case-number" }, r.number)],
        ["事项", (r) => r.item.name],
        ["申请人", (r) => r.applicantName],
        ["办理结果", (r) => OUTCOMES[r.state] || r.stateLabel],
        ["办结时间", (r) => fmt.datetime(r.completedAt)],
        ["", (r) => h("button", { type: "button", class: "btn btn-primary", dataset: { deliver: r.number }, onclick: () => openDelivery(r) }, "出件")],
      ], rows, { id: "pickup-table", empty: "没有待出件的办件。" }));
  }

  async function openDelivery(r) {
    deliverBox.hidden = false;
    const extras = await pickupExtras(r);
    deliverBox.replaceChildren(h("h2", null, `出件：${r.number}`),
      h("p", { class: "muted" }, `${r.item.name} · 申请人 ${r.applicantName} · 办理结果：${OUTCOMES[r.state] || r.stateLabel}`),
      extrasNote(extras));
    if (oneWindow) {
      const hand = await gql(`query($id: ID!) { caseHandovers(id: $id) { id toPickup receivedAt receivedBy } case(id: $id) { version } }`, { id: r.id });
      r.version = hand.case.version; // signing for the result changes the case
      const toPickup = hand.caseHandovers.filter((x) => x.toPickup);
      const pending = toPickup.find((x) => !x.receivedAt);
      if (!toPickup.length) deliverBox.append(note("办理结果尚未移交统一出件窗口，请联系后台部门移交后再出件。", "error"));
      else if (pending) {
        const sign = h("button", { type: "button", class: "btn btn-primary", id: "receive-result" }, "签收办理结果");
        sign.addEventListener("click", async () => {
          const ok = await mutate(`mutation($id: ID!) { receiveHandover(id: $id) { ${ERRORS} } }`, { id: pending.id }, "receiveHandover", deliverBox);
          if (ok) {
            showBanner("已签收办理结果", "success");
            openDelivery(r);
          }
        });
        deliverBox.append(note("后台部门已移交办理结果，请先签收。"), sign);
        return;
      }
    }
    const form = h("form", { class: "param-form", id: "deliver-form", novalidate: true },
      input("出件方式", "method", { options: METHODS, value: "in_person", required: true }),
      input("领取人姓名", "receiver", { required: true }),
      input("领取人身份证号码", "idNumber"),
      input("快递单号", "trackingNumber"),
      h("div", { class: "field", dataset: { path: "/proxy" } },
        h("label", { class: "choice" }, h("input", { type: "checkbox", name: "proxy", id: "f-proxy" }), "领取人非申请人：已核验授权委托书及代领人身份证"),
        h("div", { class: "field-error", role: "alert", hidden: true })),
      h("p", { class: "check-result", id: "receiver-check", "aria-live": "polite" }),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "确认出件")),
    );
    const check = form.querySelector("#receiver-check");
    const left = h("p", { class: "note note-error", id: "extras-left", hidden: true });
    form.querySelector(".form-actions").before(left);
    const recheck = () => {
      const v = values(form);
      const behind = extras.filter((x) => !x.methods.includes(v.method));
      left.hidden = !behind.length; // e.g. a self-printed licence: the seals and the UKey stay at the window
      left.textContent = behind.length ? `${Object.fromEntries(METHODS)[v.method]}不含${behind.map((x) => x.title).join("、")}，须另行发放。` : "";
      showHints(deliverBox, v.method);
      if (v.method !== "in_person" || !v.receiver) {
        check.textContent = "";
        return;
      }
      const ok = receiverMatches(r, v.receiver || "", v.idNumber || "");
      check.className = `check-result note ${ok ? "note-success" : "note-error"}`;
      check.textContent = ok ? "领取人与申请人（申请材料中登记的人员）一致。" : "领取人不是申请人：须核验授权委托书，并勾选上方确认。";
    };
    form.addEventListener("input", recheck);
    form.addEventListener("change", recheck);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const v = values(form);
      if (v.method === "in_person" && v.receiver && !receiverMatches(r, v.receiver, v.idNumber || "") && !v.proxy) {
        const slot = form.querySelector('[data-path="/proxy"] .field-error');
        slot.textContent = "领取人不是申请人，请核验授权委托书后勾选确认";
        slot.hidden = false;
        return;
      }
      const params = { method: v.method, receiver: v.receiver || "", idNumber: v.idNumber || "", trackingNumber: v.trackingNumber || "" };
      if (v.proxy) params.proxy = true; // the server refuses a receiver not named in the application without it
      const done = await mutate(
        `mutation($id: ID!, $d: JSON, $c: String, $v: Int) { transitionCase(id: $id, action: "deliver", data: $d, comment: $c, expectedVersion: $v) {
            ${ERRORS} ... on Case { id number state stateLabel } } }`,
        { id: r.id, d: params, c: v.proxy ? `凭授权委托书代领：${v.receiver}` : null, v: r.version },
        "transitionCase", form,
      );
      if (!done) return;
      showBanner(`${r.number} 已出件`, "success");
      deliverBox.replaceChildren(receipt(c, r, params, user, extras.filter((x) => x.methods.includes(params.method))));
      if (oneWindow) deliverBox.append(await smsSection(r));
      await loadQueue();
      if (registerBox) await loadRegister();
    });
    deliverBox.append(form);
    recheck();
    form.querySelector("#f-receiver").focus();
  }

  const range = oneWindow ? dateRange(() => loadRegister(), "month") : null;
  const registerBody = h("div", { id: "register-body" });
  const printed = h("div", { id: "register-printed" });
  async function loadRegister() {
    const data = await gql(
      `query($c: String!, $f: Date!, $t: Date!) { pickupRegister(center: $c, from: $f, to: $t) {
          caseId caseNumber itemName applicantName methodLabel receiver idNumber trackingNumber by at } }`,
      { c: c.code, f: range.from.value, t: range.to.value },
    );
    registerBody.replaceChildren(table([
      ["序号", (_, i) => String(i + 1)],
      ["办件编号", (r) => r.caseNumber],
      ["事项", (r) => r.itemName],
      ["申请人", (r) => r.applicantName],
      ["方式", (r) => r.methodLabel],
      ["领取人", (r) => r.receiver || "—"],
      ["身份证号", (r) => r.idNumber || "—"],
      ["快递单号", (r) => r.trackingNumber || "—"],
      ["经办人", (r) => r.by],
      ["出件时间", (r) => fmt.datetime(r.at)],
    ], data.pickupRegister, { id: "register-table", empty: "该期间没有出件记录。" }));
  }
  if (registerBox) {
    const print = h("button", { type: "button", class: "btn btn-secondary", id: "print-register" }, "打印登记簿（PDF）");
    print.addEventListener("click", async () => {
      const doc = await mutate(
        `mutation($c: String!, $f: Date!, $t: Date!) { printPickupRegister(center: $c, from: $f, to: $t) { ${ERRORS} ${DOCUMENT} } }`,
        { c: c.code, f: range.from.value, t: range.to.value }, "printPickupRegister", registerBox,
      );
      if (doc) showIssued(printed, doc);
    });
    range.from.addEventListener("change", loadRegister);
    range.to.addEventListener("change", loadRegister);
    registerBox.append(range.element, h("div", { class: "actions-row no-print" }, print), printed, registerBody);
  }
  await loadQueue();
  if (registerBox) await loadRegister();
}

/** What goes out with the result (`Case.pickupExtras`: the enterprise zone's 开办大礼包…), from the
 * center's plugins; none from a server without the field. */
async function pickupExtras(r) {
  const selection = await existing("Case", ["pickupExtras { title contents methods note hints { method text warning receipt } }"]);
  if (!selection) return [];
  const data = await gql(`query($id: ID!) { case(id: $id) { ${selection} } }`, { id: r.id });
  return data.case.pickupExtras || [];
}

/** 同时发放开办大礼包：营业执照正本、副本；印章：… — above the form, so the pack is not forgotten; beside
 * each, its hints for one 出件 method (申请时选择邮寄大礼包…, the mailing address), shown by `showHints`. */
function extrasNote(extras) {
  if (!extras.length) return null;
  return h("div", { class: "note pickup-extras", id: "pickup-extras", role: "status" }, extras.map((x) => [h("p", null,
    h("strong", null, `同时发放${x.title}：`), x.contents.join("；"), x.note ? h("span", { class: "extras-note" }, `（${x.note}）`) : null),
  (x.hints || []).map((hint) => h("p", { class: `extras-hint${hint.warning ? " extras-warning" : ""}`, dataset: { method: hint.method }, hidden: true },
    hint.warning ? `注意：${hint.text}` : hint.text))]));
}

/** The hints of the chosen 出件 method beside the extras (a warning never blocks the 出件). */
function showHints(box, method) {
  for (const hint of box.querySelectorAll("#pickup-extras .extras-hint")) hint.hidden = hint.dataset.method !== method;
}

/** The text messages the applicant was sent about the case (e.g. the courier's tracking number). */
async function smsSection(r) {
  const data = await gql(`query($id: ID!) { smsMessages(id: $id) { id recipient text createdAt } }`, { id: r.id }).catch(() => ({ smsMessages: [] }));
  return h("section", { class: "sms no-print", id: "sms" }, h("h3", null, "短信通知"),
    data.smsMessages.length
      ? h("ul", { class: "plain-list" }, data.smsMessages.map((m) => h("li", null, `${fmt.datetime(m.createdAt)} 致 ${m.recipient}：${m.text}`)))
      : note("本办件没有发送短信。"));
}

/** 出件回执: what was handed to whom, printable from the page. A result sent by courier has nobody at
 * the window to sign for it: its receipt states how and when it was sent (寄递方式, 快递单号) instead.
 * What went with it is listed with the chosen method's receipt lines (a courier pack: 邮寄地址：…). */
function receipt(c, r, params, user, extras = []) {
  const method = Object.fromEntries(METHODS)[params.method] || params.method;
  const courier = params.method === "courier";
  const day = fmt.date(todayISO());
  return h("div", { class: "receipt print-document", id: "pickup-receipt" },
    h("h2", null, `${c.name} 出件回执`),
    h("dl", { class: "facts" },
      h("dt", null, "办件编号"), h("dd", null, r.number),
      h("dt", null, "事项"), h("dd", null, r.item.name),
      h("dt", null, "申请人"), h("dd", null, r.applicantName),
      h("dt", null, "办理结果"), h("dd", null, OUTCOMES[r.state] || r.stateLabel || ""),
      h("dt", null, courier ? "寄递方式" : "出件方式"), h("dd", null, method),
      params.receiver ? [h("dt", null, courier ? "收件人" : "领取人"), h("dd", null, params.receiver)] : null,
      params.trackingNumber ? [h("dt", null, "快递单号"), h("dd", null, params.trackingNumber)] : null,
      extras.length ? [h("dt", null, "同时发放"), h("dd", { id: "receipt-extras" },
        extras.map((x) => h("div", null, `${x.title}：${x.contents.join("；")}`,
          (x.hints || []).filter((hint) => hint.method === params.method && hint.receipt)
            .map((hint) => h("div", { class: "receipt-extra-line" }, hint.receipt)))))] : null,
      h("dt", null, "经办人"), h("dd", null, (user && (user.displayName || user.username)) || ""),
      h("dt", null, courier ? "寄出日期" : "出件日期"), h("dd", null, day),
    ),
    courier
      ? h("p", { id: "courier-sent" }, `办理结果已于${day}以快递寄出，快递单号：${params.trackingNumber}。`)
      : h("p", null, "领取人签名：＿＿＿＿＿＿＿＿"),
    h("div", { class: "actions-row no-print" }, printButton("打印回执")),
  );
}
