// RFC 3339 / ISO 8601 extended format: date, optional time, optional fraction, optional offset.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** A parsed instant. */
export interface ParsedDate {
  /** Milliseconds since the epoch. */
  ms: number;
  /** UTC, RFC 3339 (`…Z`), milliseconds only when not zero. */
  iso: string;
  /** The text had no time zone offset and was read as UTC. */
  assumedUtc: boolean;
}

/**
 * Parses a record date: a `Date` (as YAML gives for unquoted timestamps) or an ISO 8601 / RFC
 * 3339 string with any offset. A string without an offset is read as UTC, never as the
 * machine's local time, and says so. Impossible calendar dates (Feb 30) and years outside
 * 1000–9999 (RSS needs four digits) are errors.
 *
 * @param value - a `Date` or a string
 * @returns the instant, or `{ error }` saying what was expected
 * @example
 * parseDate("2021-07-19T12:00:00+02:00") // { ms: 1626688800000, iso: "2021-07-19T10:00:00Z", assumedUtc: false }
 */
export function parseDate(value: unknown): ParsedDate | { error: string } {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) return { error: "must be a valid date, got an invalid date" };
    return checked(ms, false);
  }
  if (typeof value !== "string") {
    return {
      error: `must be an ISO 8601 date-time such as 2021-07-19T10:00:00Z, got ${typeof value === "number" ? `the number ${value}` : typeof value}`,
    };
  }
  const m = ISO.exec(value.trim());
  if (m === null)
    return {
      error: `must be an ISO 8601 date-time such as 2021-07-19T10:00:00Z, got ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value)}`,
    };
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { error: `is not a real calendar date: ${value.slice(0, 10)}` };
  }
  if (hour > 23 || minute > 59 || second > 59)
    return { error: `has an impossible time of day: ${JSON.stringify(value)}` };
  let offsetMin = 0;
  if (zone !== undefined && zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return { error: `has an impossible time zone offset ${JSON.stringify(zone)}` };
    offsetMin = sign * (oh * 60 + om);
  }
  const millis = frac === "" ? 0 : Math.floor(Number(`0.${frac}`) * 1000 + 1e-9);
  // Date.UTC reads the years 0–99 as 1900–1999: compute those 400 years (146,097 days) later and shift back.
  const early = year < 100;
  const ms =
    Date.UTC(early ? year + 400 : year, month - 1, day, hour, minute, second, millis) -
    (early ? 146_097 * 86_400_000 : 0) -
    offsetMin * 60_000;
  return checked(ms, zone === undefined);
}

/**
 * Formats epoch milliseconds as RFC 3339 in UTC, with milliseconds only when they are not zero.
 *
 * @example
 * formatIso(0) // "1970-01-01T00:00:00Z"
 */
export function formatIso(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

// 1000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: RSS needs four-digit years.
const MIN_MS = -30610224000000;
const MAX_MS = 253402300799999;

function checked(ms: number, assumedUtc: boolean): ParsedDate | { error: string } {
  if (ms < MIN_MS || ms > MAX_MS)
    return { error: `must fall in the years 1000–9999, got the year ${new Date(ms).getUTCFullYear()}` };
  return { ms, iso: formatIso(ms), assumedUtc };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
