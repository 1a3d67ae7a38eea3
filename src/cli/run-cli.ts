import { existsSync } from "node:fs";
import { constants } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildFeeds } from "../build.js";
import { formatDiagnostic, formatReport } from "../diagnostics/format-report.js";
import { isTopicfeedsError, TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { acquireLock, describeHolder, type HeldLock } from "../io/_build-lock.js";
import { readIdLock, writeIdLock } from "../io/id-lock-file.js";
import { loadConfig } from "../io/load-config.js";
import { type ScanOptions, scanRecords } from "../io/scan-records.js";
import { openVerifiedFiles } from "../io/verified-files.js";
import { outputPaths, writeFiles } from "../io/write-files.js";
import { parseDate } from "../records/parse-date.js";
import type { FeedsConfig, Rule } from "../types.js";
import { urlProblem } from "../validate-config.js";
import { VERSION } from "../version.js";
import { runPing } from "./ping.js";

/** What the CLI may touch: streams, working directory and the clock, all injectable for tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** The build time, used only as `now` for `maxAge` rules when neither --now nor config sets it. */
  now: () => number;
  /** stderr is a terminal: show a progress line for long builds. */
  progress?: boolean;
}

export const HELP = `Usage: topicfeeds build [INPUT...] [options]
       topicfeeds ping [OUT] [-c FILE] [--report json]
       topicfeeds help

Builds RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds per topic from article records.

  INPUT               record files or folders (recursive, *.md / *.markdown);
                      default from config, else ./content
  -o, --out DIR       output folder; default from config, else ./public/feeds
  --base-url URL      absolute public URL of the output folder (required unless in config)
  --site-url URL      home page linked from the feeds (default: origin of --base-url)
  -c, --config FILE   config file (default: topicfeeds.config.{ts,mts,js,mjs,json} in the cwd)
  --min-quality N     shorthand for the quality-threshold rule
  --limit N           items per feed (default 50)
  --now DATE          the instant maxAge rules count back from (default: now)
  --hub URL           WebSub hub named in every feed (repeat for several; adds to config hub)
  --archive           RFC 5005 archives: the feed holds the newest items and links to
                      archive pages holding every other selected item
  --max-bytes N       byte budget per feed document: the oldest items move out (into the
                      archive when on, else dropped) until it fits
  --ping              after writing, notify the hubs of the feeds that changed (as ping)
  --lock-file FILE    id lock (e.g. topicfeeds.lock.json): articles whose URL changes keep
                      the id they were first published under (opt-in; commit the file)
  --cache-dir DIR     record cache (default node_modules/.cache/topicfeeds): unchanged
                      files are not parsed again
  --no-cache          neither read nor write the cache
  --workers N         parser threads (default: 2 for 4,000+ files on a multi-core machine)
  --timings           print the time of each phase on stderr
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

Exit codes: 0 built (warnings and rejected records reported), 1 failed (or a hub kept failing),
2 usage error, 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP (the output is one whole build).
`;

/**
 * The whole command line behind a thin process boundary: parses arguments, loads config and
 * records, builds, writes atomically, prints the report, and returns the exit code (0 built,
 * 1 failed, 2 usage error). Never throws; never prints a stack trace for bad input.
 *
 * @param argv - arguments after `node cli.js`
 * @param io - streams, cwd and clock
 * @returns the exit code
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd(), now: Date.now });
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    io.stderr(`topicfeeds: ${(e as Error).message}\nRun 'topicfeeds --help' for usage.\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help === true) {
    io.stdout(HELP);
    return 0;
  }
  if (values.version === true) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const [command, ...inputs] = positionals;
  if (command === "help") {
    io.stdout(HELP);
    return 0;
  }
  if (command === "ping") {
    if (inputs.length > 1) {
      io.stderr("topicfeeds: ping takes one output folder\nRun 'topicfeeds --help' for usage.\n");
      return 2;
    }
    // The feeds name their own URL and hubs: build options would change nothing, so they are refused.
    const extra = Object.keys(values).filter((k) => !["out", "config", "report"].includes(k));
    if (values.report !== undefined && values.report !== "json") {
      io.stderr(`topicfeeds: --report takes 'json', got ${JSON.stringify(values.report)}\n`);
      return 2;
    }
    if (extra.length > 0) {
      io.stderr(
        `topicfeeds: ping takes OUT, -o, -c and --report json; not --${extra[0]} (the hubs come from the feeds, set by build --hub or config hub)\n`,
      );
      return 2;
    }
    try {
      const { config } = await loadConfig(values.config, io.cwd);
      const given = inputs[0] ?? values.out;
      const out = given !== undefined ? resolve(io.cwd, given) : (config.out ?? resolve(io.cwd, "public/feeds"));
      return await runPing(out, display(out, io.cwd), io, {}, values.report === "json");
    } catch (e) {
      io.stderr(`topicfeeds: ${(e as Error).message}\n`);
      return 1;
    }
  }
  if (command !== "build") {
    io.stderr(
      `topicfeeds: ${command === undefined ? "missing command" : `unknown command ${JSON.stringify(command)}`}; expected 'build' or 'ping'\nRun 'topicfeeds --help' for usage.\n`,
    );
    return 2;
  }
  if (values.report !== undefined && values.report !== "json") {
    io.stderr(`topicfeeds: --report takes 'json', got ${JSON.stringify(values.report)}\n`);
    return 2;
  }
  const numeric = (name: string, v: string | undefined, min: number, max: number): number | undefined | Error => {
    if (v === undefined) return undefined;
    // Plain decimals only: Number() would also take "0x2", "1e3" and " 7 ".
    const n = /^[0-9]+(?:\.[0-9]+)?$/.test(v) ? Number(v) : Number.NaN;
    return Number.isFinite(n) && n >= min && n <= max
      ? n
      : new Error(`--${name} takes a number ${min}–${max}, got ${JSON.stringify(v)}`);
  };
  const minQuality = numeric("min-quality", values["min-quality"], 0, 100);
  const limit = numeric("limit", values.limit, 0, 1_000_000);
  const workers = numeric("workers", values.workers, 1, 64);
  const maxBytes = numeric("max-bytes", values["max-bytes"], 1, Number.MAX_SAFE_INTEGER);
  for (const v of [minQuality, limit, workers, maxBytes]) {
    if (v instanceof Error) {
      io.stderr(`topicfeeds: ${v.message}\n`);
      return 2;
    }
  }
  if (
    (typeof limit === "number" && !Number.isInteger(limit)) ||
    (typeof workers === "number" && !Number.isInteger(workers)) ||
    (typeof maxBytes === "number" && !Number.isInteger(maxBytes))
  ) {
    io.stderr("topicfeeds: --limit, --workers and --max-bytes take whole numbers\n");
    return 2;
  }
  if (values.now !== undefined && "error" in parseDate(values.now)) {
    io.stderr(
      `topicfeeds: --now takes an ISO 8601 date-time such as 2024-01-01T00:00:00Z, got ${JSON.stringify(values.now)}\n`,
    );
    return 2;
  }
  // An empty path would resolve to the current folder: `-o ""` would publish feeds into it.
  for (const [flag, v] of [
    ["--out", values.out],
    ["--config", values.config],
    ["--cache-dir", values["cache-dir"]],
    ["--lock-file", values["lock-file"]],
    ["INPUT", inputs.find((p) => p.trim() === "")],
  ] as const) {
    if (v !== undefined && v.trim() === "") {
      io.stderr(`topicfeeds: ${flag} must not be empty\n`);
      return 2;
    }
  }
  const quiet = values.quiet === true;
  const json = values.report === "json";
  const locks: HeldLock[] = [];

  try {
    const { config } = await loadConfig(values.config, io.cwd);
    const baseUrl = values["base-url"] ?? config.baseUrl;
    if (baseUrl === undefined) {
      io.stderr(
        "topicfeeds: --base-url is required (the absolute public URL of the output folder), unless the config sets baseUrl\n",
      );
      return 2;
    }
    for (const [flag, url, kind] of [
      ["--base-url", values["base-url"], "base"],
      ["--site-url", values["site-url"], "site"],
      ...(values.hub ?? []).map((h) => ["--hub", h, "site"] as const),
    ] as const) {
      const problem = url === undefined ? undefined : urlProblem(url, kind);
      if (problem !== undefined) {
        io.stderr(`topicfeeds: ${flag} ${problem}, got ${JSON.stringify(url)}\n`);
        return 2;
      }
    }
    const input: string[] =
      inputs.length > 0
        ? inputs.map((p) => resolve(io.cwd, p))
        : config.input === undefined
          ? [resolve(io.cwd, "content")]
          : ([] as string[]).concat(config.input);
    // A mistyped input would otherwise build empty feeds over the live ones.
    const missing = input.filter((p) => !existsSync(p));
    if (missing.length > 0) {
      const message = `input not found: ${missing.map((p) => display(p, io.cwd)).join(", ")}; nothing was written`;
      io.stderr(`topicfeeds: ${message}\n`);
      if (json)
        io.stdout(`${JSON.stringify({ error: { code: "input-not-found", message }, diagnostics: [] }, null, 2)}\n`);
      return 1;
    }
    const out =
      values.out !== undefined ? resolve(io.cwd, values.out) : (config.out ?? resolve(io.cwd, "public/feeds"));
    const { input: _i, out: _o, lockFile: configLock, cacheDir: _c, cache: _k, workers: _w, ...feedConfig } = config;
    const buildConfig: FeedsConfig & { strict?: boolean } = { ...feedConfig, baseUrl };
    if (values["site-url"] !== undefined) buildConfig.siteUrl = values["site-url"];
    if (typeof minQuality === "number") buildConfig.minQuality = minQuality;
    if (typeof limit === "number") buildConfig.limit = limit;
    if (values.hub !== undefined) buildConfig.hub = ([] as string[]).concat(config.hub ?? [], values.hub);
    if (values.archive === true && (config.archive === undefined || config.archive === false))
      buildConfig.archive = true;
    if (typeof maxBytes === "number") buildConfig.maxBytes = maxBytes;
    if (values.ping === true && (buildConfig.hub === undefined || buildConfig.hub.length === 0)) {
      io.stderr("topicfeeds: --ping needs a WebSub hub: set hub in the config or add --hub URL\n");
      return 2;
    }
    if (values.strict === true) buildConfig.strict = true;
    buildConfig.now = values.now ?? config.now ?? new Date(io.now()).toISOString();

    const lockFile = values["lock-file"] !== undefined ? resolve(io.cwd, values["lock-file"]) : configLock;
    if (lockFile !== undefined) buildConfig.idLock = readIdLock(lockFile) ?? { version: 1, ids: {} };

    // One build at a time per output folder and per cache folder, taken before anything is read.
    const wait = values.wait === true ? Number.POSITIVE_INFINITY : 0;
    const onWait = (what: string) => (h: Parameters<typeof describeHolder>[0]) =>
      io.stderr(`topicfeeds: waiting for ${describeHolder(h)}, which is using ${what}\n`);
    const outWhat = `the output folder ${display(out, io.cwd)}`;
    // The output folder's builds live beside it, and so does its lock (removed with its folder
    // when a first build fails).
    locks.push(acquireLock(outputPaths(out).lock, { what: outWhat, wait, onWait: onWait(outWhat), tidy: true }));

    const timer = phases();
    const hasCustom = [
      ...(buildConfig.select ?? []),
      ...Object.values(buildConfig.topics ?? {}).flatMap((t) => t.select ?? []),
    ].some((r) => r.rule === "custom");
    const cacheDir =
      values["no-cache"] === true || config.cache === false
        ? undefined
        : resolve(io.cwd, values["cache-dir"] ?? config.cacheDir ?? "node_modules/.cache/topicfeeds");
    if (cacheDir !== undefined) {
      const what = `the cache folder ${display(cacheDir, io.cwd)}`;
      locks.push(acquireLock(join(cacheDir, "build.lock"), { what, wait, onWait: onWait(what), tidy: true }));
    }
    const progress = io.progress === true && !quiet ? progressLine(io) : undefined;
    const scanOptions: ScanOptions = { cwd: io.cwd, cacheKey: VERSION, prefilter: prefilterConfig(buildConfig) };
    if (hasCustom) scanOptions.lean = false;
    // A strict build with errors fails: it leaves the cache as it was, like the output.
    if (values.strict === true) scanOptions.writeCacheIf = (d) => !d.some((x) => x.severity === "error");
    if (cacheDir !== undefined) scanOptions.cacheDir = cacheDir;
    if (typeof workers === "number") scanOptions.workers = workers;
    else if (config.workers !== undefined) scanOptions.workers = config.workers;
    if (progress !== undefined) scanOptions.onProgress = progress.update;
    // Lean records are completed from their files after selection; when one changed in between,
    // the build stops (records-changed) and is made again from a new scan (the cache makes that
    // cheap), twice at most.
    let built: ReturnType<typeof buildFeeds> | undefined;
    let verified: ReturnType<typeof openVerifiedFiles> | undefined;
    for (let attempt = 1; built === undefined; attempt++) {
      const scan = await scanRecords(input, scanOptions);
      progress?.done();
      timer.mark(
        `read ${scan.stats.files} records (${scan.stats.parsed} parsed, ${scan.stats.fromCache} from cache; ${scan.stats.workers} thread${scan.stats.workers === 1 ? "" : "s"}; ${scan.stats.cache})`,
      );
      verified = cacheDir === undefined ? undefined : openVerifiedFiles(cacheDir);
      try {
        built = buildFeeds(
          scan,
          buildConfig,
          verified === undefined ? { hydrate: scan.hydrate } : { hydrate: scan.hydrate, verify: verified.verify },
        );
      } catch (e) {
        if (!isTopicfeedsError(e) || e.code !== "records-changed" || attempt === 3) throw e;
        if (!quiet) {
          io.stderr(`topicfeeds: ${e.message.replace(/; nothing was written$/, "")}; reading the records again\n`);
          for (const d of e.diagnostics.slice(0, 10)) io.stderr(`${formatDiagnostic(d)}\n`);
        }
      }
    }
    const { files, report, idLock } = built;
    verified?.save();
    timer.mark(`built ${files.length} files`);
    // A signal while the build is published takes effect once it is: the output is one whole build.
    const { value: summary, signal } = await deferSignals(() => {
      const written = writeFiles(out, files, { fsync: values.fsync === true });
      if (lockFile !== undefined && idLock !== undefined) {
        try {
          writeIdLock(lockFile, idLock);
        } catch (e) {
          // The feeds are in place by now: say so, rather than the "nothing was changed" of the lock's own write.
          const why = (e as Error).message.replace(/; nothing was changed$/, "");
          throw new TopicfeedsError(
            "write-failed",
            `the feeds were written, but the id lock was not: ${why}; fix that and build again, or moved articles may get new ids`,
          );
        }
      }
      return written;
    });
    timer.mark(`wrote ${summary.written.length} files (${summary.unchanged.length} unchanged)`);
    if (json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    if (!quiet)
      io.stderr(
        `${formatReport(report, { out: display(out, io.cwd), written: summary.written.length, unchanged: summary.unchanged.length })}\n`,
      );
    // The summary lists errors; with --quiet they are all there is to print.
    if (quiet)
      for (const d of report.diagnostics.filter((x) => x.severity === "error")) io.stderr(`${formatDiagnostic(d)}\n`);
    if (values.timings === true) io.stderr(timer.lines());
    if (signal !== undefined) {
      io.stderr(
        `topicfeeds: interrupted by ${signal}; the new build had already been published whole${values.ping === true ? " (hubs were not pinged)" : ""}\n`,
      );
      return 128 + constants.signals[signal];
    }
    if (values.ping === true) return await runPing(out, display(out, io.cwd), io);
    return 0;
  } catch (e) {
    if (isTopicfeedsError(e)) {
      if (e.code === "strict-failed" && !quiet) io.stderr("topicfeeds: strict build failed; nothing was written\n");
      else io.stderr(`topicfeeds: ${e.message}\n`);
      for (const d of e.diagnostics.slice(0, 50)) io.stderr(`${formatDiagnostic(d)}\n`);
      if (e.diagnostics.length > 50) io.stderr(`… and ${e.diagnostics.length - 50} more\n`);
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
    if (process.env.TOPICFEEDS_DEBUG !== undefined && err?.stack !== undefined) io.stderr(`${err.stack}\n`);
    return 1;
  } finally {
    for (const l of locks.reverse()) l.release();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: "string", short: "o" },
      "base-url": { type: "string" },
      "site-url": { type: "string" },
      config: { type: "string", short: "c" },
      "min-quality": { type: "string" },
      limit: { type: "string" },
      now: { type: "string" },
      strict: { type: "boolean" },
      wait: { type: "boolean" },
      fsync: { type: "boolean" },
      "lock-file": { type: "string" },
      "cache-dir": { type: "string" },
      "no-cache": { type: "boolean" },
      workers: { type: "string" },
      hub: { type: "string", multiple: true },
      archive: { type: "boolean" },
      "max-bytes": { type: "string" },
      ping: { type: "boolean" },
      timings: { type: "boolean" },
      report: { type: "string" },
      quiet: { type: "boolean", short: "q" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

// The config the scan sets records aside by: without the id lock (large, and not a rule) and
// without maxAge windows, so the cache does not depend on the clock (maxAge is applied in the build).
function prefilterConfig(config: FeedsConfig): FeedsConfig {
  const strip = (rules: Rule[] | undefined) =>
    rules?.map((r) => {
      if (r.rule !== "dateWindow" || r.maxAge === undefined) return r;
      const { maxAge: _m, ...rest } = r;
      return rest;
    });
  const { idLock: _l, now: _n, ...rest } = config;
  const out: FeedsConfig = { ...rest };
  const select = strip(config.select);
  if (select !== undefined) out.select = select;
  if (config.topics !== undefined) {
    out.topics = Object.fromEntries(
      Object.entries(config.topics).map(([name, t]) => {
        const sel = strip(t.select);
        return [name, sel === undefined ? t : { ...t, select: sel }];
      }),
    );
  }
  return out;
}

function phases() {
  const start = performance.now();
  let last = start;
  const rows: string[] = [];
  return {
    mark(label: string) {
      const now = performance.now();
      rows.push(`  ${((now - last) / 1000).toFixed(3).padStart(7)} s  ${label}`);
      last = now;
    },
    lines: () =>
      `timings:\n${rows.join("\n")}\n  ${((performance.now() - start) / 1000).toFixed(3).padStart(7)} s  total (after start-up)\n`,
  };
}

// A progress line on a terminal, shown only once a build has run for about a second.
function progressLine(io: CliIo) {
  const start = performance.now();
  let shown = false;
  return {
    update(done: number, total: number) {
      if (performance.now() - start < 1000) return;
      shown = true;
      io.stderr(
        `\rtopicfeeds: reading records ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${Math.floor((done / Math.max(total, 1)) * 100)}%)`,
      );
    },
    done() {
      if (shown) io.stderr("\r\x1b[K");
    },
  };
}

function display(path: string, cwd: string): string {
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

/**
 * Runs `work` with SIGINT/SIGTERM/SIGHUP held, and returns with it the signal that arrived
 * meanwhile, if any: the caller ends with 128 + its number after `work`, never in its middle.
 */
async function deferSignals<T>(work: () => T): Promise<{ value: T; signal: NodeJS.Signals | undefined }> {
  let caught: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    caught ??= signal;
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const sg of signals) process.on(sg, hold);
  try {
    const value = work();
    // `work` is synchronous: a signal that came during it is delivered by the event loop's poll
    // phase, which runs between two turns of setImmediate. Removing the handlers before that
    // would drop it.
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    return { value, signal: caught };
  } finally {
    for (const sg of signals) process.off(sg, hold);
  }
}
