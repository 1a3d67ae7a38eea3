import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { KeySpool } from "../src/io/_key-spool.js";

// Writes to a spool's file fail from the `failAfter`-th on, as on a full disk (null: never).
const faults = vi.hoisted(() => ({ failAfter: null as number | null, writes: 0 }));
vi.mock("node:fs", async (original) => {
  const real = await original<typeof import("node:fs")>();
  return {
    ...real,
    writeSync: (...args: Parameters<typeof real.writeSync>) => {
      if (faults.failAfter !== null && faults.writes++ >= faults.failAfter)
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      return real.writeSync(...args);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), "tf-key-spool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  faults.failAfter = null;
  faults.writes = 0;
});

// Keys as hidden keys are (no line break), some long, some not ASCII; enough of them to be
// written in several pieces.
const keys = fc.array(
  fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replace(/\n/g, "")),
    fc.string({ maxLength: 40 }).map((s) => `example.com/${s.replace(/\n/g, "")}`),
    fc.integer({ min: 1, max: 300_000 }).map((n) => `b.com/${"x".repeat(n)}`),
  ),
  { maxLength: 40 },
);

// The spool's pieces as one text (each copied as it comes: the spool reuses its buffer).
function textOf(spool: KeySpool): string {
  const parts: Buffer[] = [];
  for (const p of spool.pieces()) parts.push(Buffer.from(p));
  return Buffer.concat(parts).toString("utf8");
}

describe("KeySpool", () => {
  it("gives back every key in order, as strings and as the text the scan set's rest holds", () => {
    fc.assert(
      fc.property(keys, (list) => {
        const spool = KeySpool.open(dir);
        for (const k of list) spool.push(k);
        expect(spool.count).toBe(list.length);
        expect(spool.keys()).toEqual(list);
        expect(textOf(spool)).toBe(list.map((k) => `\n${k}`).join(""));
        spool.close();
      }),
      { numRuns: 60 },
    );
  });

  it("hands its keys on as a table over its file", () => {
    fc.assert(
      fc.property(keys, (list) => {
        const spool = KeySpool.open(dir);
        for (const k of list) spool.push(k);
        const table = spool.table();
        expect(table?.count).toBe(list.length);
        expect(table?.lines()).toEqual(list);
        for (const k of list) expect(table?.has(k)).toBe(true);
        expect(table?.has("not.a/key")).toBe(list.includes("not.a/key"));
        // The file is the table's now: the spool is closed.
        expect(spool.keys()).toEqual([]);
      }),
      { numRuns: 30 },
    );
    // A spool in memory has no file to hand on.
    writeFileSync(join(dir, "a-file-for-table"), "");
    const memory = KeySpool.open(join(dir, "a-file-for-table", "x"));
    memory.push("a.com/x");
    expect(memory.table()).toBeUndefined();
    expect(memory.keys()).toEqual(["a.com/x"]);
  });

  it("leaves no file in its folder, even while open", () => {
    const own = mkdtempSync(join(dir, "own-"));
    const spool = KeySpool.open(own);
    for (let i = 0; i < 50_000; i++) spool.push(`example.com/article-${i}`);
    expect(readdirSync(own)).toEqual([]);
    expect(spool.keys()[49_999]).toBe("example.com/article-49999");
    spool.close();
    expect(readdirSync(own)).toEqual([]);
  });

  it("removes the spool file a dead process left", () => {
    const own = mkdtempSync(join(dir, "dead-"));
    // (A pid above the kernel's limit is never running.)
    writeFileSync(join(own, "hidden-keys.spool-99999999"), "\nleft.com/x");
    writeFileSync(join(own, "other.txt"), "kept");
    KeySpool.open(own).close();
    expect(readdirSync(own)).toEqual(["other.txt"]);
  });

  it("keeps every key in memory when its file cannot be written, from the first write or a later one", () => {
    for (const failAfter of [0, 1, 3]) {
      faults.failAfter = failAfter;
      faults.writes = 0;
      const spool = KeySpool.open(dir);
      const list = Array.from({ length: 80_000 }, (_, i) => `example.com/${"é".repeat(i % 7)}${i}`);
      for (const k of list) spool.push(k);
      expect(faults.writes).toBeGreaterThan(failAfter);
      expect(spool.keys()).toEqual(list);
      expect(textOf(spool)).toBe(list.map((k) => `\n${k}`).join(""));
      spool.close();
    }
  });

  it("keeps every key in memory when its folder cannot be made", () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const spool = KeySpool.open(join(file, "cache"));
    spool.push("a.com/x");
    spool.push("b.com/y");
    expect(spool.keys()).toEqual(["a.com/x", "b.com/y"]);
    expect(textOf(spool)).toBe("\na.com/x\nb.com/y");
    spool.close();
  });
});
