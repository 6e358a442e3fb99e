// Materials (申报材料): upload files with POST /materials, reuse earlier uploads (材料共享), show and
// add a case's files. Everything degrades to nothing when the server has no materials support.
import { session, gql, hasQuery, hasMutation, userErrorsOf, showUserErrors, clearUserErrors, showBanner } from "./graphql.js";
import { h, note, uid, fmt, confirmDialog, filePicker, clearFilePicker } from "./ui.js";

const ACCEPT = ".pdf,.jpg,.jpeg,.png,.tif,.tiff,.ofd,application/pdf,image/jpeg,image/png,image/tiff";

/** The file's short-lived signed link (the session token never goes into a URL). */
export function downloadLink(file) {
  return file.downloadUrl || file.url;
}

/** Downloads `url` with the session in the Authorization header and saves it as `filename`:
 * for files that have no signed link (exports), so the token never goes into a URL. */
export async function saveDownload(url, filename) {
  const response = await fetch(url, { headers: session.token ? { Authorization: `Bearer ${session.token}` } : {} });
  if (!response.ok) {
    let message = `下载失败（${response.status}）`;
    try { message = (await response.json()).errors[0].message || message; } catch { /* not JSON */ }
    throw new Error(message);
  }
  const link = h("a", { href: URL.createObjectURL(await response.blob()), download: filename, hidden: true });
  document.body.append(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}

function size(n) {
  if (!Number.isFinite(n)) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Uploads one file; resolves to the stored file or rejects with a Chinese message. */
export async function uploadFile(file, code, catalogue) {
  const body = new FormData();
  if (code) body.append("code", code);
  if (catalogue) body.append("catalogue", catalogue);
  body.append("file", file, file.name);
  let response;
  try {
    response = await fetch("/materials", { method: "POST", headers: session.token ? { Authorization: `Bearer ${session.token}` } : {}, body });
  } catch {
    throw new Error("上传失败：无法连接服务器");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    /* not JSON */
  }
  if (!response.ok) {
    const messages = data && Array.isArray(data.errors) ? data.errors.map((e) => e.message) : [];
    throw new Error(messages.join("；") || (response.status === 404 ? "服务器暂不支持上传材料" : `上传失败（HTTP ${response.status}）`));
  }
  return data;
}

/** Earlier uploads of the signed-in user, by material code (empty when the query is missing). */
async function reusable() {
  if (!(await hasQuery("myMaterials"))) return [];
  try {
    const data = await gql("{ myMaterials { id code catalogue filename size url downloadUrl } }");
    return data.myMaterials || [];
  } catch {
    return [];
  }
}

/**
 * One row per listed material: choose files (uploaded at once) or reuse an earlier upload.
 * Returns {element, ids(), value(), restored, assignPaths(), settled()}: ids() in row order (settled():
 * once the files still uploading are done); value() what is
 * chosen, as `[{material, id}]` (kept with an unsent form's draft), and `initial` in that shape puts
 * it back (`restored`: how many files came back, and how many are gone: uploads never attached
 * are deleted after a while); `onChange()` after a file is added or removed; assignPaths() labels each chosen file
 * with `/materials/<i>` so the server's errors about the i-th id land on its row.
 */
export async function materialsUploader(materials, { initial = [], onChange = null } = {}) {
  const earlier = await reusable();
  const uploads = new Set(); // files still on their way: a submission waits for them (settled())
  const chosen = []; // {material, file, chip}
  const watchers = []; // the form's file fields bound to a material (x-material), told of each change
  const changed = () => {
    if (onChange) onChange();
    watchers.forEach((w) => w());
  };
  const adders = new Map(); // material code -> addChip of its row
  const rows = (materials || []).map((m) => {
    const id = uid("mat");
    const input = h("input", { type: "file", id, accept: ACCEPT, multiple: true, class: "file-input" });
    const chips = h("ul", { class: "chips" });
    const error = h("div", { class: "field-error", role: "alert", hidden: true });
    const status = h("span", { class: "muted upload-status", "aria-live": "polite" });
    // 材料共享: the same catalogue code is the same material, whatever slot another item gave it
    const sameCode = m.catalogue ? earlier.filter((f) => f.catalogue === m.catalogue) : [];
    const reuse = sameCode.length
      ? h("select", { "aria-label": `复用已上传的“${m.name}”` }, h("option", { value: "" }, "复用已上传的材料…"), sameCode.map((f) => h("option", { value: String(f.id) }, `${f.filename}（${size(f.size)}）`)))
      : null;
    const row = h("li", { class: "material-row", dataset: { material: m.code } },
      h("div", { class: "material-name" },
        h("span", { class: `tag ${m.role === "main" ? "tag-main" : "tag-secondary"}` }, m.role === "main" ? "主件" : "辅件"), " ",
        h("label", { for: id }, m.name), m.required ? "" : h("span", { class: "muted" }, "（特定情形）"),
        m.note ? h("div", { class: "help" }, m.note) : null,
      ),
      h("div", { class: "material-ops" }, filePicker(input), reuse, status),
      chips,
      error,
    );
    function addChip(file) {
      const entry = { material: m, file, chip: null };
      const remove = h("button", { type: "button", class: "btn btn-link", "aria-label": `移除 ${file.filename}` }, "移除");
      entry.chip = h("li", { class: "chip-file" }, h("a", { href: downloadLink(file), target: "_blank", rel: "noopener" }, file.filename), h("span", { class: "muted" }, ` ${size(file.size)}`), remove);
      remove.addEventListener("click", () => {
        chosen.splice(chosen.indexOf(entry), 1);
        entry.chip.remove();
        changed();
      });
      chosen.push(entry);
      chips.append(entry.chip);
      changed();
    }
    adders.set(m.code, addChip);
    input.addEventListener("change", () => {
      const upload = (async () => {
        error.hidden = true;
        error.textContent = "";
        for (const file of Array.from(input.files || [])) {
          status.textContent = `正在上传 ${file.name}…`;
          try {
            addChip(await uploadFile(file, m.code, m.catalogue));
          } catch (err) {
            error.hidden = false;
            error.append(h("div", null, `${file.name}：${err.message}`));
          }
        }
        status.textContent = "";
        clearFilePicker(input); // what was uploaded is listed in the row, each with 移除
      })();
      uploads.add(upload);
      upload.finally(() => uploads.delete(upload));
    });
    if (reuse) {
      reuse.addEventListener("change", () => {
        const f = sameCode.find((x) => String(x.id) === reuse.value);
        if (f && !chosen.some((c) => c.file.id === f.id)) addChip(f);
        reuse.value = "";
      });
    }
    return row;
  });
  const element = h("section", { class: "materials-box", dataset: { path: "/materials" } },
    h("h2", null, "上传申报材料"),
    h("p", { class: "muted" }, "支持 PDF、JPG、PNG、TIFF、OFD，单个文件不超过 20 MB。已通过共享核验的材料可不上传；以前上传过的可直接复用。"),
    h("div", { class: "field-error", role: "alert", hidden: true }),
    rows.length ? h("ul", { class: "material-list" }, rows) : note("本事项无需上传材料。"),
  );
  // an unsent form's files, as its draft kept them: each back in its row while the server still has it
  const restored = { found: 0, lost: 0 };
  for (const { material, id } of Array.isArray(initial) ? initial : []) {
    const file = earlier.find((f) => String(f.id) === String(id));
    const add = adders.get(material);
    if (file && add && !chosen.some((c) => c.file.id === file.id)) {
      add(file);
      restored.found += 1;
    } else if (!file) restored.lost += 1;
  }
  return {
    element,
    restored,
    ids: () => chosen.map((c) => c.file.id),
    // once every file chosen so far has been uploaded (or failed): a tap on submit while one is on its way waits for it
    settled: () => Promise.allSettled([...uploads]),
    value: () => chosen.map((c) => ({ material: c.material.code, id: c.file.id })),
    // for the form's file fields (x-widget file with x-material): the files chosen for one material
    has: (code) => adders.has(code),
    names: (code) => chosen.filter((c) => c.material.code === code).map((c) => c.file.filename),
    watch: (callback) => watchers.push(callback),
    focus(code) {
      const row = rows.find((r) => r.dataset.material === code);
      if (!row) return;
      row.scrollIntoView({ block: "center" });
      row.querySelector("input[type=file]").focus();
    },
    assignPaths() {
      chosen.forEach((c, i) => {
        c.chip.dataset.path = `/materials/${i}`;
        if (!c.chip.querySelector(".field-error")) c.chip.append(h("div", { class: "field-error", role: "alert", hidden: true }));
      });
    },
  };
}

const FILE_FIELDS = "id filename size url downloadUrl status statusLabel withdrawnAt withdrawnBy replacedBy problem";

/**
 * A case's material slots with their files; the owner may add files while the case is open, and,
 * while it awaits their correction (补正, `canChange`), replace or withdraw a file (the one the
 * window marked as a problem first of all). Files replaced or withdrawn stay listed under their slot
 * as 已替换 / 已撤回 with who and when, for the applicant and the staff alike.
 */
export async function caseMaterialsSection(c, { canAttach = false, canChange = false } = {}) {
  if (!(await hasQuery("caseMaterials"))) return null;
  let slots;
  try {
    const data = await gql(
      `query($id: ID!) { caseMaterials(id: $id) { code catalogue name role required listed provided how files { ${FILE_FIELDS} } history { ${FILE_FIELDS} } } }`,
      { id: c.id },
    );
    slots = data.caseMaterials;
  } catch (error) {
    return h("section", { class: "card" }, h("h2", null, "申报材料"), note(`材料清单暂无法显示：${error.message}`));
  }
  const changing = canChange && (await hasMutation("replaceMaterial"));
  const box = h("section", { class: "card", id: "case-materials" }, h("h2", null, "申报材料"));
  if (changing && slots.some((s) => s.files.length)) {
    box.append(h("p", { class: "muted" }, "补正期间可“更换”窗口指出不清晰或有误的文件，或“撤回”不该提交的文件；原文件留在办件记录中，不再计入。"));
  }
  box.append(slots.length
    ? h("ul", { class: "material-list" }, slots.map((s) => slotRow(c, s, changing)))
    : note("本事项无材料清单。"));
  if (canAttach && (await hasMutation("attachMaterials"))) {
    const listed = slots.filter((s) => s.listed).map((s) => ({ code: s.code, catalogue: s.catalogue, name: s.name, role: s.role, required: s.required }));
    const uploader = await materialsUploader(listed);
    uploader.element.querySelector("h2").textContent = "补充材料";
    const send = h("button", { type: "button", class: "btn btn-primary" }, "提交补充的材料");
    // a refusal of the case itself (`/id`: not the caller's case, or no longer open to additions) shows by the button
    const sendRow = h("div", { class: "attach-send", dataset: { path: "/id" } }, send, h("div", { class: "field-error", role: "alert", hidden: true }));
    const form = h("div", { class: "attach-box" }, uploader.element, sendRow);
    send.addEventListener("click", async () => {
      clearUserErrors(form);
      send.disabled = true;
      await uploader.settled(); // a file still uploading when 提交 was tapped is sent with the rest
      send.disabled = false;
      const ids = uploader.ids();
      if (!ids.length) {
        showUserErrors(form, [{ path: "/materials", code: "required", message: "请先选择要补充的材料文件" }]);
        return;
      }
      uploader.assignPaths();
      send.disabled = true;
      try {
        const data = await gql(
          `mutation($id: ID!, $m: [ID!]!) { attachMaterials(id: $id, materials: $m) { __typename ... on UserErrors { errors { path code message } } } }`,
          { id: c.id, m: ids },
        );
        const errors = userErrorsOf(data.attachMaterials);
        if (errors) showUserErrors(form, errors);
        else {
          window.dispatchEvent(new HashChangeEvent("hashchange")); // the case again, with the files
          showBanner(c.state === "supplementing"
            ? `已补充 ${ids.length} 个材料文件。材料已全部补充的，请点击“补齐材料”提交窗口核验。`
            : `已补充 ${ids.length} 个材料文件。`, "success");
        }
      } catch (error) {
        showUserErrors(form, [{ path: null, code: "error", message: error.message }]);
      } finally {
        send.disabled = false;
      }
    });
    box.append(form);
  }
  return box;
}

/** The case's files that count, each with its material's name: what a one-time notice may point at. */
export async function caseFiles(c) {
  try {
    const data = await gql(`query($id: ID!) { caseMaterials(id: $id) { name files { id filename } } }`, { id: c.id });
    return (data.caseMaterials || []).flatMap((s) => s.files.map((f) => ({ id: f.id, filename: f.filename, name: s.name })));
  } catch {
    return [];
  }
}

function slotRow(c, s, changing) {
  const history = s.history || [];
  const replacedHere = history.some((o) => o.status === "replaced");
  const withdrawnHere = history.some((o) => o.status === "withdrawn");
  const errors = h("div", { class: "change-errors" });
  return h("li", { class: `material-row ${s.provided ? "provided" : "missing"}`, dataset: { material: s.code } },
    h("div", { class: "material-name" },
      h("span", { class: `mark ${s.provided ? "ok" : "no"}`, "aria-label": s.provided ? "已提交" : "未提交" }, s.provided ? "✓" : "✗"), " ",
      s.role ? h("span", { class: `tag ${s.role === "main" ? "tag-main" : "tag-secondary"}` }, s.role === "main" ? "主件" : "辅件") : h("span", { class: "tag" }, "其他"), " ",
      s.name, s.required ? "" : h("span", { class: "muted" }, "（特定情形）"),
      s.how ? h("span", { class: "muted how" }, `（${s.how}）`) : null,
      replacedHere ? h("span", { class: "badge material-changed" }, "补正时已更换") : null,
      withdrawnHere ? h("span", { class: "badge material-changed" }, "补正时已撤回") : null,
    ),
    s.files.length
      ? h("ul", { class: "chips" }, s.files.map((f) => currentFile(c, s, f, { changing, errors })))
      : h("div", { class: "muted" }, s.provided ? "窗口已收取纸质材料" : "未提交"),
    history.length ? h("ul", { class: "material-history", "aria-label": `${s.name}：已替换、已撤回的文件` }, history.map((o) => oldFile(s, o))) : null,
    errors,
  );
}

/** A file that counts: its link, what it replaced, the window's words on it, and 更换 / 撤回 during a correction. */
function currentFile(c, s, f, { changing, errors }) {
  const replaced = (s.history || []).filter((o) => o.replacedBy === f.id);
  return h("li", { class: `chip-file${f.problem ? " problem" : ""}`, dataset: { file: f.id } },
    h("a", { href: downloadLink(f), target: "_blank", rel: "noopener" }, f.filename), h("span", { class: "muted" }, ` ${size(f.size)}`),
    replaced.length ? h("span", { class: "badge replaces" }, `新文件，替换“${replaced.map((o) => o.filename).join("、")}”`) : null,
    f.problem ? h("span", { class: "file-problem" }, `窗口指出：${f.problem}`) : null,
    changing ? changeButtons(c, s, f, errors) : null,
  );
}

/** A file replaced or withdrawn: kept in the case's record, no longer counted. */
function oldFile(s, o) {
  const all = [...s.files, ...(s.history || [])];
  const by = o.replacedBy ? all.find((f) => f.id === o.replacedBy) : null;
  return h("li", { class: `history-file ${o.status}`, dataset: { file: o.id } },
    h("span", { class: `badge status-${o.status}` }, o.statusLabel), " ",
    h("a", { href: downloadLink(o), target: "_blank", rel: "noopener", class: "old-file" }, o.filename),
    h("span", { class: "muted" }, `（${o.withdrawnBy || "—"}于${fmt.datetime(o.withdrawnAt)}${o.status === "replaced" ? `${by ? `更换为“${by.filename}”` : "更换"}` : "撤回"}，不再计入${o.problem ? `；窗口曾指出：${o.problem}` : ""}）`),
  );
}

function changeButtons(c, s, f, errors) {
  const input = h("input", { type: "file", accept: ACCEPT, class: "file-input-native", "aria-label": `更换 ${f.filename}` });
  const picker = h("span", { class: "file-control change-file" }, input, h("span", { class: "btn btn-link file-button", "aria-hidden": "true" }, "更换"));
  const withdraw = h("button", { type: "button", class: "btn btn-link", "aria-label": `撤回 ${f.filename}`, dataset: { withdraw: f.id } }, "撤回");
  const busy = (on) => { input.disabled = on; withdraw.disabled = on; };
  input.addEventListener("change", async () => {
    const file = (input.files || [])[0];
    if (!file) return;
    clearUserErrors(errors);
    busy(true);
    try {
      const uploaded = await uploadFile(file, s.code, s.catalogue);
      const data = await gql(
        `mutation($id: ID!, $m: ID!, $r: ID!) { replaceMaterial(id: $id, material: $m, replacement: $r) { __typename ... on UserErrors { errors { path code message } } } }`,
        { id: c.id, m: f.id, r: uploaded.id },
      );
      if (!changed(userErrorsOf(data.replaceMaterial), errors)) return;
      showBanner(`已将“${f.filename}”更换为“${uploaded.filename}”。材料已全部补正的，请点击“补齐材料”提交窗口核验。`, "success");
    } catch (error) {
      showUserErrors(errors, [{ path: null, code: "error", message: `${file.name}：${error.message}` }]);
    } finally {
      busy(false);
      input.value = "";
    }
  });
  withdraw.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: `撤回“${f.filename}”？`,
      lines: [`撤回后该文件不再计入“${s.name}”，但仍留在办件记录中。`, s.role === "main" && s.files.length === 1 ? "这是主件的唯一文件：撤回后请另行提交，否则窗口无法受理。" : null],
      confirmLabel: "确认撤回",
      danger: true,
    });
    if (!ok) return;
    clearUserErrors(errors);
    busy(true);
    try {
      const data = await gql(
        `mutation($id: ID!, $m: ID!) { withdrawMaterial(id: $id, material: $m) { __typename ... on UserErrors { errors { path code message } } } }`,
        { id: c.id, m: f.id },
      );
      if (!changed(userErrorsOf(data.withdrawMaterial), errors)) return;
      showBanner(`已撤回“${f.filename}”。材料已全部补正的，请点击“补齐材料”提交窗口核验。`, "success");
    } catch (error) {
      showUserErrors(errors, [{ path: null, code: "error", message: error.message }]);
    } finally {
      busy(false);
    }
  });
  return h("span", { class: "file-changes" }, picker, withdraw);
}

/** After 更换 or 撤回: the refusal under the material, or the case again (the reload clears banners, so say it after). */
function changed(refused, errors) {
  if (refused) {
    // said beside the very file: its /material, /replacement or /id would only be noise here
    showUserErrors(errors, refused.map((e) => ({ ...e, path: null })));
    return false;
  }
  window.dispatchEvent(new HashChangeEvent("hashchange"));
  return true;
}

/**
 * 柜台收件 at acceptance: the item's material list with what was uploaded marked; the clerk ticks,
 * per material, the original and/or copy received at the counter and how many (each count starts at
 * what the item asks: 原件1份, 复印件0份).
 * Returns {element, value()} where value() is the `received` list of the accept action's data.
 */
export async function counterReceipt(c) {
  let slots = [];
  try {
    const data = await gql(
      `query($id: ID!) { caseMaterials(id: $id) { code name role required listed originals copies files { id } } }`,
      { id: c.id },
    );
    slots = (data.caseMaterials || []).filter((s) => s.listed);
  } catch (error) {
    return { element: note(`材料清单暂无法显示：${error.message}`, "error"), value: () => [] };
  }
  const rows = slots.map((s) => {
    const uploaded = s.files.length;
    const inputs = {};
    const forms = [["original", "原件", s.originals], ["copy", "复印件", s.copies]].map(([form, label, wanted]) => {
      const id = uid("rcv");
      // what the item asks of this form (复印件0份 for an application asked as an original); ticked,
      // a form it does not ask for was received once at least (the server takes 1–99)
      const asked = Math.max(0, Number(wanted) || 0);
      const tick = h("input", { type: "checkbox", id, dataset: { form } });
      const count = h("input", { type: "number", min: "1", max: "99", value: String(asked), class: "count", "aria-label": `${s.name}${label}份数`, disabled: true });
      tick.addEventListener("change", () => {
        count.disabled = !tick.checked;
        if (!tick.checked) count.value = String(asked);
        else if (!(Number(count.value) >= 1)) count.value = "1";
      });
      inputs[form] = { tick, count };
      return h("span", { class: "receipt-form" }, tick, h("label", { for: id }, `${label}`), " ", count, " 份");
    });
    const row = h("tr", { class: `receipt-row ${uploaded ? "uploaded" : ""}`, dataset: { material: s.code } },
      h("td", null,
        h("span", { class: `tag ${s.role === "main" ? "tag-main" : "tag-secondary"}` }, s.role === "main" ? "主件" : "辅件"), " ",
        s.name, s.required ? "" : h("span", { class: "muted" }, "（特定情形）"),
        h("div", { class: "help" }, `应交：${[s.originals ? `原件${s.originals}份` : "", s.copies ? `复印件${s.copies}份` : ""].filter(Boolean).join("、") || "核验"}`)),
      h("td", { class: "uploaded-mark" }, uploaded
        ? h("span", { class: "upload-state ok" }, `✓ 已上传${uploaded}份`)
        : h("span", { class: "upload-state no" }, "未上传")),
      h("td", null, forms),
    );
    row._inputs = inputs;
    return row;
  });
  const element = h("section", { class: "field counter-receipt", dataset: { path: "/received" } },
    h("h4", null, "收件登记（窗口实际收取的纸质材料）"),
    h("p", { class: "muted" }, "逐项勾选收到的原件、复印件及份数；主件既未上传也未收取的不能受理。"),
    rows.length
      ? h("table", { class: "list receipt-table" },
          h("thead", null, h("tr", null, h("th", null, "材料"), h("th", null, "网上提交"), h("th", null, "窗口收取"))),
          h("tbody", null, rows))
      : note("本事项无材料清单。"),
    h("div", { class: "field-error", role: "alert", hidden: true }),
  );
  return {
    element,
    value() {
      const received = [];
      for (const row of rows) {
        for (const [form, { tick, count }] of Object.entries(row._inputs)) {
          if (tick.checked) received.push({ material: row.dataset.material, form, count: Number(count.value) || 0 });
        }
      }
      return received;
    },
  };
}
