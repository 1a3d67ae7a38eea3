import { buildReport } from "./diagnostics/build-report.js";
import { TopicfeedsError } from "./diagnostics/topicfeeds-error.js";
import { buildFeedContext } from "./model/build-feed-context.js";
import type { FeedContext } from "./model/build-feed-model.js";
import { hydrateFeeds } from "./model/hydrate-feeds.js";
import { adoptRecordSet } from "./records/adopt-record-set.js";
import { applyIdLock, updateIdLock } from "./records/apply-id-lock.js";
import { makeRecord } from "./records/normalize-record.js";
import { type RenderMemo, renderFeedFiles } from "./render/render-feed-files.js";
import { verifyOutput } from "./render/verify-output.js";
import type { DroppedSummary } from "./select/prefilter.js";
import { type BuildRules, resolveBuildRules } from "./select/resolve-build-rules.js";
import { type Selection, selectRecords } from "./select/select-records.js";
import { type OwnSelection, takeFeeds } from "./select/take-feeds.js";
import { bucketByTopic } from "./topics/bucket-by-topic.js";
import type { Topic } from "./topics/group-by-topic.js";
import { groupFeedTopics } from "./topics/group-feed-topics.js";
import type { ArticleRecord, BuildResult, Diagnostic, FeedsConfig, OutputFile, RecordInput } from "./types.js";
import { assertValidConfig } from "./validate-config.js";

/** Options of {@link buildFeeds} that are not config. */
export interface BuildOptions {
  /**
   * Completes records that were loaded lean (without excerpt, images and related links, to keep
   * memory flat) before they are rendered. Called once, with only the records that reach a feed.
   * `loadRecords` results are complete and need none.
   */
  hydrate?: (records: ArticleRecord[]) => ArticleRecord[];
  /**
   * Checks the rendered files before anything is returned (default {@link verifyOutput}: every
   * XML file must be well-formed, every JSON file must parse). A `render-failed` diagnostic it
   * returns fails the build. `openVerifiedFiles` gives one that skips bytes already verified.
   */
  verify?: (files: readonly OutputFile[]) => Diagnostic[];
  /**
   * For a long-running driver that builds again and again (a watcher): feeds whose items and
   * context are unchanged since the last build with the same memo are not rendered again. Make
   * one with `createRenderMemo()`; the output is the same bytes with or without it.
   */
  memo?: RenderMemo;
}

/** Records with what reading them found: what {@link loadRecords} and {@link normalizeRecords} return. */
export interface RecordSet {
  records: ArticleRecord[];
  diagnostics: Diagnostic[];
  /** Records read, including rejected ones. */
  read: number;
  /** Records rejected by an error diagnostic. */
  rejected: number;
  /**
   * Records a prefilter set aside because they can reach no feed (see `compilePrefilter`):
   * counted, not kept. `records` then holds only the others.
   */
  dropped?: DroppedSummary;
  /** Same-article keys of rejected records not marked `published: true`: related links to them are left out. */
  hiddenKeys?: string[];
}

/**
 * Builds every feed from records: selection, topics, models and the rendered files. Pure: no
 * file system, no clock, no environment; the same records and config give the same bytes.
 *
 * Writes per topic `<slug>/rss.xml`, `<slug>/atom.xml`, `<slug>/feed.json` and the preview page
 * `<slug>/index.html`; site-wide `rss.xml`, `atom.xml`, `feed.json` (unless `siteFeeds: false`);
 * and, listing them all, `index.html` (the front page), `feeds.opml`, the manifest `feeds.json`
 * and `_headers` (response headers for Netlify and Cloudflare Pages).
 *
 * @param input - a {@link RecordSet} (from `loadRecords`/`normalizeRecords`), records, or plain
 *   objects with the record fields (normalised here; a bad one is rejected with a diagnostic naming it `records[i]`)
 * @param config - base URL, rules, topics…
 * @returns the files to write and the build report
 * @throws TopicfeedsError `invalid-config` for a bad config; `invalid-input` when `input` is neither a list nor a record set; `strict-failed` when `strict` is set and any error diagnostic exists
 * @example
 * const { records, diagnostics, read, rejected } = await loadRecords("content/");
 * const { files, report } = buildFeeds({ records, diagnostics, read, rejected }, {
 *   baseUrl: "https://example.com/feeds/", select: [rules.minQuality(60)], limit: 50 });
 */
export function buildFeeds(
  input: RecordSet | readonly (ArticleRecord | RecordInput)[],
  config: FeedsConfig & { strict?: boolean },
  options: BuildOptions = {},
): BuildResult {
  assertValidConfig(config);
  if (
    !Array.isArray(input) &&
    !(typeof input === "object" && input !== null && Array.isArray((input as Partial<RecordSet>).records))
  ) {
    throw new TopicfeedsError(
      "invalid-input",
      "buildFeeds takes a list of records (or plain objects with the record fields) or the result of loadRecords/normalizeRecords",
    );
  }
  // adopt → id lock → select → group → context → bucket → take → hydrate → render → verify → report
  const { set, diagnostics } = adoptRecordSet(input);
  const locked = applyIdLock(set.records, config.idLock);
  const records = locked.records;
  const lockedFrom = new Map<ArticleRecord, ArticleRecord>();
  for (let i = 0; i < records.length; i++)
    if (records[i] !== set.records[i]) lockedFrom.set(records[i] as ArticleRecord, set.records[i] as ArticleRecord);
  diagnostics.push(...locked.diagnostics);

  const rules = resolveBuildRules(config);
  const selection = selectRecords(records, rules.global);
  diagnostics.push(...selection.diagnostics);

  const grouped = groupFeedTopics(records, rules.global, config, set.dropped);
  diagnostics.push(...grouped.diagnostics);
  const ctx = buildFeedContext(config, set, records, grouped.visible, grouped.nameOf);

  const byTopic = bucketByTopic(selection.kept);
  return finishFeeds({
    config,
    options,
    set,
    recordCount: records.length,
    ...(lockedFrom.size === 0 ? {} : { asRead: (r: ArticleRecord) => lockedFrom.get(r) }),
    rules,
    selection,
    topics: grouped.topics,
    byTopic,
    ctx,
    diagnostics,
  });
}

/** What {@link finishFeeds} needs: the stages' results up to the topics and the shared context. */
export interface FinishInput {
  config: FeedsConfig & { strict?: boolean };
  options: BuildOptions;
  /** Counts and what a prefilter set aside (`records` is not read). */
  set: RecordSet;
  /** How many records the build selects from (after adoption and the id lock). */
  recordCount: number;
  rules: BuildRules;
  selection: Selection;
  topics: readonly Topic[];
  byTopic: ReadonlyMap<string, ArticleRecord[]>;
  ctx: FeedContext;
  /** The diagnostics so far; the rest are added to it. */
  diagnostics: Diagnostic[];
  /** How topics with rules of their own are selected (see `takeFeeds`). */
  own?: OwnSelection;
  /** The record as read, for a record the id lock replaced (`options.hydrate` knows that one). */
  asRead?: (record: ArticleRecord) => ArticleRecord | undefined;
}

/**
 * The stages of a build from take to report, shared by {@link buildFeeds} and the long-running
 * driver (`createFeedState`): take, hydrate, render, verify, report; then the strict check, the
 * fail-closed check of the rendered files and the id lock.
 *
 * @param input - see {@link FinishInput}
 * @returns the files and the report
 * @throws TopicfeedsError `strict-failed`, `render-failed` (see {@link buildFeeds})
 * @example
 * finishFeeds({ config, options: {}, set, records, rules, selection, topics, byTopic, ctx, diagnostics }).files
 */
export function finishFeeds(input: FinishInput): BuildResult {
  const { config, options, set, recordCount, rules, selection, topics, byTopic, ctx, diagnostics } = input;
  const { feeds, diagnostics: empty } = takeFeeds(rules, selection, topics, byTopic, config, input.own);
  diagnostics.push(...empty);
  // Only the items of feeds that are rendered are completed (for lean loading) and modelled. A record
  // whose id came from the id lock is a new object: it is completed as it was read, then given
  // its locked id again.
  const hydrate = options.hydrate;
  const asRead = input.asRead;
  const complete =
    hydrate === undefined || asRead === undefined
      ? hydrate
      : (list: ArticleRecord[]) => {
          const read = list.map((r) => asRead(r) ?? r);
          return hydrate(read).map((f, i) => {
            const r = list[i] as ArticleRecord;
            return f === read[i] ? r : f.id === r.id ? f : makeRecord({ ...f, id: r.id });
          });
        };
  const rendered = renderFeedFiles(
    feeds,
    (items) => hydrateFeeds(items, complete),
    ctx,
    {
      ...(config.language === undefined ? {} : { language: config.language }),
      hubs: config.hub === undefined ? [] : ([] as string[]).concat(config.hub),
      ...(config.maxBytes === undefined ? {} : { maxBytes: config.maxBytes }),
      ...(config.stylesheet === undefined ? {} : { stylesheet: config.stylesheet }),
    },
    options.memo,
  );
  const { files, published } = rendered;
  // A topic gets a feed when at least one record is selected for it; the site-wide feeds are always
  // written. A topic without items is named in the report, and its folder from an earlier build is
  // left alone by the writer (a subscriber keeps a valid, frozen feed).
  const emptyTopics = feeds
    .filter((f) => f.spec.slug !== "" && f.items.length === 0)
    .map((f) => ({ slug: f.spec.slug, name: f.spec.topic as string }));
  diagnostics.push(...rendered.diagnostics);
  diagnostics.push(...(options.verify ?? verifyOutput)(files));

  const report = buildReport(
    set,
    recordCount,
    selection,
    published,
    rendered.cutForBytes,
    rendered.models,
    rendered.notes,
    emptyTopics,
    files.length,
    diagnostics,
  );
  if (config.strict === true && diagnostics.some((d) => d.severity === "error")) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    throw new TopicfeedsError(
      "strict-failed",
      `strict build failed: ${errors.length} error${errors.length === 1 ? "" : "s"}`,
      errors,
    );
  }
  // A renderer bug never reaches the disk: fail closed.
  const broken = diagnostics.filter((d) => d.code === "render-failed");
  if (broken.length > 0)
    throw new TopicfeedsError(
      "render-failed",
      `internal error: a rendered feed did not parse (${broken[0]?.message}); please file a bug`,
      broken,
    );
  const result: BuildResult = { files, report };
  if (config.idLock !== undefined)
    result.idLock = updateIdLock(
      config.idLock,
      [...published].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    );
  return result;
}
