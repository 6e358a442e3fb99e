// 企业服务专区 (enterprise_zone): 代办帮办 (requests, assigning an agent, filing for the applicant),
// 预约 (book a period, a window's day, cancel), 开办大礼包 (hand-over at the pickup window) and the
// company-opening bundle's progress across its departments. Shown only in centers with the plugin.
import { gql } from "../graphql.js";
import { h, note, loading, fmt, todayISO, hasRole, debounce } from "../ui.js";
import { pickCenter, mutate, ERRORS, table, input, values, tabs, showBanner, seg, reload } from "./kit.js";

const PLUGIN = "enterprise_zone";
const ROLES = ["applicant", "agent", "clerk", "head", "supervisor", "pickup", "admin"];
const STAFF = ["clerk", "head", "supervisor", "pickup", "admin"];
const OPENING = "qykb-yjs";

/**
 * A person picker: type a name, ID number or mobile, choose from the matches (zonePeople). The
 * login name stays inside (`value()`), the user never types it.
 */
export function personPicker(centerCode, role, { id = "person-search", label = "查找申请人", initial = null } = {}) {
  let chosen = initial;
  const search = h("input", { type: "search", id, autocomplete: "off", placeholder: "姓名、身份证号码或手机号码" });
  const list = h("ul", { class: "person-results plain-list", role: "listbox" });
  const picked = h("p", { class: "person-picked", "aria-live": "polite" });
  function show() {
    picked.replaceChildren(chosen ? h("strong", null, `已选择：${chosen.displayName}${chosen.idNumber ? `（${chosen.idNumber}）` : ""}`) : "");
  }
  const find = debounce(async () => {
    const text = search.value.trim();
    if (!text) {
      list.replaceChildren();
      return;
    }
    try {
      const data = await gql(`query($c: String!, $r: String!, $s: String!) { zonePeople(center: $c, role: $r, search: $s) {
          username displayName idNumber phone } }`, { c: centerCode, r: role, s: text });
      list.replaceChildren(...(data.zonePeople.length ? data.zonePeople.map((p) => h("li", null,
        h("button", { type: "button", class: "btn btn-link", dataset: { person: p.username }, onclick: () => { chosen = p; list.replaceChildren(); show(); } },
          `${p.displayName} ${p.idNumber || ""} ${p.phone || ""}`.trim()))) : [h("li", { class: "muted" }, "没有找到，请换个关键字。")]));
    } catch (error) {
      list.replaceChildren(h("li", { class: "note note-error" }, error.message));
    }
  }, 250);
  search.addEventListener("input", find);
  show();
  const element = h("div", { class: "person-picker" }, h("label", { for: id }, label), search, list, picked);
  // typed but not picked: the caller must not file as if the box were empty
  const pending = () => !chosen && search.value.trim() !== "";
  return { element, value: () => (chosen ? chosen.username : null), person: () => chosen, pending };
}

export async function zoneView({ page, params, query, user, isCurrent }) {
  const c = await pickCenter({ page, params, user, roles: ROLES, plugin: PLUGIN, title: "企业服务专区", route: "zone",
    missing: "您所在的中心没有启用企业服务专区。" });
  if (!c) return;
  const staff = hasRole(user, STAFF, c.code);
  const tab = query.get("tab") || "agency";
  const base = `#/zone/${seg(c.code)}?tab=`;
  page.append(tabs([
    ["agency", "代办帮办", `${base}agency`],
    ["appointments", "预约服务", `${base}appointments`],
    ["giftpacks", "开办大礼包", `${base}giftpacks`],
    ...(staff ? [["bundle", "企业开办进度", `${base}bundle`]] : []),
  ], tab));
  const body = h("div", { id: `zone-${tab}` }, loading());
  page.append(body);
  // one request per tab: what the tab shows, with the items its forms offer
  const dated = tab === "appointments";
  const data = await gql(`query($c: String!${dated ? ", $d: Date!" : ""}) { ${TAB_QUERIES[tab] || TAB_QUERIES.agency} }`,
    dated ? { c: c.code, d: todayISO() } : { c: c.code });
  if (!isCurrent()) return;
  // 内部事项 (the staff leave form…) are filed by the center's staff only, never for or by an enterprise
  if (data.items) data.items = data.items.filter((i) => i.itemType !== INTERNAL_ITEM);
  body.replaceChildren();
  if (tab === "appointments") await appointments(body, c, user, data);
  else if (tab === "giftpacks") giftPacks(body, c, user, data);
  else if (tab === "bundle") bundle(body, c, data);
  else agency(body, c, user, data);
}

const INTERNAL_ITEM = "内部事项"; // as hall.js (which imports this module)
const APPOINTMENT_FIELDS = "id itemName date period delayed status statusLabel userName createdAt";
const APPOINTMENTS = `appointments(center: $c, date: $d) { ${APPOINTMENT_FIELDS} }`;
const UPCOMING = `query($c: String!) { appointments(center: $c) { ${APPOINTMENT_FIELDS} } }`; // 今天及以后
const TAB_QUERIES = {
  agency: `items(center: $c) { code name itemType } agencyRequests(center: $c) { id itemCode itemName applicant applicantName contactMobile note status statusLabel agentName assignedAt caseId caseNumber createdAt }`,
  appointments: `items(center: $c) { code name itemType } appointmentPeriods(center: $c, date: $d) { period delayed } ${APPOINTMENTS}`,
  giftpacks: `giftPacks(center: $c) { id caseId caseNumber enterpriseName contents delivery mailingAddress status statusLabel receiver handedOverBy handedOverAt hints { text warning } }`,
  bundle: `cases(center: $c, first: 100) { edges { node {
      id number state stateLabel applicantName submittedAt item { code name } tasks { departmentName lead state stateLabel due comment } } } }`,
};

// --------------------------------------------------------------------------- 代办帮办

function agency(body, c, user, data) {
  const items = data.items;
  const isHead = hasRole(user, ["head"], c.code);
  const isAgent = hasRole(user, ["agent"], c.code);
  const isStaff = hasRole(user, STAFF, c.code);
  if (!isStaff && !isAgent) {
    const form = h("form", { class: "card", id: "agency-request", novalidate: true }, h("h2", null, "申请免费代办帮办"),
      input("办理事项", "item", { options: items.map((i) => [i.code, i.name]), value: OPENING, required: true }),
      input("联系手机", "contactMobile", { required: true }),
      input("需要帮助的事项（可不填）", "note", { type: "textarea" }),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "提交代办申请")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const v = values(form);
      const done = await mutate(`mutation($c: String!, $i: String!, $m: String!, $n: String) {
          requestAgency(center: $c, item: $i, contactMobile: $m, note: $n) { ${ERRORS} ... on AgencyRequest { id statusLabel } } }`,
      { c: c.code, i: v.item, m: v.contactMobile || "", n: v.note }, "requestAgency", form);
      if (done) {
        reload(`代办申请已提交（${done.statusLabel}），代办员将与您联系`);
      }
    });
    body.append(form);
  }
  const box = h("section", { class: "card" }, h("h2", null, isAgent ? "指派给我的代办" : isStaff ? "代办帮办申请" : "我的代办申请"));
  box.append(table([
    ["申请时间", (r) => fmt.datetime(r.createdAt)],
    ["事项", (r) => r.itemName],
    ["申请人", (r) => r.applicantName],
    ["联系手机", (r) => r.contactMobile],
    ["说明", (r) => r.note || "—"],
    ["状态", (r) => h("span", { class: "badge" }, r.statusLabel)],
    ["代办员", (r) => r.agentName || "—"],
    ["办件", (r) => (r.caseId ? h("a", { href: `#/case/${seg(c.code)}/${seg(r.caseId)}` }, r.caseNumber) : "—")],
    ["", (r) => {
      if (isHead && ["pending", "assigned"].includes(r.status)) return assignBox(c, r);
      if (isAgent && r.status === "assigned") {
        return h("a", { class: "btn btn-primary", href: `#/hall/${seg(c.code)}/item/${seg(r.itemCode)}/apply?for=${encodeURIComponent(r.applicant)}&forName=${encodeURIComponent(r.applicantName)}`, dataset: { file: r.id } }, "代为申报");
      }
      return "";
    }],
  ], data.agencyRequests, { id: "agency-table", empty: "暂无代办申请。" }));
  body.append(box);
  if (isAgent) {
    // an applicant who came to the window without a request: find them, then file for them
    const picker = personPicker(c.code, "applicant", { id: "agent-applicant" });
    const item = input("办理事项", "agentItem", { options: items.map((i) => [i.code, i.name]), value: OPENING });
    const go = h("button", { type: "button", class: "btn btn-primary", id: "agent-file" }, "为该申请人申报");
    go.addEventListener("click", () => {
      const p = picker.person();
      if (!p) return showBanner("请先查找并选择申请人");
      location.hash = `#/hall/${seg(c.code)}/item/${seg(item.querySelector("select").value)}/apply?for=${encodeURIComponent(p.username)}&forName=${encodeURIComponent(p.displayName)}`;
    });
    body.append(h("section", { class: "card" }, h("h2", null, "代为申报"), picker.element, item, go));
  }
}

function assignBox(c, r) {
  const picker = personPicker(c.code, "agent", { id: `agent-for-${r.id}`, label: "指派代办员" });
  const go = h("button", { type: "button", class: "btn btn-primary", dataset: { assign: r.id } }, r.status === "assigned" ? "改派" : "指派");
  // the error shows under the picker (a field inside the box the errors are shown in)
  const wrap = h("div", { class: "assign" }, h("div", { dataset: { path: "/agentUsername" } }, picker.element, h("div", { class: "field-error", hidden: true })), go);
  go.addEventListener("click", async () => {
    const done = await mutate(`mutation($r: ID!, $a: String!) { assignAgent(request: $r, agentUsername: $a) { ${ERRORS} ... on AgencyRequest { id agentName } } }`,
      { r: r.id, a: picker.value() || "" }, "assignAgent", wrap);
    if (done) {
      reload(`已指派代办员 ${done.agentName}，并短信告知申请人`);
    }
  });
  return wrap;
}

// --------------------------------------------------------------------------- 预约

async function appointments(body, c, user, first) {
  const isStaff = hasRole(user, [...STAFF, "agent"], c.code);
  const { items, appointmentPeriods: periods } = first;
  const form = h("form", { class: "card", id: "book-form", novalidate: true }, h("h2", null, "预约办事"),
    input("办理事项", "item", { options: items.map((i) => [i.code, i.name]), required: true }),
    input("日期", "date", { type: "date", value: todayISO(), required: true }),
    input("时段", "period", { options: periods.map((p) => [p.period, p.delayed ? `${p.period}（延时服务）` : p.period]), required: true }),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "预约")));
  // the periods of the chosen day: a working day's, a duty Saturday's (where the center keeps one), or none
  const periodSelect = form.querySelector("#f-period");
  const closed = h("p", { class: "note note-error", id: "day-closed", hidden: periods.length > 0 }, "该日不办公，请选择其他日期。");
  periodSelect.closest(".field").append(closed);
  form.querySelector("#f-date").addEventListener("change", async (ev) => {
    const data = await gql(`query($c: String!, $d: Date!) { appointmentPeriods(center: $c, date: $d) { period delayed } }`, { c: c.code, d: ev.target.value })
      .catch(() => ({ appointmentPeriods: [] }));
    const keep = periodSelect.value; // a period already chosen stays chosen when the day offers it
    periodSelect.replaceChildren(...data.appointmentPeriods.map((p) => h("option", { value: p.period, selected: p.period === keep }, p.delayed ? `${p.period}（延时服务）` : p.period)));
    closed.hidden = data.appointmentPeriods.length > 0;
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(form);
    const done = await mutate(`mutation($c: String!, $i: String!, $d: Date!, $p: String!) {
        bookAppointment(center: $c, item: $i, date: $d, period: $p) { ${ERRORS} ... on Appointment { id date period } } }`,
    { c: c.code, i: v.item, d: v.date, p: v.period }, "bookAppointment", form);
    if (done) {
      showBanner(`已预约 ${fmt.date(done.date)} ${done.period}`, "success");
      day.value = done.date;
      await loadDay();
    }
  });
  // staff look at one day of the window; an applicant at everything they booked from today on,
  // whatever day it is for (a list by day would say 当日没有预约 the next time they look)
  const day = h("input", { type: "date", id: "day", value: todayISO() });
  const list = h("div", { id: "day-list" });
  async function loadDay(given = null) {
    const data = isStaff
      ? given || (await gql(`query($c: String!, $d: Date!) { ${APPOINTMENTS} }`, { c: c.code, d: day.value }))
      : await gql(UPCOMING, { c: c.code });
    list.replaceChildren(table([
      ...(isStaff ? [] : [["日期", (a) => fmt.date(a.date)]]),
      ["时段", (a) => `${a.period}${a.delayed ? "（延时）" : ""}`],
      ["事项", (a) => a.itemName],
      ["预约人", (a) => a.userName],
      ["状态", (a) => a.statusLabel],
      ["", (a) => (a.status === "booked" ? h("button", { type: "button", class: "btn btn-danger", dataset: { cancel: a.id }, onclick: async () => {
        if (!window.confirm(`取消 ${a.period} 的预约？`)) return;
        const done = await mutate(`mutation($a: ID!) { cancelAppointment(appointment: $a) { ${ERRORS} ... on Appointment { id statusLabel } } }`, { a: a.id }, "cancelAppointment", list);
        if (done) {
          showBanner("预约已取消", "success");
          await loadDay();
        }
      } }, "取消") : "")],
    ], data.appointments, { id: "appointments-table", empty: isStaff ? "当日没有预约。" : "您今天及以后没有预约。" }));
  }
  day.addEventListener("change", () => loadDay());
  body.append(form, isStaff
    ? h("section", { class: "card" }, h("h2", null, "窗口当日预约"), h("label", { class: "inline" }, "日期 ", day), list)
    : h("section", { class: "card" }, h("h2", null, "我的预约"), h("p", { class: "muted" }, "今天及以后的预约，按日期排列。"), list));
  await loadDay(first);
}

// --------------------------------------------------------------------------- 开办大礼包

function giftPacks(body, c, user, data) {
  const canHand = hasRole(user, ["pickup", "clerk", "head", "admin"], c.code);
  body.append(h("section", { class: "card" }, h("h2", null, "企业开办大礼包"), table([
    ["办件", (g) => h("a", { href: `#/case/${seg(c.code)}/${seg(g.caseId)}` }, g.caseNumber)],
    ["企业名称", (g) => g.enterpriseName],
    ["内容", (g) => h("ul", { class: "plain-list" }, g.contents.map((x) => h("li", null, x)))],
    ["领取方式", (g) => [`${g.delivery}${g.mailingAddress ? `：${g.mailingAddress}` : ""}`, giftPackHints(g)]],
    ["状态", (g) => g.statusLabel],
    ["领取人", (g) => (g.handedOverAt ? `${g.receiver}（${g.handedOverBy || ""} ${fmt.datetime(g.handedOverAt)}）` : canHand ? handOver(g) : "—")],
  ], data.giftPacks, { id: "giftpacks-table", empty: "暂无大礼包。" })));
}

/** A waiting pack's hints for handing it over here in person (asked for by post: ask the applicant
 * first); a warning never blocks the hand-over. */
function giftPackHints(g) {
  return (g.hints || []).map((hint) => h("p", { class: `gift-hint${hint.warning ? " gift-warning" : ""}` }, hint.warning ? `注意：${hint.text}` : hint.text));
}

function handOver(g) {
  const receiver = h("input", { type: "text", name: "receiver", placeholder: "领取人姓名" });
  const wrap = h("div", { class: "field", dataset: { path: "/receiver" } }, receiver,
    h("button", { type: "button", class: "btn btn-primary", dataset: { handover: g.id }, onclick: async () => {
      const done = await mutate(`mutation($g: ID!, $r: String!) { handOverGiftPack(giftPack: $g, receiver: $r) { ${ERRORS} ... on GiftPack { id statusLabel } } }`,
        { g: g.id, r: receiver.value.trim() }, "handOverGiftPack", wrap);
      if (done) {
        reload("大礼包已发放");
      }
    } }, "发放"), h("div", { class: "field-error", hidden: true }));
  return wrap;
}

// --------------------------------------------------------------------------- 企业开办进度

function bundle(body, c, data) {
  const rows = data.cases.edges.map((e) => e.node).filter((x) => x.item.code === OPENING);
  body.append(h("section", { class: "card" }, h("h2", null, "企业开办“一件事”各部门办理进度"), rows.length
    ? rows.map((r) => h("div", { class: "bundle", dataset: { bundle: r.number } },
        h("h3", null, h("a", { href: `#/case/${seg(c.code)}/${seg(r.id)}` }, r.number), ` ${r.applicantName} · ${r.stateLabel}`),
        table([
          ["部门", (t) => `${t.departmentName}${t.lead ? "（牵头）" : ""}`],
          ["进度", (t) => h("span", { class: `badge task-${t.state}` }, t.stateLabel || t.state)],
          ["期限", (t) => fmt.date(t.due)],
          ["意见", (t) => t.comment || "—"],
        ], r.tasks, { empty: "受理后生成各部门任务。" })))
    : note("暂无企业开办办件。")));
}
