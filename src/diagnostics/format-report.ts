import type { BuildReport, Diagnostic, Severity } from "../types.js";
import { groupDigits } from "./_group-digits.js";

/**
 * How the human report is styled: one function per kind of text, each returning the text with
 * (or without) terminal escapes. The CLI passes colours on a terminal; the default is plain text.
 */
export interface ReportStyle {
  severity: (severity: Severity, text: string) => string;
  /** Locations and other secondary text. */
  dim: (text: string) => string;
  /** Headlines: the counts, and a build that publishes nothing. */
  bold: (text: string) => string;
}

const PLAIN: ReportStyle = { severity: (_s, t) => t, dim: (t) => t, bold: (t) => t };

/**
 * A count in the one number format of every message: digits grouped with commas, and the noun
 * in the singular for exactly one (`1 item`, `2 items`, `20,000 records`).
 *
 * @param n - the count
 * @param noun - the singular noun
 * @param plural - the plural, when it is not `noun + "s"`
 * @example
 * count(20000, "record") // "20,000 records"
 */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${groupDigits(n)} ${n === 1 ? noun : plural}`;
}

/**
 * Formats one diagnostic the way compilers do: `file:line:col  severity  message  [code]`
 * (a location that is not known is left out).
 *
 * @param d - the diagnostic
 * @param style - colours for a terminal (default: plain text)
 * @returns one line, without the line break
 * @example
 * formatDiagnostic({ code: "invalid-field", severity: "error", message: "quality must be…", file: "a.md", line: 7, column: 10 })
 * // "a.md:7:10  error  quality must be…  [invalid-field]"
 */
export function formatDiagnostic(d: Diagnostic, style: ReportStyle = PLAIN): string {
  let where = d.file ?? "";
  if (d.file !== undefined && d.line !== undefined)
    where += `:${d.line}${d.column !== undefined ? `:${d.column}` : ""}`;
  return `${where === "" ? "" : `${style.dim(where)}  `}${style.severity(d.severity, d.severity)}  ${d.message}  ${style.dim(`[${d.code}]`)}`;
}

/** Options of {@link formatReport}. */
export interface ReportOptions {
  /** The output folder to name. */
  out?: string;
  /** Files written and files left unchanged (their bytes were already there). */
  written?: number;
  unchanged?: number;
  /** The config file the build used; `null` for none. Left out of the summary when undefined. */
  config?: string | null;
  /** How many warnings to list (default 50); every error is always listed. */
  max?: number;
  /** Colours for a terminal (default: plain text). */
  style?: ReportStyle;
}

/**
 * The human build summary: counts, where every record went, the config file used, then every
 * error and at most `max` warnings (infos are counted): a rejected record is always named,
 * however many there are. A build that publishes nothing says so first, with the rules that
 * dropped the records.
 *
 * @param report - the build report
 * @param options - see {@link ReportOptions}
 * @returns the summary as one string, a line per row
 *
 * @example
 * ```ts
 * const { report } = buildFeeds(records, config);
 * console.log(formatReport(report, { out: "public/feeds" }));
 * ```
 */
export function formatReport(report: BuildReport, options: ReportOptions = {}): string {
  const style = options.style ?? PLAIN;
  const r = report.records;
  const drops = dropList(r.droppedBy);
  const lines = [
    style.bold(
      `topicfeeds: ${count(r.read, "record")} read: ${groupDigits(r.published)} published, ${groupDigits(r.dropped)} dropped${drops === "" ? "" : ` (${drops})`}, ${groupDigits(r.rejected)} rejected`,
    ),
  ];
  if (options.config !== undefined) lines.push(`  config: ${options.config ?? "no config file"}`);
  const feeds = `${count(report.topics.length, "topic feed")}${report.site !== undefined ? ` + site-wide (${count(report.site.items, "item")})` : ""}`;
  let files = count(report.files, "file");
  if (options.written !== undefined)
    files += ` (${groupDigits(options.written)} written, ${groupDigits(options.unchanged ?? 0)} unchanged)`;
  lines.push(`  ${feeds}, ${files}${options.out !== undefined ? ` in ${options.out}` : ""}`);
  const empty = report.emptyTopics ?? [];
  if (empty.length > 0) {
    const names = empty.map((t) => t.name);
    const shownNames = names.length > 20 ? [...names.slice(0, 20), `… ${groupDigits(names.length - 20)} more`] : names;
    lines.push(`  ${count(empty.length, "topic")} without items, no feed: ${shownNames.join(", ")}`);
  }
  const feedsOf = [...report.topics, ...(report.site === undefined ? [] : [{ ...report.site, slug: "", name: "" }])];
  const archived = feedsOf.filter((f) => f.archive !== undefined);
  if (archived.length > 0) {
    const pages = archived.reduce((n, f) => n + (f.archive?.pages ?? 0), 0);
    const items = archived.reduce((n, f) => n + (f.archive?.items ?? 0), 0);
    lines.push(
      `  archives: ${count(pages, "page")} holding ${count(items, "older item")} of ${count(archived.length, "feed")}`,
    );
  }
  const over = feedsOf.filter((f) => (f.overMaxBytes ?? 0) > 0);
  if (over.length > 0) {
    const names = over.map((f) => `${f.slug === "" ? "site-wide" : f.slug} ${groupDigits(f.overMaxBytes ?? 0)}`);
    const where = over.every((f) => f.archive !== undefined)
      ? "into the archive"
      : over.some((f) => f.archive !== undefined)
        ? "into the archive where on, else dropped"
        : "dropped";
    lines.push(
      `  maxBytes: oldest items moved out of ${count(over.length, "feed")} to fit, ${where} (${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""})`,
    );
  }
  const shown = report.diagnostics.filter((d) => d.severity !== "info");
  const infos = report.diagnostics.length - shown.length;
  const errors = shown.filter((d) => d.severity === "error").length;
  const warnings = shown.length - errors;
  if (shown.length > 0 || infos > 0)
    lines.push(
      `  ${count(errors, "error")}, ${count(warnings, "warning")}, ${count(infos, "note")}${infos > 0 ? " (see --report json)" : ""}`,
    );
  if (r.published === 0 && r.read > 0) {
    const why = [drops === "" ? "" : `dropped by ${drops}`, r.rejected > 0 ? `rejected ${groupDigits(r.rejected)}` : ""]
      .filter((t) => t !== "")
      .join("; ");
    lines.push(
      style.severity(
        "warning",
        style.bold(`warning  nothing was published: of ${count(r.read, "record")}, ${why}; the feeds have no items`),
      ),
    );
  }
  const max = options.max ?? 50;
  let listedWarnings = 0;
  for (const d of shown) {
    if (d.severity === "error") lines.push(formatDiagnostic(d, style));
    else if (listedWarnings++ < max) lines.push(formatDiagnostic(d, style));
  }
  if (warnings > max) lines.push(`… and ${count(warnings - max, "more warning")} (see --report json)`);
  return lines.join("\n");
}

// `minQuality 20, published 17`: dropped records by rule, in the report's order.
function dropList(droppedBy: Record<string, number>): string {
  return Object.entries(droppedBy)
    .map(([k, v]) => `${k} ${groupDigits(v)}`)
    .join(", ");
}
