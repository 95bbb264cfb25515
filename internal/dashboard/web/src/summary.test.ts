import { describe, expect, it } from "vitest";
import { groupBy, headline, rateCurrencies, totalIn, unconverted } from "./summary";

describe("conversion into one currency", () => {
  it("groups by currency only when not converting", () => {
    expect(groupBy(["YEAR", "TRANSACTION_TYPE", "CURRENCY"], false)).toEqual(["YEAR", "TRANSACTION_TYPE", "CURRENCY"]);
    expect(groupBy(["YEAR", "TRANSACTION_TYPE", "CURRENCY"], true)).toEqual(["YEAR", "TRANSACTION_TYPE"]);
  });
  it("reads a bucket's total in one currency, as given or converted", () => {
    const given = { currency: "EUR", totals: [{ amount: "10.00", currency: "EUR" }] };
    expect(totalIn(given, "EUR")).toEqual({ amount: "10.00", currency: "EUR" });
    expect(totalIn(given, "USD")).toBeUndefined();
    const converted = { currency: null, rateMissing: true, totals: [{ amount: "5", currency: "BDT" }, { amount: "11.0000", currency: "USD" }] };
    expect(totalIn(converted, "USD")).toEqual({ amount: "11.0000", currency: "USD" });
    expect(unconverted(converted, "USD")).toEqual([{ amount: "5", currency: "BDT" }]);
    expect(unconverted({ ...converted, rateMissing: false }, "USD")).toEqual([]);
  });
  it("offers each currency the rates convert into once", () => {
    expect(rateCurrencies([{ toCurrency: "USD" }, { toCurrency: "EUR" }, { toCurrency: "USD" }])).toEqual(["EUR", "USD"]);
  });
});

describe("headline", () => {
  it("shows commitments, disbursements and expenditure each on its own, the rest apart", () => {
    const b = (k: string | null) => ({ kind: k, count: 1, totals: [] });
    const h = headline([b("DISBURSEMENT"), b("INCOMING_FUNDS"), b(null), b("COMMITMENT")]);
    expect(h.main.map((m) => [m.label, m.bucket?.kind])).toEqual([
      ["Committed", "COMMITMENT"],
      ["Disbursed", "DISBURSEMENT"],
      ["Spent", undefined],
    ]);
    expect(h.other.map((o) => o.kind)).toEqual(["INCOMING_FUNDS", null]);
  });
});
