import { SaxesParser } from "saxes";
import type { OutputFile } from "../../src/types.js";

/** One element of a parsed XML document: namespace-resolved name, attributes and children. */
export interface XmlElement {
  /** Local name, without prefix. */
  local: string;
  /** Namespace URI ("" for none). */
  uri: string;
  /** Attribute values by local name (what an XML reader sees after unescaping). */
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

/**
 * Parses an XML document with saxes (strict XML 1.0 + namespaces) into a small tree. Throws on
 * the first well-formedness error, naming `label`.
 */
export function parseXml(text: string, label = "document"): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const root: XmlElement = { local: "#document", uri: "", attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  let error: Error | undefined;
  parser.on("error", (e) => {
    error ??= new Error(`${label}: ${e.message}`);
  });
  parser.on("opentag", (tag) => {
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) attrs[a.local] = a.value;
    const el: XmlElement = { local: tag.local, uri: tag.uri, attrs, children: [] };
    (stack[stack.length - 1] as XmlElement).children.push(el);
    stack.push(el);
  });
  parser.on("closetag", () => void stack.pop());
  const addText = (t: string) => void (stack[stack.length - 1] as XmlElement).children.push(t);
  parser.on("text", addText);
  parser.on("cdata", addText);
  parser.write(text).close();
  if (error !== undefined) throw error;
  return root;
}

/** The concatenated text content of an element (what a feed reader reads). */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
}

/** Every element named `local` below `el`, in document order. */
export function findAll(el: XmlElement, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (typeof c === "string") continue;
    if (c.local === local) out.push(c);
    out.push(...findAll(c, local));
  }
  return out;
}

/** Direct children named `local`. */
export function childrenNamed(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== "string" && c.local === local);
}

/** Every element name used anywhere in a document (for "no <script> element" checks). */
export function elementNames(el: XmlElement): Set<string> {
  const names = new Set<string>();
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (typeof c === "string") continue;
      names.add(c.local.toLowerCase());
      walk(c);
    }
  };
  walk(el);
  return names;
}

/** Reverses the HTML escaping of RSS `description` (which carries HTML): what a reader shows. */
export function htmlUnescape(s: string): string {
  // <br> is the only tag our writers put in HTML text: a line break of the record's text.
  return s
    .replace(/<br>/g, "\n")
    .replace(
      /&(lt|gt|quot|#39|apos|amp);/g,
      (_, e: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", apos: "'", amp: "&" })[e] as string,
    );
}

/** An item as a reader of one format sees it. */
export interface ReadItem {
  id: string;
  link: string;
  title: string;
  summary: string | undefined;
  categories: string[];
  related: string[];
}

/** Reads the items of an RSS 2.0 document back. */
export function rssItems(xml: string, label = "rss.xml"): ReadItem[] {
  const doc = parseXml(xml, label);
  return findAll(doc, "item").map((item) => {
    const one = (name: string) => childrenNamed(item, name).map(textOf)[0];
    const description = one("description");
    return {
      id: one("guid") ?? "",
      link: one("link") ?? "",
      // The invisible WORD JOINER that keeps tag-like RSS titles plain text is not part of the text read.
      title: (one("title") ?? "").replaceAll("\u2060", ""),
      summary: description === undefined ? undefined : htmlUnescape(description),
      categories: childrenNamed(item, "category").map(textOf),
      related: [],
    };
  });
}

/** Reads the entries of an Atom 1.0 document back. */
export function atomItems(xml: string, label = "atom.xml"): ReadItem[] {
  const doc = parseXml(xml, label);
  return findAll(doc, "entry").map((entry) => {
    const one = (name: string) => childrenNamed(entry, name).map(textOf)[0];
    const links = childrenNamed(entry, "link");
    return {
      id: one("id") ?? "",
      link: links.find((l) => (l.attrs.rel ?? "alternate") === "alternate")?.attrs.href ?? "",
      title: one("title") ?? "",
      summary: atomText(childrenNamed(entry, "summary")[0]),
      categories: childrenNamed(entry, "category").map((c) => c.attrs.term ?? ""),
      related: links.filter((l) => l.attrs.rel === "related").map((l) => l.attrs.href ?? ""),
    };
  });
}

function atomText(el: XmlElement | undefined): string | undefined {
  if (el === undefined) return undefined;
  return el.attrs.type === "html" ? htmlUnescape(textOf(el)) : textOf(el);
}

interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  summary?: string;
  content_text?: string;
  content_html?: string;
  tags?: string[];
  _topicfeeds?: { related: { url: string }[] };
}

/** Reads the items of a JSON Feed 1.1 document back. */
export function jsonItems(text: string): ReadItem[] {
  const doc = JSON.parse(text) as { items: JsonFeedItem[] };
  return doc.items.map((i) => ({
    id: i.id,
    link: i.url,
    title: i.title,
    summary: i.summary,
    categories: i.tags ?? [],
    related: i._topicfeeds?.related.map((r) => r.url) ?? [],
  }));
}

/** Parses every output file that should parse: XML (saxes) and JSON (JSON.parse). Throws on the first that does not. */
export function parseEveryFile(files: readonly OutputFile[]): void {
  for (const f of files) {
    if (f.path.endsWith(".xml") || f.path.endsWith(".opml")) parseXml(f.contents, f.path);
    else if (f.path.endsWith(".json")) JSON.parse(f.contents);
  }
}

/** The three documents of one feed folder ("" for the site-wide feeds), read back. */
export function readFeedSet(
  files: readonly OutputFile[],
  folder = "",
): { rss: ReadItem[]; atom: ReadItem[]; json: ReadItem[] } {
  const get = (name: string) => {
    const path = folder === "" ? name : `${folder}/${name}`;
    const f = files.find((x) => x.path === path);
    if (f === undefined) throw new Error(`no ${path} in the output`);
    return f.contents;
  };
  return { rss: rssItems(get("rss.xml")), atom: atomItems(get("atom.xml")), json: jsonItems(get("feed.json")) };
}

/** Characters XML 1.0 forbids (C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
export const XML_ILLEGAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
