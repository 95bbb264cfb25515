import OverviewOp from "../../operations/Overview.graphql";
import FilterOptionsOp from "../../operations/FilterOptions.graphql";
import ProgrammeListOp from "../../operations/ProgrammeList.graphql";
import { run } from "./api";
import { bars, panel, stacked } from "./charts";
import { formatPartialDate } from "./dates";
import { clear, h, link, table } from "./dom";
import { exportURL, filtersToSearch, fundingWhere, parseFilters, programmeWhere, type Filters } from "./filters";
import { worldMap, type MapValue } from "./map";
import { approximate, compareDecimal, formatDecimal, formatMoney, type Money } from "./money";
import { navigate } from "./router";

interface Org { id: string; name: string; acronym: string | null }
interface SectorKey { vocabulary: string; code: string; name: string | null }
interface OverviewData {
  programmes: { totalCount: number };
  byCountry: { country: { iso2: string; name: string } | null; count: number }[];
  byCountryFunding: { country: { iso2: string; name: string } | null; split: string | null; currency: string | null; count: number; totals: Money[] }[];
  byStatus: { status: string | null; count: number; budgets: Money[] }[];
  byOrganisation: { organisation: Org | null; role: string | null; count: number }[];
  bySector: { sector: SectorKey | null; count: number }[];
  byCurrency: { currency: string | null; count: number; totals: Money[] }[];
  byYear: { year: number | null; transactionType: string | null; currency: string | null; count: number; totals: Money[] }[];
  byFunder: { funder: Org | null; currency: string | null; count: number; totals: Money[] }[];
}
interface Options {
  organisations: { organisation: Org | null; count: number }[];
  countries: { country: { iso2: string; name: string } | null; count: number }[];
  sectors: { sector: SectorKey | null; count: number }[];
  years: { startYear: number | null; count: number }[];
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
const sorts: [string, string][] = [
  ["START_DATE:DESC", "Start date, newest first"],
  ["START_DATE:ASC", "Start date, oldest first"],
  ["CODE:ASC", "Code"],
  ["TITLE:ASC", "Title"],
  ["STATUS:ASC", "Status"],
];
const pageSize = 25;

let optionsCache: Promise<Options> | null = null;

const orgName = (o: Org) => (o.acronym ? `${o.name} (${o.acronym})` : o.name);
const words = (s: string | null) => (s ? s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, " ") : "Unknown");
const sectorLabel = (s: SectorKey) => `${s.name ?? s.code} (${s.vocabulary === "1" ? "DAC " : "vocabulary " + s.vocabulary + " "}${s.code})`;

export async function renderOverview(main: HTMLElement): Promise<void> {
  const f = parseFilters(location.search);
  const params = new URLSearchParams(location.search);
  const sort = sorts.some(([k]) => k === params.get("sort")) ? params.get("sort")! : sorts[0][0];
  const currencyWanted = params.get("currency") ?? "";

  optionsCache ??= run<Options>(FilterOptionsOp);
  // The list is asked for at once, with the summaries, not after them.
  const firstPage = listPage(f, sort, null);
  firstPage.catch(() => {}); // reported by renderList
  const [opts, data] = await Promise.all([optionsCache, run<OverviewData>(OverviewOp, { programmes: programmeWhere(f), fundings: fundingWhere(f) })]);

  clear(main);
  main.append(h("h1", null, "Programmes, organisations and funding"));
  main.append(filterForm(f, opts, params));

  // Headline figures.
  const orgIds = new Set(data.byOrganisation.filter((b) => b.organisation).map((b) => b.organisation!.id));
  const countries = data.byCountry.filter((b) => b.country);
  const money = data.byCurrency.filter((b) => b.currency).flatMap((b) => b.totals);
  main.append(
    h("section", { class: "figures", "aria-label": "Headline figures" },
      figure("programmes", data.programmes.totalCount, "programmes"),
      figure("organisations", orgIds.size, "organisations taking part"),
      figure("countries", countries.length, "beneficiary countries"),
      h("div", { class: "figure wide", "data-figure": "funding" },
        h("span", { class: "label" }, "funding by currency, all transaction types (fundingSummary)"),
        money.length ? h("ul", { class: "money-list" }, money.map((m) => h("li", { "data-currency": m.currency, "data-amount": m.amount }, formatMoney(m)))) : h("span", { class: "value" }, "none stated")),
    ),
  );

  // Funding by year, stacked by transaction type, in one currency.
  const currencies = [...new Set(data.byYear.map((b) => b.currency).filter((c): c is string => !!c))].sort();
  const byCount = [...data.byCurrency].filter((b) => b.currency).sort((a, b) => b.count - a.count);
  const currency = currencies.includes(currencyWanted) ? currencyWanted : (byCount[0]?.currency ?? currencies[0] ?? "");
  main.append(mapPanel(f, params, countries, data.byCountryFunding, currency));

  const yearRows = data.byYear.filter((b) => b.currency === currency && b.year !== null);
  const years = [...new Set(yearRows.map((b) => String(b.year)))].sort();
  const types = [...new Set(yearRows.map((b) => b.transactionType ?? "UNKNOWN"))];
  const cell = (y: string, t: string) => yearRows.find((b) => String(b.year) === y && (b.transactionType ?? "UNKNOWN") === t)?.totals.find((m) => m.currency === currency);
  const currencySelect = h("label", { class: "inline" }, "Currency ",
    h("select", { id: "year-currency", onchange: ((e: Event) => navigate(location.pathname + filtersToSearch(f, { sort: params.get("sort") ?? "", currency: (e.target as HTMLSelectElement).value, map: params.get("map") ?? "" }))) as EventListener },
      currencies.map((c) => h("option", { value: c, selected: c === currency }, c))));
  main.append(panel("by-year", `Funding by year and transaction type${currency ? ", " + currency : ""}`,
    stacked(years, types.map((t) => ({ key: t, label: words(t) })), (y, t) => approximate(cell(y, t)?.amount ?? "0"), (y, t) => formatMoney(cell(y, t))),
    table(`Funding by year and transaction type (${currency})`, ["Year", "Transaction type", "Fundings", "Total"],
      yearRows.map((b) => [String(b.year), words(b.transactionType), b.count, b.totals.map(formatMoney).join(", ") || "no value stated"]), [2, 3]),
    currencies.length > 1 ? currencySelect : undefined));

  // Top funders (money, one currency), top implementers (programmes).
  const funders = data.byFunder.filter((b) => b.funder && b.currency === currency && b.totals.length)
    .sort((a, b) => compareDecimal(b.totals[0].amount, a.totals[0].amount)).slice(0, 10);
  main.append(panel("funders", `Top funders${currency ? ", " + currency : ""}`,
    bars(funders.map((b) => ({ label: orgName(b.funder!), value: approximate(b.totals[0].amount), text: formatMoney(b.totals[0]) }))),
    table("Top funders", ["Funder", "Fundings", "Total"], funders.map((b) => [link(`/organisations/${encodeURIComponent(b.funder!.id)}`, orgName(b.funder!)), b.count, formatMoney(b.totals[0])]), [1, 2])));
  const implementers = data.byOrganisation.filter((b) => b.organisation && b.role === "IMPLEMENTING").sort((a, b) => b.count - a.count).slice(0, 10);
  main.append(panel("implementers", "Top implementers, by programmes",
    bars(implementers.map((b) => ({ label: orgName(b.organisation!), value: b.count, text: `${b.count}` }))),
    table("Top implementers", ["Organisation", "Programmes"], implementers.map((b) => [link(`/organisations/${encodeURIComponent(b.organisation!.id)}`, orgName(b.organisation!)), b.count]), [1])));

  const sectors = data.bySector.filter((b) => b.sector).sort((a, b) => b.count - a.count).slice(0, 10);
  main.append(panel("sectors", "Top sectors, by programmes",
    bars(sectors.map((b) => ({ label: b.sector!.name ?? b.sector!.code, value: b.count, text: `${b.count}` }))),
    table("Top sectors", ["Sector", "Programmes"], sectors.map((b) => [sectorLabel(b.sector!), b.count]), [1])));

  main.append(panel("status", "Programmes by status",
    bars(data.byStatus.map((b) => ({ label: words(b.status), value: b.count, text: `${b.count}` }))),
    table("Programmes by status", ["Status", "Programmes", "Budgets"], data.byStatus.map((b) => [words(b.status), b.count, b.budgets.map(formatMoney).join(", ") || "—"]), [1, 2])));

  const list = h("section", { class: "panel", id: "programmes", "aria-labelledby": "list-h" });
  main.append(list);
  await renderList(list, f, sort, [], firstPage);
}

function listPage(f: Filters, sort: string, after: string | null): Promise<ListData> {
  const [field, direction] = sort.split(":");
  return run<ListData>(ProgrammeListOp, { where: programmeWhere(f), first: pageSize, after, orderBy: [{ field, direction }, { field: "CODE", direction: "ASC" }] });
}

// mapPanel: the world map by programmes (programmeSummary) or by funding in
// one currency (fundingSummary by COUNTRY: a country's buckets by share and
// in full are listed apart, never added).
function mapPanel(f: Filters, params: URLSearchParams, countries: OverviewData["byCountry"], funding: OverviewData["byCountryFunding"], currency: string): HTMLElement {
  const metric = params.get("map") === "funding" && currency ? "funding" : "programmes";
  const values = new Map<string, MapValue>();
  const rows: (string | number)[][] = [];
  if (metric === "programmes") {
    for (const b of countries) {
      values.set(b.country!.iso2, { value: b.count, name: b.country!.name, text: `${b.count} programme${b.count === 1 ? "" : "s"}` });
      rows.push([b.country!.name, b.count]);
    }
  } else {
    for (const b of funding) {
      if (!b.country || b.currency !== currency || !b.totals.length) continue;
      const m = b.totals[0];
      const how = b.split === "SHARES" ? "by share" : "in full";
      const prev = values.get(b.country.iso2);
      values.set(b.country.iso2, {
        value: (prev?.value ?? 0) + approximate(m.amount),
        name: b.country.name,
        text: (prev ? prev.text + " and " : "") + `${formatMoney(m)} (${how})`,
      });
      rows.push([b.country.name, how, b.count, formatMoney(m)]);
    }
  }
  const pick = (iso2: string) => navigate("/" + filtersToSearch({ ...f, country: iso2 }, { map: params.get("map") ?? "", currency: params.get("currency") ?? "" }));
  const approx = new Intl.NumberFormat("en", { notation: "compact", maximumSignificantDigits: 2 });
  const map = worldMap(values, metric === "programmes"
    ? { label: "programmes", counts: true, legend: (lo, hi) => (lo === hi ? `${hi}` : `${lo}–${hi}`) }
    : { label: `funding in ${currency}`, counts: false, legend: (lo, hi) => `≈ ${currency} ${approx.format(lo)}–${approx.format(hi)}` }, pick);
  const switcher = h("label", { class: "inline" }, "Shade by ",
    h("select", { id: "map-metric", onchange: ((e: Event) => navigate("/" + filtersToSearch(f, { sort: params.get("sort") ?? "", currency: params.get("currency") ?? "", map: (e.target as HTMLSelectElement).value === "funding" ? "funding" : "" }))) as EventListener },
      h("option", { value: "programmes", selected: metric === "programmes" }, "programmes"),
      currency ? h("option", { value: "funding", selected: metric === "funding" }, `funding, ${currency}`) : null));
  const tableEl = metric === "programmes"
    ? table("Programmes by beneficiary country", ["Country", "Programmes"], rows, [1])
    : table(`Funding by beneficiary country, ${currency}`, ["Country", "Split", "Fundings", "Total"], rows, [2, 3]);
  return panel("map", metric === "programmes" ? "Programmes by beneficiary country" : `Funding by beneficiary country, ${currency}`, map, tableEl, switcher);
}

function figure(key: string, value: number, label: string): HTMLElement {
  return h("div", { class: "figure", "data-figure": key, "data-value": value }, h("span", { class: "value" }, formatDecimal(String(value))), h("span", { class: "label" }, label));
}

function filterForm(f: Filters, opts: Options, params: URLSearchParams): HTMLElement {
  const apply = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const next: Filters = {};
    for (const [k, v] of data.entries()) if (typeof v === "string" && v.trim()) (next as Record<string, string>)[k] = v.trim();
    navigate("/" + filtersToSearch(next, { sort: params.get("sort") ?? "", currency: params.get("currency") ?? "", map: params.get("map") ?? "" }));
  };
  const select = (name: string, label: string, choices: [string, string][], any: string) =>
    h("label", null, label, h("select", { name, id: `f-${name}`, onchange: ((e: Event) => apply((e.target as HTMLElement).closest("form")!)) as EventListener },
      h("option", { value: "" }, any), choices.map(([v, t]) => h("option", { value: v, selected: f[name as keyof Filters] === v }, t))));
  const orgs = opts.organisations.filter((b) => b.organisation).map((b) => [b.organisation!.id, orgName(b.organisation!)] as [string, string]).sort((a, b) => a[1].localeCompare(b[1]));
  const ctry = opts.countries.filter((b) => b.country).map((b) => [b.country!.iso2, b.country!.name] as [string, string]).sort((a, b) => a[1].localeCompare(b[1]));
  const sect = opts.sectors.filter((b) => b.sector).map((b) => [`${b.sector!.vocabulary}:${b.sector!.code}`, sectorLabel(b.sector!)] as [string, string]).sort((a, b) => a[1].localeCompare(b[1]));
  const years = opts.years.map((b) => b.startYear).filter((y): y is number => y !== null);
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filters" },
    h("label", null, "Search", h("input", { type: "search", name: "q", id: "f-q", value: f.q ?? "", placeholder: "title or code" })),
    select("org", "Organisation", orgs, "Any organisation"),
    select("role", "Role", roles.map((r) => [r, words(r)]), "Any role"),
    select("country", "Beneficiary country", ctry, "Any country"),
    select("sector", "Sector", sect, "Any sector"),
    select("status", "Status", statuses.map((s) => [s, words(s)]), "Any status"),
    h("label", null, "From year", h("input", { type: "number", name: "from", id: "f-from", inputmode: "numeric", min: Math.min(...years, 1950), max: 2100, value: f.from ?? "" })),
    h("label", null, "To year", h("input", { type: "number", name: "to", id: "f-to", inputmode: "numeric", min: Math.min(...years, 1950), max: 2100, value: f.to ?? "" })),
    h("div", { class: "buttons" }, h("button", { type: "submit", id: "f-apply" }, "Apply"), link("/", "Clear filters")),
  ) as unknown as HTMLFormElement;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    apply(form);
  });
  return form;
}

async function renderList(section: HTMLElement, f: Filters, sort: string, cursors: (string | null)[], prefetched?: Promise<ListData>): Promise<void> {
  const after = cursors.length ? cursors[cursors.length - 1] : null;
  const data = await (prefetched ?? listPage(f, sort, after));
  const p = data.programmes;
  clear(section);
  const from = cursors.length * pageSize + 1;
  const sortSelect = h("select", { id: "list-sort", onchange: ((e: Event) => navigate(location.pathname + filtersToSearch(f, { sort: (e.target as HTMLSelectElement).value, currency: new URLSearchParams(location.search).get("currency") ?? "", map: new URLSearchParams(location.search).get("map") ?? "" }))) as EventListener },
    sorts.map(([k, t]) => h("option", { value: k, selected: k === sort }, t)));
  section.append(
    h("div", { class: "panel-head" }, h("h2", { id: "list-h" }, "Programmes"), h("label", { class: "inline" }, "Sort by ", sortSelect)),
    h("p", { class: "downloads" }, "Download these ", h("strong", null, String(p.totalCount)), " programmes: ",
      h("a", { href: exportURL("programmes.csv", f), download: "programmes.csv", "data-export": "csv" }, "CSV"), " · ",
      h("a", { href: exportURL("programmes.ndjson", f), download: "programmes.ndjson", "data-export": "ndjson" }, "NDJSON"), " · ",
      h("a", { href: exportURL("iati.xml", f), download: "iati.xml", "data-export": "iati" }, "IATI XML")),
    table(p.totalCount ? `Programmes ${from}–${from + p.edges.length - 1} of ${p.totalCount}` : "No programmes match these filters",
      ["Code", "Title", "Status", "Start", "End", "Budget", "Countries"],
      p.edges.map(({ node: n }) => [
        link(`/programmes/${encodeURIComponent(n.code)}`, n.code), n.title, words(n.status),
        formatPartialDate(n.startDate), formatPartialDate(n.endDate), formatMoney(n.budget),
        n.countries.filter((c) => c.role === "BENEFICIARY").map((c) => c.country.iso2).join(", "),
      ]), [5]),
  );
  const prev = h("button", { type: "button", disabled: cursors.length === 0 }, "Previous page");
  const next = h("button", { type: "button", disabled: !p.pageInfo.hasNextPage }, "Next page");
  prev.addEventListener("click", () => renderList(section, f, sort, cursors.slice(0, -1)));
  next.addEventListener("click", () => renderList(section, f, sort, [...cursors, p.pageInfo.endCursor]));
  section.append(h("nav", { class: "pager", "aria-label": "Pages of programmes" }, prev, next));
}

