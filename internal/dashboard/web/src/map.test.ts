import { describe, expect, it } from "vitest";
import { breaks } from "./map";

describe("map classes", () => {
  it("one class per count when there are few", () => {
    expect(breaks([1, 2, 2, 3], true)).toEqual([1, 2, 3]);
  });
  it("quantiles, so a few large values do not flatten the rest", () => {
    const values = [...Array(95).fill(10), 500, 600, 700, 800, 900];
    const b = breaks(values, true);
    expect(b[0]).toBe(10);
    expect(b[b.length - 1]).toBe(900);
  });
  it("nothing to shade", () => {
    expect(breaks([0, -5], false)).toEqual([]);
  });
});
