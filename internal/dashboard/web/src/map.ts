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
  return h("div", { class: "map-box" }, svg, legend, status);
}
