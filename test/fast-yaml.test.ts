import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import matter from "gray-matter";
import { describe, expect, it } from "vitest";
import { parseFastYaml } from "../src/records/_fast-yaml.js";
import { FIXTURES } from "./helpers/fixtures.js";

// The contract: parseFastYaml either gives up (undefined) or returns exactly what gray-matter
// (js-yaml 3, YAML 1.1) returns for the same front matter; when gray-matter throws, it gives up.

/** gray-matter's data for the front matter `yaml`, or the error it throws. */
function slowParse(yaml: string): { data: unknown } | { error: unknown } {
  try {
    // An options object always: without one gray-matter caches by content.
    return { data: matter(`---\n${yaml}---\n`, {}).data };
  } catch (error) {
    return { error };
  }
}

/**
 * A form of a value that deep equality compares strictly: key order, plain prototypes, Date
 * instances and their time values, -0 apart from 0.
 */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return { date: value.getTime() };
  if (Array.isArray(value)) return { array: value.map(canonical) };
  if (value !== null && typeof value === "object") {
    const proto: unknown = Object.getPrototypeOf(value);
    return {
      object: Object.entries(value).map(([k, v]) => [k, canonical(v)]),
      plain: proto === Object.prototype || proto === null,
    };
  }
  if (typeof value === "number" && Object.is(value, -0)) return { number: "-0" };
  return value;
}

/** Checks the contract for one text; says whether the fast path took it. */
function agrees(yaml: string): boolean {
  const fast = parseFastYaml(yaml);
  const slow = slowParse(yaml);
  if (fast === undefined) return false;
  if ("error" in slow) {
    throw new Error(
      `the fast path accepted YAML that gray-matter rejects (${String(slow.error)}): ${JSON.stringify(yaml)}`,
    );
  }
  expect(canonical(fast), JSON.stringify(yaml)).toStrictEqual(canonical(slow.data));
  return true;
}

/** The front matter of a record file: the text between its `---` lines, ending in a LF. */
function frontMatterOf(text: string): string {
  const m = /^---\n([\s\S]*?\n)---[ \t]*\r?$/m.exec(text.replace(/^\uFEFF/, ""));
  if (m?.[1] === undefined) throw new Error("no front matter");
  return m[1];
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * 31 records of the corpus generator (`generate.mjs --count 10000`, seed 1), chosen so that each
 * shape appears at least three times: images with and without width/height, related items with
 * and without images, updatedDateTime, AMP URLs, odd providers (`https//…`, CJK, digits first),
 * awkward topics (`C++`, `5G`, `Künstliche Intelligenz`), special titles (backslashes, escaped
 * quotes, emoji, `<script>`, `&amp;`, RTL scripts), every offset, seconds and milliseconds.
 */
const SAMPLE_DIR = join(FIXTURES, "corpus-sample");
const SAMPLES = markdownFiles(SAMPLE_DIR).map((file) => ({ file, yaml: frontMatterOf(readFileSync(file, "utf8")) }));

describe("parseFastYaml: differential against gray-matter", () => {
  it("reads every sample record of the generated corpus, exactly as gray-matter does", () => {
    expect(SAMPLES.length).toBeGreaterThanOrEqual(30);
    for (const { file, yaml } of SAMPLES) {
      // Every sample must take the fast path, or the fast path could silently never run.
      expect(agrees(yaml), file).toBe(true);
    }
  });

  it("agrees with gray-matter on the record fixtures (valid and broken)", () => {
    const files = markdownFiles(join(FIXTURES, "records"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      let yaml: string;
      try {
        yaml = frontMatterOf(text);
      } catch {
        continue; // not a front matter case
      }
      agrees(yaml);
    }
  });

  const corpusDir = process.env.TOPICFEEDS_CORPUS_DIR;
  it.runIf(corpusDir !== undefined && corpusDir !== "")(
    "reads every record of the generated corpus in $TOPICFEEDS_CORPUS_DIR on the fast path, as gray-matter does",
    () => {
      const files = markdownFiles(corpusDir ?? "");
      expect(files.length).toBeGreaterThan(0);
      let handled = 0;
      for (const file of files) if (agrees(frontMatterOf(readFileSync(file, "utf8")))) handled++;
      expect(handled).toBe(files.length);
    },
  );
});

/** Scalars that YAML 1.1 / js-yaml 3 read in surprising ways, or that must be left to gray-matter. */
const TRICKY_SCALARS = [
  // integers and their YAML 1.1 lookalikes
  "0",
  "00",
  "054",
  "09",
  "-0",
  "+0",
  "+1",
  "-1",
  "-54",
  "0x1F",
  "0X1F",
  "-0x1F",
  "0b101",
  "0o17",
  "1_000",
  "1__0",
  "_1",
  "1_",
  "1:20",
  "-1:20",
  "190:20:30",
  "1:60",
  "123456789012345",
  "-123456789012345",
  "1234567890123456",
  "12345678901234567890",
  // floats
  "1.5",
  "-1.5",
  "0.0",
  "-0.0",
  "1.50",
  "1.",
  "5.",
  ".5",
  "-.5",
  "1e3",
  "1E3",
  "1e-3",
  "1.5e3",
  "1.5E+3",
  "1_0.5",
  "1:20.5",
  ".inf",
  "-.inf",
  "+.inf",
  ".Inf",
  ".INF",
  ".nan",
  ".NaN",
  ".NAN",
  "NaN",
  "Infinity",
  "-Infinity",
  "0.12345678901234567",
  "3.141592653589793",
  // booleans and nulls (js-yaml 3 has no yes/no/on/off)
  "true",
  "True",
  "TRUE",
  "tRUE",
  "false",
  "False",
  "FALSE",
  "yes",
  "Yes",
  "YES",
  "no",
  "No",
  "NO",
  "on",
  "On",
  "off",
  "Off",
  "y",
  "Y",
  "n",
  "N",
  "null",
  "Null",
  "NULL",
  "nUll",
  "~",
  "~x",
  "",
  // timestamps
  "2021-01-01",
  "2021-02-30",
  "2021-13-45",
  "0050-01-01",
  "0000-01-01",
  "2021-2-3",
  "2021-01-1",
  "20210101",
  "2021-01-01T10:00:00Z",
  "2021-01-01t10:00:00z",
  "2021-01-01T10:00:00z",
  "2021-01-01 10:00:00",
  "2021-01-01  10:00:00Z",
  "2021-01-01T10:00:00.1Z",
  "2021-01-01T10:00:00.12Z",
  "2021-01-01T10:00:00.123Z",
  "2021-01-01T10:00:00.123456789Z",
  "2021-01-01T10:00:00.999999Z",
  "2021-01-01T10:00:00.Z",
  "2021-01-01T10:00:00.5+05:30",
  "2021-01-01T10:00:00+05:30",
  "2021-01-01T10:00:00-07:00",
  "2021-01-01T10:00:00+13:45",
  "2021-01-01T10:00:00-00:30",
  "2021-01-01T10:00:00+00:00",
  "2021-01-01T10:00:00+05",
  "2021-01-01T10:00:00 +05:00",
  "2021-01-01T10:00:00 Z",
  "2021-01-01T1:00:00Z",
  "2021-01-01T10:00Z",
  "2021-01-01T10:00:00",
  "2021-13-45T25:61:61-23:59",
  "2021-01-01T10:00:00+5:30",
  "2021-01-01T10:00:00.5",
  "2021-01-01T",
  // double-quoted strings and escapes
  '"plain"',
  '""',
  '"\\u00e9"',
  '"\\x41\\U0001F600"',
  '"\\N\\_\\L\\P\\0\\a\\b\\e\\v\\f\\/\\t\\n\\r\\ \\"\\\\"',
  '"\\q"',
  '"\\uD800"',
  '"\\uDC00\\uD83D"',
  '"\\U00110000"',
  '"\\UFFFFFFFF"',
  '"\\x4"',
  '"\\u12G4"',
  '"a\\\tb"',
  '"tab\tin"',
  '"unterminated',
  '"a" b',
  '"a" #c',
  '"a"#c',
  '"a":',
  '"a": b',
  '"C:\\\\Windows\\\\Temp"',
  '"<script>&amp;"',
  '"🇩🇪👩‍💻"',
  '"\u0085\u2028\ufeff"',
  '"\x7f\x9f"',
  '"\ud800"',
  '"\x01"',
  // other node kinds
  "'single'",
  "'it''s'",
  "''",
  "&a",
  "&a x",
  "*a",
  "!!str 5",
  "!!int 5",
  "!tag x",
  "[1,2]",
  "[]",
  "{a: 1}",
  "{}",
  "| ",
  "|",
  "|-",
  ">",
  "#comment",
  "a #comment",
  "a#b",
  "C#",
  "a: b",
  "a:b",
  "a:",
  "a :",
  "- a",
  "-a",
  "-",
  "--",
  "---",
  "...",
  "?",
  "? a",
  "?a",
  ":",
  ":a",
  "@x",
  "`x`",
  "%x",
  "<<",
  "<a",
  "=",
  ",a",
  "]",
  "}",
  "a, b",
  "a [b] {c}",
  "a  b",
  "a\tb",
  // plain strings that look a bit like numbers, or are not ASCII
  "5G",
  "36氪",
  "1st",
  "2FA",
  "0xZZ",
  "12 monkeys",
  "1.2.3",
  "1-2",
  "3 - 2",
  "10%",
  "$5",
  "(a)",
  "/path",
  "_x",
  "\\x",
  "^",
  ";",
  "a'b",
  'a"b',
  "https://a.b/c?d=e&f#g",
  "https//beincrypto.com",
  "C++",
  "Identity & Access Management",
  "IoT/OT Security",
  "é",
  "日経クロステック",
  "😀",
  "\u00a0x",
  "x\u00a0",
  "\u2028",
  "\u0085",
  "\ufeff",
  "\ud800",
  "\x7f",
  "a\u200db",
];

/** Tricky scalars the fast path must take (not give up on), so that it keeps its coverage. */
const MUST_HANDLE = new Set([
  "0",
  "-1",
  "-54",
  "123456789012345",
  "1.5",
  "-0.0",
  "0.0",
  "1.50",
  "true",
  "True",
  "FALSE",
  "yes",
  "no",
  "on",
  "off",
  "y",
  "n",
  "null",
  "Null",
  "~",
  "nUll",
  "tRUE",
  "",
  "2021-01-01",
  "2021-02-30",
  "2021-13-45",
  "0050-01-01",
  "2021-01-01T10:00:00Z",
  "2021-01-01T10:00:00.123456789Z",
  "2021-01-01T10:00:00.5+05:30",
  "2021-01-01T10:00:00-00:30",
  "2021-13-45T25:61:61-23:59",
  "2021-01-01T10:00:00",
  '"\\u00e9"',
  '"\\x41\\U0001F600"',
  '"\\N\\_\\L\\P\\0\\a\\b\\e\\v\\f\\/\\t\\n\\r\\ \\"\\\\"',
  '"\\uD800"',
  '"C:\\\\Windows\\\\Temp"',
  '"🇩🇪👩‍💻"',
  "a#b",
  "C#",
  "a:b",
  "5G",
  "36氪",
  "12 monkeys",
  "https//beincrypto.com",
  "C++",
  "é",
  "😀",
]);

describe("parseFastYaml: tricky scalars, each checked against gray-matter", () => {
  const contexts: [string, (s: string) => string][] = [
    ["a mapping value", (s) => `value: ${s}\n`],
    ["a nested mapping value", (s) => `provider:\n  name: ${s}\n  domain: a.com\n`],
    ["a sequence item", (s) => `topics:\n  - AI\n  - ${s}\n`],
    ["a value in a sequence of mappings", (s) => `images:\n  - url: ${s}\n    width: 602\n  - url: x\n`],
  ];
  for (const [where, wrap] of contexts) {
    it(`as ${where}`, () => {
      for (const scalar of TRICKY_SCALARS) {
        const yaml = wrap(scalar).replace(": \n", ":\n").replace("- \n", "-\n");
        const handled = agrees(yaml);
        if (MUST_HANDLE.has(scalar) && !(scalar === "" && where === "a sequence item")) {
          expect(handled, `not handled: ${JSON.stringify(yaml)}`).toBe(true);
        }
      }
    });
  }

  it("reads YAML 1.1 the js-yaml 3 way: yes/no are strings, True is a boolean, dates overflow", () => {
    const yaml =
      "a: yes\nb: True\nc: 2021-02-30\nd: 0050-01-01\ne: 2021-01-01T10:00:00.123456Z\nf: 2021-01-01T10:00:00+05:30\n";
    expect(agrees(yaml)).toBe(true);
    expect(parseFastYaml(yaml)).toStrictEqual(slowData(yaml));
  });

  it("gives up on forms gray-matter reads as other types (octal, hex, sexagesimal, exponents)", () => {
    for (const s of ["054", "0x1F", "1:20", "1e3", ".5", "-0", "+1", "1_000", ".inf", "2021-01-01 10:00:00"]) {
      const yaml = `v: ${s}\n`;
      expect(parseFastYaml(yaml), s).toBeUndefined();
      const slow = slowParse(yaml);
      expect("data" in slow && typeof (slow.data as { v: unknown }).v !== "string", s).toBe(true);
    }
  });
});

function slowData(yaml: string): unknown {
  const slow = slowParse(yaml);
  if ("error" in slow) throw slow.error;
  return slow.data;
}

describe("parseFastYaml: structure", () => {
  it("reads nested mappings, sequences of scalars and of mappings, and sequences in sequence items", () => {
    const yaml = [
      'title: "T"',
      "",
      "provider:",
      "  name: Dark Reading",
      "  domain: darkreading.com",
      "",
      "topics:",
      "  - AI",
      "  - Machine Learning",
      "",
      "related:",
      '  - title: "R"',
      "    provider:",
      "      name: https//beincrypto.com",
      "      domain: beincrypto.com",
      "    images:",
      '      - url: "https://a/b.png"',
      "        width: 1200",
      "        isCached: true",
      '      - url: "https://a/c.png"',
      "        isCached: false",
      '  - title: "S"',
      "    quality: 31",
      "",
    ].join("\n");
    expect(agrees(yaml)).toBe(true);
  });

  it("reads empty values as null, also before a less indented line and at the end", () => {
    for (const yaml of [
      "a:\nb: 1\n",
      "a:\n",
      "a:\n\n\n",
      "p:\n  x:\n  y: 1\nz:\n",
      "s:\n  - a:\n    b:\n  - c:\n",
      "s:\n  - a:\n  - b\n",
    ]) {
      expect(agrees(yaml), yaml).toBe(true);
    }
  });

  it("gives up on duplicate keys, which gray-matter rejects", () => {
    for (const yaml of ["a: 1\na: 2\n", "p:\n  x: 1\n  x: 2\n", "s:\n  - a: 1\n    a: 1\n", "a:\nb: 1\na:\n"]) {
      expect(parseFastYaml(yaml), yaml).toBeUndefined();
      expect("error" in slowParse(yaml), yaml).toBe(true);
    }
  });

  it("gives up on CRLF, a BOM, tabs, comments, documents markers and a missing final line feed", () => {
    for (const yaml of [
      "a: 1\r\nb: 2\r\n",
      "\uFEFFa: 1\n",
      "a:\n\t- x\n",
      "a: 1 # c\n",
      "# c\na: 1\n",
      "---\na: 1\n",
      "a: 1\n...\n",
      "a: 1",
      "",
      "\n",
    ]) {
      expect(parseFastYaml(yaml), JSON.stringify(yaml)).toBeUndefined();
    }
  });

  it("gives up on sequences indented like their key, which js-yaml reads as the value", () => {
    for (const yaml of ["topics:\n- AI\n", "s:\n  - a:\n    - x\n"]) {
      expect(parseFastYaml(yaml), yaml).toBeUndefined();
      agrees(yaml);
    }
  });

  it("reads keys that start like the usual record keys", () => {
    const yaml =
      "publishedX: 1\npublished: 2\npublishedDateTimeZ: 3\npublished-x: 4\nwebUr: 5\nwebUrl2: 6\nu: 7\nURL: 8\nnam_e: 9\n";
    expect(agrees(yaml)).toBe(true);
    expect(Object.keys(parseFastYaml(yaml) ?? {})).toStrictEqual(Object.keys(slowData(yaml) as object));
    for (const bad of ["published:x\n", "published :x\n", 'title:"x"\n', "url:: x\n"]) agrees(bad);
  });

  it("agrees on odd keys and indentation", () => {
    const cases = [
      "constructor: 1\ntoString: x\nhasOwnProperty: 2\nvalueOf: 3\n",
      "__proto__: 1\n",
      "null: 1\n",
      "True: 1\n",
      "1: one\n",
      "a b: 1\n",
      "a-b_c9: 1\n",
      '"q": 1\n',
      "a:1\n",
      "a :1\n",
      "  a: 1\n  b: 2\n",
      "a:\n b: 1\n",
      "a:\n    b: 1\n   c: 2\n",
      "a:\n  b: 1\n c: 2\n",
      "a: 1\n b: 2\n",
      "a:\n  - x\n   - y\n",
      "a:\n  - x\n y\n",
      "a:\n  -  x\n",
      "a:\n  -\n",
      "a:\n  - \n",
      "a:\n  - - x\n",
      "a: x\n  y\n",
      'a: "x\n  y"\n',
      "a:\n  x\n",
      "a: \n",
      "a:  b\n",
      "a: b \n",
      "a:\n  \nb: 1\n",
    ];
    for (const yaml of cases) agrees(yaml);
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzzing: mutated sample records and generated documents.

const ALPHABET = [
  " ",
  " ",
  "  ",
  "\t",
  "\r",
  "\n",
  "\n",
  ":",
  ": ",
  "#",
  " #",
  "-",
  "- ",
  '"',
  "'",
  "\\",
  "\\u",
  "\\x",
  "&",
  "*",
  "!",
  "|",
  ">",
  "[",
  "]",
  "{",
  "}",
  ",",
  "?",
  "%",
  "@",
  "`",
  "~",
  ".",
  "0",
  "1",
  "9",
  "a",
  "e",
  "E",
  "x",
  "T",
  "Z",
  "+",
  "_",
  "é",
  "😀",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\ud800",
  "\udc00",
  "\x00",
  "\x01",
  "\x7f",
  "\x9f",
  "\u00a0",
  "---",
  "...",
];

const TRICKY_LINES = [
  "",
  " ",
  "  ",
  "\t",
  "# comment",
  "  # indented comment",
  "---",
  "...",
  "%YAML 1.1",
  "- item",
  "  - item",
  "-",
  "  -",
  "key: value",
  'title: "dup"',
  "category: dup",
  "  name: x",
  "    width: 1",
  '      - url: "u"',
  "<<: *a",
  "? complex",
  ": value",
  "a: &anchor 1",
  "b: *anchor",
  "x: |",
  "  block",
  "y: >-",
  "  folded",
  "z: [a, b]",
  "w: {a: 1}",
  "null: 1",
  "true: 2",
  "1: one",
  '"q": 1',
  "'s': 1",
  "a b: 1",
  "a:1",
  "k:",
  "\uFEFFk: 1",
  "k: 1\r",
  "k:\t1",
  "constructor: 1",
  "toString: x",
  "__proto__: x",
  "topics:",
  "- AI",
  "images:",
  '  - url: "x"',
  "    isCached: true",
  "related:",
];

const trickyScalar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY_SCALARS) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: fc.constantFrom(..."0123456789+-._:eExXbBoO TZtz"), minLength: 1, maxLength: 8 }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.constantFrom("", "T10:20:30", "T23:59:59.9", "T00:00:00.123456", "t01:02:03", " 01:02:03"),
        fc.constantFrom("", "Z", "+05:30", "-07:00", "+13:45", "-00:30", "+5", " Z", "z"),
      )
      .map(
        ([y, m, d, t, z]) =>
          `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}${t}${t === "" ? "" : z}`,
      ),
  },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 6 }).map((s) => `"${s}"`) },
);

const trickyLine = fc.oneof(
  fc.constantFrom(...TRICKY_LINES),
  fc
    .tuple(
      fc.integer({ min: 0, max: 6 }),
      fc.constantFrom("a", "title", "name", "width", "quality", "x-y", "- ", "- a: "),
      trickyScalar,
    )
    .map(([indent, key, scalar]) => `${" ".repeat(indent)}${key}${key.endsWith(" ") ? "" : ": "}${scalar}`),
);

type Mutation =
  | { kind: "value"; line: number; scalar: string }
  | { kind: "line"; line: number; text: string }
  | { kind: "chars"; at: number; text: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "indent"; line: number; delta: number }
  | { kind: "duplicate"; line: number }
  | { kind: "swap"; line: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("value" as const), line: fc.nat(), scalar: trickyScalar }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("line" as const), line: fc.nat(), text: trickyLine }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("chars" as const),
      at: fc.nat(),
      text: fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("indent" as const),
      line: fc.nat(),
      delta: fc.integer({ min: -3, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("swap" as const), line: fc.nat(), other: fc.nat() }) },
);

function mutate(yaml: string, m: Mutation): string {
  if (m.kind === "chars") {
    const at = m.at % (yaml.length + 1);
    return yaml.slice(0, at) + m.text + yaml.slice(at);
  }
  if (m.kind === "delete") {
    const at = m.at % (yaml.length + 1);
    return yaml.slice(0, at) + yaml.slice(at + m.length);
  }
  const lines = yaml.split("\n");
  const i = m.line % lines.length;
  const line = lines[i] ?? "";
  switch (m.kind) {
    case "value": {
      const colon = line.indexOf(": ");
      const dash = line.search(/^ *- /);
      if (colon >= 0) lines[i] = `${line.slice(0, colon + 2)}${m.scalar}`;
      else if (dash >= 0) lines[i] = `${line.slice(0, line.indexOf("- ") + 2)}${m.scalar}`;
      else lines[i] = `${line}${m.scalar}`;
      break;
    }
    case "line":
      lines.splice(i, 0, m.text);
      break;
    case "indent":
      lines[i] = m.delta >= 0 ? " ".repeat(m.delta) + line : line.replace(new RegExp(`^ {0,${-m.delta}}`), "");
      break;
    case "duplicate":
      lines.splice(i, 0, line);
      break;
    case "swap": {
      const j = m.other % lines.length;
      lines[i] = lines[j] ?? "";
      lines[j] = line;
      break;
    }
  }
  return lines.join("\n");
}

/** Small documents built from a grammar: mostly valid YAML with tricky scalars and indentation. */
type Node = { scalar: string } | { map: [string, Node][] } | { seq: Node[] };
const key = fc.constantFrom(
  "a",
  "b",
  "c",
  "d",
  "title",
  "name",
  "url",
  "width",
  "x-y",
  "k_1",
  "A1",
  "Yes",
  "constructor",
);
/** Mostly scalars of the subset, so that most documents are compared rather than given up on. */
const docScalar = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      ...[...MUST_HANDLE].filter((x) => x !== ""),
      '"x"',
      "plain text",
      "https://a.b/c?d=1&e=2",
      "42",
      "2023-12-31T23:59:59+13:45",
    ),
  },
  { weight: 1, arbitrary: trickyScalar },
);
// Sequence items are mostly scalars and mappings (`-` alone before a nested sequence is given up on).
const { node } = fc.letrec<{ node: Node; item: Node; map: Node; seq: Node }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthSize: "small", withCrossShrink: true },
    docScalar.map((scalar) => ({ scalar })),
    tie("map"),
    tie("seq"),
  ),
  item: fc.oneof(
    { maxDepth: 4, depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: docScalar.map((scalar) => ({ scalar })) },
    { weight: 4, arbitrary: tie("map") },
    { weight: 1, arbitrary: tie("seq") },
  ),
  map: fc
    .uniqueArray(fc.tuple(key, tie("node")), { minLength: 1, maxLength: 4, selector: ([k]) => k })
    .map((map) => ({ map })),
  seq: fc.array(tie("item"), { minLength: 1, maxLength: 3 }).map((seq) => ({ seq })),
}));

function renderMap(map: [string, Node][], indent: number, step: number): string[] {
  const pad = " ".repeat(indent);
  return map.flatMap(([k, v]) =>
    "scalar" in v ? [`${pad}${k}: ${v.scalar}`] : [`${pad}${k}:`, ...renderBlock(v, indent + step, step)],
  );
}

function renderSeq(seq: Node[], indent: number, step: number): string[] {
  const pad = " ".repeat(indent);
  return seq.flatMap((v) => {
    if ("scalar" in v) return [`${pad}- ${v.scalar}`];
    if ("map" in v) {
      // A compact mapping: its first key on the dash's line, the others aligned under it.
      const [first = "", ...rest] = renderMap(v.map, indent + 2, step);
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
    }
    return [`${pad}-`, ...renderSeq(v.seq, indent + step, step)];
  });
}

function renderBlock(n: Node, indent: number, step: number): string[] {
  if ("map" in n) return renderMap(n.map, indent, step);
  if ("seq" in n) return renderSeq(n.seq, indent, step);
  return [`${" ".repeat(indent)}${n.scalar}`];
}

function renderDocument(map: [string, Node][], step: number): string {
  return `${renderMap(map, 0, step).join("\n")}\n`;
}

/**
 * The fuzz tests' seed and number of runs; `TOPICFEEDS_FUZZ_RUNS` and `TOPICFEEDS_FUZZ_SEED`
 * override them for a longer local run.
 */
function fuzzParameters(seed: number, numRuns: number): { seed: number; numRuns: number } {
  const env = process.env;
  const runs = Number(env.TOPICFEEDS_FUZZ_RUNS ?? "");
  const otherSeed = Number(env.TOPICFEEDS_FUZZ_SEED ?? "");
  return {
    seed: env.TOPICFEEDS_FUZZ_SEED && Number.isInteger(otherSeed) ? otherSeed + seed : seed,
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : numRuns,
  };
}

describe("parseFastYaml: fuzzing against gray-matter", () => {
  it("mutated sample records: gives up or agrees", () => {
    let handled = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES.map((s) => s.yaml)),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (yaml, mutations) => {
          runs++;
          if (agrees(mutations.reduce(mutate, yaml))) handled++;
        },
      ),
      fuzzParameters(20_240_611, 3000),
    );
    // Not vacuous: many mutants stay in the subset and are compared.
    expect(handled).toBeGreaterThan(runs * 0.1);
  });

  it("generated documents with tricky scalars and indentation: gives up or agrees", () => {
    let handled = 0;
    let runs = 0;
    const doc = fc.record({
      map: fc.uniqueArray(fc.tuple(key, node), { minLength: 1, maxLength: 5, selector: ([k]) => k }),
      step: fc.integer({ min: 1, max: 4 }),
      blank: fc.boolean(),
    });
    fc.assert(
      fc.property(doc, ({ map, step, blank }) => {
        runs++;
        let yaml = renderDocument(map, step);
        if (blank) yaml = yaml.replace(/\n(?=\S)/g, "\n\n");
        if (agrees(yaml)) handled++;
      }),
      fuzzParameters(7_031_999, 3000),
    );
    expect(handled).toBeGreaterThan(runs * 0.2);
  });

  it("sample records with one line replaced by a random line: gives up or agrees", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES.map((s) => s.yaml)),
        fc.nat(),
        fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 12 }),
        (yaml, at, text) => {
          const lines = yaml.split("\n");
          lines[at % lines.length] = text;
          agrees(lines.join("\n"));
        },
      ),
      fuzzParameters(424_242, 1500),
    );
  });
});
