import OverviewOp from "../../operations/Overview.graphql";
import FilterOptionsOp from "../../operations/FilterOptions.graphql";
import ProgrammeListOp from "../../operations/ProgrammeList.graphql";
import { run } from "./api";
import { bars, panel, stacked } from "./charts";
import { formatPartialDate } from "./dates";
import { clear, h, link, table } from "./dom";
import { exportURL, fundingWhere, nextSort, paidOutWhere, overviewURL, parseFilters, parseSort, parseView, programmeWhere, sortParam, type Filters, type Sort, type View } from "./filters";
import { worldMap, type MapValue } from "./map";
import { approximate, compareDecimal, formatDecimal, formatMoney, type Money } from "./money";
import { navigate } from "./router";
import { groupBy, headline, rateCurrencies, totalIn, unconverted, type Bucket } from "./summary";

interface Org { id: string; name: string; acronym: string | null }
interface SectorKey { vocabulary: string; code: string; name: string | null }
interface OverviewData {
  programmes: { totalCount: number };
  byCountry: { country: { iso2: string; name: string } | null; count: number }[];
  byCountryFunding?: { country: { iso2: string; name: string } | null; split: string | null; currency: string | null; count: number; totals: Money[]; rateMissing: boolean }[];
  byStatus: { status: string | null; count: number; budgets: Money[] }[];
  byOrganisation: { organisation: Org | null; role: string | null; count: number }[];
  bySector: { sector: SectorKey | null; count: number }[];
  byKind: { kind: string | null; count: number; totals: Money[]; rateMissing: boolean }[];
  byYear: { year: number | null; kind: string | null; currency: string | null; count: number; totals: Money[]; rateMissing: boolean }[];
  byFunder: { funder: Org | null; currency: string | null; count: number; totals: Money[]; rateMissing: boolean }[];
}
interface Options {
  organisations: { organisation: Org | null; count: number }[];
  countries: { country: { iso2: string; name: string; region: string | null } | null; count: number }[];
  sectors: { sector: SectorKey | null; count: number }[];
  years: { startYear: number | null; count: number }[];
  rates: { edges: { node: { toCurrency: string } }[] };
}
interface ListData {
  programmes: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: { id: string; code: string; title: string; status: string | null; startDate: string | null; endDate: string | null; budget: Money | null; countries: { role: string; country: { iso2: string; name: string } }[] } }[];
  };
}

const roles = ["FUNDING", "ACCOUNTABLE", "EXTENDING", "IMPLEMENTING", "PARTNER"];
const statuses = ["PIPELINE", "IMPLEMENTATION", "FINALISATION", "CLOSED", "CANCELLED", "SUSPENDED"];
const pageSize = 25;

let optionsCache: Promise<Options> | null = null;

const orgName = (o: Org) => (o.acronym ? `${o.name} (${o.acronym})` : o.name);
const words = (s: string | null) => (s ? s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, " ") : "Unknown");
const sectorLabel = (s: SectorKey) => `${s.name ?? s.code} (${s.vocabulary === "1" ? "DAC " : "vocabulary " + s.vocabulary + " "}${s.code})`;

export async function renderOverview(main: HTMLElement): Promise<void> {
  const f = parseFilters(location.search);
  const view = parseView(location.search);
  const sort = parseSort(view.sort);

  // The list is asked for first and alone: it is cheap, and the summaries
  // (the costliest questions on a large registry) would take the server's
  // CPU from it. The page is laid out at once and each part filled as its
  // answer arrives, so the list and the filters work before the charts.
  const firstPage = listPage(f, sort, null);
  const after = firstPage.then(() => {}, () => {});
  optionsCache ??= after.then(() => run<Options>(FilterOptionsOp));
  const options = optionsCache;
  const overview = after.then(() => run<OverviewData>(OverviewOp, overviewVariables(f, view)));
  for (const p of [options, overview, firstPage]) p.catch(() => {}); // reported below, through the router

  clear(main);
  const formBox = h("div", { class: "filters-box" });
  const summaries = h("div", { class: "summaries", "aria-busy": "true" }, h("p", { class: "loading" }, "Adding up the figures and charts…"));
  const list = h("section", { class: "panel", id: "programmes", "aria-labelledby": "list-h" }, h("p", { class: "loading" }, "Loading the programmes…"));
  main.append(h("h1", null, "Programmes, organisations and funding"), formBox, summaries, list);

  const listed = renderList(list, f, view, sort, [], firstPage);
  formBox.replaceChildren(filterForm(f, view, options));
  await listed;
  document.body.dataset.interactive = location.search || "/"; // the list and the filters work
  const [opts, data] = await Promise.all([options, overview]);
  summaries.replaceChildren(...summaryParts(f, view, opts, data));
  summaries.removeAttribute("aria-busy");
}

// summaryParts: everything fundingSummary and programmeSummary answer.
function summaryParts(f: Filters, view: View, opts: Options, data: OverviewData): HTMLElement[] {
  const currency = chartCurrency(data, view);
  const countries = data.byCountry.filter((b) => b.country);
  return [
    currencyChoice(f, view, data, rateCurrencies(opts.rates.edges.map((e) => e.node)), currency),
    figures(data, countries.length, view),
    mapPanel(f, view, countries, data.byCountryFunding ?? [], currency),
    yearPanel(data, currency),
    funderPanel(data, currency),
    ...countPanels(data),
  ];
}

// overviewVariables: with `in`, the API converts and adds every amount of a
// bucket into that currency, so the charts are not grouped by currency.
function overviewVariables(f: Filters, view: View): Record<string, unknown> {
  const converting = !!view.in;
  return {
    programmes: programmeWhere(f),
    fundings: fundingWhere(f),
    paidOut: paidOutWhere(f),
    in: view.in ?? null,
    byYear: groupBy(["YEAR", "KIND", "CURRENCY"], converting),
    byFunder: groupBy(["FUNDER", "CURRENCY"], converting),
    byCountryFunding: groupBy(["COUNTRY", "CURRENCY"], converting),
    // Funding by country is the costliest summary: asked for only when the
    // map shows it.
    fundingMap: view.map === "funding",
  };
}

/** chartCurrency: the converted one, else the one asked for, else the one most fundings are in. */
function chartCurrency(data: OverviewData, view: View): string {
  if (view.in) return view.in;
  const counts = new Map<string, number>();
  for (const b of data.byYear) if (b.currency) counts.set(b.currency, (counts.get(b.currency) ?? 0) + b.count);
  if (view.currency && counts.has(view.currency)) return view.currency;
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "";
}

// currencyChoice: the charts show one currency, as given or, where the
// registry holds rates, every amount converted by the API into one.
function currencyChoice(f: Filters, view: View, data: OverviewData, rates: string[], currency: string): HTMLElement {
  const given = view.in ? [] : [...new Set(data.byYear.map((b) => b.currency).filter((c): c is string => !!c))].sort();
  const options: [string, string][] = [
    ...given.map((c): [string, string] => [c, `${c}, as given (other currencies left out)`]),
    ...rates.map((c): [string, string] => ["in:" + c, `all converted to ${c} (the registry's exchange rates)`]),
  ];
  if (view.in && !rates.includes(view.in)) options.push(["in:" + view.in, `all converted to ${view.in}`]);
  if (view.in) options.unshift(["", "each currency as given"]);
  if (options.length === 0) return h("p", { class: "currency-choice" }); // no amounts to show
  const current = view.in ? "in:" + view.in : currency;
  const pick = (value: string) => {
    const next: View = { ...view, in: undefined, currency: undefined };
    if (value.startsWith("in:")) next.in = value.slice(3);
    else next.currency = value || undefined;
    navigate(overviewURL(f, next));
  };
  return h("p", { class: "currency-choice" },
    h("label", { class: "inline" }, "Amounts in ",
      h("select", { id: "currency", onchange: ((e: Event) => pick((e.target as HTMLSelectElement).value)) as EventListener },
        options.map(([v, t]) => h("option", { value: v, selected: v === current }, t)))),
    view.in ? h("span", { class: "note" }, ` Converted by fundingSummary(in: "${view.in}") with the rate of each funding's date; amounts with no rate are shown apart.`) : null);
}

function moneyItems(b: Bucket | undefined, view: View): HTMLElement {
  if (!b || b.totals.length === 0) return h("span", { class: "value none" }, b ? "no value stated" : "none");
  const left = view.in ? unconverted(b, view.in) : [];
  const shown = view.in ? b.totals.filter((m) => m.currency === view.in) : b.totals;
  return h("ul", { class: "money-list" },
    shown.map((m) => h("li", { "data-currency": m.currency, "data-amount": m.amount }, formatMoney(m))),
    left.map((m) => h("li", { class: "no-rate", "data-currency": m.currency, "data-amount": m.amount }, `${formatMoney(m)} (no rate)`)));
}

// figures: the headline. Money is shown by transaction type, each type on
// its own (commitments are not added to what was paid out).
function figures(data: OverviewData, countries: number, view: View): HTMLElement {
  const orgIds = new Set(data.byOrganisation.filter((b) => b.organisation).map((b) => b.organisation!.id));
  const { main, other } = headline(data.byKind);
  return h("section", { class: "figures", "aria-label": "Headline figures" },
    figure("programmes", data.programmes.totalCount, "programmes"),
    figure("organisations", orgIds.size, "organisations taking part"),
    figure("countries", countries, "beneficiary countries"),
    main.map((m) => h("div", { class: "figure money", "data-figure": "funding-" + m.type, "data-count": m.bucket?.count ?? 0 },
      h("span", { class: "label" }, `${m.label}: ${m.what}`, m.bucket ? ` (${formatDecimal(String(m.bucket.count))})` : ""),
      moneyItems(m.bucket, view))),
    other.length ? h("div", { class: "figure money other", "data-figure": "funding-other" },
      h("span", { class: "label" }, "Other transactions, not in the figures above"),
      h("ul", { class: "money-list small" }, other.map((b) => h("li", { "data-kind": b.kind ?? "" },
        `${b.kind ? words(b.kind) : "Type not given"} (${b.count}): `,
        b.totals.map(formatMoney).join(", ") || "no value stated")))) : null);
}

function yearPanel(data: OverviewData, currency: string): HTMLElement {
  const yearRows = data.byYear.filter((b) => b.year !== null && totalIn(b, currency));
  const years = [...new Set(yearRows.map((b) => String(b.year)))].sort();
  const types = [...new Set(yearRows.map((b) => b.kind ?? "UNKNOWN"))];
  const cell = (y: string, t: string) => totalIn(yearRows.find((b) => String(b.year) === y && (b.kind ?? "UNKNOWN") === t) ?? { totals: [] }, currency);
  return panel("by-year", `Funding by year and kind${currency ? ", " + currency : ""}`,
    stacked(years, types.map((t) => ({ key: t, label: words(t) })), (y, t) => approximate(cell(y, t)?.amount ?? "0"), (y, t) => formatMoney(cell(y, t))),
    table(`Funding by year and kind (${currency})`, ["Year", "Kind", "Fundings", "Total"],
      yearRows.map((b) => [String(b.year), b.kind ? words(b.kind) : "Type not given", b.count, formatMoney(totalIn(b, currency))]), [2, 3]));
}

function funderPanel(data: OverviewData, currency: string): HTMLElement {
  const funders = data.byFunder.filter((b) => b.funder && totalIn(b, currency))
    .sort((a, b) => compareDecimal(totalIn(b, currency)!.amount, totalIn(a, currency)!.amount)).slice(0, 10);
  return panel("funders", `Top funders by money paid out (disbursements and expenditure)${currency ? ", " + currency : ""}`,
    bars(funders.map((b) => ({ label: orgName(b.funder!), value: approximate(totalIn(b, currency)!.amount), text: formatMoney(totalIn(b, currency)) }))),
    table("Top funders", ["Funder", "Fundings", "Total"], funders.map((b) => [link(`/organisations/${encodeURIComponent(b.funder!.id)}`, orgName(b.funder!)), b.count, formatMoney(totalIn(b, currency))]), [1, 2]));
}

function countPanels(data: OverviewData): HTMLElement[] {
  const implementers = data.byOrganisation.filter((b) => b.organisation && b.role === "IMPLEMENTING").sort((a, b) => b.count - a.count).slice(0, 10);
  return [panel("implementers", "Top implementers, by programmes",
    bars(implementers.map((b) => ({ label: orgName(b.organisation!), value: b.count, text: `${b.count}` }))),
    table("Top implementers", ["Organisation", "Programmes"], implementers.map((b) => [link(`/organisations/${encodeURIComponent(b.organisation!.id)}`, orgName(b.organisation!)), b.count]), [1])),
  sectorPanel(data), statusPanel(data)];
}

function sectorPanel(data: OverviewData): HTMLElement {
  const sectors = data.bySector.filter((b) => b.sector).sort((a, b) => b.count - a.count).slice(0, 10);
  return panel("sectors", "Top sectors, by programmes",
    bars(sectors.map((b) => ({ label: b.sector!.name ?? b.sector!.code, value: b.count, text: `${b.count}` }))),
    table("Top sectors", ["Sector", "Programmes"], sectors.map((b) => [sectorLabel(b.sector!), b.count]), [1]));
}

function statusPanel(data: OverviewData): HTMLElement {
  return panel("status", "Programmes by status",
    bars(data.byStatus.map((b) => ({ label: words(b.status), value: b.count, text: `${b.count}` }))),
    table("Programmes by status", ["Status", "Programmes", "Budgets"], data.byStatus.map((b) => [words(b.status), b.count, b.budgets.map(formatMoney).join(", ") || "—"]), [1, 2]));
}

function listPage(f: Filters, sort: Sort, after: string | null): Promise<ListData> {
  return run<ListData>(ProgrammeListOp, { where: programmeWhere(f), first: pageSize, after, orderBy: [sort, { field: "CODE", direction: "ASC" }] });
}

// mapPanel: the world map by programmes (programmeSummary) or by funding in
// one currency (fundingSummary by COUNTRY: a country's buckets by share and
// in full are listed apart, never added).
function mapPanel(f: Filters, view: View, countries: OverviewData["byCountry"], funding: NonNullable<OverviewData["byCountryFunding"]>, currency: string): HTMLElement {
  const metric = view.map === "funding" && currency ? "funding" : "programmes";
  const values = new Map<string, MapValue>();
  const rows: (string | number)[][] = [];
  if (metric === "programmes") {
    for (const b of countries) {
      values.set(b.country!.iso2, { value: b.count, name: b.country!.name, text: `${b.count} programme${b.count === 1 ? "" : "s"}` });
      rows.push([b.country!.name, b.count]);
    }
  } else {
    for (const b of funding) {
      const m = b.country ? totalIn(b, currency) : undefined;
      if (!b.country || !m) continue;
      const how = b.split === "SHARES" ? "by share" : "in full";
      const prev = values.get(b.country.iso2);
      values.set(b.country.iso2, {
        value: (prev?.value ?? 0) + approximate(m.amount), // the shade only
        name: b.country.name,
        text: (prev ? prev.text + " and " : "") + `${formatMoney(m)} (${how})`,
      });
      rows.push([b.country.name, how, b.count, formatMoney(m)]);
    }
  }
  const pick = (iso2: string) => navigate(overviewURL({ ...f, country: iso2 }, view));
  const approx = new Intl.NumberFormat("en", { notation: "compact", maximumSignificantDigits: 2 });
  const map = worldMap(values, metric === "programmes"
    ? { label: "programmes", counts: true, legend: (lo, hi) => (lo === hi ? `${hi}` : `${lo}–${hi}`) }
    : { label: `money paid out in ${currency}`, counts: false, legend: (lo, hi) => `≈ ${currency} ${approx.format(lo)}–${approx.format(hi)}` }, pick);
  const switcher = h("label", { class: "inline" }, "Shade by ",
    h("select", { id: "map-metric", onchange: ((e: Event) => navigate(overviewURL(f, { ...view, map: (e.target as HTMLSelectElement).value === "funding" ? "funding" : undefined }))) as EventListener },
      h("option", { value: "programmes", selected: metric === "programmes" }, "programmes"),
      currency ? h("option", { value: "funding", selected: metric === "funding" }, `money paid out, ${currency}`) : null));
  const tableEl = metric === "programmes"
    ? table("Programmes by beneficiary country", ["Country", "Programmes"], rows, [1])
    : table(`Money paid out (disbursements and expenditure) by beneficiary country, ${currency}`, ["Country", "Split", "Fundings", "Total"], rows, [2, 3]);
  return panel("map", metric === "programmes" ? "Programmes by beneficiary country" : `Money paid out by beneficiary country, ${currency}`, map, tableEl, switcher);
}

function figure(key: string, value: number, label: string): HTMLElement {
  return h("div", { class: "figure", "data-figure": key, "data-value": value }, h("span", { class: "value" }, formatDecimal(String(value))), h("span", { class: "label" }, label));
}

// filterForm is usable at once: the choices that come from the registry
// (organisations, countries, regions, sectors) are filled in when their
// answer arrives, keeping what the URL selected meanwhile.
function filterForm(f: Filters, view: View, options: Promise<Options>): HTMLElement {
  const apply = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const next: Filters = {};
    for (const [k, v] of data.entries()) if (typeof v === "string" && v.trim()) (next as Record<string, string>)[k] = v.trim();
    navigate(overviewURL(next, view));
  };
  const selects = new Map<string, HTMLSelectElement>();
  const select = (name: keyof Filters, label: string, choices: [string, string][], any: string) => {
    const el = h("select", { name, id: `f-${name}`, onchange: ((e: Event) => apply((e.target as HTMLElement).closest("form")!)) as EventListener },
      h("option", { value: "" }, any)) as unknown as HTMLSelectElement;
    setChoices(el, choices.length || !f[name] ? choices : [[f[name]!, f[name]!]], f[name]);
    selects.set(name, el);
    return h("label", null, label, el);
  };
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filters" },
    h("label", null, "Search", h("input", { type: "search", name: "q", id: "f-q", value: f.q ?? "", placeholder: "title or code" })),
    select("org", "Organisation", [], "Any organisation"),
    select("role", "Role", roles.map((r) => [r, words(r)]), "Any role"),
    select("country", "Beneficiary country", [], "Any country"),
    select("region", "Region (of the countries)", [], "Any region"),
    select("sector", "Sector", [], "Any sector"),
    select("status", "Status", statuses.map((s) => [s, words(s)]), "Any status"),
    h("label", null, "From year", h("input", { type: "number", name: "from", id: "f-from", inputmode: "numeric", min: 1900, max: 2100, value: f.from ?? "" })),
    h("label", null, "To year", h("input", { type: "number", name: "to", id: "f-to", inputmode: "numeric", min: 1900, max: 2100, value: f.to ?? "" })),
    h("div", { class: "buttons" }, h("button", { type: "submit", id: "f-apply" }, "Apply"), link("/", "Clear filters")),
  ) as unknown as HTMLFormElement;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    apply(form);
  });
  options.then((opts) => {
    for (const [name, choices] of Object.entries(registryChoices(opts))) {
      const el = selects.get(name)!;
      setChoices(el, choices, el.value || f[name as keyof Filters]);
    }
  }, () => {}); // the router reports the failure
  return form;
}

function registryChoices(opts: Options): Record<"org" | "country" | "region" | "sector", [string, string][]> {
  const byText = (a: [string, string], b: [string, string]) => a[1].localeCompare(b[1]);
  return {
    org: opts.organisations.filter((b) => b.organisation).map((b): [string, string] => [b.organisation!.id, orgName(b.organisation!)]).sort(byText),
    country: opts.countries.filter((b) => b.country).map((b): [string, string] => [b.country!.iso2, b.country!.name]).sort(byText),
    region: [...new Set(opts.countries.map((b) => b.country?.region).filter((r): r is string => !!r))].sort().map((r): [string, string] => [r, r]),
    sector: opts.sectors.filter((b) => b.sector).map((b): [string, string] => [`${b.sector!.vocabulary}:${b.sector!.code}`, sectorLabel(b.sector!)]).sort(byText),
  };
}

/** setChoices replaces a select's options after its first ("any"), keeping the selection. */
function setChoices(el: HTMLSelectElement, choices: [string, string][], selected: string | undefined): void {
  while (el.options.length > 1) el.remove(1);
  for (const [v, t] of choices) el.add(new Option(t, v, false, v === selected));
}

const columns: [string, Sort["field"] | null][] = [["Code", "CODE"], ["Title", "TITLE"], ["Status", "STATUS"], ["Start", "START_DATE"], ["End", "END_DATE"], ["Budget", null], ["Countries", null]];

// listHead: the sortable columns' headers are buttons; aria-sort tells
// which one the list is sorted by (the sort lives in the URL).
function listHead(f: Filters, sort: Sort): HTMLElement {
  const view = parseView(location.search);
  return h("thead", null, h("tr", null, columns.map(([label, field], i) => {
    const cls = i === 5 ? "num" : null;
    if (!field) return h("th", { scope: "col", class: cls }, label);
    const active = sort.field === field;
    const dir = active ? (sort.direction === "ASC" ? "ascending" : "descending") : null;
    const next = nextSort(sort, field);
    return h("th", { scope: "col", class: "sortable", "aria-sort": dir },
      h("button", { type: "button", class: "sort", "data-sort": field, onclick: (() => navigate(overviewURL(f, { ...view, sort: sortParam(next) }))) as EventListener,
        "aria-label": `${label}: sort ${next.direction === "ASC" ? "ascending" : "descending"}` },
        label, h("span", { class: "arrow", "aria-hidden": "true" }, active ? (sort.direction === "ASC" ? " ▲" : " ▼") : " ↕")));
  })));
}

async function renderList(section: HTMLElement, f: Filters, view: View, sort: Sort, cursors: (string | null)[], prefetched?: Promise<ListData>): Promise<void> {
  const after = cursors.length ? cursors[cursors.length - 1] : null;
  const data = await (prefetched ?? listPage(f, sort, after));
  const p = data.programmes;
  clear(section);
  const from = cursors.length * pageSize + 1;
  const rows = p.edges.map(({ node: n }) => h("tr", null,
    [link(`/programmes/${encodeURIComponent(n.code)}`, n.code), n.title, words(n.status), formatPartialDate(n.startDate), formatPartialDate(n.endDate), formatMoney(n.budget),
      n.countries.filter((c) => c.role === "BENEFICIARY").map((c) => c.country.iso2).join(", ")]
      .map((c, i) => h("td", { class: i === 5 ? "num" : null, "data-label": columns[i][0] }, c))));
  section.append(
    h("div", { class: "panel-head" }, h("h2", { id: "list-h" }, "Programmes")),
    h("p", { class: "downloads" }, "Download these ", h("strong", null, String(p.totalCount)), " programmes: ",
      h("a", { href: exportURL("programmes.csv", f), download: "programmes.csv", "data-export": "csv" }, "CSV"), " · ",
      h("a", { href: exportURL("programmes.ndjson", f), download: "programmes.ndjson", "data-export": "ndjson" }, "NDJSON"), " · ",
      h("a", { href: exportURL("iati.xml", f), download: "iati.xml", "data-export": "iati" }, "IATI XML")),
    h("table", { class: "list" },
      h("caption", null, p.totalCount ? `Programmes ${from}–${from + p.edges.length - 1} of ${p.totalCount}, sorted by ${columns.find((c) => c[1] === sort.field)![0].toLowerCase()} ${sort.direction === "ASC" ? "ascending" : "descending"}` : "No programmes match these filters"),
      listHead(f, sort), h("tbody", null, rows)),
  );
  const prev = h("button", { type: "button", disabled: cursors.length === 0 }, "Previous page");
  const next = h("button", { type: "button", disabled: !p.pageInfo.hasNextPage }, "Next page");
  prev.addEventListener("click", () => renderList(section, f, view, sort, cursors.slice(0, -1)));
  next.addEventListener("click", () => renderList(section, f, view, sort, [...cursors, p.pageInfo.endCursor]));
  section.append(h("nav", { class: "pager", "aria-label": "Pages of programmes" }, prev, next));
}
