import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as JsoncParser from "jsonc-parser";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import type { Diagnostic, TopicfeedsConfig } from "../types.js";
import { validateConfig } from "../validate-config.js";

/**
 * The names looked for in the working directory. At most one may exist: two are an error
 * naming both, never a silent choice.
 *
 * @example
 * ```ts
 * CONFIG_NAMES.includes("topicfeeds.config.json"); // true
 * ```
 */
export const CONFIG_NAMES = [
  "topicfeeds.config.ts",
  "topicfeeds.config.mts",
  "topicfeeds.config.js",
  "topicfeeds.config.mjs",
  "topicfeeds.config.json",
  "topicfeeds.config.jsonc",
];

/** A loaded config with `input` and `out` resolved against the config file's folder. */
export interface LoadedConfig {
  config: TopicfeedsConfig;
  /** The config file, or undefined when none was found. */
  file?: string;
}

/**
 * Finds and loads the config file: the given path, else the one of {@link CONFIG_NAMES} in
 * `cwd`. TypeScript configs are loaded with jiti; JSON configs may name their schema in
 * `"$schema"`, and `.jsonc` ones may hold comments and trailing commas. The config is validated
 * key by key. Every problem is an `invalid-config` diagnostic with the file, and the line and
 * column where the text is at fault.
 *
 * @param path - an explicit config file (`-c`), or undefined to look in `cwd`
 * @param cwd - where to look
 * @returns the config (empty when there is no file)
 * @throws TopicfeedsError `invalid-config` naming the file, line and column or key
 * @example
 * const { config, file } = await loadConfig(undefined, process.cwd());
 */
export async function loadConfig(path: string | undefined, cwd: string): Promise<LoadedConfig> {
  let file: string | undefined;
  const fail = (message: string, where: Omit<Diagnostic, "code" | "severity" | "message">): never => {
    throw new TopicfeedsError(
      "invalid-config",
      `${where.file ?? "config"}${where.line === undefined ? "" : `:${where.line}:${where.column ?? 1}`}: ${message}`,
      [diagnostic("invalid-config", message, where)],
    );
  };
  if (path !== undefined) {
    file = resolve(cwd, path);
    if (!existsSync(file)) fail("config file not found", { file: path });
    if (statSync(file).isDirectory()) fail("is a folder, not a config file", { file: path });
  } else {
    const found = CONFIG_NAMES.filter((n) => existsSync(resolve(cwd, n)));
    if (found.length > 1)
      fail(`${found.length} config files in one folder: ${found.join(" and ")}; keep one, or choose with -c FILE`, {
        file: found[0] as string,
      });
    file = found[0] === undefined ? undefined : resolve(cwd, found[0]);
  }
  if (file === undefined) return { config: {} };
  const shown = path ?? file.slice(cwd.length + 1);
  let raw: unknown;
  if (file.endsWith(".json") || file.endsWith(".jsonc")) {
    raw = parseJson(readFileSync(file, "utf8"), file.endsWith(".jsonc"), shown);
  } else {
    try {
      if (file.endsWith(".ts") || file.endsWith(".mts") || file.endsWith(".cts")) {
        raw = await importWithJiti(file);
      } else {
        // The file's mtime in the URL: a watcher that loads the config again gets the new module.
        const url = `${pathToFileURL(file).href}?mtime=${statSync(file).mtimeMs}`;
        const mod = (await import(url)) as { default?: unknown };
        raw = mod.default ?? mod;
      }
    } catch (e) {
      const where = await syntaxErrorPlace(e, file);
      fail(
        `cannot load the config file: ${where?.message ?? firstLine(e)}`,
        where === undefined ? { file: shown } : { file: shown, line: where.line, column: where.column },
      );
    }
  }
  const problems = validateConfig(raw, { io: true, file: shown, requireBaseUrl: false });
  if (problems.length > 0)
    throw new TopicfeedsError(
      "invalid-config",
      `${shown}: ${problems.length === 1 ? "invalid config" : `${problems.length} problems in the config`}`,
      problems,
    );
  const { $schema: _s, ...config } = raw as TopicfeedsConfig & { $schema?: string };
  const dir = dirname(file);
  if (config.input !== undefined)
    config.input = (Array.isArray(config.input) ? config.input : [config.input]).map((p) => resolve(dir, p));
  if (config.out !== undefined) config.out = resolve(dir, config.out);
  if (config.lockFile !== undefined) config.lockFile = resolve(dir, config.lockFile);
  if (config.cacheDir !== undefined) config.cacheDir = resolve(dir, config.cacheDir);
  return { config, file };
}

const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "not a valid number",
  PropertyNameExpected: "expected a key in double quotes (a trailing comma, or a key without quotes?)",
  ValueExpected: "expected a value (a trailing comma, or a string without quotes?)",
  ColonExpected: "expected a colon after the key",
  CommaExpected: "expected a comma",
  CloseBraceExpected: "expected } to close the object",
  CloseBracketExpected: "expected ] to close the list",
  EndOfFileExpected: "expected the end of the file",
  InvalidCommentToken: "comments are not allowed in JSON (name the file topicfeeds.config.jsonc to use them)",
  UnexpectedEndOfComment: "a comment is never closed",
  UnexpectedEndOfString: "a string is never closed",
  UnexpectedEndOfNumber: "a number is cut short",
  InvalidUnicode: "not a valid \\u escape",
  InvalidEscapeCharacter: "not a valid escape after \\",
  InvalidCharacter: "a control character (such as a line break) inside a string",
};

// jsonc-parser gives each syntax error an offset, so the message can say line and column.
function parseJson(source: string, comments: boolean, shown: string): unknown {
  // A byte order mark, as some Windows editors save JSON, is not part of the JSON.
  const text = source.replace(/^\uFEFF/, "");
  // jsonc-parser is a UMD bundle: Node's ESM loader finds no named exports in it, and a default
  // import breaks in the CommonJS build. require() works in both.
  const jsonc = createRequire(import.meta.url)("jsonc-parser") as typeof JsoncParser;
  const errors: JsoncParser.ParseError[] = [];
  const value: unknown = jsonc.parse(text, errors, {
    disallowComments: !comments,
    allowTrailingComma: comments,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first === undefined) return value;
  const { line, column } = lineAndColumn(text, first.offset);
  const code = jsonc.printParseErrorCode(first.error);
  const message = `${comments ? "JSONC" : "JSON"} syntax: ${JSON_ERRORS[code] ?? code}`;
  throw new TopicfeedsError("invalid-config", `${shown}:${line}:${column}: ${message}`, [
    diagnostic("invalid-config", message, { file: shown, line, column }),
  ]);
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

async function importWithJiti(file: string): Promise<unknown> {
  const { createJiti } = await import("jiti");
  const jiti = createJiti(pathToFileURL(file).href, { moduleCache: false });
  return jiti.import(file, { default: true });
}

// jiti ends a parse error's message with `file:line:column` (column from 0). Node's own
// SyntaxError for a JavaScript config carries no place, so the file is parsed again with jiti
// to find it.
async function syntaxErrorPlace(
  e: unknown,
  file: string,
): Promise<{ message: string; line: number; column: number } | undefined> {
  const fromJiti = (err: unknown) => {
    const m = /^(?:ParseError: )?([^\n]*?)\s*\n\s*\S.*:(\d+):(\d+)\s*$/s.exec((err as Error)?.message ?? "");
    return m === null
      ? undefined
      : { message: `syntax error: ${m[1] as string}`, line: Number(m[2]), column: Number(m[3]) + 1 };
  };
  const direct = fromJiti(e);
  if (direct !== undefined) return direct;
  if ((e as Error)?.name !== "SyntaxError" || /\.[cm]?ts$/.test(file)) return undefined;
  try {
    await importWithJiti(file);
  } catch (again) {
    const place = fromJiti(again);
    if (place !== undefined) return { ...place, message: `syntax error: ${(e as Error).message}` };
  }
  return undefined;
}

function firstLine(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).split("\n")[0] as string;
}
