import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFeeds, DIAGNOSTIC_CODES, loadRecords, normalizeRecords, writeFiles } from "../src/index.js";
import type { ArticleRecord, BuildReport, Diagnostic, OutputFile } from "../src/types.js";
import { CLI, tempDir } from "./helpers/fixtures.js";
import {
  addUnreadable,
  buildHostileTree,
  CANARIES,
  EXPECT,
  FOLDERS,
  IS_ROOT,
  recordText,
  walkTree,
} from "./helpers/hostile-files.js";
import {
  elementNames,
  findAll,
  parseEveryFile,
  parseXml,
  type ReadItem,
  readFeedSet,
  textOf,
  XML_ILLEGAL,
} from "./helpers/hostile-xml.js";

// Every hostile input of the brief, each with its one correct outcome, read from one folder
// tree (committed text fixtures in test/fixtures/hostile/ plus files generated here that cannot
// be committed: BOM, CRLF, binary, invalid UTF-8, a sparse 100 MB file, symbolic links).

const BASE_INPUT = {
  title: "Base",
  webUrl: "https://hostile.example.com/base",
  publishedDateTime: "2024-03-01T10:00:00Z",
  published: true,
};
const CONFIG = { baseUrl: "https://example.com/feeds/", limit: 1000 };
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const severityOf = (code: string): string => (DIAGNOSTIC_CODES as Record<string, string>)[code] ?? "unknown";

let dir = "";
let inDir = "";
let recordPaths: string[] = [];
let records: ArticleRecord[] = [];
let diagnostics: Diagnostic[] = [];
let files: OutputFile[] = [];
let report: BuildReport;
const temps: string[] = [];
const temp = (prefix: string) => {
  const d = tempDir(prefix);
  temps.push(d);
  return d;
};

beforeAll(async () => {
  dir = temp("topicfeeds-hostile-inputs-");
  inDir = join(dir, "in");
  recordPaths = buildHostileTree(inDir);
  const set = await loadRecords(inDir, { cwd: inDir });
  records = set.records;
  ({ files, report } = buildFeeds(set, CONFIG));
  diagnostics = report.diagnostics;
});

afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const diagsOf = (path: string) => diagnostics.filter((d) => d.file === path);
const recordOf = (path: string) => records.find((r) => r.source === path);
const allOutput = () => files.map((f) => f.contents).join("\n");
const site = () => readFeedSet(files, "");
/** The item with this title in each of the three formats of a feed folder. */
function inAllFormats(title: string, folder = ""): { rss: ReadItem; atom: ReadItem; json: ReadItem } {
  const set = readFeedSet(files, folder);
  const pick = (items: ReadItem[], format: string) => {
    const hits = items.filter((i) => i.title === title);
    expect(hits, `${format} items titled ${JSON.stringify(title)} in ${folder || "site-wide"} feed`).toHaveLength(1);
    return hits[0] as ReadItem;
  };
  return { rss: pick(set.rss, "RSS"), atom: pick(set.atom, "Atom"), json: pick(set.json, "JSON") };
}

describe("each hostile input has exactly its outcome", () => {
  it.each(Object.entries(EXPECT))("%s", (path, want) => {
    const d = diagsOf(path);
    if (want.ignored === true) {
      expect(d).toEqual([]);
      expect(recordPaths).not.toContain(path);
      return;
    }
    if (want.code !== undefined) {
      const hits = d.filter((x) => x.code === want.code);
      expect(hits.length, `${path}: expected a ${want.code} diagnostic, got ${JSON.stringify(d)}`).toBeGreaterThan(0);
      const hit = hits.find(
        (x) =>
          (want.line === undefined || x.line === want.line) && (want.field === undefined || x.field === want.field),
      );
      expect(
        hit,
        `${path}: ${want.code} with line ${want.line} and field ${want.field}; got ${JSON.stringify(hits)}`,
      ).toBeDefined();
      expect(hit?.message.length).toBeGreaterThan(10);
      if (severityOf(want.code) === "error") expect(recordOf(path), `${path} must be rejected`).toBeUndefined();
    }
    if (want.title !== undefined) {
      expect(
        d.filter((x) => x.severity === "error"),
        `${path} must not be rejected`,
      ).toEqual([]);
      const r = recordOf(path);
      expect(r?.title).toBe(want.title);
      expect(site().json.map((i) => i.title)).toContain(want.title);
    }
    if (want.published !== undefined) expect(recordOf(path)?.publishedDateTime).toBe(want.published);
    if (want.unpublished === true) {
      expect(d.filter((x) => x.severity === "error")).toEqual([]);
      const r = recordOf(path) as ArticleRecord;
      expect(r.published).toBe(false);
      expect(allOutput()).not.toContain(r.webUrl);
    }
  });

  it("publishes every other record of every folder (a canary per folder)", () => {
    const titles = site().json.map((i) => i.title);
    for (const c of [...CANARIES, { path: "links/zz-canary.md", title: "Canary links" }]) {
      expect(diagsOf(c.path)).toEqual([]);
      expect(titles, c.path).toContain(c.title);
    }
    const hostile = readFeedSet(files, "hostile").json.map((i) => i.title);
    for (const f of FOLDERS) expect(hostile).toContain(`Canary ${f}`);
  });

  it("accounts for every record file: read = published + dropped + rejected, and each error rejects exactly one file", () => {
    expect(report.records.read).toBe(recordPaths.length);
    const r = report.records;
    expect(r.published + r.dropped + r.rejected).toBe(r.read);
    const rejectedFiles = new Set(diagnostics.filter((d) => d.severity === "error").map((d) => d.file));
    expect(r.rejected).toBe(rejectedFiles.size);
    for (const f of rejectedFiles) expect(recordPaths, String(f)).toContain(f);
  });
});

describe("files", () => {
  it("ignores .txt and .json files: not counted, never named", () => {
    expect(diagnostics.some((d) => /\.(txt|json)$/.test(d.file ?? ""))).toBe(false);
    expect(recordPaths.some((p) => /\.(txt|json)$/.test(p))).toBe(false);
  });

  it("reads a byte order mark and CRLF line ends as if they were not there", () => {
    for (const p of ["files/bom.md", "files/crlf.md", "files/bom-crlf.md"]) {
      const r = recordOf(p) as ArticleRecord;
      expect(r.title).not.toMatch(/[\uFEFF\r]/);
      expect(r.webUrl).not.toMatch(/[\uFEFF\r]/);
      expect(r.topics).toEqual(["Hostile"]);
      expect(r.quality).toBe(80);
    }
  });

  it("follows a folder symlinked to its parent once, reports it, and reads no record twice", () => {
    const loop = diagsOf("links/loop");
    expect(loop.map((d) => [d.code, d.severity])).toEqual([["folder-skipped", "warning"]]);
    const sources = records.map((r) => r.source);
    expect(new Set(sources).size).toBe(sources.length);
    expect(sources.some((s) => s?.startsWith("links/loop/"))).toBe(false);
  });

  it("reports a dangling symbolic link as read-failed and keeps going", () => {
    const d = diagsOf("links/dangling.md");
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: "read-failed", severity: "error", file: "links/dangling.md" });
  });

  it.skipIf(IS_ROOT)(
    "reports a file it may not read (chmod 000) as read-failed and publishes its neighbour",
    async () => {
      const d = temp("topicfeeds-unreadable-");
      addUnreadable(d);
      writeFileSync(join(d, "ok.md"), recordText("Readable neighbour", "neighbour"));
      const set = await loadRecords(d, { cwd: d });
      expect(set.diagnostics).toEqual([expect.objectContaining({ code: "read-failed", file: "unreadable.md" })]);
      expect(set.records.map((r) => r.title)).toEqual(["Readable neighbour"]);
    },
  );

  // Root reads any file: there, the CLI runs as the user nobody (setpriv, util-linux), so CI checks this too.
  const NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"];
  const canDropToNobody =
    IS_ROOT && spawnSync("setpriv", [...NOBODY, process.execPath, "-e", "0"], { timeout: 10_000 }).status === 0;
  it.skipIf(!canDropToNobody)(
    "reports a file its user may not read as read-failed and publishes its neighbour (CLI run as nobody)",
    () => {
      const d = temp("topicfeeds-unreadable-nobody-");
      // Writable: each build is kept beside the output folder, which links to it.
      chmodSync(d, 0o777);
      mkdirSync(join(d, "in"), { mode: 0o755 });
      mkdirSync(join(d, "out"), { mode: 0o777 });
      chmodSync(join(d, "out"), 0o777);
      addUnreadable(join(d, "in"));
      writeFileSync(join(d, "in", "ok.md"), recordText("Readable neighbour", "neighbour"), { mode: 0o644 });
      const r = spawnSync(
        "setpriv",
        [
          ...NOBODY,
          process.execPath,
          CLI,
          "build",
          "in",
          "-o",
          "out",
          "--base-url",
          "https://example.com/feeds/",
          "--no-cache",
          "--report",
          "json",
        ],
        { cwd: d, encoding: "utf8", timeout: 60_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout) as BuildReport;
      expect(rep.diagnostics.map((x) => [x.code, x.file])).toEqual([["read-failed", "in/unreadable.md"]]);
      expect(rep.diagnostics[0]?.message).toMatch(/permission denied/);
      expect(rep.records).toMatchObject({ read: 2, rejected: 1, published: 1 });
      expect(readFileSync(join(d, "out", "feed.json"), "utf8")).toContain("Readable neighbour");
    },
  );

  const hasMkfifo = spawnSync("mkfifo", ["--version"]).status === 0;
  it.skipIf(!hasMkfifo)(
    "rejects a FIFO named like a record without opening it for a blocking read (loadRecords and the CLI)",
    async () => {
      const d = temp("topicfeeds-fifo-");
      expect(spawnSync("mkfifo", [join(d, "pipe.md")]).status).toBe(0);
      writeFileSync(join(d, "ok.md"), recordText("Beside a FIFO", "fifo-neighbour"));
      const set = await loadRecords(d, { cwd: d });
      expect(set.diagnostics.map((x) => [x.code, x.file])).toEqual([["read-failed", "pipe.md"]]);
      expect(set.diagnostics[0]?.message).toMatch(/not a regular file/);
      expect(set.records.map((x) => x.title)).toEqual(["Beside a FIFO"]);
      // Named directly as an input, and through the CLI's scan (which opens files itself).
      expect((await loadRecords(join(d, "pipe.md"), { cwd: d })).diagnostics.map((x) => x.code)).toEqual([
        "read-failed",
      ]);
      const out = temp("topicfeeds-fifo-out-");
      const r = spawnSync(
        process.execPath,
        [CLI, "build", ".", "-o", out, "--base-url", "https://example.com/feeds/", "--no-cache", "--report", "json"],
        { cwd: d, encoding: "utf8", timeout: 60_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout) as BuildReport;
      expect(rep.diagnostics.map((x) => [x.code, x.file])).toEqual([["read-failed", "pipe.md"]]);
      expect(rep.records).toMatchObject({ read: 2, rejected: 1, published: 1 });
    },
  );

  it("rejects a sparse 100 MB file by its size without reading it into memory", async () => {
    const d = temp("topicfeeds-huge-");
    buildHostileTreeHugeOnly(d);
    const before = process.memoryUsage().arrayBuffers;
    const set = await loadRecords(d, { cwd: d });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50 * 1024 * 1024);
    expect(set.diagnostics).toEqual([
      expect.objectContaining({ code: "file-too-large", severity: "error", file: "huge-100mb.md" }),
    ]);
    expect(set.records.map((r) => r.title)).toEqual(["Small neighbour"]);
  });

  it("reads a YAML alias bomb (10 levels of 10) to a record or a diagnostic, without expanding it", async () => {
    const set = await loadRecords(join(inDir, "files", "alias-bomb.md"), { cwd: inDir });
    const published = set.records.length === 1;
    const rejected = set.diagnostics.some((d) => d.severity === "error" && d.file === "files/alias-bomb.md");
    expect(published !== rejected).toBe(true);
    // Whatever it became, nothing expanded: the build stays small.
    expect(allOutput().length).toBeLessThan(10_000_000); // feeds, preview pages and manifest
    expect(JSON.stringify(diagsOf("files/alias-bomb.md")).length).toBeLessThan(20_000);
  });
});

function buildHostileTreeHugeOnly(d: string): void {
  // Sparse, created at test time: no disk space and no memory unless something reads it.
  writeFileSync(join(d, "huge-100mb.md"), "---\n");
  truncateSync(join(d, "huge-100mb.md"), 100 * 1024 * 1024);
  expect(lstatSync(join(d, "huge-100mb.md")).size).toBe(100 * 1024 * 1024);
  writeFileSync(join(d, "small.md"), recordText("Small neighbour", "small"));
}

describe("fields", () => {
  it("reads YAML 1.1 surprises as the author meant, or rejects them", () => {
    expect(recordOf("fields/quality-octal.md")?.quality).toBe(54);
    expect(recordOf("fields/quality-string.md")?.quality).toBe(60);
    expect(recordOf("fields/topics-string.md")?.topics).toEqual(["AI"]);
    expect(recordOf("fields/published-no.md")).toBeUndefined();
    expect(recordOf("fields/updated-feb30.md")?.updatedDateTime).toBeUndefined();
  });

  it("reads quality: 054 followed by a YAML comment as 54, as without the comment", () => {
    expect(recordOf("fields/quality-octal-comment.md")?.quality).toBe(54);
  });

  it.each(["Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu", "UTC"])(
    "reads a date without offset as UTC, never local time (TZ=%s)",
    async (tz) => {
      const saved = process.env.TZ;
      process.env.TZ = tz;
      try {
        // The zone really changed for this process (Node resets its zone cache when TZ is set).
        expect(new Date(2024, 2, 1, 10).getTimezoneOffset() === 0).toBe(tz === "UTC");
        const paths = [
          "fields/date-no-offset.md",
          "fields/date-no-offset-unquoted.md",
          "fields/date-space.md",
          "fields/date-only.md",
          "fields/date-only-quoted.md",
        ];
        const set = await loadRecords(
          paths.map((p) => join(inDir, p)),
          { cwd: inDir },
        );
        for (const p of paths) {
          const want = EXPECT[p]?.published;
          expect(set.records.find((r) => r.source === p)?.publishedDateTime, p).toBe(want);
          expect(set.diagnostics.filter((d) => d.file === p).map((d) => [d.code, d.field, d.line])).toEqual([
            ["date-without-offset", "publishedDateTime", 3],
          ]);
        }
        const { files: out } = buildFeeds(set, CONFIG);
        expect(out.find((f) => f.path === "rss.xml")?.contents).toContain(
          "<pubDate>Fri, 01 Mar 2024 10:00:00 GMT</pubDate>",
        );
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    },
  );
});

describe("URLs", () => {
  it("writes an IDN host in punycode and a non-ASCII path percent-encoded, with one id in all three formats", () => {
    const id = "https://xn--bcher-kva.example/stra%C3%9Fe/%C3%BC";
    expect(recordOf("urls/idn.md")?.id).toBe(id);
    for (const folder of ["", "hostile"]) {
      const { rss, atom, json } = inAllFormats("IDN host", folder);
      for (const item of [rss, atom, json]) {
        expect(item.id).toBe(id);
        expect(item.link).toBe(id);
      }
    }
    expect(allOutput()).not.toMatch(/bücher|straße/);
  });

  it("encodes spaces and lower-cases the host, and the id is the same in every format", () => {
    for (const [title, id] of [
      ["Spaces in path", "https://hostile.example.com/a%20b/c%20d"],
      ["Upper-case host", "https://hostile.example.com/Upper"],
    ] as const) {
      const { rss, atom, json } = inAllFormats(title);
      expect([rss.id, atom.id, json.id, rss.link, atom.link, json.link]).toEqual([id, id, id, id, id, id]);
    }
  });

  it("publishes trailing-slash variants of one article as one item with one id", () => {
    const { rss, atom, json } = inAllFormats("Trailing slash twin");
    expect([rss.id, atom.id, json.id]).toEqual(Array(3).fill("https://hostile.example.com/twin/"));
  });

  it("never writes a password from a URL anywhere", () => {
    expect(allOutput()).not.toContain("hunter2");
    expect(JSON.stringify(diagnostics)).not.toContain("hunter2");
  });

  it("never writes javascript: or data: links", () => {
    for (const f of files.filter((x) => /\.(xml|opml)$/.test(x.path))) {
      const doc = parseXml(f.contents, f.path);
      for (const el of [...findAll(doc, "link"), ...findAll(doc, "guid"), ...findAll(doc, "id")]) {
        for (const v of [textOf(el), el.attrs.href ?? ""]) expect(v, f.path).not.toMatch(/^\s*(javascript|data):/i);
      }
    }
    expect(allOutput()).not.toMatch(/"(javascript|data):/i);
  });
});

describe("text", () => {
  it("round-trips & < > \" ' and several ]]> in titles through every format", () => {
    const title = EXPECT["text/specials.md"]?.title as string;
    for (const folder of ["", "hostile"]) {
      const { rss, atom, json } = inAllFormats(title, folder);
      const excerpt = `]]>]]> & <not-a-tag> "q" 'a' ]]>`;
      expect([rss.summary, atom.summary, json.summary]).toEqual([excerpt, excerpt, excerpt]);
    }
  });

  it("removes XML-illegal characters (controls, U+FFFE/U+FFFF, lone surrogates) with a text-cleaned warning", () => {
    const d = diagsOf("text/controls.md").filter((x) => x.code === "text-cleaned");
    expect(d.map((x) => [x.field, x.line])).toEqual([
      ["title", 2],
      ["excerpt", 10],
    ]);
    const { rss, atom, json } = inAllFormats("Bell and and and done");
    const excerpt = "tab\there vt ff nul us noncharacter lone end";
    expect([rss.summary, atom.summary, json.summary]).toEqual([excerpt, excerpt, excerpt]);
  });

  it("no output file contains a character XML forbids, raw or as a JSON escape of a lone surrogate", () => {
    // A JSON escape of a surrogate that is not half of a pair (JSON.stringify writes pairs raw).
    const loneEscape = /\\u(?:d[89ab][0-9a-f]{2}(?!\\ud[c-f])|d[c-f][0-9a-f]{2})/i;
    const around = (text: string, re: RegExp) => {
      const m = re.exec(text);
      return m === null ? null : JSON.stringify(text.slice(Math.max(0, m.index - 30), m.index + 12));
    };
    for (const f of files) {
      expect(around(f.contents, XML_ILLEGAL), f.path).toBeNull();
      if (f.path.endsWith(".json")) expect(around(f.contents, loneEscape), f.path).toBeNull();
    }
  });

  it("keeps HTML in excerpts as text: no <script>, <img> or <svg> element in any feed, and the reader shows the text", () => {
    const excerpt = "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>";
    for (const f of files.filter((x) => /\.(xml|opml)$/.test(x.path))) {
      const names = elementNames(parseXml(f.contents, f.path));
      for (const bad of ["script", "img", "svg"])
        expect(names.has(bad), `${f.path} has a <${bad}> element`).toBe(false);
    }
    // RSS description is HTML: after XML parsing it must still be escaped HTML, never a tag.
    const rssDoc = parseXml(files.find((f) => f.path === "rss.xml")?.contents ?? "");
    const descriptions = findAll(rssDoc, "description").map(textOf);
    expect(descriptions.some((t) => t.includes("&lt;script&gt;alert(1)"))).toBe(true);
    for (const t of descriptions) expect(t).not.toMatch(/<\s*(script|img|svg)/i);
    const { rss: r, atom, json } = inAllFormats("HTML excerpt");
    expect([r.summary, atom.summary, json.summary]).toEqual([excerpt, excerpt, excerpt]);
    const atomDoc = parseXml(files.find((f) => f.path === "atom.xml")?.contents ?? "");
    // Atom summaries are escaped HTML, like RSS descriptions: no element inside, no tag after XML parsing.
    for (const s of findAll(atomDoc, "summary")) {
      expect(s.attrs.type).toBe("html");
      expect(textOf(s).replace(/<br>/g, "")).not.toMatch(/<\s*[a-z/!?]/i);
    }
    for (const f of files.filter((x) => x.path.endsWith(".json"))) expect(f.contents).not.toContain("content_html");
    // The HTML pages: the one script is the copy button's; the excerpt is text.
    for (const f of files.filter((x) => x.path.endsWith(".html"))) {
      expect(f.contents.match(/<script/gi) ?? [], f.path).toHaveLength(1);
      expect(f.contents, f.path).not.toMatch(/<(img src=x|svg|script>alert)/i);
    }
    const page = files.find((f) => f.path === "hostile/index.html")?.contents ?? "";
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;");
  });

  it("keeps emoji, RTL, bidi controls and CJK text exactly", () => {
    const title = EXPECT["text/scripts.md"]?.title as string;
    const { rss, atom, json } = inAllFormats(title);
    const excerpt = "\u200Fעברית \u202Ereversed\u202C 🧪 𝔘𝔫𝔦𝔠𝔬𝔡𝔢";
    expect([rss.summary, atom.summary, json.summary]).toEqual([excerpt, excerpt, excerpt]);
  });

  it("gives an excerpt with carriage returns the same text in RSS, Atom and JSON", () => {
    const { rss, atom, json } = inAllFormats("Carriage return excerpt");
    expect(rss.summary).toBe(json.summary);
    expect(atom.summary).toBe(json.summary);
  });

  it("cuts a 200 KB excerpt to 100,000 characters, says so, and still renders", () => {
    const r = recordOf("text/huge-excerpt.md") as ArticleRecord;
    expect(r.excerpt?.length).toBe(100_000);
    expect(r.excerpt?.endsWith("…")).toBe(true);
    expect(diagsOf("text/huge-excerpt.md").find((d) => d.code === "text-cleaned")?.message).toMatch(/cut to 100000/);
    expect(inAllFormats("Huge excerpt").json.summary).toBe(r.excerpt);
  });

  it("never cuts a 200 KB emoji excerpt inside a surrogate pair", () => {
    const r = recordOf("text/huge-emoji-excerpt.md") as ArticleRecord;
    expect(LONE_SURROGATE.exec(r.excerpt ?? "")?.index).toBeUndefined();
    expect(r.excerpt?.endsWith("😀…")).toBe(true);
  });

  it("never cuts an emoji title inside a surrogate pair", () => {
    const r = recordOf("text/huge-emoji-title.md") as ArticleRecord;
    expect(LONE_SURROGATE.exec(r.title)?.index).toBeUndefined();
  });

  it("never cuts a long category or related title inside a surrogate pair", () => {
    const emoji = `x${"😀".repeat(400)}`;
    const set = normalizeRecords([
      { ...BASE_INPUT, category: emoji, related: [{ title: emoji, webUrl: "https://elsewhere.example.org/r" }] },
    ]);
    const r = set.records[0] as ArticleRecord;
    expect(LONE_SURROGATE.exec(r.category ?? "")?.index, "category").toBeUndefined();
    expect(LONE_SURROGATE.exec(r.related[0]?.title ?? "")?.index, "related title").toBeUndefined();
  });
});

describe("topics", () => {
  const slugs = () => report.topics.map((t) => t.slug);

  it("merges names that differ only in case or spacing", () => {
    expect(slugs().filter((s) => s === "hostile")).toHaveLength(1);
    expect(slugs().filter((s) => s.startsWith("machine-learning"))).toEqual(["machine-learning"]);
    expect(recordOf("topics/case.md")?.topics).toEqual(["hostile", "Machine Learning"]);
  });

  it("gives the second of two names on one slug a -2 slug and says so", () => {
    expect(slugs()).toEqual(expect.arrayContaining(["ai-ml", "ai-ml-2"]));
    const d = diagsOf("topics/collide.md").filter((x) => x.code === "slug-collision");
    expect(d).toHaveLength(1);
    expect(d[0]?.field).toBe("topics");
  });

  it("turns names with / < .. into safe slugs and gives punctuation-only names no feed", () => {
    expect(slugs()).toEqual(expect.arrayContaining(["etc-passwd", "script", "a-b", "rss-xml"]));
    const invalid = diagsOf("topics/paths.md").filter((x) => x.code === "invalid-topic");
    expect(invalid.map((x) => /topic "(.*?)"/.exec(x.message)?.[1]).sort()).toEqual(["!!!", "..", "/"]);
    for (const f of files)
      expect(f.path).toMatch(
        /^(?:[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{N}]+(?:-[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{N}]+)*\/)?(?:rss\.xml|atom\.xml|feed\.json|index\.html)$|^(?:feeds\.opml|feeds\.json|_headers)$/u,
      );
  });

  it("gives topics in other scripts (Japanese katakana, CJK, Hebrew, Arabic) their own feeds", () => {
    expect(slugs()).toEqual(expect.arrayContaining(["コーヒー", "日本語", "עברית", "العربية"]));
    expect(diagsOf("topics/scripts.md")).toEqual([]);
  });

  it("caps 200 topics on one record at 100 and says so", () => {
    const many = report.topics.filter((t) => /^topic-\d+$/.test(t.slug)).map((t) => t.slug);
    expect(many).toHaveLength(100);
    expect(many).toContain("topic-0");
    expect(many).toContain("topic-99");
    expect(many).not.toContain("topic-100");
  });

  it("writes nothing outside the output folder (writeFiles into a temp folder)", () => {
    const d = temp("topicfeeds-hostile-write-");
    writeFiles(join(d, "out"), files);
    const tree = walkTree(d);
    // The output folder links to its build, kept beside it in .out.builds.
    expect(tree.every((p) => p === "out" || p.startsWith("out/") || p.startsWith(".out.builds"))).toBe(true);
    expect(tree.filter((p) => p.includes(".tmp-"))).toEqual([]);
  });
});

describe("duplicates", () => {
  it("publishes an article syndicated under two webUrls with one originalUrl once, under the original's id", () => {
    const { rss, atom, json } = inAllFormats("Syndicated story");
    expect([rss.id, atom.id, json.id]).toEqual(Array(3).fill("https://origin.example.com/story"));
    expect(allOutput()).not.toContain("copy-of-story");
  });

  it("publishes two files with the same webUrl once (the earliest)", () => {
    const titles = site().json.map((i) => i.title);
    expect(titles.filter((t) => t === "Same URL one")).toHaveLength(1);
    expect(titles).not.toContain("Same URL two");
  });
});

describe("secrets and drafts", () => {
  it("writes no secured value anywhere, in topic or site-wide feeds", () => {
    expect(allOutput()).not.toMatch(/SECRET-/);
    expect(JSON.stringify(diagnostics)).not.toMatch(/SECRET-/);
  });

  it("writes no unpublished record's title, URL or draft-only topic, not even through related links", () => {
    const text = allOutput();
    for (const s of [
      "TOP SECRET DRAFT TITLE",
      "UNFLAGGED DRAFT TITLE",
      "draft-article",
      "unflagged-draft",
      "DRAFT-ARTICLE",
      "Secret Project",
      "secret-project",
    ])
      expect(text, s).not.toContain(s);
    expect(text).toContain("https://elsewhere.example.org/fine");
    const { atom, json } = inAllFormats("Points at drafts");
    expect(atom.related).toEqual(["https://elsewhere.example.org/fine"]);
    expect(json.related).toEqual(["https://elsewhere.example.org/fine"]);
  });

  it("writes no title or URL of a draft that was also rejected (published: false plus a bad field)", () => {
    const text = allOutput();
    expect(text).not.toContain("REJECTED DRAFT TITLE");
    expect(text).not.toContain("rejected-draft");
  });

  it("leaks nothing of a rejected draft when records come from code either", () => {
    const set = normalizeRecords([
      {
        title: "CODE DRAFT",
        webUrl: "https://hostile.example.com/code-draft",
        publishedDateTime: "2024-03-01T10:00:00Z",
        published: false,
        quality: "high",
        secured: "SECRET-code",
      },
      {
        title: "Code record",
        webUrl: "https://hostile.example.com/code",
        publishedDateTime: "2024-03-01T10:00:00Z",
        published: true,
        related: [{ title: "CODE DRAFT", webUrl: "https://hostile.example.com/code-draft" }],
      },
    ]);
    const text = buildFeeds(set, CONFIG)
      .files.map((f) => f.contents)
      .join("\n");
    expect(text).not.toContain("SECRET-");
    expect(text).not.toContain("code-draft");
    expect(text).not.toContain("CODE DRAFT");
  });
});

describe("the CLI over the whole mixed folder", () => {
  const run = (args: string[]) =>
    spawnSync(
      process.execPath,
      [CLI, "build", "in", "--base-url", "https://example.com/feeds/", "--limit", "1000", "--no-cache", ...args],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, TZ: "Pacific/Chatham" },
        timeout: 60_000,
      },
    );

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npx tsup` (npm test builds it first)");
  });

  it("exits 0, names every bad file in the JSON report, writes only parseable files inside the output folder, prints no stack trace", () => {
    const inBefore = walkTree(join(dir, "in"));
    const r = run(["-o", "out", "--report", "json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const rep = JSON.parse(r.stdout) as BuildReport;
    expect(rep.records).toEqual(report.records);
    // Every rejected file is named with an error (the exact code of each is checked in-process above).
    const rejected = new Set(diagnostics.filter((d) => d.severity === "error").map((d) => d.file));
    expect(rejected.size).toBeGreaterThan(30);
    for (const path of rejected) {
      expect(
        rep.diagnostics.some((d) => d.file === `in/${path}` && d.severity === "error"),
        `${path} is not named with an error`,
      ).toBe(true);
    }
    // The CLI (worker-ready scan, prefilter, lean records) finds what loadRecords finds.
    const key = (d: Diagnostic, prefix: string) =>
      `${d.code} ${prefix}${d.file ?? ""}:${d.line ?? ""} ${d.field ?? ""}`;
    expect(rep.diagnostics.map((d) => key(d, "")).sort()).toEqual(diagnostics.map((d) => key(d, "in/")).sort());
    // The whole temp tree: the input untouched, everything else inside out/, no temp files left.
    const tree = walkTree(dir);
    expect(tree.filter((p) => p.startsWith("in/") || p === "in")).toEqual(["in", ...inBefore.map((p) => `in/${p}`)]);
    const written = tree.filter((p) => !(p.startsWith("in/") || p === "in"));
    expect(
      written.every((p) => p === "out" || p.startsWith("out/") || p.startsWith(".out.builds")),
      written.join("\n"),
    ).toBe(true);
    expect(written.filter((p) => p.includes(".tmp-"))).toEqual([]);
    const outFiles = written.filter((p) => lstatSync(join(dir, p)).isFile());
    expect(outFiles.length).toBe(rep.files);
    parseEveryFile(outFiles.map((p) => ({ path: p, contents: readFileSync(join(dir, p), "utf8") })));
    // The same bytes as the in-process build.
    for (const f of files) expect(readFileSync(join(dir, "out", f.path), "utf8"), f.path).toBe(f.contents);
  });

  it("with --strict exits 1, writes nothing, and prints no stack trace", () => {
    const before = walkTree(dir);
    const r = run(["-o", "out-strict", "--strict"]);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).toMatch(/strict/);
    expect(existsSync(join(dir, "out-strict"))).toBe(false);
    expect(walkTree(dir)).toEqual(before);
  });
});
