import { geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import world from "world-atlas/countries-110m.json";
import numericToIso2 from "./iso-numeric.gen.json";
import { h } from "./dom";

// The world map: Natural Earth's countries (world-atlas, 1:110m) drawn as
// SVG with d3-geo, shaded by a value per ISO 3166-1 alpha-2 country. No
// tiles, nothing fetched.

// A sequential blue scale, light to dark; readable for colour-blind people.
export const shades = ["#bcd7ee", "#86b6de", "#5193cb", "#2a6fae", "#0d4a85"];
const noData = "#f1f1ef";

type CountryFeature = Feature<Geometry, { name: string }>;
let features: CountryFeature[] | null = null;

function countries(): CountryFeature[] {
  if (!features) {
    const topo = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    features = (feature(topo, topo.objects.countries) as FeatureCollection<Geometry, { name: string }>).features;
  }
  return features;
}

/**
 * breaks gives the upper bounds of at most shades.length classes of the
 * positive values, at their quantiles, so that a few large countries do not
 * leave all the others in the lightest class. Whole numbers for counts.
 */
export function breaks(values: number[], counts: boolean): number[] {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (v.length === 0) return [];
  const out: number[] = [];
  for (let i = 1; i <= shades.length; i++) {
    const q = v[Math.min(v.length - 1, Math.ceil((v.length * i) / shades.length) - 1)];
    out.push(counts ? Math.ceil(q) : q);
  }
  return [...new Set(out)];
}

export interface MapValue {
  value: number; // for the shade only
  name: string;
  text: string; // what is shown: exact
}

export interface MapOptions {
  label: string; // what is mapped, for the map's name
  counts: boolean; // whole numbers (programmes) or amounts
  legend: (lo: number, hi: number) => string;
}

/**
 * worldMap draws the map. Shaded countries can be reached with Tab; hover
 * or focus shows the country's value in the live line below the map, and
 * Enter or a click calls onPick.
 */
export function worldMap(values: Map<string, MapValue>, opts: MapOptions, onPick: (iso2: string) => void): HTMLElement {
  const width = 960, height = 470;
  const projection = geoEqualEarth().fitExtent([[4, 4], [width - 4, height - 4]], { type: "Sphere" });
  const path = geoPath(projection);
  const br = breaks([...values.values()].map((v) => v.value), opts.counts);
  const colour = (v: number) => {
    for (let i = 0; i < br.length; i++) if (v <= br[i]) return shades[Math.round((i * (shades.length - 1)) / Math.max(1, br.length - 1))];
    return shades[shades.length - 1];
  };
  const status = h("p", { class: "map-status", "aria-live": "polite" }, "Hover over or focus a shaded country to see its value; press Enter to filter by it.");
  const svg = h("svg", { viewBox: `0 0 ${width} ${height}`, class: "map", role: "group", "aria-label": `World map of ${opts.label} per country` });
  svg.append(h("path", { d: path({ type: "Sphere" }) ?? "", class: "sphere" }));
  const ids = numericToIso2 as Record<string, string>;
  for (const f of countries()) {
    const iso2 = ids[String(f.id ?? "")];
    const v = iso2 ? values.get(iso2) : undefined;
    const d = path(f) ?? "";
    if (!v || v.value <= 0) {
      svg.append(h("path", { d, fill: noData, class: "country", "data-iso2": iso2 ?? null }));
      continue;
    }
    const text = `${v.name}: ${v.text}`;
    const show = () => (status.textContent = text);
    const el = h("path", { d, fill: colour(v.value), class: "country shaded", tabindex: 0, role: "button", "aria-label": text, "data-iso2": iso2, "data-value": v.value },
      h("title", null, text));
    el.addEventListener("mouseenter", show);
    el.addEventListener("focus", show);
    el.addEventListener("click", () => onPick(iso2));
    el.addEventListener("keydown", (e) => {
      if ((e as KeyboardEvent).key === "Enter" || (e as KeyboardEvent).key === " ") {
        e.preventDefault();
        onPick(iso2);
      }
    });
    svg.append(el);
  }
  const legendItems = br.map((b, i) => {
    const lo = i === 0 ? (opts.counts ? 1 : 0) : opts.counts ? br[i - 1] + 1 : br[i - 1];
    return h("li", null, h("span", { class: "swatch", style: `background:${colour(b)}` }), opts.legend(lo, b));
  });
  const legend = h("ul", { class: "legend", "aria-label": "Legend" }, h("li", null, h("span", { class: "swatch", style: `background:${noData}` }), "none"), legendItems);
  const drawn = new Set(countries().map((f) => ids[String(f.id ?? "")]));
  const missing = [...values].filter(([iso2, v]) => v.value > 0 && !drawn.has(iso2)).map(([, v]) => `${v.name} (${v.text})`);
  return h("div", { class: "map-box" }, svg, legend, status,
    missing.length ? h("details", { class: "map-note" }, h("summary", null, `${missing.length} shaded ${missing.length === 1 ? "country is" : "countries are"} too small to draw at this scale`), missing.join("; ")) : null);
}

export interface Place {
  name: string;
  latitude: number;
  longitude: number;
}

/** located splits locations into those with a point to draw and the others. */
export function located<L extends { name: string | null; point: { latitude: number; longitude: number } | null }>(locations: L[]): { places: Place[]; unplaced: L[] } {
  const places: Place[] = [];
  const unplaced: L[] = [];
  for (const l of locations) {
    if (l.point && Number.isFinite(l.point.latitude) && Number.isFinite(l.point.longitude) && Math.abs(l.point.latitude) <= 90 && Math.abs(l.point.longitude) <= 180)
      places.push({ name: l.name ?? "unnamed location", latitude: l.point.latitude, longitude: l.point.longitude });
    else unplaced.push(l);
  }
  return { places, unplaced };
}

/**
 * placesMap draws the given countries (ISO alpha-2, with a text each) and
 * points, fitted to them: the sub-national view of a programme, or an
 * organisation's presences. Each country and point is focusable and named.
 */
export function placesMap(label: string, countriesShown: Map<string, string>, places: Place[], legend?: { strong: Set<string>; strongLabel: string; otherLabel: string }): HTMLElement {
  const width = 960, height = 500;
  const ids = numericToIso2 as Record<string, string>;
  const all = countries();
  const chosen = all.filter((f) => countriesShown.has(ids[String(f.id ?? "")] ?? ""));
  const pointFeatures: Feature<Geometry, { name: string }>[] = places.map((p) => ({ type: "Feature", properties: { name: p.name }, geometry: { type: "Point", coordinates: [p.longitude, p.latitude] } }));
  const fitTo: FeatureCollection = { type: "FeatureCollection", features: [...chosen, ...pointFeatures] };
  const projection = geoEqualEarth();
  if (fitTo.features.length) projection.fitExtent([[20, 20], [width - 20, height - 20]], fitTo);
  else projection.fitExtent([[4, 4], [width - 4, height - 4]], { type: "Sphere" });
  const path = geoPath(projection);
  const status = h("p", { class: "map-status", "aria-live": "polite" }, "Hover over or focus a country or a point to see its name.");
  const svg = h("svg", { viewBox: `0 0 ${width} ${height}`, class: "map places", role: "group", "aria-label": label });
  for (const f of all) {
    const iso2 = ids[String(f.id ?? "")];
    const text = iso2 ? countriesShown.get(iso2) : undefined;
    const d = path(f) ?? "";
    if (!text) {
      svg.append(h("path", { d, fill: noData, class: "country" }));
      continue;
    }
    const fill = legend && legend.strong.has(iso2) ? shades[3] : shades[1];
    svg.append(focusable(h("path", { d, fill, class: "country shaded", "data-iso2": iso2 }), text, status));
  }
  for (const p of places) {
    const xy = projection([p.longitude, p.latitude]);
    if (!xy) continue;
    const text = `${p.name} (${p.latitude.toFixed(4)}, ${p.longitude.toFixed(4)})`;
    svg.append(focusable(h("circle", { cx: xy[0], cy: xy[1], r: 6, class: "place", fill: palette5 }), text, status));
  }
  // Natural Earth at 1:110m leaves out the smallest states (Antigua and
  // Barbuda, Tuvalu...): say so rather than draw nothing silently.
  const drawn = new Set(chosen.map((f) => ids[String(f.id ?? "")]));
  const missing = [...countriesShown].filter(([iso2]) => !drawn.has(iso2)).map(([, text]) => text.split(":")[0]);
  const key = legend ? h("ul", { class: "legend", "aria-label": "Legend" },
    h("li", null, h("span", { class: "swatch", style: `background:${shades[3]}` }), legend.strongLabel),
    h("li", null, h("span", { class: "swatch", style: `background:${shades[1]}` }), legend.otherLabel),
    places.length ? h("li", null, h("span", { class: "swatch", style: `background:${palette5}` }), "located points") : null) : null;
  return h("div", { class: "map-box" }, svg, key, status,
    missing.length ? h("p", { class: "map-note", "data-not-drawn": missing.join("|") }, `Too small to draw at this scale: ${missing.join(", ")}.`) : null);
}

const palette5 = "#D55E00"; // Okabe and Ito's vermillion: apart from the blues

function focusable(el: HTMLElement & SVGElement, text: string, status: HTMLElement): HTMLElement & SVGElement {
  el.setAttribute("tabindex", "0");
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", text);
  el.append(h("title", null, text));
  const show = () => (status.textContent = text);
  el.addEventListener("mouseenter", show);
  el.addEventListener("focus", show);
  return el;
}
