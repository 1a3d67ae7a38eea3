/**
 * Public types of topicfeeds. Everything here is plain data: no classes, no functions except
 * where a rule or hook is user code.
 */

/** How serious a diagnostic is. `error` rejects a record (or fails a strict build). */
export type Severity = "error" | "warning" | "info";

/**
 * A problem found while reading, selecting or rendering. Collected, never thrown
 * (except in strict mode, inside a {@link TopicfeedsError}).
 */
export interface Diagnostic {
  /** Stable, kebab-case code, e.g. `yaml-syntax`, `invalid-url`. Listed in the README. */
  code: string;
  severity: Severity;
  /** What is wrong, what was expected, what was found. Never contains `secured` values. */
  message: string;
  /** The record file, relative to the working directory when read by the CLI. */
  file?: string;
  /** 1-based line in the file. */
  line?: number;
  /** 1-based column in the file. */
  column?: number;
  /** Field path inside the record, e.g. `images[0].url`. */
  field?: string;
}

/** The organisation that published an article; rendered as its author. */
export interface Provider {
  name: string;
  /** A bare host name such as `darkreading.com`, when the record has a valid one. */
  domain?: string;
}

/** An image attached to a record. `url` is absolute http(s). */
export interface RecordImage {
  url: string;
  width?: number;
  height?: number;
}

/** A link to a related article. */
export interface RelatedLink {
  title: string;
  url: string;
}

/**
 * One normalised article. Produced by {@link normalizeRecord} from front matter or from a plain
 * object. Dates are UTC ISO 8601 strings (`2021-07-19T10:00:00Z`), URLs are absolute and in
 * canonical WHATWG form, text is free of XML-illegal characters. There is deliberately no
 * `secured` field: it is dropped at the door.
 */
export interface ArticleRecord {
  /** The stable identifier used as RSS guid, Atom id and JSON Feed id. */
  id: string;
  title: string;
  excerpt?: string | undefined;
  /** UTC, RFC 3339. */
  publishedDateTime: string;
  /** UTC, RFC 3339; absent when the record has none. */
  updatedDateTime?: string | undefined;
  /** Canonical article URL: the item link. */
  webUrl: string;
  /** Canonical URL of the original (pre-syndication) article. Defaults to `webUrl`. */
  originalUrl: string;
  category?: string | undefined;
  type?: string | undefined;
  /** 0–100, absent if the record has none. */
  quality?: number | undefined;
  /** 0–100, absent if the record has none. */
  heat?: number | undefined;
  /** `true` only when the record says `published: true`. */
  published: boolean;
  provider?: Provider | undefined;
  /** Topic names as written (trimmed, inner white space collapsed), de-duplicated. */
  topics: string[];
  images: RecordImage[];
  related: RelatedLink[];
  /** Where the record came from (a file path), for diagnostics. */
  source?: string | undefined;
}

/** A record as a user may pass it from code: the same fields, looser types. */
export interface RecordInput {
  title?: unknown;
  excerpt?: unknown;
  publishedDateTime?: unknown;
  updatedDateTime?: unknown;
  webUrl?: unknown;
  originalUrl?: unknown;
  category?: unknown;
  type?: unknown;
  quality?: unknown;
  heat?: unknown;
  published?: unknown;
  provider?: unknown;
  topics?: unknown;
  images?: unknown;
  related?: unknown;
  [key: string]: unknown;
}

/** A selection rule in its data form: identical in a JSON config file and from `rules.*()`. */
export type Rule =
  | { rule: "published"; value: boolean }
  | { rule: "minQuality"; value: number }
  | { rule: "minHeat"; value: number }
  | { rule: "topics"; include?: string[]; exclude?: string[] }
  | { rule: "category"; include?: string[]; exclude?: string[] }
  | { rule: "type"; include?: string[]; exclude?: string[] }
  | { rule: "dateWindow"; since?: string; until?: string; maxAge?: string }
  | { rule: "limit"; value: number }
  | { rule: "dedupe"; value: boolean }
  | { rule: "sort"; by: "published" | "updated" }
  | CustomRule;

/** A rule written in code: keeps a record when `keep` returns true. Not available in JSON config. */
export interface CustomRule {
  rule: "custom";
  /** Shown in the report as the rule that dropped a record. */
  name: string;
  keep: (record: ArticleRecord) => boolean;
}

/** Per-topic settings, keyed by topic name in {@link FeedsConfig.topics}. */
export interface TopicConfig {
  /** Feed title; default `<site title>: <topic name>`. */
  title?: string;
  description?: string;
  /** Override the derived slug (lower-case letters, digits and `-`). */
  slug?: string;
  /** Rules for this topic: a rule of the same kind replaces the global one, others are added. */
  select?: Rule[];
  language?: string;
  /** RFC 5005 archives for this topic's feeds; replaces the global {@link FeedsConfig.archive}. */
  archive?: ArchiveConfig;
}

/**
 * RFC 5005 archives: `true`, or `{ pageSize }` (items per document; default the feed's limit).
 * `false` turns them off (for one topic when they are on globally).
 */
export type ArchiveConfig = boolean | { pageSize?: number };

/** Options of {@link buildFeeds}; also the shape of `topicfeeds.config.*` (plus the I/O keys). */
export interface FeedsConfig {
  /** Absolute public URL of the output folder, e.g. `https://example.com/feeds/`. Required. */
  baseUrl: string;
  /** Home page linked from the feeds; default: the origin of `baseUrl`. */
  siteUrl?: string;
  /** Site title; feed titles derive from it. Default: the host of `siteUrl`. */
  title?: string;
  description?: string;
  /** BCP 47 / RFC 1766 language tag, e.g. `en` or `en-GB`. */
  language?: string;
  /** Feed-level author (Atom `author`, JSON `authors`). */
  author?: { name: string; url?: string; email?: string };
  /** Copyright line (RSS `copyright`, Atom `rights`). */
  copyright?: string;
  /** Global selection rules, applied to every feed. */
  select?: Rule[];
  /** Shorthand for `rules.minQuality(n)`. */
  minQuality?: number;
  /** Shorthand for `rules.limit(n)`. Default 50. */
  limit?: number;
  /** Per-topic settings keyed by topic name (matched ignoring case and spacing). */
  topics?: Record<string, TopicConfig>;
  /** Also build the site-wide feeds at the top of the output folder. Default true. */
  siteFeeds?: boolean;
  /** The instant that `maxAge` counts back from (ISO 8601 with offset). Needed for `maxAge`. */
  now?: string;
  /** Ids published before (the opt-in lock file's contents): a record whose URL changed keeps its id. */
  idLock?: IdLock;
  /** WebSub hub URL(s) every feed names as `rel="hub"` (JSON Feed `hubs`); `topicfeeds ping` notifies them. */
  hub?: string | string[];
  /**
   * RFC 5005 archives for every feed (site-wide included; `topics` can override per topic): the
   * subscription feed holds the newest `pageSize` items and links to archive pages that hold
   * every other selected item, so `limit` then no longer caps what is published in total.
   */
  archive?: ArchiveConfig;
  /**
   * Byte budget of each subscription document (RSS, Atom and JSON Feed each): the oldest items
   * are moved out until all three fit, into the archive when it is on, otherwise dropped.
   */
  maxBytes?: number;
  /**
   * The web page of each topic, as a template with `{slug}`, e.g. `https://example.com/topics/{slug}/`:
   * each topic feed links there (RSS `link`, Atom alternate, JSON `home_page_url`) instead of `siteUrl`.
   */
  topicUrl?: string;
  /**
   * Opt-in: adds `<?xml-stylesheet?>` with this URL to the RSS and Atom files (`text/css` when it
   * ends in `.css`, else `text/xsl`). Off by default: every feed gets an HTML preview page anyway.
   */
  stylesheet?: string;
}

/** Remembers the id each article was published under, keyed by its URL and title keys. */
export interface IdLock {
  version: 1;
  ids: Record<string, string>;
}

/** The config file: {@link FeedsConfig} plus where to read and write. */
export interface TopicfeedsConfig extends Partial<FeedsConfig> {
  /** Record files or folders. Default `./content`. Relative to the config file. */
  input?: string | string[];
  /** Output folder. Default `./public/feeds`. Relative to the config file. */
  out?: string;
  /** Fail on any error diagnostic. */
  strict?: boolean;
  /** Id lock file (e.g. `topicfeeds.lock.json`): keeps ids stable when URLs change. Off unless set. */
  lockFile?: string;
  /** Record cache folder (default `node_modules/.cache/topicfeeds`). */
  cacheDir?: string;
  /** `false` turns the record cache off. */
  cache?: boolean;
  /** Parser threads. */
  workers?: number;
}

/** A person or organisation credited in a feed. */
export interface FeedAuthor {
  name: string;
  url?: string;
  email?: string;
}

/** One entry of a {@link FeedModel}: what every renderer writes, already selected and ordered. */
export interface FeedItem {
  id: string;
  /** true when `id` is the item's own URL (RSS `isPermaLink`). */
  idIsLink: boolean;
  title: string;
  link: string;
  summary?: string;
  /** RFC 3339 UTC, to the second (as RSS can say it). */
  published: string;
  /** RFC 3339 UTC, to the second; `published` unless the record was updated later. */
  updated: string;
  /** The provider, or the feed's author for a record without one: the same in every format. */
  authors: FeedAuthor[];
  categories: string[];
  image?: { url: string; type?: string; width?: number; height?: number };
  related: RelatedLink[];
}

/** Everything a renderer needs for one feed. Built by {@link buildFeedModel}; ours, not `feed`'s. */
export interface FeedModel {
  /** `""` for the site-wide feed, else the topic slug. */
  slug: string;
  /** The topic name, or undefined for the site-wide feed. */
  topic?: string;
  title: string;
  description: string;
  siteUrl: string;
  /** The stable feed identifier (Atom `id`): the URL of the feed's folder. */
  id: string;
  urls: { rss: string; atom: string; json: string };
  language?: string;
  copyright?: string;
  author?: FeedAuthor;
  /** Newest item's updated date; for an empty feed the newest date of the build. Never "now". */
  updated: string;
  items: FeedItem[];
  generator: { name: string; uri: string; version: string };
  /** WebSub hubs (W3C WebSub §4: `rel="hub"`). */
  hubs?: string[];
  /** RFC 5005 links and markers, when archives are on for this feed. */
  history?: FeedHistory;
}

/** The URL of one feed document in each format. */
export interface FeedUrls {
  rss: string;
  atom: string;
  json: string;
}

/** Where a feed document sits in an RFC 5005 archived feed. */
export interface FeedHistory {
  /** RFC 5005 §2 `fh:complete`: this document holds every item of the feed. */
  complete?: boolean;
  /** RFC 5005 §4 `fh:archive`: this document is an archive page. */
  archive?: boolean;
  /** The subscription document (`rel="current"`), on archive pages. */
  current?: FeedUrls;
  /** The next older archive page (`rel="prev-archive"`; JSON Feed `next_url`). */
  prevArchive?: FeedUrls;
  /** The next newer archive page (`rel="next-archive"`). */
  nextArchive?: FeedUrls;
}

/** One file to write, relative to the output folder. */
export interface OutputFile {
  path: string;
  contents: string;
}

/** Counts and per-topic figures of a build. Every read record is published, dropped or rejected. */
export interface BuildReport {
  records: {
    read: number;
    rejected: number;
    published: number;
    dropped: number;
    /** Dropped records by the rule that dropped them (`published`, `minQuality`, `dedupe`, `limit`…). */
    droppedBy: Record<string, number>;
  };
  /** The topic feeds written: every topic with at least one selected item. */
  topics: FeedReport[];
  /** Topics of published records with no selected item: no feed is written for them. */
  emptyTopics: { slug: string; name: string }[];
  site?: Omit<FeedReport, "slug" | "name">;
  files: number;
  diagnostics: Diagnostic[];
}

/** What the report says of one feed. */
export interface FeedReport {
  slug: string;
  name: string;
  /** Items in the subscription feed. */
  items: number;
  /** With archives on: the archive pages and the items they hold. */
  archive?: { pages: number; items: number };
  /** Oldest items moved out of the subscription feed to fit `maxBytes` (into the archive when on, else dropped). */
  overMaxBytes?: number;
}

/** What {@link buildFeeds} returns: files to write and the report. Pure data. */
export interface BuildResult {
  files: OutputFile[];
  report: BuildReport;
  /** The updated id lock, when `idLock` was given in the config. */
  idLock?: IdLock;
}
