// 认领现场办理的办件: a case a clerk filed at the window for a walk-in applicant (现场申请人) is claimed
// into the signed-in person's 我的办件 with the ID number, the case number and the SMS code sent to
// the mobile registered at the window (sendClaimCode, claimCase: the core's, every center).
import { h, note, seg } from "../ui.js";
import { mutate, ERRORS, input, values } from "./kit.js";

/** The claim panel: `all` the centers to choose from, `code` a center already chosen ("" = choose). */
export function claimCard(all, code, { onClaimed = null } = {}) {
  const chosen = all.filter((c) => !code || c.code === code);
  const form = h("form", { class: "card", id: "claim-walk-in", novalidate: true },
    h("h2", null, "认领现场办理的办件"),
    h("p", { class: "muted" }, "在窗口由工作人员代为申请的办件：输入证件号码和办件编号，验证码将发送到在窗口登记的手机，认领后办件归入“我的办件”。"),
    chosen.length > 1
      ? input("办理中心", "center", { options: chosen.map((c) => [c.code, c.name]), required: true, path: "/center" })
      : null,
    input("证件号码（身份证或统一社会信用代码）", "idNumber", { required: true, path: "/idNumber" }),
    input("办件编号", "caseNumber", { required: true, path: "/caseNumber" }),
    input("短信验证码", "code", { path: "/code" }));
  const out = h("div", { "aria-live": "polite", class: "claim-result" });
  const center = (v) => v.center || (chosen[0] && chosen[0].code) || "";
  form.append(h("div", { class: "form-actions" },
    h("button", { type: "button", class: "btn btn-secondary", id: "claim-send-code", onclick: async () => {
      const v = values(form);
      const sent = await mutate(`mutation($c: String!, $n: String!, $i: String!) { sendClaimCode(center: $c, caseNumber: $n, idNumber: $i) {
          ${ERRORS} ... on ClaimCodeSent { mobile } } }`, { c: center(v), n: v.caseNumber || "", i: v.idNumber || "" }, "sendClaimCode", form);
      if (sent) out.replaceChildren(note(`验证码已发送至 ${sent.mobile}`, "success"));
    } }, "获取验证码"),
    h("button", { type: "submit", class: "btn btn-primary" }, "认领办件")), out);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = values(form);
    const done = await mutate(`mutation($c: String!, $n: String!, $i: String!, $x: String!) { claimCase(center: $c, caseNumber: $n, idNumber: $i, code: $x) {
        ${ERRORS} ... on ClaimedCase { id number applicantName } } }`, { c: center(v), n: v.caseNumber || "", i: v.idNumber || "", x: v.code || "" }, "claimCase", form);
    if (done) {
      out.replaceChildren(note(`已认领：${done.number}（${done.applicantName}）`, "success"), h("a", { href: `#/case/${seg(center(v))}/${seg(done.id)}` }, "查看办件"));
      if (onClaimed) onClaimed(done);
    }
  });
  return form;
}
