import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeyTable } from "../src/io/_key-table.js";
import { HiddenSet, hiddenKeysTable, hideInTable } from "../src/model/_hidden-set.js";
import { emptySummary } from "../src/select/prefilter.js";

// Keys as the hidden keys are: no line break; some alike but for a few characters, some sharing
// their last 24 bytes (what the hash takes in) and their length.
const key = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }).map((s) => s.replace(/\n/g, "")),
  fc.string({ maxLength: 6 }).map((s) => `https://a.com/${s.replace(/\n/g, "")}`),
  fc.integer({ min: 0, max: 9 }).map((n) => `${n}${"/same-ending-of-thirty-bytes-xx"}`),
);

function tableOf(head: string, keys: readonly string[]): KeyTable | undefined {
  const bytes = Buffer.from(keys.length === 0 ? head : `${head}\n${keys.join("\n")}`);
  return KeyTable.fromLines(bytes, keys.length === 0 ? bytes.length : Buffer.byteLength(head) + 1, keys.length);
}

describe("KeyTable", () => {
  it("has exactly its lines, and gives them back as they were", () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 60 }), fc.array(key, { maxLength: 20 }), (keys, others) => {
        const table = tableOf('{"head":"ü"}', keys) as KeyTable;
        expect(table.count).toBe(keys.length);
        for (const k of keys) expect(table.has(k)).toBe(true);
        for (const k of others) expect(table.has(k)).toBe(keys.includes(k));
        expect(table.lines()).toEqual(keys);
        expect(table.lines(1)).toEqual(keys.slice(1));
        expect(table.lines(0, Math.min(2, keys.length))).toEqual(keys.slice(0, 2));
      }),
      { numRuns: 300 },
    );
  });

  it("is undefined when the lines are not as many as said", () => {
    const bytes = Buffer.from("head\na\nb");
    expect(KeyTable.fromLines(bytes, 5, 2)?.lines()).toEqual(["a", "b"]);
    expect(KeyTable.fromLines(bytes, 5, 1)).toBeUndefined();
    expect(KeyTable.fromLines(bytes, 5, 3)).toBeUndefined();
    expect(KeyTable.fromLines(bytes, 5, 0)).toBeUndefined();
    expect(KeyTable.fromLines(Buffer.from("head"), 4, 0)?.has("")).toBe(false);
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
        expect(hidden.has(`${other}+`)).toBe(true);
        expect([...hidden.values()].at(-1)).toBe(`${other}+`);
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
