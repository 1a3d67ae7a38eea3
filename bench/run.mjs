#!/usr/bin/env node
// npm run bench [-- --full] [--sizes 1000,10000] [--runs K] [--only a,b] [--json FILE]
//
// Side by side, in one invocation: the read-every-file lower bound, the gray-matter + feed
// pipeline a user would write by hand, and topicfeeds cold (empty cache), warm (one record
// changed since the last build) and without cache. Every run is a whole process; contenders run
// round-robin so machine noise spreads evenly; before each run the corpus is read once (untimed)
// so every contender starts with the files in the page cache. Prints medians, ratios and peak RSS.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const args = parseArgs(process.argv.slice(2));
const sizes = (args.sizes ?? "1000,10000").split(",").map(Number);
if (args.full && !sizes.includes(100000)) sizes.push(100000);
const only = args.only?.split(",");
const generator = resolve(root, "..", "shared", "corpus", "generate.mjs");
const cli = join(root, "dist", "cli.js");
if (!existsSync(cli)) fail("dist/cli.js is missing: run `npm run build` first (npm run bench does)");

const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`# topicfeeds benchmark\n\nMachine: ${machine}\n`);
const raw = { machine, sizes: {} };

for (const n of sizes) {
  const corpus = resolve(root, args["corpus-dir"] ?? `node_modules/.cache/topicfeeds-bench/corpus-${n}`);
  ensureCorpus(corpus, n);
  const work = mkdtempSync(join(tmpdir(), "topicfeeds-bench-"));
  const cache = join(work, "cache");
  const touched = join(corpus, readdirSync(corpus).sort()[Math.floor(n / 2)]);
  const original = readFileSync(touched);
  const base = ["build", corpus, "--base-url", "https://example.com/feeds/", "--min-quality", "50", "--report", "json", "--quiet"];
  const contenders = [
    { name: "read-files", cmd: [join(here, "read-files.mjs"), corpus] },
    { name: "handwritten", cmd: [join(here, "handwritten.mjs"), corpus, join(work, "hand")] },
    { name: "topicfeeds cold", cmd: [cli, ...base, "--out", join(work, "cold"), "--cache-dir", cache], before: () => rmSync(cache, { recursive: true, force: true }) },
    {
      name: "topicfeeds warm",
      cmd: [cli, ...base, "--out", join(work, "warm"), "--cache-dir", join(work, "warm-cache")],
      // One record changed since the last build (its bytes alternate between two versions).
      before: (i) => writeFileSync(touched, i % 2 === 0 ? Buffer.concat([original, Buffer.from("\n")]) : original),
      prime: true,
    },
    { name: "topicfeeds no-cache", cmd: [cli, ...base, "--out", join(work, "nocache"), "--no-cache"] },
  ].filter((c) => only === undefined || only.includes(c.name) || only.includes(c.name.split(" ")[0]));
  const runs = Number(args.runs ?? (n >= 100000 ? 3 : 5));
  const results = new Map(contenders.map((c) => [c.name, []]));
  try {
    for (const c of contenders) if (c.prime) measure(c, -1, corpus, work);
    for (let i = 0; i < runs; i++) {
      for (const c of contenders) {
        const r = measure(c, i, corpus, work);
        if (r.error !== undefined) console.error(`${c.name}: ${r.error}`);
        else results.get(c.name).push(r);
      }
    }
  } finally {
    writeFileSync(touched, original);
    rmSync(work, { recursive: true, force: true });
  }
  report(n, results);
}
if (args.json) writeFileSync(args.json, `${JSON.stringify(raw, null, 2)}\n`);

function measure(c, i, corpus, work) {
  c.before?.(i);
  readAll(corpus); // same page-cache state for everyone
  const rssFile = join(work, "rss.txt");
  rmSync(rssFile, { force: true });
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--require", join(here, "_peak-rss.cjs"), ...c.cmd], {
    env: { ...process.env, TOPICFEEDS_BENCH_RSS_FILE: rssFile },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) return { error: `exit ${r.status}: ${(r.stderr || "").split("\n").slice(0, 3).join(" ")}` };
  const rssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : Number.NaN;
  return { seconds, rssMiB: rssKiB / 1024 };
}

function report(n, results) {
  const med = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? Number.NaN : s[Math.floor((s.length - 1) / 2)];
  };
  const rows = [...results].map(([name, rs]) => ({
    name,
    median: med(rs.map((r) => r.seconds)),
    min: Math.min(...rs.map((r) => r.seconds)),
    max: Math.max(...rs.map((r) => r.seconds)),
    rss: med(rs.map((r) => r.rssMiB)),
    runs: rs.length,
  }));
  const floor = rows.find((r) => r.name === "read-files")?.median;
  const hand = rows.find((r) => r.name === "handwritten")?.median;
  console.log(`## ${n.toLocaleString("en-US")} records\n`);
  console.log("| contender | median s | min–max s | × read-files | × handwritten | peak RSS MiB | runs |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    const ratio = (x) => (x === undefined || Number.isNaN(x) ? "" : `${(r.median / x).toFixed(2)}×`);
    console.log(`| ${r.name} | ${r.median.toFixed(3)} | ${r.min.toFixed(3)}–${r.max.toFixed(3)} | ${ratio(floor)} | ${ratio(hand)} | ${r.rss.toFixed(0)} | ${r.runs} |`);
  }
  console.log("");
  raw.sizes[n] = { rows, runs: Object.fromEntries(results) };
  const prev = raw.sizes[10000]?.rows.find((r) => r.name === "topicfeeds cold")?.median;
  const cold = rows.find((r) => r.name === "topicfeeds cold")?.median;
  if (n === 100000 && prev !== undefined && cold !== undefined) console.log(`Scaling: cold time(100k) / time(10k) = ${(cold / prev).toFixed(1)}\n`);
}

function ensureCorpus(dir, n) {
  if (existsSync(dir) && readdirSync(dir).length === n) return;
  if (!existsSync(generator)) fail(`corpus generator not found at ${generator} (it lives in the steering repo's shared/ folder)`);
  console.error(`generating ${n} records into ${dir} …`);
  rmSync(dir, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [generator, "--count", String(n), "--seed", "1", "--out", dir, "--quiet"], { stdio: "inherit" });
  if (r.status !== 0) fail("corpus generation failed");
}

function readAll(dir) {
  for (const name of readdirSync(dir)) readFileSync(join(dir, name));
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) fail(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (key === "full") out.full = true;
    else out[key] = argv[++i];
  }
  return out;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}
