// Preloaded with `node --require` into every benchmarked process: on exit, writes the process's
// peak resident set size (KiB; it includes worker threads, which share the process) to the file
// named by TOPICFEEDS_BENCH_RSS_FILE.
const { writeFileSync } = require("node:fs");
const file = process.env.TOPICFEEDS_BENCH_RSS_FILE;
if (file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
