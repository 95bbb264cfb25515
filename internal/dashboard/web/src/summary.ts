// How the overview reads fundingSummary's buckets: in the currencies as
// given, or converted by the API into one currency (`in`). Nothing here adds
// amounts: every total shown is one the API computed.
import type { Money } from "./money";

export type FundingDimension = "FUNDER" | "COUNTRY" | "YEAR" | "KIND" | "TRANSACTION_TYPE" | "CURRENCY";

/**
 * groupBy drops CURRENCY when converting: the API then adds every converted
 * amount of a bucket into one total in the target currency, instead of one
 * bucket per currency given.
 */
export function groupBy(dims: FundingDimension[], converting: boolean): FundingDimension[] {
  return converting ? dims.filter((d) => d !== "CURRENCY") : dims;
}

export interface Bucket {
  currency?: string | null;
  totals: Money[];
  rateMissing?: boolean;
}

/**
 * totalIn is a bucket's total in currency: a bucket grouped by CURRENCY
 * holds only its own; a converted one (currency null) holds the target's,
 * beside any amount that had no rate.
 */
export function totalIn(b: Bucket, currency: string): Money | undefined {
  if (b.currency && b.currency !== currency) return undefined;
  return b.totals.find((m) => m.currency === currency);
}

/** unconverted lists what a converted bucket left in other currencies (no rate). */
export function unconverted(b: Bucket, currency: string): Money[] {
  return b.rateMissing ? b.totals.filter((m) => m.currency !== currency) : [];
}

// The headline counts money committed and money out, each kind (the IATI
// transaction type's family: every funding has one where its source gives
// a type) on its own: a commitment is a promise, and adding it to the
// disbursements that keep it would count the same money twice.
export const headlineTypes: { type: string; label: string; what: string }[] = [
  { type: "COMMITMENT", label: "Committed", what: "commitments" },
  { type: "DISBURSEMENT", label: "Disbursed", what: "disbursements" },
  { type: "EXPENDITURE", label: "Spent", what: "expenditure" },
];

export interface TypeBucket extends Bucket {
  kind: string | null;
  count: number;
}

/** headline picks the buckets of the headline types and lists the others apart. */
export function headline<B extends TypeBucket>(byType: B[]): { main: { type: string; label: string; what: string; bucket: B | undefined }[]; other: B[] } {
  const main = headlineTypes.map((t) => ({ ...t, bucket: byType.find((b) => b.kind === t.type) }));
  const known = new Set(headlineTypes.map((t) => t.type));
  return { main, other: byType.filter((b) => !known.has(b.kind ?? "")) };
}

/** rateCurrencies: the currencies the registry's rates convert into, sorted. */
export function rateCurrencies(rates: { toCurrency: string }[]): string[] {
  return [...new Set(rates.map((r) => r.toCurrency))].sort();
}
