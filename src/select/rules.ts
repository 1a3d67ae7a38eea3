import type { ArticleRecord, CustomRule, Rule } from "../types.js";

/**
 * Rule factories. Each returns the rule's plain-data form, which is exactly what a JSON config
 * file may contain, so a rule means the same in code and in config.
 *
 * @example
 * buildFeeds(records, { baseUrl, select: [rules.published(), rules.minQuality(60), rules.limit(20)] })
 */
export const rules = {
  /** Keeps only records with `published: true` (on by default; `published(false)` turns it off). */
  published: (value = true): Rule => ({ rule: "published", value }),
  /** Keeps records whose quality is at least `min` (records without quality are dropped). */
  minQuality: (min: number): Rule => ({ rule: "minQuality", value: min }),
  /** Keeps records whose heat is at least `min` (records without heat are dropped). */
  minHeat: (min: number): Rule => ({ rule: "minHeat", value: min }),
  /** Keeps records with at least one `include` topic (when given) and no `exclude` topic. */
  topics: (opts: { include?: string[]; exclude?: string[] }): Rule => ({ rule: "topics", ...opts }),
  /** Keeps records whose category is in `include` (when given) and not in `exclude`. */
  category: (opts: { include?: string[]; exclude?: string[] }): Rule => ({ rule: "category", ...opts }),
  /** Keeps records whose type is in `include` (when given) and not in `exclude`. */
  type: (opts: { include?: string[]; exclude?: string[] }): Rule => ({ rule: "type", ...opts }),
  /**
   * Keeps records published in a window: `since`/`until` are ISO 8601 instants, `maxAge` an
   * ISO 8601 duration (`P30D`, `PT12H`, `P1M`) counted back from the build's `now` option.
   */
  dateWindow: (opts: { since?: string; until?: string; maxAge?: string }): Rule => ({ rule: "dateWindow", ...opts }),
  /** At most `n` items per feed (default 50). */
  limit: (n: number): Rule => ({ rule: "limit", value: n }),
  /** Keeps one record per article when the same article is syndicated under several URLs (on by default). */
  dedupe: (value = true): Rule => ({ rule: "dedupe", value }),
  /** Orders items newest first by `published` (default) or by `updated`; ties by id. */
  sort: (by: "published" | "updated" = "published"): Rule => ({ rule: "sort", by }),
  /** A rule written in code; `name` is how the report names the records it dropped. */
  custom: (name: string, keep: (record: ArticleRecord) => boolean): CustomRule => ({ rule: "custom", name, keep }),
} as const;
