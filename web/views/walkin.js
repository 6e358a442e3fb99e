// 现场申请人 (every center's front desk): the clerk registers, or finds by ID number, the person or
// enterprise in front of the window who has no online account, picks the item by its name and files
// for it on the apply page (`?for=`: 窗口受理). On the 工作台 (work.js) and the hall floor's window
// screen (floor.js, hall_floor).
import { gql } from "../graphql.js";
import { h, note, seg } from "../ui.js";
import { mutate, ERRORS, input, values } from "./kit.js";

const PARTY = "id kind idNumber name mobile username";

/** The apply page of `item` in center `code`, filing for the walk-in party `p`. */
export function applyFor(code, item, p) {
  return `#/hall/${seg(code)}/item/${seg(item)}/apply?for=${encodeURIComponent(p.username)}&forName=${encodeURIComponent(p.name)}`;
}

/** The answers of item `item`'s form that name the walk-in party whose account is `account` (its
 * name and ID number or USCC, as the clerk registered them: formAnswers), or null when `account` is
 * no walk-in party of the center (an online applicant) or the clerk may not look it up. */
export async function partyAnswers(code, item, account) {
  try {
    const { walkInParty } = await gql(`query($c: String!, $a: String!, $i: String!) { walkInParty(center: $c, account: $a) { formAnswers(item: $i) } }`,
      { c: code, a: account, i: item });
    return walkInParty ? walkInParty.formAnswers : null;
  } catch {
    return null; // the form stays as it is: the clerk types the party's name and number
  }
}

/** 现场申请人: register (or find) the party in front of the window, then file for it. Without `title`
 * the form has no heading and no card of its own (it sits in the caller's). */
export function walkInPanel(c, { title = "现场申请人（无网上账号）" } = {}) {
  const out = h("div", { class: "walk-in-result" });
  const root = h("form", { class: title ? "card walk-in" : "walk-in", novalidate: true },
    title ? h("h2", null, title) : null,
    input("类型", "kind", { options: [["person", "个人（身份证）"], ["enterprise", "企业（统一社会信用代码）"]], path: "/kind" }),
    input("证件号码", "idNumber", { required: true, path: "/idNumber" }),
    input("姓名或企业名称", "name", { required: true, path: "/name" }),
    input("手机号码", "mobile", { required: true, type: "tel", path: "/mobile" }),
    input("经办联系人（企业）", "contactName", { path: "/contactName" }),
    h("div", { class: "form-actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, "登记申请人"),
      h("button", { type: "button", class: "btn btn-secondary", onclick: find }, "按证件号码查找")),
    out);
  async function offer(p) {
    // the center's published items by name (not a code to remember); 内部事项 are the staff's own
    const { items } = await gql(`query($c: String!) { items(center: $c) { code name itemType } }`, { c: c.code });
    const item = h("select", { id: "walk-in-item" }, h("option", { value: "" }, "请选择事项"),
      items.filter((i) => i.itemType !== "内部事项").map((i) => h("option", { value: i.code }, i.name)));
    out.replaceChildren(h("p", { class: "note note-success", dataset: { party: p.username } }, `已登记：${p.name}（${p.idNumber}）`),
      h("p", null, h("label", { for: "walk-in-item" }, "代为申报的事项 "), item, " ",
        h("button", { type: "button", class: "btn btn-primary", onclick: () => {
          if (item.value.trim()) location.hash = applyFor(c.code, item.value.trim(), p);
        } }, "代为申报")));
  }
  async function find() {
    const v = values(root);
    const data = await gql(`query($c: String!, $i: String!) { walkInParty(center: $c, idNumber: $i) { ${PARTY} } }`,
      { c: c.code, i: v.idNumber || "" });
    if (data.walkInParty) await offer(data.walkInParty);
    else out.replaceChildren(note("未登记，请填写后登记。"));
  }
  root.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = values(root);
    const data = await mutate(`mutation($c: String!, $k: String!, $i: String!, $n: String!, $m: String!, $p: String) {
        registerWalkInParty(center: $c, kind: $k, idNumber: $i, name: $n, mobile: $m, contactName: $p) {
          ${ERRORS} ... on WalkInParty { ${PARTY} } } }`,
      { c: c.code, k: v.kind, i: v.idNumber || "", n: v.name || "", m: v.mobile || "", p: v.contactName || null }, "registerWalkInParty", root);
    if (data) await offer(data);
  });
  return root;
}
