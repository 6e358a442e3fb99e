// Charts drawn as inline SVG, no library: the supervision board's cards per department and window,
// the assessment's ranking, the hall floor's waits per window.
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** A round step (1, 2, 5, 10, 20, 50…) that cuts `span` into at most five parts. */
function niceStep(span) {
  for (let unit = 1; ; unit *= 10) {
    for (const step of [unit, 2 * unit, 5 * unit]) if (span / step <= 5) return step;
  }
}

/**
 * Horizontal grouped bars, drawn as inline SVG (no library). `compact` (phones) puts each label on
 * its own line above its bars, so the text stays readable in a narrow column. `from` starts the axis
 * above 0 (scores that all lie near their base), `format` writes a value.
 */
export function barChart(title, rows, series, { compact = false, from = 0, format = String } = {}) {
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
  const highest = Math.max(from + 1, ...rows.flatMap((r) => series.map((s) => Number(r.values[s.key]) || 0)));
  const step = niceStep(highest - from);
  const max = from + Math.ceil((highest - from) / step) * step;
  const span = max - from;
  const ticks = Array.from({ length: Math.round(span / step) + 1 }, (_, i) => from + i * step);
  const scale = (v) => (Math.max(0, v - from) / span) * chartW;
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
      root.append(svg("rect", { x: labelW, y: by, width: Math.max(v > from ? 2 : 0, scale(v)), height: barH, fill: s.color, rx: 2 }, svg("title", {}, `${r.label} ${s.label} ${format(v)}`)));
      root.append(svg("text", { x: labelW + scale(v) + 6, y: by + barH - 4, class: "value" }, format(v)));
    });
  });
  return root;
}
