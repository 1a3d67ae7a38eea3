import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { loadRecords } from "../src/io/read-records.js";
import { topicKey } from "../src/topics/slug.js";
import type { ArticleRecord, FeedsConfig } from "../src/types.js";
import { FIXTURES, ROOT, tempDir } from "./helpers/fixtures.js";
import {
  CLIENTS,
  type Field,
  FORMATS,
  type Format,
  type ReaderClient,
  type ShownFeed,
  type ShownItem,
} from "./helpers/readers.js";

// The reader matrix: the example records plus edge-case records (test/fixtures/readers) are built
// with the example config, and the site-wide feed and several topic feeds are read back, in all
// three formats, by real clients. Per item, what each client shows (title and summary after its
// own decoding, link, date to the second, author, categories, image) must be what the record says.
// A client that is not installed fails the suite in CI (CI=true) and is skipped with a notice
// elsewhere; a format a client cannot read is a test that shows it reads nothing.

const READERS = join(FIXTURES, "readers");
const EXAMPLES = join(ROOT, "examples");
const FEEDS = ["", "reader-checks", "ai-in-security", "cloud", "identity-and-access-management"];
const expectations = JSON.parse(readFileSync(join(FIXTURES, "reader-expectations.json"), "utf8")) as Record<
  string,
  { title: string; excerpt?: string; author?: string; date?: string }
>;

// The example config without its file-level keys (input, out), which only the CLI reads.
const {
  input: _input,
  out: _out,
  ...config
} = JSON.parse(readFileSync(join(EXAMPLES, "topicfeeds.config.json"), "utf8")) as FeedsConfig & {
  input?: string;
  out?: string;
};
let out = "";
let siteUrl = "";
let siteAuthor = "";
const records = new Map<string, ArticleRecord>(); // by link
const fixtureRecords = new Map<string, ArticleRecord>(); // by file name
const itemCounts = new Map<string, number>(); // by feed folder

beforeAll(async () => {
  const set = await loadRecords([join(EXAMPLES, "records"), READERS], { cwd: ROOT });
  const { files, report } = buildFeeds(set, config);
  out = tempDir("topicfeeds-readers-");
  for (const f of files) {
    mkdirSync(dirname(join(out, f.path)), { recursive: true });
    writeFileSync(join(out, f.path), f.contents);
  }
  for (const r of set.records) {
    records.set(r.webUrl, r);
    if (r.source !== undefined && dirname(join(ROOT, r.source)) === READERS) fixtureRecords.set(basename(r.source), r);
  }
  siteUrl = config.siteUrl ?? "";
  siteAuthor = config.author?.name ?? "";
  itemCounts.set("", report.site?.items ?? 0);
  for (const t of report.topics) itemCounts.set(t.slug, t.items);
});

const results: string[] = [];
afterAll(() => {
  if (results.length > 0) console.log(`Reader matrix\n${results.sort().join("\n")}`);
});

/** What a person reads: no invisible word joiners, white space as one space, empty lines dropped. */
function readable(text: string | undefined): string {
  return (text ?? "")
    .replace(/\u2060/g, "")
    .split("\n")
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => l !== "")
    .join("\n");
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function compare(item: ShownItem, fields: Field[], format: Format, client: ReaderClient): string[] {
  const r = records.get(item.link);
  if (r === undefined) return [`an item links to ${item.link}, which no record has`];
  const where = `${r.source ?? r.webUrl}:`;
  const bad: string[] = [];
  const check = (field: Field, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want))
      bad.push(`${where} ${field} shows ${JSON.stringify(got)}, the record says ${JSON.stringify(want)}`);
  };
  if (item.markup.length > 0) bad.push(`${where} text became markup: ${item.markup.join(" ")}`);
  for (const field of fields) {
    if (field === "title") check("title", readable(item.title), readable(r.title));
    // Without an excerpt, Atom and JSON Feed carry the title as the text of the entry; RSS carries none.
    if (field === "summary")
      check("summary", readable(item.summary), readable(r.excerpt ?? (format === "rss" ? "" : r.title)));
    if (field === "date") {
      const published = seconds(r.publishedDateTime);
      const updated = r.updatedDateTime === undefined ? published : Math.max(published, seconds(r.updatedDateTime));
      check("date", item.date, client.shownDate?.[format] === "updated" ? updated : published);
    }
    if (field === "author") check("author", item.author, r.provider?.name ?? siteAuthor);
    if (field === "categories")
      check(
        "categories",
        [...new Set((item.categories ?? []).map(topicKey))].sort(),
        [...new Set(r.topics.map(topicKey))].sort(),
      );
    if (field === "image") check("image", item.image, r.images[0]?.url);
  }
  return bad;
}

describe("the edge-case records", () => {
  it("read as a person expects once normalised: references decoded, tag-like text kept as text", () => {
    const got = Object.fromEntries(
      Object.keys(expectations).map((file) => {
        const r = fixtureRecords.get(file);
        const e = expectations[file] ?? { title: "" };
        const o: Record<string, string> = { title: r?.title ?? "(no record)" };
        if (r?.excerpt !== undefined) o.excerpt = r.excerpt;
        if (e.author !== undefined) o.author = r?.provider?.name ?? siteAuthor;
        if (e.date !== undefined)
          o.date = new Date(Math.floor(Date.parse(r?.publishedDateTime ?? "") / 1000) * 1000)
            .toISOString()
            .replace(".000Z", "Z");
        return [file, o];
      }),
    );
    expect(got).toEqual(expectations);
    expect(fixtureRecords.size).toBe(Object.keys(expectations).length);
  });

  it("are published to the second in every file, as RSS dates are", () => {
    const fractions = readdirSync(out, { recursive: true, encoding: "utf8" })
      .filter((p) => /\.(xml|json)$/.test(p))
      .flatMap((p) =>
        [...readFileSync(join(out, p), "utf8").matchAll(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+/g)].map(
          (m) => `${p}: ${m[0]}`,
        ),
      );
    expect(fractions).toEqual([]);
  });

  it("all reach the reader-checks feed", () => {
    expect(itemCounts.get("reader-checks")).toBe(fixtureRecords.size);
  });
});

for (const client of CLIENTS) {
  const missing = client.missing();
  const mustRun = process.env.CI === "true" || process.env.CI === "1";
  if (missing !== undefined && !mustRun) {
    console.warn(`reader matrix: ${client.name} skipped here: ${missing}; install: ${client.install}`);
    describe.skip(`${client.name} (not installed: ${missing})`, () => {
      it("is installed by the project's setup", () => {});
    });
    continue;
  }
  describe(client.name, () => {
    it("is installed", () => {
      expect(missing, `${client.name}: ${missing}; install: ${client.install}`).toBeUndefined();
    });
    for (const format of Object.keys(FORMATS) as Format[]) {
      const support = client.formats[format];
      const label = FORMATS[format].label;
      if (!Array.isArray(support)) {
        it(`${label}: not supported (${support.unsupported})`, async () => {
          let read: ShownFeed[] | undefined;
          try {
            read = await client.read([{ path: join(out, FORMATS[format].file), format }]);
          } catch {
            read = undefined;
          }
          expect(read === undefined || read.every((f) => f.items.length === 0)).toBe(true);
          results.push(`${client.name} × ${label}: not supported`);
        });
        continue;
      }
      it(`${label}: shows every item as the record says (${support.join(", ")})`, async () => {
        const feeds = await client.read(FEEDS.map((d) => ({ path: join(out, d, FORMATS[format].file), format })));
        const problems: string[] = [];
        let items = 0;
        feeds.forEach((feed, i) => {
          const dir = FEEDS[i] ?? "";
          const name = dir === "" ? "site-wide" : dir;
          if (feed.items.length !== itemCounts.get(dir))
            problems.push(`${name}: ${feed.items.length} items shown, ${itemCounts.get(dir)} published`);
          if (feed.siteLink !== undefined && feed.siteLink !== siteUrl)
            problems.push(`${name}: the site's link shows as ${feed.siteLink}, not ${siteUrl}`);
          for (const item of feed.items)
            problems.push(...compare(item, support, format, client).map((p) => `${name}: ${p}`));
          items += feed.items.length;
        });
        expect(items).toBeGreaterThan(40);
        expect(problems).toEqual([]);
        results.push(
          `${client.name} × ${label}: ${items} items in ${FEEDS.length} feeds clean (${support.join(", ")})`,
        );
      }, 300_000); // newsboat is driven through its user interface: slow on a busy machine
    }
  });
}
