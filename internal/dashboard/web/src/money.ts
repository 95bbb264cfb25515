// Amounts arrive as Decimal strings ("79929.00") and are formatted as text:
// never through JavaScript numbers, so no digit is ever lost or rounded.

export interface Money {
  amount: string;
  currency: string;
}

const decimalRE = /^([+-])?(\d+)(?:\.(\d+))?$/;

interface Parsed {
  negative: boolean;
  int: string; // no leading zeros ("0" for zero)
  frac: string; // as written
}

function parse(amount: string): Parsed | null {
  const m = decimalRE.exec(amount.trim());
  if (!m) return null;
  const int = m[2].replace(/^0+(?=\d)/, "");
  const frac = m[3] ?? "";
  const zero = /^0*$/.test(int) && /^0*$/.test(frac);
  return { negative: m[1] === "-" && !zero, int, frac };
}

/** formatDecimal groups the integer digits by thousands and keeps every fraction digit. */
export function formatDecimal(amount: string): string {
  const p = parse(amount);
  if (!p) return amount; // not a decimal: show what the API said
  const grouped = p.int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (p.negative ? "-" : "") + grouped + (p.frac ? "." + p.frac : "");
}

/** formatMoney: "79929.00" USD -> "USD 79,929.00". */
export function formatMoney(m: Money | null | undefined): string {
  if (!m) return "—";
  return `${m.currency} ${formatDecimal(m.amount)}`;
}

/** compareDecimal compares two Decimal strings exactly: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return 0;
  if (pa.negative !== pb.negative) return pa.negative ? -1 : 1;
  const sign = pa.negative ? -1 : 1;
  if (pa.int.length !== pb.int.length) return pa.int.length < pb.int.length ? -sign : sign;
  if (pa.int !== pb.int) return pa.int < pb.int ? -sign : sign;
  const n = Math.max(pa.frac.length, pb.frac.length);
  const fa = pa.frac.padEnd(n, "0");
  const fb = pb.frac.padEnd(n, "0");
  if (fa === fb) return 0;
  return fa < fb ? -sign : sign;
}

/**
 * approximate gives a number for drawing only (the length of a bar); the
 * text shown beside it is always formatDecimal's.
 */
export function approximate(amount: string): number {
  const n = Number(amount);
  return Number.isFinite(n) ? n : 0;
}
