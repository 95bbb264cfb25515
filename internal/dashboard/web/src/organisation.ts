import OrganisationOp from "../../operations/Organisation.graphql";
import { run } from "./api";
import { clear, h, link, table } from "./dom";
import { formatPartialDate } from "./dates";
import { placesMap } from "./map";
import { panel, stacked } from "./charts";
import { approximate, formatMoney, type Money } from "./money";
import { network } from "./network";
import { navigate } from "./router";

interface Flow { funder?: { id: string } | null; funderRule?: string | null; year: number | null; currency: string | null; count: number; totals: Money[] }

interface Org { id: string; name: string; acronym: string | null }
interface Organisation extends Org {
  kind: string; iatiRef: string | null; website: string | null;
  headquarters: { iso2: string; name: string } | null;
  presences: { openedIn: string | null; country: { iso2: string; name: string } }[] | null;
  aliases: { name: string | null; ref: string | null; publisher: string | null; source: string }[] | null;
  sources: { title: string; url: string | null; fileName: string | null }[] | null;
}
interface OrgProgrammes {
  totalCount: number;
  edges: { node: { code: string; title: string; status: string | null; startDate: string | null; participations: { role: string; organisation: { id: string } }[] | null } }[];
}
interface PartnerBucket { organisation: Org | null; count: number }
interface PartnerRoleBucket { organisation: { id: string } | null; role: string | null; count: number }

const words = (s: string | null) => (s ? s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, " ") : "—");
const orgName = (o: Org) => (o.acronym ? `${o.name} (${o.acronym})` : o.name);

const roleOrder = ["FUNDING", "ACCOUNTABLE", "EXTENDING", "IMPLEMENTING", "PARTNER"];

/** mainRole: the first of a partner's roles in the usual order of the chain, for its colour. */
export function mainRole(roles: Set<string>): string {
  return [...roles].sort((a, b) => (roleOrder.indexOf(a) + 99) % 99 - (roleOrder.indexOf(b) + 99) % 99 || a.localeCompare(b))[0] ?? "";
}

export interface Partner { org: Org; roles: Set<string>; shared: number }

/**
 * partners lists the organisations sharing programmes with one, most shared
 * first, from programmeSummary over its programmes: by ORGANISATION (the
 * programmes each shares with it) and by ORGANISATION and ROLE (the roles
 * it has in them). The organisation itself is left out.
 */
export function partners(self: string, byOrg: PartnerBucket[], byRole: PartnerRoleBucket[]): Partner[] {
  const roles = new Map<string, Set<string>>();
  for (const b of byRole) {
    if (!b.organisation || !b.role) continue;
    roles.set(b.organisation.id, (roles.get(b.organisation.id) ?? new Set()).add(b.role));
  }
  return byOrg.filter((b) => b.organisation && b.organisation.id !== self)
    .map((b) => ({ org: b.organisation!, roles: roles.get(b.organisation!.id) ?? new Set<string>(), shared: b.count }))
    .sort((a, b) => b.shared - a.shared || a.org.name.localeCompare(b.org.name));
}

const listedPartners = 100; // a large funder works with every organisation

export async function renderOrganisation(main: HTMLElement, [id]: string[]): Promise<void> {
  const data = await run<{ node: Organisation | null; programmes: OrgProgrammes; partners: PartnerBucket[]; partnerRoles: PartnerRoleBucket[]; given: Flow[]; received: Flow[] }>(OrganisationOp, { id });
  clear(main);
  const o = data.node;
  if (!o || !o.name) {
    main.append(h("h1", null, "No such organisation"), h("p", null, link("/", "Back to the overview")));
    return;
  }
  document.title = o.name;
  const ps = partners(o.id, data.partners, data.partnerRoles);
  main.append(
    h("p", { class: "crumbs" }, link("/", "Overview"), " › ", o.name),
    h("h1", null, orgName(o)),
    h("dl", { class: "facts" },
      h("dt", null, "Kind"), h("dd", null, words(o.kind)),
      h("dt", null, "IATI identifier"), h("dd", null, o.iatiRef ?? "—"),
      h("dt", null, "Headquarters"), h("dd", null, o.headquarters?.name ?? "—"),
      h("dt", null, "Website"), h("dd", null, o.website ? h("a", { href: o.website, rel: "noreferrer" }, o.website) : "—"),
    ),
    presencesSection(o),
    h("section", { class: "panel" }, h("h2", null, "Also known as"),
      (o.aliases ?? []).length ? table("Aliases", ["Name", "Identifier", "Publisher", "Source"], o.aliases!.map((a) => [a.name ?? "—", a.ref ?? "—", a.publisher ?? "—", a.source])) : h("p", null, "No other names recorded.")),
    // fundingSummary's FUNDER rule: a funding's own funder, else its
    // programme's one FUNDING participant; the where only narrows the search.
    flows("funding-given", "Funding given", "fundings it gives (named, or as its programme's one funding participant)", data.given.filter((b) => b.funder?.id === o.id)),
    flows("funding-received", "Funding received", "fundings naming it as recipient", data.received),
    programmesSection(o, data.programmes),
    h("section", { class: "panel", id: "partners" }, h("h2", null, "Works with"),
      ps.length ? partnerNetwork(o, ps) : null,
      ps.length ? table(ps.length > listedPartners ? `The ${listedPartners} organisations sharing most programmes with it, of ${ps.length}` : "Organisations sharing programmes",
        ["Organisation", "Their roles", "Shared programmes"],
        ps.slice(0, listedPartners).map((p) => [link(`/organisations/${encodeURIComponent(p.org.id)}`, orgName(p.org)), [...p.roles].map(words).join(", "), p.shared]), [2])
        : h("p", null, "No partners recorded.")),
    h("section", { class: "panel" }, h("h2", null, "Sources"), h("ul", { class: "sources" }, (o.sources ?? []).map((s) => h("li", null, s.url ? h("a", { href: s.url, rel: "noreferrer" }, s.title) : s.title, s.fileName ? ` (${s.fileName})` : "")))),
  );
}

// flows shows fundingSummary's totals by year: a chart of the currency most
// of them are in, and every currency in the table behind the toggle; never
// added in the browser.
function flows(id: string, title: string, what: string, buckets: Flow[]): HTMLElement {
  const rows = buckets.filter((b) => b.count > 0);
  if (rows.length === 0) return h("section", { class: "panel", id }, h("h2", null, title), h("p", null, `No ${what}.`));
  const counts = new Map<string, number>();
  for (const b of rows) if (b.currency) counts.set(b.currency, (counts.get(b.currency) ?? 0) + b.count);
  const main = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const dated = rows.filter((b) => b.currency === main && b.year !== null && b.totals.length);
  const years = [...new Set(dated.map((b) => String(b.year)))].sort();
  // Buckets of one year differ only by funder rule: one bar each, side by side.
  const rules = [...new Set(dated.map((b) => b.funderRule ?? ""))];
  const cell = (y: string, r: string) => dated.find((b) => String(b.year) === y && (b.funderRule ?? "") === r)?.totals[0];
  const chart = main ? stacked(years, rules.map((r) => ({ key: r, label: ruleLabel(r) || main })), (y, r) => approximate(cell(y, r)?.amount ?? "0"), (y, r) => formatMoney(cell(y, r)), "group")
    : h("p", { class: "empty" }, "No values stated.");
  const tableEl = table(`${title} by year (${what})`, ["Year", "Currency", "Fundings", "Total", "Funder from"],
    rows.map((b) => [b.year === null ? "undated" : String(b.year), b.currency ?? "no value", b.count, b.totals.map(formatMoney).join(", ") || "not stated", ruleLabel(b.funderRule ?? "") || "—"]), [2, 3]);
  return panel(id, `${title} by year${main ? ", " + main : ""}${counts.size > 1 ? " (other currencies in the table)" : ""}`, chart, tableEl);
}

function ruleLabel(rule: string): string {
  return rule === "PROGRAMME_FUNDING_PARTICIPANT" ? "its programme's funding participant" : rule === "OWN" ? "named by the funding" : "";
}

// presencesSection: where the organisation has a presence (an office, a
// country programme), on a map fitted to them, with the headquarters.
function presencesSection(o: Organisation): HTMLElement {
  const shown = new Map<string, string>();
  for (const p of o.presences ?? []) shown.set(p.country.iso2, `${p.country.name}: present${p.openedIn ? ` since ${formatPartialDate(p.openedIn)}` : ""}`);
  if (o.headquarters) shown.set(o.headquarters.iso2, `${o.headquarters.name}: headquarters${shown.has(o.headquarters.iso2) ? ", and present" : ""}`);
  const rows = (o.presences ?? []).map((p) => [p.country.name, p.openedIn ? formatPartialDate(p.openedIn) : "not given"]);
  return h("section", { class: "panel", id: "presences" }, h("h2", null, "Presences"),
    shown.size ? placesMap(`Map of where ${o.name} is present`, shown, []) : null,
    rows.length ? table("Countries where it is present", ["Country", "Since"], rows)
      : h("p", null, o.headquarters ? "No presences recorded; the map shows its headquarters." : "No presences recorded."));
}

function partnerNetwork(o: Organisation, ps: Partner[]): HTMLElement {
  const top = ps.slice(0, 24); // more would not be readable; the list has them all
  const nodes = top.map((p) => ({ id: p.org.id, label: p.org.acronym ?? p.org.name, role: mainRole(p.roles), weight: p.shared }));
  const roles = roleOrder.filter((r) => nodes.some((n) => n.role === r));
  const el = network(o.acronym ?? o.name, nodes, roles, (id) => navigate(`/organisations/${encodeURIComponent(id)}`), words);
  if (ps.length > top.length) el.append(h("p", { class: "empty" }, `The ${top.length} it shares most programmes with; the table lists all ${ps.length}.`));
  return el;
}

// programmesSection: its latest programmes with its roles in them; all of
// them are in the overview filtered by it.
function programmesSection(o: Organisation, progs: OrgProgrammes): HTMLElement {
  const rows = progs.edges.map(({ node: p }) => [link(`/programmes/${encodeURIComponent(p.code)}`, p.code), p.title, words(p.status),
    formatPartialDate(p.startDate), (p.participations ?? []).filter((pa) => pa.organisation.id === o.id).map((pa) => words(pa.role)).join(", ")]);
  const caption = progs.totalCount > rows.length ? `The latest ${rows.length} of its ${progs.totalCount} programmes` : "Its programmes";
  return h("section", { class: "panel", id: "org-programmes" }, h("h2", null, "Programmes by role"),
    rows.length ? table(caption, ["Programme", "Title", "Status", "Start", "Its role"], rows) : h("p", null, "It takes part in no programme."),
    h("p", null, link(`/?org=${encodeURIComponent(o.id)}`, `All ${progs.totalCount} in the overview, with their figures and downloads`)));
}
