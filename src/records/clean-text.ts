// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Everything else (C0 controls, U+FFFE/U+FFFF, lone surrogates) can never appear in a feed.
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
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
  return text.replace(/\s+/g, " ").trim();
}
