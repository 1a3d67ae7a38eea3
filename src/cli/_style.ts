import pc from "picocolors";
import type { ReportStyle } from "../diagnostics/format-report.js";

/**
 * Whether to colour text written to a stream: `NO_COLOR` (any value but empty) turns colour
 * off; `FORCE_COLOR` turns it on (off for `0` or `false`); otherwise only on a terminal that
 * has colours (which also honours `TERM=dumb`). Piped output is plain.
 */
export function useColor(
  env: Record<string, string | undefined>,
  stream: { isTTY?: boolean; hasColors?: () => boolean },
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  return stream.isTTY === true && (stream.hasColors?.() ?? false) && env.TERM !== "dumb";
}

/** The report style: red errors, yellow warnings, cyan notes, dim locations; plain when off. */
export function reportStyle(color: boolean): ReportStyle {
  const c = pc.createColors(color);
  const bySeverity = { error: c.red, warning: c.yellow, info: c.cyan };
  return {
    severity: (severity, text) => c.bold(bySeverity[severity](text)),
    dim: c.dim,
    bold: c.bold,
  };
}
