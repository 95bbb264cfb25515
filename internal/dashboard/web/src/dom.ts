// A few lines of DOM building, so that no text is ever parsed as HTML.

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

const svgNS = "http://www.w3.org/2000/svg";
const svgTags = new Set(["svg", "g", "path", "rect", "text", "title", "line", "desc", "circle"]);

export function h(tag: string, attrs: Attrs | null = null, ...children: Child[]): HTMLElement & SVGElement {
  const el = (svgTags.has(tag) ? document.createElementNS(svgNS, tag) : document.createElement(tag)) as HTMLElement & SVGElement;
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** link is an in-app link: navigation is done by the router, without reloading. */
export function link(href: string, ...children: Child[]): HTMLElement {
  return h("a", { href, "data-route": "" }, ...children);
}

export function table(caption: string, headers: string[], rows: Child[][], numeric: number[] = []): HTMLElement {
  return h(
    "table",
    null,
    h("caption", null, caption),
    h("thead", null, h("tr", null, headers.map((t, i) => h("th", { scope: "col", class: numeric.includes(i) ? "num" : null }, t)))),
    h("tbody", null, rows.map((r) => h("tr", null, r.map((c, i) => h("td", { class: numeric.includes(i) ? "num" : null }, c))))),
  );
}
