// The advanced view: the item document as JSON text. A syntax error is shown at its line and column;
// the server's errors (JSON pointers) are shown at the line of the field they concern.

import { h, debounce, jsonProblem } from "../ui.js";

function escape(part) {
  return String(part).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The document as JSON.stringify(doc, null, 2) writes it, and the line (1-based) of every pointer. */
export function layout(doc) {
  const lines = [];
  const map = new Map();
  const emit = (value, ptr, indent, lead, trail) => {
    map.set(ptr, lines.length + 1);
    const isArray = Array.isArray(value);
    const entries = value && typeof value === "object"
      ? (isArray ? value.map((v, i) => [i, v === undefined ? null : v]) : Object.entries(value).filter(([, v]) => v !== undefined))
      : null;
    if (entries && entries.length) {
      lines.push(`${indent}${lead}${isArray ? "[" : "{"}`);
      entries.forEach(([k, v], i) => {
        emit(v, `${ptr}/${escape(k)}`, `${indent}  `, isArray ? "" : `${JSON.stringify(k)}: `, i < entries.length - 1 ? "," : "");
      });
      lines.push(`${indent}${isArray ? "]" : "}"}${trail}`);
    } else {
      lines.push(`${indent}${lead}${JSON.stringify(value)}${trail}`);
    }
  };
  emit(doc, "", "", "", "");
  return { text: lines.join("\n"), map };
}

/** The line of a pointer, or of its nearest ancestor that is in the document. */
export function lineOf(map, pointer) {
  let p = pointer === "/" ? "" : String(pointer || "");
  for (;;) {
    if (map.has(p)) return map.get(p);
    if (!p) return 1;
    p = p.slice(0, p.lastIndexOf("/"));
  }
}

/** {el, sync(), parse(), lineFor(pointer)}: `onDocument(doc)` gets every valid edit. */
export function createJsonPanel(state, onDocument) {
  const editor = h("textarea", { id: "cfg-doc", class: "code editor", spellcheck: "false", rows: 30, "aria-label": "事项 JSON 文档", "aria-describedby": "cfg-parse" });
  const status = h("div", { id: "cfg-parse", class: "parse-status", "aria-live": "polite" });
  let map = new Map();

  function parse() {
    const text = editor.value;
    if (!text.trim()) return { error: "文档为空" };
    try {
      return { doc: JSON.parse(text) };
    } catch (error) {
      return { error: `JSON 格式错误：${jsonProblem(error, text)}` };
    }
  }

  editor.addEventListener("input", debounce(() => {
    const { doc, error } = parse();
    if (error) {
      status.className = "parse-status bad";
      status.textContent = error;
      return;
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) {
      status.className = "parse-status bad";
      status.textContent = "事项文档应为 JSON 对象（{ … }）";
      return;
    }
    status.className = "parse-status ok";
    status.textContent = `JSON 格式正确${doc.code ? `：${doc.name || ""}（${doc.code}）` : ""}`;
    map = layout(doc).map;
    onDocument(doc);
  }, 250));

  function sync() {
    const laid = layout(state.doc);
    editor.value = laid.text;
    map = laid.map;
    status.className = "parse-status ok";
    status.textContent = "JSON 格式正确";
  }

  const el = h("div", { class: "dz-json" },
    h("p", { class: "muted" }, "高级：直接编辑事项文档（见 schemas/item.schema.json）。格式正确的修改立即生效，切换回其他页签即可继续可视化设计。"),
    editor, status,
  );
  return { el, sync, parse, lineFor: (pointer) => lineOf(map, pointer) };
}
