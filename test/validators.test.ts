import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseFeed } from "feedsmith";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "./helpers/fixtures.js";
import {
  assertWellFormedXml,
  type ParsedItem,
  parseFeedDocument,
  parseRfc822,
  parseRfc3339,
  validateAtomSchema,
  validateJsonFeed,
} from "./helpers/validators.js";

// Fixtures copied from feedcheck's test feeds (valid/ and invalid/), plus entry-authors-only.atom.
const DIR = join(FIXTURES, "validators");
const text = (name: string): string => readFileSync(join(DIR, name), "utf8");
const bytes = (name: string): Uint8Array => readFileSync(join(DIR, name));

const joined = (errors: readonly string[]): string => errors.join("\n");

describe("validateAtomSchema (RFC 4287 RELAX NG, xmllint-wasm)", () => {
  it.each(["basic.atom", "rich.atom"])("accepts valid %s", async (name) => {
    expect(await validateAtomSchema(text(name))).toEqual([]);
  });

  it("accepts a feed without atom:author when every entry has one (valid per RFC 4287)", async () => {
    const xml = text("entry-authors-only.atom");
    expect(xml.slice(0, xml.indexOf("<entry>"))).not.toContain("<author>"); // no feed-level author
    expect(xml.match(/<entry>/g)).toHaveLength(2);
    expect(xml.match(/<author>/g)).toHaveLength(2);
    expect(await validateAtomSchema(xml)).toEqual([]);
  });

  it("rejects a feed without atom:id", async () => {
    const errors = await validateAtomSchema(text("atom-no-id.atom"));
    expect(errors.length).toBeGreaterThan(0);
    expect(joined(errors)).toMatch(/Expecting an element id/);
  });

  it("rejects an element the schema does not define", async () => {
    const errors = await validateAtomSchema(text("atom-unknown-element.atom"));
    expect(joined(errors)).toMatch(/line 9: .*description/);
  });

  it("rejects a date that is not xsd:dateTime", async () => {
    const errors = await validateAtomSchema(text("atom-bad-date.atom"));
    expect(joined(errors)).toMatch(/dateTime doesn't allow value '2024-01-02 10:00:00'/);
  });

  it("rejects a missing title, a second id in an entry, a person without name, a link without href", async () => {
    const basic = text("basic.atom");
    const cases: Array<[string, RegExp]> = [
      [basic.replace("<title>Example Blog</title>", ""), /Expecting an element title, got nothing/],
      [
        basic.replace("<id>https://example.org/posts/1</id>", "<id>a:1</id><id>a:2</id>"),
        /Extra element id in interleave/,
      ],
      [
        basic.replace("<author><name>Jane Doe</name></author>", "<author><email>j@example.org</email></author>"),
        /line 9: element author: .*Expecting an element name/,
      ],
      [
        basic.replace('<link href="https://example.org/posts/1"/>', '<link rel="alternate"/>'),
        /Element link failed to validate attributes/,
      ],
      [basic.replace("<title>First post</title>", '<title type="xhtml">no div</title>'), /line 21: element title/],
    ];
    for (const [xml, pattern] of cases) {
      expect(xml).not.toBe(basic);
      const errors = await validateAtomSchema(xml);
      expect(errors.length, xml).toBeGreaterThan(0);
      expect(joined(errors)).toMatch(pattern);
    }
  });

  it("reports a document that is not well-formed", async () => {
    const errors = await validateAtomSchema(text("basic.atom").replace("</feed>", ""));
    expect(errors.length).toBeGreaterThan(0);
  });

  it("checks the grammar only: the feed-author Schematron rule is out of its scope", async () => {
    // No feed author and entries without author: invalid per RFC 4287 4.1.1, but only its
    // Schematron annotation says so; jing -c accepts it too.
    const xml = text("basic.atom").replace("<author><name>Jane Doe</name></author>", "");
    expect(await validateAtomSchema(xml)).toEqual([]);
  });
});

describe("validateJsonFeed (ajv + JSON Feed 1.1 schema + spec rules)", () => {
  it.each(["basic.json", "rich.json"])("accepts valid %s, as text and as bytes", (name) => {
    expect(validateJsonFeed(text(name))).toEqual([]);
    expect(validateJsonFeed(bytes(name))).toEqual([]);
  });

  it("rejects a version other than 1.1", () => {
    const errors = validateJsonFeed(text("json-wrong-version.json"));
    expect(errors).toContain(
      '/version: must be "https://jsonfeed.org/version/1.1", got "https://jsonfeed.org/version/1"',
    );
  });

  it("reports each schema violation", () => {
    const all = joined(validateJsonFeed(text("json-schema-violations.json")));
    expect(all).toMatch(/^\/: must NOT have additional properties \(categories\)/m);
    expect(all).toMatch(/^\/items\/0: must have required property 'content_html'/m);
    expect(all).toMatch(/^\/items\/1\/id: must be string/m);
    expect(all).toMatch(/^\/items\/1\/attachments\/0: must have required property 'mime_type'/m);
  });

  it("rejects duplicate item ids", () => {
    expect(validateJsonFeed(text("json-duplicate-ids.json"))).toEqual([
      '/items/1/id: duplicate id "1" (same as /items/0/id)',
    ]);
  });

  it("rejects dates that are not RFC 3339 with a zone", () => {
    const errors = validateJsonFeed(text("json-bad-dates.json"));
    for (const where of ["/items/0/date_published", "/items/1/date_published", "/items/2/date_modified"]) {
      expect(joined(errors)).toContain(`${where}: must match format "date-time"`);
    }
    const lower = text("basic.json").replace("2024-01-02T10:00:00Z", "2024-01-02t10:00:00z");
    expect(joined(validateJsonFeed(lower))).toMatch(/\/items\/0\/date_published: .*upper-case T\/Z/);
  });

  it("rejects next_url equal to feed_url", () => {
    expect(joined(validateJsonFeed(text("json-next-url-loop.json")))).toMatch(/^\/next_url: equals feed_url/);
  });

  it("rejects JSON syntax errors, duplicate member names, a BOM and bytes that are not UTF-8", () => {
    expect(validateJsonFeed(text("json-syntax-error.json"))).toEqual([
      expect.stringMatching(/^not valid JSON: .*line 1, column \d+/),
    ]);
    const dupKey = text("basic.json").replace('"title": "Example Blog",', '"title": "Example Blog", "title": "Again",');
    expect(validateJsonFeed(dupKey)).toEqual(['/: duplicate member name "title"']);
    const nestedDup = text("basic.json").replace('"title": "First post",', '"title": "First post", "title": "First",');
    expect(validateJsonFeed(nestedDup)).toEqual(['/items/1: duplicate member name "title"']);
    expect(validateJsonFeed(`\uFEFF${text("basic.json")}`)).toEqual([expect.stringMatching(/byte order mark/)]);
    const latin1 = Buffer.from(text("basic.json").replace("Hello, world!", "H\u00e9llo"), "latin1");
    expect(validateJsonFeed(latin1)).toEqual(["not valid UTF-8"]);
  });
});

describe("parseFeedDocument (strict XML + feedsmith)", () => {
  const pick = (it: ParsedItem, keys: ReadonlyArray<keyof ParsedItem>): Partial<ParsedItem> =>
    Object.fromEntries(keys.map((k) => [k, it[k]]));

  it("reads RSS, Atom and JSON Feed into the same shape", async () => {
    const rss = await parseFeedDocument(text("rich.rss"));
    const atom = await parseFeedDocument(text("rich.atom"));
    const json = await parseFeedDocument(bytes("rich.json"));
    expect([rss.format, atom.format, json.format]).toEqual(["rss", "atom", "json"]);
    expect(rss.items[0]).toEqual({
      id: "tag:example.org,2024:rich-1",
      title: "Ünïcödé & <markup> in a title",
      link: "https://example.org/posts/rich?x=1&y=2",
      published: "2024-01-03T12:00:00Z",
      updated: undefined,
      summary: "Summary with HTML and an emoji 🎉.",
      content: "Full content with a link and .",
      categories: ["tech", "feeds"],
      authors: ["Jane Doe"],
    });
    const keys = ["id", "title", "link", "published", "summary", "content", "categories", "authors"] as const;
    for (const feed of [atom, json]) {
      expect(feed.title).toBe(rss.title);
      expect(feed.link).toBe(rss.link);
      expect(feed.items.map((i) => pick(i, keys))).toEqual(rss.items.map((i) => pick(i, keys)));
    }
    expect(atom.items[0]?.updated).toBe("2024-01-03T12:00:00Z");
  });

  it("normalises dates to UTC and lets entries inherit the feed's authors", async () => {
    const rss = await parseFeedDocument(text("basic.rss"));
    const atom = await parseFeedDocument(text("basic.atom"));
    const json = await parseFeedDocument(text("basic.json"));
    const keys = ["id", "title", "link", "published", "summary", "categories"] as const;
    expect(atom.items.map((i) => pick(i, keys))).toEqual(rss.items.map((i) => pick(i, keys)));
    expect(json.items.map((i) => pick(i, keys))).toEqual(rss.items.map((i) => pick(i, keys)));
    expect(json.items[1]?.published).toBe("2024-01-01T08:30:00Z"); // written as 09:30:00+01:00
    expect(atom.items.map((i) => i.authors)).toEqual([["Jane Doe"], ["Jane Doe"]]);
    expect(json.items.map((i) => i.authors)).toEqual([["Jane Doe"], ["Jane Doe"]]);
  });

  it("rejects XML that feedsmith alone would accept", async () => {
    for (const [name, message] of [
      ["not-well-formed.rss", /not well-formed: 12:0: unclosed tag/],
      ["control-char.rss", /not well-formed: 4:20: disallowed character/],
      ["control-charref.rss", /not well-formed: 4:26: malformed character entity/],
    ] as const) {
      expect(() => parseFeed(text(name)), name).not.toThrow(); // the lenient reader alone
      await expect(parseFeedDocument(text(name)), name).rejects.toThrow(message);
    }
  });

  it("rejects bytes that are not UTF-8, and a declared encoding other than UTF-8", async () => {
    await expect(parseFeedDocument(bytes("bad-encoding.rss"))).rejects.toThrow(/not valid UTF-8/);
    const latin = Buffer.from(text("basic.rss").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), "utf8");
    await expect(parseFeedDocument(latin)).rejects.toThrow(/encoding ISO-8859-1/);
  });

  it("rejects dates a reader could not read", async () => {
    await expect(parseFeedDocument(text("rss-iso-date.rss"))).rejects.toThrow(
      /pubDate "2024-01-02T10:00:00Z" is not an RFC 822 date/,
    );
    await expect(parseFeedDocument(text("atom-bad-date.atom"))).rejects.toThrow(/feed updated "2024-01-02 10:00:00"/);
    await expect(parseFeedDocument(text("json-bad-dates.json"))).rejects.toThrow(/date_published "2024-01-02"/);
  });

  it("rejects JSON with duplicate member names", async () => {
    const dup = text("basic.json").replace(
      '"id": "https://example.org/posts/1",',
      '"id": "a", "id": "https://example.org/posts/1",',
    );
    await expect(parseFeedDocument(dup)).rejects.toThrow(/duplicate member name "id" at \/items\/1/);
  });

  it("assertWellFormedXml accepts the valid feeds", () => {
    for (const name of ["basic.rss", "rich.rss", "basic.atom", "rich.atom", "entry-authors-only.atom"]) {
      expect(() => assertWellFormedXml(text(name)), name).not.toThrow();
    }
    expect(() => assertWellFormedXml('<a xmlns="x"><b/></a><c/>')).toThrow(/only one root/);
    expect(() => assertWellFormedXml("<x:a/>")).toThrow(/unbound namespace prefix/);
  });
});

describe("strict date parsers", () => {
  it("parseRfc822", () => {
    expect(parseRfc822("Tue, 02 Jan 2024 10:00:00 GMT")).toBe(Date.UTC(2024, 0, 2, 10));
    expect(parseRfc822("2 Jan 2024 12:00 +0200")).toBe(Date.UTC(2024, 0, 2, 10));
    expect(parseRfc822("Tue, 02 Jan 2024 05:00:00 EST")).toBe(Date.UTC(2024, 0, 2, 10));
    for (const bad of [
      "Wed, 02 Jan 2024 10:00:00 GMT", // wrong weekday
      "Tue, 02 Jan 24 10:00:00 GMT", // two-digit year
      "Tue, 32 Jan 2024 10:00:00 GMT",
      "Thu, 29 Feb 2024 10:00:00 XYZ",
      "Tue, 02 Jan 2024 10:00:00", // no zone
      "2024-01-02T10:00:00Z",
    ]) {
      expect(parseRfc822(bad), bad).toBeUndefined();
    }
  });

  it("parseRfc3339", () => {
    expect(parseRfc3339("2024-01-02T11:00:00.5+01:00")).toBe(Date.UTC(2024, 0, 2, 10, 0, 0, 500));
    for (const bad of [
      "2024-01-02T10:00:00",
      "2024-01-02",
      "2024-01-02t10:00:00z",
      "2023-02-29T10:00:00Z",
      "2024-01-02 10:00:00Z",
    ]) {
      expect(parseRfc3339(bad), bad).toBeUndefined();
    }
  });
});
