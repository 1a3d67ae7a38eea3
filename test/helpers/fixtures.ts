import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/run-cli.js";
import type { FeedContext } from "../../src/model/build-feed-model.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FIXTURES = join(ROOT, "test", "fixtures");
export const VALID = join(FIXTURES, "records", "valid");
export const BROKEN = join(FIXTURES, "records", "broken");
export const GOLDEN = join(ROOT, "test", "golden");
export const CLI = join(ROOT, "dist", "cli.js");

/** A feed context for model and renderer tests. */
export function testContext(overrides: Partial<FeedContext> = {}): FeedContext {
  return {
    baseUrl: "https://example.com/feeds/",
    siteUrl: "https://example.com/",
    siteTitle: "Example",
    author: { name: "Example", url: "https://example.com/" },
    hiddenUrls: new Set(),
    topicName: (n) => n,
    emptyUpdated: "2024-01-01T00:00:00Z",
    ...overrides,
  };
}

/** A fresh temporary folder. */
export function tempDir(prefix = "topicfeeds-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Writes record `i` as `dir/rNN.md`, each write with an mtime 10 s after the one before, so that
 * every write changes the file's identity even within a clock tick (for edit-sequence tests).
 */
export function recordWriter<R>(dir: string, text: (r: R) => string): (i: number, r: R) => void {
  let clock = 1_700_000_000;
  return (i, r) => {
    const p = join(dir, `r${String(i).padStart(2, "0")}.md`);
    writeFileSync(p, text(r));
    clock += 10;
    utimesSync(p, clock, clock);
  };
}

/** Every file under an output folder (not the hidden ones), by path relative to it: for comparing two builds. */
export function outputTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.startsWith(".")) out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

/** The config the golden files are built with. */
export const GOLDEN_CONFIG = {
  baseUrl: "https://news.example.com/feeds/",
  siteUrl: "https://news.example.com/",
  title: "Example News",
  language: "en",
  limit: 10,
  minQuality: 40,
} as const;

/** A minimal valid record as a plain object. */
export function rawRecord(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: "A title",
    excerpt: "An excerpt.",
    publishedDateTime: "2024-01-02T03:04:05Z",
    webUrl: "https://example.com/a",
    published: true,
    quality: 70,
    heat: 50,
    provider: { name: "Example", domain: "example.com" },
    topics: ["AI"],
    ...over,
  };
}

/**
 * Runs the command line in this process (`runCli`, the core behind the binary) with the clock
 * at 2024-06-01, and returns its exit code and what it printed.
 */
export async function inProcessCli(
  argv: string[],
  cwd: string = tempDir(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    now: () => Date.parse("2024-06-01T00:00:00Z"),
  });
  return { code, stdout, stderr };
}
