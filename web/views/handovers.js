// 流转交接 (one-window centers): the front desk hands an accepted case to the back office, the back
// office hands the result to the unified pickup window, and each receiving side signs for it.
// Shown only when the server offers the hand-over fields and the case's center uses them.
import { gql, hasQuery, hasMutation, showBanner } from "../graphql.js";
import { h, note, fmt } from "../ui.js";
import { renderForm } from "../form.js";
import { mutate } from "./kit.js";

const FIELDS = "id stage stageLabel fromUser toDepartment toDepartmentName toPickup materials comment handedAt receivedBy receivedAt canReceive";

/** The item's review checklist (审查要点) as a form: every point to tick, and the originals check. */
export function checklistSchema(item) {
  const points = item && item.elements && Array.isArray(item.elements.checklist) ? item.elements.checklist : [];
  if (!points.length) return null;
  return {
    type: "object",
    "x-order": ["checklist", "originalsChecked"],
    required: ["checklist", "originalsChecked"],
    properties: {
      checklist: {
        type: "array",
        title: "审查要点（逐项核对后勾选）",
        "x-widget": "checkbox",
        uniqueItems: true,
        items: { type: "string", enum: points.map((p) => p.code), "x-enumNames": points.map((p) => p.text) },
      },
      originalsChecked: { type: "boolean", title: "原件与复印件核对", "x-checkboxLabel": "已核对，原件与复印件一致" },
    },
  };
}

function reload() {
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/** A mutation through the screens' `mutate` (its errors shown in `root`, the button that started it guarded). */
async function send(query, variables, field, root) {
  return (await mutate(query, variables, field, root)) !== null;
}

/**
 * The hand-over section of a case page, or null. `staff`: the viewer works in the case's center;
 * `item`: the item version (departments, checklist); `departments`: code → name.
 */
export async function handoverSection(c, { staff, item, departments }) {
  if (!(await hasQuery("caseHandovers"))) return null;
  let rows;
  try {
    const data = await gql(`query($id: ID!) { caseHandovers(id: $id) { ${FIELDS} } }`, { id: c.id });
    rows = data.caseHandovers;
  } catch {
    return null; // the center does not use hand-overs (or the viewer may not see them)
  }
  const box = h("section", { class: "card handovers", id: "handovers" }, h("h2", null, "流转交接"));
  const mayReceive = staff && (await hasMutation("receiveHandover"));
  box.append(rows.length
    ? h("div", { class: "table-wrap" }, h("table", { class: "data-table" },
        h("thead", null, h("tr", null, ["环节", "移交人", "接收方", "移交时间", "材料", "签收"].map((t) => h("th", null, t)))),
        h("tbody", null, rows.map((r) => {
          const sign = h("button", { type: "button", class: "btn btn-primary", dataset: { receive: r.id } }, "签收");
          sign.addEventListener("click", async () => {
            sign.disabled = true;
            if (await send(`mutation($id: ID!) { receiveHandover(id: $id) { __typename ... on UserErrors { errors { path code message } } } }`, { id: r.id }, "receiveHandover", box)) {
              showBanner("已签收", "success");
              reload();
            }
            sign.disabled = false;
          });
          return h("tr", { dataset: { handover: r.stage } },
            h("td", { "data-label": "环节" }, r.stageLabel || r.stage),
            h("td", { "data-label": "移交人" }, r.fromUser),
            h("td", { "data-label": "接收方" }, r.toPickup ? "统一出件窗口" : r.toDepartmentName || departments.get(r.toDepartment) || r.toDepartment || "—"),
            h("td", { "data-label": "移交时间" }, fmt.datetime(r.handedAt)),
            h("td", { "data-label": "材料" }, (r.materials || []).join("、") || "—", r.comment ? h("div", { class: "muted" }, r.comment) : null),
            h("td", { "data-label": "签收" }, r.receivedAt ? `${r.receivedBy || ""} ${fmt.datetime(r.receivedAt)}` : mayReceive && r.canReceive ? sign : h("span", { class: "badge alert-yellow" }, "待签收")),
          );
        })),
      ))
    : note("尚无交接记录。"));

  if (!staff || !(await hasMutation("handOverCase"))) return box;

  // front desk → department: once accepted (审查中), to each deciding department not yet handed
  const definition = (item && item.elements) || {};
  const deciding = [definition.department, ...(definition.jointDepartments || [])].filter(Boolean);
  const handed = new Set(rows.filter((r) => !r.toPickup).map((r) => r.toDepartment));
  const open = deciding.filter((d) => !handed.has(d));
  if (c.state === "under_review" && open.length) {
    const accepted = (c.events || []).some((e) => e.action === "accept" || e.action === "finish_on_spot");
    const checklist = accepted ? null : checklistSchema(item);
    const schema = {
      type: "object",
      "x-order": ["toDepartment", "comment", ...(checklist ? ["checklist", "originalsChecked"] : [])],
      required: ["toDepartment", ...(checklist ? checklist.required : [])],
      properties: {
        toDepartment: { type: "string", title: "移交后台部门", oneOf: open.map((d) => ({ const: d, title: departments.get(d) || d })), default: open[0] },
        comment: { type: "string", title: "交接说明", maxLength: 500 },
        ...(checklist ? checklist.properties : {}),
      },
    };
    const form = renderForm(schema);
    const go = h("button", { type: "button", class: "btn btn-primary", id: "handover-department" }, "移交后台部门");
    const panel = h("div", { class: "param-form" }, h("h3", null, "移交后台部门"), checklist ? note("补办件在移交时核对审查要点。") : null, form.element, h("div", { class: "form-actions" }, go));
    go.addEventListener("click", async () => {
      const v = form.getValue();
      go.disabled = true;
      const ok = await send(
        `mutation($id: ID!, $d: String, $c: String, $l: [String!], $o: Boolean) {
          handOverCase(id: $id, toDepartment: $d, comment: $c, checklist: $l, originalsChecked: $o) {
            __typename ... on UserErrors { errors { path code message } } } }`,
        { id: c.id, d: v.toDepartment || null, c: v.comment || null, l: v.checklist || null, o: checklist ? v.originalsChecked === true : null },
        "handOverCase", panel,
      );
      go.disabled = false;
      if (ok) {
        showBanner("已移交后台部门，待部门签收", "success");
        reload();
      }
    });
    box.append(panel);
  }

  // back office → pickup window: once completed
  if (c.completedAt && !rows.some((r) => r.toPickup) && ["approved", "refused", "partly_approved"].includes(c.state)) {
    const comment = h("input", { type: "text", id: "handover-pickup-comment", placeholder: "交接说明（可不填）" });
    const go = h("button", { type: "button", class: "btn btn-primary", id: "handover-pickup" }, "移交统一出件窗口");
    const panel = h("div", { class: "param-form" }, h("h3", null, "移交统一出件窗口"), h("p", { class: "muted" }, "默认移交本办件出具的决定书和证照。"), comment, h("div", { class: "form-actions" }, go));
    go.addEventListener("click", async () => {
      go.disabled = true;
      const ok = await send(
        `mutation($id: ID!, $c: String) { handOverCase(id: $id, toPickup: true, comment: $c) {
            __typename ... on UserErrors { errors { path code message } } } }`,
        { id: c.id, c: comment.value.trim() || null }, "handOverCase", panel,
      );
      go.disabled = false;
      if (ok) {
        showBanner("已移交统一出件窗口，待出件窗口签收", "success");
        reload();
      }
    });
    box.append(panel);
  }
  return box;
}
