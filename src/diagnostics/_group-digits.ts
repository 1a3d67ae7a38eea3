/**
 * A whole number with its thousands grouped by commas, as `toLocaleString("en-US")` writes it,
 * without that call's first-use cost (loading the locale's data took about 28 ms of a build's
 * start). Other numbers are left to `toLocaleString`.
 *
 * @example
 * groupDigits(100000) // "100,000"
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString("en-US");
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}
