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

/** The text of an item file: what `govhall items load` reads, as the files of forms/ are written. */
export function itemFileText(doc) {
  return `${JSON.stringify(doc, null, 2)}\n`;
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
    doc = JSON.parse(text.replace(/^\uFEFF/, "")); // a Windows editor's byte-order mark is no problem
  } catch (error) {
    return { problem: `JSON 格式错误（${error.message}）` };
  }
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
