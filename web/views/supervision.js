// 电子监察: yellow and red cards per department and window (an SVG bar chart), the carded cases,
// and the year's figures from `statistics`. The queries are read from the server's schema by
// introspection, so the board shows what the server offers and says so when a query is missing.
import { gql, capabilities, typeInfo, namedType, typeText } from "../graphql.js";
import { h, section, note, loading, seg, fmt, todayISO, alertBadge, centersWithRole, SUPERVISION_ROLES, STANDARD_STATES } from "../ui.js";
import { centers, currentCenter, existing } from "../store.js";

const STATE_LABELS = Object.fromEntries(STANDARD_STATES);
const SVG = "http://www.w3.org/2000/svg";
const CASE_FIELDS = ["id", "number", "state", "stateLabel", "kindLabel", "alert", "promisedDue", "legalDue", "deadlineProvisional", "applicantName", "department", "urgent", "item { name }"];
const STAT_LABELS = {
  accepted: ["受理", "件"],
  completed: ["办结", "件"],
  averagePromisedDays: ["平均承诺时限", "个工作日"],
  averageActualDays: ["平均实际办理", "个工作日"],
  speedUpPercent: ["提速", "%"],
  onTimePercent: ["按时办结率", "%"],
  yellow: ["黄牌", "件"],
  red: ["红牌", "件"],
  overdue: ["超期", "件"],
  total: ["合计", "件"],
};
const COLORS = { yellow: "#c98a00", red: "#c0392b", other: "#2f6db5" };

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** A selection set for `typeName`: scalars, nested objects (to `depth`), the Case type by name. */
async function selectionFor(typeName, depth = 0) {
  if (typeName === "Case") return existing("Case", CASE_FIELDS);
  const info = await typeInfo(typeName);
  if (!info || !info.fields) return "";
  const parts = [];
  for (const f of info.fields) {
    if ((f.args || []).some((a) => a.type.kind === "NON_NULL" && a.defaultValue == null)) continue;
    const t = namedType(f.type);
    if (t.kind === "SCALAR" || t.kind === "ENUM") parts.push(f.name);
    else if (t.kind === "OBJECT" && depth < 3) {
      const inner = await selectionFor(t.name, depth + 1);
      if (inner) parts.push(`${f.name} { ${inner} }`);
    }
  }
  return parts.join(" ");
}

/** Builds `query($center: String!, ...) { name(center: $center ...) { ... } }` from the schema. */
async function buildQuery(fieldName, values) {
  const caps = await capabilities();
  const def = caps.queries.get(fieldName);
  if (!def) return null;
  const vars = [];
  const args = [];
  const variables = {};
  for (const a of def.args) {
    if (a.name in values && values[a.name] !== undefined && values[a.name] !== null && values[a.name] !== "") {
      vars.push(`$${a.name}: ${typeText(a.type)}`);
      args.push(`${a.name}: $${a.name}`);
      variables[a.name] = values[a.name];
    } else if (a.type.kind === "NON_NULL" && (a.defaultValue === null || a.defaultValue === undefined)) {
      return { missingArg: a.name };
    }
  }
  const t = namedType(def.type);
  const inner = t.kind === "OBJECT" ? await selectionFor(t.name) : "";
  const selection = inner ? ` { ${inner} }` : "";
  const header = vars.length ? `(${vars.join(", ")})` : "";
  return { text: `query${header} { ${fieldName}${args.length ? `(${args.join(", ")})` : ""}${selection} }`, variables };
}

// --------------------------------------------------------------------------- reading the answer

function isCaseLike(o) {
  return o && typeof o === "object" && "number" in o && ("stateLabel" in o || "state" in o);
}

/** Finds totals (numbers), groups (lists of objects with counts) and lists of cases in the answer. */
function analyse(value, key, out) {
  if (Array.isArray(value)) {
    const objects = value.filter((v) => v && typeof v === "object");
    if (!objects.length) {
      if (!value.length) out.empty.push(key);
      return;
    }
    if (objects.every(isCaseLike)) out.cases.push({ key, list: objects });
    else if (objects.some((o) => Object.values(o).some((v) => typeof v === "number"))) out.groups.push({ key, list: objects });
    else objects.forEach((o) => analyse(o, key, out));
    return;
  }
  if (value && typeof value === "object") {
    if (Array.isArray(value.edges)) {
      out.cases.push({ key, list: value.edges.map((e) => e.node).filter(Boolean) });
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "number") out.totals.push({ key: k, value: v });
      else analyse(v, k, out);
    }
  }
}

const LABEL_KEYS = ["departmentName", "windowName", "name", "label", "title", "department", "window", "code"];

function groupLabel(row, names) {
  for (const k of LABEL_KEYS) {
    if (typeof row[k] === "string" && row[k]) return names.get(row[k]) || row[k];
  }
  const s = Object.values(row).find((v) => typeof v === "string");
  return s ? names.get(s) || s : "（未分配）";
}

function seriesOf(list) {
  const numeric = new Set();
  for (const row of list) for (const [k, v] of Object.entries(row)) if (typeof v === "number") numeric.add(k);
  const keys = Array.from(numeric);
  const cards = keys.filter((k) => /yellow|red/i.test(k));
  return (cards.length ? cards : keys).map((k) => ({
    key: k,
    label: /yellow/i.test(k) ? "黄牌" : /red/i.test(k) ? "红牌" : (STAT_LABELS[k] || [k])[0],
    color: /yellow/i.test(k) ? COLORS.yellow : /red/i.test(k) ? COLORS.red : COLORS.other,
  }));
}

/**
 * Horizontal grouped bars, drawn as inline SVG (no library). `compact` (phones) puts each label on
 * its own line above its bars, so the text stays readable in a narrow column.
 */
export function barChart(title, rows, series, { compact = false } = {}) {
  const labelW = compact ? 0 : 230;
  const chartW = compact ? 290 : 460;
  const barH = 18;
  const gap = 4;
  const labelH = compact ? 20 : 0;
  const rowGap = 14;
  const groupH = series.length * (barH + gap) - gap;
  const top = 30;
  const height = top + rows.length * (labelH + groupH + rowGap) + 12;
  const width = labelW + chartW + 50;
  const max = Math.max(1, ...rows.flatMap((r) => series.map((s) => Number(r.values[s.key]) || 0)));
  const ticks = max <= 5 ? Array.from({ length: max + 1 }, (_, i) => i) : [0, Math.round(max / 4), Math.round(max / 2), Math.round((3 * max) / 4), max];
  const scale = (v) => (v / max) * chartW;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: `bar-chart${compact ? " compact" : ""}`, role: "img", "aria-label": title, preserveAspectRatio: "xMinYMin meet" });
  root.append(svg("title", {}, title));
  series.forEach((s, i) => {
    const x = (compact ? 0 : labelW) + i * 90;
    root.append(svg("rect", { x, y: 6, width: 14, height: 14, fill: s.color, rx: 2 }), svg("text", { x: x + 20, y: 18, class: "legend" }, s.label));
  });
  for (const t of [...new Set(ticks)]) {
    const x = labelW + scale(t);
    root.append(svg("line", { x1: x, x2: x, y1: top - 4, y2: height - 14, class: "grid" }), svg("text", { x, y: height - 2, class: "tick", "text-anchor": x < 10 ? "start" : "middle" }, String(t)));
  }
  rows.forEach((r, i) => {
    const y = top + i * (labelH + groupH + rowGap);
    const max = compact ? 22 : 15;
    const label = r.label.length > max ? `${r.label.slice(0, max - 1)}…` : r.label;
    if (compact) root.append(svg("text", { x: 0, y: y + 14, class: "row-label" }, svg("title", {}, r.label), label));
    else root.append(svg("text", { x: labelW - 8, y: y + groupH / 2 + 5, "text-anchor": "end", class: "row-label" }, svg("title", {}, r.label), label));
    series.forEach((s, j) => {
      const v = Number(r.values[s.key]) || 0;
      const by = y + labelH + j * (barH + gap);
      root.append(svg("rect", { x: labelW, y: by, width: Math.max(v ? 2 : 0, scale(v)), height: barH, fill: s.color, rx: 2 }, svg("title", {}, `${r.label} ${s.label} ${v}`)));
      root.append(svg("text", { x: labelW + scale(v) + 6, y: by + barH - 4, class: "value" }, String(v)));
    });
  });
  return root;
}

function groupTitle(key) {
  if (/window/i.test(key)) return "各窗口黄牌、红牌";
  if (/department|dept/i.test(key)) return "各部门黄牌、红牌";
  return key;
}

function casesList(centerCode, list, deptNames) {
  if (!list.length) return note("目前没有黄牌、红牌办件。");
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table cases" },
    h("thead", null, h("tr", null, ["预警", "办件编号", "事项", "承办部门", "窗口", "状态", "承诺办结", "法定期限"].map((t) => h("th", null, t)))),
    h("tbody", null, list.map((c) => h("tr", { class: c.alert ? `row-${String(c.alert).toLowerCase()}` : null, dataset: { case: c.number } },
      h("td", { "data-label": "预警" }, alertBadge(c.alert) || "—"),
      h("td", { "data-label": "办件编号" }, c.id ? h("a", { href: `#/case/${seg(centerCode)}/${seg(c.id)}` }, c.number) : c.number),
      h("td", { "data-label": "事项" }, c.item ? c.item.name : c.itemName || ""),
      h("td", { "data-label": "承办部门" }, c.departmentName || deptNames.get(c.department) || c.department || "—"),
      h("td", { "data-label": "窗口" }, c.windowName || c.window || "—"),
      h("td", { "data-label": "状态" }, c.stateLabel || STATE_LABELS[c.state] || c.state || ""),
      h("td", { "data-label": "承诺办结" }, fmt.date(c.promisedDue), c.deadlineProvisional ? h("span", { class: "badge provisional" }, "暂定") : null),
      h("td", { "data-label": "法定期限" }, fmt.date(c.legalDue)),
    )))));
}

function statTile(key, value) {
  const guess = /yellow/i.test(key) ? ["黄牌", "件"] : /red/i.test(key) ? ["红牌", "件"] : [key, ""];
  const [label, unit] = STAT_LABELS[key] || guess;
  const known = value !== null && value !== undefined;
  return h("div", { class: `stat stat-${key}` },
    h("div", { class: "stat-value" }, fmt.number(value), known ? h("span", { class: "stat-unit" }, unit) : null),
    h("div", { class: "stat-label" }, label, known ? null : h("span", { class: "muted" }, "（暂无数据）")));
}

// --------------------------------------------------------------------------- the view

export async function supervisionView({ page, params, user, isCurrent }) {
  const all = await centers();
  const allowed = centersWithRole(user, SUPERVISION_ROLES);
  const list = all.filter((c) => allowed.includes(c.code));
  if (!list.length) {
    page.append(h("h1", null, "电子监察"), note("您没有督查、首席代表或管理员岗位，无法查看电子监察。", "error"));
    return;
  }
  const c = list.find((x) => x.code === (params[0] || currentCenter.get())) || list[0];
  currentCenter.set(c.code);
  const pick = h("select", { id: "sup-center", "aria-label": "政务服务中心" }, list.map((x) => h("option", { value: x.code, selected: x.code === c.code }, x.name)));
  pick.addEventListener("change", () => (location.hash = `#/supervision/${seg(pick.value)}`));
  const board = h("div", { "aria-live": "polite" }, loading());
  const stats = h("div");
  page.append(h("div", { class: "page-head" }, h("h1", null, "电子监察"), h("label", { class: "inline" }, "中心：", pick)), board, stats);

  const deptNames = new Map(c.departments.map((d) => [d.code, d.name]));
  const names = new Map([...deptNames, ...c.windows.map((w) => [w.code, w.name])]);
  await Promise.all([renderBoard(board, c, names, deptNames, isCurrent), renderStats(stats, c, isCurrent)]);
}

async function renderBoard(board, c, names, deptNames, isCurrent) {
  const q = await buildQuery("supervision", { center: c.code });
  if (!q) {
    board.replaceChildren(section("黄牌、红牌", note("电子监察（supervision 查询）尚未在服务端启用，暂无法显示黄牌、红牌。")));
    return;
  }
  if (q.missingArg) {
    board.replaceChildren(section("黄牌、红牌", note(`电子监察查询需要参数“${q.missingArg}”，本页面暂不支持。`)));
    return;
  }
  let data;
  try {
    data = await gql(q.text, q.variables);
  } catch (error) {
    board.replaceChildren(section("黄牌、红牌", note(`电子监察数据加载失败：${error.message}`, "error")));
    return;
  }
  if (!isCurrent()) return;
  const out = { totals: [], groups: [], cases: [], empty: [] };
  analyse(data.supervision, "supervision", out);
  const parts = [];
  const totals = out.totals.filter((t) => t.key in STAT_LABELS || /yellow|red|count|total/i.test(t.key));
  const yellowCases = out.cases.flatMap((x) => x.list).filter((x) => x.alert === "YELLOW").length;
  const redCases = out.cases.flatMap((x) => x.list).filter((x) => x.alert === "RED").length;
  if (totals.length) parts.push(h("div", { class: "stats" }, totals.map((t) => statTile(t.key, t.value))));
  else if (out.cases.length) parts.push(h("div", { class: "stats" }, statTile("yellow", yellowCases), statTile("red", redCases)));
  for (const g of out.groups) {
    const series = seriesOf(g.list);
    const rows = g.list.map((r) => ({ label: groupLabel(r, names), values: r }));
    parts.push(h("div", { class: "chart-box" }, h("h3", null, groupTitle(g.key)),
      rows.length && series.length
        ? barChart(groupTitle(g.key), rows, series, { compact: window.matchMedia("(max-width: 720px)").matches })
        : note("暂无数据。")));
  }
  for (const k of out.empty) if (/department|window/i.test(k)) parts.push(h("div", { class: "chart-box" }, h("h3", null, groupTitle(k)), note(`${/window/i.test(k) ? "各窗口" : "各部门"}目前均无黄牌、红牌。`)));
  const carded = out.cases.flatMap((x) => x.list);
  parts.push(h("h3", null, "挂牌办件"), casesList(c.code, carded, deptNames));
  board.replaceChildren(section("黄牌、红牌（实时）", ...parts));
}

async function renderStats(host, c, isCurrent) {
  const year = new Date().getFullYear();
  const from = h("input", { type: "date", id: "stat-from", value: `${year}-01-01` });
  const to = h("input", { type: "date", id: "stat-to", value: todayISO() });
  const dept = h("select", { id: "stat-dept" }, h("option", { value: "" }, "全部部门"), c.departments.map((d) => h("option", { value: d.code }, d.name)));
  const result = h("div", { "aria-live": "polite" }, loading());
  const form = h("form", { class: "filters" },
    h("label", { class: "filter" }, h("span", null, "自"), from),
    h("label", { class: "filter" }, h("span", null, "至"), to),
    h("label", { class: "filter" }, h("span", null, "部门"), dept),
    h("button", { type: "submit", class: "btn btn-primary" }, "统计"),
  );
  host.replaceChildren(section("办件统计", form, result));
  const caps = await capabilities();
  if (caps.known && !caps.queries.has("statistics")) {
    form.hidden = true;
    result.replaceChildren(note("办件统计（statistics 查询）尚未在服务端启用。"));
    return;
  }
  async function load() {
    result.replaceChildren(loading());
    const q = await buildQuery("statistics", { center: c.code, from: from.value, to: to.value, department: dept.value || null });
    if (!q || q.missingArg) {
      result.replaceChildren(note(q ? `统计查询需要参数“${q.missingArg}”，本页面暂不支持。` : "办件统计尚未在服务端启用。"));
      return;
    }
    try {
      const data = await gql(q.text, q.variables);
      if (!isCurrent()) return;
      const s = data.statistics || {};
      const tiles = Object.entries(s).filter(([, v]) => typeof v === "number" || v === null);
      const nested = Object.entries(s).filter(([, v]) => Array.isArray(v) && v.length && typeof v[0] === "object");
      result.replaceChildren(
        h("p", { class: "muted" }, `${from.value} 至 ${to.value}${dept.value ? ` · ${dept.options[dept.selectedIndex].text}` : ""}`),
        h("div", { class: "stats" }, tiles.map(([k, v]) => statTile(k, v))),
        ...nested.map(([k, rows]) => {
          const cols = Object.keys(rows[0]);
          return h("div", { class: "table-wrap" }, h("table", { class: "data-table" },
            h("caption", null, k),
            h("thead", null, h("tr", null, cols.map((col) => h("th", null, (STAT_LABELS[col] || [col])[0])))),
            h("tbody", null, rows.map((r) => h("tr", null, cols.map((col) => h("td", { "data-label": (STAT_LABELS[col] || [col])[0] }, typeof r[col] === "number" ? fmt.number(r[col]) : String(r[col] ?? "")))))),
          ));
        }),
      );
    } catch (error) {
      result.replaceChildren(note(`统计数据加载失败：${error.message}`, "error"));
    }
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    load();
  });
  await load();
}
