import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRecordCache, writeRecordCache } from "../src/io/record-cache.js";
import type { FileIdentity, FileOutcome } from "../src/io/record-rows.js";
import { tempDir } from "./helpers/fixtures.js";

// Three lines of outcomes, one with non-ASCII text: enough for a few-byte chunk to split
// lines, UTF-8 sequences and the header's end in every possible place.
const files = Array.from({ length: 7 }, (_, i) => `/site/content/${String(i).padStart(2, "0")}-ü.md`);
const identity = (i: number): FileIdentity => [100 + i, 1_700_000_000_000 + i, 1_700_000_000_500 + i, 4000 + i];
const outcome = (i: number): FileOutcome => [
  identity(i),
  i === 3 ? [{ code: "missing-field", severity: "error", message: "title — fehlt", file: `0${i}-ü.md` }] : 0,
  0,
  ["minQuality", [], ["Zürich"], null],
];
const lines = [files.slice(0, 3), files.slice(3, 5), files.slice(5)].map((paths) => {
  const outs = paths.map((p) => outcome(files.indexOf(p)));
  return [JSON.stringify([paths, outs.map((o) => o[0])]), "\t", JSON.stringify(outs)];
});

function written(): string {
  const dir = tempDir();
  writeRecordCache(dir, "k", lines);
  return dir;
}

describe("readRecordCache", () => {
  it("reads the same identities and outcomes whatever the chunk size", () => {
    const dir = written();
    for (const chunk of [1, 2, 3, 7, 64, 1 << 22]) {
      const { cache, note } = readRecordCache(dir, "k", chunk);
      expect(note).toBe("cache used");
      expect(cache?.size).toBe(7);
      for (const [i, f] of files.entries()) {
        expect(cache?.identity(f)).toEqual(identity(i));
        expect(cache?.outcome(f)).toEqual(outcome(i));
      }
      expect(cache?.identity("/site/content/unknown.md")).toBeUndefined();
      cache?.close();
    }
  });

  it("ignores a cache whose bytes do not match the checksum, or written for another key", () => {
    const dir = written();
    const file = join(dir, "records-v5.jsonl");
    expect(readRecordCache(dir, "other").note).toBe("cache ignored: config or options changed");
    writeFileSync(file, readFileSync(file, "utf8").replace("Zürich", "Zurich"));
    expect(readRecordCache(dir, "k", 5)).toEqual({ note: "cache ignored: checksum mismatch (corrupt)" });
    expect(readRecordCache(tempDir(), "k")).toEqual({ note: "no cache yet" });
  });

  it.skipIf(!existsSync("/proc/self/fd"))(
    "keeps the file open only until close, and not at all when the cache is ignored",
    () => {
      const dir = written();
      const open = () => readdirSync("/proc/self/fd").length;
      const before = open();
      const { cache } = readRecordCache(dir, "k", 16);
      expect(open()).toBe(before + 1);
      expect(cache?.outcome(files[6] as string)).toEqual(outcome(6));
      cache?.close();
      cache?.close();
      expect(open()).toBe(before);
      readRecordCache(dir, "other");
      expect(open()).toBe(before);
    },
  );
});
