// The item's public elements (GB/T 39046), its materials, review checklist, documents and certificate,
// edited in place in the item document.

import { h, uid } from "../ui.js";
import { textInput, numberInput, selectInput, checkInput, linesInput, wordsInput, choicesInput } from "./controls.js";
import { setKey, newMaterial, newCheckpoint, certificateSources, applicantSources } from "./model.js";

export const ITEM_TYPES = ["行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认", "行政奖励", "行政裁决", "其他行政权力", "公共服务", "内部事项"];
export const DOCUMENT_KINDS = [
  ["acceptance_notice", "受理通知书"], ["correction_notice", "补正材料通知书（一次性告知）"], ["return_notice", "退件通知书"],
  ["promise_notice", "承诺件通知书"], ["joint_notice", "联办通知书"], ["approval_decision", "准予许可决定书"],
  ["refusal_decision", "不予许可决定书"], ["certificate", "证照"], ["reply_notice", "答复通知书"], ["register", "登记簿"],
];
const CHANNELS = [["window", "窗口办理"], ["web", "网上办理"], ["mobile", "移动端办理"], ["courier", "快递申请/送达"]];
const SERVICE_OBJECTS = ["自然人", "法人", "其他组织"];

function opts(list) {
  return list.map((x) => (Array.isArray(x) ? { value: x[0], label: x[1] } : { value: x, label: x }));
}

function group(title, ...children) {
  return h("fieldset", { class: "dz-group" }, h("legend", null, title), children);
}

/** A JSON pointer's token for a key (RFC 6901). */
const token = (key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");

/** 部门办理事项名称 of a joint item (`partNames`): one box per department taking part, the implementing
 * one first, then each joint one; a name left for a department that no longer takes part keeps its box,
 * so the server's refusal (unknown_part) shows beside it and emptying the box removes it. Attached to
 * the document only once a name is entered; nothing shown for an item that is not joint and names none. */
function partNamesField(doc, departments, onChange) {
  const own = doc.partNames;
  if (own !== undefined && (own === null || typeof own !== "object" || Array.isArray(own))) return null; // only the JSON view edits that
  const parts = own || {};
  const joint = Array.isArray(doc.jointDepartments) ? doc.jointDepartments.filter((c) => typeof c === "string") : [];
  if (!joint.length && !Object.keys(parts).length) return null;
  const taking = [...new Set([doc.department, ...joint].filter((c) => typeof c === "string" && c))];
  const gone = Object.keys(parts).filter((c) => !taking.includes(c));
  const nameOf = (code) => (departments.find((d) => d.value === code) || { label: code }).label;
  const attach = () => {
    if (Object.keys(parts).length) doc.partNames = parts;
    else delete doc.partNames;
    onChange();
  };
  const rows = [
    ...taking.map((code) => textInput(parts, code, {
      path: `/partNames/${token(code)}`, label: code === doc.department ? `${nameOf(code)}（实施部门）` : nameOf(code),
      onChange: attach, id: `dz-part-${code}`,
    })),
    ...gone.map((code) => textInput(parts, code, {
      path: `/partNames/${token(code)}`, label: `${nameOf(code)}（已不是本事项的部门）`, onChange: attach, id: `dz-part-${code}`,
      help: "该部门已不参与本事项：请清空此名称，或重新勾选该部门",
    })),
  ];
  return h("div", { class: "field dz-field dz-parts", dataset: { path: "/partNames" } },
    h("span", { class: "label" }, "部门办理事项名称（联办）"),
    h("div", { class: "help" }, "联办件中各部门办理的部分叫什么，如公安局的“印章刻制”；各部门结果不一（部分准予）时，决定书和办件页按此列出。不填的称“某部门办理事项”，每个不超过64字"),
    h("div", { class: "control dz-parts-rows" }, rows),
    h("div", { class: "field-error", role: "alert", hidden: true }),
  );
}

/** 基本信息、时限、依据与条件、窗口、收费：the published elements. `rerender(focus)` draws the panel
 * again (the departments chosen change the 部门办理事项名称 boxes). */
export function elementsPanel(state, onChange, rerender = () => onChange()) {
  const doc = state.doc;
  const center = state.center;
  const departments = (center.departments || []).map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }));
  const windowsList = uid("dz-windows");
  // attached to the document only once something is entered: opening changes nothing
  const fees = doc.fees || { charged: false };
  const phones = doc.phones || {};
  const attach = (key, obj) => () => {
    if (Object.keys(obj).length) doc[key] = obj;
    else delete doc[key];
    onChange();
  };
  return h("div", { class: "dz-elements" },
    group("基本信息",
      textInput(doc, "name", { path: "/name", label: "事项名称", onChange, id: "dz-name" }),
      wordsInput(doc, "keywords", {
        path: "/keywords", label: "关键词（俗称）", onChange, id: "dz-keywords",
        help: "申请人常用的叫法，如“开饭店、餐饮许可证”，办事大厅搜索时也能找到本事项；最多20个，每个不超过20字",
      }),
      textInput(doc, "code", {
        path: "/code", label: "事项编码", onChange, id: "dz-code", readOnly: state.mode === "edit",
        help: state.mode === "edit" ? "已有事项的编码不能修改" : "本中心内唯一，小写字母、数字和 - ，如 cgj-tdsz；保存后不能修改",
      }),
      selectInput(doc, "itemType", opts(ITEM_TYPES), { path: "/itemType", label: "事项类型", onChange, id: "dz-itemType", empty: "请选择" }),
      selectInput(doc, "department", departments, { path: "/department", label: "实施部门", onChange: () => rerender("#dz-department"), id: "dz-department", empty: "请选择" }),
      choicesInput(doc, "jointDepartments", departments, { path: "/jointDepartments", label: "共同实施部门（联办）", onChange: () => {
        const ticked = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.value : null;
        rerender(ticked ? `[data-path="/jointDepartments"] input[data-value="${CSS.escape(ticked)}"]` : null);
      } }),
      partNamesField(doc, departments, onChange),
      selectInput(doc, "caseKind", opts([["promised", "承诺件"], ["immediate", "即办件"]]), { path: "/caseKind", label: "办件类型", onChange, id: "dz-caseKind" }),
      state.processes.length
        ? selectInput(doc, "process", state.processes.map((p) => ({ value: p.id, label: p.name })), { path: "/process", label: "办理流程", onChange, id: "dz-process", empty: "请选择" })
        : textInput(doc, "process", { path: "/process", label: "办理流程", onChange, id: "dz-process", help: "一般为 standard（受理—审查—决定—办结）" }),
      textInput(doc, "resultName", { path: "/resultName", label: "办理结果", onChange, id: "dz-resultName" }),
    ),
    group("办理时限",
      numberInput(doc, "legalDays", { path: "/legalDays", label: "法定办结时限（工作日）", onChange, id: "dz-legalDays" }),
      numberInput(doc, "promisedDays", { path: "/promisedDays", label: "承诺办结时限（工作日）", onChange, id: "dz-promisedDays" }),
      textInput(doc, "timeLimitNote", { path: "/timeLimitNote", label: "时限说明", onChange, multiline: true }),
    ),
    group("依据与条件",
      linesInput(doc, "legalBasis", { path: "/legalBasis", label: "设定依据", onChange, id: "dz-legalBasis" }),
      linesInput(doc, "conditions", { path: "/conditions", label: "受理条件", onChange, id: "dz-conditions" }),
      choicesInput(doc, "serviceObject", opts(SERVICE_OBJECTS), { path: "/serviceObject", label: "服务对象", onChange }),
      choicesInput(doc, "channels", opts(CHANNELS), { path: "/channels", label: "办理形式", onChange }),
    ),
    group("窗口、时间与电话",
      textInput(doc, "place", { path: "/place", label: "办理窗口（地点）", onChange, id: "dz-place", list: windowsList, help: "可从本中心的窗口中选择，或直接填写" }),
      h("datalist", { id: windowsList }, (center.windows || []).map((w) => h("option", { value: w.name }))),
      textInput(doc, "hours", { path: "/hours", label: "办理时间", onChange, id: "dz-hours" }),
      textInput(phones, "consultation", { path: "/phones/consultation", label: "咨询电话", onChange: attach("phones", phones) }),
      textInput(phones, "supervision", { path: "/phones/supervision", label: "监督投诉电话", onChange: attach("phones", phones) }),
      selectInput(doc, "visits", opts([[0, "0 次（全程网办）"], [1, "1 次"], [2, "2 次"]]), { path: "/visits", label: "到现场次数", onChange, empty: "未填写" }),
    ),
    group("收费",
      checkInput(fees, "charged", { path: "/fees/charged", label: "本事项收费", onChange: attach("fees", fees) }),
      numberInput(fees, "amount", { path: "/fees/amount", label: "收费标准（元）", onChange: attach("fees", fees), integer: false }),
      textInput(fees, "basis", { path: "/fees/basis", label: "收费（或免收）依据", onChange: attach("fees", fees) }),
    ),
  );
}

/** Materials picked from the center's catalogue (or typed), the review checklist, documents, certificate. */
export function materialsPanel(state, onChange, rerender) {
  const doc = state.doc;
  const materials = Array.isArray(doc.materials) ? doc.materials : [];
  const catalogueId = uid("dz-catalogue");
  const picker = h("input", { id: "dz-material-pick", type: "text", list: catalogueId, autocomplete: "off", placeholder: "输入或选择材料名称" });
  const addMaterial = h("button", { type: "button", class: "btn btn-secondary", id: "dz-material-add" }, "＋ 添加材料");
  addMaterial.addEventListener("click", () => {
    const name = picker.value.trim();
    if (name.length < 2) {
      picker.focus();
      return;
    }
    const template = state.catalogue.find((m) => m.name === name);
    materials.push(newMaterial(materials, name, template));
    doc.materials = materials;
    rerender("#dz-material-pick");
  });
  picker.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      addMaterial.click();
    }
  });

  const materialRows = materials.map((m, i) => {
    const path = `/materials/${i}`;
    const remove = h("button", { type: "button", class: "btn btn-link", "aria-label": `删除材料“${m.name}”` }, "删除");
    remove.addEventListener("click", () => {
      materials.splice(i, 1);
      rerender("#dz-material-pick");
    });
    return h("div", { class: "dz-row dz-material", dataset: { path } },
      h("div", { class: "dz-row-head" }, h("strong", null, `${i + 1}. ${m.name}`), m.catalogue ? h("span", { class: "muted" }, ` 目录编码 ${m.catalogue}`) : null, remove),
      h("div", { class: "dz-row-grid" },
        textInput(m, "name", { path: `${path}/name`, label: "材料名称", onChange }),
        textInput(m, "issuer", { path: `${path}/issuer`, label: "出具机构", onChange }),
        numberInput(m, "originals", { path: `${path}/originals`, label: "原件份数", onChange }),
        numberInput(m, "copies", { path: `${path}/copies`, label: "复印件份数", onChange }),
        selectInput(m, "role", opts([["main", "主件"], ["secondary", "辅件"]]), { path: `${path}/role`, label: "主件/辅件", onChange }),
        checkInput(m, "required", { path: `${path}/required`, label: "必须提交", onChange }),
        checkInput(m, "electronic", { path: `${path}/electronic`, label: "可提交电子版", onChange }),
        textInput(m, "note", { path: `${path}/note`, label: "备注", onChange }),
      ),
    );
  });

  const checklist = Array.isArray(doc.checklist) ? doc.checklist : [];
  const pointRows = checklist.map((p, i) => {
    const path = `/checklist/${i}`;
    const remove = h("button", { type: "button", class: "btn btn-link", "aria-label": `删除第${i + 1}条审查要点` }, "删除");
    remove.addEventListener("click", () => {
      checklist.splice(i, 1);
      rerender("#dz-point-add");
    });
    const input = textInput(p, "text", { path: `${path}/text`, label: `要点 ${i + 1}`, onChange });
    input.querySelector("input").classList.add("dz-point");
    return h("div", { class: "dz-row dz-point-row" }, input, remove);
  });
  const addPoint = h("button", { type: "button", class: "btn btn-secondary", id: "dz-point-add" }, "＋ 添加审查要点");
  addPoint.addEventListener("click", () => {
    checklist.push(newCheckpoint(checklist, ""));
    doc.checklist = checklist;
    rerender(".dz-point-row:last-of-type input");
  });

  return h("div", { class: "dz-materials" },
    group("申请材料",
      h("p", { class: "muted" }, "从本中心已有事项使用的材料中选取（出具机构、份数等随之带入），也可直接填写新材料。至少一项主件。"),
      h("div", { class: "dz-add-row", dataset: { path: "/materials" } },
        h("label", { for: "dz-material-pick" }, "材料："), picker, addMaterial,
        h("datalist", { id: catalogueId }, state.catalogue.map((m) => h("option", { value: m.name }, `${m.name}（${m.issuer}）`))),
        h("div", { class: "field-error", role: "alert", hidden: true }),
      ),
      materialRows.length ? materialRows : h("p", { class: "muted" }, "尚未添加材料。"),
    ),
    h("fieldset", { class: "dz-group", dataset: { path: "/checklist" } },
      h("legend", null, "审查要点"),
      h("p", { class: "muted" }, "综合窗口受理时逐项核对的要点。"),
      h("div", { class: "field-error", role: "alert", hidden: true }),
      pointRows, addPoint,
    ),
    group("出具文书",
      choicesInput(doc, "documents", opts(DOCUMENT_KINDS), { path: "/documents", label: "本事项可能出具的文书", onChange }),
      // who the notices and decisions are addressed to: the 个体工商户 or company the form names, not the account
      selectInput(doc, "applicantField", applicantSources(doc.form).map((s) => ({ value: s.pointer, label: s.label })), {
        path: "/applicantField", label: "文书上的申请人", onChange, id: "dz-applicantField",
        empty: "自动（表单中常用的申请人名称字段，没有时为申请账号的姓名）",
        help: "受理通知书、决定书等抬头和“申请人”一栏打印的名称，如个体工商户名称、企业名称",
      }),
    ),
    certificateGroup(state, onChange, rerender),
  );
}

function certificateGroup(state, onChange, rerender) {
  const doc = state.doc;
  const enabled = h("input", { type: "checkbox", id: "dz-cert-on", checked: Boolean(doc.certificate) });
  enabled.addEventListener("change", () => {
    if (enabled.checked) doc.certificate = { title: doc.resultName || "", fields: [] };
    else delete doc.certificate;
    rerender("#dz-cert-on");
  });
  const body = [];
  if (doc.certificate) {
    const cert = doc.certificate;
    const sources = certificateSources(doc.form);
    body.push(textInput(cert, "title", { path: "/certificate/title", label: "证照名称", onChange, id: "dz-cert-title" }));
    (cert.fields || []).forEach((f, i) => {
      const path = `/certificate/fields/${i}`;
      const remove = h("button", { type: "button", class: "btn btn-link" }, "删除");
      remove.addEventListener("click", () => {
        cert.fields.splice(i, 1);
        rerender("#dz-cert-add");
      });
      body.push(h("div", { class: "dz-row dz-row-grid", dataset: { path } },
        textInput(f, "label", { path: `${path}/label`, label: "栏目名称", onChange }),
        selectInput(f, "pointer", sources.map((s) => ({ value: s.pointer, label: s.label })), { path: `${path}/pointer`, label: "取自表单字段", onChange, empty: "请选择字段" }),
        remove,
      ));
    });
    const add = h("button", { type: "button", class: "btn btn-secondary", id: "dz-cert-add" }, "＋ 添加栏目");
    add.addEventListener("click", () => {
      if (!Array.isArray(cert.fields)) cert.fields = [];
      cert.fields.push({ label: "", pointer: "" });
      rerender("#dz-cert-add");
    });
    body.push(add);
  }
  return h("fieldset", { class: "dz-group", dataset: { path: "/certificate" } },
    h("legend", null, "证照"),
    h("label", { class: "choice", for: "dz-cert-on" }, enabled, h("span", null, "办结时出具证照")),
    body,
  );
}

export { setKey };
