import { compareDiagnostics, diagnostic } from "./diagnostics/diagnostic.js";
import { TopicfeedsError } from "./diagnostics/topicfeeds-error.js";
import { buildFeedModel, type FeedContext, type FeedSpec } from "./model/build-feed-model.js";
import { buildFeedPages, type FeedPage } from "./model/build-feed-pages.js";
import { adoptRecords } from "./records/adopt-records.js";
import { applyIdLock, updateIdLock } from "./records/apply-id-lock.js";
import { sameArticleKey } from "./records/canonical-url.js";
import { parseDate } from "./records/parse-date.js";
import { renderAtom } from "./render/render-atom.js";
import { renderIndexHtml } from "./render/render-index-html.js";
import { renderJsonFeed } from "./render/render-json-feed.js";
import { renderOpml } from "./render/render-opml.js";
import { renderRss } from "./render/render-rss.js";
import { verifyOutput } from "./render/verify-output.js";
import type { DroppedSummary } from "./select/prefilter.js";
import { type ResolvedRules, resolveRules } from "./select/resolve-rules.js";
import { selectRecords } from "./select/select-records.js";
import { groupByTopic, type Topic } from "./topics/group-by-topic.js";
import { topicKey } from "./topics/slug.js";
import type {
  ArchiveConfig,
  ArticleRecord,
  BuildReport,
  BuildResult,
  Diagnostic,
  FeedModel,
  FeedsConfig,
  OutputFile,
  RecordInput,
  Rule,
} from "./types.js";
import { validateConfig } from "./validate-config.js";

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
 * Writes per topic `<slug>/rss.xml`, `<slug>/atom.xml`, `<slug>/feed.json`; site-wide
 * `rss.xml`, `atom.xml`, `feed.json` (unless `siteFeeds: false`); and `feeds.opml` and
 * `index.html` listing them all.
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
  const problems = validateConfig(config);
  if (problems.length > 0) {
    throw new TopicfeedsError(
      "invalid-config",
      `invalid config: ${problems.map((p) => p.message).join("; ")}`,
      problems,
    );
  }
  if (
    !Array.isArray(input) &&
    !(typeof input === "object" && input !== null && Array.isArray((input as Partial<RecordSet>).records))
  ) {
    throw new TopicfeedsError(
      "invalid-input",
      "buildFeeds takes a list of records (or plain objects with the record fields) or the result of loadRecords/normalizeRecords",
    );
  }
  const given: RecordSet = isRecordSet(input)
    ? input
    : { records: [], diagnostics: [], read: input.length, rejected: 0 };
  // Plain objects from code, or records edited into a wrong shape: normalised here, so a bad one is
  // a diagnostic, never a TypeError in a renderer.
  const adopted = adoptRecords(isRecordSet(input) ? input.records : input);
  const set: RecordSet = { ...given, records: adopted.records, rejected: given.rejected + adopted.rejected };
  if (adopted.hiddenKeys.length > 0) set.hiddenKeys = [...(given.hiddenKeys ?? []), ...adopted.hiddenKeys];
  const diagnostics: Diagnostic[] = [...set.diagnostics, ...adopted.diagnostics];
  const locked = applyIdLock(set.records, config.idLock);
  const records = locked.records;
  diagnostics.push(...locked.diagnostics);

  const baseUrl = withSlash(new URL(config.baseUrl).href);
  const siteUrl = config.siteUrl !== undefined ? new URL(config.siteUrl).href : `${new URL(baseUrl).origin}/`;
  const siteTitle = config.title ?? new URL(siteUrl).hostname;
  const now = config.now === undefined ? undefined : (parseDate(config.now) as { ms: number }).ms;

  const globalSelect: Rule[] = [...(config.select ?? [])];
  if (config.minQuality !== undefined) globalSelect.unshift({ rule: "minQuality", value: config.minQuality });
  if (config.limit !== undefined) globalSelect.unshift({ rule: "limit", value: config.limit });
  const global = resolveRules([globalSelect], now);
  const globalSelection = selectRecords(records, global);
  diagnostics.push(...globalSelection.diagnostics);

  // Topics come from the records the public may see: a topic used only by drafts gets no feed.
  const publishedFilter = global.filters.find((f) => f.name === "published");
  const visible = publishedFilter === undefined ? records : records.filter(publishedFilter.keep);
  const grouped = groupByTopic(visible, config.topics ?? {}, set.dropped?.topicSpellings);
  diagnostics.push(...grouped.diagnostics);
  const topics = grouped.topics.filter(
    (t) => !global.excludeTopics?.has(t.key) && (global.includeTopics === undefined || global.includeTopics.has(t.key)),
  );
  const nameOf = new Map(grouped.topics.map((t) => [t.key, t.name]));

  const hidden = new Set<string>(set.dropped?.hiddenKeys);
  for (const k of set.hiddenKeys ?? []) hidden.add(k);
  for (const r of records) {
    if (!r.published) {
      hidden.add(sameArticleKey(r.webUrl));
      hidden.add(sameArticleKey(r.originalUrl));
    }
  }
  let newest = set.dropped?.newest ?? "1970-01-01T00:00:00Z";
  let newestMs = Date.parse(newest);
  for (const r of visible) {
    const d =
      r.updatedDateTime !== undefined && r.updatedDateTime > r.publishedDateTime
        ? r.updatedDateTime
        : r.publishedDateTime;
    const ms = Date.parse(d);
    if (ms > newestMs) {
      newest = d;
      newestMs = ms;
    }
  }
  const ctx: FeedContext = {
    baseUrl,
    siteUrl,
    siteTitle,
    author: config.author ?? { name: siteTitle, url: siteUrl },
    hiddenUrls: hidden,
    topicName: (name) => nameOf.get(topicKey(name)) ?? name,
    emptyUpdated: newest,
  };
  if (config.description !== undefined) ctx.description = config.description;
  if (config.language !== undefined) ctx.language = config.language;
  if (config.copyright !== undefined) ctx.copyright = config.copyright;

  // Bucket the globally selected records by topic once, keeping feed order.
  const byTopic = new Map<string, ArticleRecord[]>();
  for (const r of globalSelection.kept) {
    for (const t of r.topics) {
      const k = topicKey(t);
      const list = byTopic.get(k);
      if (list === undefined) byTopic.set(k, [r]);
      else if (list[list.length - 1] !== r) list.push(r);
    }
  }

  const chosen = new Set<ArticleRecord>();
  const feeds: { spec: FeedSpec; items: ArticleRecord[]; pageSize?: number }[] = [];
  // With archives a feed publishes every selected item (the subscription document the newest
  // pageSize of them, archive pages the rest); without, the newest `limit`.
  const take = (kept: ArticleRecord[], rules: ResolvedRules, archive: ArchiveConfig | undefined, spec: FeedSpec) => {
    const pageSize = archive === undefined || archive === false ? undefined : archivePageSize(archive, rules.limit);
    const items = pageSize === undefined ? kept.slice(0, rules.limit) : kept;
    for (const r of items) chosen.add(r);
    feeds.push(pageSize === undefined ? { spec, items } : { spec, items, pageSize });
  };
  if (config.siteFeeds !== false) take(globalSelection.kept, global, config.archive, { slug: "" });
  for (const topic of topics) {
    let kept: ArticleRecord[];
    let rules = global;
    if (topic.config.select !== undefined && topic.config.select.length > 0) {
      rules = resolveRules([globalSelect, topic.config.select], now);
      kept = selectRecords(topic.records, rules).kept;
    } else {
      kept = byTopic.get(topic.key) ?? [];
    }
    const spec: FeedSpec = { slug: topic.slug, topic: topic.name };
    if (topic.config.title !== undefined) spec.title = topic.config.title;
    if (topic.config.description !== undefined) spec.description = topic.config.description;
    if (topic.config.language !== undefined) spec.language = topic.config.language;
    take(kept, rules, topic.config.archive ?? config.archive, spec);
    const archived = (topic.config.archive ?? config.archive ?? false) !== false;
    if (kept.length === 0 || (rules.limit === 0 && !archived)) diagnostics.push(emptyFeedDiagnostic(topic, rules));
  }

  // Only the records that reach a feed are completed (for lean loading) and modelled.
  let full = (r: ArticleRecord) => r;
  if (options.hydrate !== undefined) {
    const list = [...chosen];
    const hydrated = options.hydrate(list);
    const map = new Map(list.map((r, i) => [r, hydrated[i] ?? r]));
    full = (r) => map.get(r) ?? r;
  }
  chosen.clear();
  const hubs = config.hub === undefined ? [] : ([] as string[]).concat(config.hub);
  const measure = (m: FeedModel) =>
    Math.max(utf8Length(renderRss(m)), utf8Length(renderAtom(m)), utf8Length(renderJsonFeed(m)));
  // The subscription documents (what the index, the OPML and the report show) and every document.
  const models: FeedModel[] = [];
  const pages: FeedPage[] = [];
  const published = new Set<ArticleRecord>();
  const cutForBytes = new Set<ArticleRecord>();
  const feedNotes: { archive?: { pages: number; items: number }; overMaxBytes?: number }[] = [];
  // A topic gets a feed when at least one record is selected for it; the site-wide feeds are always
  // written. A topic without items is named in the report, and its folder from an earlier build is
  // left alone by the writer (a subscriber keeps a valid, frozen feed).
  const emptyTopics = feeds
    .filter((f) => f.spec.slug !== "" && f.items.length === 0)
    .map((f) => ({ slug: f.spec.slug, name: f.spec.topic as string }));
  for (const f of feeds) {
    if (f.spec.slug !== "" && f.items.length === 0) continue;
    const model = buildFeedModel(f.spec, f.items.map(full), ctx);
    if (hubs.length > 0) model.hubs = hubs;
    const folder = f.spec.slug === "" ? "" : `${f.spec.slug}/`;
    const split = buildFeedPages(model, {
      folder: { url: model.id, path: folder },
      ...(f.pageSize === undefined ? {} : { pageSize: f.pageSize }),
      ...(config.maxBytes === undefined ? {} : { maxBytes: config.maxBytes, measure }),
    });
    const kept = f.items.length - split.dropped;
    for (let i = 0; i < f.items.length; i++) (i < kept ? published : cutForBytes).add(f.items[i] as ArticleRecord);
    models.push((split.pages[0] as FeedPage).model);
    pages.push(...split.pages);
    const note: (typeof feedNotes)[number] = {};
    if (f.pageSize !== undefined) note.archive = { pages: split.pages.length - 1, items: split.archived };
    if (split.overMaxBytes > 0) note.overMaxBytes = split.overMaxBytes;
    feedNotes.push(note);
    if (split.cannotFit)
      diagnostics.push(
        diagnostic(
          "over-max-bytes",
          `${folder === "" ? "the site-wide feed" : `feed ${folder}`} is larger than maxBytes (${config.maxBytes}) even without items; it is published empty`,
        ),
      );
  }

  const files: OutputFile[] = [];
  for (const { path: dir, model: m } of pages) {
    files.push(
      { path: `${dir}rss.xml`, contents: renderRss(m) },
      { path: `${dir}atom.xml`, contents: renderAtom(m) },
      { path: `${dir}feed.json`, contents: renderJsonFeed(m) },
    );
  }
  files.push(
    { path: "feeds.opml", contents: renderOpml(siteTitle, models) },
    { path: "index.html", contents: renderIndexHtml(siteTitle, models, config.language) },
  );
  diagnostics.push(...(options.verify ?? verifyOutput)(files));

  const droppedBy: Record<string, number> = { ...set.dropped?.byRule };
  let dropped = Object.values(droppedBy).reduce((a, b) => a + b, 0);
  for (const r of records) {
    if (published.has(r)) continue;
    dropped++;
    const why = globalSelection.dropped.get(r) ?? (cutForBytes.has(r) ? "maxBytes" : "limit");
    droppedBy[why] = (droppedBy[why] ?? 0) + 1;
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
      m.topic === undefined ? [] : [{ slug: m.slug, name: m.topic, items: m.items.length, ...feedNotes[i] }],
    ),
    emptyTopics,
    files: files.length,
    diagnostics,
  };
  const siteIndex = models.findIndex((m) => m.slug === "");
  const site = models[siteIndex];
  if (site !== undefined) report.site = { items: site.items.length, ...feedNotes[siteIndex] };
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

// RFC 5005 archive page size: the configured one, else the feed's limit (at least one item).
function archivePageSize(archive: true | { pageSize?: number }, limit: number): number {
  return (archive === true ? undefined : archive.pageSize) ?? Math.max(1, limit);
}

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Two bytes for U+0080–U+07FF, three up to U+FFFF; a surrogate pair (4 bytes) counts 2 + 2.
    if (c >= 0x80) bytes += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return bytes;
}

function isRecordSet(input: RecordSet | readonly (ArticleRecord | RecordInput)[]): input is RecordSet {
  return !Array.isArray(input);
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// A topic without items (it gets no feed) says why: which rules its records all failed. The counts per rule
// are the report's `droppedBy`; per topic they are not known when a prefilter set records aside
// while reading, and the report must not depend on whether one did.
function emptyFeedDiagnostic(topic: Topic, rules: ResolvedRules): Diagnostic {
  const names = rules.filters.map((f) => f.name);
  const why =
    rules.limit === 0
      ? "its limit is 0"
      : `none of its records passes the rules ${names.join(", ")} (drops by rule are counted in the summary)`;
  return diagnostic("empty-feed", `topic ${JSON.stringify(topic.name)} gets no feed (${topic.slug}/): ${why}`, {
    field: `topics[${JSON.stringify(topic.name)}]`,
  });
}
