const ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const TEXT_SPECIAL = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const ATTR_SPECIAL = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * Escapes text content for XML 1.0: `&`, `<` and `>` (so `]]>` can never appear) become
 * entities, and characters outside the XML `Char` production are removed (defence in depth:
 * records are already cleaned).
 *
 * @example
 * escapeXml("a < b & c]]>") // "a &lt; b &amp; c]]&gt;"
 */
export function escapeXml(text: string): string {
  if (!TEXT_SPECIAL.test(text)) return text;
  return text.replace(ILLEGAL, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Escapes an attribute value (double-quoted): also `"`, and TAB/LF/CR as character references
 * so attribute-value normalisation keeps them.
 *
 * @example
 * escapeAttr('say "hi"') // "say &quot;hi&quot;"
 */
export function escapeAttr(text: string): string {
  if (!ATTR_SPECIAL.test(text)) return text;
  return escapeXml(text).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}

/**
 * Escapes plain text for an element whose content is HTML (RSS `description`): the text is
 * HTML-escaped first, then XML-escaped, so a reader shows `<script>` as text and never runs it.
 *
 * @example
 * escapeHtmlInXml("<b>") // "&amp;lt;b&amp;gt;"
 */
export function escapeHtmlInXml(text: string): string {
  return escapeXml(text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"));
}

/**
 * The Media RSS element for an item's image (`xmlns:media="http://search.yahoo.com/mrss/"`), used
 * by RSS and Atom alike.
 *
 * @example
 * mediaContent({ url: "https://a.com/i.png", type: "image/png" }) // '<media:content url="https://a.com/i.png" medium="image" type="image/png"/>'
 */
export function mediaContent(image: { url: string; type?: string; width?: number; height?: number }): string {
  let attrs = `url="${escapeAttr(image.url)}" medium="image"`;
  if (image.type !== undefined) attrs += ` type="${image.type}"`;
  if (image.width !== undefined && image.height !== undefined)
    attrs += ` width="${image.width}" height="${image.height}"`;
  return `<media:content ${attrs}/>`;
}

/** Formats an RFC 3339 UTC date as RFC 822 with a four-digit year and `GMT` (RSS 2.0). */
export function rfc822(iso: string): string {
  return new Date(Date.parse(iso)).toUTCString();
}
