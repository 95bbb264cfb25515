// A record's history as people read it: when, what kind of change, and which
// fields it changed (the API gives each change's whole before and after).

export interface Change {
  at: string;
  operation: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

// Bookkeeping fields every write touches: naming them says nothing.
const bookkeeping = new Set(["updated_at", "updatedAt", "created_at", "createdAt", "id"]);

/** changedFields names the fields a change set, altered or cleared, sorted. */
export function changedFields(c: Change): string[] {
  const before = c.before ?? {};
  const after = c.after ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !bookkeeping.has(k) && JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)).sort();
}

/** describeChange: "created", "updated title, status", "deleted". */
export function describeChange(c: Change): string {
  const op = c.operation.toLowerCase();
  if (op === "create") return "created";
  if (op === "delete") return "deleted";
  const fields = changedFields(c);
  return fields.length ? `updated ${fields.join(", ")}` : "updated (no field changed)";
}
