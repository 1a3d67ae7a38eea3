import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { VERSION } from "../version.js";
import type { FileOutcome } from "./record-rows.js";
import { writeFiles } from "./write-files.js";

const FILE = "records-v4.jsonl";

/**
 * Reads the record cache: per record file, its identity and what it came to. Returns no entries
 * when there is no cache, or it was written by another topicfeeds version or for another config
 * or options (`key`), or its checksum does not match: a corrupt or stale cache is ignored, never
 * trusted.
 *
 * @param dir - the cache folder
 * @param key - a hash of everything that shapes the outcomes (config, version, options)
 * @returns outcomes by absolute file path, and a note on what happened
 */
export function readRecordCache(dir: string, key: string): { entries?: Map<string, FileOutcome>; note: string } {
  let text: string;
  try {
    text = readFileSync(join(dir, FILE), "utf8");
  } catch {
    return { note: "no cache yet" };
  }
  const nl = text.indexOf("\n");
  let header: { format?: string; version?: string; key?: string; checksum?: string };
  try {
    header = JSON.parse(text.slice(0, nl));
  } catch {
    return { note: "cache ignored: unreadable header" };
  }
  const body = text.slice(nl + 1);
  if (header.format !== "topicfeeds-record-cache" || header.version !== VERSION) return { note: "cache ignored: written by another version" };
  if (header.key !== key) return { note: "cache ignored: config or options changed" };
  if (header.checksum !== checksum(body)) return { note: "cache ignored: checksum mismatch (corrupt)" };
  try {
    const entries = new Map<string, FileOutcome>();
    for (const line of body.split("\n")) {
      if (line === "") continue;
      const [paths, outcomes] = JSON.parse(line) as [string[], FileOutcome[]];
      paths.forEach((path, i) => entries.set(path, outcomes[i] as FileOutcome));
    }
    return { entries, note: "cache used" };
  } catch {
    return { note: "cache ignored: unreadable body" };
  }
}

/**
 * Writes the record cache atomically (temporary file, then rename), with a checksum. One line per
 * batch of files, `[paths, outcomes]`, so the JSON the parse workers already produced is written
 * as it is, without serialising 100,000 outcomes again.
 *
 * @param dir - the cache folder (created if missing)
 * @param key - as for {@link readRecordCache}
 * @param lines - `[paths, outcomes]` JSON lines, in file order
 */
export function writeRecordCache(dir: string, key: string, lines: readonly string[]): void {
  const body = lines.join("\n");
  const header = JSON.stringify({ format: "topicfeeds-record-cache", version: VERSION, key, checksum: checksum(body) });
  mkdirSync(dir, { recursive: true });
  writeFiles(dir, [{ path: FILE, contents: `${header}\n${body}` }]);
}

/** A short hash of any JSON-able value, for cache keys. */
export function hashKey(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value, (_k, v: unknown) => (typeof v === "function" ? String(v) : v))).digest("hex").slice(0, 32);
}

function checksum(body: string): string {
  return createHash("sha1").update(body).digest("hex");
}
