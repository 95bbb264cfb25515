import { describe, expect, it } from "vitest";
import { formatPartialDate, precisionOf } from "./dates";

describe("formatPartialDate", () => {
  it("shows a date at its own precision", () => {
    expect(formatPartialDate("2007")).toBe("2007");
    expect(formatPartialDate("2009-04")).toBe("Apr 2009");
    expect(formatPartialDate("2009-04-29")).toBe("29 Apr 2009");
    expect(formatPartialDate(null)).toBe("—");
    expect(formatPartialDate("sometime")).toBe("sometime");
  });
  it("names the precision", () => {
    expect(precisionOf("2007")).toBe("year");
    expect(precisionOf("2009-04")).toBe("month");
    expect(precisionOf("2009-04-29")).toBe("day");
    expect(precisionOf(undefined)).toBe("none");
  });
});
