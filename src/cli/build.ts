import { constants } from "node:os";
import { join, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { buildFeeds } from "../build.js";
import { groupDigits } from "../diagnostics/_group-digits.js";
import { count, formatDiagnostic, formatReport, type ReportStyle } from "../diagnostics/format-report.js";
import { isTopicfeedsError, TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { acquireLock, describeHolder, type HeldLock } from "../io/_build-lock.js";
import { writeIdLock } from "../io/id-lock-file.js";
import {
  type LastBuild,
  lastBuildKey,
  outputDigests,
  outputsIntact,
  readLastBuild,
  writeLastBuild,
} from "../io/last-build.js";
import { CONFIG_NAMES } from "../io/load-config.js";
import { planFiles } from "../io/plan-files.js";
import { readRenderMemo, type SavedRenderMemo, writeRenderMemo } from "../io/render-memo-file.js";
import { scanRecords } from "../io/scan-records.js";
import { openVerifiedFiles } from "../io/verified-files.js";
import { outputPaths, writeFiles } from "../io/write-files.js";
import { parseCommandArgs, UsageError } from "./_args.js";
import { display, type Prepared, prepare, SHARED_OPTIONS } from "./_prepare.js";
import { type WatchCommandOptions, watchCommand } from "./_watch.js";
import { runPing } from "./ping.js";
import type { CliIo } from "./run-cli.js";

/**
 * `topicfeeds build [INPUT...]`: reads the records, builds every feed and writes the changed
 * files atomically; with `--dry-run`, reports which files would be new or changed and writes
 * nothing (no feeds, no cache, no id lock). With `--ping`, notifies the WebSub hubs of the feeds
 * that changed once they are written. With `--watch`, keeps watching the records and the config
 * file after the build and rewrites the files whose bytes change, until stopped.
 *
 * @returns the exit code
 */
export async function runBuild(argv: string[], io: CliIo, style: ReportStyle): Promise<number> {
  const { values, positionals } = parseCommandArgs("build", argv, {
    ...SHARED_OPTIONS,
    "dry-run": { type: "boolean" },
    ping: { type: "boolean" },
    wait: { type: "boolean" },
    fsync: { type: "boolean" },
    watch: { type: "boolean", short: "w" },
  });
  const dryRun = values["dry-run"] === true;
  const watch = values.watch === true;
  if (watch) {
    const other = ["dry-run", "ping", "report"].find((k) => values[k] !== undefined);
    if (other !== undefined)
      throw new UsageError(`--watch prints one line per update; it cannot be combined with --${other}`);
  }
  const p = await prepare(values, positionals, io, { requireBaseUrl: true });
  if (values.ping === true && (p.buildConfig.hub === undefined || p.buildConfig.hub.length === 0))
    throw new UsageError("--ping needs a WebSub hub: set hub in the config or add --hub URL");
  const cacheDir = dryRun ? undefined : p.cacheDir;
  const locks: HeldLock[] = [];
  try {
    // One build at a time per output folder and per cache folder, taken before anything is read
    // (a dry run writes nothing, not even a lock).
    if (!dryRun) {
      const wait = values.wait === true ? Number.POSITIVE_INFINITY : 0;
      const onWait = (what: string) => (h: Parameters<typeof describeHolder>[0]) =>
        io.stderr(`topicfeeds: waiting for ${describeHolder(h)}, which is using ${what}\n`);
      const outWhat = `the output folder ${display(p.out, io.cwd)}`;
      // The output folder's builds live beside it, and so does its lock (removed with its folder
      // when a first build fails).
      locks.push(acquireLock(outputPaths(p.out).lock, { what: outWhat, wait, onWait: onWait(outWhat), tidy: true }));
      if (cacheDir !== undefined) {
        const what = `the cache folder ${display(cacheDir, io.cwd)}`;
        locks.push(acquireLock(join(cacheDir, "build.lock"), { what, wait, onWait: onWait(what), tidy: true }));
      }
    }
    // The watcher holds both locks until it stops.
    if (watch) return await watchCommand(p.buildConfig, watchOptions(values, positionals, p, io), io, style);
    return await buildAndWrite(values, p, cacheDir, dryRun, io, style);
  } finally {
    for (const l of locks.reverse()) l.release();
  }
}

type Values = Parameters<typeof prepare>[0];

async function buildAndWrite(
  values: Record<string, unknown>,
  p: Prepared,
  cacheDir: string | undefined,
  dryRun: boolean,
  io: CliIo,
  style: ReportStyle,
): Promise<number> {
  const timer = phases();
  // V8 lets the old generation grow to about twice what a collection kept before it collects
  // again; a scan makes short-lived garbage that outlives the young generation at a steady rate,
  // so a large build's resident size followed the garbage, not what is kept. 20 % keeps it near
  // what is kept at no measured cost in time (1,000,000 records, one title edited: 646–661 →
  // 357–359 MiB; 100,000 records cold 204 → 183 MiB, rebuild 188–195 → 175–176 MiB).
  setFlagsFromString("--heap-growing-percent=20");
  const progress = io.progress === true && !p.quiet ? progressLine(io) : undefined;
  const scanOptions = { ...p.scanOptions, build: p.buildConfig };
  if (cacheDir !== undefined) scanOptions.cacheDir = cacheDir;
  if (progress !== undefined) scanOptions.onProgress = progress.update;
  // A strict build with errors fails: it leaves the cache as it was, like the output.
  if (values.strict === true) scanOptions.writeCacheIf = (d) => !d.some((x) => x.severity === "error");
  // A build that finds every record file as the last build listed it, under the same key, and
  // that build's files still in place, publishes nothing new: it lists and stats the files,
  // reads no record and reports what the last build reported (hubs to ping: always a full build).
  const key =
    cacheDir === undefined || dryRun || values.ping === true
      ? undefined
      : lastBuildKey(p.buildConfig, [p.input, io.cwd, p.out, values.strict === true]);
  const last = key === undefined || cacheDir === undefined ? undefined : readLastBuild(cacheDir, key);
  // Feeds whose items' files, context and config are as the last build rendered them are taken
  // from its render memo and the output folder, not rendered again.
  let saved: SavedRenderMemo | undefined;
  if (last !== undefined) {
    scanOptions.unchangedSince = last.listing;
    if (last.identities !== undefined) {
      // (Written into by the scan: then they are the scan's, not the last build's.)
      scanOptions.knownIdentities = last.identities;
      scanOptions.reuseKnownIdentities = true;
    }
  }
  // Lean records are completed from their files after selection; when one changed in between,
  // the build stops (records-changed) and is made again from a new scan (the cache makes that
  // cheap), twice at most.
  let built: ReturnType<typeof buildFeeds> | undefined;
  let verified: ReturnType<typeof openVerifiedFiles> | undefined;
  let listing: Pick<LastBuild, "listing" | "identities"> = { listing: [] };
  let changedIdentities: number[] | undefined;
  for (let attempt = 1; built === undefined; attempt++) {
    try {
      const scan = await scanRecords(p.input, scanOptions);
      progress?.done();
      timer.mark(
        `read ${count(scan.stats.files, "record")} (${groupDigits(scan.stats.parsed)} parsed, ${groupDigits(scan.stats.fromCache)} from cache; ${count(scan.stats.workers, "thread")}; ${scan.stats.cache}${scan.stats.listing === "kept" ? "; no folder changed since the last build, none read" : ""})`,
      );
      if (scan.unchanged === true && last !== undefined) {
        if (outputsIntact(p.out, last.outputs)) {
          timer.mark(`checked ${count(last.outputs.length, "file")} of the last build`);
          return reportUnchanged(last, values, p, io, style, timer);
        }
        // A published file was changed or removed since: build in full, which restores it.
        timer.mark("the last build's files changed since: building in full");
        delete scanOptions.unchangedSince;
        delete scanOptions.knownIdentities;
        attempt--;
        continue;
      }
      listing = { listing: scan.listing, identities: scan.identities };
      changedIdentities = scan.changedIdentities;
      verified = cacheDir === undefined ? undefined : openVerifiedFiles(cacheDir);
      if (key !== undefined && cacheDir !== undefined) {
        saved ??= readRenderMemo(cacheDir, key, p.out);
        saved.memo.itemKey = scan.sourceOf;
      }
      built = buildFeeds(scan, p.buildConfig, {
        hydrate: scan.hydrate,
        ...(verified === undefined ? {} : { verify: verified.verify }),
        ...(saved === undefined ? {} : { memo: saved.memo }),
      });
    } catch (e) {
      if (!isTopicfeedsError(e) || e.code !== "records-changed" || attempt === 3) throw e;
      // The last build's identities hold the scan's now: the next scan compares with the record
      // cache, which the scan brought up to date.
      delete scanOptions.unchangedSince;
      delete scanOptions.knownIdentities;
      if (!p.quiet) {
        io.stderr(`topicfeeds: ${e.message.replace(/; nothing was written$/, "")}; reading the records again\n`);
        for (const d of e.diagnostics.slice(0, 10)) io.stderr(`${formatDiagnostic(d, style)}\n`);
      }
    }
  }
  const { files, report, idLock } = built;
  verified?.save();
  // Feeds taken from the last build's render memo are those still holding the outcome read back.
  const reused =
    saved === undefined ? 0 : [...saved.memo.feeds.values()].filter((e) => saved?.taken.has(e.outcome)).length;
  timer.mark(
    `built ${count(files.length, "file")}${saved === undefined ? "" : ` (${groupDigits(reused)} of ${count(saved.memo.feeds.size, "feed")} as the last build rendered them)`}`,
  );
  const out = display(p.out, io.cwd);
  if (dryRun) {
    const plan = planFiles(p.out, files);
    if (p.json) io.stdout(`${JSON.stringify({ ...report, dryRun: plan }, null, 2)}\n`);
    if (!p.quiet) {
      io.stderr(`${formatReport(report, { out, config: p.configFile, style })}\n`);
      const changes = [...plan.added.map((f) => `  + ${f}`), ...plan.changed.map((f) => `  ~ ${f}`)];
      io.stderr(
        `dry run: would write ${count(changes.length, "file")} (${groupDigits(plan.added.length)} new, ${groupDigits(plan.changed.length)} changed), ${groupDigits(plan.unchanged.length)} unchanged, in ${out}; nothing was written\n`,
      );
      for (const line of changes.slice(0, 50)) io.stderr(`${line}\n`);
      if (changes.length > 50) io.stderr(`  … and ${count(changes.length - 50, "more file")}\n`);
    } else printErrors(report.diagnostics, io, style);
    return 0;
  }
  // A signal while the build is published takes effect once it is: the output is one whole build.
  const { value: summary, signal } = await deferSignals(() => {
    const written = writeFiles(p.out, files, {
      fsync: values.fsync === true,
      ...(saved === undefined ? {} : { inPlace: saved.inPlace }),
    });
    if (p.lockFile !== undefined && idLock !== undefined) {
      try {
        writeIdLock(p.lockFile, idLock);
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
  timer.mark(`wrote ${count(summary.written.length, "file")} (${groupDigits(summary.unchanged.length)} unchanged)`);
  if (key !== undefined && cacheDir !== undefined) {
    const outputs = outputDigests(files);
    writeLastBuild(
      cacheDir,
      { key, ...listing, report, outputs },
      last === undefined ? undefined : { last, changed: changedIdentities },
    );
    if (saved !== undefined) writeRenderMemo(cacheDir, key, saved, outputs, p.out);
  }
  if (p.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  if (!p.quiet)
    io.stderr(
      `${formatReport(report, { out, config: p.configFile, written: summary.written.length, unchanged: summary.unchanged.length, style })}\n`,
    );
  // The summary lists errors; with --quiet they are all there is to print.
  else printErrors(report.diagnostics, io, style);
  if (values.timings === true) io.stderr(timer.lines());
  if (signal !== undefined) {
    io.stderr(
      `topicfeeds: interrupted by ${signal}; the new build had already been published whole${values.ping === true ? " (hubs were not pinged)" : ""}\n`,
    );
    return 128 + constants.signals[signal];
  }
  if (values.ping === true) return await runPing(p.out, out, io);
  return 0;
}

// The end of a build that found nothing changed: the last build's report, nothing written.
function reportUnchanged(
  last: LastBuild,
  values: Record<string, unknown>,
  p: Prepared,
  io: CliIo,
  style: ReportStyle,
  timer: ReturnType<typeof phases>,
): number {
  const report = last.report;
  if (p.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  if (!p.quiet) {
    const out = display(p.out, io.cwd);
    const unchanged = last.outputs.length;
    io.stderr(`${formatReport(report, { out, config: p.configFile, written: 0, unchanged, style })}\n`);
  } else printErrors(report.diagnostics, io, style);
  if (values.timings === true) io.stderr(timer.lines());
  return 0;
}

// What the watcher needs from the command line: reloading the config reads it as a build does.
function watchOptions(values: Values, positionals: string[], p: Prepared, io: CliIo): WatchCommandOptions {
  return {
    input: p.input,
    out: p.out,
    quiet: p.quiet,
    configFile: p.configFile,
    reload: async () => {
      const next = await prepare(values, positionals, io, { requireBaseUrl: true });
      // The folders and the cache are the watcher's own while it runs.
      const moved = (["input", "out", "cacheDir"] as const).filter(
        (k) => JSON.stringify(next[k]) !== JSON.stringify(p[k]),
      );
      if (moved.length > 0)
        io.stderr(`topicfeeds: the config's ${moved.join(", ")} changed; restart the watcher to use the new value\n`);
      return next.buildConfig;
    },
    // The config file in use, or every name one would be found by (one may appear).
    configFiles:
      values["no-config"] === true
        ? []
        : typeof values.config === "string"
          ? [resolve(io.cwd, values.config)]
          : CONFIG_NAMES.map((n) => resolve(io.cwd, n)),
    lockFile: p.lockFile,
    cacheDir: p.cacheDir,
    workers: p.scanOptions.workers,
    fsync: values.fsync === true,
  };
}

function printErrors(diagnostics: { severity: string }[], io: CliIo, style: ReportStyle): void {
  for (const d of diagnostics as Parameters<typeof formatDiagnostic>[0][])
    if (d.severity === "error") io.stderr(`${formatDiagnostic(d, style)}\n`);
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
        `\rtopicfeeds: reading records ${groupDigits(done)}/${groupDigits(total)} (${Math.floor((done / Math.max(total, 1)) * 100)}%)`,
      );
    },
    done() {
      if (shown) io.stderr("\r\x1b[K");
    },
  };
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
