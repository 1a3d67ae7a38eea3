import type { FeedItem, FeedModel } from "../types.js";
import { escapeAttr, escapeXml } from "./_xml.js";
import { FEED_FILE_NAMES, FEED_MEDIA_TYPES, type FeedFormat } from "./media-types.js";

// The pages are self-contained: one style sheet and, for the copy buttons only, a few lines of
// script. Everything is readable without the script (the buttons stay hidden).
// Colours: text and links reach WCAG AA (4.5:1) against both backgrounds.
const CSS = `:root{color-scheme:light dark;--bg:#fff;--fg:#1b1c1f;--muted:#545861;--link:#0a53c2;--line:#d8dbe0;--card:#f5f6f8;--focus:#0a53c2}
@media (prefers-color-scheme:dark){:root{--bg:#131417;--fg:#e7e8eb;--muted:#a8adb7;--link:#8cb6ff;--line:#363941;--card:#1d1f24;--focus:#8cb6ff}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;overflow-wrap:anywhere}
a{color:var(--link);text-underline-offset:.15em}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.wrap{max-width:50rem;margin:0 auto;padding:0 1rem}
header.site{border-bottom:1px solid var(--line);padding:1.25rem 0 1rem}
header.site p{margin:.25rem 0;color:var(--muted)}
.crumb{font-size:.9rem;margin:0 0 .5rem}
h1{font-size:1.7rem;line-height:1.2;margin:0 0 .25rem}
h2{font-size:1.25rem;margin:2rem 0 .75rem}
h3{font-size:1.06rem;line-height:1.35;margin:0 0 .25rem}
.subscribe{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0 0}
.subscribe h2{font-size:1rem;margin:0 0 .5rem}
.subscribe p{margin:.5rem 0 0;font-size:.9rem;color:var(--muted)}
.sub{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .5rem;margin:.35rem 0}
.sub a{min-width:6.5rem;font-weight:600}
.sub input{flex:1 1 14rem;min-width:0;font:inherit;font-size:.85rem;padding:.3rem .45rem;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:.3rem}
.sub button{font:inherit;font-size:.85rem;padding:.3rem .7rem;border-radius:.3rem;border:1px solid var(--line);background:var(--bg);color:var(--fg);cursor:pointer}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
ol.items,ul.topics{list-style:none;margin:0;padding:0}
ol.items>li{display:flow-root;padding:1rem 0;border-bottom:1px solid var(--line)}
.meta{margin:0 0 .35rem;font-size:.88rem;color:var(--muted)}
.excerpt{margin:0}
.items img{float:right;width:9rem;height:auto;max-height:7rem;object-fit:cover;margin:0 0 .5rem 1rem;border-radius:.3rem}
ul.topics{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.75rem}
ul.topics>li{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem}
ul.topics ul{margin:.35rem 0 0;padding-left:1.1rem;font-size:.92rem}
.formats{font-size:.88rem;margin:.5rem 0 0}
footer{border-top:1px solid var(--line);margin-top:2rem;padding:1rem 0 2rem;font-size:.88rem;color:var(--muted)}
@media (max-width:32rem){h1{font-size:1.4rem}.items img{width:6rem;max-height:4.5rem;margin-left:.75rem}}`;

// Unhides the copy buttons; a click copies the URL from the field beside it (Clipboard API where
// the page is a secure context, else the selection), and says so on the button.
const SCRIPT = `for(const b of document.querySelectorAll("button[data-copy]")){b.hidden=false;b.addEventListener("click",()=>{const i=document.getElementById(b.dataset.copy);i.select();const ok=()=>{b.firstChild.textContent="Copied"};(navigator.clipboard?navigator.clipboard.writeText(i.value):Promise.reject()).then(ok,()=>{if(document.execCommand("copy"))ok()})})}`;

export const FORMAT_NAMES: Record<FeedFormat, string> = { rss: "RSS", atom: "Atom", json: "JSON Feed" };

/** The document around a page: head with title, autodiscovery links and style; the body given. */
export function page(options: {
  title: string;
  description: string;
  language: string;
  head: string[];
  body: string[];
  script: boolean;
}): string {
  const out = [
    "<!doctype html>",
    `<html lang="${escapeAttr(options.language)}">`,
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeXml(options.title)}</title>`,
    `<meta name="description" content="${escapeAttr(options.description)}">`,
    ...options.head,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    ...options.body,
  ];
  if (options.script) out.push(`<script>${SCRIPT}</script>`);
  out.push("</body>", "</html>", "");
  return out.join("\n");
}

/** `<link rel="alternate">` for the three formats of a feed, relative to the page (`dir`). */
export function alternateLinks(feed: FeedModel, dir: string): string[] {
  return (["rss", "atom", "json"] as const).map(
    (f) =>
      `<link rel="alternate" type="${FEED_MEDIA_TYPES[f].split(";")[0]}" title="${escapeAttr(`${feed.title} (${FORMAT_NAMES[f]})`)}" href="${escapeAttr(`${dir}${FEED_FILE_NAMES[f]}`)}">`,
  );
}

/**
 * The subscribe box: per format a link to the file (relative, so it works wherever the folder is
 * opened), the public URL in a labelled read-only field, and a copy button.
 */
export function subscribeBox(feed: FeedModel, dir: string, idPrefix: string, heading: string): string[] {
  const out = [
    `<section class="subscribe" aria-labelledby="${idPrefix}sub">`,
    `<h2 id="${idPrefix}sub">${escapeXml(heading)}</h2>`,
  ];
  for (const f of ["rss", "atom", "json"] as const) {
    const id = `${idPrefix}url-${f}`;
    out.push(
      `<div class="sub"><a href="${escapeAttr(`${dir}${FEED_FILE_NAMES[f]}`)}" type="${FEED_MEDIA_TYPES[f].split(";")[0]}">${FORMAT_NAMES[f]}</a>` +
        `<label class="vh" for="${id}">${FORMAT_NAMES[f]} URL</label>` +
        `<input id="${id}" type="url" readonly value="${escapeAttr(feed.urls[f])}">` +
        `<button type="button" data-copy="${id}" hidden><span>Copy</span><span class="vh"> ${FORMAT_NAMES[f]} URL</span></button></div>`,
    );
  }
  out.push("<p>Paste a URL into your feed reader to subscribe.</p>", "</section>");
  return out;
}

/** The list of a feed's items: title linked to the article, date, provider, excerpt, image. */
export function itemList(items: readonly FeedItem[], headingLevel: 3): string[] {
  const out = ['<ol class="items">'];
  for (const item of items) {
    const parts = [`<time datetime="${item.published}">${day(item.published)}</time>`];
    const provider = item.authors[0];
    if (provider !== undefined) parts.push(escapeXml(provider.name));
    let img = "";
    if (item.image !== undefined) {
      const size =
        item.image.width !== undefined && item.image.height !== undefined
          ? ` width="${item.image.width}" height="${item.image.height}"`
          : "";
      // Decorative: the title beside it says what the article is.
      img = `<img src="${escapeAttr(item.image.url)}" alt=""${size} loading="lazy" decoding="async" referrerpolicy="no-referrer">`;
    }
    out.push(
      `<li><article>${img}<h${headingLevel}><a href="${escapeAttr(item.link)}">${escapeXml(item.title)}</a></h${headingLevel}>` +
        `<p class="meta">${parts.join(" · ")}</p>` +
        (item.summary !== undefined && item.summary !== "" ? `<p class="excerpt">${escapeXml(item.summary)}</p>` : "") +
        "</article></li>",
    );
  }
  out.push("</ol>");
  return out;
}

/** `2024-01-02`: the UTC day of an RFC 3339 date, the same in every time zone and language. */
export function day(iso: string): string {
  return iso.slice(0, 10);
}

/** The footer every page ends with: the site, the OPML list of every feed. */
export function footer(toRoot: string, siteUrl: string): string[] {
  return [
    '<footer><div class="wrap">',
    `<p><a href="${escapeAttr(siteUrl)}">Site home</a> · <a href="${escapeAttr(`${toRoot}feeds.opml`)}" type="text/x-opml">Every feed as OPML</a> (import it into a reader to follow them all)</p>`,
    "</div></footer>",
  ];
}
