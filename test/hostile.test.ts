import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { SaxesParser } from "saxes";
import { beforeAll, describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { loadRecords } from "../src/io/read-records.js";
import type { BuildReport, Diagnostic, OutputFile } from "../src/types.js";
import { CLI, tempDir } from "./helpers/fixtures.js";
import { HOSTILE, type HostileCase, writeHostileCorpus } from "./helpers/hostile-corpus.js";

const NAMES = ["links/dangling.md", "files/huge-100mb.md", ...HOSTILE.map((c) => c.path)];

// Every hostile input either publishes correctly or is rejected with a clear
// diagnostic; nothing crashes, nothing leaks, nothing is lost.
let dir = "";
let cases: HostileCase[] = [];
let files: OutputFile[] = [];
let report: BuildReport;
const config = { baseUrl: "https://example.com/feeds/", limit: 500 };

beforeAll(async () => {
  dir = tempDir("topicfeeds-hostile-");
  cases = writeHostileCorpus(join(dir, "in"));
  const set = await loadRecords(join(dir, "in"), { cwd: join(dir, "in") });
  ({ files, report } = buildFeeds(set, config));
});

const diagsOf = (path: string): Diagnostic[] => report.diagnostics.filter((d) => d.file === path);
const allText = () => files.map((f) => f.contents).join("\n");

describe("hostile inputs, one by one", () => {
  it("covers every input kind the issue lists", () => {
    expect(cases.length).toBeGreaterThan(55);
  });

  it.each(NAMES)("%s", (path) => {
    const c = cases.find((x) => x.path === path) as HostileCase;
    const d = diagsOf(c.path);
    if (c.expect === "ignored") {
      expect(d).toEqual([]);
      return;
    }
    if (c.expect === "ok") {
      expect(
        d.filter((x) => x.severity === "error"),
        JSON.stringify(d),
      ).toEqual([]);
      return;
    }
    const hit = d.find((x) => x.code === c.expect);
    expect(hit, `${c.path}: ${JSON.stringify(d)}`).toBeDefined();
    if (c.line !== undefined) expect(hit?.line).toBe(c.line);
    if (c.field !== undefined) expect(hit?.field).toBe(c.field);
    expect(hit?.message.length).toBeGreaterThan(10);
  });
});

describe("what the build makes of them", () => {
  it("counts every .md/.markdown file as read, ignores other files, and accounts for each record", () => {
    const mdFiles = cases.filter((c) => /\.(md|markdown)$/.test(c.path)).length;
    expect(report.records.read).toBe(mdFiles);
    const r = report.records;
    expect(r.published + r.dropped + r.rejected).toBe(r.read);
    const rejectedFiles = new Set(report.diagnostics.filter((d) => d.severity === "error").map((d) => d.file));
    expect(r.rejected).toBe(rejectedFiles.size);
  });

  it("publishes the good records among the bad", () => {
    const json = JSON.parse(files.find((f) => f.path === "feed.json")?.contents ?? "{}") as {
      items: { title: string; id: string; url: string }[];
    };
    const titles = json.items.map((i) => i.title);
    for (const t of [
      "With a byte order mark",
      "With CRLF line ends",
      "Nested record",
      "Billion laughs",
      "Date only",
      "Spaces in path",
      "IDN host",
      "Upper-case host",
    ])
      expect(titles).toContain(t);
    expect(titles).toContain("Bell and and and done");
    const idn = json.items.find((i) => i.title === "IDN host");
    expect(idn?.id).toBe("https://xn--bcher-kva.example/stra%C3%9Fe/%C3%BC");
    expect(json.items.find((i) => i.title === "Upper-case host")?.id).toBe("https://hostile.example.com/Upper");
  });

  it("uses one id for an article in all three formats, also for IDN and encoded URLs", () => {
    const id = "https://xn--bcher-kva.example/stra%C3%9Fe/%C3%BC";
    for (const path of ["rss.xml", "atom.xml", "feed.json"])
      expect(files.find((f) => f.path === path)?.contents).toContain(id);
  });

  it("keeps one copy of a syndicated article and of two files with the same URL", () => {
    const json = JSON.parse(files.find((f) => f.path === "feed.json")?.contents ?? "{}") as {
      items: { title: string }[];
    };
    const count = (t: string) => json.items.filter((i) => i.title === t).length;
    expect(count("Syndicated story")).toBe(1);
    expect(count("Same URL one") + count("Same URL two")).toBe(1);
    expect(count("Trailing slash twin")).toBe(1);
  });

  it("writes text as text: every XML file is well-formed and no excerpt becomes markup", () => {
    for (const f of files.filter((x) => x.path.endsWith(".xml"))) {
      const p = new SaxesParser({ xmlns: true });
      const elements: string[] = [];
      p.on("opentag", (t) => elements.push(t.local));
      p.on("error", (e) => {
        throw new Error(`${f.path}: ${e.message}`);
      });
      p.write(f.contents).close();
      expect(elements).not.toContain("script");
      expect(elements).not.toContain("img");
    }
    for (const f of files.filter((x) => x.path.endsWith(".json"))) expect(() => JSON.parse(f.contents)).not.toThrow();
    expect(allText()).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
  });

  it("cuts a 200 KB excerpt to 100,000 characters and says so", () => {
    const d = diagsOf("text/huge-excerpt.md");
    expect(d.find((x) => x.code === "text-cleaned")?.message).toMatch(/cut to 100000/);
  });

  it("never writes a slug that leaves the output folder, and caps topics per record", () => {
    for (const f of files) {
      expect(f.path).not.toMatch(/(^|\/)\.\.?(\/|$)|^\//);
      expect(f.path.split("/").length).toBeLessThanOrEqual(2);
    }
    expect(report.topics.map((t) => t.slug)).toEqual(
      expect.arrayContaining(["rss-xml", "etc-passwd", "script", "a-b", "ai-ml", "ai-ml-2"]),
    );
    expect(report.topics.filter((t) => t.slug.startsWith("topic-")).length).toBe(100);
    expect(report.diagnostics.some((d) => d.code === "slug-collision")).toBe(true);
  });

  it("merges topic names that differ in case or spacing", () => {
    expect(report.topics.filter((t) => t.slug === "hostile")).toHaveLength(1);
    expect(report.topics.filter((t) => t.slug.startsWith("machine-learning"))).toEqual([
      { slug: "machine-learning", name: expect.any(String), items: 1 },
    ]);
  });

  it("leaks no secured value and no unpublished record, not even through related links", () => {
    const text = allText();
    expect(text).not.toMatch(/SECRET-/);
    expect(text).not.toContain("TOP SECRET DRAFT TITLE");
    expect(text).not.toContain("draft-article");
    expect(text).toContain("https://elsewhere.example.org/fine");
  });

  it("reads a folder that links to itself once, and reports it", () => {
    expect(report.diagnostics.find((d) => d.code === "folder-skipped")?.file).toBe("links/loop");
  });
});

describe("the CLI over the mixed folder", () => {
  it("exits 0, names every bad file in the JSON report, writes parseable feeds, and prints no stack trace", () => {
    // CI sets TOPICFEEDS_HOSTILE_OUT to run ../shared/feedcheck over this output afterwards.
    const out = process.env.TOPICFEEDS_HOSTILE_OUT ?? join(dir, "out-cli");
    const r = spawnSync(
      process.execPath,
      [
        CLI,
        "build",
        join(dir, "in"),
        "-o",
        out,
        "--base-url",
        "https://example.com/feeds/",
        "--report",
        "json",
        "--no-cache",
      ],
      { cwd: join(dir, "in"), encoding: "utf8" },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const rep = JSON.parse(r.stdout) as BuildReport;
    for (const c of cases.filter(
      (x) =>
        ![
          "ok",
          "ignored",
          "duplicate-record",
          "date-without-offset",
          "field-coerced",
          "text-cleaned",
          "invalid-topic",
        ].includes(x.expect),
    )) {
      expect(
        rep.diagnostics.some((d) => d.file === c.path && d.code === c.expect),
        c.path,
      ).toBe(true);
    }
    const written = walk(out);
    expect(written.length).toBeGreaterThan(10);
    for (const p of written) {
      expect(relative(out, p).startsWith("..")).toBe(false);
      if (p.endsWith(".json")) expect(() => JSON.parse(readFileSync(p, "utf8"))).not.toThrow();
    }
    expect(readdirSync(dir).sort()).toEqual(
      // The output folder links to its build, kept beside it.
      process.env.TOPICFEEDS_HOSTILE_OUT === undefined ? [".out-cli.builds", "in", "out-cli"] : ["in"],
    );
  });

  it("with --strict exits 1 and writes nothing", () => {
    const out = join(dir, "out-strict");
    const r = spawnSync(
      process.execPath,
      [CLI, "build", join(dir, "in"), "-o", out, "--base-url", "https://example.com/feeds/", "--strict", "--no-cache"],
      { cwd: join(dir, "in"), encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(() => statSync(out)).toThrow();
    expect(readdirSync(dir)).not.toContain(".out-strict.builds");
  });
});

function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
}
