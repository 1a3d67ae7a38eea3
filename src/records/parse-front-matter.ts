import { createRequire } from "node:module";
import { diagnostic } from "../diagnostics/diagnostic.js";
import type { Diagnostic } from "../types.js";
import { parseFastYaml } from "./_fast-yaml.js";

/** The result of {@link parseFrontMatter}: the parsed data, or the reason there is none. */
export type FrontMatterResult =
  | {
      data: unknown;
      lineOf: (key: string) => number | undefined;
      rawOf: (key: string) => string | undefined;
      diagnostic?: undefined;
    }
  | { data?: undefined; diagnostic: Diagnostic };

/**
 * Parses the YAML front matter of one record file. The plain YAML that records use goes
 * through a fast exact parser; anything else through `gray-matter` (js-yaml, YAML 1.1), which
 * also gives the error position. Never throws on bad input.
 *
 * @param text - the file's text (a leading BOM and CRLF line ends are accepted)
 * @param file - shown in diagnostics
 * @returns the data and a line lookup for top-level keys, or a diagnostic
 * @example
 * parseFrontMatter("---\ntitle: Hi\n---\n", "a.md").data // { title: "Hi" }
 */
export function parseFrontMatter(text: string, file?: string): FrontMatterResult {
  const where = file === undefined ? {} : { file };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!/^---[ \t]*\r?\n/.test(body)) {
    const what = body.trim() === "" ? "the file is empty" : "the file does not start with a --- line";
    return {
      diagnostic: diagnostic("no-front-matter", `${what}; a record is YAML front matter between two --- lines`, {
        ...where,
        line: 1,
      }),
    };
  }
  const start = body.indexOf("\n") + 1;
  const close = /^---[ \t]*\r?$/m;
  close.lastIndex = 0;
  const rest = body.slice(start);
  const m = close.exec(rest);
  if (m === null) {
    return {
      diagnostic: diagnostic("no-front-matter", "the front matter has no closing --- line", { ...where, line: 1 }),
    };
  }
  const yaml = rest.slice(0, m.index);
  if (yaml.trim() === "") {
    return {
      diagnostic: diagnostic(
        "not-a-record",
        "the front matter is empty; a record needs at least title, webUrl and publishedDateTime",
        { ...where, line: 2 },
      ),
    };
  }
  const { lineOf, rawOf } = makeLookup(yaml);
  const fast = yaml.includes("\r") ? undefined : parseFastYaml(yaml);
  if (fast !== undefined && !isEmptyMapping(fast)) return { data: fast, lineOf, rawOf };
  try {
    // An options object always: without one gray-matter caches by content, and a second parse
    // of the same broken YAML silently returns {}.
    const parsed = grayMatter()(body, {});
    // gray-matter gives {} for front matter of only comments, `~` or `null`: no record there.
    if (isEmptyMapping(parsed.data)) {
      return {
        diagnostic: diagnostic(
          "not-a-record",
          "the front matter holds no fields (only comments, null or {}); a record needs at least title, webUrl and publishedDateTime",
          { ...where, line: 2 },
        ),
      };
    }
    return { data: parsed.data, lineOf, rawOf };
  } catch (error) {
    const e = error as { name?: string; reason?: string; message?: string; mark?: { line?: number; column?: number } };
    if (e.name === "YAMLException") {
      const d = diagnostic("yaml-syntax", `invalid YAML: ${e.reason ?? "syntax error"}`, where);
      if (typeof e.mark?.line === "number") {
        // gray-matter hands js-yaml the text from the end of the opening `---`, so mark.line 0 is file line 1.
        d.line = e.mark.line + 1;
        d.column = (e.mark.column ?? 0) + 1;
        // An error found at the end of the input (an unclosed bracket or quote) belongs to the last YAML line.
        const lines = yaml.replace(/\s+$/, "").split("\n");
        const last = lines.length + 1;
        if (d.line > last) {
          d.line = last;
          d.column = (lines[lines.length - 1]?.replace(/\r$/, "").length ?? 0) + 1;
        }
        // js-yaml finds an unclosed quote only at the end of the input: the mistake is the opening quote.
        const quote = /within a (double|single) quoted scalar/.exec(e.reason ?? "")?.[1];
        const at = quote === undefined ? -1 : openingQuote(yaml, quote === "double" ? '"' : "'");
        if (at !== -1) {
          const before = yaml.slice(0, at);
          const lineStart = before.lastIndexOf("\n") + 1;
          d.line = 2 + (before.match(/\n/g)?.length ?? 0);
          d.column = at - lineStart + 1;
          d.message = `invalid YAML: the ${quote}-quoted string that starts here is never closed`;
        }
      }
      return { diagnostic: d };
    }
    return {
      diagnostic: diagnostic("yaml-syntax", `the front matter could not be read: ${e.message ?? String(error)}`, where),
    };
  }
}

// The quote that opens a string still open at the end of the text: no closing quote follows it,
// so it is the last quote that is not escaped (\" in double quotes, '' in single quotes).
function openingQuote(yaml: string, quote: '"' | "'"): number {
  for (let i = yaml.lastIndexOf(quote); i !== -1; i = i === 0 ? -1 : yaml.lastIndexOf(quote, i - 1)) {
    if (quote === '"') {
      let slashes = 0;
      while (yaml[i - 1 - slashes] === "\\") slashes++;
      if (slashes % 2 === 0) return i;
    } else {
      if (yaml[i - 1] !== "'") return i;
      i--; // '' is an escaped quote: skip the pair
    }
  }
  return -1;
}

function isEmptyMapping(data: unknown): boolean {
  return typeof data === "object" && data !== null && !Array.isArray(data) && Object.keys(data).length === 0;
}

type GrayMatter = (text: string, options: object) => { data: unknown };
let loaded: GrayMatter | undefined;

// gray-matter (and js-yaml) load on the first record the fast path does not take: most builds never need them.
function grayMatter(): GrayMatter {
  loaded ??= createRequire(import.meta.url)("gray-matter") as GrayMatter;
  return loaded;
}

function makeLookup(yaml: string): {
  lineOf: (key: string) => number | undefined;
  rawOf: (key: string) => string | undefined;
} {
  // Finds `key:` at the start of a line with indexOf: cheap enough to run for every record.
  const find = (key: string): number => {
    if (yaml.startsWith(`${key}:`)) return 0;
    const at = yaml.indexOf(`\n${key}:`);
    return at === -1 ? -1 : at + 1;
  };
  return {
    lineOf: (key) => {
      const at = find(key);
      if (at === -1) return undefined;
      let line = 2;
      for (let i = yaml.indexOf("\n"); i !== -1 && i < at; i = yaml.indexOf("\n", i + 1)) line++;
      return line;
    },
    rawOf: (key) => {
      const at = find(key);
      if (at === -1) return undefined;
      const end = yaml.indexOf("\n", at);
      const text = yaml
        .slice(at + key.length + 1, end === -1 ? undefined : end)
        .replace(/\r$/, "")
        .trim();
      // A plain (unquoted) scalar ends where a comment starts: white space, then #.
      return text.startsWith('"') || text.startsWith("'") ? text : text.replace(/\s+#.*$/, "");
    },
  };
}
