import type { Diagnostic } from "../types.js";

const BRAND = Symbol.for("topicfeeds.error");

/**
 * The one error class topicfeeds throws: for bad options (a programmer error) and for strict
 * builds with error diagnostics. Carries a stable `code` and the `diagnostics` behind it.
 *
 * @example
 * try { buildFeeds(records, config, { strict: true }) } catch (e) { if (isTopicfeedsError(e)) console.error(e.diagnostics) }
 */
export class TopicfeedsError extends Error {
  readonly code: string;
  readonly diagnostics: Diagnostic[];
  readonly [BRAND] = true;

  constructor(code: string, message: string, diagnostics: Diagnostic[] = []) {
    super(message);
    this.name = "TopicfeedsError";
    this.code = code;
    this.diagnostics = diagnostics;
  }
}

/**
 * Tells whether a value is a {@link TopicfeedsError}, also across ESM/CJS copies of the package
 * where `instanceof` fails.
 *
 * @example
 * if (isTopicfeedsError(err)) process.exitCode = 1;
 */
export function isTopicfeedsError(value: unknown): value is TopicfeedsError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
