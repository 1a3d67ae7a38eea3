import { createRequire } from "node:module";
import type { UTCDate } from "@date-fns/utc";
import type { sub } from "date-fns/sub";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { parseDate } from "../records/parse-date.js";
import { topicKey } from "../topics/slug.js";
import type { ArticleRecord, Rule } from "../types.js";

/**
 * The parts of an ISO 8601 duration, as {@link parseDuration} returns them: whole numbers, each
 * part present only when the text names it. Its shape is date-fns' `Duration`, declared here so
 * that topicfeeds' public types never load another package's declarations.
 */
export interface IsoDuration {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
}

/** A record filter with the name the report uses for what it drops. */
export interface Filter {
  name: string;
  keep: (record: ArticleRecord) => boolean;
}

/** Rules compiled for one feed: filters in a fixed order, then dedupe, sort and limit. */
export interface ResolvedRules {
  filters: Filter[];
  dedupe: boolean;
  sortBy: "published" | "updated";
  limit: number;
  /** Topic keys named by a `topics` rule: only these get feeds (when set), never the excluded. */
  includeTopics?: Set<string>;
  excludeTopics?: Set<string>;
  /** A stable text form of the rules, for caching and for telling rule sets apart. */
  signature: string;
}

const DEFAULTS: Rule[] = [
  { rule: "published", value: true },
  { rule: "dedupe", value: true },
  { rule: "sort", by: "published" },
  { rule: "limit", value: 50 },
];
const ORDER = ["published", "minQuality", "minHeat", "topics", "category", "type", "dateWindow"] as const;

/**
 * Merges rule lists (defaults, then global, then per topic: a later rule of the same kind
 * replaces an earlier one; custom rules are told apart by name) and compiles them.
 *
 * @param layers - rule lists, lowest precedence first
 * @param now - the instant `maxAge` counts back from, as epoch ms
 * @returns the compiled rules
 * @throws TopicfeedsError `invalid-config` for a rule that is not valid (see {@link validateRule})
 * @example
 * resolveRules([[rules.minQuality(60)]]).limit // 50
 */
export function resolveRules(layers: (readonly Rule[] | undefined)[], now?: number): ResolvedRules {
  const merged = new Map<string, Rule>();
  for (const layer of [DEFAULTS, ...layers]) {
    for (const [i, rule] of (layer ?? []).entries()) {
      const problem = validateRule(rule);
      if (problem !== undefined) throw new TopicfeedsError("invalid-config", `select[${i}]: ${problem}`);
      merged.set(rule.rule === "custom" ? `custom:${rule.name}` : rule.rule, rule);
    }
  }
  const filters: Filter[] = [];
  let dedupe = true;
  let sortBy: "published" | "updated" = "published";
  let limit = 50;
  let includeTopics: Set<string> | undefined;
  let excludeTopics: Set<string> | undefined;
  const byKind = (k: string) => merged.get(k);
  for (const kind of ORDER) {
    const rule = byKind(kind);
    if (rule === undefined) continue;
    switch (rule.rule) {
      case "published":
        if (rule.value) filters.push({ name: "published", keep: (r) => r.published });
        break;
      case "minQuality": {
        const min = rule.value;
        filters.push({ name: "minQuality", keep: (r) => r.quality !== undefined && r.quality >= min });
        break;
      }
      case "minHeat": {
        const min = rule.value;
        filters.push({ name: "minHeat", keep: (r) => r.heat !== undefined && r.heat >= min });
        break;
      }
      case "topics": {
        const inc = rule.include === undefined ? undefined : new Set(rule.include.map(topicKey));
        const exc = new Set((rule.exclude ?? []).map(topicKey));
        includeTopics = inc;
        excludeTopics = exc;
        filters.push({
          name: "topics",
          keep: (r) => {
            const keys = r.topics.map(topicKey);
            if (keys.some((k) => exc.has(k))) return false;
            return inc === undefined || keys.some((k) => inc.has(k));
          },
        });
        break;
      }
      case "category":
      case "type": {
        const field = rule.rule;
        const inc = rule.include === undefined ? undefined : new Set(rule.include.map((s) => s.toLowerCase()));
        const exc = new Set((rule.exclude ?? []).map((s) => s.toLowerCase()));
        filters.push({
          name: field,
          keep: (r) => {
            const v = r[field]?.toLowerCase();
            if (v !== undefined && exc.has(v)) return false;
            return inc === undefined || (v !== undefined && inc.has(v));
          },
        });
        break;
      }
      case "dateWindow": {
        const since = rule.since === undefined ? undefined : instant(rule.since, "since");
        const until = rule.until === undefined ? undefined : instant(rule.until, "until");
        let cutoff: number | undefined;
        if (rule.maxAge !== undefined) {
          if (now === undefined) {
            throw new TopicfeedsError(
              "invalid-config",
              "dateWindow.maxAge needs the `now` option (topicfeeds never reads the clock itself; the CLI passes the build time or --now)",
            );
          }
          const d = dateFns();
          cutoff = d.sub(new d.UTCDate(now), parseDuration(rule.maxAge) as IsoDuration).getTime();
        }
        const from = Math.max(since ?? -Infinity, cutoff ?? -Infinity);
        filters.push({
          name: "dateWindow",
          keep: (r) => {
            const t = Date.parse(r.publishedDateTime);
            return t >= from && (until === undefined || t <= until);
          },
        });
        break;
      }
    }
  }
  for (const rule of merged.values()) {
    if (rule.rule === "custom") filters.push({ name: rule.name, keep: rule.keep });
    else if (rule.rule === "dedupe") dedupe = rule.value;
    else if (rule.rule === "sort") sortBy = rule.by;
    else if (rule.rule === "limit") limit = rule.value;
  }
  const signature = JSON.stringify(
    [...merged.values()].map((r) => (r.rule === "custom" ? { rule: "custom", name: r.name } : r)),
  );
  const out: ResolvedRules = { filters, dedupe, sortBy, limit, signature };
  if (includeTopics !== undefined) out.includeTopics = includeTopics;
  if (excludeTopics !== undefined) out.excludeTopics = excludeTopics;
  return out;
}

/**
 * Checks one rule's data form, as it may come from a JSON config file.
 *
 * @returns undefined when valid, else what is wrong and what was expected
 * @example
 * validateRule({ rule: "minQuality", value: "high" }) // 'minQuality.value must be a number 0–100, got "high"'
 */
export function validateRule(rule: unknown): string | undefined {
  if (typeof rule !== "object" || rule === null)
    return `a rule must be an object such as { "rule": "minQuality", "value": 60 }, got ${JSON.stringify(rule)}`;
  const r = rule as Record<string, unknown>;
  const known = [
    "published",
    "minQuality",
    "minHeat",
    "topics",
    "category",
    "type",
    "dateWindow",
    "limit",
    "dedupe",
    "sort",
    "custom",
  ];
  if (typeof r.rule !== "string" || !known.includes(r.rule))
    return `unknown rule ${JSON.stringify(r.rule)}; expected one of ${known.join(", ")}`;
  const name = r.rule;
  const allowed: Record<string, string[]> = {
    published: ["value"],
    minQuality: ["value"],
    minHeat: ["value"],
    limit: ["value"],
    dedupe: ["value"],
    topics: ["include", "exclude"],
    category: ["include", "exclude"],
    type: ["include", "exclude"],
    dateWindow: ["since", "until", "maxAge"],
    sort: ["by"],
    custom: ["name", "keep"],
  };
  for (const key of Object.keys(r)) {
    if (key !== "rule" && !allowed[name]?.includes(key))
      return `${name} has an unknown key ${JSON.stringify(key)}; expected ${allowed[name]?.join(", ")}`;
  }
  switch (name) {
    case "published":
    case "dedupe":
      return r.value === undefined || typeof r.value === "boolean"
        ? undefined
        : `${name}.value must be true or false, got ${JSON.stringify(r.value)}`;
    case "minQuality":
    case "minHeat":
      return typeof r.value === "number" && r.value >= 0 && r.value <= 100
        ? undefined
        : `${name}.value must be a number 0–100, got ${JSON.stringify(r.value)}`;
    case "limit":
      return typeof r.value === "number" && Number.isInteger(r.value) && r.value >= 0
        ? undefined
        : `limit.value must be a whole number ≥ 0, got ${JSON.stringify(r.value)}`;
    case "sort":
      return r.by === "published" || r.by === "updated"
        ? undefined
        : `sort.by must be "published" or "updated", got ${JSON.stringify(r.by)}`;
    case "topics":
    case "category":
    case "type":
      for (const k of ["include", "exclude"]) {
        const v = r[k];
        if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === "string")))
          return `${name}.${k} must be a list of names, got ${JSON.stringify(v)}`;
      }
      return undefined;
    case "dateWindow":
      for (const k of ["since", "until"]) {
        const v = r[k];
        if (v !== undefined && (typeof v !== "string" || "error" in parseDate(v)))
          return `dateWindow.${k} must be an ISO 8601 date-time such as 2024-01-01T00:00:00Z, got ${JSON.stringify(v)}`;
      }
      if (r.maxAge !== undefined && (typeof r.maxAge !== "string" || parseDuration(r.maxAge) === undefined)) {
        return `dateWindow.maxAge must be an ISO 8601 duration such as P30D, PT12H or P1M, got ${JSON.stringify(r.maxAge)}`;
      }
      return undefined;
    case "custom":
      return typeof r.name === "string" && typeof r.keep === "function"
        ? undefined
        : "custom rules need a name and a keep(record) function (they exist in code only)";
  }
  return undefined;
}

/**
 * Parses an ISO 8601 duration (`P1Y2M3W4DT5H6M7S`, any part optional) into its parts.
 *
 * @example
 * parseDuration("P30D") // { days: 30 }
 */
export function parseDuration(text: string): IsoDuration | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text.trim());
  if (m === null || text.trim() === "P" || text.trim().endsWith("T")) return undefined;
  const keys = ["years", "months", "weeks", "days", "hours", "minutes", "seconds"] as const;
  const d: IsoDuration = {};
  keys.forEach((k, i) => {
    const v = m[i + 1];
    if (v !== undefined) d[k] = Number(v);
  });
  return d;
}

function instant(text: string, name: string): number {
  const p = parseDate(text);
  if ("error" in p) throw new TopicfeedsError("invalid-config", `dateWindow.${name} ${p.error}`);
  return p.ms;
}

// date-fns and @date-fns/utc take ~27 ms to load (a fifth of the CLI's start-up): loaded only
// when a maxAge window is resolved.
let dateFnsModules: { sub: typeof sub; UTCDate: typeof UTCDate } | undefined;
function dateFns(): { sub: typeof sub; UTCDate: typeof UTCDate } {
  if (dateFnsModules === undefined) {
    const load = createRequire(import.meta.url);
    dateFnsModules = {
      sub: (load("date-fns/sub") as { sub: typeof sub }).sub,
      UTCDate: (load("@date-fns/utc") as { UTCDate: typeof UTCDate }).UTCDate,
    };
  }
  return dateFnsModules;
}
