import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { decodeHTML } from "entities";
import { parseFeed } from "feedsmith";
import Parser from "rss-parser";
import { ROOT, tempDir } from "./fixtures.js";

// Real feed clients, each reading our files the way a subscriber's client would, and reporting per
// item what a person is shown: title and summary after the client's own decoding, link, date,
// author, categories and image. test/reader-matrix.test.ts compares that with the records.

export type Format = "rss" | "atom" | "json";
export const FORMATS: Record<Format, { file: string; label: string }> = {
  rss: { file: "rss.xml", label: "RSS 2.0" },
  atom: { file: "atom.xml", label: "Atom 1.0" },
  json: { file: "feed.json", label: "JSON Feed 1.1" },
};

export type Field = "title" | "summary" | "link" | "date" | "author" | "categories" | "image";

/** One item as a client shows it. A field the client does not show is left out. */
export interface ShownItem {
  link: string;
  title?: string;
  summary?: string;
  /** Seconds since the epoch. */
  date?: number;
  author?: string;
  categories?: string[];
  image?: string;
  /** Markup the client would render from a title or summary (tags other than `<br>`/`<p>`). */
  markup: string[];
}

export interface ShownFeed {
  /** The site's address as the client reports it, when it does. */
  siteLink?: string;
  items: ShownItem[];
}

export interface ReaderClient {
  name: string;
  /** How to install it (the message when it is missing). */
  install: string;
  /** Why it is not there, or undefined when it can run. */
  missing(): string | undefined;
  /** Per format: the fields it shows, or why it cannot read that format. */
  formats: Record<Format, Field[] | { unsupported: string }>;
  /** Formats in which the client shows the item's last update as its date, not its publication. */
  shownDate?: Partial<Record<Format, "updated">>;
  read(files: { path: string; format: Format }[]): Promise<ShownFeed[]>;
}

const ALL: Field[] = ["title", "summary", "link", "date", "author", "categories", "image"];

/**
 * HTML to the text a browser would show, for clients that hand over HTML without rendering it:
 * `<br>` is a line break, `<p>` a paragraph, references are decoded (the HTML5 table). Any other
 * tag is reported as markup: record text must never become markup.
 */
export function htmlToText(html: string): { text: string; markup: string[] } {
  const markup: string[] = [];
  const text = html
    .replace(/<\/?([a-zA-Z][\w-]*)\b[^>]*>/g, (tag: string, name: string) => {
      const n = name.toLowerCase();
      if (n === "br") return "\n";
      if (n === "p") return "\n\n";
      markup.push(tag);
      return "";
    })
    .replace(/&[#a-zA-Z0-9]+;/g, (ref) => decodeHTML(ref));
  return { text, markup };
}

function shownAs(value: string | undefined, isHtml: boolean): { text?: string; markup: string[] } {
  if (value === undefined) return { markup: [] };
  return isHtml ? htmlToText(value) : { text: value, markup: [] };
}

const epoch = (value: string | undefined) => {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
};

function commandMissing(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: "ignore" }).status !== 0;
}

// ---------------------------------------------------------------------------------------------
// newsboat: what it stores in its cache, and what its article view shows (rendered through an
// external pager, which receives the same rendered text as the built-in one), driven in tmux.

interface NewsboatRun {
  rows: { title: string; author: string; url: string; pubDate: number; enclosure_url: string | null }[];
  siteLink: string;
  view: string;
}

const newsboatRuns = new Map<string, Promise<NewsboatRun>>();

function runNewsboat(path: string): Promise<NewsboatRun> {
  let run = newsboatRuns.get(path);
  if (run === undefined) {
    run = newsboatOnce(path);
    newsboatRuns.set(path, run);
  }
  return run;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function newsboatOnce(path: string): Promise<NewsboatRun> {
  const home = tempDir("topicfeeds-newsboat-");
  mkdirSync(join(home, ".newsboat"), { recursive: true });
  const urls = join(home, "urls");
  const cache = join(home, "cache.db");
  const config = join(home, "config");
  const view = join(home, "view.txt");
  writeFileSync(urls, `"exec:cat '${path}'"\n`);
  writeFileSync(config, `pager "cat %f >> '${view}'; echo '\x1e' >> '${view}'"\ntext-width 100000\n`);
  const env = { ...process.env, HOME: home, TZ: "UTC", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" };
  const args = ["-u", urls, "-c", cache, "-C", config];
  const reload = spawnSync("newsboat", [...args, "-x", "reload"], { env, encoding: "utf8", timeout: 60_000 });
  if (reload.status !== 0) throw new Error(`newsboat -x reload failed: ${reload.stderr}`);
  const sql = (q: string) => {
    const r = spawnSync("sqlite3", ["-json", cache, q], { encoding: "utf8" });
    return r.stdout.trim() === "" ? [] : JSON.parse(r.stdout);
  };
  const rows = sql("select title, author, url, pubDate, enclosure_url from rss_item order by id");
  const siteLink = (sql("select url from rss_feed")[0] as { url?: string } | undefined)?.url ?? "";
  if (rows.length === 0) return { rows, siteLink, view: "" };

  // The article view: open each article in turn; the pager appends what newsboat rendered.
  const socket = join(home, "tmux.sock");
  const tmux = (...a: string[]) => spawnSync("tmux", ["-S", socket, ...a], { env, encoding: "utf8" });
  const started = tmux("new-session", "-d", "-x", "250", "-y", "50", ["newsboat", ...args].map(q).join(" "));
  if (started.status !== 0) throw new Error(`tmux failed: ${started.stderr}`);
  const done = () => (existsSync(view) ? readFileSync(view, "utf8").split("\x1e").length - 1 : 0);
  const waitFor = async (ok: () => boolean, what: string) => {
    for (let i = 0; i < 1200; i++) {
      if (ok()) return;
      await sleep(25);
    }
    throw new Error(`newsboat: timed out waiting for ${what}`);
  };
  try {
    const screen = () => tmux("capture-pane", "-p").stdout;
    await waitFor(() => screen().includes("Your feeds"), "the feed list");
    tmux("send-keys", "Enter");
    await waitFor(() => screen().includes("Articles in feed"), "the article list");
    for (let i = 0; i < rows.length; i++) {
      tmux("send-keys", "Enter");
      await waitFor(() => done() === i + 1, `article ${i + 1}`);
      await waitFor(() => screen().includes("Articles in feed"), "the article list again");
      tmux("send-keys", "Down");
    }
  } finally {
    tmux("kill-server");
  }
  return { rows, siteLink, view: readFileSync(view, "utf8") };
}

function q(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** Parses newsboat's rendered articles: header lines, a blank line, then the body. */
function parseNewsboatView(view: string): ShownItem[] {
  const items: ShownItem[] = [];
  for (const chunk of view.split("\x1e")) {
    const lines = chunk.replace(/^\n/, "").split("\n");
    if (lines.every((l) => l.trim() === "")) continue;
    const head = new Map<string, string>();
    let i = 0;
    for (; i < lines.length && (lines[i] ?? "").trim() !== ""; i++) {
      const m = /^([A-Za-z ]+): (.*)$/.exec(lines[i] ?? "");
      if (m !== null) head.set(m[1] as string, m[2] as string);
    }
    const body = lines.slice(i + 1).join("\n");
    const item: ShownItem = { link: head.get("Link") ?? "", summary: body, markup: [] };
    const title = head.get("Title");
    if (title !== undefined) item.title = title;
    const date = epoch(head.get("Date"));
    if (date !== undefined) item.date = date;
    item.author = head.get("Author") ?? "";
    items.push(item);
  }
  return items;
}

const newsboatUnsupportedJson = {
  unsupported: "newsboat 2.21 (Debian 12) has no JSON Feed support: it reads no item from feed.json",
};

export const newsboatCache: ReaderClient = {
  name: "newsboat (cache)",
  install: "apt-get install newsboat sqlite3 tmux (scripts/setup-system.sh)",
  missing: () =>
    commandMissing("newsboat", ["--version"]) || commandMissing("sqlite3", ["--version"])
      ? "newsboat or sqlite3 is not installed"
      : undefined,
  // newsboat 2.21 takes images from RSS <enclosure> only, not Media RSS: it shows none of ours.
  formats: {
    rss: ["title", "link", "date", "author"],
    atom: ["title", "link", "date", "author"],
    json: newsboatUnsupportedJson,
  },
  async read(files) {
    const out: ShownFeed[] = [];
    const runs = await Promise.all(files.map((f) => runNewsboat(f.path)));
    for (const run of runs) {
      out.push({
        siteLink: run.siteLink,
        items: run.rows.map((r) => {
          const item: ShownItem = { link: r.url, title: r.title, date: r.pubDate, author: r.author, markup: [] };
          if (r.enclosure_url) item.image = r.enclosure_url;
          return item;
        }),
      });
    }
    return out;
  },
};

export const newsboatView: ReaderClient = {
  name: "newsboat (article view)",
  install: "apt-get install newsboat sqlite3 tmux (scripts/setup-system.sh)",
  missing: () => newsboatCache.missing() ?? (commandMissing("tmux", ["-V"]) ? "tmux is not installed" : undefined),
  formats: {
    rss: ["title", "summary", "link", "date", "author"],
    atom: ["title", "summary", "link", "date", "author"],
    json: newsboatUnsupportedJson,
  },
  async read(files) {
    const runs = await Promise.all(files.map((f) => runNewsboat(f.path)));
    return runs.map((run) => ({ items: parseNewsboatView(run.view) }));
  },
};

// ---------------------------------------------------------------------------------------------
// Universal Feed Parser (Debian python3-feedparser), the library behind rss2email and many
// Python readers: titles and summaries come with the content type it decided on.

const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

interface FeedparserOut {
  version: string;
  bozo: boolean;
  error: string;
  siteLink?: string;
  entries: {
    title: { value: string; type: string } | null;
    summary: { value: string; type: string } | null;
    link?: string;
    date: number | null;
    author?: string;
    tags: string[];
    images: string[];
  }[];
}

export function readWithFeedparser(paths: string[]): FeedparserOut[] {
  const r = spawnSync(PYTHON, [join(ROOT, "test", "helpers", "read-feedparser.py"), ...paths], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`feedparser failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as FeedparserOut[];
}

export const feedparser: ReaderClient = {
  name: "feedparser (Python)",
  install: "apt-get install python3-feedparser (scripts/setup-system.sh)",
  missing: () =>
    spawnSync(PYTHON, ["-c", "import feedparser"], { stdio: "ignore" }).status === 0
      ? undefined
      : "python3-feedparser is not installed",
  formats: {
    rss: ALL,
    atom: ALL,
    json: { unsupported: "feedparser 6.0 (Debian 12) has no JSON Feed support: 'Document is empty', no entries" },
  },
  async read(files) {
    return readWithFeedparser(files.map((f) => f.path)).map((feed) => ({
      ...(feed.siteLink === undefined ? {} : { siteLink: feed.siteLink }),
      items: feed.entries.map((e) => {
        const title = shownAs(e.title?.value, e.title?.type === "text/html");
        const summary = shownAs(e.summary?.value, e.summary?.type === "text/html");
        const item: ShownItem = {
          link: e.link ?? "",
          author: e.author ?? "",
          categories: e.tags,
          markup: [...title.markup, ...summary.markup],
        };
        if (title.text !== undefined) item.title = title.text;
        if (summary.text !== undefined) item.summary = summary.text;
        if (e.date !== null) item.date = e.date;
        if (e.images[0] !== undefined) item.image = e.images[0];
        return item;
      }),
    }));
  },
};

// ---------------------------------------------------------------------------------------------
// rss-parser (npm): RSS and Atom; its own snippet (tags stripped, references decoded) is the
// text of an HTML summary.

const require = createRequire(import.meta.url);
const rssParserUtils = require("rss-parser/lib/utils.js") as { getSnippet: (html: string) => string };

interface RssParserItem {
  title?: string;
  link?: string;
  isoDate?: string;
  creator?: string;
  author?: string;
  summary?: string;
  contentSnippet?: string;
  categories?: (string | { _: string })[];
  media?: { $: { url: string } }[];
}

export const rssParser: ReaderClient = {
  name: "rss-parser (Node)",
  install: "npm ci (a dev dependency)",
  missing: () => undefined,
  formats: {
    rss: ALL,
    atom: ["title", "summary", "link", "date", "author", "image"],
    json: { unsupported: "rss-parser 3.13 reads XML only: 'Non-whitespace before first tag'" },
  },
  async read(files) {
    const parser = new Parser<Record<string, unknown>, RssParserItem>({
      customFields: { item: [["media:content", "media", { keepArray: true }]] },
    });
    const out: ShownFeed[] = [];
    for (const f of files) {
      const feed = await parser.parseString(readFileSync(f.path, "utf8"));
      out.push({
        ...(feed.link === undefined ? {} : { siteLink: feed.link }),
        items: feed.items.map((i) => {
          const summary = f.format === "rss" ? i.contentSnippet : i.summary && rssParserUtils.getSnippet(i.summary);
          const item: ShownItem = { link: i.link ?? "", author: i.creator ?? i.author ?? "", markup: [] };
          if (i.title !== undefined) item.title = i.title;
          if (summary !== undefined) item.summary = summary;
          const date = epoch(i.isoDate);
          if (date !== undefined) item.date = date;
          if (f.format === "rss") item.categories = (i.categories ?? []).map((c) => (typeof c === "string" ? c : c._));
          const image = i.media?.[0]?.$.url;
          if (image !== undefined) item.image = image;
          return item;
        }),
      });
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// feedsmith (npm): all three formats; it keeps Atom's text types, so a title or summary is shown
// as HTML when its format says it is HTML (RSS description, Atom type="html").

interface Text {
  value?: string;
  type?: string;
}
const atomText = (t: Text | string | undefined) => {
  if (t === undefined) return { markup: [] };
  if (typeof t === "string") return { text: t, markup: [] };
  return shownAs(t.value, t.type === "html");
};

export const feedsmith: ReaderClient = {
  name: "feedsmith (Node)",
  install: "npm ci (a dev dependency)",
  missing: () => undefined,
  formats: { rss: ALL, atom: ALL, json: ALL },
  async read(files) {
    return files.map((f) => {
      const parsed = parseFeed(readFileSync(f.path, "utf8"));
      const feed = parsed.feed as Record<string, unknown>;
      if (parsed.format === "rss") {
        const items = (feed.items ?? []) as {
          title?: string;
          link?: string;
          description?: string;
          pubDate?: string;
          dc?: { creators?: string[]; creator?: string };
          categories?: { name: string }[];
          media?: { contents?: { url?: string }[] };
        }[];
        return {
          items: items.map((i) => {
            const summary = shownAs(i.description, true);
            const item: ShownItem = {
              link: i.link ?? "",
              author: i.dc?.creators?.[0] ?? i.dc?.creator ?? "",
              categories: (i.categories ?? []).map((c) => c.name),
              markup: summary.markup,
            };
            if (i.title !== undefined) item.title = i.title;
            if (summary.text !== undefined) item.summary = summary.text;
            const date = epoch(i.pubDate);
            if (date !== undefined) item.date = date;
            const image = i.media?.contents?.[0]?.url;
            if (image !== undefined) item.image = image;
            return item;
          }),
        };
      }
      if (parsed.format === "atom") {
        const entries = (feed.entries ?? []) as {
          title?: Text | string;
          summary?: Text | string;
          links?: { href: string; rel?: string }[];
          published?: string;
          authors?: { name: string }[];
          categories?: { term: string }[];
          media?: { contents?: { url?: string }[] };
        }[];
        const links = (feed.links ?? []) as { href: string }[];
        return {
          // The first link, as a client that does not look at rel takes it.
          ...(links[0] === undefined ? {} : { siteLink: links[0].href }),
          items: entries.map((e) => {
            const title = atomText(e.title);
            const summary = atomText(e.summary);
            const item: ShownItem = {
              link: e.links?.find((l) => l.rel === undefined || l.rel === "alternate")?.href ?? "",
              author: e.authors?.[0]?.name ?? "",
              categories: (e.categories ?? []).map((c) => c.term),
              markup: [...title.markup, ...summary.markup],
            };
            if (title.text !== undefined) item.title = title.text;
            if (summary.text !== undefined) item.summary = summary.text;
            const date = epoch(e.published);
            if (date !== undefined) item.date = date;
            const image = e.media?.contents?.[0]?.url;
            if (image !== undefined) item.image = image;
            return item;
          }),
        };
      }
      const items = (feed.items ?? []) as {
        url?: string;
        title?: string;
        summary?: string;
        content_text?: string;
        date_published?: string;
        authors?: { name?: string }[];
        tags?: string[];
        image?: string;
      }[];
      return {
        ...(typeof feed.home_page_url === "string" ? { siteLink: feed.home_page_url } : {}),
        items: items.map((i) => {
          const item: ShownItem = {
            link: i.url ?? "",
            author: i.authors?.[0]?.name ?? "",
            categories: i.tags ?? [],
            markup: [],
          };
          if (i.title !== undefined) item.title = i.title;
          const summary = i.summary ?? i.content_text;
          if (summary !== undefined) item.summary = summary;
          const date = epoch(i.date_published);
          if (date !== undefined) item.date = date;
          if (i.image !== undefined) item.image = i.image;
          return item;
        }),
      };
    });
  },
};

// ---------------------------------------------------------------------------------------------
// rss2email (Debian rss2email): each item delivered as a plain-text e-mail (its HTML rendered to
// text by html2text): the subject is the title, the sender's name the author.

interface Rss2emailOut {
  status: number;
  stderr: string;
  messages: { subject: string; author: string; date: string; url: string; body: string }[];
}

export const rss2email: ReaderClient = {
  name: "rss2email",
  install: "apt-get install rss2email (scripts/setup-system.sh)",
  missing: () =>
    commandMissing("r2e", ["--version"]) || feedparser.missing() !== undefined
      ? "rss2email is not installed"
      : undefined,
  formats: {
    rss: ["title", "summary", "link", "date", "author"],
    atom: ["title", "summary", "link", "date", "author"],
    json: { unsupported: "rss2email 3.13 reads feeds with feedparser 6.0, which has no JSON Feed support" },
  },
  // A message is dated by the entry's last update where the format has one (Atom `updated`).
  shownDate: { atom: "updated" },
  async read(files) {
    const r = spawnSync(PYTHON, [join(ROOT, "test", "helpers", "read-rss2email.py"), ...files.map((f) => f.path)], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`rss2email failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as Rss2emailOut[]).map((feed) => ({
      items: feed.messages.map((m) => {
        const item: ShownItem = {
          link: m.url,
          title: m.subject,
          summary: m.body.replace(/\n*URL: \S+\s*$/, ""),
          author: m.author,
          markup: [],
        };
        const date = epoch(m.date);
        if (date !== undefined) item.date = date;
        return item;
      }),
    }));
  },
};

export const CLIENTS: ReaderClient[] = [newsboatCache, newsboatView, feedparser, rss2email, rssParser, feedsmith];
