import { createRequire } from "node:module";
import type * as EntitiesDecode from "entities/decode";

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Everything else (C0 controls, U+FFFE/U+FFFF, lone surrogates) can never appear in a feed.
const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ILLEGAL_TEST = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/**
 * Removes the characters that XML 1.0 forbids (and that JSON readers choke on), so that any
 * text can be written to every format.
 *
 * @param text - any string
 * @returns the text without XML-illegal characters, and whether anything was removed
 * @example
 * cleanText("a\u0000b") // { text: "ab", changed: true }
 */
export function cleanText(text: string): { text: string; changed: boolean } {
  if (!ILLEGAL_TEST.test(text)) return { text, changed: false };
  const cleaned = text.replace(ILLEGAL, "");
  return { text: cleaned, changed: cleaned !== text };
}

/**
 * Collapses runs of white space (including line breaks) to one space and trims: the form a
 * title or a topic name is compared and shown in.
 *
 * @example
 * collapseSpace("  AI \n in  Security ") // "AI in Security"
 */
export function collapseSpace(text: string): string {
  if (!NEEDS_COLLAPSE.test(text)) return text;
  return text.replace(/\s+/g, " ").trim();
}

// Any white space other than a single inner space (checked first: most texts need no change).
const NEEDS_COLLAPSE = /^\s|\s$|\s\s|[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

const INLINE_TAG =
  /<\/?(?:a|abbr|b|bdi|bdo|big|br|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup|time|tt|u|var|wbr)(?:\s[^<>]*)?\/?>/gi;
// Every HTML5 character reference ends in `;` here: a bare `&copy` or `&not` in plain text stays
// as written (HTML's legacy references without `;` would turn "&notice" into "¬ice").
const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));/g;

/**
 * Turns scraped text into plain text: inline formatting tags (`<b>`, `<code>`, `<a …>`…) are
 * removed and character references decoded (every HTML5 named reference such as `&eacute;` or
 * `&check;`, and numeric ones such as `&#39;` or `&#x1F600;`), because scrapers and CMSs leave both in
 * titles and excerpts. A reference without its `;` or with an unknown name stays as written. Any other `<` (say, a title about `<script>` tags) stays as literal text
 * and is escaped on output, never passed through as markup.
 *
 * @example
 * toPlainText("Fix <code>CVE-2021-1</code> &amp; more") // "Fix CVE-2021-1 & more"
 */
export function toPlainText(text: string): string {
  if (!text.includes("<") && !text.includes("&")) return text;
  return text
    .replace(INLINE_TAG, (tag) => (/^<br/i.test(tag) ? " " : ""))
    .replace(ENTITY, (whole, dec?: string, hex?: string, name?: string) => {
      // The full HTML5 named-reference table, from `entities`; an unknown name stays as written.
      if (name !== undefined) return decodeHtml()(whole);
      const cp = dec !== undefined ? Number(dec) : Number.parseInt(hex as string, 16);
      const legal =
        cp === 0x9 ||
        cp === 0xa ||
        cp === 0xd ||
        (cp >= 0x20 && cp <= 0xd7ff) ||
        (cp >= 0xe000 && cp <= 0xfffd) ||
        (cp >= 0x10000 && cp <= 0x10ffff);
      return legal ? String.fromCodePoint(cp) : "";
    });
}

/**
 * Cuts text to at most `max` UTF-16 code units, the last being `…`, never inside a surrogate
 * pair (half an emoji is a lone surrogate: illegal in XML, an error in strict JSON readers).
 *
 * @example
 * cutText("abcdef", 4) // "abc…"
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * Turns CRLF and lone CR line ends into LF: XML parsers do the same on reading, so without it
 * an excerpt would read back differently from XML and from JSON.
 *
 * @example
 * normalizeNewlines("a\r\nb\rc") // "a\nb\nc"
 */
export function normalizeNewlines(text: string): string {
  return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
}

let decoder: typeof EntitiesDecode.decodeHTMLStrict | undefined;

// Loaded on the first named reference: as an ES import, `entities` (with its encoding tables) added
// about 20 ms to every start and to each parse worker's; `entities/decode`, required, about 10 ms.
function decodeHtml(): typeof EntitiesDecode.decodeHTMLStrict {
  decoder ??= (createRequire(import.meta.url)("entities/decode") as typeof EntitiesDecode).decodeHTMLStrict;
  return decoder;
}
