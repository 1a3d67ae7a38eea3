import type { BuildReport, Diagnostic } from "../types.js";

/**
 * Formats one diagnostic the way compilers do: `file:line:col  message  [code]`.
 *
 * @example
 * formatDiagnostic({ code: "invalid-field", severity: "error", message: "quality must be…", file: "a.md", line: 7 })
 * // "error    a.md:7  quality must be…  [invalid-field]"
 */
export function formatDiagnostic(d: Diagnostic): string {
  let where = d.file ?? "";
  if (d.file !== undefined && d.line !== undefined) where += `:${d.line}${d.column !== undefined ? `:${d.column}` : ""}`;
  return `${d.severity.padEnd(8)} ${where === "" ? "" : `${where}  `}${d.message}  [${d.code}]`;
}

/**
 * The human build summary: counts, where every record went, then errors and warnings (infos
 * are counted), at most `max` lines of them.
 *
 * @param report - the build report
 * @param options - `out`: the output folder to name; `max`: how many diagnostics to list
 * @returns lines of text
 */
export function formatReport(report: BuildReport, options: { out?: string; written?: number; unchanged?: number; max?: number } = {}): string {
  const r = report.records;
  const drops = Object.entries(r.droppedBy).map(([k, v]) => `${k} ${v}`).join(", ");
  const lines = [
    `topicfeeds: ${r.read} record${r.read === 1 ? "" : "s"} read: ${r.published} published, ${r.dropped} dropped${drops === "" ? "" : ` (${drops})`}, ${r.rejected} rejected`,
  ];
  const feeds = `${report.topics.length} topic feed${report.topics.length === 1 ? "" : "s"}${report.site !== undefined ? ` + site-wide (${report.site.items} items)` : ""}`;
  let files = `${report.files} files`;
  if (options.written !== undefined) files += ` (${options.written} written, ${options.unchanged ?? 0} unchanged)`;
  lines.push(`  ${feeds}, ${files}${options.out !== undefined ? ` in ${options.out}` : ""}`);
  const shown = report.diagnostics.filter((d) => d.severity !== "info");
  const infos = report.diagnostics.length - shown.length;
  const errors = shown.filter((d) => d.severity === "error").length;
  const warnings = shown.length - errors;
  if (shown.length > 0 || infos > 0) lines.push(`  ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}, ${infos} note${infos === 1 ? "" : "s"}${infos > 0 ? " (see --report json)" : ""}`);
  const max = options.max ?? 50;
  for (const d of shown.slice(0, max)) lines.push(formatDiagnostic(d));
  if (shown.length > max) lines.push(`… and ${shown.length - max} more (see --report json)`);
  return lines.join("\n");
}
