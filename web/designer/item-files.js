// 事项文件: an item handed from one center to another as a file. 导出事项文件 downloads the item
// document (the draft, else the published version) exactly as `govhall items load` reads it: one JSON
// object per file, UTF-8, pretty-printed. 导入事项文件 saves each chosen file as a draft of this center
// through `defineItem`, the designer's own save, so a file is checked as a save is and nothing is
// stored for a file the save refuses.

import { gql, userErrorsOf } from "../graphql.js";
import { h, note } from "../ui.js";

const MAX_BYTES = 1024 * 1024; // as core's ITEM_MAX_BYTES: the loader refuses larger files
const DEFINE = `mutation($c: String!, $d: JSON!, $u: Boolean!) { defineItem(center: $c, definition: $d, update: $u) {
  __typename ... on Item { code name } ... on UserErrors { errors { path code message } } } }`;

/** The file name of an item: its code and name (`scjg-spjyxk 食品经营许可（新办）.json`). */
export function itemFileName(doc) {
  const base = `${doc.code || "item"} ${doc.name || ""}`.trim();
  return `${base.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_")}.json`;
}

// The order of an item document's keys in a file, as schemas/item.schema.json lists its properties
// (core's item_file_text writes the same order; tests/test_item_file_text.py keeps the two equal).
export const ITEM_KEY_ORDER = [
  "code", "name", "keywords", "itemType", "basicCode", "implementationCode", "legalBasis", "department",
  "applicantField", "jointDepartments", "partNames", "category", "legalDays", "promisedDays", "timeLimitNote",
  "caseKind", "conditions", "materials", "fees", "serviceObject", "channels", "place", "hours", "phones",
  "visits", "faq", "checklist", "process", "documents", "certificate", "resultName", "form", "alerts",
];

/** `keys` of `object` first in that order, then its other keys as they are. */
function ordered(object, keys) {
  const out = {};
  for (const key of keys) if (Object.hasOwn(object, key)) out[key] = object[key];
  for (const [key, value] of Object.entries(object)) if (!Object.hasOwn(out, key)) out[key] = value;
  return out;
}

/** A form (or a field of it) with each `properties` in its `x-order`, the rest as they are. */
function orderedForm(schema) {
  if (Array.isArray(schema)) return schema.map(orderedForm);
  if (!schema || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) out[key] = orderedForm(value);
  const order = schema["x-order"];
  if (Array.isArray(order) && out.properties && typeof out.properties === "object" && !Array.isArray(out.properties)) {
    out.properties = ordered(out.properties, order.filter((k) => typeof k === "string"));
  }
  return out;
}

/**
 * An item document in the order of its file: the schema's order at the top, the form's fields in their
 * `x-order`, everything else as it is — so a file reads and diffs the same whichever database it came from.
 */
export function itemFileOrder(doc) {
  const out = ordered(doc, ITEM_KEY_ORDER);
  if (Object.hasOwn(out, "form")) out.form = orderedForm(out.form);
  return out;
}

/** The text of an item file: what `govhall items load` reads and `govhall items export` writes. */
export function itemFileText(doc) {
  return `${JSON.stringify(itemFileOrder(doc), null, 2)}\n`;
}

/** A JSON pointer of a list of keys. */
function pointerOf(path) {
  return path.map((p) => `/${p.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/**
 * The first key given twice in one object of `text` (valid JSON), in the words of the server's reader
 * (core/plumbing/json_files.py): key, the object's JSON pointer, line and column; null when there is none.
 * JSON.parse keeps the last of two equal keys and drops the first without a word.
 */
export function repeatedKeyProblem(text) {
  const stack = []; // open containers: { seen: Set } for an object, { index } for an array
  const path = [];
  let i = 0;
  const skip = () => { while (i < text.length && " \t\n\r".includes(text[i])) i += 1; };
  const stringEnd = (at) => { // `at` is the opening quote; returns the index past the closing one
    let j = at + 1;
    while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
    return j + 1;
  };
  let expectValue = true;
  while (i < text.length) {
    skip();
    if (i >= text.length) break;
    const top = stack[stack.length - 1];
    if (expectValue) {
      const c = text[i];
      if (c === "{" || c === "[") {
        stack.push(c === "{" ? { seen: new Set() } : { index: 0 });
        i += 1;
        skip();
        if (c === "[") {
          if (text[i] === "]") { stack.pop(); i += 1; expectValue = false; } else path.push("0");
          continue;
        }
        if (text[i] === "}") { stack.pop(); i += 1; expectValue = false; continue; }
        expectValue = false;
        stack[stack.length - 1].key = true; // a key comes next
        continue;
      }
      i = c === '"' ? stringEnd(i) : i + (/^-?[0-9.eE+-]+|^true|^false|^null/.exec(text.slice(i, i + 400)) || [""])[0].length;
      expectValue = false;
      continue;
    }
    if (top && top.key) { // a key of an object
      const start = i;
      i = stringEnd(i);
      const key = JSON.parse(text.slice(start, i));
      if (top.seen.has(key)) {
        const lineStart = text.lastIndexOf("\n", start - 1) + 1;
        const line = (text.slice(0, start).match(/\n/g) || []).length + 1;
        const column = Array.from(text.slice(lineStart, start)).length + 1;
        return `第 ${line} 行第 ${column} 列，对象 ${pointerOf(path) || "/"} 中的键“${key}”写了两次`
          + "（同一对象中一个键只能出现一次，否则前一处的内容会被丢掉），请删去或合并其中一处";
      }
      top.seen.add(key);
      top.key = false;
      path.push(key);
      skip();
      i += 1; // the colon
      expectValue = true;
      continue;
    }
    // after a value: a comma or the end of its container
    path.pop();
    if (text[i] === ",") {
      if (top.seen) top.key = true;
      else { top.index += 1; path.push(String(top.index)); expectValue = true; }
      i += 1;
      continue;
    }
    stack.pop(); // "}" or "]"
    i += 1;
  }
  return null;
}

/** Downloads a document as an item file, built in the browser. */
export function downloadItem(doc) {
  const url = URL.createObjectURL(new Blob([itemFileText(doc)], { type: "application/json;charset=utf-8" }));
  const link = h("a", { href: url, download: itemFileName(doc), hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A chosen file read as the loader reads it: `{ doc }` or `{ problem }` in the loader's words. */
export async function readItemFile(file) {
  if (file.size > MAX_BYTES) return { problem: "文件超过 1 MB" };
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    return { problem: "不是 UTF-8 编码的文本（可能是 GBK 等编码），请另存为 UTF-8" };
  }
  let doc;
  try {
    text = text.replace(/^\uFEFF/, ""); // a Windows editor's byte-order mark is no problem
    doc = JSON.parse(text);
  } catch (error) {
    return { problem: `JSON 格式错误（${error.message}）` };
  }
  const repeated = repeatedKeyProblem(text);
  if (repeated) return { problem: repeated };
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return { problem: "事项定义应为 JSON 对象" };
  return { doc };
}

/** The value at a JSON pointer of a document. */
function valueAt(doc, path) {
  return String(path || "").split("/").slice(1).reduce((v, k) => (v == null ? v : v[k.replace(/~1/g, "/").replace(/~0/g, "~")]), doc);
}

/**
 * The import of item files into `center`. `known()` gives this center's items (code → name, published
 * and drafts), `opened(doc, errors, code)` opens a refused file in the designer, `saved(code)` follows a
 * successful import (the lists reload). Returns the list element the results are shown in.
 */
export function itemImporter({ center, known, opened, saved }) {
  const list = h("ul", { class: "dz-files", id: "dz-file-results", "aria-live": "polite" });

  function row(file) {
    const li = h("li", { class: "dz-file", dataset: { file: file.name } }, h("strong", null, file.name), "：正在检查…");
    list.append(li);
    return li;
  }

  function refused(li, file, doc, errors, code) {
    const foreign = errors.filter((e) => e.code === "unknown_department");
    const fix = h("button", { type: "button", class: "btn btn-secondary dz-file-open" }, "在设计器中打开并修改");
    fix.addEventListener("click", () => opened(doc, errors, code));
    li.replaceChildren(
      h("strong", null, file.name), `：未导入，共 ${errors.length} 处问题：`,
      h("ul", { class: "error-list" }, errors.map((e) => h("li", null, e.message))),
      foreign.length
        ? h("p", { class: "note note-error dz-file-department" },
          `部门编码${foreign.map((e) => `“${valueAt(doc, e.path)}”`).join("、")}在本中心不存在`
          + "（各中心的部门编码常常不同）：请在设计器的“公开要素”中选择本中心的实施部门，再保存。")
        : null,
      doc ? fix : null,
    );
    li.classList.add("has-error");
  }

  async function define(li, file, doc, update) {
    const data = await gql(DEFINE, { c: center.code, d: doc, u: update });
    const errors = userErrorsOf(data.defineItem);
    if (errors) {
      refused(li, file, doc, errors, update ? doc.code : null);
      return;
    }
    const it = data.defineItem;
    li.replaceChildren(h("strong", null, file.name), `：${update ? "已更新草稿" : "已导入为新草稿"}：${it.name}（${it.code}）。检查无误后在“修改已有事项”中打开并发布。`);
    li.classList.add("ok");
    await saved(it.code);
  }

  async function importOne(file) {
    const li = row(file);
    const { doc, problem } = await readItemFile(file);
    if (problem) {
      refused(li, file, null, [{ code: "invalid_json", message: problem }]);
      return;
    }
    const code = typeof doc.code === "string" ? doc.code.trim() : "";
    const name = known().get(code);
    if (name === undefined) {
      await define(li, file, doc, false);
      return;
    }
    // the same code is already an item here: replace its draft only when the configurator says so
    await new Promise((done) => {
      const yes = h("button", { type: "button", class: "btn btn-primary dz-file-replace" }, "替换草稿");
      const no = h("button", { type: "button", class: "btn btn-secondary dz-file-skip" }, "跳过");
      yes.addEventListener("click", async () => {
        li.replaceChildren(h("strong", null, file.name), "：正在导入…");
        await define(li, file, doc, true);
        done();
      });
      no.addEventListener("click", () => {
        li.replaceChildren(h("strong", null, file.name), `：已跳过，“${name}”（${code}）未改动。`);
        done();
      });
      li.replaceChildren(h("strong", null, file.name),
        `：本中心已有事项“${name}”（${code}）。用文件内容替换它的草稿吗？已发布的版本不变，发布后才生效。`, " ", yes, " ", no);
    });
  }

  async function importFiles(files) {
    list.replaceChildren();
    for (const file of files) {
      try {
        await importOne(file);
      } catch (error) {
        list.append(h("li", { class: "dz-file has-error" }, h("strong", null, file.name), `：未导入：${error.message}`));
      }
    }
  }

  return { list, importFiles, note: (text, kind) => list.replaceChildren(h("li", { class: "dz-file" }, note(text, kind))) };
}
