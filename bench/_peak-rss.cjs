// Preloaded by bench/run.mjs into every measured process: `node --require bench/_peak-rss.cjs …`.
// On exit it appends "<pid> <ppid> <maxRSS KiB>" to the file named by TOPICFEEDS_BENCH_RSS_FILE.
// maxRSS is the peak resident set size of the whole process, worker threads included (they share
// it), so only the main thread reports. A child process started with fork() inherits --require
// and appends its own line; run.mjs adds the lines up (an upper bound for the process tree).
"use strict";
const file = process.env.TOPICFEEDS_BENCH_RSS_FILE;
if (file && require("node:worker_threads").isMainThread) {
  process.on("exit", () => {
    try {
      require("node:fs").appendFileSync(file, `${process.pid} ${process.ppid} ${process.resourceUsage().maxRSS}\n`);
    } catch {
      // Never change the measured program's exit status.
    }
  });
}
