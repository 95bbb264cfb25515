import { describe, expect, it } from "vitest";
import { compareDecimal, formatDecimal, formatMoney } from "./money";

describe("formatMoney", () => {
  it("groups thousands and keeps the scale", () => {
    expect(formatMoney({ amount: "79929.00", currency: "USD" })).toBe("USD 79,929.00");
    expect(formatMoney({ amount: "150.5", currency: "EUR" })).toBe("EUR 150.5");
    expect(formatMoney(null)).toBe("—");
  });
  it("keeps every digit of a 7-decimal amount", () => {
    expect(formatMoney({ amount: "1234567.1234567", currency: "BDT" })).toBe("BDT 1,234,567.1234567");
  });
  it("keeps digits no JavaScript number can hold", () => {
    expect(formatDecimal("12345678901234567890.0000001")).toBe("12,345,678,901,234,567,890.0000001");
  });
  it("formats negatives, zero and small amounts", () => {
    expect(formatDecimal("-1000")).toBe("-1,000");
    expect(formatDecimal("-0.00")).toBe("0.00");
    expect(formatDecimal("999")).toBe("999");
    expect(formatDecimal("0001000.10")).toBe("1,000.10");
  });
  it("leaves what is not a decimal as it is", () => {
    expect(formatDecimal("1e5")).toBe("1e5");
  });
});

describe("compareDecimal", () => {
  it("compares exactly", () => {
    expect(compareDecimal("10.00", "9.999")).toBe(1);
    expect(compareDecimal("9007199254740993", "9007199254740992")).toBe(1);
    expect(compareDecimal("1.10", "1.1")).toBe(0);
    expect(compareDecimal("-5", "3")).toBe(-1);
    expect(compareDecimal("-5", "-3")).toBe(-1);
  });
});
