// The item designer's edits of an item document. The JSON document stays the single source of truth:
// the designer reads fields, conditions, materials… out of it and every edit is a small change of the
// keys it concerns, done in place. An edit that writes back the value already there changes nothing,
// so opening an item and saving it unchanged gives the identical document (tests/test_designer_roundtrip.py
// runs `roundTrip` over every item in forms/). Keys the designer does not know (a material's
// `catalogue`, `x-` hints of other tools) are never touched. No DOM here: node runs this module too.

/** The palette: what a configurator can add, with the JSON Schema each kind starts from. */
export const FIELD_KINDS = [
  { kind: "text", label: "短文本", key: "text", make: () => ({ type: "string", maxLength: 100, "x-widget": "text" }) },
  { kind: "textarea", label: "长文本", key: "note", make: () => ({ type: "string", maxLength: 2000, "x-widget": "textarea" }) },
  { kind: "number", label: "数字", key: "number", make: () => ({ type: "number", "x-widget": "number" }) },
  { kind: "money", label: "金额", key: "amount", make: () => ({ type: "number", format: "money", minimum: 0, "x-widget": "money" }) },
  { kind: "date", label: "日期", key: "date", make: () => ({ type: "string", format: "date", "x-widget": "date" }) },
  // a date and a time (请假开始时间): its format gives it the date and time picker; no x-widget (date would drop the time)
  { kind: "dateTime", label: "日期时间", key: "dateTime", make: () => ({ type: "string", format: "date-time" }) },
  {
    kind: "dateRange", label: "日期区间", key: "period",
    make: () => ({
      type: "object", "x-kind": "dateRange", "x-order": ["start", "end"],
      properties: {
        start: { type: "string", title: "开始日期", format: "date", "x-widget": "date" },
        end: { type: "string", title: "结束日期", format: "date", "x-widget": "date" },
      },
      required: ["start", "end"], additionalProperties: false,
    }),
  },
  { kind: "select", label: "单选", key: "choice", make: () => ({ type: "string", enum: ["选项一", "选项二"], "x-widget": "select" }) },
  {
    kind: "multi", label: "多选", key: "choices",
    make: () => ({ type: "array", items: { type: "string", enum: ["选项一", "选项二"] }, uniqueItems: true, "x-widget": "checkbox" }),
  },
  { kind: "boolean", label: "是/否", key: "flag", make: () => ({ type: "boolean", "x-widget": "radio" }) },
  {
    kind: "address", label: "地址", key: "address",
    make: () => ({
      type: "object", "x-kind": "address", "x-order": ["province", "city", "county", "street"],
      properties: {
        province: { type: "string", title: "省", maxLength: 20, "x-widget": "text" },
        city: { type: "string", title: "市", maxLength: 20, "x-widget": "text" },
        county: { type: "string", title: "县（区）", maxLength: 20, "x-widget": "text" },
        street: { type: "string", title: "街道门牌", maxLength: 100, "x-widget": "text" },
      },
      required: ["province", "city", "county", "street"], additionalProperties: false,
    }),
  },
  { kind: "residentId", label: "身份证号", key: "idNumber", make: () => ({ type: "string", format: "resident-id", "x-widget": "text" }) },
  { kind: "uscc", label: "统一社会信用代码", key: "uscc", make: () => ({ type: "string", format: "uscc", "x-widget": "text" }) },
  { kind: "mobile", label: "手机号码", key: "mobile", make: () => ({ type: "string", format: "mobile-cn", "x-widget": "text" }) },
  { kind: "phone", label: "电话", key: "phone", make: () => ({ type: "string", format: "phone-cn", "x-widget": "text" }) },
  { kind: "postcode", label: "邮政编码", key: "postcode", make: () => ({ type: "string", format: "postcode-cn", "x-widget": "text" }) },
  { kind: "email", label: "电子邮箱", key: "email", make: () => ({ type: "string", format: "email", "x-widget": "text" }) },
  {
    kind: "table", label: "表格（可重复的行）", key: "rows",
    make: () => ({
      type: "array", "x-widget": "table", minItems: 1,
      items: { type: "object", "x-order": [], properties: {}, required: [], additionalProperties: false },
    }),
  },
  { kind: "section", label: "分组", key: "section", make: () => ({ type: "object", "x-order": [], properties: {}, required: [], additionalProperties: false }) },
  { kind: "file", label: "材料（文件）", key: "file", make: () => ({ type: "string", "x-widget": "file" }) },
];

const FORMAT_KINDS = { "resident-id": "residentId", uscc: "uscc", "mobile-cn": "mobile", "phone-cn": "phone", "postcode-cn": "postcode", email: "email", date: "date", "date-time": "dateTime" };

export function kindLabel(kind) {
  const found = FIELD_KINDS.find((k) => k.kind === kind);
  return found ? found.label : "其他";
}

/** What a field is, read from its schema (never written back). */
export function kindOf(schema) {
  if (!schema || typeof schema !== "object") return "other";
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (schema["x-kind"] === "address" || schema["x-kind"] === "dateRange") return schema["x-kind"];
  if (type === "array" || schema.items) {
    const items = schema.items || {};
    if (items.properties || items.type === "object") return "table";
    if (Array.isArray(items.enum) || Array.isArray(items.oneOf)) return "multi";
    return "other";
  }
  if (type === "object" || schema.properties) return "section";
  if (schema["x-widget"] === "file") return "file";
  if (type === "boolean") return "boolean";
  if (Array.isArray(schema.enum) || Array.isArray(schema.oneOf)) return "select";
  if (type === "number" || type === "integer") return schema.format === "money" || schema["x-widget"] === "money" ? "money" : "number";
  if (FORMAT_KINDS[schema.format]) return FORMAT_KINDS[schema.format];
  if (schema["x-widget"] === "textarea" || (typeof schema.maxLength === "number" && schema.maxLength > 300)) return "textarea";
  return "text";
}

/** The object whose `properties` hold the children of a field: a section itself, a table's rows. */
export function containerOf(schema) {
  if (!schema || typeof schema !== "object") return null;
  const kind = kindOf(schema);
  if (kind === "section" || kind === "address" || kind === "dateRange") return schema;
  if (kind === "table") return schema.items;
  return null;
}

export function orderedNames(container) {
  const props = (container && container.properties) || {};
  const order = Array.isArray(container && container["x-order"]) ? container["x-order"].filter((k) => k in props) : [];
  return [...order, ...Object.keys(props).filter((k) => !order.includes(k))];
}

function escape(part) {
  return String(part).replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Every field of a form, depth first in display order: {container, name, schema, kind, depth,
 * schemaPath (pointer in the item document), dataPath (pointer in the case data, rows as "0")}.
 */
export function listFields(form) {
  const out = [];
  const walk = (container, schemaPath, dataPath, depth, labels) => {
    for (const name of orderedNames(container)) {
      const schema = container.properties[name];
      if (!schema || typeof schema !== "object") continue;
      const kind = kindOf(schema);
      const here = `${schemaPath}/properties/${escape(name)}`;
      const data = `${dataPath}/${escape(name)}`;
      const title = typeof schema.title === "string" ? schema.title : name;
      out.push({ container, name, schema, kind, depth, schemaPath: here, dataPath: data, title, labels: [...labels, title] });
      const inner = containerOf(schema);
      if (inner && kind === "table") walk(inner, `${here}/items`, `${data}/0`, depth + 1, [...labels, title]);
      else if (inner) walk(inner, here, data, depth + 1, [...labels, title]);
    }
  };
  if (form && typeof form === "object") walk(form, "/form", "", 0, []);
  return out;
}

// --------------------------------------------------------------------------- small in-place edits

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Sets (or, with undefined / "" / null, removes) one key; nothing changes when the value is already there. */
export function setKey(obj, key, value) {
  const empty = value === undefined || value === null || value === "";
  if (empty) {
    if (key in obj) delete obj[key];
    return;
  }
  if (!same(obj[key], value)) obj[key] = value;
}

export function isRequired(container, name) {
  return Array.isArray(container.required) && container.required.includes(name);
}

export function setRequired(container, name, required) {
  if (isRequired(container, name) === required) return;
  if (required) {
    if (!Array.isArray(container.required)) container.required = [];
    container.required.push(name);
  } else {
    container.required = container.required.filter((n) => n !== name);
  }
}

function ensureOrder(container) {
  const order = orderedNames(container);
  if (!same(container["x-order"], order)) container["x-order"] = order;
  return container["x-order"];
}

/** A property name not yet used in `container`, from a hint: mobile, mobile2, … */
export function freeName(container, hint) {
  const props = container.properties || {};
  if (!(hint in props)) return hint;
  for (let i = 2; ; i += 1) if (!(`${hint}${i}` in props)) return `${hint}${i}`;
}

/** Whether `name` is a key the designer made up when the field was added (text, text2, choice3…):
 * it says nothing of the field in exports, the API and certificate templates. */
export function isMadeUpKey(name) {
  const found = /^([a-zA-Z]+)\d*$/.exec(name || "");
  return Boolean(found) && FIELD_KINDS.some((k) => k.key === found[1]);
}

/** Adds a field of `kind` at the end of `container`; returns its property name. */
export function addField(container, kind, title) {
  const spec = FIELD_KINDS.find((k) => k.kind === kind);
  if (!spec) throw new Error(`未知的字段类型：${kind}`);
  if (!container.properties) container.properties = {};
  const name = freeName(container, spec.key);
  container.properties[name] = { title: title || spec.label, ...spec.make() };
  if (Array.isArray(container["x-order"])) container["x-order"].push(name);
  return name;
}

export function removeField(container, name) {
  delete container.properties[name];
  if (Array.isArray(container.required)) container.required = container.required.filter((n) => n !== name);
  if (Array.isArray(container["x-order"])) container["x-order"] = container["x-order"].filter((n) => n !== name);
  dropFromConditions(container, name);
  // conditions on the removed field go with it (the fields they showed are then always shown)
  if (Array.isArray(container.allOf)) {
    container.allOf = container.allOf.filter((c) => !(c && c.if && simpleTest(c) && simpleTest(c).field === name));
    if (!container.allOf.length) delete container.allOf;
  }
}

/** Moves a field one place up (-1) or down (+1) among its siblings. */
export function moveField(container, name, delta) {
  const order = ensureOrder(container);
  const i = order.indexOf(name);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= order.length) return false;
  [order[i], order[j]] = [order[j], order[i]];
  return true;
}

/** Renames a property (its key in the case data) everywhere the container mentions it. */
export function renameField(container, oldName, newName) {
  if (oldName === newName) return true;
  if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(newName) || newName in container.properties) return false;
  const props = {};
  for (const [k, v] of Object.entries(container.properties)) props[k === oldName ? newName : k] = v;
  container.properties = props;
  const swap = (list) => (Array.isArray(list) ? list.map((n) => (n === oldName ? newName : n)) : list);
  if (container.required) container.required = swap(container.required);
  if (container["x-order"]) container["x-order"] = swap(container["x-order"]);
  for (const c of conditions(container)) {
    if (c.then && c.then.required) c.then.required = swap(c.then.required);
    const ifProps = c.if && c.if.properties;
    if (ifProps && oldName in ifProps) {
      c.if.properties = Object.fromEntries(Object.entries(ifProps).map(([k, v]) => [k === oldName ? newName : k, v]));
      c.if.required = swap(c.if.required);
    }
  }
  return true;
}

/**
 * A table's 合计校验 (`"x-total": {field, equals}`: 出资比例 adding up to 100) follows its column, and a
 * date's 不早于 (`"x-notBefore"`: 计划竣工日期 not before 计划开工日期) the date it names: renamed with it,
 * dropped with it (`newName` null).
 */
export function retargetTotals(form, container, oldName, newName) {
  for (const field of Object.values(container.properties || {})) {
    if (!field || field["x-notBefore"] !== oldName || oldName === newName) continue;
    if (newName) field["x-notBefore"] = newName;
    else delete field["x-notBefore"];
  }
  for (const t of listFields(form)) {
    const spec = t.kind === "table" && t.schema.items === container ? t.schema["x-total"] : null;
    if (!spec || spec.field !== oldName || oldName === newName) continue;
    if (newName) spec.field = newName;
    else delete t.schema["x-total"];
  }
}

// --------------------------------------------------------------------------- options

/** The choices of a single or multiple choice field, as labels. */
export function optionsOf(schema) {
  const target = kindOf(schema) === "multi" ? schema.items : schema;
  if (Array.isArray(target.enum)) return target.enum.map(String);
  if (Array.isArray(target.oneOf)) return target.oneOf.map((o) => String(o.title ?? o.const));
  return [];
}

export function setOptions(schema, labels) {
  const target = kindOf(schema) === "multi" ? schema.items : schema;
  if (same(optionsOf(schema), labels)) return;
  if (Array.isArray(target.oneOf)) {
    target.oneOf = labels.map((l) => ({ const: l, title: l }));
  } else {
    target.enum = labels;
  }
}

// --------------------------------------------------------------------------- display conditions

function conditions(container) {
  return Array.isArray(container.allOf) ? container.allOf.filter((c) => c && c.if) : [];
}

/** A condition the designer shows as "当〈字段〉为〈值〉时显示": one field, one value, then required. */
function simpleTest(c) {
  const props = c.if && c.if.properties;
  if (!props || Object.keys(props).length !== 1 || c.else) return null;
  const [field, test] = Object.entries(props)[0];
  if (test && "const" in test) return { field, value: test.const };
  if (test && test.contains && "const" in test.contains) return { field, value: test.contains.const };
  return null;
}

/** {field, value} when the field is shown (and required) only while another field has a value. */
export function conditionOf(container, name) {
  for (const c of conditions(container)) {
    const test = simpleTest(c);
    if (test && c.then && Array.isArray(c.then.required) && c.then.required.includes(name)) return test;
  }
  return null;
}

function dropFromConditions(container, name) {
  if (!Array.isArray(container.allOf)) return;
  for (const c of conditions(container)) {
    if (!simpleTest(c) || !c.then || !Array.isArray(c.then.required)) continue;
    c.then.required = c.then.required.filter((n) => n !== name);
  }
  // a simple condition left with nothing to show goes; anything else the designer did not write stays
  const emptied = (c) => c && c.if && simpleTest(c) && c.then && Object.keys(c.then).length === 1 && c.then.required.length === 0;
  if (container.allOf.some(emptied)) container.allOf = container.allOf.filter((c) => !emptied(c));
  if (!container.allOf.length) delete container.allOf;
}

/** Shows `name` only while field `when.field` has value `when.value` (required then); null: always. */
export function setCondition(container, name, when) {
  const current = conditionOf(container, name);
  if (same(current, when)) return;
  dropFromConditions(container, name);
  if (!when) return;
  setRequired(container, name, false);
  const other = container.properties[when.field];
  const many = other && kindOf(other) === "multi";
  const test = many ? { contains: { const: when.value } } : { const: when.value };
  const existing = conditions(container).find((c) => same(simpleTest(c), when) && c.then && Array.isArray(c.then.required));
  if (existing) {
    existing.then.required.push(name);
    return;
  }
  if (!Array.isArray(container.allOf)) container.allOf = [];
  container.allOf.push({ if: { properties: { [when.field]: test }, required: [when.field] }, then: { required: [name] } });
}

// --------------------------------------------------------------------------- materials, checklist

/** The next free code of a list: m01, m02… / c01… */
export function nextCode(rows, prefix) {
  const used = new Set((rows || []).map((r) => r && r.code));
  for (let i = 1; ; i += 1) {
    const code = `${prefix}${String(i).padStart(2, "0")}`;
    if (!used.has(code)) return code;
  }
}

export function newMaterial(rows, name, template = null) {
  const row = { code: nextCode(rows, "m"), name, issuer: "申请人", originals: 1, copies: 0, required: true, role: "main", electronic: true };
  if (template) {
    for (const key of ["issuer", "originals", "copies", "required", "role", "electronic", "note", "catalogue"]) {
      if (template[key] !== undefined) row[key] = template[key];
    }
  }
  return row;
}

export function newCheckpoint(rows, text) {
  return { code: nextCode(rows, "c"), text };
}

/** The form's fields a certificate may print: every field outside tables, by data pointer. */
export function certificateSources(form) {
  return listFields(form)
    .filter((f) => !f.dataPath.includes("/0/") && f.kind !== "table")
    .map((f) => ({ pointer: f.dataPath, label: f.labels.join(" / ") }));
}

// --------------------------------------------------------------------------- what points at a field

const under = (p, path) => typeof p === "string" && (p === path || p.startsWith(`${path}/`));

/** Each place of the item that uses field `f` (a row of `listFields`), in words: the fields shown only
 * for one of its answers, the table total adding it up, the documents' applicant, certificate rows. */
export function usesOf(doc, f) {
  const out = [];
  for (const c of conditions(f.container)) {
    const test = simpleTest(c);
    if (!test || test.field !== f.name || !c.then || !Array.isArray(c.then.required)) continue;
    for (const n of c.then.required) {
      const title = (f.container.properties[n] && f.container.properties[n].title) || n;
      out.push(`“${title}”的显示条件（删除后“${title}”始终显示，且不再必填）`);
    }
  }
  for (const t of listFields(doc.form)) {
    const spec = t.kind === "table" && t.schema.items === f.container ? t.schema["x-total"] : null;
    if (spec && spec.field === f.name) out.push(`表格“${t.title}”的合计校验（删除后不再校验）`);
  }
  for (const field of Object.values(f.container.properties || {})) {
    if (field && field["x-notBefore"] === f.name) out.push(`“${field.title || f.name}”的不早于“${f.title}”（删除后不再校验）`);
  }
  const chosen = Array.isArray(doc.applicantField) ? doc.applicantField : [doc.applicantField];
  if (chosen.some((p) => under(p, f.dataPath))) out.push("文书上的申请人（删除后恢复为自动）");
  const rows = (doc.certificate && Array.isArray(doc.certificate.fields)) ? doc.certificate.fields : [];
  for (const r of rows) if (r && under(r.pointer, f.dataPath)) out.push(`证照栏目“${r.label || r.pointer}”（删除后须重新选择字段）`);
  return out;
}

/** After field `from` (a data pointer) is renamed to `to` (or removed, `to` null): the documents'
 * applicant and the certificate's rows follow it (removed: the applicant is automatic again and a
 * row asks for its field anew). */
export function retargetPointers(doc, from, to) {
  const moved = (p) => (to === null ? "" : to + p.slice(from.length));
  if (Array.isArray(doc.applicantField)) {
    const kept = doc.applicantField.map((p) => (under(p, from) ? moved(p) : p)).filter(Boolean);
    setKey(doc, "applicantField", kept.length ? kept : undefined);
  } else if (under(doc.applicantField, from)) {
    setKey(doc, "applicantField", moved(doc.applicantField) || undefined);
  }
  const rows = (doc.certificate && Array.isArray(doc.certificate.fields)) ? doc.certificate.fields : [];
  for (const r of rows) if (r && under(r.pointer, from)) r.pointer = moved(r.pointer);
}

/** The form's fields that may name the applying party documents print (申请人): texts outside tables. */
export function applicantSources(form) {
  return listFields(form)
    .filter((f) => !f.dataPath.includes("/0/") && f.kind === "text")
    .map((f) => ({ pointer: f.dataPath, label: f.labels.join(" / ") }));
}

// --------------------------------------------------------------------------- the round trip

const LIMIT_KEYS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "default", "description", "title", "readOnly", "x-unit", "x-width", "x-material"];
const ELEMENT_KEYS = ["code", "name", "itemType", "department", "legalDays", "promisedDays", "timeLimitNote", "caseKind", "place", "hours", "visits", "resultName", "process", "applicantField"];
const LIST_KEYS = ["keywords", "legalBasis", "conditions", "serviceObject", "channels", "documents", "jointDepartments"];

/**
 * Opens `doc` the way the designer does and writes every value it shows back through the designer's
 * own edits, unchanged. Returns the document: identical to the input when the designer is faithful.
 */
export function roundTrip(doc) {
  for (const key of ELEMENT_KEYS) if (key in doc) setKey(doc, key, doc[key]);
  for (const key of LIST_KEYS) if (key in doc) setKey(doc, key, [...doc[key]]);
  for (const row of doc.materials || []) for (const key of Object.keys(row)) setKey(row, key, row[key]);
  for (const row of doc.checklist || []) setKey(row, "text", row.text);
  if (doc.fees) for (const key of ["charged", "amount", "basis"]) if (key in doc.fees) setKey(doc.fees, key, doc.fees[key]);
  if (doc.phones) for (const key of ["consultation", "supervision"]) if (key in doc.phones) setKey(doc.phones, key, doc.phones[key]);
  if (doc.partNames) for (const key of Object.keys(doc.partNames)) setKey(doc.partNames, key, doc.partNames[key]);
  if (doc.certificate) {
    setKey(doc.certificate, "title", doc.certificate.title);
    for (const f of doc.certificate.fields || []) {
      setKey(f, "label", f.label);
      setKey(f, "pointer", f.pointer);
    }
  }
  for (const f of listFields(doc.form)) {
    for (const key of LIMIT_KEYS) if (key in f.schema) setKey(f.schema, key, f.schema[key]);
    setRequired(f.container, f.name, isRequired(f.container, f.name));
    setCondition(f.container, f.name, conditionOf(f.container, f.name));
    if (f.kind === "select" || f.kind === "multi") setOptions(f.schema, optionsOf(f.schema));
    renameField(f.container, f.name, f.name);
  }
  return doc;
}
