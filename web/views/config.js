// 配置 (#/config/:center): the visual item designer (views/designer.js). The raw JSON document it
// edits is still there, as the designer's "高级（JSON）" view, with errors shown at their line.
export { designerView as configView } from "./designer.js";
