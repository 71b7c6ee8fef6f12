// A grouped bar chart drawn as inline SVG (no chart library: the console loads nothing from
// outside the gateway). categories: x labels; series: [{label, cls, values}], one value per category.
const NS = "http://www.w3.org/2000/svg";

function el(tag, attrs, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceMax(max) {
  if (max <= 5) return 5;
  const step = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / step) * step;
}

export function barChart({ id, title, categories, series, width = 760, height = 280 }) {
  const pad = { top: 42, right: 16, bottom: 46, left: 44 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const svg = el("svg", { id, class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  svg.append(el("title", {}, title));
  for (let i = 0; i <= 5; i++) {
    const value = (max * i) / 5;
    const y = pad.top + plotH - (plotH * i) / 5;
    svg.append(el("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: "grid" }));
    svg.append(el("text", { x: pad.left - 6, y: y + 4, class: "axis", "text-anchor": "end" },
      Number.isInteger(value) ? value : value.toFixed(1)));
  }
  const groupW = plotW / Math.max(1, categories.length);
  const barW = Math.min(36, (groupW * 0.75) / series.length);
  categories.forEach((category, ci) => {
    const x0 = pad.left + ci * groupW + (groupW - barW * series.length) / 2;
    series.forEach((s, si) => {
      const value = s.values[ci] || 0;
      const barH = (plotH * value) / max;
      const x = x0 + si * barW;
      const y = pad.top + plotH - barH;
      const bar = el("rect", { x, y, width: Math.max(1, barW - 2), height: barH, class: `bar ${s.cls}`,
        "data-category": category, "data-series": s.label, "data-value": value });
      bar.append(el("title", {}, `${category} · ${s.label}：${value}`));
      svg.append(bar);
      if (value > 0) svg.append(el("text", { x: x + barW / 2 - 1, y: y - 4, class: "value", "text-anchor": "middle" }, value));
    });
    svg.append(el("text", { x: pad.left + ci * groupW + groupW / 2, y: height - pad.bottom + 18, class: "axis",
      "text-anchor": "middle" }, category));
  });
  series.forEach((s, si) => {
    const x = pad.left + si * 110;
    svg.append(el("rect", { x, y: 8, width: 12, height: 12, class: `legend ${s.cls}` }));
    svg.append(el("text", { x: x + 16, y: 18, class: "axis" }, s.label));
  });
  return svg;
}
