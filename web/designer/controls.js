// Small labelled controls bound to one key of an object in the item document. Each sits in a
// `.field[data-path]` (the key's JSON pointer in the document), so a server error lands next to it.

import { h, uid } from "../ui.js";
import { setKey } from "./model.js";

function wrap(path, label, control, id, help) {
  return h("div", { class: "field dz-field", dataset: { path } },
    h("label", { for: id }, label),
    h("div", { class: "control" }, control),
    help ? h("div", { class: "help" }, help) : null,
    h("div", { class: "field-error", role: "alert", hidden: true }),
  );
}

/** A text input for obj[key]; empty removes the key. `list`: id of a datalist of suggestions. */
export function textInput(obj, key, { path, label, help, onChange, readOnly = false, list = null, multiline = false, id = null }) {
  const elId = id || uid("dz");
  const input = multiline
    ? h("textarea", { id: elId, rows: 3, readonly: readOnly })
    : h("input", { id: elId, type: "text", readonly: readOnly, list, autocomplete: "off" });
  input.value = obj[key] === undefined || obj[key] === null ? "" : String(obj[key]);
  input.addEventListener("change", () => {
    setKey(obj, key, input.value.trim());
    onChange();
  });
  return wrap(path, label, input, elId, help);
}

/** A whole number for obj[key]; empty removes the key. */
export function numberInput(obj, key, { path, label, help, onChange, integer = true, id = null }) {
  const elId = id || uid("dz");
  const input = h("input", { id: elId, type: "text", inputmode: integer ? "numeric" : "decimal", autocomplete: "off", class: "number" });
  input.value = obj[key] === undefined ? "" : String(obj[key]);
  input.addEventListener("change", () => {
    const raw = input.value.trim();
    const n = Number(raw);
    setKey(obj, key, raw === "" ? undefined : Number.isFinite(n) ? n : raw);
    onChange();
  });
  return wrap(path, label, input, elId, help);
}

/** A select over [{value, label}] for obj[key]; "" (when `empty` is given) removes the key. */
export function selectInput(obj, key, options, { path, label, help, onChange, empty = null, id = null }) {
  const elId = id || uid("dz");
  const select = h("select", { id: elId },
    empty !== null ? h("option", { value: "" }, empty) : null,
    options.map((o, i) => h("option", { value: String(i), selected: JSON.stringify(o.value) === JSON.stringify(obj[key]) }, o.label)),
  );
  if (obj[key] !== undefined && !options.some((o) => JSON.stringify(o.value) === JSON.stringify(obj[key]))) {
    select.append(h("option", { value: "keep", selected: true }, String(obj[key])));
  }
  select.addEventListener("change", () => {
    if (select.value === "keep") return;
    setKey(obj, key, select.value === "" ? undefined : options[Number(select.value)].value);
    onChange();
  });
  return wrap(path, label, select, elId, help);
}

/** A checkbox for a boolean obj[key]. */
export function checkInput(obj, key, { path, label, onChange, id = null, removeWhenFalse = false }) {
  const elId = id || uid("dz");
  const box = h("input", { id: elId, type: "checkbox", checked: obj[key] === true });
  box.addEventListener("change", () => {
    setKey(obj, key, box.checked ? true : removeWhenFalse ? undefined : false);
    onChange();
  });
  return h("div", { class: "field dz-field dz-check", dataset: { path } },
    h("label", { class: "choice", for: elId }, box, h("span", null, label)),
    h("div", { class: "field-error", role: "alert", hidden: true }),
  );
}

/** A list of strings, one a line; an empty text removes the key. */
export function linesInput(obj, key, { path, label, help, onChange, id = null }) {
  const elId = id || uid("dz");
  const area = h("textarea", { id: elId, rows: 3 });
  area.value = Array.isArray(obj[key]) ? obj[key].join("\n") : "";
  area.addEventListener("change", () => {
    const lines = area.value.split("\n").map((s) => s.trim()).filter(Boolean);
    setKey(obj, key, lines.length ? lines : Array.isArray(obj[key]) ? [] : undefined);
    onChange();
  });
  return wrap(path, label, area, elId, help ? `${help}；每行一项` : "每行一项");
}

/** A short list of words in one line, separated by commas or 、 (as people write 开饭店、餐饮许可证);
 * repeated words are kept once, an empty text removes the key. */
export function wordsInput(obj, key, { path, label, help, onChange, id = null }) {
  const elId = id || uid("dz");
  const input = h("input", { id: elId, type: "text", autocomplete: "off" });
  input.value = Array.isArray(obj[key]) ? obj[key].join("、") : "";
  input.addEventListener("change", () => {
    const words = [...new Set(input.value.split(/[,，、;；\s]+/).map((s) => s.trim()).filter(Boolean))];
    setKey(obj, key, words.length ? words : Array.isArray(obj[key]) ? [] : undefined);
    onChange();
  });
  return wrap(path, label, input, elId, help ? `${help}；以逗号、顿号或空格分隔` : "以逗号、顿号或空格分隔");
}

/** Checkboxes choosing several values of [{value, label}] for the list obj[key]. */
export function choicesInput(obj, key, options, { path, label, onChange }) {
  const id = uid("dz");
  const chosen = () => (Array.isArray(obj[key]) ? obj[key] : []);
  const boxes = options.map((o) => {
    const box = h("input", { type: "checkbox", checked: chosen().includes(o.value), dataset: { value: o.value } });
    box.addEventListener("change", () => {
      const values = options.filter((x, i) => boxes[i].checked).map((x) => x.value);
      // keep the document's own order for values already there
      const kept = chosen().filter((v) => values.includes(v) || !options.some((x) => x.value === v));
      const added = values.filter((v) => !kept.includes(v));
      setKey(obj, key, [...kept, ...added].length || Array.isArray(obj[key]) ? [...kept, ...added] : undefined);
      onChange();
    });
    return box;
  });
  return h("div", { class: "field dz-field", dataset: { path } },
    h("span", { class: "label", id }, label),
    h("div", { class: "control" },
      h("div", { class: "choices", role: "group", "aria-labelledby": id }, options.map((o, i) => h("label", { class: "choice" }, boxes[i], h("span", null, o.label)))),
    ),
    h("div", { class: "field-error", role: "alert", hidden: true }),
  );
}
