import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GOLDEN, tempDir } from "./helpers/fixtures.js";

// A real feed reader: newsboat (Debian package; CI installs it with scripts/setup-system.sh)
// subscribes to the golden feeds, and what it stores must be what we meant to publish.
const hasNewsboat =
  spawnSync("newsboat", ["--version"]).status === 0 && spawnSync("sqlite3", ["--version"]).status === 0;

function readWithNewsboat(
  file: string,
): { title: string; url: string; guid: string; pubDate: number; author: string }[] {
  const home = tempDir("topicfeeds-newsboat-");
  mkdirSync(join(home, ".newsboat"), { recursive: true });
  writeFileSync(join(home, "urls"), `"exec:cat ${file}"\n`);
  writeFileSync(join(home, "config"), "");
  const cache = join(home, "cache.db");
  const r = spawnSync("newsboat", ["-u", join(home, "urls"), "-c", cache, "-C", join(home, "config"), "-x", "reload"], {
    env: { ...process.env, HOME: home },
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`newsboat failed: ${r.stderr}`);
  const q = spawnSync(
    "sqlite3",
    ["-json", cache, "select title, url, guid, pubDate, author from rss_item order by pubDate desc, guid"],
    { encoding: "utf8" },
  );
  return q.stdout.trim() === "" ? [] : JSON.parse(q.stdout);
}

// The topic feeds that have items (some golden topics are deliberately empty).
const feeds = readdirSync(GOLDEN)
  .filter(
    (d) =>
      !d.includes(".") &&
      (JSON.parse(readFileSync(join(GOLDEN, d, "feed.json"), "utf8")) as { items: unknown[] }).items.length > 0,
  )
  .slice(0, 6);
feeds.unshift(""); // and the site-wide feeds

describe.runIf(hasNewsboat)("newsboat, a real feed reader", () => {
  it.each(
    feeds.flatMap((d) => [
      [d, "rss.xml"],
      [d, "atom.xml"],
    ]),
  )("reads %s/%s with the items, links, ids, dates and authors we published", (dir, name) => {
    const json = JSON.parse(readFileSync(join(GOLDEN, dir, "feed.json"), "utf8")) as {
      items: { id: string; url: string; title: string; date_published: string; authors?: { name: string }[] }[];
    };
    const got = readWithNewsboat(join(GOLDEN, dir, name));
    const want = json.items
      .map((i) => ({
        title: i.title,
        url: i.url,
        guid: i.id,
        pubDate: Date.parse(i.date_published) / 1000,
        author: i.authors?.[0]?.name ?? "",
      }))
      .sort((a, b) => b.pubDate - a.pubDate || (a.guid < b.guid ? -1 : 1));
    expect(want.length).toBeGreaterThan(0);
    expect(got.map((g) => ({ ...g, pubDate: Math.floor(g.pubDate) }))).toEqual(
      want.map((w) => ({ ...w, pubDate: Math.floor(w.pubDate) })),
    );
  });
});

describe.skipIf(hasNewsboat)("newsboat missing", () => {
  it("is installed by scripts/setup-system.sh (CI runs it); these reader tests are skipped here", () => {
    expect(readFileSync(join(GOLDEN, "..", "..", "scripts", "setup-system.sh"), "utf8")).toContain("newsboat");
  });
});
