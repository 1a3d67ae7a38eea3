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
  const { kept, copies } = dedupeCopies(passed, rules.dedupe);
  for (const [copy, first] of copies) {
    dropped.set(copy, rules.dedupe ? "dedupe" : "duplicate-id");
    const note = copyDiagnostic(copy, first);
    if (note !== undefined) diagnostics.push(note);
  }
  sortRecords(kept, rules.sortBy);
  return { kept, dropped, diagnostics };
}

/**
 * De-duplication of records that passed the filters: the earliest published copy of an article
 * (same original URL, web URL or id) stays; each later copy is returned with the kept record it
 * repeats. With `dedupe` false only records with one id are set apart (the newest stays). Two
 * records interact only through a shared key, so running this on each group of records linked
 * by keys gives what running it on all of them gives (the incremental selection relies on it).
 *
 * @param records - records that passed every filter
 * @param dedupe - the rules' `dedupe`
 * @returns the records kept (not yet in feed order) and the copies left out, in the order met
 * @example
 * dedupeCopies(passed, true).copies.map(([copy, first]) => copy.source)
 */
export function dedupeCopies(
  records: readonly ArticleRecord[],
  dedupe: boolean,
): { kept: ArticleRecord[]; copies: [copy: ArticleRecord, first: ArticleRecord | undefined][] } {
  const copies: [ArticleRecord, ArticleRecord | undefined][] = [];
  const kept = dedupe ? sameArticle(records, copies) : uniqueIds(records, copies);
  return { kept, copies };
}

/** The keys by which {@link dedupeCopies} finds copies of one article. */
export function copyKeys(r: ArticleRecord, dedupe: boolean): string[] {
  if (!dedupe) return [`id:${r.id}`];
  const web = sameArticleKey(r.webUrl);
  const original = r.originalUrl === r.webUrl ? web : sameArticleKey(r.originalUrl);
  const id = r.id === r.webUrl ? web : `id:${r.id}`;
  return [original, web, id];
}

/** The note of a copy left out by de-duplication (`first` undefined: the same id, without de-duplication). */
export function copyDiagnostic(copy: ArticleRecord, first: ArticleRecord | undefined): Diagnostic | undefined {
  if (first === undefined) return undefined;
  const where: { file?: string } = copy.source === undefined ? {} : { file: copy.source };
  return diagnostic(
    "duplicate-record",
    `same article as ${first.source ?? first.id} (same original or web URL); only the earliest copy is published`,
    where,
  );
}

function sameArticle(
  records: readonly ArticleRecord[],
  copies: [ArticleRecord, ArticleRecord | undefined][],
): ArticleRecord[] {
  // Oldest first, so the original article (published first) is the copy that stays.
  const ordered = sortOldestFirst([...records]);
  const owner = new Map<string, ArticleRecord>();
  const kept: ArticleRecord[] = [];
  for (const r of ordered) {
    const [original, web, id] = copyKeys(r, true) as [string, string, string];
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
    copies.push([r, first]);
  }
  return kept;
}

function uniqueIds(
  records: readonly ArticleRecord[],
  copies: [ArticleRecord, ArticleRecord | undefined][],
): ArticleRecord[] {
  // Even without de-duplication a feed cannot carry one id twice (JSON Feed 1.1, RFC 4287 §4.2.6).
  const seen = new Set<string>();
  return sortRecords([...records], "published").filter((r) => {
    if (seen.has(r.id)) {
      copies.push([r, undefined]);
      return false;
    }
    seen.add(r.id);
    return true;
  });
}
