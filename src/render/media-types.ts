/**
 * The media type each kind of file a build writes is served with, keyed by format. Feeds use
 * their registered types (RFC 4287 §7 for Atom; the RSS Advisory Board's `application/rss+xml`;
 * JSON Feed 1.1's `application/feed+json`), always with `charset=utf-8`. Shared by the manifest,
 * the host headers file and `topicfeeds serve`.
 *
 * @example
 * FEED_MEDIA_TYPES.atom // "application/atom+xml; charset=utf-8"
 */
export const FEED_MEDIA_TYPES = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
  opml: "text/x-opml; charset=utf-8",
  manifest: "application/json; charset=utf-8",
  html: "text/html; charset=utf-8",
} as const;

/** A feed format of a build: what {@link FEED_MEDIA_TYPES} and the manifest call them. */
export type FeedFormat = "rss" | "atom" | "json";

/** The file name each feed format is written under, in a feed's folder. */
export const FEED_FILE_NAMES: Readonly<Record<FeedFormat, string>> = {
  rss: "rss.xml",
  atom: "atom.xml",
  json: "feed.json",
};
