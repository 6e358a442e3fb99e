// 流转交接 (one_window): hand-overs not yet signed for, oldest first, for the supervisor and the
// head — how long each has waited and where; each case's hand-over list is on its case page.
import { gql } from "../graphql.js";
import { h, fmt } from "../ui.js";
import { pickCenter, table, seg, printButton } from "./kit.js";

const ROLES = ["supervisor", "head"];

/** Whole hours since an ISO time. */
function hoursSince(iso) {
  return Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 3600000));
}

export async function transfersView({ page, params, user }) {
  const c = await pickCenter({ page, params, user, roles: ROLES, plugin: "one_window", title: "流转交接", route: "transfers",
    missing: "您所在的中心没有启用“一窗受理”流转交接，或您不是督查、首席代表。" });
  if (!c) return;
  const data = await gql(`query($c: String!) { pendingHandovers(center: $c) {
      id caseId caseNumber stage stageLabel fromUser toDepartmentName toPickup materials comment handedAt } }`, { c: c.code });
  const rows = data.pendingHandovers;
  page.append(h("section", { class: "card print-document" },
    h("h2", null, "待签收的交接 ", h("span", { class: "badge", id: "pending-count" }, String(rows.length))),
    table([
      ["办件", (r) => h("a", { href: `#/case/${seg(c.code)}/${seg(r.caseId)}` }, r.caseNumber)],
      ["环节", (r) => r.stageLabel],
      ["移交人", (r) => r.fromUser],
      ["接收方", (r) => (r.toPickup ? "统一出件窗口" : r.toDepartmentName || "—")],
      ["材料", (r) => r.materials.join("、") || "—"],
      ["移交时间", (r) => fmt.datetime(r.handedAt)],
      ["已等待", (r) => `${hoursSince(r.handedAt)} 小时`],
    ], rows, { id: "pending-table", empty: "没有待签收的交接。" }),
    h("div", { class: "actions-row" }, printButton())));
}
