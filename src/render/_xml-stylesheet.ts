import { escapeAttr } from "./_xml.js";

/**
 * Adds `<?xml-stylesheet?>` (W3C "Associating Style Sheets with XML documents") right after the
 * XML declaration of a rendered feed: `text/css` for a `.css` URL, else `text/xsl`.
 */
export function withStylesheet(xml: string, href: string): string {
  const end = xml.startsWith("<?xml") ? xml.indexOf("?>") + 2 : 0;
  const type = /\.css(?:[?#]|$)/i.test(href) ? "text/css" : "text/xsl";
  const pi = `<?xml-stylesheet type="${type}" href="${escapeAttr(href)}"?>`;
  return end === 0 ? `${pi}\n${xml}` : `${xml.slice(0, end)}\n${pi}${xml.slice(end)}`;
}
