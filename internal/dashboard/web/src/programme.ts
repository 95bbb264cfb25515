import ProgrammeOp from "../../operations/Programme.graphql";
import { run } from "./api";
import { formatPartialDate, precisionOf } from "./dates";
import { append, clear, h, link, table } from "./dom";
import { formatDecimal, formatMoney, type Money } from "./money";

interface Org { id: string; name: string; acronym: string | null }
interface Programme {
  id: string; code: string; title: string; description: string | null; status: string | null;
  startDate: string | null; endDate: string | null; theme: string | null; region: string | null;
  budget: Money | null;
  parent: { code: string; title: string } | null;
  children: { code: string; title: string }[] | null;
  participations: { role: string; organisation: Org }[] | null;
  countries: { role: string; sharePercent: string | null; country: { iso2: string; name: string }; areas: { name: string }[] | null }[] | null;
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
  const data = await run<{ programmes: { edges: { node: Programme }[] } }>(ProgrammeOp, { code });
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
    section("Countries", table("Countries", ["Country", "Role", "Share", "Areas"],
      (p.countries ?? []).map((c) => [c.country.name, words(c.role), c.sharePercent ? `${formatDecimal(c.sharePercent)}%` : "not stated", (c.areas ?? []).map((a) => a.name).join(", ")]), [2])),
    section("Fundings", table("Fundings", ["Date", "Type", "Funder", "Recipient", "Value"],
      (p.fundings ?? []).map((f) => [date(f.date), words(f.transactionType ?? f.kind), orgLink(f.funder), orgLink(f.recipient), f.value ? formatMoney(f.value) : "not stated"]), [4])),
    section("Sectors", table("Sectors", ["Vocabulary", "Code", "Name", "Percentage"],
      (p.sectors ?? []).map((s) => [s.vocabulary, s.code, s.name ?? "—", s.percentage ? `${formatDecimal(s.percentage)}%` : "—"]), [3])),
    (p.results ?? []).length ? section("Results", table("Results: targets against what was achieved", ["Indicator", "Unit", "Target", "Achieved"],
      p.results!.map((r) => [r.indicator, r.unit ?? "—", r.target ?? "—", r.achieved ? formatDecimal(r.achieved) : "—"]), [3])) : null,
    (p.children ?? []).length ? section("Children", h("ul", null, p.children!.map((c) => h("li", null, link(`/programmes/${encodeURIComponent(c.code)}`, c.code), ` ${c.title}`)))) : null,
    section("Quality notes", p.qualityNotes.length ? table("Quality notes", ["Code", "Element", "Note"], p.qualityNotes.map((q) => [q.code, q.element, q.message])) : h("p", null, "None: the record is as its source gives it.")),
    section("Sources", h("ul", { class: "sources" }, (p.sources ?? []).map((s) =>
      h("li", null, s.url ? h("a", { href: s.url, rel: "noreferrer" }, s.title) : s.title, s.fileName ? ` (${s.fileName})` : "", s.publisher ? `, ${s.publisher}` : "", s.publishedOn ? `, ${formatPartialDate(s.publishedOn)}` : "")))),
  ]);
}

function section(title: string, body: Element): HTMLElement {
  return h("section", { class: "panel" }, h("h2", null, title), body);
}
