// Renders an item's JSON Schema form and collects its values with the right JSON types.
//
// Understood: `title` (label), `description` (help), `required` (star), conditions (`if
// {properties: {x: {const | enum | contains}}} then {required, properties: {y: {format}}}` inside
// `allOf`, read by conditions.js): a field only a `then` requires is shown, and sent, while its condition
// holds (the server drops an answer to a hidden one too), and a `then`/`else`
// format applies while its branch does), `format` (checked as the field is left, with the server's
// rules and words: formats.js), `readOnly`, `x-unit` (beside the input, unless the title ends with it:
// 出资比例（%）), `x-width` (half), `x-order`, `x-widget`
// (text textarea select radio checkbox date number money table file; a file field with `x-material`
// is answered by the files uploaded for that material; a `date-time` field, format alone, gets a date and
// time picker, its answer sent with the centers' offset, 2026-12-01T09:30:00+08:00), `enum` / `oneOf` of `const`
// (select), `default`, `const`, `maxLength`, `minimum`/`maximum`, nested objects (a fieldset each),
// arrays of objects (an editable table with add and delete; its `x-total`, 合计校验, checked as a cell is
// left, with the server's words), `x-today` (a date's side of today), `x-notBefore` (a date not before
// a sibling date of the same object or table row, said beside the later one as either is left), arrays of enum strings (checkboxes),
// local `$ref`s. Every field carries `data-path` = its JSON pointer, so the server's UserErrors land
// next to it (see graphql.js showUserErrors).

import { h, uid, fmt, todayISO, centerDateTime, centerWallTime } from "./ui.js";
import { showUserErrors, clearUserErrors } from "./graphql.js";
import { formatMessage } from "./formats.js";
import { conditionalFields, hiddenFields, activeFormats, activeRequired } from "./conditions.js";

export { conditionsOf, conditionalFields, activeFormats, activeRequired } from "./conditions.js";

const MAX_DEPTH = 12;

/** ["shareholders", 0, "name"] → "/shareholders/0/name" (RFC 6901 escaping). */
export function pointer(parts) {
  return parts.map((p) => `/${String(p).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

function mainType(schema) {
  let t = schema.type;
  if (Array.isArray(t)) t = t.find((x) => x !== "null") || t[0];
  if (t) return t;
  if (schema.properties) return "object";
  if (schema.items) return "array";
  const options = enumOptions(schema);
  if (options) {
    const v = options[0] && options[0].value;
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    if (typeof v === "boolean") return "boolean";
  }
  return "string";
}

export function orderedKeys(schema) {
  const props = schema.properties || {};
  const order = Array.isArray(schema["x-order"]) ? schema["x-order"].filter((k) => k in props) : [];
  return [...order, ...Object.keys(props).filter((k) => !order.includes(k))];
}

/** Allowed values with their labels: `enum` (+ `x-enumNames`), `oneOf`/`anyOf` of `const`, booleans. */
function enumOptions(schema) {
  if (Array.isArray(schema.enum)) {
    const names = schema["x-enumNames"] || schema["x-enum-labels"] || [];
    return schema.enum.map((value, i) => ({ value, label: names[i] !== undefined ? String(names[i]) : display(value) }));
  }
  const alternatives = schema.oneOf || schema.anyOf;
  if (Array.isArray(alternatives) && alternatives.length && alternatives.every((s) => s && "const" in s)) {
    return alternatives.map((s) => ({ value: s.const, label: s.title || display(s.const) }));
  }
  return null;
}

function display(value) {
  if (value === true) return "是";
  if (value === false) return "否";
  if (value === null || value === undefined) return "";
  return String(value);
}

function isEmptyValue(v) {
  return v === undefined || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

// --------------------------------------------------------------------------- $ref

function resolvePointer(root, ref) {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return null;
  let node = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return null;
    node = node[key];
  }
  return node;
}

function resolve(root, schema, depth = 0) {
  if (!schema || typeof schema !== "object") return {};
  if (typeof schema.$ref === "string" && depth < MAX_DEPTH) {
    const target = resolvePointer(root, schema.$ref);
    const { $ref, ...rest } = schema;
    return resolve(root, { ...(target || {}), ...rest }, depth + 1);
  }
  return schema;
}

// --------------------------------------------------------------------------- scalar controls

function widgetOf(schema) {
  const type = mainType(schema);
  const explicit = schema["x-widget"];
  const options = enumOptions(schema);
  if (explicit === "radio" && (options || type === "boolean")) return "radio";
  if (options) return "select";
  // a date and time: `x-widget: date` on it (as the 请假单 once had) would drop the time the server asks for
  if (schema.format === "date-time" && (!explicit || explicit === "date")) return "datetime";
  if (explicit && explicit !== "table") return explicit;
  if (type === "boolean") return "checkbox";
  if (type === "integer" || type === "number") return schema.format === "money" ? "money" : "number";
  if (schema.format === "date") return "date";
  if (typeof schema.maxLength === "number" && schema.maxLength > 300) return "textarea";
  return "text";
}

const INPUT_MODES = { "mobile-cn": "tel", "phone-cn": "tel", "postcode-cn": "numeric", "resident-id": "text", email: "email" };

// Numbers and codes typed on a phone's Chinese keyboard in full-width mode (１３８…, ９１３１…Ａ) are the
// digits and letters the applicant meant, as the item search and 办件进度查询 read them; names and free
// text keep their full-width punctuation (（集团）).
const CODE_FORMATS = new Set(["resident-id", "uscc", "mobile-cn", "phone-cn", "postcode-cn", "email", "money", "date"]);
const FULL_WIDTH = /[\uFF01-\uFF5E]/g;
// Invisible direction marks that come with text pasted from contacts or chat apps (‪138…‬): the server
// refuses them, and nobody can see them to delete them, so they are dropped as typed.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function halfWidth(text) {
  return String(text).replace(FULL_WIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");
}

/** ``text`` without ``unit`` written after it (60% in a field in %, 3500 元 in one in 元); any other unit
 * (3500元 in a field in 万元) stays, and the server says the value is not a number. */
function withoutUnit(text, unit) {
  const u = unit ? halfWidth(unit).replace(/\s/g, "") : "";
  const t = text.replace(/\s+$/, "");
  return u && t.endsWith(u) && t.length > u.length ? t.slice(0, -u.length).trimEnd() : text;
}

/** Whether a field's title ends with its unit in brackets, full or half width: 出资比例（%）, 注册资本(万元).
 * The title is what the server's messages say (“股东”第2项的“出资比例（%）”不能大于100), so it keeps
 * the unit and the input does not show it a second time. */
function titleSaysUnit(title, unit) {
  const t = String(title || "").trim();
  return [`（${unit}）`, `(${unit})`].some((said) => t.endsWith(said));
}

/** What a number input's text says as a number's digits: half-width, without the field's own unit,
 * thousands separators (3,500 3，500 3 500) or a leading ¥. */
export function numberText(text, unit) {
  const plain = halfWidth(String(text).replace(BIDI_CONTROLS, "")).trim();
  return withoutUnit(plain, unit).replace(/[,，\s]/g, "").replace(/^[¥￥]/, "");
}

// Codes written in groups for reading (138 0000 8000): the spaces are not part of them (as the server reads them).
const UNSPACED_FORMATS = new Set(["resident-id", "uscc", "mobile-cn", "postcode-cn"]);
// Identity codes, whose letters are upper case: 441882…x and 9144 1882 MA4W… typed at the counter are
// the codes the walk-in registration finds (core.services.form_validation.ID_CODE_FORMATS).
const ID_CODE_FORMATS = new Set(["resident-id", "uscc"]);

/** What a text input holds as the applicant meant it: no invisible direction marks; a code half-width;
 * an identity number, USCC, mobile or postcode without the spaces between its groups; an identity
 * code in upper case. */
function typedText(schema, text) {
  const plain = String(text).replace(BIDI_CONTROLS, "");
  if (ID_CODE_FORMATS.has(schema.format)) return halfWidth(plain).replace(/\s+/g, "").toUpperCase();
  if (UNSPACED_FORMATS.has(schema.format)) return halfWidth(plain).replace(/\s+/g, "");
  return CODE_FORMATS.has(schema.format) ? halfWidth(plain) : plain;
}

/** The most a text box takes: the schema's maxLength, never over the server's limit for one text of a
 * case (CASE_TEXT_MAX_CHARS in core/services/form_validation.py), so nothing typed is refused later. */
const CASE_TEXT_MAX_CHARS = 2000;
function textMax(schema) {
  return typeof schema.maxLength === "number" ? Math.min(schema.maxLength, CASE_TEXT_MAX_CHARS) : CASE_TEXT_MAX_CHARS;
}

/** Shows the cleaned text in the input once it is left, so what is sent is what the applicant sees. */
function showTyped(input, schema) {
  input.addEventListener("change", () => {
    const clean = typedText(schema, input.value);
    if (clean !== input.value) input.value = clean;
  });
}

/**
 * One control for a scalar value: {el, focus, get(), set(v)}. `label` becomes the accessible name of
 * groups; `id` the id of the focusable element.
 */
function scalarControl(schema, { id, label, required }) {
  const type = mainType(schema);
  let widget = widgetOf(schema);
  const options = enumOptions(schema) || (type === "boolean" ? [{ value: true, label: "是" }, { value: false, label: "否" }] : null);

  if (widget === "select" || (widget === "radio" && !options)) {
    const select = h("select", { id, name: id, "aria-required": required ? "true" : null },
      h("option", { value: "" }, "请选择"),
      (options || []).map((o, i) => h("option", { value: String(i) }, o.label)),
    );
    return {
      el: select,
      focus: select,
      get: () => (select.value === "" ? undefined : options[Number(select.value)].value),
      set: (v) => {
        const i = (options || []).findIndex((o) => o.value === v);
        select.value = i >= 0 ? String(i) : "";
      },
    };
  }

  if (widget === "radio") {
    const name = uid("r");
    const radios = options.map((o, i) => h("input", { type: "radio", name, value: String(i), id: i === 0 ? id : `${id}-${i}` }));
    const group = h("div", { class: "choices", role: "radiogroup", "aria-label": label, "aria-required": required ? "true" : null },
      options.map((o, i) => h("label", { class: "choice" }, radios[i], h("span", null, o.label))),
    );
    return {
      el: group,
      focus: radios[0],
      get: () => {
        const hit = radios.find((r) => r.checked);
        return hit ? options[Number(hit.value)].value : undefined;
      },
      set: (v) => radios.forEach((r, i) => (r.checked = options[i].value === v)),
    };
  }

  if (widget === "checkbox" && type === "boolean") {
    const box = h("input", { type: "checkbox", id });
    return {
      el: h("label", { class: "choice" }, box, h("span", null, schema["x-checkboxLabel"] || "是")),
      focus: box,
      get: () => box.checked,
      set: (v) => (box.checked = v === true),
    };
  }

  if (widget === "textarea") {
    const area = h("textarea", { id, rows: 4, maxlength: textMax(schema), "aria-required": required ? "true" : null });
    showTyped(area, schema);
    return {
      el: area,
      focus: area,
      get: () => {
        const text = typedText(schema, area.value).trim();
        return text === "" ? undefined : text;
      },
      set: (v) => (area.value = v === undefined || v === null ? "" : String(v)),
    };
  }

  if (widget === "number" || widget === "money" || type === "integer" || type === "number") {
    const integer = type === "integer";
    const input = h("input", {
      type: "text",
      id,
      inputmode: integer ? "numeric" : "decimal",
      class: widget === "money" ? "money" : "number",
      autocomplete: "off",
      "aria-required": required ? "true" : null,
    });
    const unitText = typeof schema["x-unit"] === "string" ? schema["x-unit"] : widget === "money" ? (/万元/.test(label || "") ? "万元" : "元") : null;
    // a title that already says the unit (出资比例（%）, 注册资本（万元）) is not repeated beside the input
    const unit = unitText && !titleSaysUnit(label, unitText) ? h("span", { class: "unit" }, unitText) : null;
    input.addEventListener("change", () => {
      const clean = halfWidth(input.value.replace(BIDI_CONTROLS, ""));
      // 60% in a field in %: the unit is shown beside the input already, the number is what is kept
      const bare = withoutUnit(clean.trim(), unitText);
      const shown = bare !== clean.trim() && Number.isFinite(Number(numberText(clean, unitText))) ? bare : clean;
      if (shown !== input.value) input.value = shown;
    });
    return {
      el: unit ? h("span", { class: "with-unit" }, input, unit) : input,
      focus: input,
      get: () => {
        const raw = numberText(input.value, unitText);
        if (raw === "") return undefined;
        const n = Number(raw);
        if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return input.value.trim(); // the server says why
        return n;
      },
      set: (v) => (input.value = v === undefined || v === null ? "" : String(v)),
    };
  }

  if (widget === "datetime") {
    // a time on the centers' clock (Asia/Shanghai, whatever zone the device keeps), sent with its offset
    const input = h("input", { id, type: "datetime-local", "aria-required": required ? "true" : null });
    return {
      el: input,
      focus: input,
      get: () => (input.value === "" ? undefined : centerDateTime(input.value) || input.value),
      set: (v) => (input.value = (v !== undefined && v !== null && centerWallTime(v)) || ""),
    };
  }

  // text, date, file and anything unknown: a one-line input holding a string
  const attrs = {
    id,
    type: widget === "date" ? "date" : "text",
    maxlength: widget === "date" ? schema.maxLength : textMax(schema),
    inputmode: INPUT_MODES[schema.format],
    autocomplete: "off",
    "aria-required": required ? "true" : null,
  };
  if (widget === "file") attrs.placeholder = "请填写材料名称或编号（在线上传暂未开放）";
  if (schema.format === "mobile-cn") attrs.placeholder = "11位手机号码";
  if (widget === "date" && schema["x-today"] === "notAfter") attrs.max = todayISO(); // the picker offers no later day
  if (widget === "date" && schema["x-today"] === "notBefore") attrs.min = todayISO();
  const input = h("input", attrs);
  showTyped(input, schema);
  return {
    el: input,
    focus: input,
    get: () => {
      const text = typedText(schema, input.value).trim();
      return text === "" ? undefined : text;
    },
    set: (v) => (input.value = v === undefined || v === null ? "" : String(v)),
  };
}

// --------------------------------------------------------------------------- nodes

function star() {
  return h("span", { class: "req", "aria-hidden": "true" }, " *");
}

function errorSlot() {
  return h("div", { class: "field-error", role: "alert", hidden: true });
}

function helpText(schema, id) {
  return schema.description ? h("div", { class: "help", id }, schema.description) : null;
}

/** What the server says of a date on the wrong side of today (``"x-today"``, core/services/form_dates.py). */
function todayMessage(schema, label, value) {
  const limit = schema && schema["x-today"];
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || !["notAfter", "notBefore"].includes(limit)) return null;
  const today = todayISO();
  if (limit === "notAfter" ? value <= today : value >= today) return null;
  const [y, m, d] = today.split("-").map(Number);
  return `${label}${limit === "notAfter" ? "不能晚于今天" : "不能早于今天"}（${y}年${m}月${d}日）`;
}

/** A date (`date`) or a date-time with its offset (`date-time`) as a number to compare, or null. */
function momentOf(value, format) {
  if (typeof value !== "string") return null;
  if (format === "date-time") {
    if (!/^\d{4}-\d{2}-\d{2}[Tt ].*([Zz]|[+-]\d{2}:?\d{2})$/.test(value)) return null;
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value ? t : null;
}

/**
 * What the server says of a date before the sibling its `x-notBefore` names (core/services/form_dates.py):
 * “计划竣工日期”不能早于“计划开工日期”. `properties`: the object's (form, group, table row), `value`: its
 * answers. Equal dates pass; a missing or unfinished date says nothing (its format speaks).
 */
export function notBeforeMessage(properties, value, name, label) {
  const field = properties && properties[name];
  const start = field && field["x-notBefore"];
  if (typeof start !== "string" || !value || typeof value !== "object") return null;
  const end = momentOf(value[name], field.format);
  const begin = momentOf(value[start], field.format);
  if (end === null || begin === null || end >= begin) return null;
  const other = properties[start] || {};
  const title = typeof other.title === "string" && other.title.trim() ? other.title : start;
  return `${label}不能早于“${title}”`;
}

/** A figure as the server prints it (core/services/form_totals.py): 100, 99.99, never 99.99000000000001. */
function figure(n) {
  return String(Math.round(n * 1e6) / 1e6);
}

/**
 * What the server says of a table whose number column does not add up to its figure (``"x-total"``,
 * core/services/form_totals.py): “股东列表”的“出资比例”合计应为100%（现为90%）. Checked, as there, only once
 * every row holds a number (a row without one is that cell's own problem).
 */
function totalMessage(schema, items, label, rows) {
  const spec = schema["x-total"];
  if (!spec || typeof spec !== "object" || !Array.isArray(rows) || !rows.length) return null;
  const { field, equals } = spec;
  if (typeof field !== "string" || typeof equals !== "number") return null;
  const cells = rows.map((row) => (row && typeof row === "object" ? row[field] : undefined));
  if (!cells.every((c) => typeof c === "number" && Number.isFinite(c))) return null;
  const total = Math.round(cells.reduce((a, b) => a + b, 0) * 1e6) / 1e6;
  if (total === Math.round(equals * 1e6) / 1e6) return null;
  const column = (items.properties || {})[field] || {};
  const title = typeof column.title === "string" && column.title ? column.title : field;
  const unit = typeof column["x-unit"] === "string" ? column["x-unit"] : "";
  return `${label}的“${title}”合计应为${figure(equals)}${unit}（现为${figure(total)}${unit}）`;
}

/** A field's own check as it is left: its format, its side of today. */
function clientMessage(schema, format, label, value) {
  if (value === undefined) return null;
  return (format ? formatMessage(label, format, value) : null) || todayMessage(schema, label, value);
}

/** Shows (or clears, with null) the browser's own check of a field in its error slot. */
function showClientError(field, message) {
  const slot = errorSlotOf(field);
  if (!slot) return;
  slot.querySelectorAll(".client-error").forEach((line) => line.remove());
  if (message) slot.append(h("div", { class: "client-error" }, message));
  settleErrorSlot(field, slot);
}

/**
 * Drops what was said of a field's earlier value (请填写…, the server's words at the last submission)
 * as soon as the applicant changes it: a field just filled in never keeps “请填写” beside its value.
 * Done while typing (on `input`), not when the field is left, so the page does not move under the
 * click that leaves it.
 */
function dropSubmittedErrors(field) {
  const slot = errorSlotOf(field);
  if (!slot || slot.hidden) return;
  Array.from(slot.childNodes).forEach((line) => {
    if (!(line.classList && line.classList.contains("client-error"))) line.remove();
  });
  settleErrorSlot(field, slot);
}

function errorSlotOf(field) {
  return Array.from(field.children).find((c) => c.classList && c.classList.contains("field-error")) || null;
}

function settleErrorSlot(field, slot) {
  slot.hidden = slot.childElementCount === 0 && !slot.textContent.trim();
  field.classList.toggle("has-error", !slot.hidden);
  if (slot.hidden) field.querySelectorAll(":scope > .control [aria-invalid], :scope > [aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
}

/** Read-only fields (`readOnly: true`) keep their value (the default) but cannot be changed. */
function makeReadOnly(control) {
  const el = control.focus;
  if (!el) return;
  if (el.matches("select, input[type=checkbox], input[type=radio]")) {
    control.el.querySelectorAll("input, select").forEach((x) => (x.disabled = true));
    if (el.matches("select")) el.disabled = true;
  } else {
    el.readOnly = true;
  }
}

/**
 * A file field bound to one of the item's materials (`x-widget: file`, `x-material`: the designer's
 * 材料（文件）): the files chosen for that material in the page's uploader (`files`, see
 * materials.js) are its answer, their names joined. Without an uploader (the designer's preview, the
 * case page) it shows what the case holds.
 */
function fileControl(schema, { id }, files) {
  const code = schema["x-material"];
  const bound = Boolean(files && files.has(code));
  const shown = h("span", { class: "file-names" });
  let held;
  const names = () => (bound ? files.names(code) : []);
  const show = () => {
    const list = names();
    shown.textContent = list.length ? list.join("、") : bound ? "尚未上传：请在“上传申报材料”中选择文件" : held || "在“申报材料”中上传";
    shown.classList.toggle("muted", !list.length && !held);
  };
  const go = bound && files.focus ? h("button", { type: "button", class: "btn btn-secondary", id }, "上传文件") : null;
  if (go) go.addEventListener("click", () => files.focus(code));
  if (bound) {
    files.watch(() => {
      show();
      shown.dispatchEvent(new Event("input", { bubbles: true })); // a file chosen: 请上传… no longer holds
    });
  }
  show();
  return {
    el: h("div", { class: "file-slot" }, go, shown),
    focus: go || shown,
    get: () => {
      if (!bound) return held;
      const list = names();
      return list.length ? list.join("、") : undefined;
    },
    set: (v) => {
      held = v === undefined || v === null ? undefined : String(v);
      show();
    },
  };
}

class Builder {
  constructor(root, files = null) {
    this.root = root;
    this.files = files;
    this.titles = new Map();
  }

  /** The field named as the server names it: “股东”第2项的“证件号码”. */
  labelOf(path) {
    let text = "";
    path.forEach((part, i) => {
      if (typeof part === "number") {
        text += `第${part + 1}项`;
        return;
      }
      const key = path.slice(0, i + 1).map((p) => (typeof p === "number" ? "*" : p)).join("/");
      const name = `“${this.titles.get(key) || part}”`;
      text += text ? `的${name}` : name;
    });
    return text;
  }

  remember(path, title) {
    this.titles.set(path.map((p) => (typeof p === "number" ? "*" : p)).join("/"), title);
  }

  node(schema, path, opts) {
    schema = resolve(this.root, schema);
    if (path.length) this.remember(path, schema.title || opts.key);
    const type = mainType(schema);
    if (path.length > MAX_DEPTH) return this.json(schema, path, opts);
    if (type === "object" && schema.properties) return this.object(schema, path, opts);
    if (type === "array") {
      const items = resolve(this.root, schema.items || {});
      if (mainType(items) === "object" && items.properties) return this.table(schema, items, path, opts);
      if (enumOptions(items)) return this.checkboxes(schema, items, path, opts);
      return this.list(schema, items, path, opts);
    }
    if (type === "object") return this.json(schema, path, opts);
    return this.scalar(schema, path, opts);
  }

  object(schema, path, { key, isRoot = false }) {
    const children = new Map();
    const siblings = {
      properties: schema.properties,
      value() {
        const out = {};
        for (const [name, child] of children) {
          const v = child.hiddenByCondition ? undefined : child.get();
          if (v !== undefined) out[name] = v;
        }
        return out;
      },
    };
    const shows = conditionalFields(schema);
    for (const name of orderedKeys(schema)) {
      const sub = resolve(this.root, schema.properties[name]);
      if (sub && "const" in sub && !sub["x-widget"]) {
        children.set(name, { el: null, get: () => sub.const, set: () => {}, required: false, constant: true });
        continue;
      }
      children.set(name, this.node(sub, [...path, name], { key: name, siblings }));
    }
    // a date not before another (`x-notBefore`): checked again when that other date changes
    for (const [name, child] of children) {
      const start = children.get((resolve(this.root, schema.properties[name]) || {})["x-notBefore"]);
      if (start && start.el && child.recheck) start.el.addEventListener("change", () => child.recheck(true));
    }
    const body = Array.from(children.values()).map((c) => c.el).filter(Boolean);
    let el;
    if (isRoot) {
      el = h("div", { class: "form-fields" }, body);
    } else {
      const helpId = uid("help");
      el = h("fieldset", { class: "field group", dataset: { path: pointer(path) }, "aria-describedby": schema.description ? helpId : null },
        h("legend", null, schema.title || key, star()),
        helpText(schema, helpId),
        errorSlot(),
        h("div", { class: "group-fields" }, body),
      );
    }
    const node = {
      el,
      required: false,
      get() {
        const out = {};
        for (const [name, child] of children) {
          if (child.hiddenByCondition) continue; // not asked for now: not sent
          const v = child.get();
          if (v !== undefined) out[name] = v;
        }
        if (isRoot) return out;
        const meaningful = Object.entries(out).some(([name, v]) => !children.get(name).constant && !isEmptyValue(v));
        if (meaningful) return out;
        return node.required ? out : undefined;
      },
      set(value) {
        const v = value && typeof value === "object" ? value : {};
        for (const [name, child] of children) child.set(v[name]);
      },
      updateRequired() {
        const value = node.get() || {};
        const names = activeRequired(schema, value);
        const formats = activeFormats(schema, value);
        const hidden = new Set(hiddenFields(schema, value));
        for (const [name, child] of children) {
          if (shows.has(name)) {
            child.hiddenByCondition = hidden.has(name);
            if (child.el) child.el.hidden = child.hiddenByCondition;
          }
          if ("format" in child) child.format = formats.get(name);
          child.required = names.has(name);
          if (child.el) child.el.classList.toggle("is-required", child.required);
          if (child.updateRequired) child.updateRequired();
        }
      },
    };
    return node;
  }

  scalar(schema, path, { key, siblings = null }) {
    const id = uid("f");
    const label = schema.title || key;
    const control = widgetOf(schema) === "file" && typeof schema["x-material"] === "string"
      ? fileControl(schema, { id }, this.files)
      : scalarControl(schema, { id, label, required: false });
    const helpId = `${id}-help`;
    if (schema.description) control.focus.setAttribute("aria-describedby", helpId);
    const grouped = control.el.matches(".choices");
    const width = schema["x-width"] === "half" ? " width-half" : "";
    const el = h("div", { class: `field widget-${widgetOf(schema)}${width}`, dataset: { path: pointer(path) } },
      grouped ? h("span", { class: "label", id: `${id}-label` }, label, star()) : h("label", { for: id }, label, star()),
      h("div", { class: "control" }, control.el),
      helpText(schema, helpId),
      errorSlot(),
    );
    if (grouped) control.el.setAttribute("aria-labelledby", `${id}-label`);
    if (schema.default !== undefined) control.set(schema.default);
    if (schema.readOnly === true) makeReadOnly(control);
    const node = {
      el,
      required: false,
      format: schema.format,
      get: control.get,
      set: (v) => control.set(v === undefined && schema.default !== undefined ? schema.default : v),
      focus: control.focus,
    };
    control.el.addEventListener("input", () => dropSubmittedErrors(el));
    // its own check as it is left (format, side of today), then its order with a sibling date (x-notBefore)
    node.recheck = (onlyFilled = false) => {
      const v = control.get();
      if (onlyFilled && v === undefined) return;
      const label = this.labelOf(path);
      showClientError(el, clientMessage(schema, node.format, label, v)
        || (siblings ? notBeforeMessage(siblings.properties, siblings.value(), key, label) : null));
    };
    control.el.addEventListener("change", () => node.recheck());
    return node;
  }

  checkboxes(schema, items, path, { key }) {
    const options = enumOptions(items);
    const id = uid("f");
    const boxes = options.map((o, i) => h("input", { type: "checkbox", value: String(i), id: `${id}-${i}` }));
    const el = h("div", { class: "field widget-checkbox", dataset: { path: pointer(path) } },
      h("span", { class: "label", id: `${id}-label` }, schema.title || key, star()),
      h("div", { class: "control" },
        h("div", { class: "choices", role: "group", "aria-labelledby": `${id}-label` },
          options.map((o, i) => h("label", { class: "choice" }, boxes[i], h("span", null, o.label))),
        ),
      ),
      helpText(schema, uid("help")),
      errorSlot(),
    );
    el.addEventListener("input", () => dropSubmittedErrors(el)); // a box ticked: 请填写 no longer holds
    const node = {
      el,
      required: false,
      get() {
        const chosen = boxes.filter((b) => b.checked).map((b) => options[Number(b.value)].value);
        if (chosen.length) return chosen;
        return node.required ? [] : undefined;
      },
      set(v) {
        const values = Array.isArray(v) ? v : [];
        boxes.forEach((b, i) => (b.checked = values.includes(options[i].value)));
      },
    };
    return node;
  }

  /** An array of scalars without fixed choices: one value per line. */
  list(schema, items, path, { key }) {
    const id = uid("f");
    const type = mainType(items);
    const area = h("textarea", { id, rows: 3 });
    const el = h("div", { class: "field widget-list", dataset: { path: pointer(path) } },
      h("label", { for: id }, schema.title || key, star()),
      h("div", { class: "control" }, area),
      h("div", { class: "help" }, [schema.description, "每行填写一项"].filter(Boolean).join("；")),
      errorSlot(),
    );
    const node = {
      el,
      required: false,
      get() {
        const lines = area.value.split("\n").map((s) => s.trim()).filter(Boolean);
        const values = lines.map((s) => {
          if (type === "integer" || type === "number") {
            const n = Number(s);
            return Number.isFinite(n) ? n : s;
          }
          return s;
        });
        if (values.length) return values;
        return node.required ? [] : undefined;
      },
      set(v) {
        area.value = Array.isArray(v) ? v.join("\n") : "";
      },
    };
    return node;
  }

  /** Something the widgets cannot show (deep or free-form objects): edited as JSON text. */
  json(schema, path, { key }) {
    const id = uid("f");
    const area = h("textarea", { id, rows: 3, class: "code", spellcheck: "false" });
    const el = h("div", { class: "field widget-json", dataset: { path: pointer(path) } },
      h("label", { for: id }, schema.title || key, star()),
      h("div", { class: "control" }, area),
      h("div", { class: "help" }, [schema.description, "以 JSON 格式填写"].filter(Boolean).join("；")),
      errorSlot(),
    );
    return {
      el,
      required: false,
      get() {
        const text = area.value.trim();
        if (!text) return undefined;
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      },
      set(v) {
        area.value = v === undefined ? "" : JSON.stringify(v, null, 2);
      },
    };
  }

  /** An array of objects: an editable table, one row per element, with add and delete. */
  table(schema, items, path, { key }) {
    const columns = orderedKeys(items).map((name) => ({ name, schema: resolve(this.root, items.properties[name]) }));
    for (const col of columns) this.remember([...path, 0, col.name], col.schema.title || col.name);
    const requiredCols = new Set(items.required || []);
    // a column shown only for some answers of its row (股东类型 企业 → 统一社会信用代码), as fields are
    const shows = conditionalFields(items);
    const title = schema.title || key;
    const tbody = h("tbody");
    const rows = [];
    const self = this;
    const maxItems = typeof schema.maxItems === "number" ? schema.maxItems : Infinity;
    const addButton = h("button", { type: "button", class: "btn btn-secondary add-row" }, "＋ 添加一行");

    function reindex() {
      rows.forEach((row, i) => {
        row.tr.dataset.path = pointer([...path, i]);
        row.num.textContent = String(i + 1);
        for (const cell of row.cells) {
          cell.wrap.dataset.path = pointer([...path, i, cell.name]);
          cell.control.focus.setAttribute("aria-label", `${cell.label}（第${i + 1}行）`);
        }
      });
      addButton.disabled = rows.length >= maxItems;
    }

    function addRow(value) {
      const cells = columns.map((col) => {
        const sub = col.schema;
        const label = sub.title || col.name;
        const ctype = mainType(sub);
        const control = ctype === "object" || ctype === "array"
          ? self.json(sub, [], { key: col.name }) // rare: complex cell, edited as JSON
          : scalarControl(sub, { id: uid("c"), label, required: requiredCols.has(col.name) });
        if (!control.focus) control.focus = control.el.querySelector("textarea");
        const wrap = h("div", { class: "cell" }, control.el.matches && control.el.matches(".field") ? control.el.querySelector(".control") : control.el, errorSlot());
        if (sub.default !== undefined) control.set(sub.default);
        if (sub.readOnly === true && control.focus) makeReadOnly(control);
        const td = h("td", { "data-label": label }, wrap);
        return { name: col.name, label, control, wrap, td, schema: sub };
      });
      // each cell checked as it is left, with the format its row's conditions give it, then its order
      // with a date of the row (x-notBefore), checked again when that date changes
      const checkCell = (cell) => {
        const rowValue = {};
        for (const c of cells) {
          const v = c.control.get();
          if (v !== undefined) rowValue[c.name] = v;
        }
        const fmt = activeFormats(items, rowValue).get(cell.name);
        const v = cell.control.get();
        const label = self.labelOf([...path, rows.indexOf(row), cell.name]);
        showClientError(cell.wrap, clientMessage(cell.schema, fmt, label, v) || notBeforeMessage(items.properties, rowValue, cell.name, label));
      };
      for (const cell of cells) {
        cell.control.el.addEventListener("input", () => dropSubmittedErrors(cell.wrap));
        cell.control.el.addEventListener("change", () => {
          checkCell(cell);
          for (const c of cells) if (c.schema["x-notBefore"] === cell.name && c.control.get() !== undefined) checkCell(c);
        });
      }
      const num = h("span", { class: "row-num" });
      const remove = h("button", { type: "button", class: "btn btn-link remove-row" }, "删除");
      const tr = h("tr", null, h("td", { class: "num", "data-label": "序号" }, num), cells.map((c) => c.td), h("td", { class: "ops" }, remove));
      const row = { tr, cells, num, settle };
      // the row's conditional cells: shown, and sent, only while their condition holds in this row
      function settle() {
        const rowValue = {};
        for (const c of cells) {
          const v = c.control.get();
          if (v !== undefined) rowValue[c.name] = v;
        }
        const hidden = new Set(hiddenFields(items, rowValue));
        for (const c of cells) {
          c.off = hidden.has(c.name);
          c.td.classList.toggle("cond-off", c.off);
          c.wrap.hidden = c.off;
        }
      }
      if (shows.size) {
        tr.addEventListener("change", settle);
        tr.addEventListener("input", settle);
      }
      remove.addEventListener("click", () => {
        const i = rows.indexOf(row);
        if (i >= 0) rows.splice(i, 1);
        tr.remove();
        reindex();
        tbody.dispatchEvent(new Event("change", { bubbles: true }));
      });
      if (value && typeof value === "object") for (const c of cells) c.control.set(value[c.name]);
      settle();
      rows.push(row);
      tbody.appendChild(tr);
      reindex();
      return row;
    }

    addButton.addEventListener("click", () => {
      const row = addRow();
      if (row.cells[0]) row.cells[0].control.focus.focus();
    });

    const minRows = Math.max(1, Number(schema.minItems) || 0);
    for (let i = 0; i < minRows; i += 1) addRow();

    const helpId = uid("help");
    const el = h("div", { class: "field widget-table", dataset: { path: pointer(path) } },
      h("span", { class: "label" }, title, star()),
      helpText(schema, helpId),
      errorSlot(),
      h("div", { class: "table-wrap" },
        h("table", { class: "edit-table", "aria-label": title },
          h("thead", null, h("tr", null,
            h("th", { class: "num" }, "序号"),
            // a conditional column is required wherever it shows
            columns.map((c) => h("th", null, c.schema.title || c.name, requiredCols.has(c.name) || shows.has(c.name) ? h("span", { class: "req col-req", "aria-hidden": "true" }, " *") : null)),
            h("th", { class: "ops" }, "操作"),
          )),
          tbody,
        ),
      ),
      addButton,
    );

    // 合计校验 as the server says it, beside the table: once the table is left (not while rows are still
    // being added: the message above the table would move the 添加一行 button under the click); while
    // it is shown, again as each cell is left or a row removed, so a corrected figure clears it at once
    if (schema["x-total"]) {
      const checkTotal = () => showClientError(el, totalMessage(schema, items, self.labelOf(path), node.get()));
      tbody.addEventListener("input", () => dropSubmittedErrors(el));
      el.addEventListener("focusout", (e) => {
        if (!e.relatedTarget || !el.contains(e.relatedTarget)) checkTotal();
      });
      tbody.addEventListener("change", () => {
        if (errorSlotOf(el).querySelector(".client-error")) checkTotal();
      });
    }

    const node = {
      el,
      required: false,
      get() {
        const values = rows.map((row) => {
          const out = {};
          for (const c of row.cells) {
            if (c.off) continue; // not asked for in this row: not sent
            const v = c.control.get();
            if (v !== undefined) out[c.name] = v;
          }
          return out;
        });
        // Rows are sent as shown (an empty row too), so the server's /table/i/field errors match the screen.
        if (values.some((v) => Object.keys(v).length)) return values;
        return node.required ? values : undefined;
      },
      set(value) {
        rows.splice(0).forEach((r) => r.tr.remove());
        const list = Array.isArray(value) ? value : [];
        list.forEach((v) => addRow(v));
        for (let i = list.length; i < minRows; i += 1) addRow();
      },
    };
    return node;
  }
}

/**
 * Renders `schema` (a JSON Schema whose root is an object) as a form.
 * Returns {element, getValue(), setValue(v), setErrors(errors, opts), clearErrors()}. `files`: the
 * page's material uploader (materials.js), whose files answer the file fields bound to a material.
 */
export function renderForm(schema, { value = null, files = null } = {}) {
  if (!schema || typeof schema !== "object" || (mainType(schema) !== "object")) {
    throw new Error("表单的根节点应为 type: object");
  }
  const builder = new Builder(schema, files);
  const node = builder.object(schema, [], { key: "", isRoot: true });
  const element = h("div", { class: "json-form" }, schema.description ? h("p", { class: "form-description" }, schema.description) : null, node.el);
  if (value) node.set(value);
  node.updateRequired();
  let pending = null;
  const refresh = () => {
    if (pending) return;
    pending = requestAnimationFrame(() => {
      pending = null;
      node.updateRequired();
    });
  };
  element.addEventListener("change", refresh);
  element.addEventListener("input", refresh);
  return {
    element,
    getValue: () => node.get(),
    setValue(v) {
      node.set(v);
      node.updateRequired();
    },
    setErrors: (errors, opts) => showUserErrors(element, errors, opts),
    clearErrors: () => clearUserErrors(element),
  };
}

/**
 * `value` with `answers` (the same shape: objects by key) in the fields it leaves blank (missing,
 * null or ""); what is there already stays.
 */
export function fillBlanks(value, answers) {
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const out = isObject(value) ? { ...value } : {};
  for (const [key, answer] of Object.entries(answers || {})) {
    if (isObject(answer)) out[key] = fillBlanks(out[key], answer);
    else if (out[key] === undefined || out[key] === null || out[key] === "") out[key] = answer;
  }
  return out;
}

/**
 * The JSON merge patch (RFC 7396) that turns `before` into `after`: removed keys become null,
 * nested objects are patched key by key, everything else is replaced.
 */
export function mergePatch(before, after) {
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return after === undefined ? null : after;
  const patch = {};
  for (const key of Object.keys(before)) {
    if (!(key in after)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(after)) {
    if (isObject(value) && isObject(before[key])) {
      const sub = mergePatch(before[key], value);
      if (Object.keys(sub).length) patch[key] = sub;
    } else if (JSON.stringify(value) !== JSON.stringify(before[key])) {
      patch[key] = value;
    }
  }
  return patch;
}

// --------------------------------------------------------------------------- read-only view

/** The designer's 日期区间 (`"x-kind": "dateRange"`): an object of `start` and `end` dates. */
function isDateRange(schema, value) {
  return schema["x-kind"] === "dateRange" && value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A 日期区间 as the documents write it: 2026年10月10日至2031年10月9日 (one end missing: …起, 至…). */
function dateRangeText(value) {
  const [start, end] = [value.start, value.end].map((d) => (d ? fmt.date(d) : ""));
  if (start && end) return `${start}至${end}`;
  return start ? `${start}起` : end ? `至${end}` : "—";
}

function valueText(schema, value) {
  if (typeof value === "string" && schema.format === "date") return fmt.date(value); // 2026年10月10日, as the documents
  // 2026年12月1日 09:30 on the centers' clock
  if (schema.format === "date-time" && momentOf(value, "date-time") !== null) return fmt.datetime(value);
  if (isDateRange(schema, value)) return dateRangeText(value);
  const options = enumOptions(schema);
  if (options) {
    const hit = options.find((o) => o.value === value);
    if (hit) return hit.label;
  }
  if (typeof value === "boolean") return value ? "是" : "否";
  if (typeof value === "number") {
    const unit = typeof schema["x-unit"] === "string" ? schema["x-unit"] : ""; // 100.5万元, as the form and the certificate
    return `${schema.format === "money" ? fmt.number(value, 6) : String(value)}${unit}`;
  }
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Case data shown with the form's labels: a definition list; arrays of objects as tables. Dates read
 * as in the documents (2026年10月10日, a 日期区间 2026年10月10日至2031年10月9日), a date-time on the
 * centers' clock (2026年12月1日 09:30), never as ISO.
 */
export function renderValue(schema, data, root = null) {
  root = root || schema || {};
  schema = resolve(root, schema || {});
  if (data === null || data === undefined) return h("span", { class: "muted" }, "—");
  if (isDateRange(schema, data)) return h("span", { class: "date-range" }, dateRangeText(data));
  const type = Array.isArray(data) ? "array" : typeof data === "object" ? "object" : "scalar";
  if (type === "object") {
    const props = schema.properties || {};
    const formats = activeFormats(schema, data); // a `then` branch may make a field a date
    const propOf = (k) => {
      const sub = resolve(root, props[k] || {});
      return formats.has(k) && sub.format !== formats.get(k) ? { ...sub, format: formats.get(k) } : sub;
    };
    const keys = [...orderedKeys(schema), ...Object.keys(data).filter((k) => !(k in props))].filter((k) => data[k] !== undefined);
    return h("dl", { class: "data-view" }, keys.map((k) => {
      const value = renderValue(propOf(k), data[k], root);
      // a table (股东: seven columns) takes the whole width under its label, not the column beside it
      const wide = value.classList.contains("table-wrap") ? { class: "wide" } : null;
      return [h("dt", wide, propOf(k).title || k), h("dd", wide, value)];
    }));
  }
  if (type === "array") {
    const items = resolve(root, schema.items || {});
    if (data.length && data.every((d) => d && typeof d === "object" && !Array.isArray(d))) {
      const props = items.properties || {};
      const cols = [...orderedKeys(items)];
      for (const d of data) for (const k of Object.keys(d)) if (!cols.includes(k)) cols.push(k);
      return h("div", { class: "table-wrap" },
        h("table", { class: "data-table" },
          h("thead", null, h("tr", null, cols.map((c) => h("th", null, (props[c] && resolve(root, props[c]).title) || c)))),
          h("tbody", null, data.map((row) => h("tr", null, cols.map((c) => h("td", { "data-label": (props[c] && props[c].title) || c }, row[c] === undefined ? "" : valueText(resolve(root, props[c] || {}), row[c])))))),
        ),
      );
    }
    return h("span", null, data.length ? data.map((d) => valueText(items, d)).join("、") : "（无）");
  }
  return h("span", null, valueText(schema, data));
}
