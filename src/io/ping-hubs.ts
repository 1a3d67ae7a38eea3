import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { saxesParser } from "../render/_saxes.js";
import { writeCacheFile } from "./_temp-files.js";

/** A subscription feed in an output folder, as `topicfeeds ping` sees it. */
export interface PublishedFeed {
  /** Path relative to the output folder, e.g. `ai/rss.xml`. */
  path: string;
  /** The feed's own URL (its `rel="self"` link, or JSON Feed `feed_url`). */
  url: string;
  /** The WebSub hubs the feed names (`rel="hub"`, JSON Feed `hubs`). */
  hubs: string[];
  /** SHA-256 of the file's bytes: a changed hash is a changed feed. */
  hash: string;
}

/** How {@link pingHubs} talks to hubs. */
export interface PingOptions {
  /** Milliseconds one request may take before it is abandoned (and retried). Default 10,000. */
  timeoutMs?: number;
  /** Attempts per feed and hub: the first and the retries. Default 4. */
  attempts?: number;
  /** First wait before a retry, doubled each time (a hub's Retry-After, up to 60 s, wins when longer). Default 500. */
  backoffMs?: number;
  /** After this many feeds in a row failed at one hub, the hub's other feeds are not tried this time. Default 3. */
  giveUpAfter?: number;
  /** Called after each request, for progress output. */
  onAttempt?: (event: { hub: string; feed: string; attempt: number; outcome: string }) => void;
}

/** What {@link pingHubs} did at one hub. */
export interface HubPingReport {
  hub: string;
  /** Feed URLs the hub accepted a publish notification for. */
  notified: string[];
  /** Feeds naming this hub whose bytes have not changed since the last accepted ping. */
  unchanged: number;
  /** Feeds the hub did not accept (after retries), or that were not tried because it kept failing. */
  failed: { feed: string; reason: string; attempts: number }[];
}

/** What {@link pingHubs} returns. */
export interface PingReport {
  hubs: HubPingReport[];
  /** Subscription feeds found in the output folder. */
  feeds: number;
}

/**
 * The file in the output folder that remembers what each hub last accepted (feed URL → hash).
 *
 * @example
 * existsSync(join("public/feeds", PINGED_FILE)) // true after a ping
 */
export const PINGED_FILE = ".topicfeeds-pinged.json";

interface PingedState {
  version: 1;
  hubs: Record<string, Record<string, string>>;
}

const FEED_FILES = ["rss.xml", "atom.xml", "feed.json"];

/**
 * The subscription feeds of an output folder (`rss.xml`, `atom.xml`, `feed.json` at the top and
 * in each topic folder; archive pages, which nobody subscribes to, are left out), each with its
 * URL, hubs and a hash of its bytes, read from the files themselves.
 *
 * @param outDir - the output folder of a build
 * @returns the feeds, sorted by path
 * @throws TopicfeedsError `input-not-found` when the folder does not exist
 * @example
 * readPublishedFeeds("public/feeds").filter((f) => f.hubs.length > 0)
 */
export function readPublishedFeeds(outDir: string): PublishedFeed[] {
  if (!existsSync(outDir) || !statSync(outDir).isDirectory())
    throw new TopicfeedsError("input-not-found", `output folder not found: ${outDir}; build first`);
  const paths: string[] = [];
  const top = readdirSync(outDir).sort();
  for (const name of top) {
    if (FEED_FILES.includes(name)) paths.push(name);
    else if (!name.startsWith(".") && statSync(join(outDir, name)).isDirectory())
      for (const f of FEED_FILES) if (existsSync(join(outDir, name, f))) paths.push(`${name}/${f}`);
  }
  const feeds: PublishedFeed[] = [];
  for (const path of paths.sort()) {
    const bytes = readFileSync(join(outDir, path));
    const links = path.endsWith(".json") ? jsonLinks(bytes.toString("utf8")) : xmlLinks(bytes.toString("utf8"));
    if (links === undefined) continue; // not one of ours
    feeds.push({ path, url: links.self, hubs: links.hubs, hash: createHash("sha256").update(bytes).digest("hex") });
  }
  return feeds;
}

/**
 * Notifies WebSub hubs of the feeds in an output folder whose content changed since the hub last
 * accepted a notification for them: one `POST` per feed and hub, form-encoded
 * `hub.mode=publish&hub.url=<feed URL>` (the publish request hubs accept; W3C WebSub leaves its
 * form to the hub), with a timeout, retries with doubling waits on network errors, timeouts, 429
 * and 5xx, and nothing for unchanged feeds. What each hub accepted is kept in
 * `.topicfeeds-pinged.json` in the output folder, so a feed that failed is tried again next time.
 *
 * @param outDir - the output folder of a build
 * @param options - timeout, attempts, waits
 * @returns per hub: notified, unchanged and failed feeds
 * @throws TopicfeedsError `input-not-found` when the folder does not exist
 * @example
 * const report = await pingHubs("public/feeds");
 * if (report.hubs.some((h) => h.failed.length > 0)) process.exitCode = 1;
 */
export async function pingHubs(outDir: string, options: PingOptions = {}): Promise<PingReport> {
  const feeds = readPublishedFeeds(outDir);
  const state = readState(outDir);
  const byHub = new Map<string, PublishedFeed[]>();
  for (const f of feeds) {
    for (const hub of f.hubs) {
      const list = byHub.get(hub);
      if (list === undefined) byHub.set(hub, [f]);
      else list.push(f);
    }
  }
  const report: PingReport = { hubs: [], feeds: feeds.length };
  for (const [hub, list] of [...byHub].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const accepted = state.hubs[hub] ?? {};
    state.hubs[hub] = accepted;
    const r: HubPingReport = { hub, notified: [], unchanged: 0, failed: [] };
    let failedInRow = 0;
    for (const f of list) {
      if (accepted[f.url] === f.hash) {
        r.unchanged++;
        continue;
      }
      if (failedInRow >= (options.giveUpAfter ?? 3)) {
        r.failed.push({ feed: f.url, reason: "not tried: the hub kept failing", attempts: 0 });
        continue;
      }
      const outcome = await publish(hub, f.url, options);
      if (outcome.ok) {
        accepted[f.url] = f.hash;
        r.notified.push(f.url);
        failedInRow = 0;
      } else {
        r.failed.push({ feed: f.url, reason: outcome.reason, attempts: outcome.attempts });
        failedInRow++;
      }
    }
    report.hubs.push(r);
    // Saved after each hub, so an interrupted run keeps what was accepted.
    writeCacheFile(outDir, PINGED_FILE, `${JSON.stringify(state, null, 2)}\n`);
  }
  return report;
}

async function publish(
  hub: string,
  feed: string,
  options: PingOptions,
): Promise<{ ok: true } | { ok: false; reason: string; attempts: number }> {
  const attempts = Math.max(1, options.attempts ?? 4);
  let wait = options.backoffMs ?? 500;
  let reason = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let retryAfter = 0;
    let retry = true;
    try {
      const res = await fetch(hub, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ "hub.mode": "publish", "hub.url": feed }).toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: "follow",
      });
      // The body is not needed; reading it lets the connection be reused.
      const text = await res.text().catch(() => "");
      if (res.ok) {
        options.onAttempt?.({ hub, feed, attempt, outcome: `HTTP ${res.status}` });
        return { ok: true };
      }
      reason = `HTTP ${res.status}${text.trim() === "" ? "" : ` (${oneLine(text)})`}`;
      retry = res.status >= 500 || res.status === 429 || res.status === 408;
      const after = Number(res.headers.get("retry-after"));
      if (Number.isFinite(after) && after > 0) retryAfter = Math.min(after, 60) * 1000;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      reason =
        err.name === "TimeoutError"
          ? `no answer within ${options.timeoutMs ?? 10_000} ms`
          : (err.cause?.code ?? err.cause?.message ?? err.message);
    }
    options.onAttempt?.({ hub, feed, attempt, outcome: reason });
    if (!retry) return { ok: false, reason, attempts: attempt };
    if (attempt < attempts) {
      await new Promise((done) => setTimeout(done, Math.max(wait, retryAfter)));
      wait *= 2;
    }
  }
  return { ok: false, reason: `${reason} after ${attempts} attempt${attempts === 1 ? "" : "s"}`, attempts };
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 120 ? `${t.slice(0, 117)}…` : t;
}

function readState(outDir: string): PingedState {
  try {
    const s = JSON.parse(readFileSync(join(outDir, PINGED_FILE), "utf8")) as Partial<PingedState>;
    if (s.version === 1 && typeof s.hubs === "object" && s.hubs !== null) return { version: 1, hubs: s.hubs };
  } catch {
    // Missing or unreadable: every feed counts as changed, which is the safe side.
  }
  return { version: 1, hubs: {} };
}

function jsonLinks(text: string): { self: string; hubs: string[] } | undefined {
  try {
    const doc = JSON.parse(text) as { version?: unknown; feed_url?: unknown; hubs?: unknown };
    if (typeof doc.version !== "string" || !doc.version.startsWith("https://jsonfeed.org/version/")) return undefined;
    if (typeof doc.feed_url !== "string") return undefined;
    const hubs = Array.isArray(doc.hubs)
      ? doc.hubs.flatMap((h: { url?: unknown }) => (typeof h?.url === "string" ? [h.url] : []))
      : [];
    return { self: doc.feed_url, hubs };
  } catch {
    return undefined;
  }
}

const ATOM = "http://www.w3.org/2005/Atom";

// The feed-level rel="self" and rel="hub" links (atom:link in RSS), read up to the first item.
function xmlLinks(text: string): { self: string; hubs: string[] } | undefined {
  const parser = new (saxesParser())({ xmlns: true });
  let depth = 0;
  let self: string | undefined;
  const hubs: string[] = [];
  let done = false;
  parser.on("opentag", (tag) => {
    depth++;
    if (done) return;
    if (tag.local === "item" || tag.local === "entry") {
      done = true;
      return;
    }
    // Feed level: <feed><link> (depth 2) or <rss><channel><atom:link> (depth 3).
    if (tag.uri === ATOM && tag.local === "link" && depth <= 3) {
      const rel = tag.attributes.rel?.value;
      const href = tag.attributes.href?.value;
      if (href === undefined) return;
      if (rel === "self") self ??= href;
      else if (rel === "hub") hubs.push(href);
    }
  });
  parser.on("closetag", () => {
    depth--;
  });
  parser.on("error", () => {
    done = true;
  });
  try {
    parser.write(text).close();
  } catch {
    // A broken file is not pinged; the build never writes one.
  }
  return self === undefined ? undefined : { self, hubs };
}
