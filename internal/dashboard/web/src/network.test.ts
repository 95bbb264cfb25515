import { describe, expect, it } from "vitest";
import { edgeWidth, ring } from "./network";

describe("network layout", () => {
  it("places partners evenly on a ring, the first at the top", () => {
    expect(ring(4, 100, 100, 50)).toEqual([[100, 50], [150, 100], [100, 150], [50, 100]]);
    expect(ring(0, 0, 0, 1)).toEqual([]);
  });
  it("draws edges as thick as the programmes shared", () => {
    expect(edgeWidth(1, 1)).toBe(1.5);
    expect(edgeWidth(1, 5)).toBe(1.5);
    expect(edgeWidth(5, 5)).toBe(8);
    expect(edgeWidth(3, 5)).toBe(4.8);
  });
});
