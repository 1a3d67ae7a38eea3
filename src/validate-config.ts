import { closest } from "./diagnostics/_closest.js";
import { diagnostic } from "./diagnostics/diagnostic.js";
import { TopicfeedsError } from "./diagnostics/topicfeeds-error.js";
import { parseDate } from "./records/parse-date.js";
import { validateRule } from "./select/resolve-rules.js";
import type { Diagnostic, FeedsConfig } from "./types.js";

const FEED_KEYS = [
  "baseUrl",
  "siteUrl",
  "title",
  "description",
  "language",
  "author",
  "copyright",
  "select",
  "minQuality",
  "limit",
  "topics",
  "siteFeeds",
  "now",
  "strict",
  "idLock",
  "hub",
  "archive",
  "maxBytes",
  "topicUrl",
  "stylesheet",
];
const IO_KEYS = ["input", "out", "cacheDir", "cache", "workers", "lockFile"];
const TOPIC_KEYS = ["title", "description", "slug", "select", "language", "archive"];

/**
 * Checks a config object (from a file or from code) and says, per key, what is wrong and what
 * was expected. Unknown keys are errors too, so a typo never passes silently.
 *
 * @param config - the config as given
 * @param options - `io: true` also allows the config file's I/O keys (input, out, …); `file` names the file
 * @returns `invalid-config` diagnostics, empty when the config is valid
 * @example
 * validateConfig({ baseUrl: "example.com" }) // [{ code: "invalid-config", field: "baseUrl", … }]
 */
export function validateConfig(
  config: unknown,
  options: { io?: boolean; file?: string; requireBaseUrl?: boolean } = {},
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bad = (field: string, message: string) => {
    const where: { field: string; file?: string } = { field };
    if (options.file !== undefined) where.file = options.file;
    out.push(diagnostic("invalid-config", `${field} ${message}`, where));
  };
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    bad(
      "config",
      `must be an object, got ${config === null ? "null" : Array.isArray(config) ? "a list" : typeof config}`,
    );
    return out;
  }
  const c = config as Record<string, unknown>;
  const allowed = options.io === true ? [...FEED_KEYS, ...IO_KEYS] : FEED_KEYS;
  for (const key of Object.keys(c)) {
    // A config file may name its JSON Schema, for editors.
    if (key === "$schema" && options.io === true) {
      if (typeof c[key] !== "string")
        bad(key, `must be the path or URL of the JSON Schema, got ${JSON.stringify(c[key])}`);
      continue;
    }
    if (!allowed.includes(key)) bad(key, unknownKey("config", key, allowed));
  }
  const url = (key: string, required: boolean) => {
    const v = c[key];
    if (v === undefined) {
      if (required)
        bad(key, "is required: the absolute public URL of the output folder, e.g. https://example.com/feeds/");
      return;
    }
    const problem = urlProblem(v, key === "baseUrl" ? "base" : "site");
    if (problem !== undefined) bad(key, `${problem}, got ${JSON.stringify(v)}`);
  };
  url("baseUrl", options.requireBaseUrl ?? true);
  url("siteUrl", false);
  if (c.topicUrl !== undefined) {
    const t = c.topicUrl;
    if (typeof t !== "string" || !t.includes("{slug}"))
      bad(
        "topicUrl",
        `must be a URL template with {slug}, e.g. https://example.com/topics/{slug}/, got ${JSON.stringify(t)}`,
      );
    else {
      const problem = urlProblem(t.replaceAll("{slug}", "slug"), "site");
      if (problem !== undefined) bad("topicUrl", `${problem} once {slug} is filled in, got ${JSON.stringify(t)}`);
    }
  }
  // Written into a processing instruction: a URL reference, no spaces, quotes or angle brackets.
  if (c.stylesheet !== undefined && (typeof c.stylesheet !== "string" || !/^[^\s"'<>\\]+$/.test(c.stylesheet)))
    bad(
      "stylesheet",
      `must be the URL of an XSLT or CSS file (no spaces, quotes or angle brackets), e.g. /feed.xsl, got ${JSON.stringify(c.stylesheet)}`,
    );
  for (const key of ["title", "description", "copyright", "language", "now"]) {
    if (c[key] !== undefined && (typeof c[key] !== "string" || c[key] === ""))
      bad(key, `must be a non-empty string, got ${JSON.stringify(c[key])}`);
  }
  if (typeof c.language === "string" && !/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(c.language))
    bad("language", `must be a language tag such as en or en-GB, got ${JSON.stringify(c.language)}`);
  if (typeof c.now === "string" && "error" in parseDate(c.now))
    bad("now", `must be an ISO 8601 date-time with an offset, got ${JSON.stringify(c.now)}`);
  if (c.minQuality !== undefined && !(typeof c.minQuality === "number" && c.minQuality >= 0 && c.minQuality <= 100))
    bad("minQuality", `must be a number 0–100, got ${JSON.stringify(c.minQuality)}`);
  if (c.limit !== undefined && !(typeof c.limit === "number" && Number.isInteger(c.limit) && c.limit >= 0))
    bad("limit", `must be a whole number ≥ 0, got ${JSON.stringify(c.limit)}`);
  for (const key of ["siteFeeds", "strict"]) {
    if (c[key] !== undefined && typeof c[key] !== "boolean")
      bad(key, `must be true or false, got ${JSON.stringify(c[key])}`);
  }
  if (c.author !== undefined) {
    const a = c.author as Record<string, unknown>;
    if (typeof a !== "object" || a === null || typeof a.name !== "string" || a.name === "")
      bad("author", 'must be an object with a name, e.g. { "name": "Example News" }');
    else {
      if (a.url !== undefined && (typeof a.url !== "string" || urlProblem(a.url, "site") !== undefined))
        bad("author.url", `must be an absolute URL, got ${JSON.stringify(a.url)}`);
      if (a.email !== undefined && (typeof a.email !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(a.email)))
        bad("author.email", `must be an e-mail address, got ${JSON.stringify(a.email)}`);
    }
  }
  if (c.idLock !== undefined) {
    const l = c.idLock as { version?: unknown; ids?: unknown };
    if (
      typeof l !== "object" ||
      l === null ||
      l.version !== 1 ||
      typeof l.ids !== "object" ||
      l.ids === null ||
      Object.values(l.ids).some((v) => typeof v !== "string")
    ) {
      bad("idLock", "must be an id lock as written by topicfeeds ({ version: 1, ids: { key: id } })");
    }
  }
  if (c.hub !== undefined) {
    const hubs = Array.isArray(c.hub) ? c.hub : [c.hub];
    if (hubs.length === 0 || hubs.some((h) => urlProblem(h, "site") !== undefined))
      bad("hub", `must be an absolute http(s) URL or a list of them, got ${JSON.stringify(c.hub)}`);
  }
  checkArchive("archive", c.archive);
  if (c.maxBytes !== undefined && !(typeof c.maxBytes === "number" && Number.isInteger(c.maxBytes) && c.maxBytes >= 1))
    bad("maxBytes", `must be a whole number of bytes ≥ 1, got ${JSON.stringify(c.maxBytes)}`);
  checkRules("select", c.select);
  if (c.topics !== undefined) {
    if (typeof c.topics !== "object" || c.topics === null || Array.isArray(c.topics))
      bad("topics", "must be an object keyed by topic name");
    else {
      for (const [name, t] of Object.entries(c.topics as Record<string, unknown>)) {
        const path = `topics[${JSON.stringify(name)}]`;
        if (typeof t !== "object" || t === null || Array.isArray(t)) {
          bad(path, "must be an object with title, description, slug, select, language or archive");
          continue;
        }
        const tc = t as Record<string, unknown>;
        for (const key of Object.keys(tc))
          if (!TOPIC_KEYS.includes(key)) bad(`${path}.${key}`, unknownKey("topic", key, TOPIC_KEYS));
        for (const key of ["title", "description", "language"]) {
          if (tc[key] !== undefined && (typeof tc[key] !== "string" || tc[key] === ""))
            bad(`${path}.${key}`, "must be a non-empty string");
        }
        if (
          tc.slug !== undefined &&
          (typeof tc.slug !== "string" ||
            !/^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{N}]+(-[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{N}]+)*$/u.test(tc.slug))
        ) {
          bad(
            `${path}.slug`,
            `must be lower-case letters and digits joined by single -, got ${JSON.stringify(tc.slug)}`,
          );
        }
        checkRules(`${path}.select`, tc.select);
        checkArchive(`${path}.archive`, tc.archive);
      }
    }
  }
  if (options.io === true) {
    const input = c.input;
    if (
      input !== undefined &&
      !(typeof input === "string" && input.trim() !== "") &&
      !(Array.isArray(input) && input.every((s) => typeof s === "string" && s.trim() !== ""))
    )
      bad("input", "must be a path or a list of paths (not empty)");
    for (const key of ["out", "cacheDir", "lockFile"])
      if (c[key] !== undefined && (typeof c[key] !== "string" || (c[key] as string).trim() === ""))
        bad(key, "must be a path (not empty)");
    if (c.cache !== undefined && typeof c.cache !== "boolean") bad("cache", "must be true or false");
    if (
      c.workers !== undefined &&
      !(typeof c.workers === "number" && Number.isInteger(c.workers) && c.workers >= 1 && c.workers <= 64)
    )
      bad("workers", "must be a whole number 1–64");
  }
  return out;

  function checkArchive(path: string, archive: unknown): void {
    if (archive === undefined || typeof archive === "boolean") return;
    const a = archive as Record<string, unknown>;
    const ok =
      typeof a === "object" &&
      a !== null &&
      !Array.isArray(a) &&
      Object.keys(a).every((k) => k === "pageSize") &&
      (a.pageSize === undefined || (typeof a.pageSize === "number" && Number.isInteger(a.pageSize) && a.pageSize >= 1));
    if (!ok)
      bad(path, `must be true, false or { "pageSize": N } with a whole number N ≥ 1, got ${JSON.stringify(archive)}`);
  }

  function checkRules(path: string, rules: unknown): void {
    if (rules === undefined) return;
    if (!Array.isArray(rules)) {
      bad(path, 'must be a list of rules such as [{ "rule": "minQuality", "value": 60 }]');
      return;
    }
    rules.forEach((r, i) => {
      const problem = validateRule(r);
      if (problem !== undefined) bad(`${path}[${i}]`, problem);
    });
  }
}

function unknownKey(kind: string, key: string, allowed: string[]): string {
  const guess = closest(key, allowed);
  return guess === undefined
    ? `is not a ${kind} key; expected one of ${allowed.join(", ")}`
    : `is not a ${kind} key; did you mean ${guess}?`;
}

/**
 * Why a value cannot be the base URL (`kind: "base"`, the output folder's public URL, which feed
 * paths are joined onto) or the site URL, or undefined when it can. Shared by the config and
 * the CLI's `--base-url`/`--site-url`.
 */
export function urlProblem(v: unknown, kind: "base" | "site"): string | undefined {
  if (typeof v !== "string" || !/^https?:\/\/[^/\s]+/i.test(v)) return "must be an absolute http(s) URL";
  try {
    new URL(v);
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (kind === "base" && /[?#]/.test(v)) return "must not have a query or fragment (feed paths are joined onto it)";
  return undefined;
}

/**
 * Throws for a config {@link validateConfig} finds problems in (what `buildFeeds` and
 * `createFeedState` do first).
 *
 * @throws TopicfeedsError `invalid-config`, with the problems as its diagnostics
 * @example
 * assertValidConfig({ baseUrl: "https://example.com/feeds/" }) // returns; a bad config throws
 */
export function assertValidConfig(config: FeedsConfig): void {
  const problems = validateConfig(config);
  if (problems.length > 0)
    throw new TopicfeedsError(
      "invalid-config",
      `invalid config: ${problems.map((p) => p.message).join("; ")}`,
      problems,
    );
}
