import { createHash } from "node:crypto";
import type { FeedModel, OutputFile } from "../types.js";
import { FEED_FILE_NAMES, FEED_MEDIA_TYPES, type FeedFormat } from "./media-types.js";

/** One feed file in the manifest (`feeds.json`). */
export interface ManifestFeed {
  /** The topic name; `null` for the site-wide feed. */
  topic: string | null;
  /** The topic slug; `""` for the site-wide feed. */
  slug: string;
  title: string;
  format: FeedFormat;
  /** Path of the file in the output folder, e.g. `ai/rss.xml`. */
  path: string;
  /** Public URL of the file. */
  url: string;
  /** Media type, without parameters (the files are UTF-8), e.g. `application/rss+xml`. */
  type: string;
  /** Public URL of the feed's preview page. */
  page: string;
  items: number;
  /** The newest item's date (RFC 3339, UTC); `null` when the feed has no items. */
  newest: string | null;
  /** `sha256:` and the SHA-256 of the file's bytes in hex: changes exactly when the file does. */
  hash: string;
  bytes: number;
}

/** What the manifest holds for tools, under `_topicfeeds`. */
export interface ManifestData {
  version: 2;
  title: string;
  /** The site's home page. */
  home: string;
  /** The output folder's public URL. */
  base: string;
  /** The newest item date of all feeds; `null` when no feed has items. */
  newest: string | null;
  feeds: ManifestFeed[];
}

/** One feed (site-wide or a topic) as an item of the manifest read as a JSON Feed. */
export interface ManifestItem {
  /** The feed's preview page. */
  id: string;
  url: string;
  title: string;
  /** Its item count, newest date and the URL of each format. */
  content_text: string;
  /** The newest item's date; absent for a feed without items. */
  date_modified?: string;
}

/**
 * The manifest of a build's feeds, written as `feeds.json`. It is itself a valid JSON Feed 1.1
 * (one item per feed, so a reader subscribed to it sees each topic's feeds and when they last
 * changed, and a validator pointed at the output folder passes it); what tools read is under
 * `_topicfeeds`, as JSON Feed 1.1 asks of extensions.
 */
export interface FeedManifest {
  version: "https://jsonfeed.org/version/1.1";
  title: string;
  home_page_url: string;
  feed_url: string;
  description: string;
  items: ManifestItem[];
  _topicfeeds: ManifestData;
}

const FORMAT_NAMES = { rss: "RSS 2.0", atom: "Atom 1.0", json: "JSON Feed 1.1" } as const;

/**
 * Writes the manifest `feeds.json`: under `_topicfeeds`, every feed file of the build with its
 * topic, format, URL, media type, item count, newest date and a content hash, so other tools
 * can tell what exists and what changed without parsing the feeds (site-wide feed first, then
 * topics in build order; RSS, Atom, JSON Feed within each); around it, a JSON Feed 1.1 document
 * with one item per feed.
 *
 * @param site - site title, home page and the output folder's public URL
 * @param feeds - the feed models
 * @param files - the rendered files (the hash and size are of these bytes)
 * @param digest - hashes a file (a long-running driver passes one that remembers unchanged files)
 * @returns the JSON document
 * @example
 * renderManifest({ title: "Example", home: "https://example.com/", base: "https://example.com/feeds/" }, models, files)
 */
export function renderManifest(
  site: { title: string; home: string; base: string },
  feeds: readonly FeedModel[],
  files: readonly OutputFile[],
  digest: (path: string, contents: string) => FileDigest = fileDigest,
): string {
  return manifestOf(site, feeds, files, (f) => digest(f.path, f.contents));
}

/**
 * {@link renderManifest} with each file's digest asked for by the file object: a build that took
 * a feed's files from its render memo knows their digests without their text.
 *
 * @example
 * manifestOf(site, models, files, (f) => fileDigest(f.path, f.contents))
 */
export function manifestOf(
  site: { title: string; home: string; base: string },
  feeds: readonly FeedModel[],
  files: readonly OutputFile[],
  digest: (file: OutputFile) => FileDigest,
): string {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const entries: ManifestFeed[] = [];
  const items: ManifestItem[] = [];
  let newest: string | null = null;
  for (const feed of feeds) {
    const links: string[] = [];
    const dir = feed.slug === "" ? "" : `${feed.slug}/`;
    const latest = feed.items.length > 0 ? feed.updated : null;
    if (latest !== null && (newest === null || Date.parse(latest) > Date.parse(newest))) newest = latest;
    for (const format of ["rss", "atom", "json"] as const) {
      const path = `${dir}${FEED_FILE_NAMES[format]}`;
      const file = byPath.get(path);
      if (file === undefined) continue;
      const { hash, bytes } = digest(file);
      entries.push({
        topic: feed.topic ?? null,
        slug: feed.slug,
        title: feed.title,
        format,
        path,
        url: feed.urls[format],
        type: FEED_MEDIA_TYPES[format].split(";")[0] as string,
        page: feed.id,
        items: feed.items.length,
        newest: latest,
        hash,
        bytes,
      });
      links.push(`${FORMAT_NAMES[format]}: ${feed.urls[format]}`);
    }
    if (links.length === 0) continue;
    const n = feed.items.length;
    const item: ManifestItem = {
      id: feed.id,
      url: feed.id,
      title: feed.title,
      content_text: `${n === 1 ? "1 item" : `${n} items`}${latest === null ? "" : `, the newest of ${latest}`}. ${links.join("; ")}`,
    };
    if (latest !== null) item.date_modified = latest;
    items.push(item);
  }
  const manifest: FeedManifest = {
    version: "https://jsonfeed.org/version/1.1",
    title: `${site.title}: all feeds`,
    home_page_url: site.home,
    feed_url: `${site.base}feeds.json`,
    description: `Every feed of ${site.title}, site-wide and by topic, in RSS 2.0, Atom 1.0 and JSON Feed 1.1`,
    items,
    _topicfeeds: { version: 2, title: site.title, home: site.home, base: site.base, newest, feeds: entries },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** A file's `sha256:` hash and its length in bytes (UTF-8), as the manifest lists them. */
export interface FileDigest {
  hash: string;
  bytes: number;
}

/**
 * The {@link FileDigest} of a file's contents.
 *
 * @example
 * fileDigest("rss.xml", "<rss/>").bytes // 6
 */
export function fileDigest(_path: string, contents: string): FileDigest {
  const bytes = Buffer.from(contents, "utf8");
  return { hash: `sha256:${createHash("sha256").update(bytes).digest("hex")}`, bytes: bytes.length };
}
