/**
 * A fast, exact reader for the plain YAML subset that article records use.
 *
 * gray-matter (js-yaml 3, YAML 1.1, `safeLoad`) costs ~80–90 µs per generated record; this
 * reader reads the records' subset in ~12 µs and gives up (returns `undefined`) on anything it
 * does not handle exactly, so that the caller falls back to gray-matter, which also reports
 * errors. Whenever it returns an object, that object equals what
 * `matter("---\n" + yaml + "---\n", {}).data` gives (checked by differential and fuzz tests
 * against gray-matter in test/fast-yaml.test.ts).
 *
 * The subset:
 * - a top-level block mapping starting in column 0; LF line ends; empty lines anywhere;
 * - keys `[A-Za-z][A-Za-z0-9_-]*` followed by `:` and a space or the line end (not `null`,
 *   `true` or `false` in any case, which js-yaml would turn into other strings); no duplicates;
 * - values on the key's line: a double-quoted string on one line (every js-yaml escape but the
 *   line-folding one), or a plain scalar on one line, resolved as js-yaml's default safe schema
 *   does: `null`/`Null`/`NULL`/`~`, `true`/`True`/`TRUE`/`false`/`False`/`FALSE` (js-yaml 3 has no
 *   `yes`/`no`/`on`/`off`), decimal integers `0` and `-?[1-9][0-9]{0,14}`, decimals
 *   `-?(0|[1-9][0-9]{0,14}).[0-9]{1,15}`, timestamps `YYYY-MM-DD` and
 *   `YYYY-MM-DDThh:mm:ss[.f+][Z|±hh:mm]` (built as js-yaml builds them), and strings;
 * - an empty value: `null`, or a block mapping / block sequence on the lines below, indented
 *   deeper than the key;
 * - block sequences (dash and one space) of scalars or of compact mappings (`- url: "…"` then
 *   keys aligned under `url`), nested to any depth.
 *
 * It gives up on everything else: tabs, CR, BOM, controls, trailing spaces, whitespace-only
 * lines, comments, directives and document markers, anchors, aliases, tags, flow collections,
 * block scalars, single-quoted strings, quoted or complex keys, multi-line scalars, sequences
 * indented like their key, any indentation it does not expect, text after a closing quote,
 * non-printable characters in plain scalars, and every plain scalar that might be a number or a
 * date in another form than the ones above (octal `054`, `0x1F`, `1_000`, `1:20`, `1e3`, `.5`,
 * `-0`, `+1`, `.inf`, `2021-01-01 10:00`, …).
 */

/** Thrown (and always caught) to abandon the fast path. Not an `Error`: no stack to capture. */
const BAIL: { readonly bail: true } = Object.freeze({ bail: true as const });

/**
 * The body of a double-quoted scalar up to its closing quote, a backslash or the line end. js-yaml
 * rejects C0 controls there (but a tab); this reader declines tabs and line breaks as well. Any
 * other character is content for js-yaml, even C1, U+2028, a BOM or a lone surrogate.
 */
const QUOTED_RUN = /[^"\\\x00-\x1F]*/y;
/** A lone surrogate (for runtimes without `String.prototype.isWellFormed`). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const hasIsWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function";

/** Plain scalars js-yaml reads as these floats (`sign * parseFloat`), equal to `Number(s)`. */
const SAFE_FLOAT = /^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/;
/**
 * Every character that js-yaml's int, float and timestamp resolvers can accept. A plain scalar
 * that starts like a number (`[0-9+.-]`) and has a character outside this set is surely a
 * string; one made only of these characters that is none of the safe forms is given up on.
 */
const NUMBER_LIKE = /^[0-9+\-_:.a-fA-FxeEinINtTZ \t]*$/;

/** js-yaml's one-character escapes (`\0`, `\a`, …), by the character after the backslash. */
const SIMPLE_ESCAPES: ReadonlyMap<number, string> = new Map<number, string>([
  [0x30, "\x00"], // 0
  [0x61, "\x07"], // a
  [0x62, "\x08"], // b
  [0x74, "\x09"], // t
  [0x09, "\x09"], // tab
  [0x6e, "\x0A"], // n
  [0x76, "\x0B"], // v
  [0x66, "\x0C"], // f
  [0x72, "\x0D"], // r
  [0x65, "\x1B"], // e
  [0x20, " "], // space
  [0x22, '"'], // "
  [0x2f, "/"], // /
  [0x5c, "\\"], // backslash
  [0x4e, "\x85"], // N
  [0x5f, "\xA0"], // _
  [0x4c, "\u2028"], // L
  [0x50, "\u2029"], // P
]);

/** ASCII characters, besides letters, digits, `-+.~`, that may start a plain string here. */
const PLAIN_START_ASCII: ReadonlySet<number> = new Set([..."$()/;^_\\"].map((c) => c.charCodeAt(0)));

/**
 * The keys records use, by {@link keySlot} of their first two characters, longer ones first.
 * Reading keys as these literal strings rather than as fresh slices saves V8 hashing each one and
 * gives the objects shared shapes. Only a cache: other keys are sliced.
 */
const KEY_TABLE: (readonly string[] | undefined)[] = buildKeyTable([
  "category",
  "title",
  "excerpt",
  "publishedDateTime",
  "updatedDateTime",
  "originalUrl",
  "webUrl",
  "ampWebUrl",
  "cdnAmpWebUrl",
  "type",
  "quality",
  "heat",
  "published",
  "provider",
  "name",
  "domain",
  "topics",
  "images",
  "url",
  "width",
  "height",
  "isCached",
  "related",
  "secured",
]);

function buildKeyTable(keys: readonly string[]): (readonly string[] | undefined)[] {
  const table: string[][] = [];
  for (const key of [...keys].sort((a, b) => b.length - a.length)) {
    const slot = keySlot(key.charCodeAt(0), key.charCodeAt(1));
    const list = table[slot];
    if (list === undefined) table[slot] = [key];
    else list.push(key);
  }
  return Array.from({ length: 128 }, (_, i) => table[i]);
}

const LF = 0x0a;
const SPACE = 0x20;
const QUOTE = 0x22;
const DASH = 0x2d;
const COLON = 0x3a;
const BACKSLASH = 0x5c;

/**
 * Parses the YAML of one record's front matter if it uses only the plain subset; undefined
 * means "not sure: use the full YAML parser".
 *
 * @param yaml - the text between the `---` fences, ending in a line feed
 * @returns the same data as `matter("---\n" + yaml + "---\n", {}).data` (gray-matter, js-yaml 3), or undefined
 * @example
 * parseFastYaml('title: "Hi"\nquality: 54\n') // { title: "Hi", quality: 54 }
 * parseFastYaml("quality: 054\n") // undefined (YAML 1.1 octal: left to gray-matter)
 */
export function parseFastYaml(yaml: string): Record<string, unknown> | undefined {
  // Every line, the last one too, ends in a LF: the reader relies on it.
  if (yaml.charCodeAt(yaml.length - 1) !== LF) return undefined;
  const reader = new Reader(yaml);
  try {
    reader.nextLine(0);
    if (reader.indent !== 0) return undefined; // empty, or the whole document indented
    // The top-level mapping returns only at the end of the text (no line is indented less than 0).
    return reader.mapping(0, reader.content);
  } catch (error) {
    if (error === BAIL) return undefined;
    throw error;
  }
}

/** A cursor over the lines of the text. Each line is read once, character by character or by a regex. */
class Reader {
  private readonly src: string;
  /** Indentation of the current line; -1 at the end of the text. */
  indent = -1;
  /** Where the current line's content (after the indentation) starts. */
  content = 0;
  /** The position of the colon after the last key read. */
  colon = 0;

  constructor(src: string) {
    this.src = src;
  }

  /** Moves to the first non-empty line from `from` (a line start). */
  nextLine(from: number): void {
    const src = this.src;
    const n = src.length;
    let start = from;
    while (start < n) {
      let i = start;
      while (src.charCodeAt(i) === SPACE) i++;
      if (src.charCodeAt(i) !== LF) {
        this.indent = i - start;
        this.content = i;
        return;
      }
      if (i !== start) throw BAIL; // a whitespace-only line
      start = i + 1;
    }
    this.indent = -1;
  }

  /**
   * Reads a block mapping whose keys sit at column `indent`; its first key starts at `at` on the
   * current line (after a `- ` for a mapping in a sequence item). Returns on the first line
   * indented less, or at the end.
   */
  mapping(indent: number, first: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (let at = first; ; ) {
      const key = this.key(at);
      if (Object.hasOwn(result, key)) throw BAIL; // a duplicate: js-yaml throws
      result[key] = this.value(indent, this.colon + 1);
      if (this.indent === indent) {
        at = this.content;
        continue;
      }
      if (this.indent < indent) return result; // the end, or back to a parent
      throw BAIL; // deeper than this mapping, where nothing is expected
    }
  }

  /**
   * The position of the `:` after a key that starts at `at`, when a plain key of the supported
   * form starts there and its colon is followed by a space or the line end; -1 otherwise.
   */
  keyEnd(at: number): number {
    const src = this.src;
    let c = src.charCodeAt(at);
    if (!isLetter(c)) return -1;
    let i = at;
    do c = src.charCodeAt(++i);
    while (isLetter(c) || isDigit(c) || c === 0x5f /* _ */ || c === DASH);
    if (c !== COLON) return -1;
    c = src.charCodeAt(i + 1);
    return c === SPACE || c === LF ? i : -1;
  }

  /**
   * Reads the key that starts at `at` (which {@link keyEnd} accepts), as the same interned string
   * when it is a usual record key; sets {@link colon}.
   */
  key(at: number): string {
    const src = this.src;
    const candidates = KEY_TABLE[keySlot(src.charCodeAt(at), src.charCodeAt(at + 1))];
    if (candidates !== undefined) {
      for (const known of candidates) {
        const length = known.length;
        let i = 0;
        while (i < length && known.charCodeAt(i) === src.charCodeAt(at + i)) i++;
        if (i < length || src.charCodeAt(at + length) !== COLON) continue;
        const c = src.charCodeAt(at + length + 1);
        if (c !== SPACE && c !== LF) break;
        this.colon = at + length;
        return known;
      }
    }
    const colon = this.keyEnd(at);
    if (colon < 0) throw BAIL;
    const key = src.slice(at, colon);
    if (isReservedKey(key)) throw BAIL;
    this.colon = colon;
    return key;
  }

  /**
   * Reads the value after a key's colon (`after` is just past it), whose mapping's keys sit at
   * column `indent`; leaves the reader on the next line.
   */
  value(indent: number, after: number): unknown {
    const src = this.src;
    if (src.charCodeAt(after) === LF) {
      // An empty value: a collection on deeper lines, or null.
      this.nextLine(after + 1);
      const inner = this.indent;
      if (inner < indent) return null; // the end of the text, too
      if (inner === indent) {
        // js-yaml reads a sequence at the key's own indentation as the value: not handled.
        if (src.charCodeAt(this.content) === DASH) throw BAIL;
        return null;
      }
      if (src.charCodeAt(this.content) === DASH) return this.sequence(inner);
      return this.mapping(inner, this.content);
    }
    let at = after + 1; // past the space that keyEnd saw
    while (src.charCodeAt(at) === SPACE) at++;
    if (src.charCodeAt(at) === LF) throw BAIL; // trailing spaces
    return this.scalar(at);
  }

  /**
   * Reads a block sequence whose dashes sit at column `indent`, from the current line. Returns on
   * the first line indented less or not starting with a dash, or at the end.
   */
  sequence(indent: number): unknown[] {
    const src = this.src;
    const result: unknown[] = [];
    for (;;) {
      const dash = this.content;
      if (src.charCodeAt(dash + 1) !== SPACE) throw BAIL; // `-` alone, or `-x`
      const at = dash + 2;
      const c = src.charCodeAt(at);
      if (c === SPACE || c === LF) throw BAIL; // more than one space after the dash, or an empty item
      result.push(this.keyEnd(at) >= 0 ? this.mapping(indent + 2, at) : this.scalar(at));
      if (this.indent < indent) return result;
      if (this.indent === indent) {
        if (src.charCodeAt(this.content) === DASH) continue;
        return result; // the parent decides (and gives up: it expects nothing there)
      }
      throw BAIL; // a continuation line, or bad indentation
    }
  }

  /** Reads the scalar that starts at `at` and fills the rest of its line; moves to the next line. */
  scalar(at: number): unknown {
    const src = this.src;
    if (src.charCodeAt(at) === QUOTE) return this.doubleQuoted(at);
    // One pass over a plain scalar: its end, and what would make js-yaml read it otherwise.
    let i = at;
    let c = src.charCodeAt(i);
    let previous = 0;
    let surrogates = false;
    while (c !== LF) {
      // js-yaml rejects C0 controls (but tab and line breaks), DEL, C1 (but NEL), U+FFFE, U+FFFF
      // and lone surrogates in plain scalars; this reader also declines tab, CR, NEL, U+2028,
      // U+2029 and U+FEFF.
      if (c < 0x20) throw BAIL;
      if (c >= 0x7f) {
        if (c <= 0x9f || c === 0x2028 || c === 0x2029 || c === 0xfeff || c >= 0xfffe) throw BAIL;
        if (c >= 0xd800 && c <= 0xdfff) surrogates = true;
      } else if (c === 0x23 /* # */) {
        if (previous === SPACE) throw BAIL; // a comment
      } else if (c === SPACE) {
        if (previous === COLON) throw BAIL; // a mapping indicator
      }
      previous = c;
      c = src.charCodeAt(++i);
    }
    if (previous === SPACE || previous === COLON) throw BAIL; // trailing spaces or a mapping indicator
    const text = src.slice(at, i);
    if (surrogates && !isWellFormed(text)) throw BAIL;
    this.nextLine(i + 1);
    return plainScalar(text);
  }

  /** Reads a double-quoted scalar at `at` that must close at the end of its line; moves to the next line. */
  doubleQuoted(at: number): string {
    const src = this.src;
    let out = "";
    let from = at + 1;
    for (;;) {
      QUOTED_RUN.lastIndex = from;
      QUOTED_RUN.test(src);
      let i = QUOTED_RUN.lastIndex;
      const c = src.charCodeAt(i);
      if (c === QUOTE) {
        if (src.charCodeAt(i + 1) !== LF) throw BAIL; // text after the closing quote
        this.nextLine(i + 2);
        return out + src.slice(from, i);
      }
      if (c !== BACKSLASH) throw BAIL; // a line break (multi-line scalar), a tab or a control
      out += src.slice(from, i);
      const e = src.charCodeAt(i + 1);
      const simple = SIMPLE_ESCAPES.get(e);
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else {
        const length = e === 0x78 /* x */ ? 2 : e === 0x75 /* u */ ? 4 : e === 0x55 /* U */ ? 8 : 0;
        if (length === 0) throw BAIL; // an unknown escape (js-yaml throws) or an escaped line break
        let code = 0;
        for (let k = 0; k < length; k++) {
          const h = hexValue(src.charCodeAt(i + 2 + k));
          if (h < 0) throw BAIL;
          code = code * 16 + h;
        }
        if (code > 0x10ffff) throw BAIL;
        out += String.fromCodePoint(code); // (a lone surrogate for \uD800, as js-yaml gives)
        i += 2 + length;
      }
      from = i;
    }
  }
}

/** Resolves a one-line plain scalar as js-yaml's default safe schema does, or gives up. */
function plainScalar(s: string): unknown {
  const first = s.charCodeAt(0);
  if (isLetter(first)) {
    // No int, float or timestamp starts with a letter.
    if (s.length === 4) {
      if (s === "null" || s === "Null" || s === "NULL") return null;
      if (s === "true" || s === "True" || s === "TRUE") return true;
    } else if (s.length === 5) {
      if (s === "false" || s === "False" || s === "FALSE") return false;
    }
    return s;
  }
  if (isDigit(first) || first === DASH || first === 0x2b /* + */ || first === 0x2e /* . */) {
    const integer = safeInteger(s);
    if (integer !== undefined) return integer;
    if (first === DASH && (s.length === 1 || s.charCodeAt(1) === SPACE)) throw BAIL; // a sequence entry
    const date = timestamp(s);
    if (date !== undefined) return date;
    if (SAFE_FLOAT.test(s)) return Number(s);
    if (NUMBER_LIKE.test(s)) throw BAIL; // maybe an int, a float or a timestamp in another form
    return s;
  }
  if (first === 0x7e /* ~ */) {
    if (s.length === 1) return null;
    return s;
  }
  // Indicators and other ASCII characters that start something else or that this reader
  // declines: , [ ] { } # & * ! | > ' " % @ ` ? : < = and the space.
  if (first < 0x80 && !PLAIN_START_ASCII.has(first)) throw BAIL;
  return s;
}

/**
 * The value of a plain scalar `0` or `-?[1-9][0-9]{0,14}`, which js-yaml reads as that decimal
 * integer (exact: below 2^53); undefined for anything else.
 */
function safeInteger(s: string): number | undefined {
  const n = s.length;
  const negative = s.charCodeAt(0) === DASH;
  let i = negative ? 1 : 0;
  if (n - i < 1 || n - i > 15) return undefined;
  if (s.charCodeAt(i) === 0x30 /* 0 */) return n === 1 ? 0 : undefined; // not -0, octal or 0x…
  let value = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return undefined;
    value = value * 10 + (c - 0x30);
  }
  return negative ? -value : value;
}

/**
 * Reads the timestamps `YYYY-MM-DD` and `YYYY-MM-DDThh:mm:ss[.f+][Z|±hh:mm]` (a strict subset of
 * what js-yaml's timestamp type accepts: none of its one-digit fields and spaces) and builds the
 * `Date` exactly as js-yaml does; undefined for anything else.
 */
function timestamp(s: string): Date | undefined {
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 0 || month < 0 || day < 0) return undefined;
  // Date.UTC as js-yaml calls it: years 0–99 mean 1900–1999, days and months overflow.
  if (n === 10) return new Date(Date.UTC(year, month - 1, day));
  if (n < 19 || s.charCodeAt(10) !== 0x54 /* T */ || s.charCodeAt(13) !== COLON || s.charCodeAt(16) !== COLON)
    return undefined;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (hour < 0 || minute < 0 || second < 0) return undefined;
  let i = 19;
  let fraction = 0;
  if (s.charCodeAt(i) === 0x2e /* . */) {
    const start = ++i;
    while (isDigit(s.charCodeAt(i))) i++;
    if (i === start) return undefined; // js-yaml allows an empty fraction; not handled here
    // js-yaml keeps the first three digits, padded with zeros: milliseconds, never rounded.
    fraction = digits(`${s.slice(start, Math.min(i, start + 3))}00`.slice(0, 3), 0, 3);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  if (i === n) return new Date(utc);
  const zone = s.charCodeAt(i);
  if (zone === 0x5a /* Z */) return i + 1 === n ? new Date(utc) : undefined;
  if ((zone !== 0x2b /* + */ && zone !== DASH) || n !== i + 6 || s.charCodeAt(i + 3) !== COLON) return undefined;
  const zoneHour = digits(s, i + 1, 2);
  const zoneMinute = digits(s, i + 4, 2);
  if (zoneHour < 0 || zoneMinute < 0) return undefined;
  const delta = (zoneHour * 60 + zoneMinute) * 60000;
  return new Date(zone === DASH ? utc + delta : utc - delta);
}

/** The decimal number written by the `count` ASCII digits at `at`, or -1 if one is not a digit. */
function digits(s: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

/** Keys js-yaml would resolve to `null`/`true`/`false` and then turn back into strings. */
function isReservedKey(key: string): boolean {
  if (key.length !== 4 && key.length !== 5) return false;
  const k = key.toLowerCase();
  return k === "null" || k === "true" || k === "false";
}

/** A hash of a key's first two characters, in 0…127. */
function keySlot(first: number, second: number): number {
  return (first * 3 + second) & 127;
}

/** Whether `s` has no lone surrogate. */
function isWellFormed(s: string): boolean {
  return hasIsWellFormed ? (s as unknown as { isWellFormed(): boolean }).isWellFormed() : !LONE_SURROGATE.test(s);
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (isDigit(c)) return c - 0x30;
  const lc = c | 0x20;
  if (lc >= 0x61 && lc <= 0x66) return lc - 0x61 + 10;
  return -1;
}
