// 中心管理 (administrators and configurators): the working-day calendar (import a year's file, see
// the year with its holidays and make-up days), plugin switches, departments and windows, and staff
// accounts (add, posts, department, reset password, deactivate). Departments and windows are added
// and changed here (saveDepartment, saveWindow) as well as by the center file.
import { gql, clearUserErrors } from "../graphql.js";
import { h, note, fmt, pad, hasRole, ROLE_LABELS, centerDate, todayISO, filePicker, jsonProblem } from "../ui.js";
import { forgetCenters } from "../store.js";
import { pickCenter, mutate, ERRORS, table, input, values, tabs, showBanner, seg, reload } from "./kit.js";

const ROLES = ["admin", "configurator"];
const POSTS = ["clerk", "reviewer", "head", "pickup", "supervisor", "agent", "configurator", "admin"];
const STAFF = "username displayName phone active roles { role department }";

export async function adminView({ page, params, query, user }) {
  const c = await pickCenter({ page, params, user, roles: ROLES, title: "中心管理", route: "admin", missing: "您不是本中心的管理员或配置员。" });
  if (!c) return;
  const tab = query.get("tab") || "staff";
  const base = `#/admin/${seg(c.code)}?tab=`;
  page.append(tabs([["staff", "工作人员", `${base}staff`], ["calendar", "工作日历", `${base}calendar`], ["plugins", "功能模块", `${base}plugins`], ["org", "部门与窗口", `${base}org`]], tab));
  const body = h("div", { id: `admin-${tab}` });
  page.append(body);
  const isAdmin = hasRole(user, ["admin"], c.code);
  if (tab === "calendar") return calendar(body, c, Number(query.get("year")) || centerDate().getFullYear() + 1, isAdmin);
  if (tab === "plugins") return plugins(body, c, isAdmin);
  if (tab === "org") return org(body, c);
  return staff(body, c, isAdmin, user);
}

// --------------------------------------------------------------------------- 工作日历

async function calendar(body, c, year, isAdmin) {
  const picker = h("input", { type: "number", id: "cal-year", value: year, min: 2000, max: 2100 });
  picker.addEventListener("change", () => { location.hash = `#/admin/${seg(c.code)}?tab=calendar&year=${picker.value}`; });
  const file = h("input", { type: "file", id: "cal-file", accept: ".json,application/json", class: "file-input" });
  const text = h("textarea", { id: "cal-doc", class: "code", rows: 8, placeholder: '{"year": 2027, "holidays": [...], "workdays": [...]}' });
  file.addEventListener("change", async () => {
    if (file.files[0]) text.value = await file.files[0].text();
  });
  const result = h("div", { id: "cal-result" });
  const form = h("form", { class: "card", id: "cal-import", novalidate: true }, h("h2", null, "导入年度放假安排"),
    isAdmin ? null : note("只有管理员可以导入日历。"),
    h("p", { class: "muted" }, "选择国务院办公厅放假通知整理成的年度日历文件（JSON），或粘贴其内容。有问题时全部列出，不作任何修改。"),
    h("p", null, filePicker(file, { label: "年度日历文件（JSON）" })), h("div", { class: "field", dataset: { path: "/document" } }, text, h("div", { class: "field-error", hidden: true })),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary", disabled: !isAdmin }, "导入")), result);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    let doc;
    try {
      doc = JSON.parse(text.value);
    } catch (error) {
      clearUserErrors(form); // the previous file's problems are not this one's
      const slot = form.querySelector(".field-error");
      slot.textContent = `日历文件不是有效的 JSON：${jsonProblem(error, text.value)}`;
      slot.hidden = false;
      return;
    }
    const done = await mutate(`mutation($c: String!, $d: JSON!) { importCalendar(center: $c, document: $d) {
        ${ERRORS} ... on CalendarImport { year source holidays workdays replacedDays casesChanged applicantsTold officeHoursNote } } }`, { c: c.code, d: doc }, "importCalendar", form);
    if (done) {
      location.hash = `#/admin/${seg(c.code)}?tab=calendar&year=${done.year}`;
      reload(`已导入${done.year}年日历：节假日 ${done.holidays} 天，调休上班 ${done.workdays} 天，重算办件 ${done.casesChanged} 件${done.applicantsTold ? `，已短信告知 ${done.applicantsTold} 位申请人承诺办结日期的变化` : ""}${done.officeHoursNote ? `。${done.officeHoursNote}` : ""}`);
    }
  });
  const data = await gql(`query($c: String!, $y: Int!) { calendarYear(center: $c, year: $y) { year decided workdays days { date workday reason provisional } } }`, { c: c.code, y: year });
  const y = data.calendarYear;
  body.append(form, dueDateBox(c), h("section", { class: "card", id: "cal-view" },
    h("div", { class: "page-head" }, h("h2", null, `${y.year}年工作日历`), h("label", { class: "inline" }, "年份 ", picker)),
    note(y.decided ? `${y.year}年放假安排已确定，全年工作日 ${y.workdays} 天。` : `${y.year}年放假安排尚未导入：期限暂按周末及元旦、劳动节、国庆节等固定日期的节日计算（春节、清明、端午、中秋等尚未计入），办件显示“暂定”。`, y.decided ? "success" : "error"),
    h("p", null, h("span", { class: "badge day-holiday" }, "休"), " 节假日　", h("span", { class: "badge day-workday" }, "班"), " 调休上班"),
    yearGrid(y),
    table([["日期", (d) => fmt.date(d.date)], ["", (d) => (d.workday ? "上班" : "放假")], ["说明", (d) => d.reason]], y.days, { id: "cal-days", empty: "没有节假日或调休。" })));
}

/** 期限试算: the due date of n working days from a day, with the day-by-day explanation. */
function dueDateBox(c) {
  const start = h("input", { type: "date", id: "due-from", value: todayISO() });
  const days = h("input", { type: "number", id: "due-days", value: 20, min: 0, max: 400 });
  const out = h("div", { id: "due-result", "aria-live": "polite" });
  const go = h("button", { type: "button", class: "btn btn-secondary", id: "due-go" }, "计算到期日");
  go.addEventListener("click", async () => {
    // an empty (or, in a number input, unreadable) count is not 0 working days: say so instead of computing
    const missing = [!start.value && "请选择受理日", days.value.trim() === "" && "请填写工作日数（0 到 1000 的整数）"].filter(Boolean);
    if (missing.length) {
      out.replaceChildren(note(missing.join("；"), "error"));
      return;
    }
    try {
      const data = await gql(`query($c: String!, $f: Date!, $n: Int!) { dueDate(center: $c, from: $f, workingDays: $n) { date provisional explanationText } }`,
        { c: c.code, f: start.value, n: Number(days.value) });
      const d = data.dueDate;
      out.replaceChildren(h("p", null, h("strong", null, `到期日：${fmt.date(d.date)}`), d.provisional ? h("span", { class: "badge provisional" }, "暂定") : null),
        h("details", { class: "explain" }, h("summary", null, "逐日说明"), h("pre", { class: "explain-days" }, d.explanationText)));
    } catch (error) {
      out.replaceChildren(note(error.message, "error"));
    }
  });
  return h("section", { class: "card no-print", id: "due-date" }, h("h2", null, "期限试算"),
    h("div", { class: "filters" }, h("label", { class: "filter" }, h("span", null, "受理日"), start), h("label", { class: "filter" }, h("span", null, "工作日数"), days), go), out);
}

function yearGrid(y) {
  const special = new Map(y.days.map((d) => [d.date, d]));
  return h("div", { class: "calendar-year" }, Array.from({ length: 12 }, (_, m) => {
    const first = new Date(y.year, m, 1);
    const days = new Date(y.year, m + 1, 0).getDate();
    const lead = (first.getDay() + 6) % 7; // Monday first
    const cells = [...Array(lead).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
    const weeks = [];
    for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
    return h("div", { class: "calendar-month" }, h("table", null,
      h("caption", null, `${m + 1}月`),
      h("thead", null, h("tr", null, ["一", "二", "三", "四", "五", "六", "日"].map((d) => h("th", null, d)))),
      h("tbody", null, weeks.map((w) => h("tr", null, w.map((d, i) => {
        if (!d) return h("td");
        const iso = `${y.year}-${pad(m + 1)}-${pad(d)}`;
        const s = special.get(iso);
        const cls = s ? (s.workday ? "day-workday" : "day-holiday") : i >= 5 ? "day-weekend" : null;
        return h("td", { class: cls, title: s ? s.reason : null, dataset: { date: iso } }, String(d));
      }))))));
  }));
}

// --------------------------------------------------------------------------- 功能模块

async function plugins(body, c, isAdmin) {
  const data = await gql(`query($c: String!) { installedPluginTitles { name title } center(code: $c) { plugins } }`, { c: c.code });
  const enabled = new Set(data.center.plugins);
  const box = h("section", { class: "card", id: "plugin-switches" }, h("h2", null, "功能模块"),
    isAdmin ? h("p", { class: "muted" }, "启用后，本中心的相应页面和办理规则随即生效。") : note("只有管理员可以启用或停用功能模块。"));
  for (const { name, title } of data.installedPluginTitles) {
    const box2 = h("input", { type: "checkbox", id: `plugin-${name}`, checked: enabled.has(name), disabled: !isAdmin });
    box2.addEventListener("change", async () => {
      const done = await mutate(`mutation($c: String!, $p: String!, $e: Boolean!) { setPluginEnabled(center: $c, plugin: $p, enabled: $e) { ${ERRORS} ... on Center { plugins } } }`,
        { c: c.code, p: name, e: box2.checked }, "setPluginEnabled", box);
      if (done) showBanner(`${title}已${box2.checked ? "启用" : "停用"}，重新载入页面后导航随之更新`, "success");
      else box2.checked = !box2.checked;
    });
    box.append(h("label", { class: "switch-row choice", dataset: { plugin: name } }, box2, h("strong", null, title), h("code", { class: "muted" }, name)));
  }
  body.append(box);
}

// --------------------------------------------------------------------------- 部门与窗口

const KINDS = [["comprehensive", "综合窗口"], ["special", "专业窗口"], ["pickup", "出件窗口"], ["consult", "咨询窗口"], ["agency", "代办窗口"]];
const DEPT = "code name category backOffice abbreviation sealName reconsideration court";
const WIN = "code name kind department serves closed";

/** Fills an org form for a change of `row` (code fixed), or empties it for a new one. */
function editing(form, title, row, fields) {
  form.dataset.editing = row ? row.code : "";
  form.querySelector("h2").textContent = row ? `${title}：${row.code}` : `新增${title.slice(2)}`;
  for (const [name, key] of fields) {
    const el = form.elements[name];
    const value = row ? (row[key] ?? "") : name.endsWith("Kind") ? "special" : "";
    // a stored value the drop-down does not offer is shown as it is (saving it again is refused with the reason), not silently cleared
    if (el.tagName === "SELECT" && value && !Array.from(el.options).some((o) => o.value === value)) el.append(h("option", { value }, value));
    el.value = value;
  }
  form.elements[fields[0][0]].readOnly = !!row;
  for (const box of form.querySelectorAll("input.serves")) box.checked = !!row && (row.serves || []).includes(box.value);
  form.scrollIntoView({ block: "nearest" });
}

/** A department's own 救济途径 as the table shows it, or that the center's setting applies. */
function remedyText(d) {
  const own = [d.reconsideration && `复议：${d.reconsideration}`, d.court && `诉讼：${d.court}`].filter(Boolean);
  return own.length ? own.join("；") : "按中心设置";
}

async function org(body, c) {
  const data = await gql(`query($c: String!) { center(code: $c) { departments { ${DEPT} } windows(includeClosed: true) { ${WIN} } }
    departmentCategories(center: $c) { code label } }`, { c: c.code });
  const { departments, windows } = data.center;
  // the categories the server knows (the lead rules'), or none: 未分类
  const categories = [["", "（未分类）"], ...data.departmentCategories.map((k) => [k.code, k.label])];
  const deptName = new Map(departments.map((d) => [d.code, d.name]));
  const deptFields = [["deptCode", "code"], ["deptName", "name"], ["deptCategory", "category"], ["deptBackOffice", "backOffice"], ["deptAbbreviation", "abbreviation"], ["deptSealName", "sealName"],
    ["deptReconsideration", "reconsideration"], ["deptCourt", "court"]];
  const deptForm = h("form", { class: "card", id: "department-form", novalidate: true }, h("h2", null, "新增部门"),
    h("div", { class: "group-fields" },
      input("部门代码（小写字母开头）", "deptCode", { required: true, path: "/code" }),
      input("部门名称", "deptName", { required: true, path: "/name" }),
      input("部门类别（联办件牵头依据）", "deptCategory", { options: categories, path: "/category" }),
      input("后台审批科室", "deptBackOffice", { path: "/backOffice" }),
      input("文号简称（如 连市监审）", "deptAbbreviation", { path: "/abbreviation" }),
      input("审批专用章印文（空则为部门名称＋审批专用章）", "deptSealName", { path: "/sealName" }),
      input("行政复议机关（空则用中心设置；税务等垂直管理部门填上一级主管部门）", "deptReconsideration", { path: "/reconsideration", placeholder: "如 国家税务总局清远市税务局" }),
      input("行政诉讼法院（空则用中心设置）", "deptCourt", { path: "/court", placeholder: "如 连州市人民法院" })),
    h("p", { class: "muted" }, "行政复议机关和行政诉讼法院印在本部门的不予许可决定书和退回通知书上（救济途径），空则用中心的设置；退回件的复核机构总是中心的。"),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "保存部门"),
      h("button", { type: "button", class: "btn btn-link", onclick: () => editing(deptForm, "修改部门", null, deptFields) }, "改为新增")));
  deptForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(deptForm);
    // the screen shows every field: an emptied one is sent as "" (not left out, which would keep the stored value),
    // so it clears it (an emptied 救济途径: the center's applies)
    const done = await mutate(`mutation($c: String!, $code: String!, $n: String!, $cat: String, $b: String, $a: String, $s: String, $r: String, $court: String, $new: Boolean!) {
        saveDepartment(center: $c, code: $code, name: $n, category: $cat, backOffice: $b, abbreviation: $a, sealName: $s, reconsideration: $r, court: $court, isNew: $new) { ${ERRORS} ... on Department { code name } } }`,
    { c: c.code, code: v.deptCode || "", n: v.deptName || "", cat: v.deptCategory || "", b: v.deptBackOffice || "", a: v.deptAbbreviation || "", s: v.deptSealName || "",
      r: v.deptReconsideration || "", court: v.deptCourt || "", new: !deptForm.dataset.editing }, "saveDepartment", deptForm);
    if (done) {
      forgetCenters();
      reload(`已保存部门 ${done.name}（${done.code}）`);
    }
  });
  const serves = h("div", { class: "field", dataset: { path: "/serves" } }, h("label", null, "服务的部门（综合窗口）"),
    h("div", { class: "choices" }, departments.map((d) => h("label", { class: "choice" }, h("input", { type: "checkbox", class: "serves", value: d.code }), ` ${d.name}`))),
    h("div", { class: "field-error", hidden: true }));
  const winFields = [["winCode", "code"], ["winName", "name"], ["winKind", "kind"], ["winDepartment", "department"]];
  const winForm = h("form", { class: "card", id: "window-form", novalidate: true }, h("h2", null, "新增窗口"),
    h("div", { class: "group-fields" },
      input("窗口编号", "winCode", { required: true, path: "/code" }),
      input("窗口名称", "winName", { required: true, path: "/name" }),
      input("窗口类型", "winKind", { options: KINDS, value: "special", path: "/kind" }),
      input("所属部门", "winDepartment", { options: [["", "（无）"], ...departments.map((d) => [d.code, d.name])], path: "/department" })),
    serves,
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "保存窗口"),
      h("button", { type: "button", class: "btn btn-link", onclick: () => editing(winForm, "修改窗口", null, winFields) }, "改为新增")));
  winForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(winForm);
    const served = Array.from(winForm.querySelectorAll("input.serves:checked")).map((b) => b.value);
    const done = await mutate(`mutation($c: String!, $code: String!, $n: String!, $k: String!, $d: String, $s: [String!], $new: Boolean!) {
        saveWindow(center: $c, code: $code, name: $n, kind: $k, department: $d, serves: $s, isNew: $new) { ${ERRORS} ... on Window { code name } } }`,
    { c: c.code, code: v.winCode || "", n: v.winName || "", k: v.winKind || "special", d: v.winDepartment, s: served, new: !winForm.dataset.editing }, "saveWindow", winForm);
    if (done) {
      forgetCenters();
      reload(`已保存窗口 ${done.name}（${done.code}）`);
    }
  });
  const kindName = new Map(KINDS);
  const change = (form, title, fields, row) => h("button", { type: "button", class: "btn btn-link", dataset: { edit: row.code }, onclick: () => editing(form, title, row, fields) }, "修改");
  // 撤销 keeps the window (cases, posts and the assessment name it) but offers it for no new work; 恢复 opens it again
  const closeOrReopen = (w) => h("button", { type: "button", class: "btn btn-link", dataset: { [w.closed ? "reopen" : "close"]: w.code },
    onclick: async () => {
      if (!w.closed && !window.confirm(`撤销窗口 ${w.name}（${w.code}）？撤销后不再受理新的办件，也不再供选择；已办的办件仍记着它，可随时恢复。`)) return;
      const done = await mutate(`mutation($c: String!, $code: String!, $r: Boolean!) { closeWindow(center: $c, code: $code, reopen: $r) { ${ERRORS} ... on Window { code name closed } } }`,
        { c: c.code, code: w.code, r: !!w.closed }, "closeWindow", null);
      if (done) {
        forgetCenters();
        reload(`${done.closed ? "已撤销" : "已恢复"}窗口 ${done.name}（${done.code}）`);
      }
    } }, w.closed ? "恢复" : "撤销");
  const open = windows.filter((w) => !w.closed);
  body.append(
    h("section", { class: "card" }, h("h2", null, `进驻部门（${departments.length}）`),
      table([["代码", (d) => d.code], ["名称", (d) => d.name], ["类别", (d) => d.category || "—"], ["文号简称", (d) => d.abbreviation || "—"],
        ["救济途径", remedyText],
        ["", (d) => change(deptForm, "修改部门", deptFields, d)]], departments, { id: "departments-table", rowAttrs: (d) => ({ dataset: { dept: d.code } }) })),
    deptForm,
    h("section", { class: "card" }, h("h2", null, `窗口（${open.length}${open.length < windows.length ? `，另有已撤销 ${windows.length - open.length} 个` : ""}）`),
      table([["编号", (w) => w.code], ["名称", (w) => w.name], ["类型", (w) => kindName.get(w.kind) || w.kind],
        ["部门", (w) => (w.department ? deptName.get(w.department) || w.department : (w.serves || []).map((s) => deptName.get(s) || s).join("、") || "—")],
        ["状态", (w) => (w.closed ? h("span", { class: "badge status-withdrawn" }, "已撤销") : "使用中")],
        ["", (w) => [w.closed ? null : change(winForm, "修改窗口", winFields, w), closeOrReopen(w)]]], windows,
      { id: "windows-table", rowAttrs: (w) => ({ class: w.closed ? "window-closed" : null, dataset: { window: w.code } }) })),
    winForm,
    note("部门和窗口也可随中心配置文件导入（govhall center load）；部门代码、窗口编号保存后不可修改。工作人员的岗位和部门在“工作人员”中调整。"),
  );
}

// --------------------------------------------------------------------------- 工作人员

function postOptions(isAdmin) {
  return POSTS.filter((r) => isAdmin || r !== "admin").map((r) => [r, ROLE_LABELS[r] || r]);
}

function postRow(c, isAdmin, post = { role: "clerk", department: null }) {
  const role = h("select", { class: "post-role" }, postOptions(isAdmin).map(([v, t]) => h("option", { value: v, selected: v === post.role }, t)));
  const dept = h("select", { class: "post-department" }, [["", "（不限部门）"], ...c.departments.map((d) => [d.code, d.name])].map(([v, t]) => h("option", { value: v, selected: v === (post.department || "") }, t)));
  const row = h("div", { class: "post inline" }, role, dept, h("button", { type: "button", class: "btn btn-link", onclick: () => row.remove() }, "移除"));
  return row;
}

function postsOf(root) {
  return Array.from(root.querySelectorAll(".post")).map((p) => ({ role: p.querySelector(".post-role").value, department: p.querySelector(".post-department").value || null }));
}

function postsEditor(c, isAdmin, posts) {
  const list = h("div", { class: "posts", dataset: { path: "/roles" } }, posts.map((p) => postRow(c, isAdmin, p)), h("div", { class: "field-error", hidden: true }));
  const add = h("button", { type: "button", class: "btn btn-link", onclick: () => list.insertBefore(postRow(c, isAdmin), list.lastChild) }, "＋ 增加岗位");
  return { element: h("div", null, list, add), posts: () => postsOf(list) };
}

async function staff(body, c, isAdmin, me) {
  const editor = postsEditor(c, isAdmin, [{ role: "clerk", department: null }]);
  const form = h("form", { class: "card", id: "staff-add", novalidate: true }, h("h2", null, "新增工作人员"),
    h("div", { class: "group-fields" },
      input("用户名（登录名）", "username", { required: true }),
      input("姓名", "displayName", { required: true }),
      input("初始密码（至少8位）", "password", { type: "password", required: true }),
      input("手机号码", "phone"),
    ),
    h("div", { class: "field" }, h("label", null, "岗位"), editor.element),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "新增")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = values(form);
    const done = await mutate(`mutation($c: String!, $u: String!, $n: String!, $p: String!, $r: [PostInput!]!, $ph: String) {
        addStaffAccount(center: $c, username: $u, displayName: $n, password: $p, roles: $r, phone: $ph) { ${ERRORS} ... on StaffAccount { username } } }`,
    { c: c.code, u: v.username || "", n: v.displayName || "", p: v.password || "", r: editor.posts(), ph: v.phone }, "addStaffAccount", form);
    if (done) reload(`已新增工作人员 ${done.username}`);
  });
  const data = await gql(`query($c: String!) { staffAccounts(center: $c) { ${STAFF} } }`, { c: c.code });
  const deptName = new Map(c.departments.map((d) => [d.code, d.name]));
  body.append(form, h("section", { class: "card" }, h("h2", null, `工作人员（${data.staffAccounts.length}）`), table([
    ["用户名", (s) => s.username],
    ["姓名", (s) => s.displayName],
    ["岗位", (s) => s.roles.map((r) => `${ROLE_LABELS[r.role] || r.role}${r.department ? `（${deptName.get(r.department) || r.department}）` : ""}`).join("、")],
    ["状态", (s) => (s.active ? "在用" : h("span", { class: "badge alert-red" }, "已停用"))],
    ["", (s) => staffActions(c, s, { isAdmin, me, staff: data.staffAccounts })],
  ], data.staffAccounts, { id: "staff-table", rowAttrs: (s) => ({ dataset: { user: s.username } }) })));
}

/** Colleagues who may take over a person's cases when the person is deactivated (首问负责 moves to
 * them): in use, at the front desk (综合窗口 or 首席代表). */
function successors(staff, s) {
  return staff.filter((o) => o.active && o.username !== s.username && o.roles.some((r) => r.role === "clerk" || r.role === "head"));
}

function staffActions(c, s, { isAdmin, me, staff }) {
  const box = h("div", { class: "staff-actions" });
  const editor = postsEditor(c, isAdmin, s.roles);
  const saveRoles = h("button", { type: "button", class: "btn btn-secondary", dataset: { saveRoles: s.username } }, "保存岗位");
  saveRoles.addEventListener("click", async () => {
    const done = await mutate(`mutation($c: String!, $u: String!, $r: [PostInput!]!) { setStaffRoles(center: $c, username: $u, roles: $r) { ${ERRORS} ... on StaffAccount { username } } }`,
      { c: c.code, u: s.username, r: editor.posts() }, "setStaffRoles", box);
    if (done) reload(`已调整 ${s.username} 的岗位`);
  });
  const password = h("input", { type: "password", placeholder: "新密码（至少8位）", class: "new-password" });
  const reset = h("button", { type: "button", class: "btn btn-secondary", dataset: { reset: s.username } }, "重置密码");
  reset.addEventListener("click", async () => {
    const done = await mutate(`mutation($c: String!, $u: String!, $p: String!) { resetStaffPassword(center: $c, username: $u, password: $p) { ${ERRORS} ... on StaffAccount { username } } }`,
      { c: c.code, u: s.username, p: password.value }, "resetStaffPassword", box);
    if (done) {
      password.value = "";
      showBanner(`已重置 ${s.username} 的密码，其已登录的会话失效`, "success");
    }
  });
  const toggle = h("button", { type: "button", class: s.active ? "btn btn-danger" : "btn btn-secondary", dataset: { active: s.username }, disabled: me && me.username === s.username }, s.active ? "停用" : "启用");
  // 首问负责: the person's open cases go to a colleague when the account is deactivated
  const handOver = h("select", { name: "handOverTo", "aria-label": "在办办件移交给" },
    h("option", { value: "" }, "（无在办办件，不移交）"),
    ...successors(staff, s).map((o) => h("option", { value: o.username }, `${o.displayName}（${o.username}）`)));
  toggle.addEventListener("click", async () => {
    const to = s.active ? handOver.value : "";
    const whom = to ? `，其首问负责的在办办件移交给 ${handOver.selectedOptions[0].textContent}` : "";
    if (s.active && !window.confirm(`停用 ${s.displayName}（${s.username}）${whom}？停用后不能登录。`)) return;
    const done = await mutate(`mutation($c: String!, $u: String!, $a: Boolean!, $to: String) { setStaffActive(center: $c, username: $u, active: $a, handOverTo: $to) { ${ERRORS} ... on StaffAccount { active } } }`,
      { c: c.code, u: s.username, a: !s.active, to: to || null }, "setStaffActive", box);
    if (done) reload(`${s.username} 已${done.active ? "启用" : "停用"}${to ? `，在办办件已移交 ${to}` : ""}`);
  });
  const handOverField = s.active && !(me && me.username === s.username)
    ? h("div", { class: "field", dataset: { path: "/handOverTo" } }, h("label", null, "停用时在办办件移交给 ", handOver), h("div", { class: "field-error", hidden: true }))
    : null;
  box.append(h("details", null, h("summary", null, "管理"),
    h("div", { class: "field", dataset: { path: "/roles" } }, editor.element, saveRoles),
    h("div", { class: "field inline", dataset: { path: "/password" } }, password, reset, h("div", { class: "field-error", hidden: true })),
    handOverField,
    h("div", { class: "field", dataset: { path: "/username" } }, toggle, h("div", { class: "field-error", hidden: true }))));
  return box;
}
