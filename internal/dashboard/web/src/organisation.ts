import OrganisationOp from "../../operations/Organisation.graphql";
import { run } from "./api";
import { clear, h, link, table } from "./dom";
import { formatPartialDate } from "./dates";
import { placesMap } from "./map";
import { formatMoney, type Money } from "./money";
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
  participations: { role: string; programme: { code: string; title: string; status: string | null; participations: { role: string; organisation: Org }[] | null } }[] | null;
}

const words = (s: string | null) => (s ? s.charAt(0) + s.slice(1).toLowerCase().replace(/_/g, " ") : "—");
const orgName = (o: Org) => (o.acronym ? `${o.name} (${o.acronym})` : o.name);

const roleOrder = ["FUNDING", "ACCOUNTABLE", "EXTENDING", "IMPLEMENTING", "PARTNER"];

/** mainRole: the first of a partner's roles in the usual order of the chain, for its colour. */
export function mainRole(roles: Set<string>): string {
  return [...roles].sort((a, b) => (roleOrder.indexOf(a) + 99) % 99 - (roleOrder.indexOf(b) + 99) % 99 || a.localeCompare(b))[0] ?? "";
}

export interface Partner { org: Org; roles: Set<string>; programmes: Set<string> }

/** partners lists the organisations sharing programmes with one, most shared first. */
export function partners(self: string, participations: Organisation["participations"]): Partner[] {
  const by = new Map<string, Partner>();
  for (const pa of participations ?? []) {
    for (const other of pa.programme.participations ?? []) {
      if (other.organisation.id === self) continue;
      const p = by.get(other.organisation.id) ?? { org: other.organisation, roles: new Set(), programmes: new Set() };
      p.roles.add(other.role);
      p.programmes.add(pa.programme.code);
      by.set(other.organisation.id, p);
    }
  }
  return [...by.values()].sort((a, b) => b.programmes.size - a.programmes.size || a.org.name.localeCompare(b.org.name));
}

export async function renderOrganisation(main: HTMLElement, [id]: string[]): Promise<void> {
  const data = await run<{ node: Organisation | null; given: Flow[]; received: Flow[] }>(OrganisationOp, { id });
  clear(main);
  const o = data.node;
  if (!o || !o.name) {
    main.append(h("h1", null, "No such organisation"), h("p", null, link("/", "Back to the overview")));
    return;
  }
  document.title = o.name;
  const progs = new Map<string, { code: string; title: string; status: string | null; roles: string[] }>();
  for (const pa of o.participations ?? []) {
    const e = progs.get(pa.programme.code) ?? { ...pa.programme, roles: [] };
    e.roles.push(pa.role);
    progs.set(pa.programme.code, e);
  }
  const ps = partners(o.id, o.participations);
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
    h("section", { class: "panel", id: "org-programmes" }, h("h2", null, "Programmes by role"),
      table("Programmes", ["Programme", "Title", "Status", "Role"], [...progs.values()].map((p) => [link(`/programmes/${encodeURIComponent(p.code)}`, p.code), p.title, words(p.status), p.roles.map(words).join(", ")]))),
    h("section", { class: "panel", id: "partners" }, h("h2", null, "Works with"),
      ps.length ? partnerNetwork(o, ps) : null,
      ps.length ? table("Organisations sharing programmes", ["Organisation", "Their roles", "Shared programmes"],
        ps.map((p) => [link(`/organisations/${encodeURIComponent(p.org.id)}`, orgName(p.org)), [...p.roles].map(words).join(", "), p.programmes.size]), [2])
        : h("p", null, "No partners recorded.")),
    h("section", { class: "panel" }, h("h2", null, "Sources"), h("ul", { class: "sources" }, (o.sources ?? []).map((s) => h("li", null, s.url ? h("a", { href: s.url, rel: "noreferrer" }, s.title) : s.title, s.fileName ? ` (${s.fileName})` : "")))),
  );
}

// flows shows fundingSummary's totals by year, one currency per row: never
// added in the browser.
function flows(id: string, title: string, what: string, buckets: Flow[]): HTMLElement {
  const rows = buckets.filter((b) => b.count > 0);
  return h("section", { class: "panel", id }, h("h2", null, title),
    rows.length ? table(`${title} by year (${what})`, ["Year", "Currency", "Fundings", "Total", "Funder from"],
      rows.map((b) => [b.year === null ? "undated" : String(b.year), b.currency ?? "no value", b.count, b.totals.map(formatMoney).join(", ") || "not stated",
        b.funderRule === "PROGRAMME_FUNDING_PARTICIPANT" ? "its programme's funding participant" : b.funderRule === "OWN" ? "the funding" : "—"]), [2, 3])
      : h("p", null, `No ${what}.`));
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
    rows.length ? table("Countries where it is present", ["Country", "Since"], rows) : h("p", null, "No presences recorded."));
}

function partnerNetwork(o: Organisation, ps: Partner[]): HTMLElement {
  const top = ps.slice(0, 24); // more would not be readable; the list has them all
  const nodes = top.map((p) => ({ id: p.org.id, label: p.org.acronym ?? p.org.name, role: mainRole(p.roles), weight: p.programmes.size }));
  const roles = roleOrder.filter((r) => nodes.some((n) => n.role === r));
  const el = network(o.acronym ?? o.name, nodes, roles, (id) => navigate(`/organisations/${encodeURIComponent(id)}`), words);
  if (ps.length > top.length) el.append(h("p", { class: "empty" }, `The ${top.length} it shares most programmes with; the table lists all ${ps.length}.`));
  return el;
}
