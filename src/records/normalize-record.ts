import { type DiagnosticCode, describeValue, diagnostic } from "../diagnostics/diagnostic.js";
import type { ArticleRecord, Diagnostic, Provider, RecordImage, RelatedLink } from "../types.js";
import { canonicalUrl, sameArticleKey } from "./canonical-url.js";
import { cleanText, collapseSpace, cutText, normalizeNewlines, toPlainText } from "./clean-text.js";
import { parseDate } from "./parse-date.js";

/** Where a record came from, so diagnostics can point at it. */
export interface RecordSource {
  /** File path shown in diagnostics. */
  file?: string;
  /** Returns the 1-based file line of a top-level key, when known. */
  lineOf?: (key: string) => number | undefined;
  /** Returns the YAML text of a top-level scalar as written, when known (to catch YAML 1.1 surprises). */
  rawOf?: (key: string) => string | undefined;
}

/** The result of {@link normalizeRecord}: a record unless an error rejected it, and what was found. */
export interface NormalizeResult {
  record?: ArticleRecord;
  diagnostics: Diagnostic[];
  /**
   * For a rejected record not marked `published: true` (a draft, as far as anyone can tell):
   * the same-article keys of its URLs, so that related links to it are left out like links to
   * any other draft.
   */
  hiddenKeys?: string[];
}

const HOST = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i;
const MAX_TOPICS = 100;
const MAX_TEXT = 100_000;

/**
 * Turns raw record data (parsed front matter or a plain object from code) into an
 * {@link ArticleRecord}. Errors reject the record; warnings keep it. The `secured` field and
 * any other unknown key never reach the result.
 *
 * @param data - the parsed front matter or an object from code
 * @param source - file and line lookup for diagnostics
 * @returns the record (unless rejected) and every diagnostic
 * @example
 * const { record, diagnostics } = normalizeRecord({ title: "Hi", webUrl: "https://a.com/x",
 *   publishedDateTime: "2021-07-19T10:00:00Z", published: true }, { file: "a.md" });
 */
export function normalizeRecord(data: unknown, source: RecordSource = {}): NormalizeResult {
  const diagnostics: Diagnostic[] = [];
  let rejected = false;
  const report = (code: DiagnosticCode, field: string, message: string): void => {
    const where: { file?: string; line?: number; field?: string } = { field };
    if (source.file !== undefined) where.file = source.file;
    const line = source.lineOf?.(field.split(/[.[]/)[0] ?? field);
    if (line !== undefined) where.line = line;
    const d = diagnostic(code, `${field} ${message}`, where);
    if (d.severity === "error") rejected = true;
    diagnostics.push(d);
  };

  if (typeof data !== "object" || data === null || Array.isArray(data) || data instanceof Date) {
    const d = diagnostic(
      "not-a-record",
      `front matter must be a mapping of fields, got ${describeValue(data)}`,
      fileOnly(source),
    );
    return { diagnostics: [d] };
  }
  const raw = data as Record<string, unknown>;

  const text = (field: string, value: unknown, max = MAX_TEXT): string | undefined => {
    if (value === undefined || value === null) return undefined;
    let s: string;
    if (typeof value === "string") s = value;
    else if (typeof value === "number" || typeof value === "boolean") s = String(value);
    else {
      report("invalid-field", field, `must be text, got ${describeValue(value)}`);
      return undefined;
    }
    const cleaned = cleanText(s);
    if (cleaned.changed)
      report(
        "text-cleaned",
        field,
        "contained characters that XML forbids (control characters or lone surrogates); they were removed",
      );
    s = normalizeNewlines(cleaned.text);
    if (s.length > max) {
      report("text-cleaned", field, `was ${s.length} characters long; cut to ${max}`);
      s = cutText(s, max);
    }
    return s;
  };

  // title
  const title = text("title", raw.title);
  const titleText = title === undefined ? undefined : collapseSpace(toPlainText(title));
  if (titleText === undefined || titleText === "") {
    if (raw.title === undefined || raw.title === null || titleText === "")
      report("missing-field", "title", "is required and must not be empty");
  }

  const excerptRaw = text("excerpt", raw.excerpt);
  const excerpt = excerptRaw === undefined ? undefined : toPlainText(excerptRaw).trim();

  // dates
  const published = dateField("publishedDateTime", raw.publishedDateTime, true);
  const updated = dateField("updatedDateTime", raw.updatedDateTime, false);
  function dateField(field: string, value: unknown, required: boolean): string | undefined {
    if (value === undefined || value === null || value === "") {
      if (required) report("missing-field", field, "is required (an ISO 8601 date-time such as 2021-07-19T10:00:00Z)");
      return undefined;
    }
    // js-yaml turns an unquoted impossible date (2023-02-30, 2023-2-30) into a real one (March 2),
    // and 0099 into 1999: check the text as written.
    const raw = value instanceof Date ? source.rawOf?.(field) : undefined;
    const parsed = parseDate(raw ?? value);
    if ("error" in parsed) {
      if (required) report("invalid-date", field, parsed.error);
      else report("field-ignored", field, `${parsed.error}; the field was ignored`);
      return undefined;
    }
    if (parsed.assumedUtc) report("date-without-offset", field, `has no time zone offset; read as UTC (${parsed.iso})`);
    return parsed.iso;
  }

  // URLs
  let webUrl: string | undefined;
  if (raw.webUrl === undefined || raw.webUrl === null || raw.webUrl === "")
    report("missing-field", "webUrl", "is required (the article's absolute http(s) URL)");
  else if (typeof raw.webUrl !== "string")
    report("invalid-url", "webUrl", `must be an absolute http(s) URL, got ${describeValue(raw.webUrl)}`);
  else {
    const c = canonicalUrl(raw.webUrl);
    if (c.error !== undefined) report("invalid-url", "webUrl", c.error);
    else webUrl = c.url;
  }
  let originalUrl = webUrl;
  if (raw.originalUrl !== undefined && raw.originalUrl !== null && raw.originalUrl !== "") {
    const c =
      typeof raw.originalUrl === "string"
        ? canonicalUrl(raw.originalUrl)
        : { error: `must be an absolute http(s) URL, got ${describeValue(raw.originalUrl)}` };
    if (c.error !== undefined) report("field-ignored", "originalUrl", `${c.error}; webUrl is used instead`);
    else originalUrl = c.url;
  }

  const category = optionalWord("category", raw.category);
  const type = optionalWord("type", raw.type);
  function optionalWord(field: string, value: unknown): string | undefined {
    const s = text(field, value, 200);
    if (s === undefined) return undefined;
    const t = collapseSpace(s);
    return t === "" ? undefined : t;
  }

  const quality = score("quality", raw.quality);
  const heat = score("heat", raw.heat);
  function score(field: string, value: unknown): number | undefined {
    if (value === undefined || value === null) return undefined;
    let n: number | undefined;
    const raw = source.rawOf?.(field);
    if (typeof value === "number" && raw !== undefined && /^[+-]?0[0-9]+$/.test(raw)) {
      // YAML 1.1 reads 054 as the octal number 44; people who write 054 mean fifty-four.
      n = Number.parseInt(raw, 10);
      report(
        "field-coerced",
        field,
        `${raw} is an octal number (${value}) in YAML 1.1; read as ${n} (write ${n} to silence this)`,
      );
    } else if (typeof value === "number") n = value;
    else if (typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)) {
      n = Number(value);
      report("field-coerced", field, `should be a number, got the text ${describeValue(value)}; read as ${n}`);
    }
    if (n === undefined || !Number.isFinite(n)) {
      report("invalid-field", field, `must be a number 0–100, got ${describeValue(value)}`);
      return undefined;
    }
    if (n < 0 || n > 100) {
      report("invalid-field", field, `must be a number 0–100, got ${n}`);
      return undefined;
    }
    return n;
  }

  let isPublished = false;
  if (raw.published === undefined || raw.published === null) {
    report(
      "missing-published",
      "published",
      "is missing; the record is treated as not published (write published: true to publish it)",
    );
  } else if (typeof raw.published === "boolean") {
    isPublished = raw.published;
  } else {
    report("invalid-field", "published", `must be true or false, got ${describeValue(raw.published)}`);
  }

  const provider = normalizeProvider(raw.provider);
  function normalizeProvider(value: unknown): Provider | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") {
      const name = collapseSpace(cleanText(value).text);
      return name === "" ? undefined : { name };
    }
    if (typeof value !== "object" || Array.isArray(value)) {
      report(
        "field-ignored",
        "provider",
        `must be a mapping with name and domain, got ${describeValue(value)}; ignored`,
      );
      return undefined;
    }
    const p = value as Record<string, unknown>;
    const name = text("provider.name", p.name, 200);
    let domain: string | undefined;
    if (typeof p.domain === "string" && p.domain.trim() !== "") {
      const d = p.domain
        .trim()
        .toLowerCase()
        .replace(/^https?:?\/\//, "")
        .replace(/\/+$/, "");
      const ascii = d === "" ? "" : safeHost(d);
      if (ascii !== undefined && HOST.test(ascii)) domain = ascii;
      else
        report(
          "field-ignored",
          "provider.domain",
          `must be a host name such as example.com, got ${describeValue(p.domain)}; ignored`,
        );
    }
    const n = name === undefined ? "" : collapseSpace(toPlainText(name));
    if (n === "" && domain === undefined) return undefined;
    const out: Provider = { name: n === "" ? (domain as string) : n };
    if (domain !== undefined) out.domain = domain;
    return out;
  }

  const topics = normalizeTopics(raw.topics);
  function normalizeTopics(value: unknown): string[] {
    if (value === undefined || value === null) return [];
    let list: unknown[];
    if (Array.isArray(value)) list = value;
    else if (typeof value === "string") {
      report(
        "field-coerced",
        "topics",
        `should be a list of names, got the text ${describeValue(value)}; read as one topic`,
      );
      list = [value];
    } else {
      report("invalid-field", "topics", `must be a list of topic names, got ${describeValue(value)}`);
      return [];
    }
    const seen = new Set<string>();
    const out: string[] = [];
    list.forEach((t, i) => {
      if (typeof t !== "string" && typeof t !== "number") {
        report("invalid-topic", `topics[${i}]`, `must be a name, got ${describeValue(t)}; ignored`);
        return;
      }
      const name = collapseSpace(cleanText(String(t)).text).normalize("NFC");
      if (name === "") {
        report("invalid-topic", `topics[${i}]`, "is empty; ignored");
        return;
      }
      if (name.length > 100) {
        report("invalid-topic", `topics[${i}]`, `is ${name.length} characters long (at most 100); ignored`);
        return;
      }
      const key = name.toLowerCase();
      if (seen.has(key)) return;
      seen.add(key);
      out.push(name);
    });
    if (out.length > MAX_TOPICS) {
      report("invalid-topic", "topics", `has ${out.length} topics; only the first ${MAX_TOPICS} are used`);
      out.length = MAX_TOPICS;
    }
    return out;
  }

  const images = list("images", raw.images, (item, field) => {
    const url = typeof item === "string" ? item : isObject(item) ? item.url : undefined;
    if (typeof url !== "string") return `must have a url, got ${describeValue(url)}`;
    const c = canonicalUrl(url);
    if (c.error !== undefined) return `url ${c.error}`;
    const img: RecordImage = { url: c.url };
    if (isObject(item)) {
      const w = dimension(item.width);
      const h = dimension(item.height);
      if (w !== undefined && h !== undefined) {
        img.width = w;
        img.height = h;
      } else if (item.width !== undefined || item.height !== undefined) {
        report("field-ignored", `${field}.width`, "width and height must both be positive whole numbers; both ignored");
      }
    }
    return img;
  });

  const related = list("related", raw.related, (item) => {
    if (!isObject(item)) return `must be a mapping with title and webUrl, got ${describeValue(item)}`;
    const url = item.webUrl ?? item.url;
    if (typeof url !== "string") return `must have a webUrl, got ${describeValue(url)}`;
    const c = canonicalUrl(url);
    if (c.error !== undefined) return `webUrl ${c.error}`;
    const t = typeof item.title === "string" ? collapseSpace(toPlainText(cleanText(item.title).text)) : "";
    const link: RelatedLink = { title: cutText(t, 500), url: c.url };
    return link;
  });

  function list<T>(field: string, value: unknown, one: (item: unknown, field: string) => T | string): T[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      report("field-ignored", field, `must be a list, got ${describeValue(value)}; ignored`);
      return [];
    }
    const out: T[] = [];
    value.forEach((item, i) => {
      const r = one(item, `${field}[${i}]`);
      if (typeof r === "string") report("field-ignored", `${field}[${i}]`, `${r}; this entry was ignored`);
      else out.push(r);
    });
    return out;
  }

  if (
    rejected ||
    titleText === undefined ||
    titleText === "" ||
    published === undefined ||
    webUrl === undefined ||
    originalUrl === undefined
  ) {
    const hiddenKeys =
      raw.published === true
        ? []
        : [...new Set([webUrl, originalUrl].filter((u) => u !== undefined).map(sameArticleKey))];
    return hiddenKeys.length === 0 ? { diagnostics } : { diagnostics, hiddenKeys };
  }
  const record = makeRecord({
    id: webUrl,
    title: titleText,
    excerpt: excerpt === "" ? undefined : excerpt,
    publishedDateTime: published,
    updatedDateTime: updated,
    webUrl,
    originalUrl,
    category,
    type,
    quality,
    heat,
    published: isPublished,
    provider,
    topics,
    images,
    related,
    source: source.file,
  });
  return { record, diagnostics };
}

/**
 * Builds an {@link ArticleRecord} with every key present in one fixed order, so that all records
 * share one hidden class (property reads in selection stay monomorphic and fast).
 *
 * @example
 * makeRecord({ ...record, id: oldId })
 */
export function makeRecord(r: ArticleRecord): ArticleRecord {
  return {
    id: r.id,
    title: r.title,
    excerpt: r.excerpt,
    publishedDateTime: r.publishedDateTime,
    updatedDateTime: r.updatedDateTime,
    webUrl: r.webUrl,
    originalUrl: r.originalUrl,
    category: r.category,
    type: r.type,
    quality: r.quality,
    heat: r.heat,
    published: r.published,
    provider: r.provider,
    topics: r.topics,
    images: r.images,
    related: r.related,
    source: r.source,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function dimension(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 && v < 100_000 ? v : undefined;
}

function safeHost(host: string): string | undefined {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
}

function fileOnly(source: RecordSource): { file?: string } {
  return source.file === undefined ? {} : { file: source.file };
}
