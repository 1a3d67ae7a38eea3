import { describe, expect, it } from "vitest";
import { normalizeRecord } from "../src/records/normalize-record.js";
import { normalizeRecords } from "../src/records/normalize-records.js";
import { rawRecord } from "./helpers/fixtures.js";

const codes = (r: ReturnType<typeof normalizeRecord>) => r.diagnostics.map((d) => d.code);

describe("normalizeRecord", () => {
  it("normalises a valid record and never keeps secured", () => {
    const r = normalizeRecord(rawRecord({ secured: "TOPSECRET", extra: 1 }), { file: "a.md" });
    expect(r.diagnostics).toEqual([]);
    expect(r.record).toMatchObject({
      id: "https://example.com/a",
      title: "A title",
      publishedDateTime: "2024-01-02T03:04:05Z",
      published: true,
      source: "a.md",
    });
    expect(JSON.stringify(r.record)).not.toContain("TOPSECRET");
    expect(r.record).not.toHaveProperty("secured");
  });

  it("rejects a record without title, date or URL, naming each field", () => {
    const r = normalizeRecord({ published: true }, { file: "a.md" });
    expect(r.record).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.field])).toEqual([
      ["missing-field", "title"],
      ["missing-field", "publishedDateTime"],
      ["missing-field", "webUrl"],
    ]);
  });

  it("gives the file line of the bad field when known", () => {
    const r = normalizeRecord(rawRecord({ quality: "high" }), {
      file: "x.md",
      lineOf: (k) => (k === "quality" ? 7 : undefined),
    });
    expect(r.record).toBeUndefined();
    expect(r.diagnostics).toEqual([
      {
        code: "invalid-field",
        severity: "error",
        message: 'quality must be a number 0–100, got "high"',
        file: "x.md",
        line: 7,
        field: "quality",
      },
    ]);
  });

  it("rejects quality or heat out of range and non-boolean published", () => {
    expect(codes(normalizeRecord(rawRecord({ quality: 101 })))).toEqual(["invalid-field"]);
    expect(codes(normalizeRecord(rawRecord({ heat: -1 })))).toEqual(["invalid-field"]);
    expect(normalizeRecord(rawRecord({ published: "yes" })).record).toBeUndefined();
  });

  it("treats a record without published as not published, with a warning", () => {
    const r = normalizeRecord(rawRecord({ published: undefined }));
    expect(r.record?.published).toBe(false);
    expect(codes(r)).toEqual(["missing-published"]);
  });

  it("accepts Date objects and offsets, storing UTC", () => {
    const r = normalizeRecord(
      rawRecord({ publishedDateTime: new Date("2021-07-19T10:00:00Z"), updatedDateTime: "2021-07-19T12:00:00+01:00" }),
    );
    expect(r.record?.publishedDateTime).toBe("2021-07-19T10:00:00Z");
    expect(r.record?.updatedDateTime).toBe("2021-07-19T11:00:00Z");
  });

  it("rejects relative and non-http URLs", () => {
    expect(normalizeRecord(rawRecord({ webUrl: "/a" })).diagnostics[0]).toMatchObject({
      code: "invalid-url",
      field: "webUrl",
    });
    expect(normalizeRecord(rawRecord({ webUrl: "javascript:alert(1)" })).record).toBeUndefined();
  });

  it("falls back to webUrl for a bad originalUrl, with a warning", () => {
    const r = normalizeRecord(rawRecord({ originalUrl: "not a url" }));
    expect(r.record?.originalUrl).toBe("https://example.com/a");
    expect(codes(r)).toEqual(["field-ignored"]);
  });

  it("cleans control characters from text and says so", () => {
    const r = normalizeRecord(rawRecord({ title: "A\u0000B\u001F" }));
    expect(r.record?.title).toBe("AB");
    expect(codes(r)).toEqual(["text-cleaned"]);
  });

  it("reads a single topic string as one topic, with a warning, and de-duplicates topics", () => {
    const one = normalizeRecord(rawRecord({ topics: "AI" }));
    expect(one.record?.topics).toEqual(["AI"]);
    expect(codes(one)).toEqual(["field-coerced"]);
    expect(normalizeRecord(rawRecord({ topics: ["AI", "ai", " AI ", "Cloud"] })).record?.topics).toEqual([
      "AI",
      "Cloud",
    ]);
  });

  it("drops bad images and related entries but keeps the record", () => {
    const r = normalizeRecord(
      rawRecord({
        images: [{ url: "/rel.png" }, { url: "https://i.example.com/a.png", width: 5, height: 6 }],
        related: [{ title: "x" }, { title: "ok", webUrl: "https://b.com/" }],
      }),
    );
    expect(r.record?.images).toEqual([{ url: "https://i.example.com/a.png", width: 5, height: 6 }]);
    expect(r.record?.related).toEqual([{ title: "ok", url: "https://b.com/" }]);
    expect(r.diagnostics.map((d) => d.field)).toEqual(["images[0]", "related[0]"]);
  });

  it("rejects front matter that is not a mapping", () => {
    expect(codes(normalizeRecord(["a", "b"]))).toEqual(["not-a-record"]);
    expect(codes(normalizeRecord("hello"))).toEqual(["not-a-record"]);
  });

  it("keeps only a valid provider domain", () => {
    expect(
      normalizeRecord(rawRecord({ provider: { name: "https//beincrypto.com", domain: "beincrypto.com" } })).record
        ?.provider,
    ).toEqual({ name: "https//beincrypto.com", domain: "beincrypto.com" });
    const bad = normalizeRecord(rawRecord({ provider: { name: "X", domain: "not a domain" } }));
    expect(bad.record?.provider).toEqual({ name: "X" });
    expect(codes(bad)).toEqual(["field-ignored"]);
  });
});

describe("normalizeRecords", () => {
  it("counts read and rejected records from code and labels them", () => {
    const set = normalizeRecords([rawRecord(), rawRecord({ title: "" })]);
    expect(set.read).toBe(2);
    expect(set.rejected).toBe(1);
    expect(set.records).toHaveLength(1);
    expect(set.diagnostics[0]).toMatchObject({ file: "records[1]", field: "title", code: "missing-field" });
  });
});
