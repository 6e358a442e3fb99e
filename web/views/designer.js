// 事项配置: the visual item designer. A configurator creates a new item or edits an existing one (two
// different, obvious actions) or hands one to another center as a file (事项文件), designs its form, fills its public elements, materials and review
// checklist, previews the applicant's form, sees the draft's changes in words, publishes or discards.
// The item document (JSON) stays the single source of truth; "高级（JSON）" shows it as text.

import { gql, userErrorsOf, hasQuery, hasMutation, fieldFor } from "../graphql.js";
import { h, note, seg, CONFIG_ROLES } from "../ui.js";
import { centers } from "../store.js";
import { chooseCenter } from "./kit.js";
import { formPanel } from "../designer/form-editor.js";
import { elementsPanel, materialsPanel } from "../designer/elements-editor.js";
import { createPreview } from "../designer/preview.js";
import { createJsonPanel, layout, lineOf } from "../designer/json-panel.js";
import { downloadItem, itemFileName, itemImporter } from "../designer/item-files.js";

const ITEM_FIELDS = "code name version kind itemType legalDays promisedDays department jointDepartments process elements form";
const TABS = [
  ["form", "表单设计"],
  ["elements", "公开要素"],
  ["materials", "材料与审查"],
  ["json", "高级（JSON）"],
];

function loadStyles() {
  if (document.getElementById("designer-css")) return;
  document.head.append(h("link", { id: "designer-css", rel: "stylesheet", href: new URL("../designer/designer.css", import.meta.url).href }));
}

/** The item document back from its GraphQL shape: the published elements, the process and the form. */
export function documentOf(item) {
  const doc = JSON.parse(JSON.stringify(item.elements || {}));
  doc.code = doc.code || item.code;
  doc.name = doc.name || item.name;
  if (item.process) doc.process = item.process;
  doc.form = JSON.parse(JSON.stringify(item.form));
  return doc;
}

/** A new item: nothing but what every item needs, for the configurator to fill. */
function blankItem(department) {
  return {
    code: "",
    name: "",
    itemType: "行政许可",
    department: department || "",
    legalDays: 20,
    promisedDays: 10,
    caseKind: "promised",
    materials: [],
    checklist: [],
    process: "standard",
    documents: [],
    form: { type: "object", title: "申请表", "x-order": [], properties: {}, required: [], additionalProperties: false },
  };
}

function tabOf(path) {
  const p = String(path || "");
  if (p.startsWith("/form")) return "form";
  if (/^\/(materials|checklist|documents|certificate|applicantField)(\/|$)/.test(p)) return "materials";
  return "elements";
}

export async function designerView({ page, params, user }) {
  loadStyles();
  const chosen = await chooseCenter({ page, params, user, roles: CONFIG_ROLES, title: "事项配置", route: "config",
    missing: "您没有配置员或管理员岗位，无法配置事项。" });
  if (!chosen) return;
  const { center, mine: list } = chosen;
  const all = await centers(); // an item may be copied from any center's published items

  const state = { center, doc: null, mode: null, code: null, version: 0, catalogue: [], processes: [], selected: null, target: "", tab: "form", dirty: false, errors: [] };

  // --- header and the three ways in: new, edit, clone
  const centerPick = h("select", { id: "cfg-center", "aria-label": "政务服务中心" }, list.map((x) => h("option", { value: x.code, selected: x.code === center.code }, x.name)));
  centerPick.addEventListener("change", () => (location.hash = `#/config/${seg(centerPick.value)}`));
  const newButton = h("button", { type: "button", class: "btn btn-primary", id: "dz-new", disabled: true }, "＋ 新建事项");
  const openPick = h("select", { id: "dz-open", "aria-label": "要修改的事项" }, h("option", { value: "" }, "选择本中心的事项…"));
  const openButton = h("button", { type: "button", class: "btn btn-secondary", id: "dz-open-btn", disabled: true }, "修改");
  const cloneCenter = h("select", { id: "dz-clone-center", "aria-label": "复制来源中心" }, all.map((x) => h("option", { value: x.code, selected: x.code === center.code }, x.name)));
  const cloneItem = h("select", { id: "dz-clone-item", "aria-label": "复制来源事项" });
  const cloneButton = h("button", { type: "button", class: "btn btn-secondary", id: "dz-clone", disabled: true }, "复制为新事项");
  const exportButton = h("button", { type: "button", class: "btn btn-secondary", id: "dz-export", disabled: true }, "导出事项文件");
  const importInput = h("input", { type: "file", id: "dz-import-file", accept: ".json,application/json", multiple: true, hidden: true });
  const importButton = h("button", { type: "button", class: "btn btn-secondary", id: "dz-import", disabled: true }, "导入事项文件");

  const status = h("div", { class: "dz-status", id: "dz-status", "aria-live": "polite" });
  const save = h("button", { type: "button", class: "btn btn-primary", id: "cfg-save" }, "保存草稿");
  const changes = h("button", { type: "button", class: "btn btn-secondary", id: "dz-changes" }, "查看改动");
  const publish = h("button", { type: "button", class: "btn btn-primary", id: "cfg-publish" }, "发布");
  const discard = h("button", { type: "button", class: "btn btn-secondary", id: "dz-discard" }, "放弃草稿");
  const result = h("div", { class: "cfg-result", "aria-live": "polite" });
  const tabButtons = TABS.map(([key, label]) => h("button", { type: "button", role: "tab", class: "dz-tab", id: `dz-tab-${key}`, dataset: { tab: key }, "aria-controls": "dz-panel" }, label));
  const panel = h("div", { id: "dz-panel", role: "tabpanel", class: "dz-panel" });
  const preview = createPreview(state);
  const json = createJsonPanel(state, (doc) => {
    state.doc = doc;
    markDirty();
    preview.refresh();
  });
  const work = h("div", { id: "dz-work", hidden: true },
    h("div", { class: "card dz-bar" }, status, h("div", { class: "dz-actions" }, save, changes, publish, discard), result),
    h("div", { class: "dz-layout" },
      h("div", { class: "card dz-main" }, h("div", { class: "dz-tabs", role: "tablist", "aria-label": "设计内容" }, tabButtons), panel),
      preview.el,
    ),
  );

  const known = new Map(); // this center's items, published and drafts: code → name
  const importer = itemImporter({
    center,
    known: () => known,
    opened: (doc, errors, code) => {
      open(doc, code ? "edit" : "new", code, code && published.has(code) ? published.get(code).version : 0);
      state.tab = "elements";
      render();
      showErrors(errors, "事项文件未导入");
    },
    saved: async (code) => {
      published = await loadItems();
      openPick.value = code;
    },
  });

  page.append(
    h("div", { class: "page-head" }, h("h1", null, "事项配置"), h("label", { class: "inline" }, "中心：", centerPick)),
    h("div", { class: "card dz-start" },
      h("div", { class: "dz-way" }, h("strong", null, "新建"), newButton),
      h("div", { class: "dz-way" }, h("strong", null, "修改已有事项"), openPick, openButton, exportButton),
      h("div", { class: "dz-way" }, h("strong", null, "复制事项"), cloneCenter, cloneItem, cloneButton),
      h("div", { class: "dz-way" }, h("strong", null, "事项文件"), importButton, importInput,
        h("span", { class: "muted" }, "导入其他中心导出的事项文件（.json，可多选），成为本中心的草稿")),
      importer.list,
    ),
    work,
  );

  const canSave = await hasMutation("defineItem");
  const canPublish = await hasMutation("publishItem");
  const canDiscard = await hasMutation("discardItemDraft");
  // the processes the server knows (core's and the plugins'): 办理流程 is chosen among them
  if (await hasQuery("processes")) state.processes = (await gql("{ processes { id name } }")).processes;

  // --- lists: this center's items (published and drafts), the material catalogue, clone sources
  async function loadItems() {
    const data = await gql(`query($c: String!) { items(center: $c) { code name version elements } }`, { c: center.code });
    let drafts = [];
    if (await hasQuery("itemDrafts")) {
      drafts = (await gql(`query($c: String!) { itemDrafts(center: $c) { code name } }`, { c: center.code })).itemDrafts;
    }
    const published = new Map(data.items.map((i) => [i.code, i]));
    const options = [h("option", { value: "" }, "选择本中心的事项…")];
    for (const it of data.items) {
      const pending = drafts.some((d) => d.code === it.code);
      options.push(h("option", { value: it.code }, `${it.name}（${it.code}，第 ${it.version} 版${pending ? "，有未发布的草稿" : ""}）`));
    }
    for (const d of drafts.filter((x) => !published.has(x.code))) options.push(h("option", { value: d.code }, `${d.name || "（未命名）"}（${d.code}，草稿，尚未发布）`));
    openPick.replaceChildren(...options);
    known.clear();
    for (const it of [...data.items, ...drafts]) known.set(it.code, it.name || "（未命名）");
    // the catalogue: materials of the center's items, one per name
    const seen = new Map();
    for (const it of data.items) for (const m of (it.elements && it.elements.materials) || []) if (!seen.has(m.name) || m.catalogue) seen.set(m.name, m);
    // and the shared material catalogue (what a material is, across items: reuse goes by its code)
    if (await hasQuery("materialCatalogue")) {
      const shared = (await gql("{ materialCatalogue { code name issuer } }")).materialCatalogue;
      for (const m of shared) if (!seen.has(m.name)) seen.set(m.name, { name: m.name, issuer: m.issuer, catalogue: m.code });
    }
    state.catalogue = [...seen.values()].sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
    return published;
  }
  let cloneRequest = 0;
  async function loadCloneSources() {
    const asked = ++cloneRequest;  // answers may arrive out of order: only the latest choice counts
    const data = await gql(`query($c: String!) { items(center: $c) { code name version } }`, { c: cloneCenter.value });
    if (asked !== cloneRequest) return;
    const chosen = cloneItem.value;  // a reload of the same center keeps what the configurator picked
    cloneItem.replaceChildren(...data.items.map((i) => h("option", { value: i.code, selected: i.code === chosen }, `${i.name}（${i.code}）`)));
  }
  cloneCenter.addEventListener("change", loadCloneSources);
  let published = new Map();
  try {
    published = await loadItems();
    await loadCloneSources();
  } catch (error) {
    result.replaceChildren(note(`事项列表加载失败：${error.message}`, "error"));
  }

  // --- status, rendering
  function showStatus() {
    const name = state.doc.name || "（未命名）";
    const where = state.mode === "new"
      ? `新建事项：${name}${state.dirty ? "（尚未保存）" : ""}`
      : `修改事项：${name}（${state.code}）· ${state.version ? `已发布第 ${state.version} 版` : "尚未发布"}${state.dirty ? " · 有未保存的修改" : ""}`;
    status.replaceChildren(h("strong", null, where));
    discard.hidden = state.mode !== "edit" || !canDiscard;
    changes.hidden = state.mode !== "edit";
    save.disabled = !canSave;
    publish.disabled = !canPublish;
  }
  function markDirty() {
    state.dirty = true;
    // the problems listed are those of the last save: changed since, they are checked again at the next one
    const summary = result.querySelector(".error-summary");
    if (summary && !summary.querySelector(".stale-note")) {
      summary.append(h("p", { class: "stale-note muted" }, "以上是上次保存时发现的问题；已有修改，请再次“保存草稿”重新检查。"));
    }
    showStatus();
  }
  const onChange = () => {
    markDirty();
    preview.refresh();
  };

  function placeErrors() {
    panel.querySelectorAll(".field-error").forEach((s) => { s.textContent = ""; s.hidden = true; });
    panel.querySelectorAll(".has-error").forEach((s) => s.classList.remove("has-error"));
    for (const e of state.errors) {
      const field = fieldFor(panel, e.path);
      if (!field) continue;
      const slot = Array.from(field.children).find((c) => c.classList.contains("field-error"));
      if (!slot) continue;
      slot.append(h("div", null, e.message));
      slot.hidden = false;
      field.classList.add("has-error");
    }
  }

  function render(focus = null) {
    const activeId = document.activeElement && panel.contains(document.activeElement) ? document.activeElement.id : null;
    tabButtons.forEach((b) => {
      const on = b.dataset.tab === state.tab;
      b.setAttribute("aria-selected", on ? "true" : "false");
      b.tabIndex = on ? 0 : -1;
    });
    const rerender = (sel) => {
      markDirty();
      preview.refresh();
      render(sel);
    };
    if (state.tab === "form") panel.replaceChildren(formPanel(state, onChange, rerender, (sel) => render(sel)));
    else if (state.tab === "elements") panel.replaceChildren(elementsPanel(state, onChange, rerender));
    else if (state.tab === "materials") panel.replaceChildren(materialsPanel(state, onChange, rerender));
    else {
      json.sync();
      panel.replaceChildren(json.el);
    }
    placeErrors();
    showStatus();
    const target = (focus && panel.querySelector(focus)) || (activeId && document.getElementById(activeId));
    if (target) target.focus();
  }
  tabButtons.forEach((b, i) => {
    b.addEventListener("click", () => {
      if (state.tab === "json") {
        const { error } = json.parse();
        if (error) {
          result.replaceChildren(note(`JSON 有错误，请先改正再切换：${error}`, "error"));
          return;
        }
      }
      state.tab = b.dataset.tab;
      render();
    });
    b.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
      const next = tabButtons[(i + (e.key === "ArrowRight" ? 1 : tabButtons.length - 1)) % tabButtons.length];
      next.focus();
      next.click();
    });
  });

  function open(doc, mode, code = null, version = 0) {
    Object.assign(state, { doc, mode, code, version, selected: null, target: "", tab: "form", dirty: false, errors: [] });
    work.hidden = false;
    result.replaceChildren();
    render();
    preview.refreshNow();
    status.scrollIntoView({ block: "nearest" });
  }

  newButton.addEventListener("click", () => {
    open(blankItem(center.departments[0] && center.departments[0].code), "new");
    state.tab = "elements";
    render("#dz-name");
  });

  /** An item of this center: its draft (else its published version) and the published version. */
  async function fetchItem(code) {
    let draft = null;
    if (await hasQuery("itemDraft")) {
      draft = (await gql(`query($c: String!, $i: String!) { itemDraft(center: $c, code: $i) { ${ITEM_FIELDS} } }`, { c: center.code, i: code })).itemDraft;
    }
    const latest = (await gql(`query($c: String!, $i: String!) { item(center: $c, code: $i) { ${ITEM_FIELDS} } }`, { c: center.code, i: code })).item;
    return { item: draft || latest, draft, latest };
  }

  async function openExisting(code) {
    const { item, latest } = await fetchItem(code);
    if (!item) {
      result.replaceChildren(note(`事项 ${code} 不存在。`, "error"));
      return;
    }
    open(documentOf(item), "edit", code, latest ? latest.version : 0);
  }
  openButton.addEventListener("click", async () => {
    if (!openPick.value) {
      openPick.focus();
      return;
    }
    await openExisting(openPick.value);
  });

  // --- item files: export the chosen item, import files from another center
  exportButton.addEventListener("click", async () => {
    if (!openPick.value) {
      importer.note("请先在“修改已有事项”中选择要导出的事项。", "error");
      openPick.focus();
      return;
    }
    const { item, draft, latest } = await fetchItem(openPick.value);
    if (!item) {
      importer.note(`事项 ${openPick.value} 不存在。`, "error");
      return;
    }
    const doc = documentOf(item);
    downloadItem(doc);
    const which = draft ? "草稿" : `已发布的第 ${latest.version} 版`;
    importer.note(`已导出“${doc.name}”（${doc.code}）的${which}：${itemFileName(doc)}。另一中心在“事项文件”中导入此文件即可；管理员也可以用 govhall items load 载入。`, "success");
  });
  importButton.addEventListener("click", () => importInput.click());
  importInput.addEventListener("change", async () => {
    const files = Array.from(importInput.files || []);
    importInput.value = ""; // the same file may be chosen again after it is fixed
    if (files.length) await importer.importFiles(files);
  });

  cloneButton.addEventListener("click", async () => {
    if (!cloneItem.value) return;
    const data = await gql(`query($c: String!, $i: String!) { item(center: $c, code: $i) { ${ITEM_FIELDS} } }`, { c: cloneCenter.value, i: cloneItem.value });
    const doc = documentOf(data.item);
    doc.code = `${doc.code}-copy`;
    doc.name = `${doc.name}（复制）`;
    open(doc, "new");
    const foreign = !center.departments.some((d) => d.code === doc.department);
    result.replaceChildren(note(`已复制“${data.item.name}”为新事项：请修改事项编码和名称${foreign ? "，并选择本中心的实施部门" : ""}，再保存。`));
    state.tab = "elements";
    render("#dz-code");
  });

  // --- errors, saving, changes, publishing, discarding
  function showErrors(errors, title) {
    state.errors = errors;
    const { map } = layout(state.doc);
    const inJson = state.tab === "json";
    result.replaceChildren(h("div", { class: "error-summary", role: "alert" },
      h("strong", null, `${title}，共 ${errors.length} 处问题：`),
      h("ul", { class: "error-list" }, errors.map((e) => {
        const link = h("a", { href: "#", class: "dz-error-link" }, e.message);
        link.addEventListener("click", (ev) => {
          ev.preventDefault();
          state.tab = state.tab === "json" ? "json" : tabOf(e.path);
          render();
          const field = fieldFor(panel, e.path);
          const control = field && field.querySelector("input, select, textarea, button");
          if (control) control.focus();
          if (state.tab === "json") goToLine(lineOf(map, e.path));
        });
        // where in the document and the error's code only for who edits the JSON: the designer's user never wrote any
        if (!inJson) return h("li", null, link);
        return h("li", null, link, " ", h("code", { class: "path" }, e.path || "/"), h("span", { class: "muted" }, ` JSON 第 ${lineOf(map, e.path)} 行`), e.code ? h("span", { class: "muted" }, ` [${e.code}]`) : null);
      })),
    ));
    placeErrors();
  }
  function goToLine(line) {
    const editor = document.getElementById("cfg-doc");
    if (!editor) return;
    const lines = editor.value.split("\n");
    const start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
    editor.focus();
    editor.setSelectionRange(start, start + (lines[line - 1] || "").length);
  }

  async function saveDraft() {
    if (state.tab === "json") {
      const { doc, error } = json.parse();
      if (error) {
        showErrors([{ path: "/", code: "json", message: error }], "未保存");
        return false;
      }
      state.doc = doc;
    }
    save.disabled = true;
    try {
      const data = await gql(
        `mutation($c: String!, $d: JSON!, $u: Boolean!) { defineItem(center: $c, definition: $d, update: $u) {
            __typename ... on Item { code name version } ... on UserErrors { errors { path code message } } } }`,
        { c: center.code, d: state.doc, u: state.mode === "edit" },
      );
      const errors = userErrorsOf(data.defineItem);
      if (errors) {
        showErrors(errors, "草稿未保存");
        return false;
      }
      state.errors = [];
      state.mode = "edit";
      state.code = data.defineItem.code;
      state.dirty = false;
      placeErrors();
      showStatus();
      published = await loadItems();
      openPick.value = state.code;
      return true;
    } catch (err) {
      showErrors([{ path: null, code: "error", message: err.message }], "草稿未保存");
      return false;
    } finally {
      save.disabled = !canSave;
    }
  }

  save.addEventListener("click", async () => {
    if (await saveDraft()) {
      result.replaceChildren(h("div", { class: "note note-success", role: "status" }, `已保存草稿：${state.doc.name}（${state.code}）。检查无误后点“发布”。`));
    }
  });

  changes.addEventListener("click", async () => {
    if (state.dirty && !(await saveDraft())) return;
    if (!state.version) {
      result.replaceChildren(note("此事项尚未发布：发布后成为第 1 版。"));
      return;
    }
    const data = await gql(`query($c: String!, $i: String!) { itemDraftChanges(center: $c, code: $i) { path change description } }`, { c: center.code, i: state.code });
    const found = data.itemDraftChanges;
    result.replaceChildren(found.length
      ? h("div", { class: "dz-change-box" }, h("strong", null, `草稿相对已发布的第 ${state.version} 版有 ${found.length} 处改动：`),
        h("ul", { class: "dz-changes" }, found.map((c) => h("li", { dataset: { path: c.path, change: c.change } }, c.description))))
      : note(`草稿与已发布的第 ${state.version} 版相同。`));
  });

  publish.addEventListener("click", async () => {
    if ((state.dirty || state.mode === "new") && !(await saveDraft())) return;
    publish.disabled = true;
    try {
      const data = await gql(
        `mutation($c: String!, $i: String!) { publishItem(center: $c, code: $i) {
            __typename ... on Item { code name version } ... on UserErrors { errors { path code message } } } }`,
        { c: center.code, i: state.code },
      );
      const errors = userErrorsOf(data.publishItem);
      if (errors) {
        showErrors(errors, "未发布");
        return;
      }
      const it = data.publishItem;
      state.version = it.version;
      state.errors = [];
      showStatus();
      published = await loadItems();
      result.replaceChildren(h("div", { class: "note note-success", role: "status", id: "dz-published" }, `已发布：${it.name}（${it.code}）第 ${it.version} 版。`,
        " ", h("a", { href: `#/hall/${seg(center.code)}/item/${seg(it.code)}` }, "在办事大厅查看")));
    } catch (err) {
      showErrors([{ path: null, code: "error", message: err.message }], "未发布");
    } finally {
      publish.disabled = !canPublish;
    }
  });

  discard.addEventListener("click", () => {
    const yes = h("button", { type: "button", class: "btn btn-primary", id: "dz-discard-yes" }, "确定放弃");
    const no = h("button", { type: "button", class: "btn btn-secondary" }, "取消");
    no.addEventListener("click", () => result.replaceChildren());
    yes.addEventListener("click", async () => {
      const data = await gql(
        `mutation($c: String!, $i: String!) { discardItemDraft(center: $c, code: $i) {
            __typename ... on DiscardedDraft { code item { version } } ... on UserErrors { errors { path code message } } } }`,
        { c: center.code, i: state.code },
      );
      const errors = userErrorsOf(data.discardItemDraft);
      if (errors) {
        showErrors(errors, "未放弃");
        return;
      }
      published = await loadItems();
      if (data.discardItemDraft.item) {
        await openExisting(state.code);
        result.replaceChildren(note(`已放弃草稿，回到已发布的第 ${data.discardItemDraft.item.version} 版。`));
      } else {
        work.hidden = true;
        result.replaceChildren();
        page.querySelector(".dz-start").after(note("已放弃草稿：此事项从未发布，已删除。"));
      }
    });
    result.replaceChildren(h("div", { class: "note", role: "alert" }, "放弃草稿后，未发布的修改全部丢失。", " ", yes, " ", no));
    yes.focus();
  });

  // ready: the three ways in work from now on
  for (const b of [newButton, openButton, cloneButton, exportButton]) b.disabled = false;
  importButton.disabled = !canSave;
  if (params[1]) await openExisting(params[1]);
}
