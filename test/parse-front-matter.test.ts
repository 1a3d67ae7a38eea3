import { describe, expect, it } from "vitest";
import { parseFrontMatter } from "../src/records/parse-front-matter.js";

describe("parseFrontMatter", () => {
  it("parses front matter and locates top-level keys", () => {
    const r = parseFrontMatter("---\ntitle: Hi\n\nquality: 5\n---\n", "a.md");
    expect(r.data).toEqual({ title: "Hi", quality: 5 });
    expect("lineOf" in r && r.lineOf("quality")).toBe(4);
    expect("rawOf" in r && r.rawOf("quality")).toBe("5");
  });

  it("reports YAML errors with file, line and column, every time (gray-matter cache trap)", () => {
    const text = "---\ntitle: a\n  b: [\n---\n";
    for (let i = 0; i < 2; i++) {
      const r = parseFrontMatter(text, "bad.md");
      expect(r.diagnostic).toMatchObject({ code: "yaml-syntax", file: "bad.md", line: 3, column: 4 });
    }
  });

  it("reports an unclosed quote where the string opens, not where the input ends", () => {
    const double = parseFrontMatter('---\ntitle: "unclosed\nwebUrl: https://e.com/a\n---\nbody\n', "a.md");
    expect(double.diagnostic).toMatchObject({
      code: "yaml-syntax",
      line: 2,
      column: 8,
      message: "invalid YAML: the double-quoted string that starts here is never closed",
    });
    // Escaped quotes inside the open string are not where it opens.
    expect(parseFrontMatter('---\ntitle: say "hi"\nexcerpt: "a \\" b\nx: 1\n---\n').diagnostic).toMatchObject({
      line: 3,
      column: 10,
    });
    expect(parseFrontMatter("---\ntitle: ok\nexcerpt: 'it''s\nx: 1\n---\n").diagnostic).toMatchObject({
      line: 3,
      column: 10,
      message: "invalid YAML: the single-quoted string that starts here is never closed",
    });
  });

  it("reports a duplicated key on its line", () => {
    expect(parseFrontMatter("---\na: 1\na: 2\n---\n").diagnostic).toMatchObject({ code: "yaml-syntax", line: 3 });
  });

  it("accepts a BOM and CRLF line ends", () => {
    expect(parseFrontMatter("\uFEFF---\r\ntitle: a\r\nq: 1\r\n---\r\n").data).toEqual({ title: "a", q: 1 });
  });

  it("says when there is no front matter, or it is empty or unclosed", () => {
    expect(parseFrontMatter("").diagnostic).toMatchObject({
      code: "no-front-matter",
      message: expect.stringContaining("empty"),
    });
    expect(parseFrontMatter("# Just markdown\n").diagnostic).toMatchObject({ code: "no-front-matter" });
    expect(parseFrontMatter("---\n---\n").diagnostic).toMatchObject({ code: "not-a-record" });
    expect(parseFrontMatter("---\ntitle: a\n").diagnostic).toMatchObject({
      code: "no-front-matter",
      message: expect.stringContaining("closing"),
    });
  });

  it("reads YAML 1.1 as gray-matter does (octal, unquoted timestamps)", () => {
    const r = parseFrontMatter("---\nquality: 054\nwhen: 2021-07-19T10:00:00Z\n---\n");
    expect(r.data).toEqual({ quality: 44, when: new Date("2021-07-19T10:00:00Z") });
  });
});
