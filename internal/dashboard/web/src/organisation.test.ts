import { describe, expect, it } from "vitest";
import { mainRole, partners } from "./organisation";

describe("partners", () => {
  const org = (id: string) => ({ id, name: "Org " + id, acronym: null });
  it("lists who shares programmes with an organisation, most shared first, itself left out", () => {
    const ps = partners(
      "A",
      [{ organisation: org("A"), count: 3 }, { organisation: org("C"), count: 1 }, { organisation: org("B"), count: 2 }, { organisation: null, count: 9 }],
      [{ organisation: { id: "B" }, role: "FUNDING", count: 1 }, { organisation: { id: "B" }, role: "EXTENDING", count: 1 }, { organisation: { id: "C" }, role: "PARTNER", count: 1 }, { organisation: { id: "A" }, role: "IMPLEMENTING", count: 3 }],
    );
    expect(ps.map((p) => [p.org.id, p.shared, [...p.roles].sort()])).toEqual([["B", 2, ["EXTENDING", "FUNDING"]], ["C", 1, ["PARTNER"]]]);
  });
  it("colours a partner by its first role in the chain", () => {
    expect(mainRole(new Set(["PARTNER", "FUNDING"]))).toBe("FUNDING");
    expect(mainRole(new Set(["IMPLEMENTING", "EXTENDING"]))).toBe("EXTENDING");
    expect(mainRole(new Set(["SOMETHING", "PARTNER"]))).toBe("PARTNER");
  });
});
