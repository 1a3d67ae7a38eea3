import type { FeedModel, FeedUrls } from "../types.js";
import { escapeAttr } from "./_xml.js";

const FH = "http://purl.org/syndication/history/1.0";
const TYPES = { rss: "application/rss+xml", atom: "application/atom+xml" } as const;

/**
 * The `xmlns:fh` declaration a document needs when it carries an RFC 5005 marker, else "" (so a
 * feed without archives is unchanged).
 */
export function historyNamespace(feed: FeedModel): string {
  return feed.history?.archive === true || feed.history?.complete === true ? ` xmlns:fh="${FH}"` : "";
}

/**
 * The WebSub and RFC 5005 lines of a feed's head: `rel="hub"` links, the `current`,
 * `prev-archive` and `next-archive` links, and `fh:archive` or `fh:complete`. In RSS the links
 * are `atom:link` elements (the Atom namespace is declared for `rel="self"` already).
 */
export function feedLinks(feed: FeedModel, format: "rss" | "atom", indent: string): string[] {
  const tag = format === "rss" ? "atom:link" : "link";
  const out: string[] = [];
  // W3C WebSub §4: the publisher names its hubs with rel="hub" links next to rel="self".
  for (const hub of feed.hubs ?? []) out.push(`${indent}<${tag} rel="hub" href="${escapeAttr(hub)}"/>`);
  const h = feed.history;
  if (h === undefined) return out;
  const link = (rel: string, urls: FeedUrls | undefined) => {
    if (urls !== undefined)
      out.push(`${indent}<${tag} rel="${rel}" type="${TYPES[format]}" href="${escapeAttr(urls[format])}"/>`);
  };
  // RFC 5005 §4: archive documents point to the subscription document and to their neighbours.
  link("current", h.current);
  link("prev-archive", h.prevArchive);
  link("next-archive", h.nextArchive);
  // RFC 5005 §4: an archive document SHOULD contain fh:archive; §2: fh:complete marks a complete feed.
  if (h.archive === true) out.push(`${indent}<fh:archive/>`);
  else if (h.complete === true) out.push(`${indent}<fh:complete/>`);
  return out;
}
