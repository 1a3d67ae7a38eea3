import { describe, expect, it } from "vitest";
import { type FileOutcome, internOutcome, internTable, type RecordRow } from "../src/io/record-rows.js";

function row(topics: string[], provider: [string, string | null] | 0 = ["The Neural Hub", "neuralhub.de"]): RecordRow {
  const url = `https://neuralhub.de/a/${topics.join("-")}`;
  return [
    url,
    "A title",
    null,
    "2024-01-02T03:04:05Z",
    null,
    url,
    0,
    "news",
    "article",
    60,
    null,
    1,
    provider,
    topics,
    [],
    [],
    null,
  ];
}

describe("internOutcome", () => {
  it("changes no value of the record row or the drop row", () => {
    const t = internTable();
    const kept: FileOutcome = [[10, 1, 2, 3], 0, row(["AI", "Cloud"]), 0];
    const dropped: FileOutcome = [
      [11, 1, 2, 4],
      0,
      0,
      ["minQuality", ["https://x.example/a"], ["AI"], "2024-01-01T00:00:00Z"],
    ];
    const before = structuredClone([kept, dropped]);
    internOutcome(kept, t);
    internOutcome(dropped, t);
    expect([kept, dropped]).toEqual(before);
  });

  it("keeps one entry per distinct short string, and none for long ones", () => {
    const t = internTable();
    const long = "x".repeat(200);
    for (let i = 0; i < 50; i++) internOutcome([[i, 1, 2, i], 0, row(["AI", "Cloud", long]), 0], t);
    internOutcome([[99, 1, 2, 99], 0, 0, ["published", [], ["AI", "Data"], null]], t);
    expect([...t.strings.keys()].sort()).toEqual(
      ["AI", "Cloud", "Data", "The Neural Hub", "article", "neuralhub.de", "news", "published"].sort(),
    );
  });

  it("stops growing at its bound, leaving further strings as they are", () => {
    const t = internTable();
    const topics = Array.from({ length: 60_000 }, (_, i) => `topic ${i}`);
    const r = row(topics, 0);
    internOutcome([[1, 1, 2, 1], 0, r, 0], t);
    expect(t.strings.size).toBe(50_000); // the category, the type and topics, up to the bound
    expect(r[13]).toEqual(topics);
  });

  it("gives drop rows without hidden keys or topics one shared, frozen empty list", () => {
    const t = internTable();
    const a: FileOutcome = [[1, 1, 2, 1], 0, 0, ["published", [], [], null]];
    const b: FileOutcome = [[2, 1, 2, 2], 0, 0, ["published", [], [], null]];
    internOutcome(a, t);
    internOutcome(b, t);
    const [da, db] = [a[3], b[3]] as [NonNullable<Exclude<FileOutcome[3], 0>>, NonNullable<Exclude<FileOutcome[3], 0>>];
    expect(da[1]).toBe(db[1]);
    expect(da[2]).toBe(da[1]);
    expect(Object.isFrozen(da[1])).toBe(true);
  });
});
