import ProgrammeOp from "../../operations/Programme.graphql";
import { run } from "./api";
import { formatPartialDate, precisionOf } from "./dates";
import { append, clear, h, link, table } from "./dom";
import { panel, stacked } from "./charts";
import { describeChange, type Change } from "./history";
import { located, placesMap } from "./map";
import { approximate, formatDecimal, formatMoney, type Money } from "./money";

interface Org { id: string; name: string; acronym: string | null }
interface TimelineBucket { year: number | null; kind: string | null; currency: string | null; count: number; totals: Money[] }
interface Programme {
  id: string; code: string; title: string; description: string | null; status: string | null;
  startDate: string | null; endDate: string | null; theme: string | null; region: string | null;
  budget: Money | null;
  parent: { code: string; title: string } | null;
  children: { code: string; title: string }[] | null;
  participations: { role: string; organisation: Org }[] | null;
  countries: { role: string; sharePercent: string | null; country: { iso2: string; name: string }; areas: { name: string }[] | null }[] | null;
  locations: { name: string | null; description: string | null; point: { latitude: number; longitude: number } | null; administrative: { vocabulary: string; level: string; code: string }[] | null }[] | null;
  agreements: { id: string; title: string; reference: string | null; kind: string | null; status: string | null; signedOn: string | null; place: string | null;
    parties: { signatoryName: string | null; signatoryTitle: string | null; organisation: Org }[] | null }[] | null;
  history: { totalCount: number; edges: { node: Change }[] };
  fundings: { id: string; date: string | null; kind: string | null; transactionType: string | null; note: string | null; value: Money | null; funder: Org | null; recipient: Org | null }[] | null;
  sectors: { vocabulary: string; code: string; name: string | null; percentage: string | null }[] | null;
  results: { indicator: string; unit: string | null; target: string | null; achieved: string | null }[] | null;
  sources: { title: string; url: string | null; fileName: string | null; publisher: string | null; publishedOn: string | null }[] | null;
  qualityNotes: { code: string; element: string; message: string }[];
}

const words = (s: string | null) => (s ? s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, " ") : "—");
const orgName = (o: Org) => (o.acronym ? `${o.name} (${o.acronym})` : o.name);
const orgLink = (o: Org | null) => (o ? link(`/organisations/${encodeURIComponent(o.id)}`, orgName(o)) : "—");
const date = (d: string | null) => h("time", { datetime: d ?? null, title: d ? `given to the ${precisionOf(d)}` : null }, formatPartialDate(d));

export async function renderProgramme(main: HTMLElement, [code]: string[]): Promise<void> {
  const data = await run<{ programmes: { edges: { node: Programme }[] }; timeline: TimelineBucket[] }>(ProgrammeOp, { code });
  clear(main);
  const p = data.programmes.edges[0]?.node;
  if (!p) {
    main.append(h("h1", null, "No such programme"), h("p", null, `The registry has no programme with the code ${code}. `, link("/", "Back to the overview")));
    return;
  }
  document.title = `${p.code}: ${p.title}`;
  const byRole = new Map<string, Org[]>();
  for (const pa of p.participations ?? []) byRole.set(pa.role, [...(byRole.get(pa.role) ?? []), pa.organisation]);
  append(main, [
    h("p", { class: "crumbs" }, link("/", "Overview"), " › ", p.parent ? [link(`/programmes/${encodeURIComponent(p.parent.code)}`, p.parent.code), " › "] : null, p.code),
    h("h1", null, p.title),
    h("dl", { class: "facts" },
      h("dt", null, "Code"), h("dd", null, p.code),
      h("dt", null, "Status"), h("dd", { "data-field": "status" }, words(p.status)),
      h("dt", null, "Dates"), h("dd", { "data-field": "dates" }, date(p.startDate), " – ", date(p.endDate)),
      h("dt", null, "Budget"), h("dd", { "data-field": "budget" }, p.budget ? formatMoney(p.budget) : "not stated"),
      p.theme ? [h("dt", null, "Theme"), h("dd", null, p.theme)] : null,
      p.region ? [h("dt", null, "Region"), h("dd", null, p.region)] : null,
    ),
    p.description ? h("p", { class: "description" }, p.description) : null,
    section("Participants", byRole.size === 0 ? h("p", null, "None recorded.") :
      h("dl", { class: "roles" }, [...byRole].map(([role, orgs]) => [h("dt", null, words(role)), h("dd", null, h("ul", null, orgs.map((o) => h("li", null, orgLink(o)))))]))),
    whereSection(p),
    timeline(data.timeline),
    section("Fundings", (p.fundings ?? []).length === 0 ? h("p", null, "No fundings recorded.") : table("Fundings", ["Date", "Type", "Funder", "Recipient", "Value"],
      (p.fundings ?? []).map((f) => [date(f.date), words(f.transactionType ?? f.kind), orgLink(f.funder), orgLink(f.recipient), f.value ? formatMoney(f.value) : "not stated"]), [4])),
    section("Sectors", (p.sectors ?? []).length === 0 ? h("p", null, "No sectors recorded.") : table("Sectors", ["Vocabulary", "Code", "Name", "Percentage"],
      (p.sectors ?? []).map((s) => [s.vocabulary, s.code, s.name ?? "—", s.percentage ? `${formatDecimal(s.percentage)}%` : "—"]), [3])),
    (p.results ?? []).length ? section("Results", table("Results: targets against what was achieved", ["Indicator", "Unit", "Target", "Achieved"],
      p.results!.map((r) => [r.indicator, r.unit ?? "—", r.target ?? "—", r.achieved ? formatDecimal(r.achieved) : "—"]), [3])) : null,
    agreementsSection(p.agreements ?? []),
    (p.children ?? []).length ? section("Children", h("ul", null, p.children!.map((c) => h("li", null, link(`/programmes/${encodeURIComponent(c.code)}`, c.code), ` ${c.title}`)))) : null,
    section("Quality notes", p.qualityNotes.length ? table("Quality notes", ["Code", "Element", "Note"], p.qualityNotes.map((q) => [q.code, q.element, q.message])) : h("p", null, "None: the record is as its source gives it.")),
    section("Sources", (p.sources ?? []).length === 0 ? h("p", null, "No sources recorded.") : h("ul", { class: "sources" }, (p.sources ?? []).map((s) =>
      h("li", null, s.url ? h("a", { href: s.url, rel: "noreferrer" }, s.title) : s.title, s.fileName ? ` (${s.fileName})` : "", s.publisher ? `, ${s.publisher}` : "", s.publishedOn ? `, ${formatPartialDate(s.publishedOn)}` : "")))),
    historySection(p.history),
  ]);
}

function section(title: string, body: Element, id?: string): HTMLElement {
  return h("section", { class: "panel", id: id ?? null }, h("h2", null, title), body);
}

// whereSection: the beneficiary countries and the programme's own locations
// on one map, fitted to them; areas (named sub-national divisions with no
// geometry) and locations without a point are listed beside it.
function whereSection(p: Programme): HTMLElement {
  const shown = new Map<string, string>();
  for (const c of p.countries ?? []) {
    const areas = (c.areas ?? []).map((a) => a.name);
    shown.set(c.country.iso2, `${c.country.name}: ${words(c.role).toLowerCase()}${c.sharePercent ? `, ${formatDecimal(c.sharePercent)}%` : ""}${areas.length ? ` (${areas.join(", ")})` : ""}`);
  }
  const { places, unplaced } = located(p.locations ?? []);
  const beneficiaries = new Set((p.countries ?? []).filter((c) => c.role === "BENEFICIARY").map((c) => c.country.iso2));
  const map = shown.size || places.length
    ? placesMap(`Map of ${p.code}'s countries and locations`, shown, places, { strong: beneficiaries, strongLabel: "beneficiary", otherLabel: "diaspora host" })
    : h("p", { class: "empty" }, "No countries or locations recorded.");
  return h("section", { class: "panel", id: "where" }, h("h2", null, "Where"), map,
    table("Countries", ["Country", "Role", "Share", "Areas"],
      (p.countries ?? []).map((c) => [c.country.name, words(c.role), c.sharePercent ? `${formatDecimal(c.sharePercent)}%` : "not stated", (c.areas ?? []).map((a) => a.name).join(", ") || "—"]), [2]),
    (p.locations ?? []).length ? table("Locations", ["Location", "Point", "Administrative divisions"],
      (p.locations ?? []).map((l) => [l.name ?? "unnamed", l.point ? `${l.point.latitude}, ${l.point.longitude}` : unplaced.includes(l) ? "none given" : "—",
        (l.administrative ?? []).map((a) => `${a.code} (vocabulary ${a.vocabulary}, level ${a.level})`).join(", ") || "—"])) : null);
}

// timeline: the programme's fundings by year, stacked by transaction type,
// one chart per currency, from fundingSummary (never added in the browser).
function timeline(buckets: TimelineBucket[]): HTMLElement {
  const dated = buckets.filter((b) => b.year !== null && b.currency && b.totals.length);
  const currencies = [...new Set(dated.map((b) => b.currency!))].sort();
  if (currencies.length === 0) return section("Funding over time", h("p", { class: "empty" }, "No dated fundings with a value."), "timeline");
  const charts = currencies.map((cur) => {
    const rows = dated.filter((b) => b.currency === cur);
    const years = [...new Set(rows.map((b) => String(b.year)))].sort();
    const types = [...new Set(rows.map((b) => b.kind ?? "UNKNOWN"))];
    const cell = (y: string, t: string) => rows.find((b) => String(b.year) === y && (b.kind ?? "UNKNOWN") === t)?.totals[0];
    return panel(`timeline-${cur}`, cur,
      stacked(years, types.map((t) => ({ key: t, label: words(t) })), (y, t) => approximate(cell(y, t)?.amount ?? "0"), (y, t) => formatMoney(cell(y, t)), "group"),
      table(`Funding by year and transaction type (${cur})`, ["Year", "Transaction type", "Fundings", "Total"], rows.map((b) => [String(b.year), b.kind ? words(b.kind) : "Type not given", b.count, formatMoney(b.totals[0])]), [2, 3]));
  });
  return h("section", { class: "panel", id: "timeline" }, h("h2", null, "Funding over time, by kind, side by side"), charts);
}

function agreementsSection(agreements: NonNullable<Programme["agreements"]>): HTMLElement {
  if (agreements.length === 0) return section("Agreements", h("p", null, "No agreements recorded for this programme."), "agreements");
  return section("Agreements", h("ul", { class: "agreements" }, agreements.map((a) => h("li", null,
    h("strong", null, a.title), a.reference ? ` (${a.reference})` : "",
    h("div", { class: "meta" }, [words(a.kind), words(a.status), a.signedOn ? `signed ${formatPartialDate(a.signedOn)}` : "date of signature not given", a.place ? `at ${a.place}` : null].filter((x) => x && x !== "—").join(" · ")),
    table("Parties and signatories", ["Party", "Signed by", "Title"], (a.parties ?? []).map((pa) => [orgLink(pa.organisation), pa.signatoryName ?? "not given", pa.signatoryTitle ?? "—"]))))), "agreements");
}

function historySection(history: Programme["history"]): HTMLElement {
  const rows = history.edges.map((e) => e.node);
  const more = history.totalCount - rows.length;
  return section("History", rows.length ? h("div", null,
    table(`Changes to this record, oldest first${more > 0 ? ` (the first ${rows.length} of ${history.totalCount})` : ""}`, ["When", "Change"],
      rows.map((c) => [h("time", { datetime: c.at }, c.at.replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC")), describeChange(c)]))) : h("p", null, "No changes recorded."), "history");
}
