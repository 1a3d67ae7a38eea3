import { buildFeeds } from "../build.js";
import { count, formatDiagnostic, formatReport, type ReportStyle } from "../diagnostics/format-report.js";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { writeIdLock } from "../io/id-lock-file.js";
import { planFiles } from "../io/plan-files.js";
import { scanRecords } from "../io/scan-records.js";
import { openVerifiedFiles } from "../io/verified-files.js";
import { writeFiles } from "../io/write-files.js";
import { parseCommandArgs, UsageError } from "./_args.js";
import { display, prepare, SHARED_OPTIONS } from "./_prepare.js";
import { runPing } from "./ping.js";
import type { CliIo } from "./run-cli.js";

/**
 * `topicfeeds build [INPUT...]`: reads the records, builds every feed and writes the changed
 * files atomically; with `--dry-run`, reports which files would be new or changed and writes
 * nothing (no feeds, no cache, no id lock). With `--ping`, notifies the WebSub hubs of the feeds
 * that changed once they are written.
 *
 * @returns the exit code
 */
export async function runBuild(argv: string[], io: CliIo, style: ReportStyle): Promise<number> {
  const { values, positionals } = parseCommandArgs("build", argv, {
    ...SHARED_OPTIONS,
    "dry-run": { type: "boolean" },
    ping: { type: "boolean" },
  });
  const dryRun = values["dry-run"] === true;
  const p = await prepare(values, positionals, io, { requireBaseUrl: true });
  if (values.ping === true && (p.buildConfig.hub === undefined || p.buildConfig.hub.length === 0))
    throw new UsageError("--ping needs a WebSub hub: set hub in the config or add --hub URL");
  const cacheDir = dryRun ? undefined : p.cacheDir;
  const timer = phases();
  const progress = io.progress === true && !p.quiet ? progressLine(io) : undefined;
  const scanOptions = { ...p.scanOptions };
  if (cacheDir !== undefined) scanOptions.cacheDir = cacheDir;
  if (progress !== undefined) scanOptions.onProgress = progress.update;
  const scan = await scanRecords(p.input, scanOptions);
  progress?.done();
  timer.mark(
    `read ${count(scan.stats.files, "record")} (${scan.stats.parsed.toLocaleString("en-US")} parsed, ${scan.stats.fromCache.toLocaleString("en-US")} from cache; ${count(scan.stats.workers, "thread")}; ${scan.stats.cache})`,
  );
  const verified = cacheDir === undefined ? undefined : openVerifiedFiles(cacheDir);
  const { files, report, idLock } = buildFeeds(
    scan,
    p.buildConfig,
    verified === undefined ? { hydrate: scan.hydrate } : { hydrate: scan.hydrate, verify: verified.verify },
  );
  verified?.save();
  timer.mark(`built ${count(files.length, "file")}`);
  const out = display(p.out, io.cwd);
  if (dryRun) {
    const plan = planFiles(p.out, files);
    if (p.json) io.stdout(`${JSON.stringify({ ...report, dryRun: plan }, null, 2)}\n`);
    if (!p.quiet) {
      io.stderr(`${formatReport(report, { out, config: p.configFile, style })}\n`);
      const changes = [...plan.added.map((f) => `  + ${f}`), ...plan.changed.map((f) => `  ~ ${f}`)];
      io.stderr(
        `dry run: would write ${count(changes.length, "file")} (${plan.added.length.toLocaleString("en-US")} new, ${plan.changed.length.toLocaleString("en-US")} changed), ${plan.unchanged.length.toLocaleString("en-US")} unchanged, in ${out}; nothing was written\n`,
      );
      for (const line of changes.slice(0, 50)) io.stderr(`${line}\n`);
      if (changes.length > 50) io.stderr(`  … and ${count(changes.length - 50, "more file")}\n`);
    } else printErrors(report.diagnostics, io, style);
    return 0;
  }
  // Ctrl-C while files are renamed into place waits for the last rename: a whole set, never a mix.
  const summary = deferSignals(() => {
    const written = writeFiles(p.out, files);
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
  timer.mark(
    `wrote ${count(summary.written.length, "file")} (${summary.unchanged.length.toLocaleString("en-US")} unchanged)`,
  );
  if (p.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  if (!p.quiet)
    io.stderr(
      `${formatReport(report, { out, config: p.configFile, written: summary.written.length, unchanged: summary.unchanged.length, style })}\n`,
    );
  // The summary lists errors; with --quiet they are all there is to print.
  else printErrors(report.diagnostics, io, style);
  if (values.timings === true) io.stderr(timer.lines());
  if (values.ping === true) return await runPing(p.out, out, io);
  return 0;
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
        `\rtopicfeeds: reading records ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${Math.floor((done / Math.max(total, 1)) * 100)}%)`,
      );
    },
    done() {
      if (shown) io.stderr("\r\x1b[K");
    },
  };
}

/**
 * Runs `work` with SIGINT/SIGTERM/SIGHUP held: a signal that arrives meanwhile ends the process
 * (with the usual 128 + n code) right after it, never in the middle.
 */
function deferSignals<T>(work: () => T): T {
  let caught: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    caught ??= signal;
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const sg of signals) process.on(sg, hold);
  try {
    return work();
  } finally {
    // Handlers run from the event loop, so a signal during `work` is seen only after it.
    setImmediate(() => {
      for (const sg of signals) process.off(sg, hold);
      if (caught !== undefined) process.kill(process.pid, caught);
    });
  }
}
