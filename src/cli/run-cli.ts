import { resolve } from "node:path";
import { closest } from "../diagnostics/_closest.js";
import { groupDigits } from "../diagnostics/_group-digits.js";
import { formatDiagnostic, type ReportStyle } from "../diagnostics/format-report.js";
import { isTopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { defaultCacheDir } from "../io/cache-dir.js";
import { loadConfig } from "../io/load-config.js";
import { VERSION } from "../version.js";
import { parseCommandArgs, UsageError } from "./_args.js";
import { display, SHARED_OPTIONS } from "./_prepare.js";
import { reportStyle } from "./_style.js";
import { runBuild } from "./build.js";
import { runCheck } from "./check.js";
import { runInit } from "./init.js";
import { runPing } from "./ping.js";

/** What the CLI may touch: streams, working directory, environment and the clock, all injectable for tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** The build time, used only as `now` for `maxAge` rules when neither --now nor config sets it. */
  now: () => number;
  /** stderr is a terminal: show a progress line for long builds. */
  progress?: boolean;
  /** Colour severities on stderr (the process boundary decides from the terminal, `NO_COLOR` and `FORCE_COLOR`). */
  color?: boolean;
  /** The environment, for the user's cache folder (default: the process's). */
  env?: Record<string, string | undefined>;
}

const COMMANDS = ["build", "check", "init", "ping", "serve", "help"];

/** The help text, naming the cache folder this working directory would use. */
export function helpText(cacheDir: string): string {
  return `Usage: topicfeeds build [INPUT...] [options]   build the feeds
       topicfeeds check [INPUT...] [options]   check records and config, write nothing (exit 1 on errors)
       topicfeeds init                         write a commented config and an example record here
       topicfeeds ping [OUT] [-c FILE] [--report json]   notify WebSub hubs of the feeds that changed
       topicfeeds serve [OUT] [--port N] [--host H]   preview the output on this machine (serve --help)
       topicfeeds help

Builds RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds per topic from article records.

  INPUT               record files or folders (recursive, *.md / *.markdown);
                      default from config, else ./content
  -o, --out DIR       output folder; default from config, else ./public/feeds
  --base-url URL      absolute public URL of the output folder (required unless in config;
                      check does without)
  --site-url URL      home page linked from the feeds (default: origin of --base-url)
  -c, --config FILE   config file (default: the one topicfeeds.config.{ts,mts,js,mjs,json,jsonc}
                      in the cwd; it applies even when INPUT, --out and --base-url are given)
  --no-config         use no config file
  --dry-run           build: say which files would change, write nothing
  --min-quality N     shorthand for the quality-threshold rule
  --limit N           items per feed (default 50)
  --now DATE          the instant maxAge rules count back from (default: now)
  --hub URL           WebSub hub named in every feed (repeat for several; adds to config hub)
  --archive           RFC 5005 archives: the feed holds the newest items and links to
                      archive pages holding every other selected item
  --max-bytes N       byte budget per feed document: the oldest items move out (into the
                      archive when on, else dropped) until it fits
  --ping              build: after writing, notify the hubs of the feeds that changed (as ping)
  --lock-file FILE    id lock (e.g. topicfeeds.lock.json): articles whose URL changes keep
                      the id they were first published under (opt-in; commit the file)
  --cache-dir DIR     record cache: unchanged files are not parsed again. Default:
                      node_modules/.cache/topicfeeds beside the nearest package.json, else
                      the user's cache folder; here: ${cacheDir}
  --no-cache          neither read nor write the cache
  --workers N         parser threads (default: 2 for 4,000+ files on a multi-core machine)
  --timings           print the time of each phase on stderr
  -w, --watch         build: then keep watching the records and the config file, rewrite the
                      files whose bytes change, one line per update; Ctrl-C stops (exit 0)
  --strict            any error diagnostic fails the build: exit 1, nothing written
  --wait              when another build is using the output or cache folder, wait for it
                      (default: fail at once, naming that build)
  --fsync             flush the build to disk before publishing it: whole after a power cut too
  --report json       print the build report as JSON on stdout (the summary goes to stderr)
  -q, --quiet         print only errors
  -h, --help          show this help
  -v, --version       show the version

ping notifies the WebSub hubs the feeds in OUT (default from config, else ./public/feeds) name,
one request per feed whose bytes changed since its hub last accepted it; what each hub
accepted is kept in OUT/.topicfeeds-pinged.json.

Colours on a terminal; NO_COLOR=1 turns them off, FORCE_COLOR=1 on.
Exit codes: 0 built (warnings and rejected records reported), 1 failed (or a hub kept failing),
2 usage error, 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP (the output is one whole build).
`;
}

/**
 * The whole command line behind a thin process boundary: `build`, `check` and `init`, each in
 * its own module. Parses arguments (a mistyped command or flag gets a suggestion), loads config
 * and records, builds, writes atomically, prints the report, and returns the exit code (0 ok,
 * 1 failed, 2 usage error). Never throws; never prints a stack trace for bad input.
 *
 * @param argv - arguments after `node cli.js`
 * @param io - streams, cwd, environment and clock
 * @returns the exit code
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd(), now: Date.now });
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const style = reportStyle(io.color === true);
  const help = () => helpText(defaultCacheDir(io.cwd, { env: io.env ?? process.env }));
  const command = argv[0] === undefined || argv[0].startsWith("-") ? undefined : argv[0];
  const rest = command === undefined ? argv : argv.slice(1);
  try {
    if (command === undefined || command === "help") {
      if (argv.includes("--version") || argv.includes("-v")) {
        io.stdout(`${VERSION}\n`);
        return 0;
      }
      if (command === "help" || argv.includes("--help") || argv.includes("-h")) {
        io.stdout(help());
        return 0;
      }
      if (argv.length > 0) throw new UsageError(`unknown option ${argv[0]}; expected a command first`);
      throw new UsageError(`missing command; expected one of ${COMMANDS.join(", ")}`);
    }
    if (command === "serve") {
      const { runServe } = await import("./serve-command.js");
      return await runServe(rest, io);
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout(help());
      return 0;
    }
    if (command === "build") return await runBuild(rest, io, style);
    if (command === "check") return await runCheck(rest, io, style);
    if (command === "init") return runInit(rest, io);
    if (command === "ping") return await ping(rest, io);
    const guess = closest(command, COMMANDS);
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}; ${guess === undefined ? `expected one of ${COMMANDS.join(", ")}` : `did you mean ${guess}?`}`,
    );
  } catch (e) {
    return failed(
      e,
      io,
      style,
      argv.includes("--report") && argv.includes("json"),
      argv.includes("-q") || argv.includes("--quiet"),
    );
  }
}

// `topicfeeds ping [OUT]`: the output folder from the argument, -o, the config, or the default.
async function ping(argv: string[], io: CliIo): Promise<number> {
  // Build's options are parsed too, to refuse them by name: the feeds name their own URL and hubs.
  const { values, positionals } = parseCommandArgs("ping", argv, {
    ...SHARED_OPTIONS,
    "dry-run": { type: "boolean" },
    ping: { type: "boolean" },
    wait: { type: "boolean" },
    fsync: { type: "boolean" },
  });
  if (positionals.length > 1) throw new UsageError("ping takes one output folder");
  if (values.report !== undefined && values.report !== "json")
    throw new UsageError(`--report takes 'json', got ${JSON.stringify(values.report)}`);
  const extra = Object.keys(values).filter((k) => !["out", "config", "no-config", "report"].includes(k));
  if (extra.length > 0)
    throw new UsageError(
      `ping takes OUT, -o, -c and --report json; not --${extra[0]} (the hubs come from the feeds, set by build --hub or config hub)`,
    );
  const config =
    values["no-config"] === true ? {} : (await loadConfig(values.config as string | undefined, io.cwd)).config;
  const given = positionals[0] ?? (values.out as string | undefined);
  const out = given !== undefined ? resolve(io.cwd, given) : (config.out ?? resolve(io.cwd, "public/feeds"));
  return runPing(out, display(out, io.cwd), io, {}, values.report === "json");
}

/**
 * Prints a failure once: its diagnostics when it has them (each with file, line and column),
 * else its message; with `--report json` also as JSON on stdout. Returns the exit code.
 */
export function failed(e: unknown, io: CliIo, style: ReportStyle, json: boolean, quiet: boolean): number {
  if (e instanceof UsageError) {
    io.stderr(`topicfeeds: ${e.message}\nRun 'topicfeeds --help' for usage.\n`);
    return 2;
  }
  if (isTopicfeedsError(e)) {
    for (const d of e.diagnostics.slice(0, 50)) io.stderr(`${formatDiagnostic(d, style)}\n`);
    if (e.diagnostics.length > 50) io.stderr(`… and ${groupDigits(e.diagnostics.length - 50)} more\n`);
    if (e.code === "strict-failed") {
      if (!quiet) io.stderr("topicfeeds: strict build failed; nothing was written\n");
    } else if (e.code === "invalid-config") {
      io.stderr(`topicfeeds: the config is not valid; nothing was written\n`);
    } else {
      io.stderr(`topicfeeds: ${e.message}\n`);
    }
    if (json)
      io.stdout(
        `${JSON.stringify({ error: { code: e.code, message: e.message }, diagnostics: e.diagnostics }, null, 2)}\n`,
      );
    return 1;
  }
  const err = e as Error;
  io.stderr(
    `topicfeeds: internal error: ${err?.message ?? String(e)}\nThis is a bug in topicfeeds, not in your records; please report it with the command you ran.\n`,
  );
  if ((io.env ?? process.env).TOPICFEEDS_DEBUG !== undefined && err?.stack !== undefined) io.stderr(`${err.stack}\n`);
  return 1;
}
