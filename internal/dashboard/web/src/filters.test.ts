import { describe, expect, it } from "vitest";
import { exportURL, filtersToSearch, fundingWhere, paidOutWhere, nextSort, overviewURL, parseFilters, parseSort, parseView, programmeWhere, sortParam } from "./filters";

describe("filters in the URL", () => {
  it("round-trips in a fixed order and drops empty values", () => {
    const f = parseFilters("?status=CLOSED&country=ML&q=%20diaspora%20&org=&from=2007&to=abc");
    expect(f).toEqual({ q: "diaspora", country: "ML", status: "CLOSED", from: "2007" });
    expect(filtersToSearch(f)).toBe("?q=diaspora&country=ML&status=CLOSED&from=2007");
    expect(filtersToSearch({})).toBe("");
    expect(filtersToSearch({ q: "a b&c" }, { sort: "CODE:ASC" })).toBe("?q=a+b%26c&sort=CODE%3AASC");
  });
});

describe("where", () => {
  it("is null without filters", () => {
    expect(programmeWhere({})).toBeNull();
    expect(fundingWhere({})).toBeNull();
    expect(exportURL("programmes.csv", {})).toBe("/export/programmes.csv");
  });
  it("has one predicate per filter", () => {
    expect(programmeWhere({ country: "ML" })).toEqual({
      hasCountriesWith: [{ role: "BENEFICIARY", hasCountryWith: [{ iso2: "ML" }] }],
    });
    const w = programmeWhere({ org: "T3JnOjE=", role: "FUNDING", sector: "1:15110", from: "2007", to: "2008" });
    expect(w).toEqual({
      and: [
        { hasParticipationsWith: [{ hasOrganisationWith: [{ id: "T3JnOjE=" }], role: "FUNDING" }] },
        { hasSectorsWith: [{ vocabulary: "1", code: "15110" }] },
        { startDateGTE: "2007" },
        { startDateLT: "2009" },
      ],
    });
    expect(fundingWhere({ status: "CLOSED" })).toEqual({ hasProgrammeWith: [{ status: "CLOSED" }] });
  });
  it("gives the export endpoints the same where", () => {
    const url = exportURL("iati.xml", { country: "ML" });
    expect(url.startsWith("/export/iati.xml?where=")).toBe(true);
    expect(JSON.parse(decodeURIComponent(url.split("where=")[1]))).toEqual(programmeWhere({ country: "ML" }));
  });
});

describe("money paid out", () => {
  it("is disbursements and expenditure of the filtered programmes", () => {
    expect(paidOutWhere({})).toEqual({ kindIn: ["DISBURSEMENT", "EXPENDITURE"] });
    expect(paidOutWhere({ status: "CLOSED" })).toEqual({ and: [{ hasProgrammeWith: [{ status: "CLOSED" }] }, { kindIn: ["DISBURSEMENT", "EXPENDITURE"] }] });
  });
});

describe("region", () => {
  it("selects programmes benefiting a country of the region", () => {
    expect(programmeWhere({ region: "Africa" })).toEqual({
      hasCountriesWith: [{ role: "BENEFICIARY", hasCountryWith: [{ region: "Africa" }] }],
    });
    expect(filtersToSearch(parseFilters("?region=Asia&country=ID"))).toBe("?country=ID&region=Asia");
  });
});

describe("view in the URL", () => {
  it("keeps the view apart from the filters and drops what is not valid", () => {
    const search = "?country=ML&sort=CODE%3AASC&in=USD&currency=eur&map=funding";
    expect(parseFilters(search)).toEqual({ country: "ML" });
    expect(parseView(search)).toEqual({ sort: "CODE:ASC", map: "funding", in: "USD" });
    expect(overviewURL({ country: "ML" }, { in: "USD", sort: "" })).toBe("/?country=ML&in=USD");
    expect(overviewURL({})).toBe("/");
  });
});

describe("column sorting", () => {
  it("reads only known fields and directions", () => {
    expect(parseSort("TITLE:DESC")).toEqual({ field: "TITLE", direction: "DESC" });
    expect(parseSort("BUDGET:ASC")).toEqual({ field: "START_DATE", direction: "DESC" });
    expect(parseSort(undefined)).toEqual({ field: "START_DATE", direction: "DESC" });
    expect(sortParam({ field: "CODE", direction: "ASC" })).toBe("CODE:ASC");
  });
  it("turns the same column round and starts another ascending, dates newest first", () => {
    expect(nextSort({ field: "CODE", direction: "ASC" }, "CODE")).toEqual({ field: "CODE", direction: "DESC" });
    expect(nextSort({ field: "CODE", direction: "DESC" }, "CODE")).toEqual({ field: "CODE", direction: "ASC" });
    expect(nextSort({ field: "CODE", direction: "ASC" }, "TITLE")).toEqual({ field: "TITLE", direction: "ASC" });
    expect(nextSort({ field: "CODE", direction: "ASC" }, "END_DATE")).toEqual({ field: "END_DATE", direction: "DESC" });
  });
});
