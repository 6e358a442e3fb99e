// 数据交换 (administrators): the outbox of events to the platforms above the county (pending,
// failed, dead letters; every attempt; re-send), and importing the provincial item catalogue into
// item drafts (preview, then import; what could not be mapped and what changed, item by item).
import { gql } from "../graphql.js";
import { h, note, fmt, hasRole, filePicker, jsonProblem } from "../ui.js";
import { pickCenter, mutate, ERRORS, table, tabs, seg, reload } from "./kit.js";

const ROLES = ["admin", "configurator"];
const STATES = [["dead", "死信"], ["failed", "失败待重试"], ["pending", "待投递"], ["delivering", "投递中"], ["delivered", "已送达"]];
const EVENT = "id eventId kind subject state stateLabel attempts nextAttemptAt createdAt deliveredAt lastError doneTargets";

export async function exchangeView({ page, params, query, user }) {
  const c = await pickCenter({ page, params, user, roles: ROLES, title: "数据交换", route: "exchange", missing: "您不是本中心的管理员或配置员。" });
  if (!c) return;
  const isAdmin = hasRole(user, ["admin"], c.code);
  const tab = query.get("tab") || (isAdmin ? "outbox" : "catalogue");
  const base = `#/exchange/${seg(c.code)}?tab=`;
  page.append(tabs([["outbox", "事件发件箱", `${base}outbox`], ["catalogue", "事项目录导入", `${base}catalogue`]], tab));
  const body = h("div", { id: `exchange-${tab}` });
  page.append(body);
  if (tab === "catalogue") return catalogue(body, c);
  if (!isAdmin) return body.append(note("只有管理员可以查看事件发件箱。", "error"));
  return outbox(body, c, query.get("state") || "dead");
}

// --------------------------------------------------------------------------- 事件发件箱

async function outbox(body, c, state) {
  const data = await gql(`query($c: String!, $s: String) { outboxSummary(center: $c) { pending delivering failed delivered dead }
      outboxEvents(center: $c, state: $s, first: 100) { ${EVENT} attemptLog { number target ok error worker startedAt finishedAt } } }`,
  { c: c.code, s: state });
  const counts = data.outboxSummary;
  const base = `#/exchange/${seg(c.code)}?tab=outbox&state=`;
  body.append(h("section", { class: "card", id: "outbox-summary" },
    h("h2", null, "事件发件箱"),
    h("p", { class: "muted" }, "办件、预警、评价、投诉、文书等变更与其事件同一事务写入，逐个投递到本中心配置的上级平台（电子监察、好差评等），至少送达一次；多次失败后成为死信，可在此重新投递。"),
    h("nav", { class: "shortcuts no-print", "aria-label": "状态" }, STATES.map(([key, label]) =>
      h("a", { href: `${base}${key}`, class: key === state ? "chip active" : "chip", dataset: { state: key } }, `${label} ${counts[key]}`)))));
  body.append(await connections(c));
  const rows = data.outboxEvents;
  body.append(h("section", { class: "card", id: "outbox-events" },
    h("h2", null, `${(STATES.find(([k]) => k === state) || [null, state])[1]}（${rows.length}）`),
    table([
      ["事件", (e) => h("span", null, h("code", null, e.kind), h("br"), h("small", { class: "muted event-id" }, e.eventId))],
      ["对象", (e) => e.subject],
      ["状态", (e) => (unsent(e) ? h("span", { class: "badge outbox-unsent", title: "没有连接订阅这种事件：只在本系统记录" }, "无订阅，未外发")
        : h("span", { class: `badge outbox-${e.state}` }, e.stateLabel))],
      ["尝试", (e) => String(e.attempts)],
      ["时间", (e) => (unsent(e) ? `记录 ${fmt.datetime(e.createdAt)}` : e.deliveredAt ? `送达 ${fmt.datetime(e.deliveredAt)}`
        : e.nextAttemptAt ? `下次 ${fmt.datetime(e.nextAttemptAt)}` : fmt.datetime(e.createdAt))],
      ["最近错误", (e) => e.lastError],
      ["", (e) => h("div", { class: "outbox-actions" }, ["dead", "failed"].includes(e.state) ? resendButton(e) : null, attempts(e))],
    ], rows, { id: "outbox-table", rowAttrs: (e) => ({ dataset: { event: e.eventId, state: e.state } }), empty: "没有这种状态的事件。" })));
}

/** A settled event no connection subscribed to: kept here, sent nowhere (not "已送达" to anyone). */
const unsent = (e) => e.state === "delivered" && !(e.doneTargets || []).length;

/** 上级平台连接: where the center's events go (the exchange plugin's connectors), what is wrong with
 * them and how their deliveries went; without the plugin or a connector, events are only kept here. */
async function connections(c) {
  const card = h("section", { class: "card", id: "exchange-connectors" }, h("h2", null, "上级平台连接"));
  if (!(c.plugins || []).includes("exchange")) {
    card.append(note("本中心未启用数据交换（exchange）功能：事件只在本系统记录，不向上级平台投递。启用后在中心文件 settings.exchange.connectors 中配置电子监察、好差评等连接。", "info"));
    return card;
  }
  const rows = (await gql(`query($c: String!) { exchangeConnectors(center: $c) { name type typeLabel url events signed problems
      acknowledged failed lastAttemptAt lastOk lastError } }`, { c: c.code })).exchangeConnectors;
  if (!rows.length) {
    card.append(note("本中心尚未配置上级平台连接（中心文件 settings.exchange.connectors）：事件只在本系统记录。", "info"));
    return card;
  }
  card.append(table([
    ["连接", (x) => h("span", null, h("strong", null, x.name), h("br"), h("small", { class: "muted" }, x.typeLabel))],
    ["地址", (x) => h("code", { class: "connector-url" }, x.url)],
    ["订阅事件", (x) => x.events.join("、")],
    ["签名", (x) => (x.signed ? "已签名" : "未签名")],
    ["投递", (x) => `成功 ${x.acknowledged} 次，失败 ${x.failed} 次`],
    ["最近一次", (x) => (x.lastAttemptAt ? `${fmt.datetime(x.lastAttemptAt)} ${x.lastOk ? "成功" : `失败：${x.lastError}`}` : "尚未投递")],
    ["配置问题", (x) => (x.problems.length ? h("ul", { class: "plain-list connector-problems" }, x.problems.map((p) => h("li", null, p))) : "无")],
  ], rows, { id: "connectors-table", rowAttrs: (x) => ({ dataset: { connector: x.name, ok: String(x.lastOk) } }) }));
  return card;
}

function attempts(e) {
  if (!e.attemptLog.length) return null;
  return h("details", { class: "attempts" }, h("summary", null, `投递记录（${e.attemptLog.length}）`),
    h("ol", { class: "compact attempt-log" }, e.attemptLog.map((a) => h("li", { dataset: { ok: String(a.ok) } },
      `第${a.number}次 ${fmt.datetime(a.finishedAt)} ${a.target || "（租约到期）"}：${a.ok ? "成功" : a.error}`,
      a.worker ? h("small", { class: "muted" }, ` · ${a.worker}`) : null))));
}

function resendButton(e) {
  const button = h("button", { type: "button", class: "btn btn-secondary resend", dataset: { event: e.eventId } }, "重新投递");
  button.addEventListener("click", async () => {
    button.disabled = true;
    const done = await mutate(`mutation($id: ID!) { resendOutboxEvent(id: $id) { ${ERRORS} ... on OutboxEvent { id state } } }`,
      { id: e.id }, "resendOutboxEvent", null);
    if (done) reload(`事件 ${e.eventId} 已重新排队投递`);
    else button.disabled = false;
  });
  return button;
}

// --------------------------------------------------------------------------- 事项目录导入

const STATUS = { created: "新建草稿", updated: "更新草稿", unchanged: "无变化", failed: "未导入" };

function catalogue(body, c) {
  const file = h("input", { type: "file", id: "catalogue-file", accept: ".json,.xlsx,application/json", class: "file-input" });
  const result = h("div", { id: "catalogue-result", "aria-live": "polite" });
  const form = h("form", { class: "card", id: "catalogue-import", novalidate: true }, h("h2", null, "导入省级事项目录"),
    h("p", { class: "muted" }, "选择省级政务服务事项管理系统导出的目录文件（JSON 或 XLSX）：按国家事项要素对应到事项草稿，列出未能对应的要素；已有事项保留表单和流程，只更新目录要素，并列出改动。先预览，再导入；导入后仍须在“配置”中发布。"),
    h("div", { class: "field", dataset: { path: "/catalogue" } }, filePicker(file, { label: "目录文件（JSON 或 XLSX）" }), h("div", { class: "field-error", role: "alert", hidden: true })),
    h("div", { class: "form-actions" },
      h("button", { type: "submit", class: "btn btn-secondary", name: "preview", id: "catalogue-preview" }, "预览"),
      h("button", { type: "submit", class: "btn btn-primary", name: "import", id: "catalogue-save" }, "导入为草稿")),
    result);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const dryRun = ev.submitter ? ev.submitter.name === "preview" : true;
    const chosen = file.files[0];
    const slot = form.querySelector(".field-error");
    slot.hidden = true;
    if (!chosen) {
      slot.textContent = "请选择目录文件";
      slot.hidden = false;
      return;
    }
    const variables = { c: c.code, dry: dryRun, cat: null, x: null };
    if (chosen.name.toLowerCase().endsWith(".xlsx")) {
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      let text = "";
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      variables.x = btoa(text);
    } else {
      let raw = "";
      try {
        raw = await chosen.text();
        variables.cat = JSON.parse(raw);
      } catch (error) {
        slot.textContent = `文件不是有效的 JSON：${jsonProblem(error, raw)}`;
        slot.hidden = false;
        return;
      }
    }
    const done = await mutate(`mutation($c: String!, $cat: JSON, $x: String, $dry: Boolean) {
        importItemCatalogue(center: $c, catalogue: $cat, xlsxBase64: $x, dryRun: $dry) { ${ERRORS}
          ... on CatalogueImport { dryRun created updated unchanged failed
            problems { path message }
            items { code name status changes { path description } unmapped { element value reason } problems { path message } } } } }`,
    variables, "importItemCatalogue", form);
    if (done) result.replaceChildren(report(done));
  });
  body.append(form);
}

function report(r) {
  return h("div", { id: "catalogue-report" },
    note(`${r.dryRun ? "预览（未保存）" : "已保存为草稿"}：新建 ${r.created}，更新 ${r.updated}，无变化 ${r.unchanged}，未导入 ${r.failed}`, r.failed ? "error" : "success"),
    ...r.problems.map((p) => note(p.message, "error")), // the file's own: 申请材料 rows no item has
    table([
      ["事项", (i) => h("span", null, i.name, h("br"), h("code", null, i.code))],
      ["结果", (i) => h("span", { class: `badge import-${i.status}` }, STATUS[i.status] || i.status)],
      ["改动", (i) => list(i.changes.map((x) => x.description))],
      ["未对应的要素", (i) => list(i.unmapped.map((u) => `${u.element}：${u.value}（${u.reason}）`))],
      ["问题", (i) => list(i.problems.map((p) => `${p.path || "/"}：${p.message}`))],
    ], r.items, { id: "catalogue-items", rowAttrs: (i) => ({ dataset: { code: i.code, status: i.status } }) }));
}

function list(lines) {
  return lines.length ? h("ul", { class: "compact" }, lines.map((l) => h("li", null, l))) : "";
}
