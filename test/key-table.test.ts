import { createHash } from "node:crypto";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { KeyTable } from "../src/io/_key-table.js";
import { HiddenSet, hiddenKeysTable, hideInTable } from "../src/model/_hidden-set.js";
import { hiddenDigest } from "../src/render/render-feed-files.js";
import { emptySummary } from "../src/select/prefilter.js";

const dir = mkdtempSync(join(tmpdir(), "tf-key-table-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

// Keys as the hidden keys are: no line break; some alike but for a few characters, some sharing
// their last 24 bytes (what the hash takes in) and their length.
const key = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replace(/\n/g, "")),
  fc.string({ maxLength: 6 }).map((s) => `https://a.com/${s.replace(/\n/g, "")}`),
  fc.integer({ min: 0, max: 9 }).map((n) => `${n}${"/same-ending-of-thirty-bytes-xx"}`),
);

// A new file of these bytes.
function fileOf(text: string): string {
  const path = join(dir, `t${files++}.txt`);
  writeFileSync(path, text);
  return path;
}

// The table of a head line and keys as the scan set's rest writes them, read `chunk` bytes at a time.
function tableOf(head: string, keys: readonly string[], chunk?: number): KeyTable | undefined {
  const path = fileOf(keys.length === 0 ? head : `${head}\n${keys.join("\n")}`);
  return KeyTable.fromFile(path, () => keys.length, chunk);
}

describe("KeyTable", () => {
  it("has exactly its lines, and gives them back as they were, whatever the bytes read at a time", () => {
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 60 }),
        fc.array(key, { maxLength: 20 }),
        fc.constantFrom(undefined, 1, 2, 5, 17, 64),
        (keys, others, chunk) => {
          const table = tableOf('{"head":"ü"}', keys, chunk) as KeyTable;
          expect(table.count).toBe(keys.length);
          for (const k of keys) expect(table.has(k)).toBe(true);
          for (const k of others) expect(table.has(k)).toBe(keys.includes(k));
          expect(table.lines()).toEqual(keys);
          expect(table.lines(1)).toEqual(keys.slice(1));
          expect(table.lines(0, Math.min(2, keys.length))).toEqual(keys.slice(0, 2));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives the head line to be checked, and is undefined when the lines are not as many as it says", () => {
    const path = fileOf("head\na\nb");
    const heads: string[] = [];
    expect(
      KeyTable.fromFile(path, (h) => {
        heads.push(h);
        return 2;
      })?.lines(),
    ).toEqual(["a", "b"]);
    expect(heads).toEqual(["head"]);
    for (const chunk of [1, 3, undefined]) {
      expect(KeyTable.fromFile(path, () => 2, chunk)?.lines()).toEqual(["a", "b"]);
      expect(KeyTable.fromFile(path, () => 1, chunk)).toBeUndefined();
      expect(KeyTable.fromFile(path, () => 3, chunk)).toBeUndefined();
      expect(KeyTable.fromFile(path, () => 0, chunk)).toBeUndefined();
    }
    expect(KeyTable.fromFile(path, () => undefined)).toBeUndefined();
    expect(KeyTable.fromFile(join(dir, "none.txt"), () => 0)).toBeUndefined();
    expect(KeyTable.fromFile(fileOf("head"), () => 0)?.has("")).toBe(false);
    expect(KeyTable.fromFile(fileOf("head\n"), () => 0)?.count).toBe(0);
    expect(KeyTable.fromFile(fileOf("head\n"), () => 1)?.lines()).toEqual([""]);
    expect(KeyTable.fromFile(fileOf("head"), () => 1)).toBeUndefined();
  });

  it("reads a line or a head longer than the bytes read at a time", () => {
    const long = `https://a.com/${"x".repeat(5000)}`;
    const path = fileOf(`{"pad":"${"p".repeat(3000)}"}\nb.com/1\n${long}\nc.com/2`);
    const table = KeyTable.fromFile(path, (h) => (JSON.parse(h).pad.length === 3000 ? 3 : undefined), 64);
    expect(table?.lines()).toEqual(["b.com/1", long, "c.com/2"]);
    expect(table?.has(long)).toBe(true);
    expect(table?.has(`${long}y`)).toBe(false);
  });

  it("feeds a hash its lines as they are in the file, past the bytes read at a time", () => {
    for (const count of [0, 1, 9000]) {
      const keys = Array.from({ length: count }, (_, i) => `https://a.com/ü/${i}/${"x".repeat(i % 50)}`);
      const table = tableOf('{"h":1}', keys) as KeyTable;
      const h = createHash("sha1");
      table.hashLines(h);
      expect(h.digest("hex")).toBe(createHash("sha1").update(keys.join("\n")).digest("hex"));
    }
  });

  it("keeps reading the file it was made from when another is renamed over it", () => {
    const path = fileOf("head\na.com/1\nb.com/2");
    const table = KeyTable.fromFile(path, () => 2) as KeyTable;
    const next = fileOf("head\nz.com/1\ny.com/2");
    renameSync(next, path);
    expect(table.has("a.com/1")).toBe(true);
    expect(table.has("z.com/1")).toBe(false);
    expect(table.lines()).toEqual(["a.com/1", "b.com/2"]);
  });
});

describe("HiddenSet", () => {
  it("is the Set a build makes of the same keys: membership, order and size", () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 40 }), fc.array(key, { maxLength: 10 }), key, (dropped, added, other) => {
        const table = tableOf("{}", dropped) as KeyTable;
        const hidden = new HiddenSet(table, () => dropped);
        const set = new Set(dropped);
        for (const k of added) {
          hidden.add(k);
          set.add(k);
        }
        expect(hidden.has(other)).toBe(set.has(other));
        for (const k of [...dropped, ...added]) expect(hidden.has(k)).toBe(true);
        expect(hidden.size).toBe(set.size);
        expect([...hidden]).toEqual([...set]);
        const seen: string[] = [];
        hidden.forEach((k) => {
          seen.push(k);
        });
        expect(seen).toEqual([...set]);
        // Added after it was made whole: still there.
        hidden.add(`${other}+`);
        set.add(`${other}+`);
        expect(hidden.has(`${other}+`)).toBe(true);
        // (Last, unless it was a key already.)
        expect([...hidden.values()]).toEqual([...set]);
      }),
      { numRuns: 200 },
    );
  });

  it("is digested from the table's bytes and the keys added, without making the keys strings", () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 30 }), fc.array(key, { maxLength: 5 }), key, (keys, added, other) => {
        let asked = 0;
        const digestOf = (tableKeys: readonly string[], more: readonly string[]) => {
          const hidden = new HiddenSet(tableOf("{}", tableKeys) as KeyTable, () => {
            asked++;
            return tableKeys;
          });
          for (const k of more) hidden.add(k);
          return hiddenDigest(hidden);
        };
        const d = digestOf(keys, added);
        expect(digestOf(keys, added)).toBe(d);
        expect(digestOf([...keys, other], added)).not.toBe(d);
        if (!added.includes(other)) expect(digestOf(keys, [...added, other])).not.toBe(d);
        if (keys.length > 0) expect(digestOf(keys.slice(1), [keys[0] as string, ...added])).not.toBe(d);
        // One key for another, the counts the same.
        if (keys.length > 0 && keys[0] !== other) expect(digestOf([other, ...keys.slice(1)], added)).not.toBe(d);
        if (added.length > 0 && !added.includes(other)) expect(digestOf(keys, [other, ...added.slice(1)])).not.toBe(d);
        expect(asked).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it("leaves a summary's hidden keys in the table until they are read or replaced", () => {
    const table = tableOf("{}", ["set.com/1", "a.com/x", "b.com/y"]) as KeyTable;
    const read = emptySummary();
    hideInTable(read, table, 1);
    expect(hiddenKeysTable(read)).toBe(table);
    expect(JSON.parse(JSON.stringify(read)).hiddenKeys).toEqual(["a.com/x", "b.com/y"]);
    expect(hiddenKeysTable(read)).toBeUndefined();
    read.hiddenKeys.push("c.com/z");
    expect(read.hiddenKeys).toEqual(["a.com/x", "b.com/y", "c.com/z"]);
    const replaced = emptySummary();
    hideInTable(replaced, table, 1);
    replaced.hiddenKeys = ["d.com/w"];
    expect(hiddenKeysTable(replaced)).toBeUndefined();
    expect(replaced.hiddenKeys).toEqual(["d.com/w"]);
  });
});
