import { describe, expect, it } from "vitest";
import { breaks, located } from "./map";

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

describe("locations", () => {
  it("draws those with a valid point and lists the others", () => {
    const l = (name: string | null, point: { latitude: number; longitude: number } | null) => ({ name, point });
    const { places, unplaced } = located([l("Bamako", { latitude: 12.65, longitude: -8 }), l("Region", null), l(null, { latitude: 0, longitude: 0 }), l("Bad", { latitude: 95, longitude: 0 })]);
    expect(places).toEqual([{ name: "Bamako", latitude: 12.65, longitude: -8 }, { name: "unnamed location", latitude: 0, longitude: 0 }]);
    expect(unplaced.map((u) => u.name)).toEqual(["Region", "Bad"]);
  });
});
