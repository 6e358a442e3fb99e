// 办事大厅: choose a center, find an item, read its guide (办事指南), fill and submit its form.
import { gql, session, userErrorsOf, showBanner, showUserErrors, reportError, refusedInput, hasQuery, hasMutation } from "../graphql.js";
import { h, section, note, loading, seg, debounce, fmt, KIND_LABELS, hasRole, STAFF_ROLES } from "../ui.js";
import { centers, center as getCenter, currentCenter, departmentName } from "../store.js";
import { renderForm, fillBlanks } from "../form.js";
import { materialsUploader } from "../materials.js";
import { personPicker } from "./zone.js";
import { partyAnswers } from "./walkin.js";
import { table } from "./kit.js";

const ITEM_FIELDS = "code name version kind itemType legalDays promisedDays department jointDepartments process elements form publishedAt";
const CHANNELS = { window: "窗口办理", web: "网上办理", mobile: "移动端办理", courier: "快递申请/送达" };

function breadcrumb(...parts) {
  return h("nav", { class: "breadcrumb", "aria-label": "当前位置" },
    parts.map((p, i) => [i ? h("span", { class: "sep", "aria-hidden": "true" }, " › ") : null, p.href ? h("a", { href: p.href }, p.label) : h("span", null, p.label)]),
  );
}

function shortDays(n) {
  return n === 0 ? "当场办结" : `${n} 个工作日`;
}

function days(n) {
  return n === 0 ? "即办（当场或当日办结）" : `${n} 个工作日`;
}

// --------------------------------------------------------------------------- centers

export async function hallView({ page }) {
  page.append(h("h1", null, "办事大厅"), h("p", { class: "lead" }, "请选择办事的政务服务中心。"));
  const list = h("div", { class: "tiles" }, loading());
  page.append(list);
  // 办件进度查询 for visitors (signed in, 我的办件 lists one's cases): the receipt's number is enough
  if (!session.user) {
    page.append(h("a", { class: "card progress-entry", id: "progress-entry", href: "#/progress" },
      h("strong", null, "办件进度查询"), h("span", { class: "muted" }, "已在窗口或网上申请？凭受理编号和证件号码后六位查询办理进度，无需登录。")));
  }
  const all = await centers();
  list.replaceChildren(
    ...all.map((c) =>
      h("a", { class: "tile", href: `#/hall/${seg(c.code)}`, dataset: { center: c.code }, onclick: () => currentCenter.set(c.code) },
        h("span", { class: "tile-title" }, c.name),
        h("span", { class: "tile-sub" }, `${c.departments.length} 个进驻部门 · ${c.windows.length} 个窗口`),
      ),
    ),
  );
  if (!all.length) list.replaceChildren(note("暂无政务服务中心。"));
}

// --------------------------------------------------------------------------- items

/** 内部事项 (a staff leave form…) are the center's own: listed for its staff, not for the public. */
export const INTERNAL_ITEM = "内部事项";

export async function itemsView({ page, params, query, user, isCurrent }) {
  const [code] = params;
  const c = await getCenter(code);
  if (!c) {
    page.append(h("h1", null, "未找到该中心"), h("p", null, h("a", { href: "#/hall" }, "返回选择中心")));
    return;
  }
  currentCenter.set(code);
  const search = h("input", { type: "search", id: "item-search", placeholder: "输入事项名称、编码或俗称，如“设立登记”“开饭店”", value: query.get("q") || "", "aria-label": "搜索事项" });
  const dept = h("select", { id: "item-dept", "aria-label": "按部门筛选" },
    h("option", { value: "" }, "全部部门"),
    c.departments.map((d) => h("option", { value: d.code, selected: d.code === query.get("dept") }, d.name)),
  );
  // what was searched stays in the address (no new history entry): 返回 from a guide finds it again
  const keepInAddress = () => {
    if (!isCurrent()) return; // a search still waiting when the applicant went on to a guide
    const kept = new URLSearchParams();
    if (search.value.trim()) kept.set("q", search.value.trim());
    if (dept.value) kept.set("dept", dept.value);
    const hash = `#/hall/${seg(code)}${kept.toString() ? `?${kept}` : ""}`;
    if (location.hash !== hash) history.replaceState(history.state, "", hash);
  };
  const results = h("div", { class: "item-list", "aria-live": "polite" }, loading());
  const notices = h("div", { id: "complaint-results" });
  page.append(
    breadcrumb({ label: "办事大厅", href: "#/hall" }, { label: c.name }),
    h("h1", null, c.name),
    h("form", { class: "searchbar", role: "search", onsubmit: (e) => { e.preventDefault(); load(); } },
      search, dept, h("button", { type: "submit", class: "btn btn-primary" }, "搜索"),
    ),
    results,
    notices,
  );

  let items = [];
  let ticket = 0;
  async function load() {
    ticket += 1;
    const mine = ticket;
    results.replaceChildren(loading());
    keepInAddress();
    try {
      const data = await gql(
        `query($c: String!, $s: String) { items(center: $c, search: $s) { code name kind itemType legalDays promisedDays department } }`,
        { c: code, s: search.value.trim() || null },
      );
      if (mine !== ticket || !isCurrent()) return;
      items = data.items;
      show();
    } catch (error) {
      results.replaceChildren(note(`事项加载失败：${error.message}`, "error"));
    }
  }
  function show() {
    const staff = hasRole(user, [...STAFF_ROLES, "configurator"], code);
    const shown = items.filter((it) => (!dept.value || it.department === dept.value) && (staff || it.itemType !== INTERNAL_ITEM));
    if (!shown.length) {
      results.replaceChildren(note(search.value.trim() ? `没有找到与“${search.value.trim()}”相关的事项。` : "本中心暂无已发布的事项。"));
      return;
    }
    const names = new Map(c.departments.map((d) => [d.code, d.name]));
    results.replaceChildren(
      h("p", { class: "muted" }, `共 ${shown.length} 项`),
      ...shown.map((it) =>
        h("article", { class: "item-card", dataset: { item: it.code } },
          h("div", { class: "item-main" },
            h("h2", null, h("a", { href: `#/hall/${seg(code)}/item/${seg(it.code)}` }, it.name)),
            h("p", { class: "meta" },
              h("span", { class: "tag" }, it.itemType || "事项"),
              h("span", { class: "tag tag-kind" }, KIND_LABELS[it.kind] || it.kind),
              h("span", null, names.get(it.department) || it.department),
              h("span", null, `承诺 ${shortDays(it.promisedDays)} · 法定 ${shortDays(it.legalDays)}`),
            ),
          ),
          h("div", { class: "item-ops" },
            h("a", { class: "btn btn-secondary", href: `#/hall/${seg(code)}/item/${seg(it.code)}` }, "办事指南"),
            h("a", { class: "btn btn-primary", href: `#/hall/${seg(code)}/item/${seg(it.code)}/apply` }, "在线申报"),
          ),
        ),
      ),
    );
  }
  search.addEventListener("input", debounce(load, 300));
  dept.addEventListener("change", () => { keepInAddress(); show(); });
  await Promise.all([load(), complaintResults(code, notices)]);
}

/** 投诉处理结果公示: the results of the center's anonymous complaints (12345, the box), which have nobody to
 * answer in writing; what they concerned and the result, never who complained or what they wrote; those
 * within the center's 公示期 (the card says how long). */
async function complaintResults(code, host) {
  try {
    const data = await gql(`query($c: String!) { center(code: $c) { complaintPublicityDays }
      publishedComplaintResults(center: $c) { id category subject publishedOn result finding } }`, { c: code });
    const rows = data.publishedComplaintResults;
    if (!rows.length) return; // nothing published: no empty card on the applicant's page
    const days = data.center && data.center.complaintPublicityDays; // results older than that are no longer listed
    host.replaceChildren(section("投诉处理结果公示",
      h("p", { class: "muted", id: "complaint-results-period" },
        `匿名投诉（12345热线转办、意见箱）无从书面答复，处理结果在此公示${days ? `，公示期${days}天` : ""}。`),
      table([["公示日期", (k) => fmt.date(k.publishedOn)], ["类别", (k) => k.category], ["涉及", (k) => k.subject],
        ["处理结果", (k) => k.result], ["核查结论", (k) => k.finding || "核查中"]],
      rows, { id: "complaint-results-table", rowAttrs: (k) => ({ dataset: { complaint: k.id } }) })));
  } catch (error) {
    host.replaceChildren(note(`投诉处理结果公示加载失败：${error.message}`, "error"));
  }
}

// --------------------------------------------------------------------------- guide

async function loadItem(centerCode, code) {
  const data = await gql(`query($c: String!, $i: String!) { item(center: $c, code: $i) { ${ITEM_FIELDS} } }`, { c: centerCode, i: code });
  return data.item;
}

function list(values) {
  if (!Array.isArray(values) || !values.length) return note("（未公布）");
  return h("ol", { class: "plain-list" }, values.map((v) => h("li", null, String(v))));
}

function materialsTable(materials) {
  if (!Array.isArray(materials) || !materials.length) return note("无需提交材料。");
  return h("div", { class: "table-wrap" },
    h("table", { class: "data-table materials" },
      h("thead", null, h("tr", null, ["序号", "材料名称", "主件/辅件", "原件", "复印件", "是否必备", "出具机构", "备注"].map((t) => h("th", null, t)))),
      h("tbody", null,
        materials.map((m, i) =>
          h("tr", null,
            h("td", { "data-label": "序号" }, String(i + 1)),
            h("td", { "data-label": "材料名称" }, m.name),
            h("td", { "data-label": "主件/辅件" }, h("span", { class: `tag ${m.role === "main" ? "tag-main" : "tag-secondary"}` }, m.role === "main" ? "主件" : "辅件")),
            h("td", { "data-label": "原件" }, String(m.originals ?? "—")),
            h("td", { "data-label": "复印件" }, String(m.copies ?? "—")),
            h("td", { "data-label": "是否必备" }, m.required ? "必备" : "特定情形"),
            h("td", { "data-label": "出具机构" }, m.issuer || "—"),
            h("td", { "data-label": "备注" }, m.note || ""),
          ),
        ),
      ),
    ),
  );
}

function feesText(fees) {
  if (!fees) return "（未公布）";
  if (!fees.charged) return `不收费${fees.basis ? `（${fees.basis}）` : ""}`;
  return `收费：每件 ${fmt.number(fees.amount)} 元${fees.basis ? `；依据：${fees.basis}` : ""}`;
}

/** 又称：the keywords (俗称) the item is also searched by, so an applicant who typed 开饭店 sees why it was found. */
function akaLine(keywords) {
  const words = Array.isArray(keywords) ? keywords.filter((k) => typeof k === "string" && k) : [];
  return words.length ? h("p", { class: "muted aka" }, `又称：${words.join("、")}`) : null;
}

function factRow(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return [h("dt", null, label), h("dd", null, value)];
}

export async function guideView({ page, params }) {
  const [centerCode, code] = params;
  const [c, item] = await Promise.all([getCenter(centerCode), loadItem(centerCode, code)]);
  if (!item) {
    page.append(h("h1", null, "未找到该事项"), h("p", null, h("a", { href: `#/hall/${seg(centerCode)}` }, "返回事项列表")));
    return;
  }
  currentCenter.set(centerCode);
  const e = item.elements || {};
  const deptName = await departmentName(centerCode, item.department);
  const joint = await Promise.all((item.jointDepartments || []).map((d) => departmentName(centerCode, d)));
  const phones = e.phones || {};
  page.append(
    breadcrumb({ label: "办事大厅", href: "#/hall" }, { label: c ? c.name : centerCode, href: `#/hall/${seg(centerCode)}` }, { label: item.name }),
    h("div", { class: "page-head" },
      h("div", null, h("h1", null, item.name), akaLine(e.keywords), h("p", { class: "meta" }, h("span", { class: "tag" }, item.itemType || "事项"), h("span", { class: "tag tag-kind" }, KIND_LABELS[item.kind] || item.kind), h("span", null, `版本 ${item.version ?? "—"}`))),
      h("a", { class: "btn btn-primary btn-large", href: `#/hall/${seg(centerCode)}/item/${seg(code)}/apply` }, "在线申报"),
    ),
    h("div", { class: "guide" },
      section("基本信息", h("dl", { class: "facts" },
        factRow("实施部门", deptName),
        joint.length ? factRow("共同实施部门", joint.join("、")) : null,
        factRow("基本编码", e.basicCode),
        factRow("服务对象", Array.isArray(e.serviceObject) ? e.serviceObject.join("、") : null),
        factRow("办理形式", Array.isArray(e.channels) ? e.channels.map((x) => CHANNELS[x] || x).join("、") : null),
        factRow("到现场次数", e.visits !== undefined ? `最多 ${e.visits} 次` : null),
        factRow("办理结果", e.resultName),
      )),
      section("设定依据", list(e.legalBasis)),
      section("受理条件", list(e.conditions)),
      section("申报材料", h("p", { class: "muted" }, "主件缺失的不予受理；辅件欠缺的可先受理，一次性告知补齐（补办件）。"), materialsTable(e.materials)),
      section("办理时限", h("dl", { class: "facts" },
        factRow("法定期限", days(item.legalDays)),
        factRow("承诺期限", days(item.promisedDays)),
        factRow("时限说明", e.timeLimitNote),
      )),
      section("收费", h("p", null, feesText(e.fees))),
      section("办理窗口", h("dl", { class: "facts" },
        factRow("办理地点", e.place),
        factRow("办理时间", e.hours),
        factRow("咨询电话", phones.consultation),
        factRow("监督投诉电话", phones.supervision),
      )),
      Array.isArray(e.faq) && e.faq.length
        ? section("常见问题", ...e.faq.map((q) => h("details", { class: "faq" }, h("summary", null, q.question), h("p", null, q.answer))))
        : null,
    ),
    h("p", { class: "actions-row" }, h("a", { class: "btn btn-primary btn-large", href: `#/hall/${seg(centerCode)}/item/${seg(code)}/apply` }, "在线申报")),
  );
}

// --------------------------------------------------------------------------- apply

/**
 * Where the unsent form is kept: per user, and for a clerk or agent filing for someone (`?for=`) per
 * applicant too, so one walk-in's answers never fill the next one's form. `null`: keep none (a clerk or
 * agent who has not named the applicant yet may be filing for anybody).
 */
function draftKey(centerCode, code, { forUser = null, filesForOthers = false } = {}) {
  const user = session.user ? session.user.username : "anonymous";
  if (filesForOthers && !forUser) return null;
  return forUser ? `govhall.draft.${user}.for.${forUser}.${centerCode}.${code}` : `govhall.draft.${user}.${centerCode}.${code}`;
}

/** Where the unsent form is kept, said where the draft is mentioned: nowhere but this browser. */
const DEVICE_ONLY = "草稿仅保存在本设备的浏览器中，换用其他手机或电脑、清除浏览器数据后将无法恢复。";

/** A random key for one filling of a form (submitCase's submitKey). */
function newSubmitKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function applyView({ page, params, query, user }) {
  const [centerCode, code] = params;
  const [c, item] = await Promise.all([getCenter(centerCode), loadItem(centerCode, code)]);
  if (!item) {
    page.append(h("h1", null, "未找到该事项"), h("p", null, h("a", { href: `#/hall/${seg(centerCode)}` }, "返回事项列表")));
    return;
  }
  currentCenter.set(centerCode);
  page.append(
    breadcrumb(
      { label: "办事大厅", href: "#/hall" },
      { label: c ? c.name : centerCode, href: `#/hall/${seg(centerCode)}` },
      { label: item.name, href: `#/hall/${seg(centerCode)}/item/${seg(code)}` },
      { label: "在线申报" },
    ),
    h("h1", null, `在线申报：${item.name}`),
  );
  if (!session.token) {
    page.append(section("请先登录", h("p", null, "在线申报需要登录，以便您随时查看办理进度、领取结果。"),
      h("a", { class: "btn btn-primary", href: `#/login?next=${encodeURIComponent(`/hall/${centerCode}/item/${code}/apply`)}` }, "登录后申报")));
    return;
  }

  if (!(await hasMutation("submitCase"))) {
    page.append(note("在线申报暂未开放（服务端尚未提供办件提交功能），请到窗口办理或稍后再试。"));
    return;
  }
  const forUser = query && query.get("for");
  const filesForOthers = hasRole(user, ["clerk", "head", "agent"], centerCode);
  const key = draftKey(centerCode, code, { forUser, filesForOthers });
  const saved = key ? localStorage.getItem(key) : null;
  const filesKey = key ? `${key}.materials` : null; // the files chosen for the unsent form
  // this filling's own key, sent with it (submitKey) and kept until it is filed: tapped again after the
  // answer was lost on a phone's connection (or after a reload), the server answers the case already filed
  const sendKey = key ? `${key}.submitKey` : null;
  let submitKey = (sendKey && localStorage.getItem(sendKey)) || newSubmitKey();
  const forget = () => {
    if (saveDraft.cancel) saveDraft.cancel();
    localStorage.removeItem(key);
    localStorage.removeItem(filesKey);
    if (sendKey) localStorage.removeItem(sendKey);
  };
  const restoreNote = h("div");
  let savedFiles = [];
  try {
    savedFiles = (filesKey && JSON.parse(localStorage.getItem(filesKey) || "[]")) || [];
  } catch {
    savedFiles = [];
  }

  // 代办: the agent finds the applicant by name, ID number or mobile (never types a login name); a
  // window clerk comes here with ?for= after registering a walk-in party (工作台's 现场申请人), or names the
  // applicant here. A clerk's or head's filing for an applicant is 窗口受理 (channel window): they
  // take it in, they are no 代办人; left empty, they file for themselves, as anyone may
  const atCounter = hasRole(user, ["clerk", "head"], centerCode);
  const isAgent = hasRole(user, ["agent"], centerCode) || atCounter;
  const picker = isAgent && c && (c.plugins || []).includes("enterprise_zone")
    ? personPicker(centerCode, "applicant", { id: "on-behalf-of", label: atCounter ? "窗口受理：查找申请人" : "代办：查找申请人", initial: forUser ? { username: forUser, displayName: query.get("forName") || forUser } : null })
    : null;
  const walkIn = h("span", null, "无网上账号的，请先在",
    h("a", { href: `#/work/${seg(centerCode)}?walkin=1`, id: "walk-in-link" }, "工作台“现场申请人”"), "登记；");
  const typed = isAgent && !picker ? h("input", { type: "text", id: "on-behalf-of", autocomplete: "off", placeholder: "申请人的账号", value: forUser || "" }) : null;
  // who ?for= names, by name: a walk-in party's account name says nothing to the clerk
  const forName = typed && forUser && query.get("forName");
  const named = forName ? h("p", { class: "person-picked" }, h("strong", null, `申请人：${forName}`)) : null;
  if (named) typed.addEventListener("input", () => named.remove(), { once: true });
  const onBehalf = picker ? { get: () => picker.value() } : typed ? { get: () => typed.value.trim() || null } : null;
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-large" }, "提交申请");
  const status = h("div", { class: "submit-status", "aria-live": "polite" });
  const materials = (item.elements && item.elements.materials) || [];
  let saveDraft = () => {};
  const uploader = (await hasQuery("myMaterials")) ? await materialsUploader(materials, { initial: savedFiles, onChange: () => saveDraft() }) : null;
  // the form after the uploader: a file field bound to a material (材料（文件）) is answered by its files
  let form;
  try {
    form = renderForm(item.form, { files: uploader });
  } catch (error) {
    page.append(note(`该事项的表单无法显示：${error.message}`, "error"));
    return;
  }
  let restoredForm = false;
  if (saved) {
    try {
      form.setValue(JSON.parse(saved));
      restoredForm = true;
    } catch {
      localStorage.removeItem(key);
    }
  }
  // 窗口受理 for a walk-in party: its name and ID number or USCC, typed once at 现场申请人, fill the
  // form's applicant fields the clerk (or the restored draft) left blank
  const answers = atCounter && forUser ? await partyAnswers(centerCode, code, forUser) : null;
  if (answers) form.setValue(fillBlanks(form.getValue(), answers));
  const back = uploader ? uploader.restored : { found: 0, lost: 0 };
  if (restoredForm || back.found || back.lost) {
    restoreNote.append(h("p", { class: "note note-info", id: "draft-restored" },
      `已恢复您上次未提交的填写内容${back.found ? `和已上传的 ${back.found} 个材料文件` : ""}。${DEVICE_ONLY}`,
      back.lost ? `另有 ${back.lost} 个材料文件已失效（未随申请提交的上传会定期清理），请重新上传。` : "", " ",
      h("button", { type: "button", class: "btn btn-link", onclick: () => { forget(); location.reload(); } }, "清空重填")));
  }
  const formEl = h("form", { class: "apply-form card", novalidate: true },
    restoreNote,
    h("p", { class: "muted" }, "带 ", h("span", { class: "req" }, "*"), " 的为必填项。提交后如有问题，系统会在对应栏目旁一次性列出。"),
    // the draft is this browser's (localStorage): another phone, or cleared browser data, does not have it
    key && !restoreNote.hasChildNodes() ? h("p", { class: "muted", id: "draft-kept" }, `填写内容会自动保存为草稿，${DEVICE_ONLY}`) : null,
    picker || typed
      ? h("div", { class: "field", dataset: { path: "/onBehalfOf" } },
          typed ? h("label", { for: "on-behalf-of" }, atCounter ? "窗口受理：申请人账号" : "代办：申请人账号") : null,
          h("div", { class: "control" }, picker ? picker.element : typed, named),
          h("div", { class: "help" }, atCounter
            ? ["窗口受理：为现场申请人申报，办件记为窗口受理，您为首问负责人。", ...(forUser ? [] : [walkIn, "为您本人申报请留空。"])]
            : "代本人申报的请留空；代办须有已指派的代办申请，或随件上传申请人签署的授权委托书。代办帮办免费。"),
          h("div", { class: "field-error", role: "alert", hidden: true }))
      : null,
    form.element,
    uploader ? uploader.element : null,
    h("div", { class: "form-actions" }, submit, h("a", { class: "btn btn-secondary", href: `#/hall/${seg(centerCode)}/item/${seg(code)}` }, "查看办事指南")),
    status,
  );
  let sent = false; // once the case is submitted, a save still waiting (the last field's change) must not bring the form back
  saveDraft = debounce(() => {
    try {
      if (key && !sent) {
        localStorage.setItem(key, JSON.stringify(form.getValue()));
        localStorage.setItem(sendKey, submitKey);
        if (uploader) localStorage.setItem(filesKey, JSON.stringify(uploader.value()));
      }
    } catch {
      /* storage full or disabled: drafts are a convenience */
    }
  }, 500);
  formEl.addEventListener("input", saveDraft);
  formEl.addEventListener("change", saveDraft);
  // leaving the form (back, a link, the tab closed) keeps what was typed last, not what stood half a
  // second before: back and at once forward again found the last words gone
  const keepOnLeave = () => saveDraft.flush();
  window.addEventListener("pagehide", keepOnLeave);
  window.addEventListener("hashchange", () => {
    keepOnLeave();
    window.removeEventListener("pagehide", keepOnLeave);
  }, { once: true });

  const aside = h("aside", { class: "apply-aside card" },
    h("h2", null, "需准备的材料"),
    materials.length
      ? h("ul", { class: "plain-list" }, materials.map((m) => h("li", null, h("span", { class: `tag ${m.role === "main" ? "tag-main" : "tag-secondary"}` }, m.role === "main" ? "主件" : "辅件"), " ", m.name, m.required ? "" : "（特定情形）")))
      : note("无需提交材料。"),
    h("p", { class: "muted" }, `承诺期限：${days(item.promisedDays)}；法定期限：${days(item.legalDays)}`),
  );
  page.append(h("div", { class: "apply-layout" }, formEl, aside));

  // 您已有该事项的在办件: the server names the open case; the filer looks at it, or confirms a second
  // filing (some items are rightly filed twice at once, e.g. for two properties)
  const duplicate = h("div", { class: "duplicate-case", hidden: true });
  formEl.insertBefore(duplicate, status);
  const showDuplicate = (error) => {
    duplicate.replaceChildren(h("div", { class: "note note-error", role: "alert" },
      h("p", null, error.message),
      h("p", { class: "actions-row" },
        error.caseId ? h("a", { class: "btn btn-secondary", id: "open-case-link", href: `#/case/${seg(centerCode)}/${seg(error.caseId)}` }, `查看在办件 ${error.caseNumber || ""}`) : null,
        h("button", { type: "button", class: "btn btn-primary", id: "confirm-duplicate", onclick: () => send(true) }, "确认再次申报"))));
    duplicate.hidden = false;
    duplicate.scrollIntoView({ block: "center" });
  };

  formEl.addEventListener("submit", (ev) => {
    ev.preventDefault();
    send(false);
  });

  async function send(allowDuplicate) {
    form.clearErrors();
    formEl.querySelectorAll(":scope > .error-summary").forEach((x) => x.remove());
    duplicate.hidden = true;
    duplicate.replaceChildren();
    if (uploader) uploader.assignPaths();
    if (picker && picker.pending()) {
      // a name typed in 查找申请人 but no person picked: filing now would make the case the clerk's (or agent's) own
      const message = "请在查找结果中点选申请人；为您本人申报请清空查找框";
      showUserErrors(formEl, [{ path: "/onBehalfOf", code: "required", message }], { prefix: "/data", summaryTitle: "请修改以下 1 处后再提交：" });
      formEl.querySelector("#on-behalf-of").focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "正在提交…";
    status.textContent = "";
    if (uploader) await uploader.settled(); // a material file still uploading goes with the application
    try {
      try {
        if (sendKey) localStorage.setItem(sendKey, submitKey); // before it leaves: a reload after a lost answer sends it again
      } catch {
        /* storage full or disabled: the key still holds for this page */
      }
      const data = await gql(
        `mutation($c: String!, $i: String!, $d: JSON!, $o: String, $m: [ID!], $ch: String, $k: String, $dup: Boolean) {
          submitCase(center: $c, item: $i, data: $d, onBehalfOf: $o, materials: $m, channel: $ch, submitKey: $k, allowDuplicate: $dup) {
            __typename
            ... on Case { id number state stateLabel kindLabel }
            ... on UserErrors { errors { path code message caseId caseNumber } }
          } }`,
        {
          c: centerCode, i: code, d: form.getValue(),
          o: onBehalf ? onBehalf.get() : null,
          ch: atCounter && onBehalf && onBehalf.get() ? "window" : null,
          m: uploader && uploader.ids().length ? uploader.ids() : null,
          k: submitKey,
          dup: allowDuplicate || null,
        },
      );
      const errors = userErrorsOf(data.submitCase);
      const open = errors && errors.length === 1 && errors[0].code === "duplicate_case" ? errors[0] : null;
      if (open) {
        showDuplicate(open);
        return;
      }
      if (errors) {
        showUserErrors(formEl, errors, { prefix: "/data", summaryTitle: `请修改以下 ${errors.length} 处后再提交：` });
        const summary = formEl.querySelector(".error-summary");
        if (summary) {
          summary.scrollIntoView({ block: "start" });
          summary.focus({ preventScroll: true });
        }
        return;
      }
      const created = data.submitCase;
      sent = true;
      if (key) forget();
      submitKey = newSubmitKey(); // 办理其他事项 and back here is a new filling
      const done = h("section", { class: "card success-box", role: "status" },
        h("h2", null, "提交成功"),
        h("p", null, "办件编号：", h("strong", { class: "case-number" }, created.number)),
        h("p", null, `当前状态：${created.stateLabel}（${created.kindLabel}）。窗口受理后将出具受理通知书，您可在“我的办件”中查看进度。`),
        h("p", { class: "actions-row" },
          h("a", { class: "btn btn-primary", href: `#/case/${seg(centerCode)}/${seg(created.id)}` }, "查看办件"),
          h("a", { class: "btn btn-secondary", href: `#/hall/${seg(centerCode)}` }, "办理其他事项"),
        ),
      );
      page.replaceChildren(page.firstChild, h("h1", null, `在线申报：${item.name}`), done);
      showBanner(`提交成功，办件编号 ${created.number}`, "success");
    } catch (error) {
      const refused = refusedInput(error, "d", "/data"); // 数值超出可处理的范围: beside the number typed
      if (refused) showUserErrors(formEl, refused, { prefix: "/data", summaryTitle: `请修改以下 ${refused.length} 处后再提交：` });
      else reportError(error);
    } finally {
      submit.disabled = false;
      submit.textContent = "提交申请";
    }
  }
}
