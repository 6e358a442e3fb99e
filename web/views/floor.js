// 大厅现场服务 (hall_floor): the kiosk (取号), the hall display (叫号显示屏), the window (叫号, 重呼, 过号,
// 办结, 现场申请人登记), the rating tablet (评价器), the supervisor (整改, 回访, 等候统计, and 值班表
// in roster.js) and the applicant's page (预约 on the duty roster, 认领窗口代办的办件). Shown only in centers with the plugin.
import { gql, hasQuery, userErrorsOf } from "../graphql.js";
import { h, note, fmt, todayISO } from "../ui.js";
import { centers, windowNamer } from "../store.js";
import { pickCenter, mutate, ERRORS, table, input, values, tabs, seg, dateRange, showBanner } from "./kit.js";
import { rosterTab } from "./roster.js";
import { walkInPanel } from "./walkin.js";
import { claimCard } from "./claim.js";
import { barChart } from "../chart.js";

const PLUGIN = "hall_floor";
const WINDOW_ROLES = ["clerk", "head"];
const SUPERVISOR_ROLES = ["supervisor", "head", "admin"];
const TICKET = "id number queue status statusLabel appointment window calls caseId waitSeconds transferredFrom transferredFromName transferredFromQueue";
const LEVELS = [[5, "非常满意"], [4, "满意"], [3, "基本满意"], [2, "不满意"], [1, "非常不满意"]];
const POLL_MS = 1000;
const DISPLAY_POLL_MS = 3000; // the hall display: a call shows within 3 s, at a third of the requests

/** The center of a public hall screen (kiosk, display): by code, checked to have the plugin. */
async function publicCenter(page, code, title) {
  const all = await centers();
  const c = all.find((x) => x.code === code && (x.plugins || []).includes(PLUGIN));
  if (!c) {
    page.append(h("h1", null, title), note("该中心没有启用大厅现场服务。", "error"));
    return null;
  }
  return c;
}

/** Repeats `tick` every `ms` while the view is on screen; not while the page is hidden (a minimised
 * window, a switched-off screen), and at once when it is shown again. */
function poll(isCurrent, tick, ms = POLL_MS) {
  let timer = null;
  const run = async () => {
    clearTimeout(timer);
    timer = null;
    if (!isCurrent()) return document.removeEventListener("visibilitychange", shown);
    if (document.hidden) return; // shown() starts again
    try {
      await tick();
    } catch (error) {
      console.warn(error.message);
    }
    if (isCurrent() && !document.hidden && timer === null) timer = setTimeout(run, ms);
  };
  const shown = () => {
    if (!document.hidden) run();
  };
  document.addEventListener("visibilitychange", shown);
  run();
}

/** Seconds as minutes to a tenth (0.7分钟, 12分钟): the figures and the chart's bars read the same. */
function minutes(seconds) {
  return seconds == null ? "—" : `${Math.round(seconds / 6) / 10}分钟`;
}

// --- 取号机 ----------------------------------------------------------------------------------------

const SLIP_SECONDS = 30; // how long the kiosk shows the number it just gave

const HOURS_POLL_MS = 20000; // the kiosk left on overnight opens by itself in the morning

/** 取号时间 in words: 9:00–12:00、13:30–17:00 from ["09:00-12:00", "13:30-17:00"]. */
function spans(periods) {
  return periods.map((p) => p.split("-").map((t) => t.replace(/^0(\d)/, "$1")).join("–")).join("、");
}

export async function kioskView({ page, params, user, isCurrent }) {
  const c = await publicCenter(page, params[0], "取号");
  if (!c) return;
  page.classList.add("floor-screen", "floor-kiosk");
  const mobile = h("input", { type: "tel", id: "kiosk-mobile", name: "mobile", inputmode: "numeric", maxlength: 11,
    placeholder: "选填", autocomplete: "off" });
  const result = h("div", { class: "kiosk-result", "aria-live": "polite" });
  const buttons = h("div", { class: "kiosk-queues" });
  const mine = h("div", { class: "kiosk-bookings" });
  // 凭预约码取号: the public kiosk has nobody logged in; the 6-digit code the booking got is enough
  const code = h("input", { type: "text", id: "kiosk-code", name: "bookingCode", inputmode: "numeric", maxlength: 6, autocomplete: "off",
    placeholder: "6位预约码", "aria-label": "预约码" });
  const byCode = h("form", { class: "kiosk-code card", novalidate: true },
    h("h2", null, "凭预约码取号"),
    h("p", { class: "muted" }, "已在网上预约今天的时段：输入预约码取号，预约时段开始后优先叫号。"),
    h("div", { class: "field", dataset: { path: "/bookingCode" } }, code, " ",
      h("button", { type: "submit", class: "btn btn-primary btn-large" }, "凭预约码取号")));
  // the mobile comes before the buttons (it is read when one is tapped), and every refusal of either way
  // of taking a number shows in one place, beside its field, in words only
  const phone = h("div", { class: "field kiosk-phone", dataset: { path: "/mobile" } },
    h("label", { for: "kiosk-mobile" }, "手机号码（选填，快到时短信提醒，请先填写再取号）"), mobile);
  // 取号时间: the hours, and whether numbers are given now (when not, why and the next opening)
  const hoursLine = h("p", { class: "kiosk-hours" });
  const state = h("div", { class: "kiosk-state", "aria-live": "polite" });
  const queuesField = h("div", { class: "field kiosk-queue-field", dataset: { path: "/queue" } }, buttons);
  // 办件查询: the core's public progress lookup, in the kiosk's large type (web/views/progress.js)
  const progress = h("div", { class: "kiosk-progress card", id: "kiosk-progress" },
    h("div", null, h("h2", null, "办件进度查询"), h("p", { class: "muted" }, "凭受理编号和证件号码后六位查询办理进度")),
    h("a", { class: "btn btn-secondary btn-large", href: `#/progress/${seg(c.code)}?kiosk=1` }, "办件查询"));
  const kiosk = h("div", { class: "kiosk" }, h("h1", null, `${c.name} · 取号`), hoursLine, state, phone, queuesField, byCode, progress, mine, result);
  page.append(kiosk);
  let openQueues = null; // null: not known (an older server): every button stays on

  let slipTimer = null;
  function slip(data) {
    result.replaceChildren(h("div", { class: "ticket-slip" }, h("p", null, "您的排队号"),
      h("p", { class: "ticket-number" }, data.number),
      h("p", null, data.appointment ? "预约号：预约时段开始后优先叫号" : "请留意大厅显示屏叫号")));
    mobile.value = "";
    result.scrollIntoView({ block: "center" }); // on a phone the slip is below the buttons
    // the next person at the kiosk does not find the last one's number (and their SMS reminder) there
    clearTimeout(slipTimer);
    slipTimer = setTimeout(() => result.replaceChildren(), SLIP_SECONDS * 1000);
  }

  let sending = false; // one ticket per tap, also for a double tap
  async function send(query, variables) {
    if (sending) return null;
    sending = true;
    result.replaceChildren();
    try {
      return await mutate(query, variables, "takeTicket", kiosk);
    } finally {
      sending = false;
    }
  }

  async function take(queue, booking = null) {
    const data = await send(`mutation($c: String!, $q: String!, $m: String, $b: ID) {
        takeTicket(center: $c, queue: $q, mobile: $m, booking: $b) { ${ERRORS} ... on HallTicket { ${TICKET} } } }`,
      { c: c.code, q: queue, m: mobile.value.trim() || null, b: booking });
    if (data) {
      slip(data);
      await show();
    } else {
      await hours(); // a refusal may mean the hall has just stopped giving numbers
    }
  }

  byCode.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = await send(`mutation($c: String!, $x: String!, $m: String) {
        takeTicket(center: $c, bookingCode: $x, mobile: $m) { ${ERRORS} ... on HallTicket { ${TICKET} } } }`,
      { c: c.code, x: code.value.trim(), m: mobile.value.trim() || null });
    if (data) {
      code.value = "";
      slip(data);
      await show();
    } else {
      await hours();
    }
  });

  async function hours() {
    if (!(await hasQuery("hallHours"))) return;
    const { hallHours: hh } = await gql(`query($c: String!) { hallHours(center: $c) {
        open openQueues message today text } }`, { c: c.code });
    hoursLine.textContent = hh.text;
    state.replaceChildren(hh.open
      ? h("p", { class: "note note-success kiosk-open" }, `正在取号 · 今天 ${spans(hh.today)}`)
      : h("p", { class: "note note-error kiosk-closed" }, hh.message));
    openQueues = new Set(hh.openQueues);
    buttons.querySelectorAll("button.kiosk-queue").forEach((b) => { b.disabled = !openQueues.has(b.dataset.queue); });
  }

  async function show() {
    const data = await gql("query($c: String!) { hallQueues(center: $c) { code name waiting } }", { c: c.code });
    buttons.replaceChildren(...data.hallQueues.map((q) => h("button", {
      type: "button", class: "btn btn-primary btn-large kiosk-queue", dataset: { queue: q.code }, onclick: () => take(q.code),
      disabled: openQueues !== null && !openQueues.has(q.code),
    }, `${q.code} ${q.name}`, h("small", null, ` 等候 ${q.waiting} 人`))));
    if (user) {
      const today = await gql("query($c: String!, $d: Date!) { hallBookings(center: $c, date: $d) { id queue period status user } }",
        { c: c.code, d: todayISO() });
      const own = today.hallBookings.filter((b) => b.status === "booked" && b.user === user.username);
      mine.replaceChildren(...own.map((b) => h("button", { type: "button", class: "btn btn-secondary", dataset: { booking: b.id },
        onclick: () => take(b.queue, b.id) }, `凭预约取号：${b.queue} ${b.period}`)));
    }
  }
  await hours();
  await show();
  setTimeout(() => poll(isCurrent, hours, HOURS_POLL_MS), HOURS_POLL_MS);
}

// --- 叫号显示屏 ------------------------------------------------------------------------------------

let audio = null;
/** A two-tone chime (WebAudio): browsers allow sound after one tap on the page. */
function chime() {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === "suspended") audio.resume();
    [[880, 0], [660, 0.35]].forEach(([freq, at]) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.25, audio.currentTime + at);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + 0.32);
    });
    document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);
  } catch (error) {
    console.warn("no sound", error.message);
  }
}

export async function displayView({ page, params, isCurrent }) {
  const c = await publicCenter(page, params[0], "叫号显示屏");
  if (!c) return;
  page.classList.add("floor-screen", "floor-display");
  const latest = h("div", { class: "display-latest", "aria-live": "assertive" });
  const recent = h("ol", { class: "display-calls plain-list" });
  const counts = h("ul", { class: "display-waiting plain-list" });
  const sound = h("button", { type: "button", class: "btn btn-secondary no-print", onclick: () => chime() }, "开启提示音");
  page.append(h("h1", null, c.name), latest, h("div", { class: "display-columns" },
    h("section", null, h("h2", null, "最近叫号"), recent), h("section", null, h("h2", null, "等候人数"), counts)), sound);
  let last = null;
  // an unchanged screen costs one small request: the digest first, the whole screen only when it changed
  const cheap = await hasQuery("hallDisplayVersion");
  let drawn = null;
  poll(isCurrent, async () => {
    if (cheap && drawn !== null) {
      const { hallDisplayVersion: v } = await gql("query($c: String!) { hallDisplayVersion(center: $c) }", { c: c.code });
      if (v === drawn) return;
    }
    const { hallDisplay: d } = await gql(`query($c: String!) { hallDisplay(center: $c) {
        ${cheap ? "version " : ""}calls { number window windowName calls at transferredFromName } queues { code name waiting } } }`, { c: c.code });
    drawn = cheap ? d.version : null;
    page.dataset.version = drawn || "";
    const top = d.calls[0];
    const key = top ? `${top.number}/${top.calls}/${top.at}` : null;
    latest.replaceChildren(top
      ? h("p", null, "请 ", h("span", { class: "called-number", dataset: { number: top.number } }, top.number), " 号到 ",
          h("span", { class: "called-window" }, top.windowName), " 办理",
          top.transferredFromName ? h("span", { class: "called-transfer" }, `转自${top.transferredFromName}`) : null)
      : h("p", { class: "muted" }, "暂无叫号"));
    recent.replaceChildren(...d.calls.map((x) => h("li", { dataset: { number: x.number } },
      h("strong", null, x.number), ` → ${x.windowName}`,
      x.transferredFromName ? h("small", { class: "call-transfer" }, `转自${x.transferredFromName}`) : null)));
    counts.replaceChildren(...d.queues.map((q) => h("li", { dataset: { queue: q.code } }, `${q.code} ${q.name}：`, h("strong", null, String(q.waiting)), " 人")));
    if (key && last !== null && key !== last) chime();
    last = key;
  }, DISPLAY_POLL_MS);
}

// --- 窗口叫号 --------------------------------------------------------------------------------------

async function windowPicker(c, query, route) {
  // the windows that call a queue (a pickup or consulting window calls no number: 叫下一位 there only fails)
  const { hallQueues } = await gql("query($c: String!) { hallQueues(center: $c) { windows } }", { c: c.code });
  const calling = new Set(hallQueues.flatMap((q) => q.windows));
  const windows = (c.windows || []).filter((w) => calling.has(w.code) || !calling.size);
  const chosen = query.get("window") || "";
  const select = h("select", { id: "floor-window", onchange: (e) => { location.hash = `#/floor/${route}/${seg(c.code)}?window=${encodeURIComponent(e.target.value)}`; } },
    h("option", { value: "" }, "请选择窗口"), windows.map((w) => h("option", { value: w.code, selected: w.code === chosen }, `${w.code} ${w.name}`)));
  return { element: h("label", { class: "inline" }, "窗口 ", windows.length ? select : h("input", {
    id: "floor-window", value: chosen, onchange: (e) => { location.hash = `#/floor/${route}/${seg(c.code)}?window=${encodeURIComponent(e.target.value)}`; },
  })), value: chosen };
}

export async function windowView({ page, params, query, user, isCurrent }) {
  const c = await pickCenter({ page, params, user, roles: WINDOW_ROLES, plugin: PLUGIN, title: "窗口叫号", route: "floor/window",
    missing: "您所在的中心没有启用大厅现场服务，或您不是窗口人员。" });
  if (!c) return;
  const picker = await windowPicker(c, query, "window");
  page.append(h("p", null, picker.element, " ",
    h("a", { href: `#/floor/display/${seg(c.code)}`, target: "_blank" }, "显示屏"), " · ",
    h("a", { href: `#/floor/kiosk/${seg(c.code)}`, target: "_blank" }, "取号机"), " · ",
    picker.value ? h("a", { href: `#/floor/tablet/${seg(c.code)}?window=${encodeURIComponent(picker.value)}`, target: "_blank" }, "评价器") : null));
  if (!picker.value) {
    page.append(note("请选择本人所在的窗口。"));
    return;
  }
  const w = picker.value;
  // refusals show where the clerk looks, in words: about the ticket in the status line, "no one waiting"
  // under 叫下一位, a case number beside its box (data-path of each)
  const status = h("div", { class: "window-status", "aria-live": "polite", dataset: { path: "/ticket" } });
  const current = h("div", { class: "window-current" });
  const line = h("div", { class: "window-line" });
  const { hallQueues: queues } = await gql("query($c: String!) { hallQueues(center: $c) { code name windows } }", { c: c.code });
  const windowNames = (codes) => codes.map((x) => ((c.windows || []).find((y) => y.code === x) || { name: x }).name).join("、");
  const act = async (field, ticket = null, caseId = null, queue = null) => {
    const defs = ["$c: String!", "$w: String!"];
    const args = ["center: $c", "window: $w"];
    const vars = { c: c.code, w };
    if (ticket) {
      defs.push("$t: ID!");
      args.push("ticket: $t");
      vars.t = ticket.id;
    }
    if (field === "finishTicket") {
      defs.push("$k: ID");
      args.push("case: $k");
      vars.k = caseId;
    }
    if (field === "transferTicket") {
      defs.push("$q: String!");
      args.push("queue: $q");
      vars.q = queue || "";
    }
    status.replaceChildren();
    const data = await mutate(`mutation(${defs.join(", ")}) { ${field}(${args.join(", ")}) { ${ERRORS} ... on HallTicket { ${TICKET} } } }`,
      vars, field, desk);
    const done = { recallTicket: (d) => `已重呼（第${d.calls}次叫号）`, transferTicket: (d) => `已转至${queueName(d.queue)}排队，号码不变，请申请人留意叫号` };
    await show();  // redrawn first: the line says what happened once the screen shows it
    if (data) status.replaceChildren(note(`${data.number}：${(done[field] || ((d) => d.statusLabel))(data)}`, "success"));
  };
  const callNext = h("button", { type: "button", class: "btn btn-primary btn-large", id: "call-next", onclick: () => act("callNextTicket") }, "叫下一位");
  const leftover = h("div", { class: "window-leftover" });
  const skippedLine = h("div", { class: "window-skipped" });
  const desk = h("div", { class: "window-desk" }, h("div", { class: "form-actions field", dataset: { path: "/window" } }, callNext), status,
    h("h2", null, "正在办理"), current, leftover, h("h2", null, "等候队列"), line, skippedLine);
  page.append(desk, walkInPanel(c));

  async function show() {
    const mine = ++asked;
    const { hallWindowQueue: q } = await gql(`query($c: String!, $w: String!) { hallWindowQueue(center: $c, window: $w) {
        current { ${TICKET} } waiting { ${TICKET} } leftover { ${TICKET} takenAt } skipped { ${TICKET} } } }`, { c: c.code, w });
    // a poll sent before the clerk's last action may answer after it: its tickets are older than
    // those drawn, and redrawing them would drop what the clerk is typing (the case number)
    if (mine < answered) return;
    answered = mine;
    // the poll must not wipe what the clerk is typing (the case ID): redraw only when the tickets change
    const key = `${q.current.map((t) => `${t.id}/${t.calls}`).join(",")};${q.leftover.map((t) => t.id).join(",")}`;
    // 已过号: the visitor who comes back is called again from here
    skippedLine.replaceChildren(...(q.skipped.length ? [h("h2", null, "已过号"), waitingTable(q.skipped)] : []));
    if (key === shownKey) {
      line.replaceChildren(waitingTable(q.waiting));
      return;
    }
    shownKey = key;
    // a case number typed beside a ticket survives the redraw (a recall, or another window's call)
    const typed = new Map([...current.querySelectorAll("input[data-ticket]")].map((i) => [i.dataset.ticket, i.value]));
    current.replaceChildren(q.current.length ? table([
      ["号码", (t) => h("span", null, h("strong", { class: "ticket-number-small" }, t.number), transferMark(t))],
      ["等候", (t) => minutes(t.waitSeconds)],
      ["操作", (t) => {
        const caseId = h("input", { type: "text", size: 20, placeholder: "办件编号（选填）", "aria-label": "办理的办件编号（选填）",
          value: typed.get(t.id) || "", dataset: { ticket: t.id } });
        return h("span", null,
          h("button", { type: "button", class: "btn btn-secondary", dataset: { action: "recall" }, onclick: () => act("recallTicket", t) }, "重呼"), " ",
          h("button", { type: "button", class: "btn btn-secondary", dataset: { action: "skip" }, onclick: () => act("skipTicket", t) }, "过号"), " ",
          h("span", { class: "field case-field", dataset: { path: "/case" } }, caseId), h("button", { type: "button", class: "btn btn-primary", dataset: { action: "finish" }, onclick: () => act("finishTicket", t, caseId.value.trim() || null) }, "办结"),
          transferBox(t));
      }],
    ], q.current) : note("没有正在办理的号。"));
    leftover.replaceChildren(...(q.leftover.length ? [
      h("h2", null, "前几天遗留的号"),
      note("以下号码是前几天叫号后未办结的，已过期，不在今天的叫号和显示屏上；请办结或过号。"),
      table([
        ["号码", (t) => h("strong", { class: "ticket-number-small" }, t.number)],
        ["取号时间", (t) => fmt.datetime(t.takenAt)],
        ["操作", (t) => h("span", null,
          h("button", { type: "button", class: "btn btn-secondary", dataset: { action: "skip" }, onclick: () => act("skipTicket", t) }, "过号"), " ",
          h("button", { type: "button", class: "btn btn-primary", dataset: { action: "finish" }, onclick: () => act("finishTicket", t) }, "办结"))],
      ], q.leftover),
    ] : []));
    line.replaceChildren(waitingTable(q.waiting));
  }
  function queueName(code) {
    const q = queues.find((x) => x.code === code);
    return q ? `“${q.code} ${q.name}”` : code;
  }
  /** 转窗: the visitor needs another queue's windows; the number keeps its place there. */
  function transferBox(t) {
    const others = queues.filter((q) => q.code !== t.queue && q.windows.length);
    if (!others.length) return null;
    const to = h("select", { "aria-label": "转至业务", dataset: { transfer: t.number } },
      others.map((q) => h("option", { value: q.code }, `${q.code} ${q.name}（${windowNames(q.windows)}）`)));
    return h("span", { class: "field transfer-field", dataset: { path: "/queue" } }, "转至 ", to, " ",
      h("button", { type: "button", class: "btn btn-secondary", dataset: { action: "transfer" }, onclick: () => act("transferTicket", t, null, to.value) }, "转窗"));
  }
  /** 转入自…: a number another window sent here (转窗), by that window's name and the queue it was in. */
  function transferMark(t) {
    if (!t.transferredFrom) return null;
    const name = t.transferredFromName && t.transferredFromName !== t.transferredFrom
      ? `${t.transferredFrom} ${t.transferredFromName}` : t.transferredFrom;
    const from = t.transferredFromQueue ? `，原排${queueName(t.transferredFromQueue)}` : "";
    return h("span", { class: "badge transfer-mark", dataset: { from: t.transferredFrom } }, `转入自 ${name}${from}`);
  }
  function waitingTable(waiting) {
    return table([
      ["号码", (t) => t.number], ["预约", (t) => (t.appointment ? "预约号" : "")], ["转窗", (t) => transferMark(t) || ""],
      ["状态", (t) => t.statusLabel],
      ["操作", (t) => h("button", { type: "button", class: "btn btn-link", dataset: { call: t.number }, onclick: () => act("callTicket", t) }, "叫此号")],
    ], waiting, { empty: "没有等候的号。" });
  }
  let shownKey = null;
  let asked = 0;
  let answered = 0;
  await show();
  poll(isCurrent, show, 5000);
}

// --- 评价器 ----------------------------------------------------------------------------------------

export async function tabletView({ page, params, query, user, isCurrent }) {
  const c = await pickCenter({ page, params, user, roles: WINDOW_ROLES, plugin: PLUGIN, title: "服务评价", route: "floor/tablet",
    missing: "您所在的中心没有启用大厅现场服务。" });
  if (!c) return;
  page.classList.add("floor-tablet");
  const picker = await windowPicker(c, query, "tablet");
  page.append(h("p", { class: "no-print" }, picker.element));
  if (!picker.value) return;
  const reasons = (await gql("{ hallRatingReasons }")).hallRatingReasons;
  const subject = h("div", { class: "tablet-subject", "aria-live": "polite" });
  const body = h("div", { class: "tablet-body" });
  page.append(subject, body);
  let target = query.get("case") ? { case: query.get("case"), label: `办件 ${query.get("case")}` } : null;
  let done = null;

  let sending = false; // a double tap rates once
  const failed = (message) => {
    body.querySelectorAll(".tablet-error").forEach((el) => el.remove());
    const shown = note(message, "error");
    shown.classList.add("tablet-error");
    body.prepend(shown);
  };
  async function rate(level, reason = null) {
    if (sending || !target) return;
    sending = true;
    let res;
    try {
      res = await gql(`mutation($c: String!, $w: String!, $l: Int!, $k: ID, $t: ID, $r: String) {
          rateOnSite(center: $c, window: $w, level: $l, case: $k, ticket: $t, reason: $r) {
            ${ERRORS} ... on OnSiteRating { id channel level levelLabel caseNumber ticketNumber } } }`,
        { c: c.code, w: picker.value, l: level, k: target.case || null, t: target.ticket || null, r: reason });
    } catch (error) {
      failed(`评价未提交：${error.message}`);
      return;
    } finally {
      sending = false;
    }
    const errors = userErrorsOf(res.rateOnSite);
    if (errors && !errors.some((e) => e.code === "duplicate")) {
      // the applicant at the tablet reads the words only (no field names)
      failed(errors.map((e) => e.message).join("；"));
      return;
    }
    done = target.ticket || target.case;
    target = null;
    body.replaceChildren(h("p", { class: "tablet-thanks note note-success" }, errors ? "本次服务已评价过，感谢您的支持" : `感谢您的评价：${res.rateOnSite.levelLabel}`));
    subject.replaceChildren();
  }
  function ask() {
    subject.replaceChildren(h("h2", null, `请为本次服务评价（${target.label}）`));
    body.replaceChildren(h("div", { class: "tablet-levels" }, LEVELS.map(([level, label]) => h("button", {
      type: "button", class: `btn btn-large level-${level}`, dataset: { level: String(level) },
      onclick: () => (level <= 2 ? askReason(level) : rate(level)),
    }, label))));
  }
  function askReason(level) {
    body.replaceChildren(h("h3", null, "请选择不满意的原因"), h("div", { class: "tablet-reasons" },
      reasons.map((r) => h("button", { type: "button", class: "btn btn-secondary btn-large", dataset: { reason: r }, onclick: () => rate(level, r) }, r))));
  }
  if (target) ask();
  else body.replaceChildren(note("等待窗口办结…"));
  poll(isCurrent, async () => {
    if (target && target.case) return; // a case given in the address stays until it is rated
    const { hallWindowQueue: q } = await gql(`query($c: String!, $w: String!) { hallWindowQueue(center: $c, window: $w) { lastDone { ${TICKET} } } }`,
      { c: c.code, w: picker.value });
    const last = q.lastDone;
    // the window finished the next visitor while nobody rated the last one: ask about the newest
    if (last && last.id !== done && (!target || target.ticket !== last.id)) {
      target = { ticket: last.id, label: `排队号 ${last.number}` };
      ask();
    } else if (!last && target) { // rated meanwhile, or nothing left to rate
      target = null;
      subject.replaceChildren();
      body.replaceChildren(note("等待窗口办结…"));
    }
  }, 2000);
}

// --- 督查：整改、回访、等候统计 -----------------------------------------------------------------------

export async function supervisorView({ page, params, query, user }) {
  const c = await pickCenter({ page, params, user, roles: SUPERVISOR_ROLES, plugin: PLUGIN, title: "大厅现场管理", route: "floor/supervisor",
    missing: "您所在的中心没有启用大厅现场服务，或您没有督查岗位。" });
  if (!c) return;
  const tab = query.get("tab") || "rectify";
  const base = `#/floor/supervisor/${seg(c.code)}?tab=`;
  page.append(tabs([["rectify", "差评整改", `${base}rectify`], ["stats", "等候统计", `${base}stats`], ["rating", "办件现场评价", `${base}rating`],
    ["roster", "值班表", `${base}roster`]], tab));
  if (tab === "stats") return statsTab(page, c, query);
  if (tab === "roster") return rosterTab(page, c);
  if (tab === "rating") return ratingTab(page, c);
  const list = h("div", { class: "rectifications" });
  page.append(list);
  const windowName = await windowNamer(c.code); // a bad rating of a window closed since still names it
  async function show() {
    const { rectifications } = await gql(`query($c: String!) { rectifications(center: $c) {
        id reason openedOn due status statusLabel measures followUp followUpSatisfied
        rating { window staff levelLabel caseNumber ticketNumber } } }`, { c: c.code });
    list.replaceChildren(table([
      ["评价", (r) => `${r.rating.levelLabel}：${r.reason}`],
      ["窗口/人员", (r) => `${r.rating.window} ${windowName(r.rating.window)} ${r.rating.staff || ""}`.replace(/ +/g, " ").trim()],
      ["办件/号", (r) => r.rating.caseNumber || r.rating.ticketNumber || ""],
      ["整改期限", (r) => h("span", { dataset: { due: r.due } }, `${fmt.date(r.openedOn)} 至 ${fmt.date(r.due)}（15个工作日）`)],
      ["状态", (r) => r.statusLabel],
      ["处理", (r) => action(r)],
    ], rectifications, { empty: "没有差评整改任务。", rowAttrs: (r) => ({ dataset: { rectification: r.id } }) }));
  }
  function action(r) {
    // what was recorded stays on the row: the measures once taken, then the follow-up beside them
    const measures = r.measures ? h("p", { class: "rectify-measures" }, `整改措施：${r.measures}`) : null;
    if (r.status === "closed") {
      return h("div", null, measures, h("p", null, `回访：${r.followUp}（${r.followUpSatisfied ? "满意" : "不满意"}）`));
    }
    const open = r.status === "open";
    const id = `rectify-${r.id}`;
    const text = h("textarea", { id, rows: 2, placeholder: open ? "已采取的整改措施（4至2000字）" : "回访情况（4至2000字）" });
    const satisfied = h("input", { type: "checkbox", checked: true });
    // the server names the box by its field (/measures, /note): its problem shows under it, not as a raw path
    const field = h("div", { class: "field", dataset: { path: open ? "/measures" : "/note" } },
      h("label", { for: id }, open ? "整改措施" : "回访记录"), text, h("div", { class: "field-error", role: "alert", hidden: true }));
    const box = h("div", null, measures, field, r.status === "rectified" ? h("label", null, satisfied, " 申请人满意") : null);
    box.append(h("button", { type: "button", class: "btn btn-primary", onclick: async () => {
      const ok = r.status === "open"
        ? await mutate(`mutation($r: ID!, $m: String!) { rectify(rectification: $r, measures: $m) { ${ERRORS} ... on Rectification { id } } }`,
          { r: r.id, m: text.value }, "rectify", box)
        : await mutate(`mutation($r: ID!, $n: String!, $s: Boolean!) { recordFollowUp(rectification: $r, note: $n, satisfied: $s) { ${ERRORS} ... on Rectification { id } } }`,
          { r: r.id, n: text.value, s: satisfied.checked }, "recordFollowUp", box);
      if (ok) await show();
    } }, r.status === "open" ? "登记整改" : "登记回访"));
    return box;
  }
  await show();
}

async function statsTab(page, c, query) {
  const out = h("div", { class: "wait-stats" });
  const range = dateRange(() => show());
  // the hall manager's end of day: today's figures first (本月… a tap away); the period stays in the
  // address, so a reload shows the same figures
  const today = h("button", { type: "button", class: "btn btn-secondary", dataset: { preset: "today" },
    onclick: () => { range.from.value = todayISO(); range.to.value = todayISO(); show(); } }, "今天");
  range.element.querySelector(".preset-buttons").prepend(today);
  range.from.value = query.get("from") || todayISO();
  range.to.value = query.get("to") || range.from.value;
  page.append(range.element, out);
  const windowName = await windowNamer(c.code); // the figures of a period still name a window closed since
  async function show() {
    const from = range.from.value;
    const to = range.to.value;
    const hash = `#/floor/supervisor/${seg(c.code)}?tab=stats&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    if (location.hash !== hash) history.replaceState(history.state, "", hash);
    let s;
    let figures;
    try {
      ({ hallWaitStats: s } = await gql(`query($c: String!, $f: Date!, $t: Date!) { hallWaitStats(center: $c, from: $f, to: $t) {
          tickets called averageWait longestWait windows { window served averageWait longestWait averageService } } }`, { c: c.code, f: from, t: to }));
      ({ hallRatingFigures: figures } = await gql(`query($c: String!, $f: Date!, $t: Date!) { hallRatingFigures(center: $c, from: $f, to: $t) {
          kind subject ratings average bad } }`, { c: c.code, f: from, t: to }));
    } catch (error) {
      out.replaceChildren(note(error.message, "error"));
      return;
    }
    out.replaceChildren(h("p", null, `取号 ${s.tickets} 个，已叫号 ${s.called} 个；平均等候 ${minutes(s.averageWait)}，最长等候 ${minutes(s.longestWait)}`),
      waitChart(s.windows),
      table([["窗口", (w) => `${w.window} ${windowName(w.window)}`.trim()], ["叫号数", (w) => w.served], ["平均等候", (w) => minutes(w.averageWait)],
        ["最长等候", (w) => minutes(w.longestWait)], ["平均办理", (w) => minutes(w.averageService)]], s.windows),
      h("h2", null, "现场评价（评价器）"),
      table([["", (r) => (r.kind === "window" ? "窗口" : "工作人员")], ["对象", (r) => r.subject], ["评价数", (r) => r.ratings],
        ["平均分", (r) => r.average.toFixed(2)], ["差评", (r) => r.bad]], figures, { empty: "该期间没有现场评价。" }));
  }
  page.querySelectorAll("#range-from, #range-to").forEach((el) => el.addEventListener("change", show));
  await show();
}

/** Each window's average and longest wait in minutes, as bars (the supervisor sees at once where
 * people wait); nothing when no window called anybody. */
function waitChart(windows) {
  if (!windows.length) return null;
  const inMinutes = (seconds) => Math.round((seconds / 60) * 10) / 10;
  const rows = windows.map((w) => ({ label: w.window, values: { average: inMinutes(w.averageWait), longest: inMinutes(w.longestWait) } }));
  const series = [{ key: "average", label: "平均等候", color: "#2f6fb3" }, { key: "longest", label: "最长等候", color: "#c98a00" }];
  return h("div", { class: "chart-box", id: "wait-chart" },
    barChart("各窗口等候时长（分钟）", rows, series, { compact: window.matchMedia("(max-width: 720px)").matches, format: (v) => `${v}分钟` }));
}

async function ratingTab(page, c) {
  const id = h("input", { type: "text", id: "rating-case", placeholder: "如 LZ-20261129-000005" });
  const out = h("div");
  page.append(h("p", null, h("label", { for: "rating-case" }, "办件编号 "), id, " ", h("button", { type: "button", class: "btn btn-secondary", onclick: async () => {
    const { onSiteRating: r } = await gql("query($c: String!, $k: ID!) { onSiteRating(center: $c, case: $k) { channel window staff levelLabel reason caseNumber at } }",
      { c: c.code, k: id.value.trim() });
    out.replaceChildren(r ? note(`${r.caseNumber}：${r.channel} ${r.window} ${r.staff || ""} ${r.levelLabel}${r.reason ? `（${r.reason}）` : ""} ${fmt.datetime(r.at)}`) : note("该办件没有现场评价。"));
  } }, "查询")), out);
}

// --- 申请人：预约与认领 -----------------------------------------------------------------------------

export async function floorMineView({ page, params, query, user }) {
  const c = await pickCenter({ page, params, user, roles: ["applicant", "agent", ...WINDOW_ROLES], plugin: PLUGIN, title: "预约取号与办件认领", route: "floor/mine",
    missing: "您所在的中心没有启用大厅现场服务。" });
  if (!c) return;
  const tab = query.get("tab") || "book";
  const base = `#/floor/mine/${seg(c.code)}?tab=`;
  page.append(tabs([["book", "预约", `${base}book`], ["claim", "认领窗口代办的办件", `${base}claim`]], tab));
  if (tab === "claim") return claimTab(page, c);
  const { hallQueues } = await gql("query($c: String!) { hallQueues(center: $c) { code name } }", { c: c.code });
  const form = h("form", { class: "card", novalidate: true },
    input("业务", "queue", { options: hallQueues.map((q) => [q.code, `${q.code} ${q.name}`]), path: "/queue" }),
    input("日期", "date", { type: "date", value: todayISO(), path: "/date" }));
  const slots = h("div", { class: "hall-slots" });
  const mine = h("div", { class: "hall-bookings" });
  const queueName = (code) => { const q = hallQueues.find((x) => x.code === code); return q ? `${q.code} ${q.name}` : code; };
  page.append(form, slots, h("h2", null, "我的预约"), mine);
  async function show() {
    const v = values(form);
    const { hallSlots: s } = await gql("query($c: String!, $q: String!, $d: Date!) { hallSlots(center: $c, queue: $q, date: $d) { closedReason slots { period extended capacity booked bookable closedReason } } }",
      { c: c.code, q: v.queue, d: v.date });
    slots.replaceChildren(...(s.slots.length && s.closedReason ? [note(s.closedReason)] : []), s.slots.length ? table([
      ["时段", (x) => `${x.period}${x.extended ? "（错时/延时服务）" : ""}`], ["已约", (x) => `${x.booked}/${x.capacity}`],
      ["", (x) => (!x.bookable ? h("span", { class: "muted", dataset: { period: x.period } }, x.closedReason) : h("button", { type: "button", class: "btn btn-primary", dataset: { period: x.period }, onclick: async () => {
        const done = await mutate(`mutation($c: String!, $q: String!, $d: Date!, $p: String!) { bookHallSlot(center: $c, queue: $q, date: $d, period: $p) {
            ${ERRORS} ... on HallBooking { id date period code } } }`, { c: c.code, q: v.queue, d: v.date, p: x.period }, "bookHallSlot", form);
        if (done) {
          showBanner(`已预约 ${fmt.date(done.date)} ${done.period}，预约码 ${done.code}：请记下预约码，当天在大厅取号机上凭预约码取号`, "success");
          await show();
        }
      } }, "预约"))],
    ], s.slots) : note(s.closedReason || "该日不开放预约。"));
    await showMine();
  }
  // 我的预约: every booking still to come (not only the chosen day's), with its 预约码 to write down
  async function showMine() {
    const { myHallBookings } = await gql("query($c: String!) { myHallBookings(center: $c) { id queue date period code } }", { c: c.code });
    const hint = myHallBookings.length ? [h("p", { class: "muted" }, "到大厅后在取号机上输入预约码即可取号，无需登录。")] : [];
    mine.replaceChildren(table([["日期", (b) => fmt.date(b.date)], ["业务", (b) => queueName(b.queue)], ["时段", (b) => b.period],
      ["预约码", (b) => h("strong", { class: "booking-code", dataset: { code: b.code } }, b.code)],
      ["", (b) => h("button", { type: "button", class: "btn btn-secondary", dataset: { cancel: b.id }, onclick: async () => {
        if (!window.confirm(`取消 ${fmt.date(b.date)} ${b.period}（${queueName(b.queue)}）的预约？`)) return;
        const ok = await mutate(`mutation($b: ID!) { cancelHallBooking(booking: $b) { ${ERRORS} ... on HallBooking { id } } }`,
          { b: b.id }, "cancelHallBooking", mine);
        if (ok) {
          showBanner("预约已取消", "success");
          await show();
        }
      } }, "取消")]], myHallBookings, { empty: "没有待办理的预约。", rowAttrs: (b) => ({ dataset: { booking: b.id } }) }), ...hint);
  }
  form.addEventListener("change", show);
  await show();
}

function claimTab(page, c) {
  // 认领 is the core's (every center, also on 我的办件): the same panel, this center chosen
  page.append(claimCard([c], c.code));
}
