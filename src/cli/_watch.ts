import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { groupDigits } from "../diagnostics/_group-digits.js";
import { formatDiagnostic, formatReport, type ReportStyle } from "../diagnostics/format-report.js";
import type { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import type { FeedsConfig } from "../types.js";
import { type WatchOptions, type WatchUpdate, watchFeeds } from "../watch/watch-feeds.js";
import { display } from "./_prepare.js";
import type { CliIo } from "./run-cli.js";

/** What `topicfeeds build --watch` needs beyond the build config. */
export interface WatchCommandOptions {
  input: string[];
  out: string;
  quiet: boolean;
  /** The config file as the summary names it, or null for none. */
  configFile: string | null;
  reload: () => Promise<FeedsConfig & { strict?: boolean }>;
  configFiles: string[];
  lockFile?: string | undefined;
  cacheDir?: string | undefined;
  workers?: number | undefined;
  fsync: boolean;
}

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * `topicfeeds build --watch`: builds, prints the summary, then one line per update, until
 * SIGINT, SIGTERM or SIGHUP, which stop it between updates (never in the middle of a write).
 * The caller holds the output and cache folders' locks for as long as this runs.
 *
 * @returns the exit code: 0 when stopped by a signal (the first build's failure is thrown)
 */
export async function watchCommand(
  config: FeedsConfig & { strict?: boolean },
  options: WatchCommandOptions,
  io: CliIo,
  style: ReportStyle,
): Promise<number> {
  const memory = memoryKeeper();
  const onBuild = (u: WatchUpdate) => {
    // After the update's line is out (the line is what a user waits for).
    if (u.cause !== "initial") setImmediate(memory.afterUpdate);
    // The first build's summary lists its diagnostics; with --quiet, its errors are all there is.
    const summary = u.cause === "initial" && !options.quiet && u.report !== undefined;
    if (!summary)
      for (const d of u.diagnostics)
        if (!options.quiet || d.severity === "error") io.stderr(`${formatDiagnostic(d, style)}\n`);
    if (u.error !== undefined) {
      printError(u.error, io, style);
      io.stderr(`feeds kept as they were (${u.error.code}) in ${Math.round(u.ms)} ms\n`);
      return;
    }
    if (u.cause === "initial") {
      if (summary && u.report !== undefined)
        io.stderr(
          `${formatReport(u.report, {
            out: display(options.out, io.cwd),
            config: options.configFile,
            written: u.written.length,
            unchanged: u.report.files - u.written.length,
            style,
          })}\n`,
        );
      memory.firstBuild();
      io.stderr(`watching ${options.input.map((p) => display(p, io.cwd)).join(", ")} (Ctrl-C to stop)\n`);
      return;
    }
    io.stderr(`${updateLine(u)}\n`);
  };
  // Signals are caught from the start: one during the first build stops it before anything is
  // written; one during an update takes effect once its files are in place.
  const controller = new AbortController();
  let stopped = () => {};
  const stop = new Promise<void>((resolve) => {
    stopped = resolve;
  });
  const onSignal = () => {
    controller.abort();
    stopped();
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    const watchOptions: WatchOptions = {
      out: options.out,
      cwd: io.cwd,
      onBuild,
      reload: options.reload,
      configFiles: options.configFiles,
      signal: controller.signal,
      fsync: options.fsync,
    };
    watchOptions.onIdle = memory.idle;
    if (options.lockFile !== undefined) watchOptions.lockFile = options.lockFile;
    if (options.cacheDir !== undefined) watchOptions.cacheDir = options.cacheDir;
    if (options.workers !== undefined) watchOptions.workers = options.workers;
    const handle = await watchFeeds(options.input, config, watchOptions);
    await stop;
    await handle.close();
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
  io.stderr("stopped watching\n");
  return 0;
}

/** How many written files an update line names before "and N more". */
const SHOWN = 3;

/**
 * The line printed for one update, e.g. `ai/rss.xml ai/atom.xml ai/feed.json updated (1 record changed) in 12 ms`;
 * past three files, `… and 6 more updated`.
 *
 * @example
 * updateLine({ cause: "records", written: ["rss.xml"], changed: 1, held: [], diagnostics: [], ms: 12 })
 */
export function updateLine(u: WatchUpdate): string {
  const records = `${groupDigits(u.changed)} record${u.changed === 1 ? "" : "s"} changed`;
  const held =
    u.held.length === 0
      ? ""
      : `; ${groupDigits(u.held.length)} with an error ${u.held.length === 1 ? "keeps its" : "keep their"} last good version`;
  const what = u.cause === "config" ? "config changed, all records read again" : `${records}${held}`;
  const more = u.written.length - SHOWN;
  const names = u.written.slice(0, SHOWN).join(" ") + (more > 0 ? ` and ${groupDigits(more)} more` : "");
  const files = u.written.length === 0 ? "no feed changed" : `${names} updated`;
  return `${files} (${what}) in ${Math.round(u.ms)} ms`;
}

function printError(e: TopicfeedsError, io: CliIo, style: ReportStyle): void {
  for (const d of e.diagnostics.slice(0, 50)) io.stderr(`${formatDiagnostic(d, style)}\n`);
  if (e.diagnostics.length > 50) io.stderr(`… and ${groupDigits(e.diagnostics.length - 50)} more\n`);
  io.stderr(`topicfeeds: ${e.message}\n`);
}

// Full garbage collections that keep the resident size flat: V8 collects its old generation
// late, so without them it climbs across edits (at 100,000 records from about 260 MiB to over
// 500 MiB in 200 edits) although the live data stays the same. One runs once the first build is
// written (what it read is garbage by then), one when the watcher has been quiet for half a second
// after an update, and one after an update that left the heap 64 MiB above what the last
// collection kept (a safety net: it seldom runs, since a full collection pauses the watcher for
// about 0.1–0.2 s at 100,000 records). From the first build on, V8 lets the heap grow only 10 %
// past what a collection keeps, rather than up to about twice that, so that its own concurrent
// collections keep the resident size flat across edits without such pauses (measured in
// docs/design.md). `gc` is not exposed without a flag: the flag is set for this
// process only and the function taken from a new context.
function memoryKeeper(): { firstBuild: () => void; afterUpdate: () => void; idle: () => void } {
  let gc: ((options?: { type: "major" | "minor" }) => void) | undefined;
  try {
    setFlagsFromString("--expose-gc");
    const found = runInNewContext("gc") as unknown;
    if (typeof found === "function") gc = found as (options?: { type: "major" | "minor" }) => void;
  } catch {
    gc = undefined;
  }
  let kept = 0;
  const collect = () => {
    if (gc === undefined) return;
    gc();
    kept = getHeapStatistics().used_heap_size;
  };
  // The young generation the first build grew (32 MiB at 100,000 records) is given back by V8
  // only at a collection that follows about 5 s of little allocation: a young-generation
  // collection (about a millisecond) every 6 s until V8 has shrunk it, which it does at the
  // first quiet moment; with a growth factor of 1 it is not grown again.
  const shrinkYoung = () => {
    if (gc === undefined) return;
    const timer = setInterval(() => {
      const young = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
      if (young === undefined || young.space_size <= 4 * 1024 * 1024) clearInterval(timer);
      else gc?.({ type: "minor" });
    }, 6000);
    timer.unref();
  };
  return {
    firstBuild: () => {
      // Only now: the first build reads every file, and a tight heap would slow it down. (Set
      // before the collection, which sets the next limit.)
      setFlagsFromString("--heap-growing-percent=10");
      // Updates allocate little that lives: the young generation need not grow (see shrinkYoung).
      setFlagsFromString("--semi-space-growth-factor=1");
      collect();
      shrinkYoung();
    },
    afterUpdate: () => {
      if (gc !== undefined && getHeapStatistics().used_heap_size > kept + 64 * 1024 * 1024) collect();
    },
    idle: () => {
      if (gc !== undefined && getHeapStatistics().used_heap_size > kept + 8 * 1024 * 1024) collect();
    },
  };
}
