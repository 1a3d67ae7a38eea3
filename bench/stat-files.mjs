// The floor of a correct rebuild: list DIR (sorted) and stat every file, on two threads (this one
// and one worker, as topicfeeds does), doing nothing else. A rebuild must at least learn which
// files changed; on Linux, short of a file-system watcher, that is one stat per file.
//   node bench/stat-files.mjs DIR
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/** Sums the sizes of `paths` by stat'ing each. */
function statAll(paths) {
  let bytes = 0;
  for (const p of paths) bytes += statSync(p).size;
  return bytes;
}

if (isMainThread) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: node bench/stat-files.mjs DIR");
    process.exit(2);
  }
  const paths = readdirSync(dir)
    .sort()
    .map((name) => join(dir, name));
  const half = paths.length >> 1;
  const worker = new Worker(new URL(import.meta.url), { workerData: paths.slice(half) });
  const theirs = new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const mine = statAll(paths.slice(0, half));
  const bytes = mine + (await theirs);
  await worker.terminate();
  process.stdout.write(`${paths.length} files, ${bytes} bytes\n`);
} else {
  parentPort.postMessage(statAll(workerData));
}
