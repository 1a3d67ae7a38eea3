import { buildFeeds } from "../build.js";
import { count, formatDiagnostic, formatReport, type ReportStyle } from "../diagnostics/format-report.js";
import { scanRecords } from "../io/scan-records.js";
import { parseCommandArgs } from "./_args.js";
import { prepare, SHARED_OPTIONS } from "./_prepare.js";
import type { CliIo } from "./run-cli.js";

/**
 * `topicfeeds check [INPUT...]`: validates the config and every record, and builds the feeds in
 * memory (so selection, topics and rendering are checked too), writing nothing: no feeds, no
 * cache, no id lock. Exit 1 when there is any error (a rejected record, a bad config), 0 with
 * only warnings: made for pre-commit hooks and CI. Takes the flags `build` takes; `--base-url`
 * is optional.
 *
 * @returns the exit code
 */
export async function runCheck(argv: string[], io: CliIo, style: ReportStyle): Promise<number> {
  const { values, positionals } = parseCommandArgs("check", argv, SHARED_OPTIONS);
  const p = await prepare(values, positionals, io, { requireBaseUrl: false });
  const scan = await scanRecords(p.input, p.scanOptions);
  // Not strict here: every problem is listed, and any error fails the check anyway.
  const { report } = buildFeeds(scan, { ...p.buildConfig, strict: false });
  const errors = report.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = report.diagnostics.filter((d) => d.severity === "warning").length;
  if (p.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  if (!p.quiet) io.stderr(`${formatReport(report, { config: p.configFile, style })}\n`);
  else for (const d of report.diagnostics) if (d.severity === "error") io.stderr(`${formatDiagnostic(d, style)}\n`);
  if (!p.quiet || errors > 0)
    io.stderr(
      `topicfeeds check: ${errors === 0 ? "ok" : style.severity("error", "failed")}: ${count(errors, "error")}, ${count(warnings, "warning")}; nothing was written\n`,
    );
  return errors > 0 ? 1 : 0;
}
