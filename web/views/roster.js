// 值班表 (hall_floor): the supervisor's tab that shows and edits the center's appointment roster —
// working-day periods, 错时/延时 periods, duty Saturdays with their periods and windows, the capacity of
// each period, how far ahead one may book, the bookable queues — and its change history. The server
// checks the whole roster; a change that would strand bookings already made is refused with them listed.
import { gql } from "../graphql.js";
import { h, note, fmt } from "../ui.js";
import { mutate, ERRORS, table, input, reload } from "./kit.js";

const FIELDS = `capacity daysAhead periods extendedPeriods everySaturday saturdays saturdayPeriods saturdayWindows queues
  source updatedBy updatedAt canEdit windows { code name } allQueues { code name } history { userName at summary }`;

/** One text line per entry (periods, dates): also accepts 、 , ， and spaces between them. */
function lines(text) {
  return text.split(/[\n,，、\s]+/).map((x) => x.trim()).filter(Boolean);
}

function area(label, name, list, hint) {
  const field = input(label, name, { type: "textarea", value: list.join("\n") });
  field.querySelector("textarea").rows = Math.max(3, list.length + 1);
  field.append(h("div", { class: "hint muted" }, hint));
  return field;
}

function checks(label, name, options, chosen) {
  return h("fieldset", { class: "field group", dataset: { path: `/${name}` } }, h("legend", null, label),
    h("div", { class: "check-row" }, options.map(([value, text]) => h("label", { class: "inline" },
      h("input", { type: "checkbox", dataset: { [name]: value }, value, checked: chosen.includes(value) }), ` ${text}`))),
    h("div", { class: "field-error", role: "alert", hidden: true }));
}

function checked(form, name) {
  return [...form.querySelectorAll(`input[data-${name.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}]`)]
    .filter((el) => el.checked).map((el) => el.value);
}

function summary(r) {
  const saturdays = r.everySaturday ? "每周六" : (r.saturdays.length ? r.saturdays.join("、") : "不值班");
  return h("dl", { class: "facts roster-summary" },
    h("dt", null, "工作日时段"), h("dd", null, r.periods.join("、")),
    h("dt", null, "错时/延时"), h("dd", null, r.extendedPeriods.join("、") || "无"),
    h("dt", null, "值班周六"), h("dd", null, saturdays),
    h("dt", null, "周六时段"), h("dd", null, r.saturdayPeriods.join("、") || "—"),
    h("dt", null, "周六值班窗口"), h("dd", null, r.saturdayWindows.join("、") || "—"),
    h("dt", null, "每时段人数"), h("dd", null, String(r.capacity)),
    h("dt", null, "可提前预约"), h("dd", null, `${r.daysAhead}天`),
    h("dt", null, "可预约业务"), h("dd", null, r.queues ? r.queues.join("、") : "全部"));
}

function editor(c, r) {
  const every = input("周六值班", "saturdayMode", { options: [["list", "指定日期"], ["every", "每周六"]], value: r.everySaturday ? "every" : "list" });
  const dates = area("值班的周六（每行一个日期，如 2026-12-05）", "saturdays", r.saturdays, "只能新增今后的周六；节假日仍不开放");
  const form = h("form", { class: "card no-print", id: "roster-form", novalidate: true }, h("h2", null, "修改值班表"),
    h("div", { class: "group-fields" },
      input("每时段人数上限", "capacity", { type: "number", value: String(r.capacity), required: true }),
      input("可提前预约天数", "daysAhead", { type: "number", value: String(r.daysAhead), required: true })),
    h("div", { class: "group-fields" },
      area("工作日时段（每行一个，如 09:00-10:00）", "periods", r.periods, "法定工作日开放，含调休上班日"),
      area("错时/延时服务时段", "extendedPeriods", r.extendedPeriods, "午间、下班后等；不得与工作日时段重叠")),
    h("div", { class: "group-fields" }, every, dates,
      area("周六时段", "saturdayPeriods", r.saturdayPeriods, "值班周六开放的时段")),
    checks("周六值班窗口", "saturdayWindows", r.windows.map((w) => [w.code, `${w.code} ${w.name}`]), r.saturdayWindows),
    checks("可预约业务（全不选视为全部）", "queues", r.allQueues.map((q) => [q.code, `${q.code} ${q.name}`]), r.queues || r.allQueues.map((q) => q.code)),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary", id: "roster-save" }, "保存值班表")));
  const toggle = () => { dates.hidden = form.querySelector("#f-saturdayMode").value === "every"; };
  form.querySelector("#f-saturdayMode").addEventListener("change", toggle);
  toggle();
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = (name) => form.querySelector(`#f-${name}`).value;
    const queues = checked(form, "queues");
    const value = {
      capacity: Number.parseInt(text("capacity"), 10) || 0, daysAhead: Number.parseInt(text("daysAhead"), 10) || 0,
      periods: lines(text("periods")), extendedPeriods: lines(text("extendedPeriods")),
      everySaturday: text("saturdayMode") === "every", saturdays: text("saturdayMode") === "every" ? [] : lines(text("saturdays")),
      saturdayPeriods: lines(text("saturdayPeriods")), saturdayWindows: checked(form, "saturdayWindows"),
      queues: queues.length && queues.length < r.allQueues.length ? queues : null,
    };
    const done = await mutate(`mutation($c: String!, $i: HallRosterInput!) { saveHallRoster(center: $c, input: $i) { ${ERRORS} ... on HallRoster { capacity } } }`,
      { c: c.code, i: value }, "saveHallRoster", form);
    if (done) reload("值班表已保存，修改已记录");
  });
  return form;
}

export async function rosterTab(page, c) {
  const { hallRoster: r } = await gql(`query($c: String!) { hallRoster(center: $c) { ${FIELDS} } }`, { c: c.code });
  const origin = r.source === "screen"
    ? `最近由 ${r.updatedBy || "—"} 于 ${fmt.datetime(r.updatedAt)} 修改`
    : "取自中心配置文件；在本页保存后以本页为准";
  page.append(h("section", { class: "card", id: "roster-current" }, h("h2", null, "现行值班表"), h("p", { class: "muted" }, origin), summary(r)));
  if (r.canEdit) page.append(editor(c, r));
  else page.append(note("值班表由督查、管理员修改。"));
  page.append(h("section", { class: "card" }, h("h2", null, "修改记录"), table([
    ["时间", (x) => fmt.datetime(x.at)], ["修改人", (x) => x.userName || "—"], ["修改内容", (x) => x.summary],
  ], r.history, { id: "roster-history", empty: "尚无修改记录。" })));
}
