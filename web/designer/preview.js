// The applicant's form, live beside the designer: desktop or phone width, test data kept across
// edits, and checked by the server with the messages an applicant would get (validateCaseData).

import { h, note, debounce } from "../ui.js";
import { gql, hasQuery } from "../graphql.js";
import { renderForm } from "../form.js";

const WIDTHS = { desktop: "电脑", phone: "手机" };

export function createPreview(state) {
  const frame = h("div", { class: "dz-frame dz-desktop", id: "dz-preview" });
  const result = h("div", { class: "dz-preview-result", "aria-live": "polite" });
  let current = null;
  let shown = null; // the form the preview shows, as JSON: an edit elsewhere in the item leaves it (and its messages) alone
  let width = "desktop";
  const toggles = Object.entries(WIDTHS).map(([key, label]) => {
    const b = h("button", { type: "button", class: "btn btn-secondary dz-width", dataset: { width: key }, "aria-pressed": key === width ? "true" : "false" }, label);
    b.addEventListener("click", () => {
      width = key;
      frame.className = `dz-frame dz-${key}`;
      toggles.forEach((t) => t.setAttribute("aria-pressed", t.dataset.width === key ? "true" : "false"));
    });
    return b;
  });
  const check = h("button", { type: "button", class: "btn btn-primary", id: "dz-check" }, "用测试数据检查");
  const clear = h("button", { type: "button", class: "btn btn-secondary" }, "清空测试数据");

  // a 材料（文件） field is answered by the applicant's upload of its material: here a sample stands in
  const sampleFiles = {
    has: (code) => ((state.doc && state.doc.materials) || []).some((m) => m.code === code),
    names: () => ["（申请人上传的文件）"],
    watch: () => {},
  };

  function refresh() {
    const form = state.doc && state.doc.form;
    if (!form || typeof form !== "object") {
      frame.replaceChildren(note("没有申请表单。"));
      current = null;
      return;
    }
    const text = JSON.stringify(form);
    if (current && text === shown) return;
    shown = text;
    let kept = null;
    try {
      kept = current ? current.getValue() : null;
    } catch {
      kept = null;
    }
    try {
      current = renderForm(form, { value: kept, files: sampleFiles });
      frame.replaceChildren(h("form", { class: "apply-form", novalidate: true, onsubmit: (e) => e.preventDefault() }, current.element));
    } catch (err) {
      current = null;
      frame.replaceChildren(note(`表单无法预览：${err.message}`, "error"));
    }
  }

  check.addEventListener("click", async () => {
    if (!current) return;
    const data = current.getValue();
    if (!(await hasQuery("validateCaseData"))) {
      result.replaceChildren(note("服务端暂不支持检查测试数据。"));
      return;
    }
    try {
      const answer = await gql(
        `query($c: String!, $d: JSON!, $data: JSON!) { validateCaseData(center: $c, definition: $d, data: $data) { path code message } }`,
        { c: state.center.code, d: state.doc.form, data },
      );
      const errors = answer.validateCaseData;
      if (!errors.length) {
        current.clearErrors();
        result.replaceChildren(h("div", { class: "note note-success", role: "status" }, "测试数据符合表单要求，申请人可以提交。"));
        return;
      }
      current.setErrors(errors, { summaryTitle: `测试数据有 ${errors.length} 处问题（申请人提交时会看到）：` });
      result.replaceChildren();
    } catch (error) {
      result.replaceChildren(note(`检查失败：${error.message}`, "error"));
    }
  });
  clear.addEventListener("click", () => {
    current = null;
    refresh();
    result.replaceChildren();
  });

  const el = h("section", { class: "card dz-preview", "aria-label": "表单预览" },
    h("div", { class: "dz-preview-head" },
      h("h2", null, "申请人看到的表单"),
      h("div", { class: "dz-widths", role: "group", "aria-label": "预览宽度" }, toggles),
    ),
    h("p", { class: "muted" }, "随设计即时更新。可在这里填写测试数据：离开字段时即检查格式，点“用测试数据检查”由服务端按提交时的规则检查。"),
    frame,
    h("div", { class: "form-actions" }, check, clear),
    result,
  );
  return { el, refresh: debounce(refresh, 200), refreshNow: refresh };
}
