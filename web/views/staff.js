// 人员管理 (staff plugin): 考勤 (the clock-in button, today's clock-ins, the monthly sheet and the
// bonus standings), 请假 (a request, the approvals waiting for the user, withdrawing one's own),
// 名册 (the register with AB岗 partners, kept by administrators, and the card readers at windows),
// and 读卡器 (a window's card reader: a registered device's token, then one card after another).
import { gql } from "../graphql.js";
import { h, note, fmt, pad, hasRole, centerDate } from "../ui.js";
import { pickCenter, mutate, ERRORS, table, input, values, tabs, seg, reload, showBanner } from "./kit.js";

const PLUGIN = "staff";
export const STAFF_VIEW_ROLES = ["clerk", "reviewer", "head", "pickup", "supervisor", "admin", "configurator"];
const KEEPERS = ["admin", "configurator"];
const KINDS = [["personal", "事假"], ["sick", "病假"], ["annual", "休假"], ["official", "公假（因公回原部门）"]];
const HALVES = [["am", "上午"], ["pm", "下午"]];
const LEAVE_TAG = "【请假审批】"; // how plugins/staff/acting.py begins its 站内消息
const POSITIONS = [["window_staff", "窗口工作人员"], ["window_leader", "窗口负责人"], ["office", "中心办公室"],
  ["supervision", "督查科"], ["leadership", "中心领导"]];
const LEAVE = `id username displayName kind kindLabel start startHalf end endHalf days reason routeLabels currentStep currentStepLabel
  waitingFor status statusLabel handedOver canDecide decisions { stepLabel name approve comment actingPostLabel }`;
const RECORD = "username displayName department departmentName window windowName position positionLabel postedOn minTermMonths termEndsOn partner partnerName card removal removalOn";

function thisMonth() {
  const d = centerDate();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

const half = (v) => (v === "am" ? "上午" : "下午");

export async function staffView({ page, params, user, isCurrent }) {
  const c = await pickCenter({ page, params, user, roles: STAFF_VIEW_ROLES, plugin: PLUGIN, title: "人员管理", route: "staff",
    missing: "您所在的中心没有启用人员管理（考勤、请假、人员名册）。" });
  if (!c) return;
  const tab = params[1] || "attendance";
  const base = `#/staff/${seg(c.code)}`;
  page.append(tabs([["attendance", "考勤", `${base}/attendance`], ["leave", "请假", `${base}/leave`],
    ["register", "人员名册", `${base}/register`], ["reader", "读卡器", `${base}/reader`]], tab));
  if (tab === "leave") return leaveTab(page, c, user, isCurrent);
  if (tab === "register") return registerTab(page, c, user, isCurrent);
  if (tab === "reader") return readerTab(page, c);
  return attendanceTab(page, c, isCurrent);
}

async function attendanceTab(page, c, isCurrent) {
  const today = (await gql(`query($c: String!) { todayClockIns(center: $c) { slot slotLabel at device } }`, { c: c.code })).todayClockIns;
  if (!isCurrent()) return;
  const form = h("form", { class: "card", id: "clock-form" }, h("h2", null, "刷卡考勤"),
    h("p", { class: "muted" }, "每天刷卡三次：上午上班、下午上班、下午下班。一人一卡，不得代刷。"),
    table([["时段", (r) => r.slotLabel], ["时间", (r) => fmt.datetime(r.at)], ["方式", (r) => r.device || "本人登录"]], today,
      { id: "today-clock-ins", empty: "今天还没有刷卡。" }),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary", id: "clock-in" }, "刷卡")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const done = await mutate(`mutation($c: String!) { clockIn(center: $c) { ${ERRORS} ... on ClockIn { slotLabel at } } }`,
      { c: c.code }, "clockIn", form);
    if (done) reload(`已刷卡：${done.slotLabel}`);
  });
  const month = h("input", { type: "month", id: "sheet-month", value: thisMonth() });
  const sheetHost = h("div", { id: "attendance-sheet" });
  const standingHost = h("div", { id: "standings" });
  const show = async () => {
    const m = month.value || thisMonth();
    const data = await gql(`query($c: String!, $m: String!, $y: Int!) {
        attendanceStart(center: $c) { day source sourceLabel afternoonOnly }
        attendanceSheet(center: $c, month: $m) { username displayName lateCount earlyCount absentDays days { date workday mark } }
        staffMonthStanding(center: $c, month: $m) { username displayName personalLeaveDays sickLeaveDays absentDays bonus reasons { message } }
        staffYearStanding(center: $c, year: $y) { username displayName personalLeaveDays sickLeaveDays absentDays bonus returnedToDepartment reasons { message } } }`,
    { c: c.code, m, y: Number(m.slice(0, 4)) });
    const start = data.attendanceStart;
    sheetHost.replaceChildren(
      h("p", { class: "muted", id: "attendance-start" }, start.day
        ? `考勤自${fmt.date(start.day)}起计（${start.sourceLabel}），此前的日子不计出勤或旷工；${start.source === "first_clock_in" ? "当天只计当天刷卡的人，其他人自下一个工作日起计；" : ""}${start.afternoonOnly ? "第一次刷卡在下午，当天上午谁都不计；" : ""}进驻日期在后的，自进驻日期起计。`
        : `${start.sourceLabel}：自第一次刷卡之日起计考勤，也可在中心文件中设置考勤起算日期（settings.staff.attendanceFrom）。`),
      sheetTable(data.attendanceSheet));
    standingHost.replaceChildren(
      h("h3", null, "当月考核奖"),
      table([["姓名", (r) => r.displayName], ["事假（天）", (r) => fmt.number(r.personalLeaveDays)], ["病假（天）", (r) => fmt.number(r.sickLeaveDays)],
        ["旷工（天）", (r) => fmt.number(r.absentDays)], ["当月考核奖", (r) => (r.bonus ? "发放" : "扣发")],
        ["原因", (r) => r.reasons.map((x) => x.message).join("；") || "—"]], data.staffMonthStanding, { id: "month-standing" }),
      h("h3", null, "年度考核奖"),
      table([["姓名", (r) => r.displayName], ["事病假合计（天）", (r) => fmt.number(r.personalLeaveDays + r.sickLeaveDays)],
        ["旷工（天）", (r) => fmt.number(r.absentDays)], ["年度考核奖", (r) => (r.bonus ? "发放" : "取消")],
        ["退回部门", (r) => (r.returnedToDepartment ? "是" : "否")], ["原因", (r) => r.reasons.map((x) => x.message).join("；") || "—"]],
      data.staffYearStanding, { id: "year-standing" }));
  };
  month.addEventListener("change", show);
  page.append(form, h("section", { class: "card" }, h("h2", null, "月度考勤表"),
    h("div", { class: "filters no-print" }, h("label", { for: "sheet-month" }, "月份 "), month), sheetHost, standingHost));
  await show();
}

function sheetTable(rows) {
  if (!rows.length) return note("人员名册中没有可查看的人员。");
  const days = rows[0].days;
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table attendance-sheet" },
    h("thead", null, h("tr", null, h("th", null, "姓名"), days.map((d) => h("th", { class: d.workday ? null : "muted" }, String(Number(d.date.slice(8))))),
      h("th", null, "迟到"), h("th", null, "早退"), h("th", null, "旷工（天）"))),
    h("tbody", null, rows.map((r) => h("tr", { dataset: { username: r.username } }, h("td", null, r.displayName),
      r.days.map((d) => h("td", { dataset: { date: d.date }, class: d.workday ? null : "muted" }, d.mark)),
      h("td", null, String(r.lateCount)), h("td", null, String(r.earlyCount)), h("td", null, fmt.number(r.absentDays)))))));
}

async function leaveTab(page, c, user, isCurrent) {
  const data = await gql(`query($c: String!) { leaveRequests(center: $c) { ${LEAVE} }
    messages: staffMessages(center: $c, first: 50) { id text at } }`, { c: c.code });
  if (!isCurrent()) return;
  const rows = data.leaveRequests;
  // the 站内消息 about leave (a request now decided by the user's post, as its own post fell vacant): shown here,
  // where they are decided, since not everyone who decides has the 工作台 (the office may be a configurator)
  const told = data.messages.filter((m) => m.text.startsWith(LEAVE_TAG)).slice(0, 10);
  const form = h("form", { class: "card", id: "leave-form", novalidate: true }, h("h2", null, "请假"),
    h("p", { class: "muted" }, "1天以内：窗口负责人签字、办公室审核、督查科核准；1天以上：窗口负责人签字、办公室审核、中心领导核准。批准后在办件移交AB岗顶岗人员。"),
    h("div", { class: "group-fields" },
      input("请假类别", "kind", { options: KINDS }),
      input("开始日期", "start", { type: "date", required: true }), input("开始", "startHalf", { options: HALVES }),
      input("结束日期", "end", { type: "date", required: true }), input("结束", "endHalf", { options: HALVES, value: "pm" }),
      input("事由", "reason", { type: "textarea" })),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "提交请假")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(form);
    const done = await mutate(`mutation($c: String!, $i: LeaveInput!) { requestLeave(center: $c, input: $i) { ${ERRORS} ... on LeaveRequest { id days currentStepLabel } } }`,
      { c: c.code, i: { kind: v.kind, start: v.start, end: v.end, startHalf: v.startHalf, endHalf: v.endHalf, reason: v.reason || "" } }, "requestLeave", form);
    if (done) reload(`已提交请假（${fmt.number(done.days)}天），待${done.currentStepLabel}`);
  });
  const decide = async (r, approve) => {
    const comment = approve ? "" : window.prompt("不同意的理由") || "";
    const done = await mutate(`mutation($l: ID!, $a: Boolean!, $m: String) { decideLeave(leave: $l, approve: $a, comment: $m) { ${ERRORS} ... on LeaveRequest { statusLabel handedOver } } }`,
      { l: r.id, a: approve, m: comment }, "decideLeave", null);
    if (done) reload(`请假单${done.statusLabel}${done.handedOver ? `，${done.handedOver}件在办件已移交顶岗人员` : ""}`);
  };
  const cancel = async (r) => {
    const done = await mutate(`mutation($l: ID!) { cancelLeave(leave: $l) { ${ERRORS} ... on LeaveRequest { statusLabel } } }`,
      { l: r.id }, "cancelLeave", null);
    if (done) reload("请假单已撤回");
  };
  const me = user.username;
  if (told.length) {
    page.append(h("section", { class: "card", id: "leave-messages" }, h("h2", null, "站内消息"),
      table([["时间", (m) => fmt.datetime(m.at)], ["内容", (m) => m.text]], told, { id: "leave-messages-table" })));
  }
  page.append(form, h("section", { class: "card" }, h("h2", null, "请假单"),
    table([
      ["请假人", (r) => r.displayName], ["类别", (r) => r.kindLabel],
      ["时间", (r) => `${fmt.date(r.start)}${half(r.startHalf)}至${fmt.date(r.end)}${half(r.endHalf)}`],
      ["天数", (r) => fmt.number(r.days)], ["审批环节", (r) => r.routeLabels.join(" → ")],
      // a step whose post fell vacant says who decides it in its place (窗口负责人空缺，由中心办公室审批)
      ["状态", (r) => (r.status === "pending" ? `待${r.waitingFor || r.currentStepLabel}` : r.statusLabel)],
      ["意见", (r) => r.decisions.map((d) => `${d.stepLabel}：${d.name}${d.actingPostLabel ? `（${d.actingPostLabel}代）` : ""}${d.approve ? "同意" : "不同意"}${d.comment ? `（${d.comment}）` : ""}`).join("；") || "—"],
      ["", (r) => h("div", { class: "actions-row" },
        r.canDecide ? h("button", { type: "button", class: "btn btn-primary", dataset: { approve: r.id }, onclick: () => decide(r, true) }, "同意") : null,
        r.canDecide ? h("button", { type: "button", class: "btn btn-secondary", dataset: { refuse: r.id }, onclick: () => decide(r, false) }, "不同意") : null,
        r.status === "pending" && r.username === me ? h("button", { type: "button", class: "btn btn-secondary", dataset: { cancel: r.id }, onclick: () => cancel(r) }, "撤回") : null)],
    ], rows, { id: "leave-table", empty: "没有请假单。", rowAttrs: (r) => ({ dataset: { leave: r.id, status: r.status } }) })));
}

async function registerTab(page, c, user, isCurrent) {
  const keeper = hasRole(user, KEEPERS, c.code);
  const data = await gql(`query($c: String!) { staffRegister(center: $c) { ${RECORD} } }`, { c: c.code });
  const devices = keeper ? (await gql(`query($c: String!) { clockDevices(center: $c) { id name windowName active } }`, { c: c.code })).clockDevices : [];
  if (!isCurrent()) return;
  const rows = data.staffRegister;
  const remove = async (r) => {
    const done = await mutate(`mutation($c: String!, $u: String!) { removeStaffRecord(center: $c, username: $u) { ${ERRORS} ... on StaffRecord { username } } }`,
      { c: c.code, u: r.username }, "removeStaffRecord", null);
    if (done) reload(`已从名册移除 ${r.displayName}`);
  };
  page.append(h("section", { class: "card" }, h("h2", null, "人员名册"),
    table([
      ["姓名", (r) => r.displayName], ["部门", (r) => r.departmentName || "—"], ["窗口", (r) => r.windowName || "—"],
      ["岗位", (r) => r.positionLabel], ["进驻日期", (r) => fmt.date(r.postedOn)],
      ["最低期限", (r) => (r.minTermMonths ? `${r.minTermMonths}个月（至${fmt.date(r.termEndsOn)}）` : "—")],
      ["AB岗顶岗", (r) => r.partnerName || "未确定"], ["考勤卡", (r) => r.card || "—"],
      ["投诉下岗", (r) => (r.removal ? h("span", { class: r.removal.startsWith("已确认") ? "badge alert-red" : "badge", dataset: { removal: r.username } },
        r.removalOn ? `已确认下岗（${fmt.date(r.removalOn)}起）` : r.removal) : "—")],  // the day as the other registers write it
      ["", (r) => (keeper ? h("button", { type: "button", class: "btn btn-danger", dataset: { remove: r.username }, onclick: () => remove(r) }, "移除") : null)],
    ], rows, { id: "register-table", empty: "名册中还没有人员。", rowAttrs: (r) => ({ dataset: { username: r.username } }) })));
  if (!keeper) return;
  const full = (await gql(`query($c: String!) { center(code: $c) { departments { code name } windows { code name } } }`, { c: c.code })).center;
  const form = h("form", { class: "card", id: "record-form", novalidate: true }, h("h2", null, "登记或修改"),
    h("div", { class: "group-fields" },
      input("账号", "username", { required: true }), input("岗位", "position", { options: POSITIONS }),
      input("部门", "department", { options: [["", "—"], ...full.departments.map((d) => [d.code, d.name])] }),
      input("窗口", "window", { options: [["", "—"], ...full.windows.map((w) => [w.code, w.name])] }),
      input("进驻日期", "postedOn", { type: "date", required: true }),
      input("最低进驻期限（月，不填用中心默认）", "minTermMonths", { type: "number" }),
      input("AB岗顶岗人员账号", "partner"), input("考勤卡号", "card")),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "保存")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(form);
    const i = { ...v, minTermMonths: v.minTermMonths === null ? null : Number(v.minTermMonths) };
    const done = await mutate(`mutation($c: String!, $i: StaffRecordInput!) { saveStaffRecord(center: $c, input: $i) { ${ERRORS} ... on StaffRecord { displayName } } }`,
      { c: c.code, i }, "saveStaffRecord", form);
    if (done) reload(`已保存 ${done.displayName} 的名册信息`);
  });
  const deviceForm = h("form", { class: "card", id: "device-form", novalidate: true }, h("h2", null, "考勤设备"),
    table([["名称", (d) => d.name], ["窗口", (d) => d.windowName || "—"], ["状态", (d) => (d.active ? "启用" : "停用")]], devices, { id: "device-table", empty: "还没有登记考勤设备。" }),
    h("div", { class: "group-fields" }, input("设备名称", "name", { required: true }),
      input("所在窗口", "window", { options: full.windows.map((w) => [w.code, w.name]) })),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-secondary" }, "登记设备")),
    h("div", { id: "device-token", "aria-live": "polite" }));
  deviceForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(deviceForm);
    const done = await mutate(`mutation($c: String!, $w: String!, $n: String!) { registerClockDevice(center: $c, window: $w, name: $n) { ${ERRORS} ... on RegisteredClockDevice { token device { name } } } }`,
      { c: c.code, w: v.window || "", n: v.name || "" }, "registerClockDevice", deviceForm);
    if (done) {
      deviceForm.querySelector("#device-token").replaceChildren(h("p", { class: "note note-success" },
        `已登记“${done.device.name}”。设备令牌（只显示这一次，请在该设备的读卡器页面输入）：`, h("code", { id: "new-device-token" }, done.token)));
    }
  });
  page.append(form, deviceForm);
}

const TOKEN_KEY = "govhall.staff.deviceToken";

function readerTab(page, c) {
  const token = h("input", { id: "reader-token", type: "password", value: localStorage.getItem(TOKEN_KEY) || "", autocomplete: "off" });
  const card = h("input", { id: "reader-card", autocomplete: "off" });
  const log = h("ul", { id: "reader-log", class: "plain-list", "aria-live": "polite" });
  const form = h("form", { class: "card", id: "reader-form" }, h("h2", null, "读卡器"),
    h("p", { class: "muted" }, `${c.name}：在窗口的考勤设备上打开此页，输入管理员登记设备时得到的令牌，然后逐一读卡。`),
    h("div", { class: "field" }, h("label", { for: "reader-token" }, "设备令牌"), token),
    h("div", { class: "field" }, h("label", { for: "reader-card" }, "考勤卡号"), card),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "读卡")), log);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    localStorage.setItem(TOKEN_KEY, token.value.trim());
    const done = await mutate(`mutation($t: String!, $card: String!) { deviceClockIn(deviceToken: $t, card: $card) { ${ERRORS} ... on ClockIn { username displayName slotLabel at } } }`,
      { t: token.value.trim(), card: card.value.trim() }, "deviceClockIn", null);
    if (done) {
      // the person at the reader checks the card is theirs by their name, not by a login name
      log.prepend(h("li", { dataset: { username: done.username } }, `${fmt.datetime(done.at)} ${done.displayName} ${done.slotLabel}`));
      showBanner(`${done.displayName} 已刷卡：${done.slotLabel}`, "success");
    }
    card.value = "";
    card.focus();
  });
  page.append(form);
}
