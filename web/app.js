// The shell: navigation by role, the router (location.hash), login state.
//
// Routes
//   #/login                         登录
//   #/hall                          办事大厅: choose a center
//   #/hall/:center                  its items, with search
//   #/hall/:center/item/:code       an item's guide (办事指南)
//   #/hall/:center/item/:code/apply its form: fill and submit
//   #/mine[/:center]                我的办件
//   #/case/:center/:id              one case (applicant and staff)
//   #/work[/:center]?state=&alert=  工作台: the queue
//   #/supervision[/:center]         电子监察
//   #/config[/:center[/:item]]      配置: item documents (an item's code opens it in the designer)
//   #/pickup[/:center]              出件窗口: 待出件, delivery, 出件登记簿
//   #/zone[/:center]?tab=           企业服务专区 (enterprise_zone): 代办, 预约, 大礼包, 开办进度
//   #/green[/:center[/:project]]    绿色通道 (green_channel)
//   #/assessment[/:center]?tab=     绩效考核、年度数据与公示 (assessment)
//   #/complaints[/:center]          投诉处理 (every center)
//   #/transfers[/:center]           待签收的交接 (one_window)
//   #/admin[/:center]?tab=          中心管理: 工作人员, 工作日历, 功能模块, 部门与窗口
//   #/floor/kiosk/:center           取号机, #/floor/display/:center 叫号显示屏 (hall_floor, no login)
//   #/floor/window[/:center]?window= 窗口叫号, #/floor/tablet[/:center]?window= 评价器 (hall_floor)
//   #/floor/supervisor[/:center]    整改、回访、等候统计; #/floor/mine[/:center] 预约与认领 (hall_floor)
//   #/exchange[/:center]?tab=       数据交换: 事件发件箱 (死信、重新投递), 事项目录导入
//   #/progress[/:center]?number=    办件进度查询 (no login: case number + ID tail; ?kiosk=1 from the hall kiosk)

import { gql, session, clearBanner, reportError, RequestError } from "./graphql.js";
import { h, note, hasRole, WORK_ROLES, SUPERVISION_ROLES, CONFIG_ROLES } from "./ui.js";
import { refreshMe, centers } from "./store.js";
import { keepLinksFresh } from "./links.js";
import { loginView, defaultRoute } from "./views/login.js";
import { hallView, itemsView, guideView, applyView } from "./views/hall.js";
import { mineView } from "./views/mine.js";
import { caseView } from "./views/case.js";
import { workView } from "./views/work.js";
import { supervisionView } from "./views/supervision.js";
import { configView } from "./views/config.js";
import { pickupView } from "./views/pickup.js";
import { zoneView } from "./views/zone.js";
import { greenView } from "./views/green.js";
import { assessmentView } from "./views/assessment.js";
import { complaintsView } from "./views/complaints.js";
import { transfersView } from "./views/transfers.js";
import { adminView } from "./views/admin.js";
import { staffView, STAFF_VIEW_ROLES } from "./views/staff.js";
import { kioskView, displayView, windowView, tabletView, supervisorView, floorMineView } from "./views/floor.js";
import { exchangeView } from "./views/exchange.js";
import { progressView } from "./views/progress.js";

const ROUTES = [
  { pattern: /^\/login$/, view: loginView, title: "登录" },
  { pattern: /^\/hall$/, view: hallView, title: "办事大厅", nav: "hall" },
  { pattern: /^\/hall\/([^/]+)$/, view: itemsView, title: "办事大厅", nav: "hall" },
  { pattern: /^\/hall\/([^/]+)\/item\/([^/]+)$/, view: guideView, title: "办事指南", nav: "hall" },
  { pattern: /^\/hall\/([^/]+)\/item\/([^/]+)\/apply$/, view: applyView, title: "在线申报", nav: "hall" },
  { pattern: /^\/mine(?:\/([^/]+))?$/, view: mineView, title: "我的办件", nav: "mine", login: true },
  { pattern: /^\/case\/([^/]+)\/([^/]+)$/, view: caseView, title: "办件详情", login: true },
  { pattern: /^\/work(?:\/([^/]+))?$/, view: workView, title: "工作台", nav: "work", login: true },
  { pattern: /^\/supervision(?:\/([^/]+))?$/, view: supervisionView, title: "电子监察", nav: "supervision", login: true },
  { pattern: /^\/config(?:\/([^/]+)(?:\/([^/]+))?)?$/, view: configView, title: "事项配置", nav: "config", login: true },
  { pattern: /^\/pickup(?:\/([^/]+))?$/, view: pickupView, title: "出件窗口", nav: "pickup", login: true },
  { pattern: /^\/zone(?:\/([^/]+))?$/, view: zoneView, title: "企业服务专区", nav: "zone", login: true },
  { pattern: /^\/green(?:\/([^/]+)(?:\/([^/]+))?)?$/, view: greenView, title: "绿色通道", nav: "green", login: true },
  { pattern: /^\/assessment(?:\/([^/]+))?$/, view: assessmentView, title: "绩效考核", nav: "assessment", login: true },
  { pattern: /^\/complaints(?:\/([^/]+))?$/, view: complaintsView, title: "投诉处理", nav: "complaints", login: true },
  { pattern: /^\/transfers(?:\/([^/]+))?$/, view: transfersView, title: "流转交接", nav: "transfers", login: true },
  { pattern: /^\/admin(?:\/([^/]+))?$/, view: adminView, title: "中心管理", nav: "admin", login: true },
  { pattern: /^\/staff(?:\/([^/]+)(?:\/([^/]+))?)?$/, view: staffView, title: "人员管理", nav: "staff", login: true },
  { pattern: /^\/floor\/kiosk\/([^/]+)$/, view: kioskView, title: "取号" },
  { pattern: /^\/floor\/display\/([^/]+)$/, view: displayView, title: "叫号显示屏" },
  { pattern: /^\/floor\/window(?:\/([^/]+))?$/, view: windowView, title: "窗口叫号", nav: "floor", login: true },
  { pattern: /^\/floor\/tablet(?:\/([^/]+))?$/, view: tabletView, title: "服务评价", login: true },
  { pattern: /^\/floor\/supervisor(?:\/([^/]+))?$/, view: supervisorView, title: "大厅现场管理", nav: "floor-super", login: true },
  { pattern: /^\/floor\/mine(?:\/([^/]+))?$/, view: floorMineView, title: "预约取号与办件认领", nav: "floor-mine", login: true },
  { pattern: /^\/exchange(?:\/([^/]+))?$/, view: exchangeView, title: "数据交换", nav: "exchange", login: true },
  { pattern: /^\/progress(?:\/([^/]+))?$/, view: progressView, title: "办件进度查询", nav: "progress" },
];

/** Whether the user holds one of `roles` in a center that enabled `plugin` (centers known at start). */
let knownCenters = [];
function inPluginCenter(u, roles, plugin) {
  return Boolean(u) && knownCenters.some((c) => (c.plugins || []).includes(plugin) && hasRole(u, roles, c.code));
}

const NAV = [
  { key: "hall", href: "#/hall", label: "办事大厅", show: () => true },
  { key: "mine", href: "#/mine", label: "我的办件", show: (u) => Boolean(u) },
  { key: "progress", href: "#/progress", label: "办件查询", show: (u) => !u }, // visitors: follow a case without an account
  { key: "work", href: "#/work", label: "工作台", show: (u) => hasRole(u, WORK_ROLES) },
  { key: "supervision", href: "#/supervision", label: "电子监察", show: (u) => hasRole(u, SUPERVISION_ROLES) },
  { key: "config", href: "#/config", label: "配置", show: (u) => hasRole(u, CONFIG_ROLES) },
  { key: "pickup", href: "#/pickup", label: "出件", show: (u) => hasRole(u, ["pickup"]) },
  { key: "zone", href: "#/zone", label: "企业专区", show: (u) => inPluginCenter(u, ["applicant", "agent", "clerk", "head", "pickup", "supervisor", "admin"], "enterprise_zone") },
  { key: "green", href: "#/green", label: "绿色通道", show: (u) => inPluginCenter(u, ["clerk", "reviewer", "head", "pickup", "supervisor", "admin"], "green_channel") },
  { key: "transfers", href: "#/transfers", label: "交接", show: (u) => inPluginCenter(u, ["supervisor", "head"], "one_window") },
  { key: "admin", href: "#/admin", label: "中心管理", show: (u) => hasRole(u, CONFIG_ROLES) },
  { key: "floor", href: "#/floor/window", label: "叫号", show: (u) => inPluginCenter(u, ["clerk", "head"], "hall_floor") },
  { key: "floor-super", href: "#/floor/supervisor", label: "现场管理", show: (u) => inPluginCenter(u, ["supervisor", "head", "admin"], "hall_floor") },
  { key: "floor-mine", href: "#/floor/mine", label: "预约取号", show: (u) => inPluginCenter(u, ["applicant"], "hall_floor") },
  { key: "exchange", href: "#/exchange", label: "数据交换", show: (u) => hasRole(u, CONFIG_ROLES) },
  { key: "assessment", href: "#/assessment", label: "考核", show: (u) => inPluginCenter(u, SUPERVISION_ROLES, "assessment") },
  { key: "staff", href: "#/staff", label: "考勤请假", show: (u) => inPluginCenter(u, STAFF_VIEW_ROLES, "staff") },
  { key: "complaints", href: "#/complaints", label: "投诉", show: (u) => hasRole(u, ["clerk", "supervisor", "head", "admin"]) },
];

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path: path.replace(/\/+$/, "") || "/", query: new URLSearchParams(search) };
}

function renderShell(active) {
  const user = session.user;
  const nav = document.getElementById("nav");
  const shown = NAV.filter((n) => n.show(user));
  // drawn again only when it changes: a link being clicked (or focused) is never swapped under the
  // pointer by a session event that changed nothing in the menu
  const navKey = JSON.stringify([active, shown.map((n) => n.key)]);
  if (nav.dataset.drawn !== navKey) {
    nav.dataset.drawn = navKey;
    nav.replaceChildren(
      ...shown.map((n) =>
        h("a", { href: n.href, class: n.key === active ? "active" : null, "aria-current": n.key === active ? "page" : null }, n.label),
      ),
    );
  }
  const box = document.getElementById("userbox");
  const boxKey = JSON.stringify(user ? [user.username, user.displayName] : null);
  if (box.dataset.drawn === boxKey) return;
  box.dataset.drawn = boxKey;
  if (user) {
    box.replaceChildren(
      h("span", { class: "who", title: user.username }, user.displayName || user.username),
      h("button", { type: "button", class: "btn btn-ghost", onclick: logout }, "退出"),
    );
  } else {
    box.replaceChildren(h("a", { href: "#/login", class: "btn btn-ghost" }, "登录"));
  }
}

async function logout() {
  try {
    await gql("mutation { logout { ok } }");
  } catch {
    /* the token is dropped locally either way */
  }
  session.clear();
  location.hash = "#/login";
  renderShell(null);
}

/** 上午 8:30—12:00，下午 14:30—17:30 from ["08:30-12:00", "14:30-17:30"]. */
function hoursInWords(periods) {
  return periods.map((p) => {
    const [from, to] = p.split("-").map((t) => t.replace(/^0(\d)/, "$1"));
    const hour = Number(from.split(":")[0]);
    return `${hour < 12 ? "上午" : hour < 18 ? "下午" : "晚上"} ${from}—${to}`;
  }).join("，");
}

/**
 * The footer: the office hours of the center in view (named in the route, else the only center the
 * signed-in user works in, else the only center there is), as its center file gives them; never
 * another county's hours.
 */
function renderFooter(path) {
  const foot = document.getElementById("footer-hours");
  if (!foot) return;
  const byCode = (code) => knownCenters.find((c) => c.code === code);
  let shown = path.split("/").map((p) => byCode(decodeURIComponent(p))).find(Boolean);
  const mine = [...new Set(((session.user && session.user.roles) || []).map((r) => r.center))];
  if (!shown && mine.length === 1) shown = byCode(mine[0]);
  if (!shown && knownCenters.length === 1) shown = knownCenters[0];
  const hours = shown && (shown.officeHours || []).length ? hoursInWords(shown.officeHours) : "";
  foot.textContent = hours
    ? `${shown.name} 办事时间：法定工作日 ${hours} · 监督投诉电话 12345`
    : "办事时间：法定工作日，以各中心公布的时间为准 · 监督投诉电话 12345";
}

let generation = 0;

// Back and forward come back where the reader was: each history entry keeps its scroll position in
// history.state, put back once its view is drawn again. (The browser's own restoring comes before the
// view has its content: a long list on a phone came back at its top.)
if ("scrollRestoration" in history) history.scrollRestoration = "manual";
let scrollSave = 0;
window.addEventListener("scroll", () => {
  clearTimeout(scrollSave);
  const hash = location.hash;
  scrollSave = setTimeout(() => {
    if (location.hash === hash) history.replaceState({ ...(history.state || {}), scrollY: Math.round(window.scrollY) }, "");
  }, 200);
}, { passive: true });

async function route() {
  clearTimeout(scrollSave); // a save still waiting belongs to the page being left
  const saved = history.state && Number.isFinite(history.state.scrollY) ? history.state.scrollY : null;
  clearBanner();
  const { path, query } = parseHash();
  if (path === "/") {
    location.replace(`#${defaultRoute(session.user)}`);
    return;
  }
  const match = ROUTES.map((r) => ({ r, m: r.pattern.exec(path) })).find((x) => x.m);
  const main = document.getElementById("main");
  generation += 1;
  const mine = generation;
  const page = h("div", { class: "page" });
  main.replaceChildren(page);
  if (!match) {
    renderShell(null);
    page.append(h("h1", null, "页面不存在"), h("p", null, h("a", { href: "#/hall" }, "返回办事大厅")));
    return;
  }
  const { r, m } = match;
  renderShell(r.nav);
  renderFooter(path);
  document.title = `${r.title} - GovHall 政务服务`;
  if (r.login && !session.token) {
    location.replace(`#/login?${session.lapsed ? "expired=1&" : ""}next=${encodeURIComponent(location.hash.slice(1))}`);
    return;
  }
  const params = m.slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
  try {
    await r.view({ page, params, query, user: session.user, isCurrent: () => mine === generation, rerender: route });
  } catch (error) {
    if (mine === generation) {
      if (error instanceof RequestError && error.missingField) {
        // the server does not offer this yet (a module still being installed): say so, don't crash
        page.append(note("此功能在服务端尚未启用，请稍后再试或联系管理员。"));
        console.warn(error.message);
      } else {
        reportError(error);
      }
    }
  }
  if (mine === generation) {
    if (saved !== null) window.scrollTo(0, saved); // back (or a reload) to where this entry was left
    page.dataset.ready = "true";
    const heading = page.querySelector("h1");
    if (heading && !document.activeElement?.closest?.(".page")) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("govhall:session", () => renderShell(parseHash().path.split("/")[1]));

(async function start() {
  keepLinksFresh();
  if (session.token) await refreshMe();
  knownCenters = await centers().catch(() => []);
  await route();
})();
