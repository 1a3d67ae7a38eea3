/**
 * Test-only checkers that read feed documents with real, independent validators and parsers:
 *
 * - {@link validateAtomSchema}: RELAX NG validation against RFC 4287 Appendix B
 *   (`test/fixtures/schemas/atom-rfc4287.rng`, the trang conversion of the RFC's compact schema,
 *   `.rnc` beside it) with libxml2 compiled to WebAssembly (`xmllint-wasm`). Its verdicts were
 *   checked against jing on thousands of generated Atom documents with no disagreement.
 * - {@link validateJsonFeed}: ajv 8 + ajv-formats against a strict JSON Feed 1.1 schema
 *   (`test/fixtures/schemas/jsonfeed-1.1.schema.json`), plus the rules a schema cannot say.
 * - {@link parseFeedDocument}: strict XML well-formedness (saxes) and strict dates, then
 *   `feedsmith` reads RSS 2.0 / Atom 1.0 / JSON Feed into one small normalised shape so tests can
 *   compare the three formats.
 *
 * Everything is offline and pure npm: no Java, no Debian package, no network.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { type AnyFeed, parseFeed } from "feedsmith";
import { SaxesParser } from "saxes";
import { validateXML } from "xmllint-wasm";

const SCHEMAS = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "schemas");
const ATOM_RNG = readFileSync(join(SCHEMAS, "atom-rfc4287.rng"), "utf8");
const JSONFEED_SCHEMA = JSON.parse(readFileSync(join(SCHEMAS, "jsonfeed-1.1.schema.json"), "utf8")) as object;
const JSONFEED_VERSION = "https://jsonfeed.org/version/1.1";

// ---------------------------------------------------------------------------------------------
// Atom: RELAX NG
// ---------------------------------------------------------------------------------------------

/**
 * Validates an Atom document against the RFC 4287 RELAX NG schema.
 *
 * Covers what the grammar says (required/singleton elements, element and attribute names,
 * `xsd:dateTime` dates, xhtml `div` wrappers, ...). It does NOT check the RFC's Schematron-only
 * rules (feed author unless every entry has one, alternate link or content, ...): those are not
 * part of the grammar.
 *
 * @param xml - the Atom document
 * @returns the error messages, `line N: message`; empty when valid. A document that is not
 *   well-formed XML yields the parser's messages.
 */
export async function validateAtomSchema(xml: string): Promise<string[]> {
  try {
    const result = await validateXML({
      xml: [{ fileName: "feed.atom", contents: xml }],
      schema: [{ fileName: "atom-rfc4287.rng", contents: ATOM_RNG }],
      extension: "relaxng",
    });
    if (result.valid) return [];
    const errors = result.errors
      .map((e) => (e.loc === null ? e.message.trim() : `line ${e.loc.lineNumber}: ${e.message.trim()}`))
      .filter((m) => m !== "");
    return errors.length > 0 ? errors : [result.rawOutput.trim() || "document fails to validate"];
  } catch (e) {
    // xmllint exits with a non-validation status (e.g. 1: not well-formed); the wrapper rejects
    // with stderr as the message.
    const lines = String((e as Error).message)
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !/^\^+$/.test(l));
    return lines.length > 0 ? lines.map((l) => `not well-formed: ${l}`) : ["xmllint failed"];
  }
}

// ---------------------------------------------------------------------------------------------
// JSON Feed
// ---------------------------------------------------------------------------------------------

// ajv-formats is CommonJS (module.exports = plugin, plus .default); under NodeNext the default
// import is typed as the module object, so pick the callable one.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  typeof addFormatsModule === "function"
    ? (addFormatsModule as unknown as AddFormats)
    : (addFormatsModule as unknown as { default: AddFormats }).default;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validateJsonFeedSchema = ajv.compile(JSONFEED_SCHEMA);

/**
 * Validates a JSON Feed 1.1 document: UTF-8 without BOM (when given bytes), strict JSON with no
 * duplicate member names, the JSON Feed 1.1 schema (ajv, all errors), and the spec rules a schema
 * cannot express: `version` exactly `https://jsonfeed.org/version/1.1`, unique item ids,
 * `next_url` different from `feed_url`, dates in RFC 3339 with upper-case `T`/`Z` and a zone.
 *
 * @param json - the document, as text or as the raw bytes
 * @returns the error messages, each naming a JSON pointer where it applies; empty when valid
 */
export function validateJsonFeed(json: string | Uint8Array): string[] {
  let text: string;
  try {
    text = decodeText(json);
  } catch (e) {
    return [(e as Error).message];
  }
  if (text.startsWith("\uFEFF")) return ["JSON text starts with a byte order mark (RFC 8259 8.1 forbids it)"];

  let doc: unknown;
  const errors: string[] = [];
  try {
    const parsed = parseStrictJson(text);
    doc = parsed.value;
    errors.push(...parsed.duplicates.map((d) => `${d.pointer || "/"}: duplicate member name "${d.key}"`));
  } catch (e) {
    return [`not valid JSON: ${(e as Error).message}`];
  }

  if (!validateJsonFeedSchema(doc)) {
    for (const err of validateJsonFeedSchema.errors ?? []) errors.push(formatAjvError(err));
  }

  if (!isObject(doc)) return errors;
  if (doc.version !== JSONFEED_VERSION) {
    errors.push(`/version: must be "${JSONFEED_VERSION}", got ${JSON.stringify(doc.version)}`);
  }
  if (typeof doc.next_url === "string" && doc.next_url === doc.feed_url) {
    errors.push(`/next_url: equals feed_url (${doc.next_url}), a reader would loop`);
  }
  const items = doc.items;
  if (Array.isArray(items)) {
    const seen = new Map<string, number>();
    items.forEach((item: unknown, i) => {
      if (!isObject(item)) return;
      const id = item.id;
      if (typeof id === "string") {
        const first = seen.get(id);
        if (first === undefined) seen.set(id, i);
        else errors.push(`/items/${i}/id: duplicate id ${JSON.stringify(id)} (same as /items/${first}/id)`);
      }
      for (const key of ["date_published", "date_modified"]) {
        const v = item[key];
        if (typeof v === "string" && parseRfc3339(v) === undefined) {
          errors.push(
            `/items/${i}/${key}: ${JSON.stringify(v)} is not an RFC 3339 date-time with upper-case T/Z and a zone`,
          );
        }
      }
    });
  }
  return errors;
}

function formatAjvError(err: ErrorObject): string {
  const where = err.instancePath || "/";
  const params = err.params as Record<string, unknown>;
  const extra =
    typeof params.additionalProperty === "string"
      ? ` (${params.additionalProperty})`
      : typeof params.allowedValue === "string"
        ? ` (${JSON.stringify(params.allowedValue)})`
        : "";
  return `${where}: ${err.message ?? err.keyword}${extra} [schema ${err.schemaPath}]`;
}

interface Duplicate {
  pointer: string;
  key: string;
}

/**
 * A small strict JSON (RFC 8259) parser that also reports duplicate member names, which
 * `JSON.parse` silently resolves (last one wins). Throws `SyntaxError` with a line and column.
 */
function parseStrictJson(text: string): { value: unknown; duplicates: Duplicate[] } {
  let pos = 0;
  const duplicates: Duplicate[] = [];

  const fail = (what: string): never => {
    const before = text.slice(0, pos);
    const line = before.split("\n").length;
    const col = pos - before.lastIndexOf("\n");
    throw new SyntaxError(`${what} at line ${line}, column ${col}`);
  };
  const skipWs = (): void => {
    while (pos < text.length && (text[pos] === " " || text[pos] === "\t" || text[pos] === "\n" || text[pos] === "\r"))
      pos++;
  };
  const escapePointer = (k: string): string => k.replace(/~/g, "~0").replace(/\//g, "~1");

  const parseString = (): string => {
    // pos is at the opening quote
    const start = pos;
    pos++;
    for (;;) {
      if (pos >= text.length) fail("unterminated string");
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c < 0x20) fail("unescaped control character in string");
      if (c === 0x5c) {
        const n = text[pos + 1];
        if (n === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail("bad \\u escape");
          pos += 6;
          continue;
        }
        if (n === undefined || !'"\\/bfnrt'.includes(n)) fail("bad escape");
        pos += 2;
        continue;
      }
      pos++;
    }
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };

  const parseValue = (pointer: string): unknown => {
    skipWs();
    const c = text[pos];
    if (c === "{") {
      pos++;
      const obj: Record<string, unknown> = {};
      const keys = new Set<string>();
      skipWs();
      if (text[pos] === "}") {
        pos++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[pos] !== '"') fail("expected a member name");
        const key = parseString();
        if (keys.has(key)) duplicates.push({ pointer, key });
        keys.add(key);
        skipWs();
        if (text[pos] !== ":") fail("expected ':'");
        pos++;
        const v = parseValue(`${pointer}/${escapePointer(key)}`);
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        skipWs();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "}") {
          pos++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      pos++;
      const arr: unknown[] = [];
      skipWs();
      if (text[pos] === "]") {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(`${pointer}/${arr.length}`));
        skipWs();
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (text[pos] === "]") {
          pos++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    const rest = text.slice(pos);
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
    if (num !== null) {
      pos += num[0].length;
      return Number(num[0]);
    }
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (rest.startsWith(word)) {
        pos += word.length;
        return value;
      }
    }
    return fail(pos >= text.length ? "unexpected end of input" : `unexpected character ${JSON.stringify(c)}`);
  };

  const value = parseValue("");
  skipWs();
  if (pos < text.length) fail("unexpected text after the JSON value");
  return { value, duplicates };
}

// ---------------------------------------------------------------------------------------------
// Reading feeds back
// ---------------------------------------------------------------------------------------------

/** One feed item, the same shape for RSS, Atom and JSON Feed. */
export interface ParsedItem {
  /** RSS `guid`, Atom `id`, JSON `id`. */
  id: string | undefined;
  /** As plain text (Atom `html`/`xhtml` titles are turned into text). */
  title: string | undefined;
  /** RSS `link`, Atom first `alternate` (or rel-less) link, JSON `url`. */
  link: string | undefined;
  /** UTC, `YYYY-MM-DDTHH:MM:SSZ` (`.sss` kept only when not zero). RSS `pubDate`, Atom `published`, JSON `date_published`. */
  published: string | undefined;
  /** Same form. RSS: `atom:updated` if any; Atom `updated`; JSON `date_modified`. */
  updated: string | undefined;
  /** As plain text: RSS `description` (HTML), Atom `summary` (by its type), JSON `summary`. */
  summary: string | undefined;
  /** As plain text: RSS `content:encoded`, Atom inline `content` (text/html/xhtml), JSON `content_text` else `content_html`. */
  content: string | undefined;
  /** RSS `category`, Atom `category/@term`, JSON `tags`. */
  categories: string[];
  /**
   * Author names. RSS: `author` (name if given as `email (Name)`, else the address) and
   * `dc:creator`; Atom: entry authors, else `source` authors, else feed authors (RFC 4287 4.2.1);
   * JSON: item `authors`, else feed `authors` (JSON Feed 1.1).
   */
  authors: string[];
}

/** A feed read back by {@link parseFeedDocument}. */
export interface ParsedFeed {
  format: "rss" | "atom" | "json";
  /** As plain text. */
  title: string | undefined;
  /** RSS channel `link`, Atom feed `alternate` link, JSON `home_page_url`. */
  link: string | undefined;
  items: ParsedItem[];
}

/**
 * Reads an RSS 2.0, Atom 1.0 or JSON Feed document back the way a feed reader would, with
 * `feedsmith`, after strict checks it does not make itself:
 *
 * - bytes must be UTF-8 (and the XML declaration, if it names an encoding, must say UTF-8);
 * - XML must be well-formed XML 1.0 with namespaces (saxes; a DOCTYPE with entities is refused);
 * - JSON must be strict JSON without duplicate member names;
 * - every date read (items' and the feed's own) must parse: RSS dates as RFC 822/2822 with a four-digit year and a matching
 *   weekday, Atom/JSON dates as RFC 3339 with a zone.
 *
 * @param text - the document, as text or raw bytes
 * @returns the normalised feed
 * @throws Error naming the problem (and line:column for XML)
 */
export async function parseFeedDocument(text: string | Uint8Array): Promise<ParsedFeed> {
  const source = decodeText(text).replace(/^\uFEFF/, "");
  if (/^\s*[[{]/.test(source)) {
    let parsed: { value: unknown; duplicates: Duplicate[] };
    try {
      parsed = parseStrictJson(source);
    } catch (e) {
      throw new Error(`not valid JSON: ${(e as Error).message}`);
    }
    const dup = parsed.duplicates[0];
    if (dup !== undefined) throw new Error(`JSON has a duplicate member name "${dup.key}" at ${dup.pointer || "/"}`);
    return normalise(parseFeed<string>(parsed.value));
  }
  assertWellFormedXml(source);
  return normalise(parseFeed<string>(source));
}

function normalise(any: AnyFeed<string>): ParsedFeed {
  switch (any.format) {
    case "rss": {
      const f = any.feed;
      rssDate(f.pubDate, "channel pubDate");
      rssDate(f.lastBuildDate, "channel lastBuildDate");
      return {
        format: "rss",
        title: f.title,
        link: f.link,
        items: (f.items ?? []).map((it, i) => {
          const authors = [...(it.authors ?? []).map((p) => p.name ?? p.email), ...(it.dc?.creators ?? [])];
          return {
            id: it.guid?.value,
            title: it.title,
            link: it.link,
            published: rssDate(it.pubDate, `item ${i} pubDate`),
            updated: isoDate(it.atom?.updated, `item ${i} atom:updated`),
            summary: htmlText(it.description),
            content: htmlText(it.content?.encoded),
            categories: defined((it.categories ?? []).map((c) => c.name)),
            authors: unique(authors),
          };
        }),
      };
    }
    case "atom": {
      const f = any.feed;
      const feedAuthors = (f.authors ?? []).map((p) => p.name);
      isoDate(f.updated, "feed updated");
      return {
        format: "atom",
        title: atomText(f.title),
        link: alternateLink(f.links),
        items: (f.entries ?? []).map((e, i) => {
          const own = (e.authors ?? []).map((p) => p.name);
          const fromSource = (e.source?.authors ?? []).map((p) => p.name);
          return {
            id: e.id,
            title: atomText(e.title),
            link: alternateLink(e.links),
            published: isoDate(e.published, `entry ${i} published`),
            updated: isoDate(e.updated, `entry ${i} updated`),
            summary: atomText(e.summary),
            content: e.content?.src === undefined ? atomText(e.content) : undefined,
            categories: defined((e.categories ?? []).map((c) => c.term)),
            authors: unique(own.length > 0 ? own : fromSource.length > 0 ? fromSource : feedAuthors),
          };
        }),
      };
    }
    case "json": {
      const f = any.feed;
      const name = (a: { name?: string; url?: string }): string | undefined => a.name ?? a.url;
      const feedAuthors = (f.authors ?? []).map(name);
      return {
        format: "json",
        title: f.title,
        link: f.home_page_url,
        items: (f.items ?? []).map((it, i) => {
          const own = (it.authors ?? []).map(name);
          return {
            id: it.id,
            title: it.title,
            link: it.url,
            published: isoDate(it.date_published, `item ${i} date_published`),
            updated: isoDate(it.date_modified, `item ${i} date_modified`),
            summary: it.summary,
            content: it.content_text ?? htmlText(it.content_html),
            categories: [...(it.tags ?? [])],
            authors: unique(own.length > 0 ? own : feedAuthors),
          };
        }),
      };
    }
    default:
      throw new Error(`unsupported feed format: ${any.format}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function defined(values: ReadonlyArray<string | undefined>): string[] {
  return values.filter((v): v is string => v !== undefined);
}

function unique(values: ReadonlyArray<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ""))];
}

function alternateLink(links: ReadonlyArray<{ href?: string; rel?: string }> | undefined): string | undefined {
  return (links ?? []).find((l) => l.rel === undefined || l.rel === "alternate")?.href;
}

function atomText(t: { value?: string; type?: string } | undefined): string | undefined {
  if (t === undefined || t.value === undefined) return undefined;
  if (t.type === "html" || t.type === "xhtml") return htmlText(t.value);
  if (t.type === undefined || t.type === "text") return t.value;
  return undefined; // other media types (Atom content only) are not text
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00A0" };

/** HTML to plain text, enough for comparing feeds: drop tags and comments, decode entities, collapse white space. */
function htmlText(html: string | undefined): string | undefined {
  if (html === undefined) return undefined;
  return html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, ref: string) => {
      if (ref.startsWith("#x") || ref.startsWith("#X")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
      if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
      return NAMED_ENTITIES[ref] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Strict text, XML and date checks
// ---------------------------------------------------------------------------------------------

function decodeText(input: string | Uint8Array): string {
  if (typeof input === "string") return input;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    throw new Error("not valid UTF-8");
  }
  const decl = /^\uFEFF?<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']/.exec(text);
  if (decl?.[1] !== undefined && decl[1].toLowerCase() !== "utf-8") {
    throw new Error(`XML declaration names encoding ${decl[1]}; only UTF-8 is read here`);
  }
  return text;
}

/**
 * Throws on the first well-formedness error (XML 1.0 + Namespaces), as `line:column: message`.
 *
 * @param xml - the document
 */
export function assertWellFormedXml(xml: string): void {
  const parser = new SaxesParser({ xmlns: true, position: true });
  let problem: string | undefined;
  parser.on("error", (e) => {
    problem ??= e.message;
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    problem ??= (e as Error).message;
  }
  if (problem !== undefined) throw new Error(`XML is not well-formed: ${problem}`);
}

function toIso(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validClock(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = mo === 2 && !leap ? 28 : (DAYS_IN_MONTH[mo - 1] ?? 0);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= dim && h <= 23 && mi <= 59 && s <= 59;
}

/**
 * Strict RFC 3339 `date-time` (upper-case `T` and `Z`, zone required; leap second 60 refused).
 *
 * @param value - the date text
 * @returns epoch milliseconds, or undefined when not RFC 3339
 */
export function parseRfc3339(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(value);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validClock(y, mo, d, h, mi, s)) return undefined;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  let offset = 0;
  if (m[8] !== "Z") {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offset = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offset * 60_000;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const ZONES: Record<string, number> = {
  UT: 0,
  GMT: 0,
  Z: 0,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
};

/**
 * Strict RFC 822 date as RFC 2822 reads it (what RSS 2.0 requires): optional weekday that must
 * match the date, 1-2 digit day, English month, four-digit year, `HH:MM[:SS]`, and a zone
 * (`+hhmm`/`-hhmm`, `GMT`, `UT`, `Z` or a US zone name).
 *
 * @param value - the date text
 * @returns epoch milliseconds, or undefined when not such a date
 */
export function parseRfc822(value: string): number | undefined {
  const m =
    /^(?:([A-Z][a-z]{2}), )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([A-Z]{1,3}|[+-]\d{4})$/.exec(
      value,
    );
  if (m === null) return undefined;
  const mo = MONTHS.indexOf(m[3] ?? "") + 1;
  const [d, y, h, mi] = [m[2], m[4], m[5], m[6]].map(Number) as [number, number, number, number];
  const s = m[7] === undefined ? 0 : Number(m[7]);
  if (mo === 0 || !validClock(y, mo, d, h, mi, s)) return undefined;
  const zone = m[8] ?? "";
  let offset: number;
  if (/^[+-]\d{4}$/.test(zone)) {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(3, 5));
    if (oh > 23 || om > 59) return undefined;
    offset = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  } else {
    const z = ZONES[zone];
    if (z === undefined) return undefined;
    offset = z;
  }
  if (m[1] !== undefined && WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()] !== m[1]) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000;
}

function rssDate(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = parseRfc822(value.trim());
  if (ms === undefined) throw new Error(`${what} ${JSON.stringify(value)} is not an RFC 822 date (RSS 2.0)`);
  return toIso(ms);
}

function isoDate(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = parseRfc3339(value.trim());
  if (ms === undefined) throw new Error(`${what} ${JSON.stringify(value)} is not an RFC 3339 date-time`);
  return toIso(ms);
}
