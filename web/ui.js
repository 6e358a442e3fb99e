// Small DOM helpers and the labels every view shares. Text always goes in as text, never as HTML.

/**
 * h("button", {class: "btn", onclick: fn, dataset: {action: "accept"}}, "受理")
 * Attributes: `class`, `dataset`, `style` (string), `on<event>` functions, boolean and string
 * attributes; `value`, `checked`, `disabled`, `hidden`, `selected` are set as properties.
 */
export function h(tag, attrs = null, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "dataset") Object.assign(el.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else if (["value", "checked", "disabled", "hidden", "selected", "indeterminate"].includes(key)) el[key] = value;
      else if (value === true) el.setAttribute(key, "");
      else el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * A file input with Chinese words whatever the browser's language: a "选择文件" button and a status
 * ("未选择文件", or the chosen files' names) instead of the native "Choose Files / No file chosen".
 * The native input stays in the page, transparent over the button: a click, Space or Enter on it
 * opens the browser's picker, it keeps its label and its change event. `label` names an input
 * without one. Returns the element to place (the input inside it).
 */
export function filePicker(input, { label = "" } = {}) {
  input.classList.add("file-input-native");
  input.title = "选择文件"; // the native tooltip would say "No file chosen"
  if (label && !input.getAttribute("aria-label")) input.setAttribute("aria-label", label);
  const status = h("span", { class: "file-status muted", id: uid("file-status"), "aria-live": "polite" }, "未选择文件");
  input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), status.id].filter(Boolean).join(" "));
  const show = () => {
    const names = Array.from(input.files || [], (f) => f.name);
    status.textContent = names.length ? names.join("、") : "未选择文件";
  };
  input.addEventListener("change", show);
  input.addEventListener(CLEARED, show);
  return h("span", { class: "file-picker" },
    h("span", { class: "file-control" }, input, h("span", { class: "btn btn-secondary file-button", "aria-hidden": "true" }, "选择文件")),
    status);
}

const CLEARED = "filepicker-cleared";

/** Empties a {@link filePicker}'s input (its files were taken: uploaded, read) and says "未选择文件" again. */
export function clearFilePicker(input) {
  input.value = "";
  input.dispatchEvent(new Event(CLEARED));
}

let idCounter = 0;
export function uid(prefix = "id") {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

export function pad(n) {
  return String(n).padStart(2, "0");
}

/** The centers' time zone. The server counts days, deadlines and bookings in it, so every screen
 * shows times and today's date in it too, whatever zone the device is set to (a kiosk, a hall
 * display or a PC left on UTC would otherwise be eight hours off, and a day early after 16:00). */
export const CENTER_TIME_ZONE = "Asia/Shanghai";
const CENTER_PARTS = new Intl.DateTimeFormat("en-CA", {
  timeZone: CENTER_TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
});

/** The year, month (1–12), day, hour, minute and second of the moment `d` on the centers' clock. */
export function centerClock(d = new Date()) {
  const p = Object.fromEntries(CENTER_PARTS.formatToParts(d).map((x) => [x.type, Number(x.value)]));
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
}

/** The centers' offset from UTC at the moment `t` (ms), in minutes: 480 (+08:00; China keeps no DST). */
function centerOffsetAt(t) {
  const c = centerClock(new Date(t));
  return Math.round((Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - Math.floor(t / 1000) * 1000) / 60000);
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A time on the centers' clock as an `<input type=datetime-local>` holds it (2026-12-01T09:30) →
 * RFC 3339 with the centers' offset, as the server's `date-time` format asks: 2026-12-01T09:30:00+08:00.
 * Anything else: null. */
export function centerDateTime(wall) {
  const m = WALL_TIME.exec(String(wall || ""));
  if (!m) return null;
  const [y, mo, d, hh, mi, ss] = m.slice(1).map((x) => Number(x || 0));
  const naive = Date.UTC(y, mo - 1, d, hh, mi, ss);
  const offset = centerOffsetAt(naive - centerOffsetAt(naive) * 60000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] || "00"}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/** An RFC 3339 date-time with any offset (2026-12-01T01:30:00Z) as the same moment on the centers'
 * clock, as an `<input type=datetime-local>` shows it: 2026-12-01T09:30 (seconds only when not 0).
 * A time already without offset stays; anything else: null. */
export function centerWallTime(value) {
  const text = String(value || "");
  if (WALL_TIME.test(text)) return text;
  if (!RFC3339.test(text)) return null;
  const t = Date.parse(text.replace(" ", "T"));
  if (!Number.isFinite(t)) return null;
  const c = centerClock(new Date(t));
  return `${c.year}-${pad(c.month)}-${pad(c.day)}T${pad(c.hour)}:${pad(c.minute)}${c.second ? `:${pad(c.second)}` : ""}`;
}

/** Today on the centers' clock, as a local Date at midnight (for date arithmetic with getFullYear…). */
export function centerDate() {
  const c = centerClock();
  return new Date(c.year, c.month - 1, c.day);
}

export const fmt = {
  /** 2026-10-09 → 2026年10月9日, the form the documents use; null → — */
  date(value) {
    if (!value) return "—";
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value));
    return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : String(value);
  },
  /** An ISO date-time on the centers' clock: 2026年10月9日 14:05 */
  datetime(value) {
    if (!value) return "—";
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return String(value);
    const c = centerClock(d);
    return `${c.year}年${c.month}月${c.day}日 ${pad(c.hour)}:${pad(c.minute)}`;
  },
  number(value, digits = 2) {
    if (value === null || value === undefined || value === "") return "—";
    const n = Number(value);
    if (!Number.isFinite(n)) return String(value);
    return Number.isInteger(n) ? n.toLocaleString("zh-CN") : n.toLocaleString("zh-CN", { maximumFractionDigits: digits });
  },
};

/** Today's date on the centers' clock: 2026-11-29 */
export function todayISO() {
  const c = centerClock();
  return `${c.year}-${pad(c.month)}-${pad(c.day)}`;
}

export const ALERT_LABELS = { NONE: "正常", YELLOW: "黄牌（临近期限）", RED: "红牌（已超期）" };
export const KIND_LABELS = {
  immediate: "即办件",
  promised: "承诺件",
  supplement: "补办件",
  joint: "联办件",
  returned: "退回件",
  urgent: "急办件",
  reply: "答复件",
  report_up: "上报件",
};
export const ROLE_LABELS = {
  applicant: "申请人",
  agent: "代办员",
  clerk: "综合窗口",
  reviewer: "后台审批",
  head: "首席代表",
  pickup: "出件窗口",
  supervisor: "督查",
  configurator: "配置员",
  admin: "管理员",
};
/** States of the standard process, for the queue filter (labels of other processes come from the server). */
export const STANDARD_STATES = [
  ["submitted", "待受理"],
  ["supplementing", "待补齐材料"],
  ["supplied", "已补齐，待窗口核验受理"],
  ["review_requested", "申请复核中"],
  ["under_review", "审查中"],
  ["survey", "现场勘查中"],
  ["reported_up", "已上报上级机关"],
  ["approved", "已办结，待出件"],
  ["delivered", "已出件"],
  ["refused", "不予许可，待出件"],
  ["refusal_delivered", "不予许可，已出件"],
  ["partly_approved", "部分准予，待出件"],
  ["partly_delivered", "部分准予，已出件"],
  ["returned", "已退回"],
  ["replied", "已答复"],
  ["withdrawn", "已撤回"],
];
export const RATING_LABELS = { 1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意" };
export const STAFF_ROLES = ["clerk", "reviewer", "head", "pickup", "supervisor", "admin"];
export const WORK_ROLES = ["clerk", "reviewer", "head", "pickup", "admin", "supervisor"];
export const SUPERVISION_ROLES = ["supervisor", "head", "admin"];
export const CONFIG_ROLES = ["configurator", "admin"];

export function alertBadge(alert) {
  if (!alert || alert === "NONE") return null;
  return h("span", { class: `badge alert-${alert.toLowerCase()}` }, alert === "RED" ? "红牌" : "黄牌");
}

export function stateBadge(c) {
  return h("span", { class: `badge state state-${c.state}` }, c.stateLabel || c.state);
}

/** Centers where the user holds one of `roles`. */
export function centersWithRole(user, roles) {
  if (!user) return [];
  const codes = [];
  for (const grant of user.roles || []) {
    if (roles.includes(grant.role) && !codes.includes(grant.center)) codes.push(grant.center);
  }
  return codes;
}

export function hasRole(user, roles, center = null) {
  return Boolean(user && (user.roles || []).some((g) => roles.includes(g.role) && (!center || g.center === center)));
}

/** A section with a heading. */
export function section(title, ...children) {
  return h("section", { class: "card" }, h("h2", null, title), ...children);
}

export function note(text, kind = "info") {
  return h("p", { class: `note note-${kind}` }, text);
}

export function loading(text = "正在加载…") {
  return h("p", { class: "loading", role: "status" }, text);
}

/**
 * A JSON.parse failure in Chinese, for people who pasted or chose a file: where (line and column, when
 * the browser says the position) and what usually causes it. Never the browser's English message.
 */
export function jsonProblem(error, text) {
  if (!String(text || "").trim()) return "内容为空：请选择文件或粘贴其内容";
  const m = /position (\d+)/.exec(String(error && error.message));
  const hint = "常见原因：缺少引号、逗号或括号，用了中文标点（“ ” ， ：），或最后一项后多了逗号";
  if (!m) {
    return /end of (JSON )?input|unterminated|unexpected end/i.test(String(error && error.message))
      ? `内容不完整：结尾缺少括号或引号（${hint}）`
      : `格式有误（${hint}）`;
  }
  const pos = Number(m[1]);
  const before = String(text).slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  return `第 ${line} 行第 ${col} 列附近格式有误（${hint}）`;
}

/** Encodes one segment of a hash route. */
export function seg(value) {
  return encodeURIComponent(String(value));
}

/** Debounce: run `fn` once `ms` after the last call. */
export function debounce(fn, ms) {
  let timer = null;
  let pending = null; // the arguments of the call still waiting
  const run = (...args) => {
    clearTimeout(timer);
    pending = args;
    timer = setTimeout(() => { pending = null; fn(...args); }, ms);
  };
  /** The call still waiting, now (a page being left); nothing when none waits. */
  run.flush = () => {
    if (!pending) return;
    const args = pending;
    clearTimeout(timer);
    pending = null;
    fn(...args);
  };
  /** The call still waiting, dropped. */
  run.cancel = () => {
    clearTimeout(timer);
    pending = null;
  };
  return run;
}

/** A labelled control wrapper with an error slot, addressed by `path` for UserErrors. */
export function field(label, control, { path = null, required = false, help = "", id = null } = {}) {
  const controlId = id || control.id || uid("c");
  if (!control.id && control.matches && control.matches("input, select, textarea")) control.id = controlId;
  const helpId = help ? `${controlId}-help` : null;
  if (helpId) control.setAttribute("aria-describedby", helpId);
  return h(
    "div",
    { class: "field", dataset: path !== null ? { path } : undefined },
    h("label", { for: control.id || controlId }, label, required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    h("div", { class: "control" }, control),
    help ? h("div", { class: "help", id: helpId }, help) : null,
    h("div", { class: "field-error", role: "alert", hidden: true }),
  );
}

/**
 * A modal confirmation (<dialog>): resolves true when the user confirms, false on cancel or Esc.
 * `lines` are shown as paragraphs (e.g. the opinion that will be recorded).
 */
export function confirmDialog({ title, lines = [], confirmLabel = "确认", danger = false }) {
  return new Promise((resolve) => {
    const yes = h("button", { type: "button", class: `btn ${danger ? "btn-danger" : "btn-primary"}`, dataset: { dialog: "confirm" } }, confirmLabel);
    const no = h("button", { type: "button", class: "btn btn-secondary", dataset: { dialog: "cancel" } }, "取消");
    const titleId = uid("dlg");
    const dialog = h("dialog", { class: "confirm-dialog", "aria-labelledby": titleId },
      h("h2", { id: titleId }, title),
      lines.filter(Boolean).map((line) => h("p", null, line)),
      h("div", { class: "form-actions" }, yes, no),
    );
    let answered = false;
    const finish = (value) => {
      if (answered) return;
      answered = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    yes.addEventListener("click", () => finish(true));
    no.addEventListener("click", () => finish(false));
    dialog.addEventListener("cancel", () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
