import { describe, expect, it } from "vitest";
import { mainRole, partners } from "./organisation";

describe("partners", () => {
  const org = (id: string) => ({ id, name: "Org " + id, acronym: null });
  it("lists who shares programmes with an organisation, most shared first, itself left out", () => {
    const ps = partners("A", [
      { role: "IMPLEMENTING", programme: { code: "P1", title: "", status: null, participations: [{ role: "IMPLEMENTING", organisation: org("A") }, { role: "FUNDING", organisation: org("B") }, { role: "PARTNER", organisation: org("C") }] } },
      { role: "IMPLEMENTING", programme: { code: "P2", title: "", status: null, participations: [{ role: "IMPLEMENTING", organisation: org("A") }, { role: "EXTENDING", organisation: org("B") }] } },
    ]);
    expect(ps.map((p) => [p.org.id, p.programmes.size, [...p.roles].sort()])).toEqual([["B", 2, ["EXTENDING", "FUNDING"]], ["C", 1, ["PARTNER"]]]);
  });
  it("colours a partner by its first role in the chain", () => {
    expect(mainRole(new Set(["PARTNER", "FUNDING"]))).toBe("FUNDING");
    expect(mainRole(new Set(["IMPLEMENTING", "EXTENDING"]))).toBe("EXTENDING");
    expect(mainRole(new Set(["SOMETHING", "PARTNER"]))).toBe("PARTNER");
  });
});
