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
 * Escapes plain text for an element whose content is HTML (RSS `description`, Atom
 * `type="html"`): the text is HTML-escaped first, each line break becomes `<br>` (HTML would
 * fold it into a space, and a reader would show one run-on paragraph), then the result is
 * XML-escaped, so a reader shows `<script>` as text and never runs it.
 *
 * @example
 * escapeHtmlInXml("<b>\nx") // "&amp;lt;b&amp;gt;&lt;br&gt;x"
 */
export function escapeHtmlInXml(text: string): string {
  const html = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return escapeXml(html.replace(/\n/g, "<br>"));
}

// Universal Feed Parser (and rss2email, which uses it) guesses that an RSS title is HTML when it
// holds a closing tag or a character reference made only of names it knows, and then shows
// `<b>x</b>` in bold and `&copy;` as ©. An invisible WORD JOINER after the `<` of `</name` and
// the `&` of `&name;` / `&#…;` keeps such text plain in every reader, and reads the same.
const LOOKS_LIKE_MARKUP = /<(?=\/[\p{L}\p{N}_])|&(?=#?[\p{L}\p{N}_]+;)/gu;

/**
 * Escapes the text of a plain-text RSS element (`category`, `dc:creator`, channel `description`):
 * `&amp;` and `&lt;`, which every reader decodes, except that a `<` before a letter or `/` and an
 * `&` before `#` are written `&#x3C;` and `&#x26;`, as the RSS Best Practices Profile asks (the W3C
 * validator warns on tag-like text otherwise).
 *
 * @example
 * escapeRssPlain("<script> & a < b") // "&#x3C;script&gt; &amp; a &lt; b"
 */
export function escapeRssPlain(text: string): string {
  return escapeXml(text)
    .replace(/&lt;(?=[/a-zA-Z])/g, "&#x3C;")
    .replace(/&amp;(?=#)/g, "&#x26;");
}

/**
 * Escapes the text of an RSS element that readers show as plain text but some guess to be HTML
 * (`title`): as {@link escapeRssPlain}, with a WORD JOINER (U+2060) after the `<` of a closing tag
 * and the `&` of a character reference, so that no reader turns the text into markup.
 *
 * @example
 * escapeRssText("Why <b>bold</b> & &copy;") // "Why &#x3C;b&gt;bold&lt;\u2060/b&gt; &amp; &amp;\u2060copy;"
 */
export function escapeRssText(text: string): string {
  return escapeRssPlain(text.replace(LOOKS_LIKE_MARKUP, "$&\u2060"));
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

/** Formats an RFC 3339 UTC date as RFC 822 with a four-digit year and `GMT` (RSS 2.0), to the second. */
export function rfc822(iso: string): string {
  return new Date(Date.parse(iso)).toUTCString();
}
