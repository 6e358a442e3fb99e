// The applicant's form, designed field by field: a palette of field kinds, the list of fields (moved
// up and down, nested in sections and tables) and the settings of the selected field.

import { h, uid } from "../ui.js";
import {
  FIELD_KINDS, kindLabel, listFields, containerOf, addField, removeField, moveField, renameField,
  isRequired, setRequired, setKey, optionsOf, setOptions, conditionOf, setCondition,
  orderedNames, kindOf, retargetTotals, isMadeUpKey, usesOf, retargetPointers,
} from "./model.js";
import { textInput, numberInput, selectInput, checkInput } from "./controls.js";

const LIMITS = {
  text: [["minLength", "最少字数"], ["maxLength", "最多字数"]],
  textarea: [["minLength", "最少字数"], ["maxLength", "最多字数"]],
  number: [["minimum", "最小值"], ["maximum", "最大值"]],
  money: [["minimum", "最小金额"], ["maximum", "最大金额"]],
  table: [["minItems", "最少行数"], ["maxItems", "最多行数"]],
  multi: [["minItems", "最少选几项"], ["maxItems", "最多选几项"]],
};
const WITH_DEFAULT = new Set(["text", "textarea", "number", "money", "select", "boolean", "date", "phone", "postcode", "email"]);

/**
 * state: {doc, selected (schema path of the selected field), target (schema path of the container
 * new fields go into, "" for the form itself)}. `onChange()` after every edit; `rerender(focus)`
 * when the structure changed; `reshow(focus)` to show another field without any edit.
 */
export function formPanel(state, onChange, rerender, reshow = rerender) {
  const form = state.doc.form;
  const fields = listFields(form);
  const byPath = new Map(fields.map((f) => [f.schemaPath, f]));
  const selected = byPath.get(state.selected) || null;
  // where new fields can go: the form itself, its sections and the rows of its tables
  const containers = [{ path: "", base: "/form", label: "表单（顶层）", container: form }].concat(
    fields.filter((f) => containerOf(f.schema) && ["section", "table"].includes(f.kind)).map((f) => ({
      path: f.schemaPath,
      base: f.kind === "table" ? `${f.schemaPath}/items` : f.schemaPath,
      label: `${"　".repeat(f.depth + 1)}${f.labels.join(" › ")}（${kindLabel(f.kind)}）`,
      container: containerOf(f.schema),
    })),
  );
  if (!containers.some((c) => c.path === state.target)) state.target = "";
  const target = containers.find((c) => c.path === state.target);

  // --- palette
  const targetPick = h("select", { id: "dz-target", "aria-label": "新字段添加到" },
    containers.map((c) => h("option", { value: c.path, selected: c.path === state.target }, c.label)));
  targetPick.addEventListener("change", () => {
    state.target = targetPick.value;
  });
  const palette = h("div", { class: "dz-palette", role: "toolbar", "aria-label": "添加字段" },
    h("label", { for: "dz-target" }, "添加到："), targetPick,
    h("div", { class: "dz-kinds" }, FIELD_KINDS.map((k) => h("button", {
      type: "button", class: "btn btn-secondary dz-kind", dataset: { kind: k.kind },
      onclick: () => {
        const into = containers.find((c) => c.path === targetPick.value) || target;
        const name = addField(into.container, k.kind);
        state.selected = `${into.base}/properties/${name}`;
        if (k.kind === "section" || k.kind === "table") state.target = state.selected;
        rerender("#dz-title");
      },
    }, `＋ ${k.label}`))),
  );

  // --- the list of fields
  const list = h("ol", { class: "dz-fields", "aria-label": "表单字段" },
    fields.map((f) => {
      const cond = conditionOf(f.container, f.name);
      const pick = h("button", {
        type: "button", class: "dz-pick", "aria-pressed": f === selected ? "true" : "false",
        onclick: () => {
          state.selected = f.schemaPath;
          if (containerOf(f.schema) && (f.kind === "section" || f.kind === "table")) state.target = f.schemaPath;
          reshow("#dz-title"); // selecting is not an edit
        },
      },
      h("span", { class: "dz-title" }, f.title),
      isRequired(f.container, f.name) ? h("span", { class: "req", "aria-label": "必填" }, " *") : null,
      h("span", { class: "dz-kind-tag" }, kindLabel(f.kind)),
      cond ? h("span", { class: "dz-cond-tag" }, "条件显示") : null);
      const up = h("button", { type: "button", class: "btn btn-link", "aria-label": `上移“${f.title}”`, onclick: () => { moveField(f.container, f.name, -1); rerender(null); } }, "↑");
      const down = h("button", { type: "button", class: "btn btn-link", "aria-label": `下移“${f.title}”`, onclick: () => { moveField(f.container, f.name, 1); rerender(null); } }, "↓");
      const warning = h("div", { class: "dz-delete-warning note", role: "alert", hidden: true });
      const remove = () => {
        retargetTotals(form, f.container, f.name, null);
        retargetPointers(state.doc, f.dataPath, null);
        removeField(f.container, f.name);
        if (state.selected && state.selected.startsWith(f.schemaPath)) state.selected = null;
        rerender(null);
      };
      const del = h("button", {
        type: "button", class: "btn btn-link", "aria-label": `删除“${f.title}”`,
        onclick: () => {
          // a field other settings use is not removed at once: what it would change is said first
          const uses = usesOf(state.doc, f);
          if (!uses.length) return remove();
          const yes = h("button", { type: "button", class: "btn btn-primary dz-delete-yes" }, "仍然删除");
          const no = h("button", { type: "button", class: "btn btn-secondary" }, "取消");
          no.addEventListener("click", () => { warning.hidden = true; del.focus(); });
          yes.addEventListener("click", remove);
          warning.replaceChildren(h("p", null, `“${f.title}”正被使用：`), h("ul", null, uses.map((u) => h("li", null, u))), yes, " ", no);
          warning.hidden = false;
          no.focus();
        },
      }, "删除");
      return h("li", { class: `dz-field-row dz-depth-${Math.min(f.depth, 4)}${f === selected ? " selected" : ""}`, dataset: { path: f.schemaPath, name: f.name } },
        pick, h("span", { class: "dz-ops" }, up, down, del),
        warning,
        h("div", { class: "field-error", role: "alert", hidden: true }));
    }),
  );

  return h("div", { class: "dz-form" },
    h("div", { class: "dz-form-head" },
      textInput(form, "title", { path: "/form/title", label: "表单标题", onChange, id: "dz-form-title" }),
    ),
    palette,
    fields.length ? list : h("p", { class: "muted dz-empty" }, "表单还没有字段：从上面选择要添加的字段类型。"),
    selected ? fieldSettings(selected, fields, onChange, rerender, state) : h("p", { class: "muted" }, "选择一个字段，在这里设置它的名称、必填、限制和显示条件。"),
  );
}

function fieldSettings(f, fields, onChange, rerender, state) {
  const schema = f.schema;
  const kind = f.kind;
  const parts = [];
  parts.push(textInput(schema, "title", {
    path: `${f.schemaPath}/title`, label: "名称", id: "dz-title",
    onChange: () => rerender(null),
  }));

  // the key in the case data
  const keyId = uid("dz");
  const key = h("input", { id: keyId, type: "text", value: f.name, autocomplete: "off", class: "code", spellcheck: "false" });
  const keyError = h("div", { class: "field-error", role: "alert", hidden: true });
  key.addEventListener("change", () => {
    const wanted = key.value.trim();
    if (renameField(f.container, f.name, wanted)) {
      retargetTotals(state.doc.form, f.container, f.name, wanted);
      retargetPointers(state.doc, f.dataPath, f.dataPath.replace(/[^/]+$/, wanted));
      const renamed = f.schemaPath.replace(/[^/]+$/, wanted);
      const moved = (p) => (p === f.schemaPath || (p && p.startsWith(`${f.schemaPath}/`)) ? renamed + p.slice(f.schemaPath.length) : p);
      state.selected = moved(state.selected);
      state.target = moved(state.target);
      rerender("#dz-key");
    } else {
      keyError.textContent = "字段标识应以英文字母开头，由字母、数字和 _ 组成，且不能与同级字段重复";
      keyError.hidden = false;
    }
  });
  key.id = "dz-key";
  // a key the designer made up (text2) names nothing in exports, the API and certificate templates
  const madeUp = isMadeUpKey(f.name)
    ? h("p", { class: "muted dz-key-hint", id: "dz-key-hint" }, "这是添加字段时自动生成的标识，会出现在导出表格、接口数据和证照模板中：建议改为看得懂的英文，如 legalRepName、registeredCapital。")
    : null;
  parts.push(h("div", { class: "field dz-field" }, h("label", { for: "dz-key" }, "字段标识（办件数据中的键名）"), h("div", { class: "control" }, key), madeUp, keyError));

  parts.push(textInput(schema, "description", { path: `${f.schemaPath}/description`, label: "填写说明", onChange }));

  const cond = conditionOf(f.container, f.name);
  const required = { value: isRequired(f.container, f.name) };
  const req = checkInput(required, "value", {
    path: `${f.schemaPath}/required`, label: cond ? "必填（显示时必填，由显示条件决定）" : "必填", id: "dz-required",
    onChange: () => { setRequired(f.container, f.name, required.value === true); rerender("#dz-required"); },
  });
  if (cond) req.querySelector("input").disabled = true;
  parts.push(req);
  parts.push(checkInput(schema, "readOnly", { path: `${f.schemaPath}/readOnly`, label: "只读（申请人不能修改，显示默认值）", onChange, removeWhenFalse: true }));
  parts.push(selectInput(schema, "x-width", [{ value: "full", label: "整行" }, { value: "half", label: "半行" }], { path: `${f.schemaPath}/x-width`, label: "宽度", onChange, empty: "自动" }));

  for (const [limit, label] of LIMITS[kind] || []) {
    parts.push(numberInput(schema, limit, { path: `${f.schemaPath}/${limit}`, label, onChange, integer: !["number", "money"].includes(kind), id: `dz-${limit}` }));
  }
  if (kind === "number") {
    parts.push(textInput(schema, "x-unit", { path: `${f.schemaPath}/x-unit`, label: "单位", onChange, id: "dz-unit" }));
    const integer = { value: schema.type === "integer" };
    parts.push(checkInput(integer, "value", { path: `${f.schemaPath}/type`, label: "只能填整数", onChange: () => { schema.type = integer.value ? "integer" : "number"; onChange(); } }));
  }
  if (kind === "date") {
    // "x-today": a 股东会决议日期 cannot lie in the future, a 预约日期 not in the past; checked on submission
    parts.push(selectInput(schema, "x-today", [
      { value: "notAfter", label: "不晚于今天（如决议日期、签署日期）" },
      { value: "notBefore", label: "不早于今天（如预约日期）" },
    ], { path: `${f.schemaPath}/x-today`, label: "日期限制", onChange, empty: "不限", id: "dz-today" }));
  }
  if (kind === "date" || kind === "dateTime") {
    // "x-notBefore": a 计划竣工日期 not before the 计划开工日期 of the same form (or table row); a 结束时间
    // not before the 开始时间 (a date with a date, a date-time with a date-time, as the server compares them)
    const dates = fields.filter((s) => s.container === f.container && s.name !== f.name && s.kind === kind);
    if (dates.length || schema["x-notBefore"] !== undefined) {
      parts.push(selectInput(schema, "x-notBefore", dates.map((s) => ({ value: s.name, label: `不早于“${s.title}”` })), {
        path: `${f.schemaPath}/x-notBefore`, label: kind === "date" ? "不早于…（另一日期）" : "不早于…（另一日期时间）", onChange, empty: "不限", id: "dz-not-before",
      }));
    }
  }
  if (kind === "table") parts.push(totalInput(schema, f.schemaPath, onChange));
  if (kind === "select" || kind === "multi") {
    const id = "dz-options";
    const area = h("textarea", { id, rows: 4 });
    area.value = optionsOf(schema).join("\n");
    const slot = h("div", { class: "field-error", role: "alert", hidden: true });
    area.addEventListener("change", () => {
      const lines = area.value.split("\n").map((s) => s.trim()).filter(Boolean);
      if (!lines.length) {
        // an empty list would leave the applicant nothing to choose: the options stay, and it is said why
        slot.textContent = `“${f.title}”至少需要一个选项，原有选项未删除；不需要这个字段时请在字段列表中删除它`;
        slot.hidden = false;
        area.value = optionsOf(schema).join("\n");
        return;
      }
      setOptions(schema, [...new Set(lines)]);
      rerender(null);
    });
    parts.push(h("div", { class: "field dz-field", dataset: { path: `${f.schemaPath}/enum` } }, h("label", { for: id }, "选项（每行一项）"), h("div", { class: "control" }, area), slot));
  }
  if (kind === "select") {
    parts.push(selectInput(schema, "x-widget", [{ value: "select", label: "下拉列表" }, { value: "radio", label: "单选按钮" }], { path: `${f.schemaPath}/x-widget`, label: "显示为", onChange }));
  }
  if (kind === "file") {
    const materials = (state.doc.materials || []).map((m) => ({ value: m.code, label: `${m.code} ${m.name}` }));
    parts.push(selectInput(schema, "x-material", materials, { path: `${f.schemaPath}/x-material`, label: "对应的申请材料", onChange, empty: "不对应" }));
  }
  if (WITH_DEFAULT.has(kind)) {
    if (kind === "boolean") {
      parts.push(selectInput(schema, "default", [{ value: true, label: "是" }, { value: false, label: "否" }], { path: `${f.schemaPath}/default`, label: "默认值", onChange, empty: "无" }));
    } else if (kind === "select") {
      parts.push(selectInput(schema, "default", optionsOf(schema).map((o) => ({ value: o, label: o })), { path: `${f.schemaPath}/default`, label: "默认值", onChange, empty: "无" }));
    } else if (kind === "number" || kind === "money") {
      parts.push(numberInput(schema, "default", { path: `${f.schemaPath}/default`, label: "默认值", onChange, integer: false }));
    } else {
      parts.push(textInput(schema, "default", { path: `${f.schemaPath}/default`, label: "默认值", onChange }));
    }
  }

  // shown only when a sibling choice field has a value
  const siblings = fields.filter((s) => s.container === f.container && s.name !== f.name && ["select", "boolean", "multi"].includes(s.kind));
  if (siblings.length || cond) {
    const whenId = "dz-when";
    const valueId = "dz-when-value";
    const when = h("select", { id: whenId }, h("option", { value: "" }, "始终显示"),
      siblings.map((s) => h("option", { value: s.name, selected: cond && cond.field === s.name }, `当“${s.title}”为…时显示`)));
    const valuePick = h("select", { id: valueId, "aria-label": "条件的取值" });
    const fill = () => {
      const s = siblings.find((x) => x.name === when.value);
      const values = !s ? [] : s.kind === "boolean" ? [[true, "是"], [false, "否"]] : optionsOf(s.schema).map((o) => [o, o]);
      valuePick.replaceChildren(...values.map(([v, l], i) => h("option", { value: String(i), selected: cond && cond.value === v }, l)));
      valuePick.hidden = !s;
      return values;
    };
    let values = fill();
    const apply = () => {
      const chosen = when.value ? { field: when.value, value: values[Number(valuePick.value || 0)][0] } : null;
      setCondition(f.container, f.name, chosen);
      rerender(`#${whenId}`);
    };
    when.addEventListener("change", () => {
      values = fill();
      apply();
    });
    valuePick.addEventListener("change", apply);
    parts.push(h("div", { class: "field dz-field", dataset: { path: `${f.schemaPath}/condition` } },
      h("label", { for: whenId }, "显示条件"),
      h("div", { class: "control dz-when" }, when, valuePick),
      h("div", { class: "help" }, "满足条件时显示此字段并要求填写；不满足时隐藏，也不提交。"),
    ));
  }
  return h("section", { class: "dz-settings", "aria-label": "字段设置" }, h("h3", null, `字段设置：${f.title}（${kindLabel(kind)}）`), parts);
}

/** 合计校验 of a table: one of its number columns must add up to a figure (股东出资比例合计 100). */
function totalInput(schema, schemaPath, onChange) {
  const items = schema.items || {};
  const columns = orderedNames(items).filter((n) => ["number", "money"].includes(kindOf(items.properties[n])));
  const spec = schema["x-total"] || {};
  const column = h("select", { id: "dz-total-field", "aria-label": "合计校验的列" },
    h("option", { value: "" }, "不校验合计"),
    columns.map((n) => h("option", { value: n, selected: spec.field === n }, items.properties[n].title || n)));
  const figure = h("input", { id: "dz-total-equals", type: "text", inputmode: "decimal", class: "number", autocomplete: "off", "aria-label": "合计须等于" });
  figure.value = spec.equals === undefined ? "" : String(spec.equals);
  const apply = () => {
    const text = figure.value.trim();
    const n = Number(text);
    if (!column.value) setKey(schema, "x-total", undefined);
    else setKey(schema, "x-total", { field: column.value, equals: text !== "" && Number.isFinite(n) ? n : text });
    figure.disabled = !column.value;
    onChange();
  };
  figure.disabled = !column.value;
  column.addEventListener("change", apply);
  figure.addEventListener("change", apply);
  return h("div", { class: "field dz-field", dataset: { path: `${schemaPath}/x-total` } },
    h("label", { for: "dz-total-field" }, "合计校验"),
    h("div", { class: "control dz-when" }, column, h("span", null, "合计须等于"), figure),
    h("div", { class: "help" }, columns.length ? "如股东的出资比例合计须等于 100；申请人提交时核对" : "表格中添加数字列后可设置"),
    h("div", { class: "field-error", role: "alert", hidden: true }),
  );
}
