// The filters of the overview live in the URL's query string, so a view can
// be shared and bookmarked, and back and forward work.

export const filterKeys = ["q", "org", "role", "country", "region", "sector", "status", "from", "to"] as const;
export type FilterKey = (typeof filterKeys)[number];
export type Filters = Partial<Record<FilterKey, string>>;

type Where = Record<string, unknown>;

export function parseFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const f: Filters = {};
  for (const k of filterKeys) {
    const v = params.get(k)?.trim();
    if (v) f[k] = v;
  }
  if (f.from && !/^\d{4}$/.test(f.from)) delete f.from;
  if (f.to && !/^\d{4}$/.test(f.to)) delete f.to;
  return f;
}

// How the overview is shown, kept in the URL beside the filters but not a
// filter: the list's sort, the map's metric, the currency of the charts and
// the currency totals are converted into ("in", with the API's rates).
export const viewKeys = ["sort", "map", "currency", "in"] as const;
export type ViewKey = (typeof viewKeys)[number];
export type View = Partial<Record<ViewKey, string>>;

export function parseView(search: string): View {
  const params = new URLSearchParams(search);
  const v: View = {};
  for (const k of viewKeys) {
    const x = params.get(k)?.trim();
    if (x) v[k] = x;
  }
  if (v.in && !/^[A-Z]{3}$/.test(v.in)) delete v.in;
  if (v.currency && !/^[A-Z]{3}$/.test(v.currency)) delete v.currency;
  return v;
}

/** overviewURL is the overview with these filters and view. */
export function overviewURL(f: Filters, view: View = {}): string {
  return "/" + filtersToSearch(f, view);
}

export const sortFields = ["CODE", "TITLE", "STATUS", "START_DATE", "END_DATE"] as const;
export interface Sort {
  field: (typeof sortFields)[number];
  direction: "ASC" | "DESC";
}
export const defaultSort: Sort = { field: "START_DATE", direction: "DESC" };

/** parseSort reads "FIELD:DIRECTION"; anything else is the default. */
export function parseSort(s: string | undefined): Sort {
  const [field, direction] = (s ?? "").split(":");
  if (!(sortFields as readonly string[]).includes(field) || (direction !== "ASC" && direction !== "DESC")) return defaultSort;
  return { field: field as Sort["field"], direction };
}

export function sortParam(s: Sort): string {
  return `${s.field}:${s.direction}`;
}

/**
 * nextSort is the sort after a click on a column's header: the same column
 * turns its direction round; another starts ascending (dates newest first).
 */
export function nextSort(current: Sort, field: Sort["field"]): Sort {
  if (current.field === field) return { field, direction: current.direction === "ASC" ? "DESC" : "ASC" };
  return { field, direction: field.endsWith("_DATE") ? "DESC" : "ASC" };
}

/** filtersToSearch writes filters in a fixed order: "" when there are none. */
export function filtersToSearch(f: Filters, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const k of filterKeys) {
    const v = f[k]?.trim();
    if (v) params.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) if (v) params.set(k, v);
  const s = params.toString();
  return s ? "?" + s : "";
}

/** programmeWhere is the ProgrammeWhereInput of the filters; null for none. */
export function programmeWhere(f: Filters): Where | null {
  const and: Where[] = [];
  if (f.q) and.push({ or: [{ titleContainsFold: f.q }, { codeContainsFold: f.q }] });
  if (f.org) {
    const p: Where = { hasOrganisationWith: [{ id: f.org }] };
    if (f.role) p.role = f.role;
    and.push({ hasParticipationsWith: [p] });
  } else if (f.role) {
    and.push({ hasParticipationsWith: [{ role: f.role }] });
  }
  if (f.country) and.push({ hasCountriesWith: [{ role: "BENEFICIARY", hasCountryWith: [{ iso2: f.country }] }] });
  // A region (the countries' own region, as the map groups them) selects
  // programmes benefiting any country in it.
  if (f.region) and.push({ hasCountriesWith: [{ role: "BENEFICIARY", hasCountryWith: [{ region: f.region }] }] });
  if (f.sector) {
    const [vocabulary, code] = f.sector.includes(":") ? f.sector.split(":", 2) : ["1", f.sector];
    and.push({ hasSectorsWith: [{ vocabulary, code }] });
  }
  if (f.status) and.push({ status: f.status });
  if (f.from) and.push({ startDateGTE: f.from });
  if (f.to) and.push({ startDateLT: String(Number(f.to) + 1) });
  if (and.length === 0) return null;
  return and.length === 1 ? and[0] : { and };
}

/** fundingWhere selects the fundings of the filtered programmes. */
export function fundingWhere(f: Filters): Where | null {
  const p = programmeWhere(f);
  return p ? { hasProgrammeWith: [p] } : null;
}

// Money paid out: disbursements and expenditure. Rankings and the map add
// these only, for a commitment and the payments that keep it are the same
// money; fundingSummary adds them, one bucket per funder or country.
export const paidOutKinds = ["DISBURSEMENT", "EXPENDITURE"];

/** paidOutWhere selects the filtered programmes' fundings that paid money out. */
export function paidOutWhere(f: Filters): Where {
  const w = fundingWhere(f);
  const kinds = { kindIn: paidOutKinds };
  return w ? { and: [w, kinds] } : kinds;
}

export type ExportKind = "programmes.csv" | "programmes.ndjson" | "iati.xml";

/** exportURL gives exactly the filtered programmes from the export endpoints. */
export function exportURL(kind: ExportKind, f: Filters): string {
  const w = programmeWhere(f);
  return `/export/${kind}` + (w ? "?where=" + encodeURIComponent(JSON.stringify(w)) : "");
}
