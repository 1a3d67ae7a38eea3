import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedManifest } from "../src/render/render-manifest.js";
import { tempDir } from "./helpers/fixtures.js";
import { buildFixtureSite, type ServeProcess, startServeProcess } from "./helpers/serve-process.js";

// A real feed reader over real HTTP: newsboat subscribes to the OPML list that `topicfeeds serve`
// serves, and reloads. The server's access log counts what it answered.
const hasNewsboat =
  spawnSync("newsboat", ["--version"]).status === 0 && spawnSync("sqlite3", ["--version"]).status === 0;

let server: ServeProcess;
let home: string;
let out: string;

function reload(): void {
  const r = spawnSync("newsboat", ["-C", join(home, "config"), "-c", join(home, "cache.db"), "-x", "reload"], {
    env: { ...process.env, HOME: home },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`newsboat failed: ${r.stderr}`);
}

/** The server's access log once it has stopped growing (its lines arrive through a pipe). */
async function settledLog() {
  let last = -1;
  for (;;) {
    await new Promise((ok) => setTimeout(ok, 300));
    const log = server.log();
    if (log.length === last) return log;
    last = log.length;
  }
}

function stored(): { feedurl: string; title: string }[] {
  const q = spawnSync(
    "sqlite3",
    ["-json", join(home, "cache.db"), "select feedurl, title from rss_item order by feedurl, pubDate desc, guid"],
    { encoding: "utf8" },
  );
  // The RSS writer puts an invisible word joiner (U+2060) into a title's closing-tag-like run, so
  // no client renders it as markup; what a person reads is the record's title.
  const rows = q.stdout.trim() === "" ? [] : (JSON.parse(q.stdout) as { feedurl: string; title: string }[]);
  return rows.map((r) => ({ ...r, title: r.title.replaceAll("\u2060", "") }));
}

describe.runIf(hasNewsboat)("newsboat subscribed to the feeds served by topicfeeds serve", () => {
  beforeAll(async () => {
    const dir = tempDir("topicfeeds-serve-newsboat-");
    out = join(dir, "out");
    mkdirSync(out);
    home = join(dir, "home");
    mkdirSync(join(home, ".newsboat"), { recursive: true });
    server = await startServeProcess(out);
    // Built for the server's own URL, so the OPML and the feeds point at it.
    buildFixtureSite(out, server.url);
    writeFileSync(join(home, "config"), `urls-source "opml"\nopml-url "${server.url}feeds.opml"\n`);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("reads every feed of the OPML list with the expected item titles", async () => {
    reload();
    const manifest = JSON.parse(readFileSync(join(out, "feeds.json"), "utf8")) as FeedManifest;
    const rss = manifest._topicfeeds.feeds.filter((f) => f.format === "rss");
    const log = await settledLog();
    expect(log.filter((l) => l.path === "/feeds.opml").map((l) => l.status)).toEqual([200]);
    // One request per feed in the list, each answered in full.
    expect(
      log
        .filter((l) => l.path.endsWith("/rss.xml") || l.path === "/rss.xml")
        .map((l) => l.path)
        .sort(),
    ).toEqual(rss.map((f) => `/${f.path}`).sort());
    // newsboat keeps one copy of an article (by guid) however many feeds carry it: every title of
    // every feed is stored, each under a feed that has it.
    const got = stored();
    const titlesOf = new Map(
      rss.map((f) => [
        f.url,
        (JSON.parse(readFileSync(join(out, f.slug, "feed.json"), "utf8")) as { items: { title: string }[] }).items.map(
          (i) => i.title,
        ),
      ]),
    );
    expect(new Set(got.map((g) => g.title))).toEqual(new Set([...titlesOf.values()].flat()));
    for (const g of got) expect(titlesOf.get(g.feedurl), g.title).toContain(g.title);
    expect(got.length).toBeGreaterThan(10);
  });

  it("gets 304 Not Modified for every feed once it holds their validators", async () => {
    const feedRequests = async () => (await settledLog()).filter((l) => l.path.endsWith(".xml"));
    const before = (await feedRequests()).length;
    // newsboat 2.21 writes a feed's ETag and Last-Modified into its cache only from the second
    // fetch on (the first one's update runs before the feed's row exists), so the second reload
    // still fetches in full and sends no validators; every reload after it is conditional.
    reload();
    const second = (await feedRequests()).slice(before);
    reload();
    const third = (await feedRequests()).slice(before + second.length);
    expect(third.length).toBe(second.length);
    expect(third.length).toBeGreaterThan(5);
    expect(third.map((l) => l.status)).toEqual(third.map(() => 304));
    // And nothing was lost: the reader still holds every item.
    expect(stored().length).toBeGreaterThan(10);
  });
});

describe.skipIf(hasNewsboat)("newsboat missing", () => {
  it("is installed by scripts/setup-system.sh (CI runs it); these reader tests are skipped here", () => {
    expect(readFileSync(join(import.meta.dirname, "..", "scripts", "setup-system.sh"), "utf8")).toContain("newsboat");
  });
});
