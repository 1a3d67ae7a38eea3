import { diagnostic } from "../diagnostics/diagnostic.js";
import { sortOldestFirst, sortRecords } from "../model/sort-records.js";
import { sameArticleKey } from "../records/canonical-url.js";
import type { ArticleRecord, Diagnostic } from "../types.js";
import type { ResolvedRules } from "./resolve-rules.js";

/** What {@link selectRecords} returns. */
export interface Selection {
  /** Records that passed every filter and de-duplication, in feed order, before the limit. */
  kept: ArticleRecord[];
  /** Records that did not pass, with the name of the rule that dropped them. */
  dropped: Map<ArticleRecord, string>;
  /** One `duplicate-record` note per syndicated copy that was left out. */
  diagnostics: Diagnostic[];
}

/**
 * Applies compiled rules to records: filters in order (the first that fails names the drop),
 * then de-duplication of syndicated copies (the earliest published copy stays), then the one
 * total order. Pure; the limit is left to the caller, which knows the feed.
 *
 * @param records - normalised records
 * @param rules - from {@link resolveRules}
 * @returns kept records in feed order, dropped records with their rule, and notes
 * @example
 * selectRecords(records, resolveRules([[rules.minQuality(60)]])).kept
 */
export function selectRecords(records: readonly ArticleRecord[], rules: ResolvedRules): Selection {
  const dropped = new Map<ArticleRecord, string>();
  const passed: ArticleRecord[] = [];
  for (const r of records) {
    let failed: string | undefined;
    for (const f of rules.filters) {
      if (!f.keep(r)) {
        failed = f.name;
        break;
      }
    }
    if (failed === undefined) passed.push(r);
    else dropped.set(r, failed);
  }
  const diagnostics: Diagnostic[] = [];
  const kept = rules.dedupe ? dedupe(passed, dropped, diagnostics) : uniqueIds(passed, dropped);
  sortRecords(kept, rules.sortBy);
  return { kept, dropped, diagnostics };
}

function dedupe(
  records: ArticleRecord[],
  dropped: Map<ArticleRecord, string>,
  diagnostics: Diagnostic[],
): ArticleRecord[] {
  // Oldest first, so the original article (published first) is the copy that stays.
  const ordered = sortOldestFirst([...records]);
  const owner = new Map<string, ArticleRecord>();
  const kept: ArticleRecord[] = [];
  for (const r of ordered) {
    const web = sameArticleKey(r.webUrl);
    const original = r.originalUrl === r.webUrl ? web : sameArticleKey(r.originalUrl);
    const id = r.id === r.webUrl ? web : `id:${r.id}`;
    const first = owner.get(original) ?? owner.get(web) ?? owner.get(id);
    if (first === undefined) {
      kept.push(r);
      owner.set(original, r);
      owner.set(web, r);
      owner.set(id, r);
      continue;
    }
    if (!owner.has(original)) owner.set(original, first);
    if (!owner.has(web)) owner.set(web, first);
    if (!owner.has(id)) owner.set(id, first);
    dropped.set(r, "dedupe");
    const where: { file?: string } = r.source === undefined ? {} : { file: r.source };
    diagnostics.push(
      diagnostic(
        "duplicate-record",
        `same article as ${first.source ?? first.id} (same original or web URL); only the earliest copy is published`,
        where,
      ),
    );
  }
  return kept;
}

function uniqueIds(records: ArticleRecord[], dropped: Map<ArticleRecord, string>): ArticleRecord[] {
  // Even without de-duplication a feed cannot carry one id twice (JSON Feed 1.1, RFC 4287 §4.2.6).
  const seen = new Set<string>();
  return sortRecords([...records], "published").filter((r) => {
    if (seen.has(r.id)) {
      dropped.set(r, "duplicate-id");
      return false;
    }
    seen.add(r.id);
    return true;
  });
}
