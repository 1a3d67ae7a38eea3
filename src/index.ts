export { type BuildOptions, buildFeeds, type RecordSet } from "./build.js";
export { type CliIo, runCli } from "./cli/run-cli.js";
export {
  createFeedState,
  type FeedState,
  type FeedStateOptions,
  type RecordFileOutcome,
} from "./create-feed-state.js";
export { defineConfig } from "./define-config.js";
export { DIAGNOSTIC_CODES, type DiagnosticCode } from "./diagnostics/diagnostic.js";
export {
  formatDiagnostic,
  formatReport,
  type ReportOptions,
  type ReportStyle,
} from "./diagnostics/format-report.js";
export { isTopicfeedsError, TopicfeedsError } from "./diagnostics/topicfeeds-error.js";
export { defaultCacheDir } from "./io/cache-dir.js";
export { readIdLock, writeIdLock } from "./io/id-lock-file.js";
export { leanRecord } from "./io/lean-record.js";
export { CONFIG_NAMES, type LoadedConfig, loadConfig } from "./io/load-config.js";
export {
  type HubPingReport,
  PINGED_FILE,
  type PingOptions,
  type PingReport,
  type PublishedFeed,
  pingHubs,
  readPublishedFeeds,
} from "./io/ping-hubs.js";
export { type FilePlan, planFiles } from "./io/plan-files.js";
export { type ListOptions, type LoadOptions, listRecordFiles, loadRecords, readRecordFile } from "./io/read-records.js";
export { type ScanOptions, type ScanResult, scanRecords } from "./io/scan-records.js";
export { openVerifiedFiles, type VerifiedFiles } from "./io/verified-files.js";
export { type WriteOptions, type WriteSummary, writeFiles } from "./io/write-files.js";
export { buildFeedModel, type FeedContext, type FeedSpec } from "./model/build-feed-model.js";
export { buildFeedPages, type FeedPage, type FeedPages, type FeedPagesOptions } from "./model/build-feed-pages.js";
export { compareRecords } from "./model/sort-records.js";
export { isArticleRecord } from "./records/adopt-records.js";
export { applyIdLock, lockKeys, updateIdLock } from "./records/apply-id-lock.js";
export { canonicalUrl, sameArticleKey } from "./records/canonical-url.js";
export { type NormalizeResult, normalizeRecord, type RecordSource } from "./records/normalize-record.js";
export { normalizeRecords } from "./records/normalize-records.js";
export { formatIso, type ParsedDate, parseDate } from "./records/parse-date.js";
export { type FrontMatterResult, parseFrontMatter } from "./records/parse-front-matter.js";
export { FEED_MEDIA_TYPES, type FeedFormat } from "./render/media-types.js";
export { renderAtom } from "./render/render-atom.js";
export { createRenderMemo, type RenderMemo } from "./render/render-feed-files.js";
export { renderHeaders } from "./render/render-headers.js";
export { discoveryLinks, renderIndexHtml } from "./render/render-index-html.js";
export { renderJsonFeed } from "./render/render-json-feed.js";
export {
  type FeedManifest,
  type ManifestData,
  type ManifestFeed,
  type ManifestItem,
  renderManifest,
} from "./render/render-manifest.js";
export { renderOpml } from "./render/render-opml.js";
export { renderPreviewHtml } from "./render/render-preview-html.js";
export { renderRss } from "./render/render-rss.js";
export { verifyOutput } from "./render/verify-output.js";
export {
  type Filter,
  type IsoDuration,
  parseDuration,
  type ResolvedRules,
  resolveRules,
  validateRule,
} from "./select/resolve-rules.js";
export { rules } from "./select/rules.js";
export { type Selection, selectRecords } from "./select/select-records.js";
export { type RunningServer, type ServeOptions, startServer } from "./serve/start-server.js";
export { groupByTopic, type Topic } from "./topics/group-by-topic.js";
export { slugify, topicKey } from "./topics/slug.js";
export type * from "./types.js";
export { validateConfig } from "./validate-config.js";
export { VERSION } from "./version.js";
export { type WatchHandle, type WatchOptions, type WatchUpdate, watchFeeds } from "./watch/watch-feeds.js";
