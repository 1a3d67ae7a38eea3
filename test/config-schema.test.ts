import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import jsonc from "jsonc-parser";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { INIT_CONFIG } from "../src/cli/init.js";
import { validateConfig } from "../src/validate-config.js";
import { ROOT } from "./helpers/fixtures.js";

// The JSON Schema shipped for editors (config.schema.json) is written by hand; these tests hold it
// to the types (same keys, same rule kinds) and to validateConfig (same verdicts on sample configs).
const schema = JSON.parse(readFileSync(join(ROOT, "config.schema.json"), "utf8"));
const ajv = new Ajv({ allErrors: true, strict: false });
const matches = ajv.compile(schema);

const types = join(ROOT, "src", "types.ts");
const program = ts.createProgram([types], { strict: true, noEmit: true });
const checker = program.getTypeChecker();
const file = program.getSourceFile(types);

function exported(name: string): ts.Symbol {
  const module = file && checker.getSymbolAtLocation(file);
  const symbol = module && checker.getExportsOfModule(module).find((s) => s.name === name);
  if (symbol === undefined) throw new Error(`no export ${name} in src/types.ts`);
  return symbol;
}

/** The property names of an exported interface or type of src/types.ts, as the compiler sees them. */
function keysOf(name: string): string[] {
  return checker
    .getDeclaredTypeOfSymbol(exported(name))
    .getProperties()
    .map((p) => p.name)
    .sort();
}

/** The `rule` names of the Rule union. */
function ruleKinds(): string[] {
  const union = checker.getDeclaredTypeOfSymbol(exported("Rule")) as ts.UnionType;
  return union.types
    .map((t) => {
      const rule = t.getProperty("rule");
      return rule === undefined ? "" : checker.typeToString(checker.getTypeOfSymbol(rule)).replace(/"/g, "");
    })
    .sort();
}

describe("config.schema.json", () => {
  it("has the config's keys (and $schema), each with a description", () => {
    expect(Object.keys(schema.properties).sort()).toEqual(["$schema", ...keysOf("TopicfeedsConfig")].sort());
    for (const [key, value] of Object.entries(schema.properties as Record<string, { description?: string }>))
      expect(value.description, key).toMatch(/\w/);
    expect(Object.keys(schema.definitions.topic.properties).sort()).toEqual(keysOf("TopicConfig"));
  });

  it("knows every rule kind of the Rule type except custom (code only), each with the type's keys", () => {
    const kinds = ruleKinds().filter((k) => k !== "custom");
    expect([...schema.definitions.rule.properties.rule.enum].sort()).toEqual(kinds);
    for (const kind of kinds) expect(schema.definitions[`rule.${kind}`], kind).toBeDefined();
  });

  it("accepts the configs the project ships: the example, the one init writes", () => {
    const example = JSON.parse(readFileSync(join(ROOT, "examples", "topicfeeds.config.json"), "utf8"));
    expect(matches(example), JSON.stringify(matches.errors)).toBe(true);
    const init = jsonc.parse(INIT_CONFIG);
    expect(matches(init), JSON.stringify(matches.errors)).toBe(true);
    expect(validateConfig(init, { io: true })).toEqual([]);
  });

  it("gives the verdict validateConfig gives", () => {
    const base = { baseUrl: "https://example.com/feeds/" };
    const cases: Record<string, unknown>[] = [
      base,
      { ...base, input: ["a", "b"], out: "o", cache: false, workers: 2, lockFile: "l.json", cacheDir: "c" },
      {
        ...base,
        select: [
          { rule: "minQuality", value: 60 },
          { rule: "dateWindow", maxAge: "P30D" },
        ],
      },
      { ...base, topics: { AI: { title: "AI", slug: "ai-news", select: [{ rule: "limit", value: 5 }] } } },
      { ...base, author: { name: "Example", url: "https://example.com/", email: "a@example.com" } },
      { ...base, now: "2024-01-01T00:00:00Z", siteFeeds: false, strict: true, language: "en-GB" },
      { ...base, minQualty: 5 },
      { ...base, minQuality: 101 },
      { ...base, limit: 2.5 },
      { baseUrl: "example.com/feeds/" },
      { baseUrl: "https://example.com/feeds/?x=1" },
      { ...base, language: "English!" },
      { ...base, select: [{ rule: "minQuality", value: "60" }] },
      { ...base, select: [{ rule: "dateWindow", maxAge: "30 days" }] },
      { ...base, select: [{ rule: "sort", by: "heat" }] },
      { ...base, select: [{ rule: "published", value: true, extra: 1 }] },
      { ...base, select: [{ rule: "custom", name: "x" }] },
      { ...base, topics: { AI: { tilte: "x" } } },
      { ...base, topics: { AI: { slug: "Not A Slug" } } },
      { ...base, author: { url: "https://example.com/" } },
      { ...base, workers: 0 },
      { ...base, input: "" },
      { ...base, idLock: { version: 2, ids: {} } },
      { ...base, hub: ["https://hub.example.com/"], archive: { pageSize: 10 }, maxBytes: 50000 },
      { ...base, hub: "https://hub.example.com/", topics: { AI: { archive: true } } },
      { ...base, hub: [] },
      { ...base, hub: "hub.example.com" },
      { ...base, archive: { pages: 3 } },
      { ...base, maxBytes: 0 },
    ];
    for (const c of cases) {
      const valid = validateConfig(c, { io: true }).length === 0;
      expect(matches(c), `${JSON.stringify(c)}: ${JSON.stringify(matches.errors?.[0])}`).toBe(valid);
    }
  });

  it("ships in the package, at topicfeeds/config.schema.json", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.files).toContain("config.schema.json");
    expect(pkg.exports["./config.schema.json"]).toBe("./config.schema.json");
  });
});
