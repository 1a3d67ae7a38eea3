import type { Diagnostic, Severity } from "../types.js";

/**
 * Every diagnostic code topicfeeds emits, with its default severity. The README lists them; a
 * code never changes meaning once published.
 *
 * @example
 * ```ts
 * DIAGNOSTIC_CODES["missing-field"]; // "error"
 * ```
 */
export const DIAGNOSTIC_CODES = {
  "read-failed": "error",
  "folder-skipped": "warning",
  "folder-too-deep": "error",
  "record-changed": "error",
  "file-too-large": "error",
  "invalid-encoding": "error",
  "no-front-matter": "error",
  "yaml-syntax": "error",
  "not-a-record": "error",
  "missing-field": "error",
  "invalid-field": "error",
  "invalid-url": "error",
  "invalid-date": "error",
  "date-without-offset": "warning",
  "missing-published": "warning",
  "field-ignored": "warning",
  "field-coerced": "warning",
  "text-cleaned": "warning",
  "invalid-topic": "warning",
  "slug-collision": "warning",
  "duplicate-record": "info",
  "id-changed": "warning",
  "empty-feed": "warning",
  "invalid-config": "error",
  "over-max-bytes": "warning",
  "render-failed": "error",
  "internal-error": "error",
} as const satisfies Record<string, Severity>;

/** A diagnostic code. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/**
 * Creates a diagnostic with the code's default severity.
 *
 * @param code - a code from {@link DIAGNOSTIC_CODES}
 * @param message - where/what/expected, without the location (that goes in `where`)
 * @param where - file, line, column and field path, whichever are known
 * @returns the diagnostic
 * @example
 * diagnostic("invalid-field", "quality must be a number 0–100, got \"high\"", { file: "a.md", field: "quality" })
 */
export function diagnostic(
  code: DiagnosticCode,
  message: string,
  where: Omit<Diagnostic, "code" | "severity" | "message"> = {},
): Diagnostic {
  const d: Diagnostic = { code, severity: DIAGNOSTIC_CODES[code], message };
  if (where.file !== undefined) d.file = where.file;
  if (where.line !== undefined) d.line = where.line;
  if (where.column !== undefined) d.column = where.column;
  if (where.field !== undefined) d.field = where.field;
  return d;
}

/**
 * Describes a value for a message without echoing large blobs: strings are quoted and cut at
 * 60 characters, objects are named by kind.
 *
 * @example
 * describeValue("high") // '"high"'
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid date" : value.toISOString();
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "string") {
    const cut = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return JSON.stringify(cut);
  }
  if (typeof value === "object") return "an object";
  return String(value);
}

/**
 * Orders diagnostics by file, line, column, field and code, so reports are deterministic.
 */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    cmp(a.file ?? "", b.file ?? "") ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    cmp(a.field ?? "", b.field ?? "") ||
    cmp(a.code, b.code) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
