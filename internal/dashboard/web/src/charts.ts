import { clear, h } from "./dom";

// Okabe and Ito's palette, safe for the common colour blindnesses.
export const palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

let panelSeq = 0;

/**
 * panel shows a chart with its numbers as a table behind a toggle, for
 * screen readers and for copying.
 */
export function panel(id: string, title: string, chart: Element, tableEl: Element, extra?: Element): HTMLElement {
  const n = ++panelSeq;
  const chartBox = h("div", { class: "chart", id: `chart-${n}` }, chart);
  const tableBox = h("div", { class: "table-box", id: `table-${n}`, hidden: true }, tableEl);
  const button = h("button", { type: "button", class: "toggle", "aria-pressed": "false", "aria-controls": `table-${n}` }, "Show as table");
  button.addEventListener("click", () => {
    const showTable = tableBox.hidden;
    tableBox.hidden = !showTable;
    chartBox.hidden = showTable;
    button.setAttribute("aria-pressed", String(showTable));
    button.textContent = showTable ? "Show as chart" : "Show as table";
  });
  return h("section", { class: "panel", id, "aria-labelledby": `h-${n}` }, h("div", { class: "panel-head" }, h("h2", { id: `h-${n}` }, title), extra ?? null, button), chartBox, tableBox);
}

export interface BarRow {
  label: string;
  value: number; // for the bar's length only
  text: string; // what is shown: exact
  href?: string;
}

/** bars is a horizontal bar chart in SVG. */
export function bars(rows: BarRow[], emptyText = "Nothing to show for these filters."): Element {
  if (rows.length === 0) return h("p", { class: "empty" }, emptyText);
  const max = Math.max(...rows.map((r) => r.value), 1);
  const rowH = 26;
  const width = 560;
  const labelW = 220;
  const textW = 150;
  const barW = width - labelW - textW;
  const svg = h("svg", { viewBox: `0 0 ${width} ${rows.length * rowH}`, role: "img", class: "bars", "aria-hidden": "true" });
  rows.forEach((r, i) => {
    const y = i * rowH;
    const label = r.label.length > 30 ? r.label.slice(0, 29) + "…" : r.label;
    svg.append(
      h("g", null,
        h("title", null, `${r.label}: ${r.text}`),
        h("text", { x: labelW - 8, y: y + 17, "text-anchor": "end", class: "lbl" }, label),
        h("rect", { x: labelW, y: y + 5, width: Math.max(2, (r.value / max) * barW), height: rowH - 10, fill: palette[0] }),
        h("text", { x: labelW + Math.max(2, (r.value / max) * barW) + 6, y: y + 17, class: "val" }, r.text),
      ),
    );
  });
  return svg;
}

export interface StackSeries {
  key: string;
  label: string;
}

/**
 * stacked is a vertical bar chart, one column per category: its series
 * stacked, or side by side ("group": for series that must not look added,
 * such as commitments and disbursements of the same money).
 */
export function stacked(categories: string[], series: StackSeries[], value: (cat: string, key: string) => number, describe: (cat: string, key: string) => string, mode: "stack" | "group" = "stack"): Element {
  if (categories.length === 0) return h("p", { class: "empty" }, "No dated fundings with values for these filters.");
  const width = 620, height = 260, bottom = 24, top = 10;
  const v = (c: string, k: string) => Math.max(0, value(c, k));
  const heights = categories.map((c) => (mode === "stack" ? series.reduce((s, k) => s + v(c, k.key), 0) : Math.max(0, ...series.map((k) => v(c, k.key)))));
  const max = Math.max(...heights, 1);
  // A few categories keep bars of a readable width, centred.
  const colW = Math.min((width - 10) / categories.length, 90);
  const left = (width - colW * categories.length) / 2;
  const svg = h("svg", { viewBox: `0 0 ${width} ${height}`, class: "stacked", role: "img", "aria-hidden": "true" });
  const scale = (x: number) => (x / max) * (height - bottom - top);
  categories.forEach((c, i) => {
    const x0 = left + i * colW + colW * 0.15;
    const w = colW * 0.7;
    let y = height - bottom;
    series.forEach((s, si) => {
      const hgt = scale(v(c, s.key));
      if (hgt <= 0) return;
      const title = h("title", null, `${c}, ${s.label}: ${describe(c, s.key)}`);
      const fill = palette[si % palette.length];
      if (mode === "stack") {
        y -= hgt;
        svg.append(h("rect", { x: x0, y, width: w, height: Math.max(1, hgt), fill }, title));
      } else {
        const bw = w / series.length;
        svg.append(h("rect", { x: x0 + si * bw, y: height - bottom - hgt, width: Math.max(1, bw - 1), height: Math.max(1, hgt), fill }, title));
      }
    });
    if (categories.length <= 20 || i % Math.ceil(categories.length / 20) === 0)
      svg.append(h("text", { x: x0 + w / 2, y: height - 6, "text-anchor": "middle", class: "lbl" }, c));
  });
  const legend = h("ul", { class: "legend" }, series.map((s, si) => h("li", null, h("span", { class: "swatch", style: `background:${palette[si % palette.length]}` }), s.label)));
  const negative = categories.some((c) => series.some((s) => value(c, s.key) < 0));
  return h("div", null, svg, legend, negative ? h("p", { class: "empty" }, "Negative totals (corrections) are not drawn; the table shows them.") : null);
}

export function replace(el: Element, ...children: Element[]): void {
  clear(el);
  el.append(...children);
}
