import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { PINGED_FILE, pingHubs, readPublishedFeeds } from "../src/io/ping-hubs.js";
import { writeFiles } from "../src/io/write-files.js";
import type { FeedsConfig, RecordInput } from "../src/types.js";
import { inProcessCli, tempDir } from "./helpers/fixtures.js";
import { startHub } from "./helpers/websub-hub.js";

const BASE = "https://example.com/feeds/";
const hubs: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close();
});
async function hub(respond?: Parameters<typeof startHub>[0]) {
  const h = await startHub(respond);
  hubs.push(h);
  return h;
}

function record(i: number, topics: string[]): RecordInput {
  return {
    title: `Story ${i}`,
    webUrl: `https://news.example.org/s/${i}`,
    publishedDateTime: new Date(Date.UTC(2024, 2, 1) + i * 3_600_000).toISOString(),
    published: true,
    quality: 90,
    topics,
  };
}
const base = [
  record(1, ["AI"]),
  record(2, ["Cloud"]),
  record(3, ["AI", "Privacy"]),
  record(4, ["Privacy"]),
  record(5, ["Cloud"]),
];

function build(out: string, records: RecordInput[], config: Partial<FeedsConfig>) {
  return writeFiles(out, buildFeeds(records, { baseUrl: BASE, ...config }).files);
}

// Every feed file of the folder, hashed: the oracle for "changed".
function hashes(out: string): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/^(rss\.xml|atom\.xml|feed\.json)$/.test(n))
        m.set(relative(out, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  walk(out);
  return m;
}
const subscriptionPaths = (paths: Iterable<string>) => [...paths].filter((p) => !p.includes("archive/")).sort();
const urlsOf = (paths: string[]) => paths.map((p) => `${BASE}${p}`).sort();
const fast = { timeoutMs: 300, backoffMs: 10 };

describe("readPublishedFeeds", () => {
  it("finds the subscription feeds with their own URL and hubs, not archive pages", async () => {
    const out = tempDir();
    build(out, [...base, ...Array.from({ length: 30 }, (_, i) => record(10 + i, ["AI"]))], {
      hub: "https://hub.example.net/",
      archive: { pageSize: 5 },
    });
    const feeds = readPublishedFeeds(out);
    expect(feeds.map((f) => f.path)).toEqual(subscriptionPaths(hashes(out).keys()));
    for (const f of feeds) {
      expect(f.url).toBe(`${BASE}${f.path}`);
      expect(f.hubs).toEqual(["https://hub.example.net/"]);
      expect(f.hash).toBe(hashes(out).get(f.path));
    }
  });
});

describe("pingHubs against a local WebSub hub", () => {
  it("sends one publish request per feed at first, then none while nothing changed", async () => {
    const h = await hub();
    const out = tempDir();
    build(out, base, { hub: h.url });
    const first = await pingHubs(out, fast);
    const all = urlsOf(subscriptionPaths(hashes(out).keys()));
    expect(h.requests.map((r) => r.topic).sort()).toEqual(all);
    expect(h.requests.every((r) => r.status === 202)).toBe(true);
    expect(first.hubs).toEqual([{ hub: h.url, notified: expect.any(Array), unchanged: 0, failed: [] }]);

    build(out, base, { hub: h.url });
    const second = await pingHubs(out, fast);
    expect(h.requests).toHaveLength(all.length);
    expect(second.hubs[0]).toMatchObject({ notified: [], unchanged: all.length, failed: [] });
  });

  it("notifies exactly the feeds whose bytes changed", async () => {
    const h = await hub();
    const out = tempDir();
    build(out, base, { hub: h.url });
    await pingHubs(out, fast);
    const before = hashes(out);
    h.requests.length = 0;
    build(out, [...base, record(6, ["Privacy"])], { hub: h.url });
    const after = hashes(out);
    const changed = subscriptionPaths([...after.keys()].filter((p) => before.get(p) !== after.get(p)));
    // A new Privacy story changes the Privacy and site-wide feeds, not AI or Cloud.
    expect(changed).toEqual([
      "atom.xml",
      "feed.json",
      "privacy/atom.xml",
      "privacy/feed.json",
      "privacy/rss.xml",
      "rss.xml",
    ]);
    await pingHubs(out, fast);
    expect(h.requests.map((r) => r.topic).sort()).toEqual(urlsOf(changed));
  });

  it("notifies every hub a feed names, each remembered on its own", async () => {
    const a = await hub();
    let failOnce = true;
    const b = await hub(() => {
      const what = failOnce ? "fail" : "accept";
      failOnce = false;
      return what;
    });
    const out = tempDir();
    build(out, base, { hub: [a.url, b.url] });
    const report = await pingHubs(out, { ...fast, attempts: 1 });
    const n = subscriptionPaths(hashes(out).keys()).length;
    expect(a.requests).toHaveLength(n);
    expect(report.hubs.find((x) => x.hub === b.url)?.failed).toHaveLength(1);
    a.requests.length = 0;
    b.requests.length = 0;
    await pingHubs(out, fast);
    // Only the one b did not accept is sent again, and only to b.
    expect(a.requests).toHaveLength(0);
    expect(b.requests).toHaveLength(1);
  });

  it("retries a 5xx answer with backoff until the hub accepts", async () => {
    let failures = 2;
    const h = await hub(() => (failures-- > 0 ? "fail" : "accept"));
    const out = tempDir();
    build(out, base.slice(0, 1), { hub: h.url, siteFeeds: false });
    const attempts: string[] = [];
    const report = await pingHubs(out, { ...fast, onAttempt: (e) => attempts.push(e.outcome) });
    expect(h.requests.map((r) => r.status).slice(0, 3)).toEqual([503, 503, 202]);
    expect(attempts.slice(0, 3)).toEqual(["HTTP 503 (try again)", "HTTP 503 (try again)", "HTTP 202"]);
    expect(report.hubs[0]?.failed).toEqual([]);
    expect(report.hubs[0]?.notified).toHaveLength(3);
  });

  it("abandons a request the hub does not answer in time and retries it", async () => {
    const h = await hub((_, n) => (n === 0 ? "stall" : "accept"));
    const out = tempDir();
    build(out, base.slice(0, 1), { hub: h.url, siteFeeds: false });
    const attempts: string[] = [];
    const report = await pingHubs(out, { ...fast, onAttempt: (e) => attempts.push(e.outcome) });
    expect(attempts[0]).toBe("no answer within 300 ms");
    expect(report.hubs[0]?.failed).toEqual([]);
    expect(report.hubs[0]?.notified).toHaveLength(3);
  });

  it("reports a hub that keeps failing, gives up on it, and tries those feeds again next time", async () => {
    let down = true;
    const h = await hub(() => (down ? "fail" : "accept"));
    const out = tempDir();
    build(out, base, { hub: h.url });
    const feeds = subscriptionPaths(hashes(out).keys()).length;
    const report = await pingHubs(out, { ...fast, attempts: 2 });
    const failed = report.hubs[0]?.failed ?? [];
    expect(failed).toHaveLength(feeds);
    expect(failed[0]).toMatchObject({ reason: "HTTP 503 (try again) after 2 attempts", attempts: 2 });
    // Three feeds in a row failed: the rest are not tried this time.
    expect(h.requests).toHaveLength(6);
    expect(failed.filter((f) => f.attempts === 0)).toHaveLength(feeds - 3);
    down = false;
    h.requests.length = 0;
    const again = await pingHubs(out, fast);
    expect(h.requests).toHaveLength(feeds);
    expect(again.hubs[0]?.failed).toEqual([]);
  });

  it("keeps what each hub accepted in the output folder", async () => {
    const h = await hub();
    const out = tempDir();
    build(out, base, { hub: h.url });
    await pingHubs(out, fast);
    const state = JSON.parse(readFileSync(join(out, PINGED_FILE), "utf8"));
    expect(state.version).toBe(1);
    expect(Object.keys(state.hubs[h.url]).sort()).toEqual(urlsOf(subscriptionPaths(hashes(out).keys())));
  });
});

describe("topicfeeds ping / build --ping", () => {
  const cli = inProcessCli;

  it("builds with --hub, pings with --ping, and a second ping sends nothing", async () => {
    const h = await hub();
    const cwd = tempDir();
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(join(cwd, "content"));
    for (const [i, r] of base.entries()) {
      const topics = (r.topics as string[]).map((t) => `  - ${t}`).join("\n");
      writeFileSync(
        join(cwd, "content", `s${i}.md`),
        `---\ntitle: ${r.title}\nwebUrl: ${r.webUrl}\npublishedDateTime: ${r.publishedDateTime}\npublished: true\nquality: 90\ntopics:\n${topics}\n---\n`,
      );
    }
    const built = await cli(["build", "--base-url", BASE, "--hub", h.url, "--ping", "-o", "out", "--no-cache"], cwd);
    expect(built.stderr).toContain(`${h.url}: 12 notified, 0 unchanged`);
    expect(built.code).toBe(0);
    expect(h.requests).toHaveLength(12);
    const again = await cli(["ping", "out"], cwd);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`${h.url}: 0 notified, 12 unchanged`);
    expect(h.requests).toHaveLength(12);
  });

  it("refuses --ping without a hub, and ping of feeds that name none", async () => {
    const cwd = tempDir();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(cwd, "content"));
    const r = await cli(["build", "--base-url", BASE, "--ping", "-o", "out"], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--ping needs a WebSub hub/);
    const out = join(cwd, "out");
    build(out, base, {});
    const p = await cli(["ping", "out"], cwd);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/no feed in out names a WebSub hub/);
    const flag = await cli(["ping", "out", "--hub", "https://hub.example.net/"], cwd);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/not --hub \(the hubs come from the feeds/);
    const missing = await cli(["ping", "nowhere"], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/output folder not found/);
  });
});
