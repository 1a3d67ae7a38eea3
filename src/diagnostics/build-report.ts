import type { RecordSet } from "../build.js";
import type { FeedNote } from "../render/render-feed-files.js";
import type { Selection } from "../select/select-records.js";
import type { ArticleRecord, BuildReport, Diagnostic, FeedModel } from "../types.js";
import { compareDiagnostics } from "./diagnostic.js";

/**
 * The report stage of a build: every record read ends published, dropped (by the rule that
 * dropped it, `maxBytes` for those moved out of every feed to fit it, `limit` for those cut by no
 * rule) or rejected; per-topic and site-wide item counts with their archive and byte-budget notes;
 * the diagnostics, sorted (the list is sorted in place).
 *
 * @param set - the record set (counts, what a prefilter set aside)
 * @param records - how many records the build selected from (after adoption)
 * @param selection - the site-wide selection
 * @param published - every record that reaches a feed
 * @param cutForBytes - records moved out of every feed to fit `maxBytes`
 * @param models - the feeds' subscription models
 * @param notes - per feed, archive and byte-budget notes
 * @param emptyTopics - topics with no selected item (no feed is written for them)
 * @param files - how many files the build writes
 * @param diagnostics - every diagnostic of the build
 * @returns the build report
 * @example
 * buildReport(set, records.length, selection, rendered.published, rendered.cutForBytes, rendered.models, rendered.notes, [], files.length, diagnostics).records.published
 */
export function buildReport(
  set: RecordSet,
  records: number,
  selection: Selection,
  published: ReadonlySet<ArticleRecord>,
  cutForBytes: ReadonlySet<ArticleRecord>,
  models: readonly FeedModel[],
  notes: readonly FeedNote[],
  emptyTopics: { slug: string; name: string }[],
  files: number,
  diagnostics: Diagnostic[],
): BuildReport {
  const droppedBy: Record<string, number> = { ...set.dropped?.byRule };
  let dropped = Object.values(droppedBy).reduce((a, b) => a + b, 0);
  // Every record not published is dropped: by the rule that dropped it from the site-wide
  // selection, else for the byte budget, else by the limit. Counted from the (few) records
  // dropped, cut and published, so a long-running driver does not walk every record.
  // `placed`: the records published or dropped for a reason of their own; the rest are the limit's.
  let placed = published.size;
  const add = (why: string) => {
    droppedBy[why] = (droppedBy[why] ?? 0) + 1;
    dropped++;
    placed++;
  };
  for (const [r, why] of selection.dropped) if (!published.has(r)) add(why);
  for (const r of cutForBytes) if (!published.has(r) && !selection.dropped.has(r)) add("maxBytes");
  if (records > placed) {
    droppedBy.limit = (droppedBy.limit ?? 0) + (records - placed);
    dropped += records - placed;
  }
  diagnostics.sort(compareDiagnostics);
  const report: BuildReport = {
    records: {
      read: set.read,
      rejected: set.rejected,
      published: published.size,
      dropped,
      droppedBy: sortKeys(droppedBy),
    },
    topics: models.flatMap((m, i) =>
      m.topic === undefined ? [] : [{ slug: m.slug, name: m.topic, items: m.items.length, ...notes[i] }],
    ),
    emptyTopics,
    files,
    diagnostics,
  };
  const siteIndex = models.findIndex((m) => m.slug === "");
  const site = models[siteIndex];
  if (site !== undefined) report.site = { items: site.items.length, ...notes[siteIndex] };
  return report;
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
