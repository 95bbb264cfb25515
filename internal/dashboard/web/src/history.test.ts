import { describe, expect, it } from "vitest";
import { changedFields, describeChange } from "./history";

describe("history", () => {
  it("names the fields a change altered, set or cleared, not bookkeeping", () => {
    const c = { at: "2026-12-01T10:00:00Z", operation: "UPDATE", before: { title: "A", status: "PIPELINE", note: "x", updated_at: "1" }, after: { title: "B", status: "PIPELINE", budget: "5", updated_at: "2" } };
    expect(changedFields(c)).toEqual(["budget", "note", "title"]);
    expect(describeChange(c)).toBe("updated budget, note, title");
  });
  it("says created and deleted without listing fields", () => {
    expect(describeChange({ at: "", operation: "CREATE", before: null, after: { title: "A" } })).toBe("created");
    expect(describeChange({ at: "", operation: "DELETE", before: { title: "A" }, after: null })).toBe("deleted");
    expect(describeChange({ at: "", operation: "UPDATE", before: { a: [1] }, after: { a: [1] } })).toBe("updated (no field changed)");
  });
});
