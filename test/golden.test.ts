import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import matter from "gray-matter";
import { beforeAll, describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { loadRecords } from "../src/io/read-records.js";
import type { OutputFile } from "../src/types.js";
import { GOLDEN, GOLDEN_CONFIG, VALID } from "./helpers/fixtures.js";
import { parseFeedDocument, validateAtomSchema, validateJsonFeed } from "./helpers/validators.js";

// Golden files are reviewed by a person. To regenerate after an intended change:
//   UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts   (then read the diff before committing)
let files: OutputFile[] = [];

beforeAll(async () => {
  const set = await loadRecords(VALID, { cwd: VALID });
  files = buildFeeds(set, GOLDEN_CONFIG).files;
  if (process.env.UPDATE_GOLDEN === "1") {
    for (const f of files) {
      mkdirSync(dirname(join(GOLDEN, f.path)), { recursive: true });
      writeFileSync(join(GOLDEN, f.path), f.contents);
    }
  }
});

function goldenPaths(dir = GOLDEN): string[] {
  return readdirSync(dir)
    .flatMap((n) =>
      statSync(join(dir, n)).isDirectory() ? goldenPaths(join(dir, n)) : [relative(GOLDEN, join(dir, n))],
    )
    .sort();
}

const feedsOf = (ext: string) => files.filter((f) => f.path.endsWith(ext));

describe("golden output", () => {
  it("has exactly the reviewed files", () => {
    expect(files.map((f) => f.path).sort()).toEqual(goldenPaths());
  });

  it("matches the reviewed files byte for byte", () => {
    for (const f of files) expect(f.contents, f.path).toBe(readFileSync(join(GOLDEN, f.path), "utf8"));
  });

  it("writes every Atom file valid against the RFC 4287 RELAX NG schema", async () => {
    expect(feedsOf("atom.xml").length).toBeGreaterThan(5);
    for (const f of feedsOf("atom.xml")) expect(await validateAtomSchema(f.contents), f.path).toEqual([]);
  });

  it("writes every JSON file valid against the JSON Feed 1.1 schema", () => {
    for (const f of feedsOf("feed.json")) expect(validateJsonFeed(f.contents), f.path).toEqual([]);
  });

  it("is read back by a real feed parser with the same items, ids, links, titles and dates in all three formats", async () => {
    for (const rss of feedsOf("rss.xml")) {
      const dir = rss.path.slice(0, -"rss.xml".length);
      const get = (name: string) => files.find((f) => f.path === `${dir}${name}`)?.contents ?? "";
      const parsed = await Promise.all([
        parseFeedDocument(rss.contents),
        parseFeedDocument(get("atom.xml")),
        parseFeedDocument(get("feed.json")),
      ]);
      const json = JSON.parse(get("feed.json")) as {
        items: { id: string; url: string; title: string; date_published: string; tags?: string[] }[];
      };
      const expected = json.items.map((i) => ({
        id: i.id,
        link: i.url,
        title: i.title,
        published: new Date(i.date_published).toISOString(),
        categories: i.tags ?? [],
      }));
      for (const p of parsed) {
        expect(
          p.items.map((i) => ({
            id: i.id,
            link: i.link,
            // RSS titles carry an invisible WORD JOINER after `<` of a closing tag (see escapeRssText).
            title: i.title?.replaceAll("\u2060", ""),
            published: i.published === undefined ? undefined : new Date(i.published).toISOString(),
            categories: i.categories,
          })),
          `${dir} ${p.format}`,
        ).toEqual(expected);
      }
    }
  });

  it("never contains a secured value or an unpublished record", () => {
    const secrets: string[] = [];
    const drafts: string[] = [];
    for (const name of readdirSync(VALID)) {
      const data = matter(readFileSync(join(VALID, name), "utf8"), {}).data as {
        secured?: string;
        published?: boolean;
        title?: string;
      };
      if (typeof data.secured === "string")
        secrets.push(data.secured, data.secured.slice(0, 24), data.secured.slice(-24));
      if (data.published !== true && typeof data.title === "string") drafts.push(data.title);
    }
    expect(secrets.length).toBeGreaterThan(10);
    expect(drafts.length).toBeGreaterThan(2);
    for (const f of files) {
      for (const s of [...secrets, ...drafts])
        expect(f.contents.includes(s), `${f.path} contains ${s.slice(0, 30)}`).toBe(false);
    }
  });
});
