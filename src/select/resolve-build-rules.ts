import { parseDate } from "../records/parse-date.js";
import type { FeedsConfig, Rule } from "../types.js";
import { type ResolvedRules, resolveRules } from "./resolve-rules.js";

/** The rules of a build: the site-wide list as written, compiled, and the instant `maxAge` counts back from. */
export interface BuildRules {
  /** The site-wide rules (`limit` and `minQuality` shorthands first), which topic rules extend. */
  globalSelect: Rule[];
  /** {@link globalSelect} compiled. */
  global: ResolvedRules;
  /** `config.now` in milliseconds, if set. */
  now: number | undefined;
}

/**
 * Compiles a config's site-wide rules; each topic with its own `select` extends them (see
 * {@link resolveTopicRules}).
 *
 * @param config - a validated config
 * @returns the site-wide rules, as written and compiled
 * @example
 * resolveBuildRules({ baseUrl: "https://example.com/", minQuality: 60 }).global.filters.map((f) => f.name) // ["minQuality"]
 */
export function resolveBuildRules(config: FeedsConfig): BuildRules {
  const now = config.now === undefined ? undefined : (parseDate(config.now) as { ms: number }).ms;
  const globalSelect: Rule[] = [...(config.select ?? [])];
  if (config.minQuality !== undefined) globalSelect.unshift({ rule: "minQuality", value: config.minQuality });
  if (config.limit !== undefined) globalSelect.unshift({ rule: "limit", value: config.limit });
  return { globalSelect, global: resolveRules([globalSelect], now), now };
}

/**
 * The rules of one topic that has its own `select`: the site-wide rules, then the topic's.
 *
 * @example
 * resolveTopicRules(resolveBuildRules(config), [rules.minQuality(80)]).filters.length
 */
export function resolveTopicRules(rules: BuildRules, select: Rule[]): ResolvedRules {
  return resolveRules([rules.globalSelect, select], rules.now);
}
