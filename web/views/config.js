// 配置: edit an item document (JSON) — 保存草稿 (defineItem), 发布 (publishItem) — with every error
// listed by its path and a live preview of the form the applicant will see.
import { gql, userErrorsOf, hasQuery, hasMutation } from "../graphql.js";
import { h, section, note, seg, debounce, centersWithRole, CONFIG_ROLES } from "../ui.js";
import { centers, currentCenter } from "../store.js";
import { renderForm } from "../form.js";

const ITEM_FIELDS = "code name version kind itemType legalDays promisedDays department jointDepartments process elements form";

function template(department) {
  return {
    code: "new-item",
    name: "新事项名称",
    itemType: "公共服务",
    department: department || "zwb",
    legalBasis: [],
    legalDays: 5,
    promisedDays: 3,
    caseKind: "promised",
    conditions: [],
    materials: [
      { code: "m01", name: "申请表", issuer: "申请人", originals: 1, copies: 0, required: true, role: "main", electronic: true },
    ],
    fees: { charged: false, basis: "本事项办理不收费" },
    process: "standard",
    form: {
      type: "object",
      title: "申请表",
      "x-order": ["name", "mobile"],
      properties: {
        name: { type: "string", title: "申请人姓名", minLength: 1, maxLength: 50, "x-widget": "text" },
        mobile: { type: "string", title: "手机号码", format: "mobile-cn", "x-widget": "text" },
      },
      required: ["name", "mobile"],
      additionalProperties: false,
    },
  };
}

/** The item document back from its GraphQL shape: the published elements, the process and the form. */
function documentOf(item) {
  const doc = { ...(item.elements || {}) };
  doc.code = doc.code || item.code;
  doc.name = doc.name || item.name;
  if (item.process) doc.process = item.process;
  doc.form = item.form;
  return doc;
}

/** "第 3 行第 5 列" for a JSON.parse error, when the browser says where. */
function jsonErrorText(error, text) {
  const m = /position (\d+)/.exec(error.message);
  if (!m) return error.message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  return `第 ${line} 行第 ${col} 列附近：${error.message}`;
}

export async function configView({ page, params, user }) {
  const all = await centers();
  const allowed = centersWithRole(user, CONFIG_ROLES);
  const list = all.filter((c) => allowed.includes(c.code));
  if (!list.length) {
    page.append(h("h1", null, "事项配置"), note("您没有配置员或管理员岗位，无法配置事项。", "error"));
    return;
  }
  const c = list.find((x) => x.code === (params[0] || currentCenter.get())) || list[0];
  currentCenter.set(c.code);

  const canDefine = await hasMutation("defineItem");
  const canPublish = await hasMutation("publishItem");
  const centerPick = h("select", { id: "cfg-center", "aria-label": "政务服务中心" }, list.map((x) => h("option", { value: x.code, selected: x.code === c.code }, x.name)));
  centerPick.addEventListener("change", () => (location.hash = `#/config/${seg(centerPick.value)}`));

  const itemPick = h("select", { id: "cfg-item", "aria-label": "已发布的事项" }, h("option", { value: "" }, "选择已发布的事项…"));
  const loadPublished = h("button", { type: "button", class: "btn btn-secondary" }, "载入发布版");
  const loadDraft = h("button", { type: "button", class: "btn btn-secondary" }, "载入草稿");
  const blank = h("button", { type: "button", class: "btn btn-secondary" }, "新建事项");

  const editor = h("textarea", { id: "cfg-doc", class: "code editor", spellcheck: "false", rows: 28, "aria-label": "事项 JSON 文档", "aria-describedby": "cfg-parse" });
  const parseStatus = h("div", { id: "cfg-parse", class: "parse-status", "aria-live": "polite" });
  const update = h("input", { type: "checkbox", id: "cfg-update" });
  const save = h("button", { type: "button", class: "btn btn-primary", id: "cfg-save" }, "保存草稿");
  const publish = h("button", { type: "button", class: "btn btn-primary", id: "cfg-publish" }, "发布");
  const result = h("div", { class: "cfg-result", "aria-live": "polite" });
  const preview = h("div", { class: "preview" });

  page.append(
    h("div", { class: "page-head" }, h("h1", null, "事项配置"), h("label", { class: "inline" }, "中心：", centerPick)),
    h("p", { class: "muted" }, "事项以 JSON 文档定义（见 schemas/item.schema.json）：公开要素、申报材料、办理流程和申请表单（JSON Schema）。保存为草稿后再发布；已发布的版本不可更改，发布即生成新版本。"),
    h("div", { class: "toolbar card" }, itemPick, loadPublished, loadDraft, blank),
    h("div", { class: "config-layout" },
      h("div", { class: "card" },
        h("h2", null, "事项文档"),
        editor,
        parseStatus,
        h("div", { class: "form-actions" },
          h("label", { class: "choice" }, update, h("span", null, "修改已有事项（update）")),
          save,
          publish,
        ),
        result,
      ),
      h("div", { class: "card" }, h("h2", null, "表单预览"), h("p", { class: "muted" }, "申请人看到的表单，随文档即时更新。"), preview),
    ),
  );

  try {
    const data = await gql(`query($c: String!) { items(center: $c) { code name version } }`, { c: c.code });
    for (const it of data.items) itemPick.append(h("option", { value: it.code }, `${it.name}（${it.code}，第 ${it.version} 版）`));
  } catch (error) {
    result.replaceChildren(note(`事项列表加载失败：${error.message}`, "error"));
  }

  function parse() {
    const text = editor.value;
    if (!text.trim()) return { error: "文档为空" };
    try {
      return { doc: JSON.parse(text) };
    } catch (error) {
      return { error: `JSON 格式错误，${jsonErrorText(error, text)}` };
    }
  }

  function refreshPreview() {
    const { doc, error } = parse();
    if (error) {
      parseStatus.className = "parse-status bad";
      parseStatus.textContent = error;
      return; // keep the last good preview
    }
    parseStatus.className = "parse-status ok";
    parseStatus.textContent = `JSON 格式正确${doc && doc.code ? `：${doc.name || ""}（${doc.code}）` : ""}`;
    if (!doc || typeof doc !== "object" || !doc.form) {
      preview.replaceChildren(note("文档中没有 form（申请表单）。"));
      return;
    }
    try {
      const form = renderForm(doc.form);
      preview.replaceChildren(h("form", { class: "apply-form", novalidate: true, onsubmit: (e) => e.preventDefault() }, form.element));
    } catch (err) {
      preview.replaceChildren(note(`表单无法预览：${err.message}`, "error"));
    }
  }
  editor.addEventListener("input", debounce(refreshPreview, 250));

  function setDoc(doc, isUpdate) {
    editor.value = JSON.stringify(doc, null, 2);
    update.checked = isUpdate;
    result.replaceChildren();
    refreshPreview();
  }

  function showErrors(errors, title) {
    result.replaceChildren(h("div", { class: "error-summary", role: "alert" },
      h("strong", null, `${title}，共 ${errors.length} 处问题：`),
      h("ul", { class: "error-list" }, errors.map((e) => h("li", null, h("code", { class: "path" }, e.path || "/"), " ", e.message, e.code ? h("span", { class: "muted" }, ` [${e.code}]`) : null))),
    ));
  }

  loadPublished.addEventListener("click", async () => {
    if (!itemPick.value) {
      result.replaceChildren(note("请先选择一个事项。"));
      return;
    }
    try {
      const data = await gql(`query($c: String!, $i: String!) { item(center: $c, code: $i) { ${ITEM_FIELDS} } }`, { c: c.code, i: itemPick.value });
      if (data.item) setDoc(documentOf(data.item), true);
    } catch (error) {
      result.replaceChildren(note(`载入失败：${error.message}`, "error"));
    }
  });
  loadDraft.addEventListener("click", async () => {
    const code = itemPick.value || (parse().doc || {}).code;
    if (!code) {
      result.replaceChildren(note("请先选择一个事项。"));
      return;
    }
    if (!(await hasQuery("itemDraft"))) {
      result.replaceChildren(note("服务端暂不支持读取草稿。"));
      return;
    }
    try {
      const data = await gql(`query($c: String!, $i: String!) { itemDraft(center: $c, code: $i) { ${ITEM_FIELDS} } }`, { c: c.code, i: code });
      if (data.itemDraft) setDoc(documentOf(data.itemDraft), true);
      else result.replaceChildren(note(`事项 ${code} 没有未发布的草稿。`));
    } catch (error) {
      result.replaceChildren(note(`载入失败：${error.message}`, "error"));
    }
  });
  blank.addEventListener("click", () => setDoc(template(c.departments[0] && c.departments[0].code), false));

  async function showChanges(code) {
    if (!(await hasQuery("itemDraftChanges"))) return null;
    try {
      const data = await gql(`query($c: String!, $i: String!) { itemDraftChanges(center: $c, code: $i) { path change old new } }`, { c: c.code, i: code });
      const changes = data.itemDraftChanges;
      if (!changes.length) return note("草稿与最新发布版本相同。");
      return h("details", { class: "changes-box", open: changes.length <= 8 }, h("summary", null, `相对最新发布版本的 ${changes.length} 处改动`),
        h("ul", { class: "error-list" }, changes.map((ch) => h("li", null, h("code", { class: "path" }, ch.path), ` ${ch.change}`,
          ch.old !== null && ch.old !== undefined ? h("span", { class: "muted" }, ` 原：${JSON.stringify(ch.old).slice(0, 80)}`) : null,
          ch.new !== null && ch.new !== undefined ? h("span", null, ` 新：${JSON.stringify(ch.new).slice(0, 80)}`) : null))));
    } catch {
      return null; // a brand-new item has nothing published to compare with
    }
  }

  save.addEventListener("click", async () => {
    const { doc, error } = parse();
    if (error) {
      showErrors([{ path: "/", code: "json", message: error }], "未保存");
      return;
    }
    save.disabled = true;
    try {
      const data = await gql(
        `mutation($c: String!, $d: JSON!, $u: Boolean!) { defineItem(center: $c, definition: $d, update: $u) {
            __typename ... on Item { code name version } ... on UserErrors { errors { path code message } } } }`,
        { c: c.code, d: doc, u: update.checked },
      );
      const errors = userErrorsOf(data.defineItem);
      if (errors) {
        showErrors(errors, "草稿未保存");
        return;
      }
      update.checked = true;
      const changes = await showChanges(data.defineItem.code);
      result.replaceChildren(h("div", { class: "note note-success", role: "status" }, `已保存草稿：${data.defineItem.name}（${data.defineItem.code}）。检查无误后点“发布”。`), changes);
    } catch (err) {
      showErrors([{ path: null, code: "error", message: err.message }], "草稿未保存");
    } finally {
      save.disabled = false;
    }
  });

  publish.addEventListener("click", async () => {
    const { doc, error } = parse();
    const code = doc && doc.code;
    if (error || !code) {
      showErrors([{ path: "/code", code: "required", message: error || "文档中没有 code（事项编码）" }], "未发布");
      return;
    }
    publish.disabled = true;
    try {
      const data = await gql(
        `mutation($c: String!, $i: String!) { publishItem(center: $c, code: $i) {
            __typename ... on Item { code name version } ... on UserErrors { errors { path code message } } } }`,
        { c: c.code, i: code },
      );
      const errors = userErrorsOf(data.publishItem);
      if (errors) {
        showErrors(errors, "未发布");
        return;
      }
      const it = data.publishItem;
      result.replaceChildren(h("div", { class: "note note-success", role: "status" }, `已发布：${it.name}（${it.code}）第 ${it.version} 版。`,
        " ", h("a", { href: `#/hall/${seg(c.code)}/item/${seg(it.code)}` }, "在办事大厅查看")));
    } catch (err) {
      showErrors([{ path: null, code: "error", message: err.message }], "未发布");
    } finally {
      publish.disabled = false;
    }
  });

  setDoc(template(c.departments[0] && c.departments[0].code), false);
  if (!canDefine || !canPublish) {
    save.disabled = !canDefine;
    publish.disabled = !canPublish;
    result.replaceChildren(note(`服务端尚未提供${[!canDefine && "保存草稿（defineItem）", !canPublish && "发布（publishItem）"].filter(Boolean).join("、")}功能，目前只能预览表单。`));
  }
}
