import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { closest } from "../src/diagnostics/_closest.js";
import { isTopicfeedsError } from "../src/diagnostics/topicfeeds-error.js";
import { loadConfig } from "../src/io/load-config.js";
import type { Diagnostic } from "../src/types.js";
import { validateConfig } from "../src/validate-config.js";
import { CLI, ROOT, tempDir } from "./helpers/fixtures.js";

/** Loads `text` saved as `name` in a fresh folder; returns the diagnostics it fails with. */
async function problems(name: string, text: string): Promise<Diagnostic[]> {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  try {
    await loadConfig(undefined, dir);
  } catch (e) {
    if (isTopicfeedsError(e)) return e.diagnostics;
    throw e;
  }
  return [];
}

describe("loadConfig", () => {
  it("places a JSON syntax error by line and column", async () => {
    const d = await problems("topicfeeds.config.json", '{\n  "baseUrl": "https://e.com/f/",\n  "limit": 5,\n}\n');
    expect(d).toEqual([
      {
        code: "invalid-config",
        severity: "error",
        message: "JSON syntax: expected a key in double quotes (a trailing comma, or a key without quotes?)",
        file: "topicfeeds.config.json",
        line: 4,
        column: 1,
      },
    ]);
    const missingComma = await problems("topicfeeds.config.json", '{\n  "title": "x"\n  "limit": 5\n}');
    expect(missingComma[0]).toMatchObject({ line: 3, column: 3, message: "JSON syntax: expected a comma" });
    const unclosed = await problems("topicfeeds.config.json", '{ "title": "x }');
    expect(unclosed[0]).toMatchObject({ line: 1, message: "JSON syntax: a string is never closed" });
  });

  it("refuses comments in .json and takes them, with trailing commas, in .jsonc", async () => {
    const text = '// feeds\n{\n  "limit": 5, // per feed\n  /* site */ "title": "x",\n}\n';
    const json = await problems("topicfeeds.config.json", text);
    expect(json[0]).toMatchObject({ line: 1, column: 1 });
    expect(json[0]?.message).toMatch(/comments are not allowed in JSON \(name the file topicfeeds.config.jsonc/);
    const dir = tempDir();
    writeFileSync(join(dir, "topicfeeds.config.jsonc"), text);
    const loaded = await loadConfig(undefined, dir);
    expect(loaded.config).toEqual({ limit: 5, title: "x" });
    expect(loaded.file).toBe(join(dir, "topicfeeds.config.jsonc"));
  });

  it("accepts $schema in a JSON config and leaves it out of the config", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "topicfeeds.config.json"),
      JSON.stringify({ $schema: "./node_modules/topicfeeds/config.schema.json", limit: 3 }),
    );
    expect((await loadConfig(undefined, dir)).config).toEqual({ limit: 3 });
    const bad = await problems("topicfeeds.config.json", JSON.stringify({ $schema: 5 }));
    expect(bad[0]?.message).toMatch(/^\$schema must be the path or URL of the JSON Schema/);
  });

  it("places a syntax error in a TypeScript or JavaScript config", async () => {
    const source = 'export default {\n  baseUrl: "https://e.com/f/",\n  limit: 5,,\n};\n';
    const ts = await problems("topicfeeds.config.ts", source);
    expect(ts).toHaveLength(1);
    expect(ts[0]).toMatchObject({ file: "topicfeeds.config.ts", line: 3, column: 12 });
    expect(ts[0]?.message).toMatch(/^cannot load the config file: syntax error/);
    // Node's own loader (not the test runner's) is what reads a JavaScript config: run the CLI.
    const dir = tempDir();
    writeFileSync(join(dir, "topicfeeds.config.mjs"), source);
    const r = spawnSync(process.execPath, [CLI, "check"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "topicfeeds.config.mjs:3:12  error  cannot load the config file: syntax error: Unexpected token ','  [invalid-config]",
    );
  });

  it("reads a JSON config's syntax error the same way through the built package, from ESM and CommonJS", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "topicfeeds.config.json"), '{\n  "limit": 5,\n}\n');
    const call = `.loadConfig(undefined, ${JSON.stringify(dir)}).catch((e) => console.log(e.message))`;
    for (const [type, code] of [
      ["module", `import * as t from ${JSON.stringify(join(ROOT, "dist", "index.js"))}; t${call}`],
      ["commonjs", `require(${JSON.stringify(join(ROOT, "dist", "index.cjs"))})${call}`],
    ]) {
      const r = spawnSync(process.execPath, [`--input-type=${type}`, "-e", code as string], { encoding: "utf8" });
      expect(r.stdout, `${type}: ${r.stderr}`).toBe(
        "topicfeeds.config.json:3:1: JSON syntax: expected a key in double quotes (a trailing comma, or a key without quotes?)\n",
      );
    }
  });

  it("refuses two candidate configs, naming both", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "topicfeeds.config.mjs"), "export default {};\n");
    writeFileSync(join(dir, "topicfeeds.config.jsonc"), "{}");
    await expect(loadConfig(undefined, dir)).rejects.toThrow(
      "2 config files in one folder: topicfeeds.config.mjs and topicfeeds.config.jsonc; keep one, or choose with -c FILE",
    );
    // Naming one of them chooses it.
    expect((await loadConfig("topicfeeds.config.jsonc", dir)).config).toEqual({});
  });
});

describe("unknown config keys", () => {
  it("suggests the key that was likely meant", () => {
    expect(validateConfig({ baseUrl: "https://e.com/", minQualty: 5 })[0]?.message).toBe(
      "minQualty is not a config key; did you mean minQuality?",
    );
    expect(validateConfig({ baseUrl: "https://e.com/", topics: { AI: { tilte: "x" } } })[0]?.message).toBe(
      'topics["AI"].tilte is not a topic key; did you mean title?',
    );
    expect(
      validateConfig({ input: "x", bseUrl: "https://e.com/" }, { io: true, requireBaseUrl: false })[0]?.message,
    ).toBe("bseUrl is not a config key; did you mean baseUrl?");
  });

  it("lists the keys when none is close", () => {
    expect(validateConfig({ baseUrl: "https://e.com/", colour: "red" })[0]?.message).toMatch(
      /^colour is not a config key; expected one of baseUrl, siteUrl, /,
    );
  });
});

describe("closest", () => {
  it("counts a swap of two neighbours as one edit, and ignores case", () => {
    expect(closest("--base-ulr", ["--base-url", "--site-url"])).toBe("--base-url");
    expect(closest("MINQUALITY", ["minQuality", "minHeat"])).toBe("minQuality");
  });
  it("gives nothing when every candidate is too far", () => {
    expect(closest("x", ["limit", "out"])).toBeUndefined();
    expect(closest("--frobnicate", ["--base-url", "--out"])).toBeUndefined();
  });
});
