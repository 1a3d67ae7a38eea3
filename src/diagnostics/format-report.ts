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
  if (d.file !== undefined && d.line !== undefined)
    where += `:${d.line}${d.column !== undefined ? `:${d.column}` : ""}`;
  return `${d.severity.padEnd(8)} ${where === "" ? "" : `${where}  `}${d.message}  [${d.code}]`;
}

/**
 * The human build summary: counts, where every record went, then every error and at most `max`
 * warnings (infos are counted): a rejected record is always named, however many there are.
 *
 * @param report - the build report
 * @param options - `out`: the output folder to name; `max`: how many warnings to list (default 50)
 * @returns lines of text
 *
 * @example
 * ```ts
 * const { report } = buildFeeds(records, config);
 * console.log(formatReport(report, { out: "public/feeds" }).join("\n"));
 * ```
 */
export function formatReport(
  report: BuildReport,
  options: { out?: string; written?: number; unchanged?: number; max?: number } = {},
): string {
  const r = report.records;
  const drops = Object.entries(r.droppedBy)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const lines = [
    `topicfeeds: ${r.read} record${r.read === 1 ? "" : "s"} read: ${r.published} published, ${r.dropped} dropped${drops === "" ? "" : ` (${drops})`}, ${r.rejected} rejected`,
  ];
  const feeds = `${report.topics.length} topic feed${report.topics.length === 1 ? "" : "s"}${report.site !== undefined ? ` + site-wide (${report.site.items} items)` : ""}`;
  let files = `${report.files} files`;
  if (options.written !== undefined) files += ` (${options.written} written, ${options.unchanged ?? 0} unchanged)`;
  lines.push(`  ${feeds}, ${files}${options.out !== undefined ? ` in ${options.out}` : ""}`);
  const empty = report.emptyTopics ?? [];
  if (empty.length > 0) {
    const names = empty.map((t) => t.name);
    const shownNames = names.length > 20 ? [...names.slice(0, 20), `… ${names.length - 20} more`] : names;
    lines.push(
      `  ${empty.length} topic${empty.length === 1 ? "" : "s"} without items, no feed: ${shownNames.join(", ")}`,
    );
  }
  const feedsOf = [...report.topics, ...(report.site === undefined ? [] : [{ ...report.site, slug: "", name: "" }])];
  const archived = feedsOf.filter((f) => f.archive !== undefined);
  if (archived.length > 0) {
    const pages = archived.reduce((n, f) => n + (f.archive?.pages ?? 0), 0);
    const items = archived.reduce((n, f) => n + (f.archive?.items ?? 0), 0);
    lines.push(
      `  archives: ${pages} page${pages === 1 ? "" : "s"} holding ${items} older item${items === 1 ? "" : "s"} of ${archived.length} feed${archived.length === 1 ? "" : "s"}`,
    );
  }
  const over = feedsOf.filter((f) => (f.overMaxBytes ?? 0) > 0);
  if (over.length > 0) {
    const names = over.map((f) => `${f.slug === "" ? "site-wide" : f.slug} ${f.overMaxBytes}`);
    const where = over.every((f) => f.archive !== undefined)
      ? "into the archive"
      : over.some((f) => f.archive !== undefined)
        ? "into the archive where on, else dropped"
        : "dropped";
    lines.push(
      `  maxBytes: oldest items moved out of ${over.length} feed${over.length === 1 ? "" : "s"} to fit, ${where} (${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""})`,
    );
  }
  const shown = report.diagnostics.filter((d) => d.severity !== "info");
  const infos = report.diagnostics.length - shown.length;
  const errors = shown.filter((d) => d.severity === "error").length;
  const warnings = shown.length - errors;
  if (shown.length > 0 || infos > 0)
    lines.push(
      `  ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}, ${infos} note${infos === 1 ? "" : "s"}${infos > 0 ? " (see --report json)" : ""}`,
    );
  const max = options.max ?? 50;
  let listedWarnings = 0;
  for (const d of shown) {
    if (d.severity === "error") lines.push(formatDiagnostic(d));
    else if (listedWarnings++ < max) lines.push(formatDiagnostic(d));
  }
  if (warnings > max)
    lines.push(`… and ${warnings - max} more warning${warnings - max === 1 ? "" : "s"} (see --report json)`);
  return lines.join("\n");
}
