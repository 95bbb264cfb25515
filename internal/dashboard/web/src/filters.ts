// The filters of the overview live in the URL's query string, so a view can
// be shared and bookmarked, and back and forward work.

export const filterKeys = ["q", "org", "role", "country", "sector", "status", "from", "to"] as const;
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

/** filtersToSearch writes filters in a fixed order: "" when there are none. */
export function filtersToSearch(f: Filters, extra: Record<string, string> = {}): string {
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

export type ExportKind = "programmes.csv" | "programmes.ndjson" | "iati.xml";

/** exportURL gives exactly the filtered programmes from the export endpoints. */
export function exportURL(kind: ExportKind, f: Filters): string {
  const w = programmeWhere(f);
  return `/export/${kind}` + (w ? "?where=" + encodeURIComponent(JSON.stringify(w)) : "");
}
