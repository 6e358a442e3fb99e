// What the back-office screens share: choosing the center (only those where the user holds a role
// and, for a plugin's screen, that enabled the plugin), mutations with their UserErrors, tables,
// issued PDFs, date ranges and presets.
import { gql, userErrorsOf, showUserErrors, clearUserErrors, showBanner, refusedInput } from "../graphql.js";
import { h, note, seg, pad, centersWithRole, centerDate, ROLE_LABELS } from "../ui.js";
import { centers, currentCenter } from "../store.js";
import { downloadLink } from "../materials.js";

/**
 * The center a screen works on: the one named in the route, else the last one used, else the first
 * where the user holds one of `roles` (and, for a plugin's screen, that enabled the plugin). Returns
 * `{ center, mine }` (`mine`: every center the user may open here), or null with the reason on the
 * page: no such center for the user at all (`missing`), or a center named in the route that is not
 * one of `mine` (never another center's data under its name). Screens that draw their own head and
 * center selector use it; the others use `pickCenter`.
 */
export async function chooseCenter({ page, params, user, roles, plugin = null, title, route, missing }) {
  const all = await centers();
  const allowed = centersWithRole(user, roles);
  const mine = all.filter((c) => allowed.includes(c.code) && (!plugin || (c.plugins || []).includes(plugin)));
  if (!mine.length) {
    page.append(h("h1", null, title), note(missing || "您所在的中心没有启用此功能，或您没有相应岗位。", "error"));
    return null;
  }
  // a center named in the route is that center or none: never another center's data under its name
  // (the footer and the address name the one asked for)
  const asked = params[0] && all.find((x) => x.code === params[0]);
  if (params[0] && !mine.some((x) => x.code === params[0])) {
    const elsewhere = mine.map((x) => h("a", { href: `#/${route}/${seg(x.code)}`, class: "btn" }, x.name));
    const why = !asked ? `没有代码为“${params[0]}”的中心。`
      : allowed.includes(asked.code) ? `“${asked.name}”没有启用此功能。`
        : `您在“${asked.name}”没有${anyOf(roles.map((r) => ROLE_LABELS[r] || r))}岗位，不能查看或管理该中心；请该中心的管理员为您授予岗位。`;
    page.append(h("div", { class: "page-head" }, h("h1", null, title), asked ? h("span", { class: "muted center-name" }, asked.name) : null),
      h("div", { id: "center-refused" }, note(why, "error"), elsewhere.length ? h("p", null, "您可以进入：", ...elsewhere) : null));
    return null;
  }
  const preferred = params[0] || currentCenter.get();
  const center = mine.find((x) => x.code === preferred) || mine[0];
  currentCenter.set(center.code);
  return { center, mine };
}

/** "甲或乙", "甲、乙或丙": one of the labels. */
function anyOf(labels) {
  return labels.length > 2 ? `${labels.slice(0, -1).join("、")}或${labels[labels.length - 1]}` : labels.join("或");
}

/**
 * Resolves the center a screen works on (`chooseCenter`) and writes the page head (title and a center
 * switcher). Returns the center or null (with a note on the page) when the user has no such center.
 */
export async function pickCenter(options) {
  const chosen = await chooseCenter(options);
  if (!chosen) return null;
  const { center: c, mine } = chosen;
  const { page, title, route } = options;
  const switcher = mine.length > 1
    ? h("label", { class: "inline no-print" }, "中心 ",
        h("select", { id: "center-switch", onchange: (e) => { location.hash = `#/${route}/${seg(e.target.value)}`; } },
          mine.map((x) => h("option", { value: x.code, selected: x.code === c.code }, x.name))))
    : null;
  page.append(h("div", { class: "page-head" }, h("h1", null, title), h("span", { class: "muted center-name" }, c.name), switcher));
  return c;
}

/** Runs a mutation whose field is a `X | UserErrors` union; shows the errors inside `root`. */
export async function mutate(query, variables, field, root) {
  // a form sends once at a time: a double click (or Enter twice) while its request travels is ignored,
  // so nothing is filed twice; so does a plain button (出具登记簿, 签收, 移除…) whose click started it
  const form = root instanceof HTMLFormElement ? root : null;
  const button = pressed;
  const guarded = [form, button].filter(Boolean);
  if (guarded.some((x) => sending.has(x))) return null;
  const buttons = [...(form ? form.querySelectorAll("button[type=submit]:not([disabled])") : []), ...(button && !button.disabled ? [button] : [])];
  guarded.forEach((x) => sending.add(x));
  buttons.forEach((b) => { b.disabled = true; });
  try {
    return await send(query, variables, field, root);
  } finally {
    guarded.forEach((x) => sending.delete(x));
    buttons.forEach((b) => { b.disabled = false; });
  }
}

const sending = new WeakSet();

// The plain button (type="button") whose click is being handled: set before the page's own click
// handlers run, kept through their first steps, so a `mutate` they call guards that button.
let pressed = null;
document.addEventListener("click", (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest("button[type=button]") : null;
  pressed = button;
  if (button) setTimeout(() => { if (pressed === button) pressed = null; });
}, true);

async function send(query, variables, field, root) {
  if (root) clearUserErrors(root);
  try {
    const data = await gql(query, variables);
    const errors = userErrorsOf(data[field]);
    if (errors) {
      if (root) showUserErrors(root, errors);
      else showBanner(errors.map((e) => e.message).join("；"));
      return null;
    }
    return data[field];
  } catch (error) {
    const refused = root && "d" in (variables || {}) ? refusedInput(error, "d") : null; // a form's own input, beside its field
    if (refused) showUserErrors(root, refused);
    else if (root) showUserErrors(root, [{ path: null, code: "error", message: error.message }]);
    else showBanner(error.message);
    return null;
  }
}

/** `... on UserErrors { errors { path code message } }`, for every mutation. */
export const ERRORS = "__typename ... on UserErrors { errors { path code message } }";
const DOCUMENT_FIELDS = "id kind title number issuedOn url downloadUrl verifyCode status statusLabel progress problem";
export const DOCUMENT = `... on IssuedDocument { ${DOCUMENT_FIELDS} }`;

/**
 * A data table: columns are [label, row => content, {path}]. Each cell carries data-label (phones
 * show tables as cards) and, with `rowPath`, a data-path of `/rows/<i>/<key>`.
 */
export function table(columns, rows, { id = null, rowAttrs = null, empty = "暂无记录。" } = {}) {
  if (!rows.length) return note(empty);
  return h("div", { class: "table-wrap" },
    h("table", { class: "data-table", id },
      h("thead", null, h("tr", null, columns.map(([label]) => h("th", null, label)))),
      h("tbody", null, rows.map((row, i) => h("tr", rowAttrs ? rowAttrs(row, i) : null,
        columns.map(([label, cell]) => h("td", { "data-label": label }, cell(row, i)))))),
    ));
}

/** A link that opens an issued PDF through its short-lived signed link (never the session token). */
export function pdfLink(doc, label = null) {
  return h("a", { href: downloadLink(doc), target: "_blank", rel: "noopener", class: "doc-link", dataset: { document: doc.kind } },
    label || doc.title || doc.kind);
}

/** "正在生成（40%）" or "生成失败，请联系办件窗口重新出具" for a document whose PDF is not ready yet, else "". A document is
 * numbered when issued and laid out just after; its link works meanwhile (opening it renders it). */
export function documentStatus(doc) {
  if (!doc.status || doc.status === "ready") return "";
  // `problem`: why the last try did not make the PDF (the center's staff only; null for others)
  if (doc.status === "pending") return `${doc.statusLabel || "正在生成"}（${doc.progress || 0}%）${doc.problem ? `；上次未能生成：${doc.problem}` : ""}`;
  return doc.problem ? `${doc.statusLabel || "生成失败"}：${doc.problem}` : `${doc.statusLabel || "生成失败"}，请联系办件窗口重新出具`;
}

/** While `doc` is being prepared and `host` is on the page, asks again every `every` ms and calls
 * `paint` with each answer (status, progress, a fresh download link). */
export async function watchDocument(doc, host, paint, every = 1500) {
  let current = doc;
  for (let round = 0; current && current.status === "pending" && round < 400; round++) {
    await new Promise((resolve) => setTimeout(resolve, every));
    if (!host.isConnected) return;
    try {
      const data = await gql(`query($id: ID!) { document(id: $id) { ${DOCUMENT_FIELDS} } }`, { id: current.id });
      current = data.document;
    } catch (error) {
      return;
    }
    if (current && host.isConnected) paint(current);
  }
}

/** Shows an issued document under `host`: its link, number, verification code and, until its PDF
 * is ready, the progress of its rendering (refreshed). */
export function showIssued(host, doc) {
  const paint = (d) => {
    const status = documentStatus(d);
    host.replaceChildren(h("p", { class: `issued note ${d.status === "failed" ? "note-error" : "note-success"}`, dataset: { status: d.status || "ready" } },
      pdfLink(d), ` 文号 ${d.number}`, d.verifyCode ? ` · 核验码 ${d.verifyCode}` : "",
      status ? h("span", { class: "doc-status", role: "status" }, ` · ${status}`) : null));
  };
  paint(doc);
  watchDocument(doc, host, paint);
}

/** The first and last day of this month / quarter / year (China dates as ISO strings). */
export function presetRange(kind, today = centerDate()) {
  const y = today.getFullYear();
  const m = today.getMonth();
  const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (kind === "month") return [iso(new Date(y, m, 1)), iso(new Date(y, m + 1, 0))];
  if (kind === "quarter") {
    const q = Math.floor(m / 3) * 3;
    return [iso(new Date(y, q, 1)), iso(new Date(y, q + 3, 0))];
  }
  return [`${y}-01-01`, `${y}-12-31`];
}

export const PRESETS = [["month", "本月"], ["quarter", "本季度"], ["year", "本年"]];

/** From/to date inputs with 本月/本季度/本年 buttons; `onChange()` after a preset is chosen. */
export function dateRange(onChange, initial = "month") {
  const [a, b] = presetRange(initial);
  const from = h("input", { type: "date", id: "range-from", value: a });
  const to = h("input", { type: "date", id: "range-to", value: b });
  const buttons = PRESETS.map(([key, label]) => h("button", {
    type: "button", class: "btn btn-secondary", dataset: { preset: key },
    onclick: () => {
      [from.value, to.value] = presetRange(key);
      onChange();
    },
  }, label));
  const element = h("div", { class: "filters range no-print" },
    h("div", { class: "field", dataset: { path: "/from" } }, h("label", { for: "range-from" }, "起始日期"), from, h("div", { class: "field-error", hidden: true })),
    h("div", { class: "field", dataset: { path: "/to" } }, h("label", { for: "range-to" }, "截止日期"), to, h("div", { class: "field-error", hidden: true })),
    h("div", { class: "preset-buttons" }, buttons),
  );
  return { element, from, to };
}

/** Period keys for assessments: 2026-11, 2026-Q4, 2026. */
export function periodKeys(today = centerDate()) {
  const y = today.getFullYear();
  const m = today.getMonth() + 1;
  return { month: `${y}-${pad(m)}`, quarter: `${y}-Q${Math.ceil(m / 3)}`, year: String(y), endedQuarter: endedQuarter(today) };
}

/** The last quarter that has ended by `today` (its own, on a quarter's last day): what may be posted. */
function endedQuarter(today) {
  const y = today.getFullYear();
  const q = Math.ceil((today.getMonth() + 1) / 3);
  const lastDay = new Date(y, 3 * q, 0).getDate();
  if (today.getMonth() + 1 === 3 * q && today.getDate() === lastDay) return `${y}-Q${q}`;
  return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`;
}

/** A row of links (tabs) inside one screen; the current one is marked. */
export function tabs(list, current) {
  return h("nav", { class: "shortcuts tabs no-print", "aria-label": "分栏" },
    list.map(([key, label, href]) => h("a", { href, class: key === current ? "chip active" : "chip", "aria-current": key === current ? "page" : null, dataset: { tab: key } }, label)));
}

/** A print button for the current page (the print stylesheet hides the navigation). */
export function printButton(label = "打印") {
  return h("button", { type: "button", class: "btn btn-secondary no-print", onclick: () => window.print() }, label);
}

/** Values of named inputs inside `root`: {name: value}; empty text becomes null. */
export function values(root) {
  const out = {};
  root.querySelectorAll("input[name], select[name], textarea[name]").forEach((el) => {
    if (el.type === "checkbox") out[el.name] = el.checked;
    else out[el.name] = el.value.trim() === "" ? null : el.value.trim();
  });
  return out;
}

/** A labelled input with an error slot addressed by `path` (`/name`). */
export function input(label, name, { type = "text", value = "", required = false, options = null, placeholder = null, path = null, help = null } = {}) {
  const id = `f-${name}`;
  const described = help ? `${id}-help` : null;  // a hint too long for the box goes under it, not cut off inside
  const control = options
    ? h("select", { id, name, "aria-describedby": described }, options.map(([v, t]) => h("option", { value: v, selected: v === value }, t)))
    : type === "textarea"
      ? h("textarea", { id, name, rows: 3, "aria-describedby": described }, value)
      : h("input", { id, name, type, value, placeholder, autocomplete: "off", "aria-describedby": described });
  return h("div", { class: "field", dataset: { path: path || `/${name}` } },
    h("label", { for: id }, label, required ? h("span", { class: "req" }, " *") : null),
    h("div", { class: "control" }, control),
    help ? h("div", { class: "help", id: described }, help) : null,
    h("div", { class: "field-error", role: "alert", hidden: true }));
}

/** Re-runs the current route (after a change), then shows `message` (the route clears the banner first). */
export function reload(message = null) {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
  if (message) showBanner(message, "success");
}

export { showBanner, seg };
