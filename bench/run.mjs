#!/usr/bin/env node
// The topicfeeds benchmark. Never part of `npm test`.
//
//   npm run bench                      # 1,000 and 10,000 records
//   npm run bench -- --full            # adds 100,000
//   node bench/run.mjs --only read-files,handwritten --sizes 1000 --runs 2
//
// Options:
//   --sizes A,B        record counts (default 1000,10000)
//   --full             add 100000
//   --huge             200000 and 1000000 records, topicfeeds cold and warm only, 1 run each
//                      (unless --sizes, --only or --runs say otherwise); prints time and peak RSS
//                      per record, so linearity shows. Needs --corpus-dir with {N} (generate the
//                      corpora once, outside the repository: 1,000,000 records are ~1.9 GB)
//   --runs K           timed runs per contender (default 5 up to 10k records, 3 above)
//   --corpus-dir DIR   corpus folder (default node_modules/.cache/topicfeeds-bench/corpus-<N>);
//                      "<N>" or "{N}" in DIR is replaced by the size; with several sizes and no
//                      placeholder, DIR/corpus-<N> is used. Generated (seed 1) if missing or empty.
//   --only a,b         contenders: read-files, stat-files, handwritten, cold, warm, warm-quality, warm-date, unchanged, no-cache (or
//                      their full names, e.g. "topicfeeds-cold"); "topicfeeds" selects all of them
//   --json FILE        also write the raw numbers as JSON
//   --no-watch         skip bench/watch.mjs (the watcher: latency, idle CPU, memory over edits)
//
// Every run is a whole process (spawn to exit, high-resolution clock) with its peak RSS; the
// contenders run round-robin, run by run, so machine noise spreads over all of them.
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { arch, availableParallelism, cpus, platform, release, tmpdir, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readAll } from "./read-files.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const generator = resolve(root, "..", "shared", "corpus", "generate.mjs");
const cli = join(root, "dist", "cli.js");
const peakRss = join(here, "_peak-rss.cjs");

const CONTENDERS = [
  "read-files",
  "stat-files",
  "handwritten",
  "topicfeeds cold",
  "topicfeeds warm",
  "topicfeeds warm-quality",
  "topicfeeds warm-date",
  "topicfeeds unchanged",
  "topicfeeds no-cache",
];
const opts = parseOptions(process.argv.slice(2));

// ---- never leave the corpus modified ----------------------------------------------------------
/** The record file changed for the warm runs: { file, original, backup } while it may differ. */
let touched;
/** The process being measured, killed if we are interrupted. */
let current;
let workDir;
let rssCounter = 0;

function restore() {
  if (touched) {
    writeFileSync(touched.file, touched.original);
    rmSync(touched.backup, { force: true });
  }
}
function cleanUp() {
  try {
    restore();
  } finally {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }
}
process.on("exit", cleanUp);
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
]) {
  process.on(signal, () => {
    current?.kill("SIGKILL");
    console.error(`\nbench: ${signal}, corpus restored`);
    process.exit(code); // runs cleanUp
  });
}

// ---- main ---------------------------------------------------------------------------------------
const machine = describeMachine();
const raw = {
  date: new Date().toISOString(),
  machine,
  options: { ...opts, only: opts.only && [...opts.only] },
  sizes: {},
};
const out = (line = "") => process.stdout.write(`${line}\n`);

out("# topicfeeds benchmark");
out();
out(
  `Machine: ${machine.cpu}, ${machine.cores} cores (${machine.available} available), ${machine.memGiB} GiB RAM, ${machine.os}, Node ${machine.node}`,
);
out();
out(
  "Page cache: warm, not dropped. Before every run the harness reads the whole corpus once (untimed), so every contender reads the same cached files.",
);
out(
  `Each run is a whole process, timed spawn to exit; contenders run round-robin. Times in seconds (median, min–max); peak RSS is the median of the runs' maxRSS.`,
);
out();

async function main() {
  for (const n of opts.sizes) {
    const runs = opts.runs ?? (n > 10000 ? 3 : 5);
    const corpus = corpusDir(n);
    ensureCorpus(corpus, n);
    const { files, bytes } = readAll(corpus);
    workDir = mkdtempSync(join(tmpdir(), "topicfeeds-bench-"));
    const contenders = makeContenders(corpus, workDir);
    const size = { corpus, files, bytes, runs, contenders: {} };
    raw.sizes[n] = size;
    for (const c of contenders) size.contenders[c.name] = { runs: [], error: c.error };

    // Prime the warm cache with the unmodified corpus.
    for (const c of contenders) {
      if (c.error || !c.prime) continue;
      console.error(`${fmtInt(n)} records: priming ${c.name} …`);
      const r = await measure(c, corpus, -1);
      if (r.error) fail(c, size, `priming run: ${r.error}`);
    }
    for (let i = 0; i < runs; i++) {
      console.error(`${fmtInt(n)} records: run ${i + 1}/${runs}`);
      // Round-robin, starting one contender further each run so no one always goes first.
      const order = contenders.map((_, k) => contenders[(k + i) % contenders.length]);
      for (const c of order) {
        if (c.error) continue;
        const r = await measure(c, corpus, i);
        if (r.error) fail(c, size, r.error);
        else size.contenders[c.name].runs.push(r);
      }
    }
    restore();
    touched = undefined;
    rmSync(workDir, { recursive: true, force: true });
    workDir = undefined;
    summarize(size);
    printSize(n, size);
    if (!opts.noWatch && !cliError()) {
      // The watcher at this size: bench/watch.mjs, its table printed as it is.
      console.error(`${fmtInt(n)} records: watch …`);
      const w = spawnSync(process.execPath, [join(here, "watch.mjs"), "--corpus", corpus], {
        stdio: ["ignore", "inherit", "inherit"],
      });
      if (w.status !== 0) out(`watch: failed (exit ${w.status})`);
      out();
    }
  }
  printRatios();
  if (opts.huge) printPerRecord();
  if (opts.json) {
    writeFileSync(resolve(opts.json), `${JSON.stringify(raw, null, 2)}\n`);
    console.error(`raw numbers written to ${opts.json}`);
  }
}

const cliError = () => !existsSync(cli);

// ---- contenders ---------------------------------------------------------------------------------
function makeContenders(corpus, work) {
  const cliError = existsSync(cli)
    ? undefined
    : `${relative(process.cwd(), cli) || cli} not found (run \`npm run build\`; \`npm run bench\` does)`;
  const tf = (dirName, extra) => [
    cli,
    "build",
    corpus,
    "--out",
    join(work, dirName),
    "--base-url",
    "https://example.com/feeds/",
    "--min-quality",
    "50",
    ...extra,
    "--report",
    "json",
  ];
  const emptied =
    (...dirs) =>
    () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    };
  const coldCache = join(work, "cold-cache");
  const warmAfter = (dirName, kind) => ({
    name: `topicfeeds ${dirName}`,
    args: tf(dirName, ["--cache-dir", join(work, `${dirName}-cache`)]),
    prime: true,
    before: (run) => run >= 0 && editRecord(corpus, run, kind),
    after: restore,
    error: cliError,
  });
  const all = [
    { name: "read-files", args: [join(here, "read-files.mjs"), corpus] },
    { name: "stat-files", args: [join(here, "stat-files.mjs"), corpus] },
    {
      name: "handwritten",
      args: [join(here, "handwritten.mjs"), corpus, join(work, "handwritten")],
      before: emptied(join(work, "handwritten")),
    },
    {
      name: "topicfeeds cold",
      args: tf("cold", ["--cache-dir", coldCache]),
      before: emptied(coldCache, join(work, "cold")),
      error: cliError,
    },
    // The output folder and cache are kept from the previous build, as in a real rebuild; one
    // record is edited before each run: its title, its quality (selection must see it, but the
    // record stays among those the last build selected from), or its date moved by a minute or
    // two (which records each feed keeps may change: every record is read and selected again).
    warmAfter("warm", "title"),
    warmAfter("warm-quality", "quality"),
    warmAfter("warm-date", "date"),
    {
      name: "topicfeeds unchanged",
      // A rebuild with nothing changed since the last build: an untimed build first takes in the
      // record file the warm runs edit and restore.
      args: tf("unchanged", ["--cache-dir", join(work, "unchanged-cache")]),
      prime: true,
      before: (run) => {
        if (run >= 0)
          spawnSync(process.execPath, tf("unchanged", ["--cache-dir", join(work, "unchanged-cache")]), {
            cwd: work,
            stdio: "ignore",
          });
      },
      error: cliError,
    },
    {
      name: "topicfeeds no-cache",
      args: tf("no-cache", ["--no-cache"]),
      before: emptied(join(work, "no-cache")),
      error: cliError,
    },
  ];
  return all.filter((c) => opts.only === undefined || opts.only.has(c.name));
}

function fail(c, size, error) {
  c.error = error;
  size.contenders[c.name].error = error;
  console.error(`bench: ${c.name} failed: ${error}`);
}

/**
 * One record changed since the last build: the newest record that is in the feeds (published,
 * quality >= 50) gets a new title, different for every run, so the cache can never have seen it
 * (`kind` "title"), or its quality one or two points higher by turns (lower near 100), so it stays
 * in the same feeds and differs from what the last build saw ("quality").
 * Restored right after the run (and on any exit); a backup next to the corpus covers a kill -9.
 */
function editRecord(corpus, run, kind) {
  if (!touched) {
    const file = pickRecord(corpus);
    touched = { file, original: readFileSync(file), backup: backupPath(corpus) };
  }
  writeFileSync(touched.backup, JSON.stringify({ file: touched.file, original: touched.original.toString("base64") }));
  const text = touched.original.toString("utf8");
  // One or two steps by turns: each run's value differs from the one the last build saw.
  const step = 1 + (run % 2);
  const edited =
    kind === "title"
      ? text.replace(/^title: "(.*)"$/m, (_, t) => `title: "${t} (bench edit ${run + 1})"`)
      : kind === "quality"
        ? text.replace(
            /^quality: (\d+)$/m,
            (_, q) => `quality: ${Number(q) + step > 100 ? Number(q) - step : Number(q) + step}`,
          )
        : text.replace(
            /^publishedDateTime: (.+)$/m,
            (_, d) => `publishedDateTime: ${new Date(Date.parse(d.trim()) - step * 60_000).toISOString()}`,
          );
  if (edited === text) throw new Error(`no ${kind} line in ${touched.file}`);
  writeFileSync(touched.file, edited);
}

function pickRecord(corpus) {
  let best;
  let bestTime = -Infinity;
  for (const name of readdirSync(corpus).sort()) {
    if (!name.endsWith(".md")) continue;
    const text = readFileSync(join(corpus, name), "utf8");
    if (!/^published: true$/m.test(text) || !/^title: ".*"$/m.test(text)) continue;
    const q = /^quality: (\d+)$/m.exec(text);
    const d = /^publishedDateTime: (.+)$/m.exec(text);
    if (!q || Number(q[1]) < 50 || !d) continue;
    const t = Date.parse(d[1].trim());
    if (t > bestTime) [best, bestTime] = [join(corpus, name), t];
  }
  if (!best)
    best = join(
      corpus,
      readdirSync(corpus)
        .filter((f) => f.endsWith(".md"))
        .sort()[0],
    );
  return best;
}

const backupPath = (corpus) => `${corpus.replace(/[/\\]+$/, "")}.bench-backup.json`;

/** A previous run killed with SIGKILL may have left its edit: undo it from the backup. */
function recoverBackup(corpus) {
  const backup = backupPath(corpus);
  if (!existsSync(backup)) return;
  const { file, original } = JSON.parse(readFileSync(backup, "utf8"));
  writeFileSync(file, Buffer.from(original, "base64"));
  rmSync(backup);
  console.error(`bench: restored ${file} left modified by an interrupted run`);
}

// ---- measuring ------------------------------------------------------------------------------------
async function measure(c, corpus, run) {
  await c.before?.(run);
  try {
    readAll(corpus); // same page-cache state for everyone
    const rssFile = join(workDir, `rss-${++rssCounter}.txt`);
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--require", peakRss, ...c.args], {
      cwd: workDir, // no config file is picked up by accident
      env: { ...process.env, TOPICFEEDS_BENCH_RSS_FILE: rssFile },
      stdio: ["ignore", "ignore", "pipe"],
    });
    current = child;
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d) => {
      if (stderr.length < 65536) stderr += d;
    });
    let end;
    const [status, signal] = await new Promise((res, rej) => {
      child.on("error", rej);
      child.on("exit", () => (end = process.hrtime.bigint()));
      child.on("close", (code, sig) => res([code, sig])); // after exit and the end of stderr
    });
    current = undefined;
    const seconds = Number(end - start) / 1e9;
    if (status !== 0) {
      const msg = stderr.trim().split("\n").slice(0, 6).join(" | ");
      return { error: `${signal ? `killed by ${signal}` : `exit ${status}`}${msg ? `: ${msg}` : ""}` };
    }
    const lines = existsSync(rssFile)
      ? readFileSync(rssFile, "utf8")
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split(" ").map(Number))
      : [];
    unlinkSync(rssFile);
    const own = lines.find(([pid]) => pid === child.pid);
    const tree = lines.reduce((s, [, , kib]) => s + kib, 0);
    return {
      seconds,
      rssKiB: own ? own[2] : Number.NaN,
      treeRssKiB: lines.length ? tree : Number.NaN,
      processes: lines.length,
    };
  } finally {
    current = undefined;
    await c.after?.(run);
  }
}

// ---- corpus -------------------------------------------------------------------------------------
function corpusDir(n) {
  if (opts.corpusDir === undefined) return resolve(root, "node_modules", ".cache", "topicfeeds-bench", `corpus-${n}`);
  const d = resolve(opts.corpusDir);
  if (/<N>|\{N\}/.test(d)) return d.replace(/<N>|\{N\}/g, String(n));
  return opts.sizes.length > 1 ? join(d, `corpus-${n}`) : d;
}

function ensureCorpus(dir, n) {
  if (existsSync(dir)) recoverBackup(dir);
  const count = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".md")).length : 0;
  if (count === n) return;
  if (count > 0) {
    if (opts.corpusDir !== undefined) {
      console.error(`bench: ${dir} holds ${count} records, not ${n}; use an empty folder or the default`);
      process.exit(2);
    }
    rmSync(dir, { recursive: true, force: true }); // our own cache folder: regenerate
  }
  if (!existsSync(generator)) {
    console.error(
      `bench: the corpus generator is missing: ${generator}\n(it is ../shared/corpus/generate.mjs next to this repository; or pass --corpus-dir with ${n} generated records)`,
    );
    process.exit(2);
  }
  console.error(`generating ${fmtInt(n)} records (seed 1) into ${dir} …`);
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(process.execPath, [generator, "--count", String(n), "--seed", "1", "--out", dir, "--quiet"], {
    stdio: "inherit",
  });
  const made = readdirSync(dir).filter((f) => f.endsWith(".md")).length;
  if (r.status !== 0 || made !== n) {
    console.error(`bench: corpus generation failed (exit ${r.status}, ${made} of ${n} records)`);
    process.exit(1);
  }
}

// ---- report -------------------------------------------------------------------------------------
function summarize(size) {
  for (const c of Object.values(size.contenders)) {
    const t = c.runs.map((r) => r.seconds);
    if (t.length === 0) continue;
    c.median = median(t);
    c.min = Math.min(...t);
    c.max = Math.max(...t);
    c.rssMiB = median(c.runs.map((r) => r.treeRssKiB)) / 1024;
  }
}

function printSize(n, size) {
  const cs = size.contenders;
  const floor = cs["read-files"]?.median;
  const hand = cs.handwritten?.median;
  out(`## ${fmtInt(n)} records (${(size.bytes / 2 ** 20).toFixed(1)} MiB, ${size.runs} runs)`);
  out();
  out("| contender | median s | min–max s | × read-files | × handwritten | peak RSS MiB |");
  out("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, c] of Object.entries(cs)) {
    if (c.median === undefined || c.error) {
      const partial = c.median === undefined ? "" : ` (after ${c.runs.length} runs)`;
      out(`| ${name} | failed${partial}: ${escapeCell(c.error ?? "no runs")} | | | | |`);
      continue;
    }
    out(
      `| ${name} | ${c.median.toFixed(3)} | ${c.min.toFixed(3)}–${c.max.toFixed(3)} | ${ratio(c.median, floor)} | ${ratio(c.median, hand)} | ${Number.isNaN(c.rssMiB) ? "?" : c.rssMiB.toFixed(0)} |`,
    );
  }
  out();
}

function printRatios() {
  const ns = Object.keys(raw.sizes).map(Number);
  const get = (n, name) => {
    const c = raw.sizes[n]?.contenders[name];
    return c && !c.error ? c.median : undefined;
  };
  const rows = [
    ["topicfeeds cold / read-files", (n) => ratio(get(n, "topicfeeds cold"), get(n, "read-files"))],
    ["topicfeeds warm / read-files", (n) => ratio(get(n, "topicfeeds warm"), get(n, "read-files"))],
    ["topicfeeds warm-quality / read-files", (n) => ratio(get(n, "topicfeeds warm-quality"), get(n, "read-files"))],
    ["topicfeeds warm-date / read-files", (n) => ratio(get(n, "topicfeeds warm-date"), get(n, "read-files"))],
    ["topicfeeds unchanged / read-files", (n) => ratio(get(n, "topicfeeds unchanged"), get(n, "read-files"))],
    ["topicfeeds no-cache / read-files", (n) => ratio(get(n, "topicfeeds no-cache"), get(n, "read-files"))],
    ["stat-files / read-files (a rebuild's floor)", (n) => ratio(get(n, "stat-files"), get(n, "read-files"))],
    ["topicfeeds cold / handwritten", (n) => ratio(get(n, "topicfeeds cold"), get(n, "handwritten"))],
    ["handwritten / read-files", (n) => ratio(get(n, "handwritten"), get(n, "read-files"))],
  ].filter(([, f]) => ns.some((n) => f(n) !== ""));
  raw.ratios = {};
  for (const [label, f] of rows) raw.ratios[label] = Object.fromEntries(ns.map((n) => [n, parseRatio(f(n))]));
  const cold10 = get(10000, "topicfeeds cold");
  const cold100 = get(100000, "topicfeeds cold");
  if (rows.length === 0 && !(cold10 && cold100)) return;
  out("## Ratios (medians)");
  out();
  if (rows.length) {
    out(`| ratio | ${ns.map(fmtInt).join(" | ")} |`);
    out(`| --- | ${ns.map(() => "---:").join(" | ")} |`);
    for (const [label, f] of rows) out(`| ${label} | ${ns.map((n) => f(n) || "–").join(" | ")} |`);
    out();
  }
  if (cold10 && cold100) {
    raw.ratios["cold time(100k) / time(10k)"] = cold100 / cold10;
    out(`Scaling: topicfeeds cold time(100k) / time(10k) = ${(cold100 / cold10).toFixed(2)} (10× the records)`);
    out();
  }
}

// Per record, so linearity shows: flat columns mean time and memory grow with the records at the
// same rate (memory also holds Node itself, ~55 MiB, so its ratio falls as N grows).
function printPerRecord() {
  const ns = Object.keys(raw.sizes).map(Number);
  out("## Per record");
  out();
  out("| contender | records | median s | µs per record | peak RSS MiB | KiB per record |");
  out("| --- | ---: | ---: | ---: | ---: | ---: |");
  raw.perRecord = {};
  for (const name of CONTENDERS) {
    for (const n of ns) {
      const c = raw.sizes[n]?.contenders[name];
      if (!c || c.error || c.median === undefined) continue;
      const us = (c.median / n) * 1e6;
      const kib = (c.rssMiB * 1024) / n;
      raw.perRecord[`${name} ${n}`] = { usPerRecord: us, kibPerRecord: kib, rssMiB: c.rssMiB };
      out(
        `| ${name} | ${fmtInt(n)} | ${c.median.toFixed(2)} | ${us.toFixed(1)} | ${c.rssMiB.toFixed(0)} | ${kib.toFixed(2)} |`,
      );
    }
  }
  out();
  const [lo, hi] = [ns[0], ns.at(-1)];
  if (lo !== undefined && hi !== undefined && hi > lo) {
    for (const name of CONTENDERS) {
      const a = raw.sizes[lo]?.contenders[name];
      const b = raw.sizes[hi]?.contenders[name];
      if (!a?.median || !b?.median || a.error || b.error) continue;
      out(
        `${name}: ${(hi / lo).toFixed(1)}× the records took ${(b.median / a.median).toFixed(2)}× the time and ${(b.rssMiB / a.rssMiB).toFixed(2)}× the peak RSS`,
      );
    }
    out();
  }
}

// ---- helpers ------------------------------------------------------------------------------------
function median(xs) {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const ratio = (a, b) => (a === undefined || b === undefined || !(b > 0) ? "" : `${(a / b).toFixed(2)}×`);
const parseRatio = (s) => (s === "" ? null : Number(s.replace("×", "")));
const fmtInt = (n) => n.toLocaleString("en-US");
const escapeCell = (s) => s.replace(/\|/g, "\\|");

function describeMachine() {
  const c = cpus();
  return {
    cpu: c[0]?.model?.trim() || "unknown CPU",
    cores: c.length,
    available: availableParallelism(),
    memGiB: (totalmem() / 2 ** 30).toFixed(1),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
  };
}

function parseOptions(argv) {
  const o = { sizes: [1000, 10000] };
  let full = false;
  const value = (i, key) => {
    if (i >= argv.length || argv[i].startsWith("--")) usage(`--${key} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const [key, v] = argv[i].startsWith("--") ? argv[i].slice(2).split(/=(.*)/s) : [undefined];
    const take = () => v ?? value(++i, key);
    switch (key) {
      case "sizes":
        o.sizes = take()
          .split(",")
          .map((s) => Number(s.replace(/[_k]/gi, (m) => (m === "_" ? "" : "000"))));
        if (o.sizes.some((n) => !Number.isInteger(n) || n < 1))
          usage("--sizes takes positive integers, e.g. 1000,10000");
        break;
      case "full":
        full = true;
        break;
      case "huge":
        o.huge = true;
        break;
      case "runs":
        o.runs = Number(take());
        if (!Number.isInteger(o.runs) || o.runs < 1) usage("--runs takes a positive integer");
        break;
      case "corpus-dir":
        o.corpusDir = take();
        break;
      case "only": {
        const names = take()
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        o.only = new Set();
        for (const s of names) {
          const hits = CONTENDERS.filter(
            (c) =>
              [c, c.replace(" ", "-"), c.split(" ").at(-1)].includes(s) ||
              (s === "topicfeeds" && c.startsWith("topicfeeds")),
          );
          if (hits.length === 0)
            usage(
              `unknown contender ${JSON.stringify(s)}; one of read-files, stat-files, handwritten, cold, warm, warm-quality, warm-date, unchanged, no-cache, topicfeeds`,
            );
          for (const h of hits) o.only.add(h);
        }
        break;
      }
      case "json":
        o.json = take();
        break;
      case "no-watch":
        o.noWatch = true;
        break;
      case "help":
        process.stdout.write(
          `${readFileSync(fileURLToPath(import.meta.url), "utf8")
            .split("\n")
            .slice(1)
            .filter((_, i, all) => all.slice(0, i + 1).every((x) => x.startsWith("//")))
            .map((l) => l.replace(/^\/\/ ?/, ""))
            .join("\n")}\n`,
        );
        process.exit(0);
        break;
      default:
        usage(`unknown argument ${argv[i]}`);
    }
  }
  if (full && !o.sizes.includes(100000)) o.sizes.push(100000);
  if (o.huge) {
    if (!argv.some((a) => a.startsWith("--sizes"))) o.sizes = [200000, 1000000];
    o.only ??= new Set(["topicfeeds cold", "topicfeeds warm"]);
    o.runs ??= 1;
    // The watcher is measured at the ordinary sizes (bench/watch.mjs), not here.
    o.noWatch = true;
    if (o.corpusDir === undefined || !/<N>|\{N\}/.test(o.corpusDir))
      usage("--huge needs --corpus-dir with {N}, e.g. --corpus-dir /tmp/tf-corpus-{N} (generated there when empty)");
  }
  o.sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  return o;
}

function usage(message) {
  console.error(`bench: ${message}\nRun 'node bench/run.mjs --help' for the options.`);
  process.exit(2);
}

await main(); // last, after every const above is initialized
