import { diagnostic } from "../diagnostics/diagnostic.js";
import type { Diagnostic, OutputFile } from "../types.js";
import { saxesParser } from "./_saxes.js";

/**
 * Parses every rendered file in memory before anything is written: XML must be well-formed
 * (with namespaces), JSON must parse. A failure is a `render-failed` error naming the file and
 * position, so a renderer bug becomes a build error, never a broken file on disk.
 *
 * @param files - rendered files
 * @returns one diagnostic per broken file
 * @example
 * verifyOutput([{ path: "rss.xml", contents: "<rss>" }]) // [{ code: "render-failed", … }]
 */
export function verifyOutput(files: readonly OutputFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const f of files) {
    const problem = f.path.endsWith(".json")
      ? checkJson(f.contents)
      : f.path.endsWith(".xml") || f.path.endsWith(".opml")
        ? checkXml(f.contents)
        : undefined;
    if (problem !== undefined)
      out.push(diagnostic("render-failed", `${f.path} is not well-formed: ${problem}`, { file: f.path }));
  }
  return out;
}

function checkJson(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

// Tracking line and column costs about a third of the parse: a file is parsed again with them
// only to say where it broke.
function checkXml(text: string): string | undefined {
  return parseXml(text, false) === undefined ? undefined : parseXml(text, true);
}

function parseXml(text: string, position: boolean): string | undefined {
  const parser = new (saxesParser())({ xmlns: true, position });
  let problem: string | undefined;
  parser.on("error", (e) => {
    problem ??= e.message;
  });
  try {
    parser.write(text).close();
  } catch (e) {
    problem ??= (e as Error).message;
  }
  return problem;
}
