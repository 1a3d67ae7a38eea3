import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asciiJson, readCacheText } from "../src/io/_cache-text.js";
import { tempDir } from "./helpers/fixtures.js";

describe("asciiJson", () => {
  it("writes any JSON value in ASCII alone, and it parses back to the same value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (value, text) => {
        for (const v of [value, text, { [text]: [text, value] }]) {
          const json = asciiJson(JSON.stringify(v));
          expect(/^[\x00-\x7f]*$/.test(json)).toBe(true);
          expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(v)));
        }
      }),
      { numRuns: 300 },
    );
    expect(asciiJson(JSON.stringify("Künstliche 智能 😀"))).toBe('"K\\u00fcnstliche \\u667a\\u80fd \\ud83d\\ude00"');
    expect(asciiJson('{"a":1}')).toBe('{"a":1}');
  });
});

describe("readCacheText", () => {
  it("reads an ASCII file and a UTF-8 one as their text", () => {
    const dir = tempDir();
    const ascii = join(dir, "a.json");
    const utf8 = join(dir, "u.json");
    writeFileSync(ascii, asciiJson(JSON.stringify({ t: "Künstliche 😀" })));
    writeFileSync(utf8, JSON.stringify({ t: "Künstliche 😀" }));
    expect(JSON.parse(readCacheText(ascii))).toEqual({ t: "Künstliche 😀" });
    expect(readCacheText(utf8)).toBe('{"t":"Künstliche 😀"}');
    expect(() => readCacheText(join(dir, "none.json"))).toThrow(/ENOENT/);
  });
});
