#!/usr/bin/env node
// The watch benchmark: `topicfeeds build --watch` on a corpus, edited the way a writer edits.
// Never part of `npm test`; run by `npm run bench` (bench/run.mjs) for each size, or alone:
//
//   node bench/watch.mjs --corpus DIR [--rounds 3] [--edits 200] [--idle 10]
//
// Measures, in one watching process:
//   - latency: from the write of one record file to the update line the watcher prints once the
//     last changed feed file is renamed into place (an upper bound: it includes the pipe), over
//     20 edits of five kinds (a record entering the feeds, leaving them, its title only, a new
//     file, a deleted file), `--rounds` times;
//   - idle CPU over `--idle` seconds (utime + stime from /proc), and resident memory after it;
//   - resident memory after the first build, after the latency rounds and after `--edits` more
//     edits (VmRSS from /proc).
// Every edited file is written back and every added file removed, after each edit, on error, on
// SIGINT/SIGTERM and at exit; a backup next to the corpus covers a kill -9 (restored next time).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "dist", "cli.js");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? dflt : args[i + 1];
};
const corpus = resolve(opt("corpus", ""));
const rounds = Number(opt("rounds", 3));
const extraEdits = Number(opt("edits", 200));
const idleSeconds = Number(opt("idle", 10));
const jsonOut = opt("json", undefined);
if (!existsSync(corpus)) {
  console.error("bench/watch: --corpus DIR is required");
  process.exit(2);
}

// ---- never leave the corpus modified ----------------------------------------------------------
const backup = `${corpus.replace(/[/\\]+$/, "")}.watch-backup.json`;
/** path → original bytes (base64) or null for a file we added. */
const touched = new Map();
const saveBackup = () =>
  writeFileSync(backup, JSON.stringify(Object.fromEntries([...touched].map(([p, b]) => [p, b]))));
function restoreAll() {
  for (const [p, b] of touched) {
    if (b === null) rmSync(p, { force: true });
    else writeFileSync(p, Buffer.from(b, "base64"));
  }
  touched.clear();
  rmSync(backup, { force: true });
}
if (existsSync(backup)) {
  for (const [p, b] of Object.entries(JSON.parse(readFileSync(backup, "utf8")))) touched.set(p, b);
  restoreAll();
}
let child;
let work;
process.on("exit", () => {
  child?.kill("SIGKILL");
  restoreAll();
  if (work) rmSync(work, { recursive: true, force: true });
});
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => process.exit(130));

// ---- pick the records to edit -----------------------------------------------------------------
const records = [];
for (const name of readdirSync(corpus).sort()) {
  if (!name.endsWith(".md")) continue;
  const text = readFileSync(join(corpus, name), "utf8");
  const q = /^quality: (\d+)$/m.exec(text);
  const d = /^publishedDateTime: (.+)$/m.exec(text);
  if (!q || !d || !/^title: ".*"$/m.test(text)) continue;
  records.push({
    file: join(corpus, name),
    text,
    quality: Number(q[1]),
    published: /^published: true$/m.test(text),
    time: Date.parse(d[1].trim()),
  });
}
const visible = records.filter((r) => r.published && r.quality >= 50).sort((a, b) => b.time - a.time);
const newest = visible.slice(0, 20); // in the site-wide feed
const outside = records.filter((r) => r.published && r.quality < 50).slice(0, 20); // in no feed
const future = new Date(Math.max(...records.map((r) => r.time)) + 86_400_000).toISOString().replace(".000Z", "Z");

function edit(file, text) {
  if (!touched.has(file)) touched.set(file, existsSync(file) ? readFileSync(file).toString("base64") : null);
  saveBackup();
  writeFileSync(file, text);
}
function undo(file) {
  const b = touched.get(file);
  if (b === undefined) return;
  if (b === null) rmSync(file, { force: true });
  else writeFileSync(file, Buffer.from(b, "base64"));
  touched.delete(file);
  saveBackup();
}

// ---- the watching process ---------------------------------------------------------------------
work = mkdtempSync(join(tmpdir(), "topicfeeds-bench-watch-"));
const lines = [];
let wake;
child = spawn(
  process.execPath,
  [
    cli,
    "build",
    corpus,
    "--out",
    join(work, "out"),
    "--base-url",
    "https://example.com/feeds/",
    "--min-quality",
    "50",
    "--cache-dir",
    join(work, "cache"),
    "--watch",
  ],
  { stdio: ["ignore", "ignore", "pipe"] },
);
let buffer = "";
child.stderr.setEncoding("utf8");
child.stderr.on("data", (c) => {
  buffer += c;
  const parts = buffer.split("\n");
  buffer = parts.pop();
  for (const l of parts) lines.push({ line: l, at: performance.now() });
  wake?.();
});
child.on("exit", (code) => {
  if (code !== null && code !== 0) {
    console.error(`bench/watch: the watcher exited with ${code}:\n${lines.map((l) => l.line).join("\n")}`);
    process.exit(1);
  }
});
async function lineAfter(from, re, timeout = 120_000) {
  const deadline = performance.now() + timeout;
  for (;;) {
    const hit = lines.slice(from).find((l) => re.test(l.line));
    if (hit) return hit;
    if (performance.now() > deadline)
      throw new Error(`no ${re} in ${timeout} ms:\n${lines.map((l) => l.line).join("\n")}`);
    await new Promise((r) => {
      wake = r;
      setTimeout(r, 500);
    });
  }
}
const UPDATE = /(updated|no feed changed) \(.*\) in (\d+) ms$/;
const proc = (f) => readFileSync(`/proc/${child.pid}/${f}`, "utf8");
const rssMiB = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(proc("status"))[1]) / 1024);
const cpuTicks = () => {
  const f = proc("stat").split(") ")[1].split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100 per second)
};

const t0 = performance.now();
await lineAfter(0, /^watching /);
const startup = (performance.now() - t0) / 1000;
const rssStart = rssMiB();

/** One timed edit: its kind, the write, and the undo that follows (untimed). */
async function timed(kind, act) {
  const from = lines.length;
  const start = performance.now();
  act();
  const hit = await lineAfter(from, UPDATE);
  return { kind, ms: hit.at - start, inside: Number(UPDATE.exec(hit.line)[2]), line: hit.line };
}
async function settle(act) {
  const from = lines.length;
  act();
  await lineAfter(from, UPDATE);
}

const kinds = ["enter", "leave", "title", "new file", "deleted file"];
const results = [];
let k = 0;
for (let round = 0; round < rounds; round++) {
  const series = [];
  for (let i = 0; i < 20; i++) {
    const kind = kinds[i % kinds.length];
    const n = k++;
    if (kind === "enter") {
      const r = outside[n % outside.length];
      series.push(
        await timed(kind, () =>
          edit(
            r.file,
            r.text
              .replace(/^quality: \d+$/m, "quality: 99")
              .replace(/^publishedDateTime: .+$/m, `publishedDateTime: ${future}`),
          ),
        ),
      );
      await settle(() => undo(r.file));
    } else if (kind === "leave") {
      const r = newest[n % newest.length];
      series.push(await timed(kind, () => edit(r.file, r.text.replace(/^quality: \d+$/m, "quality: 10"))));
      await settle(() => undo(r.file));
    } else if (kind === "title") {
      const r = newest[n % newest.length];
      series.push(
        await timed(kind, () =>
          edit(
            r.file,
            r.text.replace(/^title: "(.*)"$/m, (_, t) => `title: "${t} (watch edit ${n})"`),
          ),
        ),
      );
      await settle(() => undo(r.file));
    } else if (kind === "new file") {
      const r = newest[n % newest.length];
      const file = join(corpus, `zz-bench-watch-${n}.md`);
      const text = r.text
        .replace(/^webUrl: .+$/m, `webUrl: "https://bench.example.org/watch/${n}"`)
        .replace(/^originalUrl: .+$/m, `originalUrl: "https://bench.example.org/watch/${n}"`)
        .replace(/^publishedDateTime: .+$/m, `publishedDateTime: ${future}`);
      series.push(await timed(kind, () => edit(file, text)));
      // Left for the next "deleted file" edit.
    } else {
      const file = [...touched].find(([p, b]) => b === null && p.includes("zz-bench-watch-"))?.[0];
      series.push(
        await timed(kind, () => {
          unlinkSync(file);
          touched.delete(file);
          saveBackup();
        }),
      );
    }
  }
  results.push(series);
}
const rssAfterRounds = rssMiB();

// Idle CPU: nothing changes for a while.
await new Promise((r) => setTimeout(r, 1000));
const c0 = cpuTicks();
const w0 = performance.now();
await new Promise((r) => setTimeout(r, idleSeconds * 1000));
const idlePct = ((cpuTicks() - c0) / 100 / ((performance.now() - w0) / 1000)) * 100;
const rssIdle = rssMiB();

// Many more edits: resident memory must not grow with them.
const rssSeries = [];
const r = newest[0];
for (let i = 0; i < extraEdits; i++) {
  await settle(() =>
    edit(
      r.file,
      r.text.replace(/^title: "(.*)"$/m, (_, t) => `title: "${t} (many ${i})"`),
    ),
  );
  if ((i + 1) % 50 === 0) rssSeries.push(rssMiB());
}
await settle(() => undo(r.file));
const rssEnd = rssMiB();
const stopFrom = lines.length;
child.kill("SIGINT");
await lineAfter(stopFrom, /^stopped watching$/);

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const fmt = (x) => `${x.toFixed(0)} ms`;
const out = (s = "") => process.stdout.write(`${s}\n`);
out(`## Watch, ${records.length.toLocaleString("en-US")} records`);
out();
out(`Start-up (first build, watching): ${startup.toFixed(1)} s; RSS ${rssStart} MiB.`);
out();
out("| round | median | p95 | max | median inside the watcher | by kind (median) |");
out("| ---: | ---: | ---: | ---: | ---: | --- |");
results.forEach((series, i) => {
  const ms = series.map((s) => s.ms);
  const byKind = kinds
    .map(
      (kd) =>
        `${kd} ${fmt(
          q(
            series.filter((s) => s.kind === kd).map((s) => s.ms),
            50,
          ),
        )}`,
    )
    .join(", ");
  out(
    `| ${i + 1} | ${fmt(q(ms, 50))} | ${fmt(q(ms, 95))} | ${fmt(Math.max(...ms))} | ${fmt(
      q(
        series.map((s) => s.inside),
        50,
      ),
    )} | ${byKind} |`,
  );
});
const all = results.flat().map((s) => s.ms);
out(
  `| all | ${fmt(q(all, 50))} | ${fmt(q(all, 95))} | ${fmt(Math.max(...all))} | ${fmt(
    q(
      results.flat().map((s) => s.inside),
      50,
    ),
  )} | |`,
);
out();
out(`Idle CPU over ${idleSeconds} s: ${idlePct.toFixed(2)} % of a core; RSS ${rssIdle} MiB after it.`);
out(
  `RSS: ${rssStart} MiB after the first build, ${rssAfterRounds} MiB after ${rounds * 20} timed edits, ${rssSeries.join(" / ")} MiB every 50 of ${extraEdits} more, ${rssEnd} MiB at the end.`,
);
if (jsonOut)
  writeFileSync(
    jsonOut,
    `${JSON.stringify({ records: records.length, startup, rssStart, rssAfterRounds, rssIdle, rssSeries, rssEnd, idlePct, results }, null, 2)}\n`,
  );
