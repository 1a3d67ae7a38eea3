import { type ParseArgsConfig, parseArgs } from "node:util";
import { closest } from "../diagnostics/_closest.js";

/** The options of one command, as `node:util` `parseArgs` takes them. */
export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** A usage error: exit 2, with the message and, when likely, what was meant. */
export class UsageError extends Error {}

type Parsed = {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
};

/**
 * Parses a command's arguments with `node:util` `parseArgs` (strict), turning its errors into
 * short usage messages: an unknown option gets the closest known one (`--base-ulr` → "did you
 * mean --base-url?"), a missing value names the option.
 */
export function parseCommandArgs(command: string, argv: string[], options: OptionSpec): Parsed {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    const message = (e as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    if (unknown !== undefined) {
      const names = Object.entries(options).flatMap(([long, o]) => [
        `--${long}`,
        ...(o.short === undefined ? [] : [`-${o.short}`]),
      ]);
      const guess = unknown.startsWith("--")
        ? closest(
            unknown,
            names.filter((n) => n.startsWith("--")),
          )
        : undefined;
      throw new UsageError(
        `${command}: unknown option ${unknown}${guess === undefined ? "" : `; did you mean ${guess}?`}`,
      );
    }
    const missing = /^Option '(-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message)?.[2];
    if (missing !== undefined) throw new UsageError(`${command}: ${missing} needs a value`);
    const ambiguous = /^Option '(-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(message)?.[2];
    if (ambiguous !== undefined)
      throw new UsageError(
        `${command}: ${ambiguous} needs a value; to pass one starting with -, write ${ambiguous}=VALUE`,
      );
    const flag = /^Option '(-\w, )?(--[\w-]+)' does not take an argument/.exec(message)?.[2];
    if (flag !== undefined) throw new UsageError(`${command}: ${flag} takes no value`);
    throw new UsageError(`${command}: ${message.split("\n")[0]}`);
  }
}
