// The organisations one works with, as a network: it in the middle, its
// partners on a circle around it, each edge as thick as the programmes they
// share, each partner coloured by the role it has in them.
import { palette } from "./charts";
import { h } from "./dom";

export interface NetworkNode {
  id: string;
  label: string;
  role: string; // the partner's role, for the colour and the legend
  weight: number; // shared programmes
}

/** ring places n points evenly on a circle, the first at the top. */
export function ring(n: number, cx: number, cy: number, r: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [Math.round((cx + r * Math.cos(a)) * 10) / 10, Math.round((cy + r * Math.sin(a)) * 10) / 10];
  });
}

/** edgeWidth: 1.5 px for one shared programme, up to 8 px for the most. */
export function edgeWidth(weight: number, max: number): number {
  if (max <= 1) return 1.5;
  return Math.round((1.5 + (6.5 * (weight - 1)) / (max - 1)) * 10) / 10;
}

export function network(self: string, nodes: NetworkNode[], roles: string[], onPick: (id: string) => void, roleLabel: (r: string) => string): HTMLElement {
  const width = 720, height = 520, cx = width / 2, cy = height / 2;
  const max = Math.max(1, ...nodes.map((n) => n.weight));
  const at = ring(nodes.length, cx, cy, Math.min(cx, cy) - 70);
  const svg = h("svg", { viewBox: `0 0 ${width} ${height}`, class: "network", role: "group", "aria-label": `${self} and the organisations it shares programmes with` });
  const status = h("p", { class: "map-status", "aria-live": "polite" }, "Hover over or focus a partner to see what it shares; press Enter to open it.");
  nodes.forEach((n, i) => svg.append(h("line", { x1: cx, y1: cy, x2: at[i][0], y2: at[i][1], class: "edge", "stroke-width": edgeWidth(n.weight, max) })));
  svg.append(h("circle", { cx, cy, r: 14, class: "self" }, h("title", null, self)),
    h("text", { x: cx, y: cy + 32, "text-anchor": "middle", "aria-hidden": "true" }, self));
  nodes.forEach((n, i) => {
    const [x, y] = at[i];
    const text = `${n.label}: ${n.weight} shared programme${n.weight === 1 ? "" : "s"}, as ${roleLabel(n.role).toLowerCase()}`;
    const node = h("circle", { cx: x, cy: y, r: 9, class: "node", fill: palette[Math.max(0, roles.indexOf(n.role)) % palette.length], tabindex: 0, role: "link", "aria-label": text, "data-id": n.id }, h("title", null, text));
    node.addEventListener("mouseenter", () => (status.textContent = text));
    node.addEventListener("focus", () => (status.textContent = text));
    node.addEventListener("click", () => onPick(n.id));
    node.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter") onPick(n.id);
    });
    const right = x >= cx;
    const label = n.label.length > 26 ? n.label.slice(0, 25) + "…" : n.label;
    svg.append(node, h("text", { x: x + (right ? 13 : -13), y: y + 4, "text-anchor": right ? "start" : "end", "aria-hidden": "true" }, label));
  });
  const legend = h("ul", { class: "legend" }, roles.map((r, i) => h("li", null, h("span", { class: "swatch", style: `background:${palette[i % palette.length]}` }), roleLabel(r))),
    h("li", null, "line width: shared programmes"));
  return h("div", null, svg, legend, status);
}
