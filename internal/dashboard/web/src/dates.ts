// PartialDate strings keep the precision their source gives: "2007",
// "2009-04" or "2009-04-29". They are shown at that precision, no more.

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export function formatPartialDate(d: string | null | undefined): string {
  if (!d) return "—";
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(d);
  if (!m) return d;
  const [, y, mo, day] = m;
  if (!mo) return y;
  const month = months[Number(mo) - 1];
  if (!month) return d;
  if (!day) return `${month} ${y}`;
  return `${Number(day)} ${month} ${y}`;
}

/** precisionOf names a PartialDate's precision, for titles and screen readers. */
export function precisionOf(d: string | null | undefined): "year" | "month" | "day" | "none" {
  if (!d) return "none";
  if (/^\d{4}$/.test(d)) return "year";
  if (/^\d{4}-\d{2}$/.test(d)) return "month";
  return "day";
}
