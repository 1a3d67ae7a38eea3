// The floor of a correct rebuild: list DIR (sorted) and stat every file, on two threads (this one
// and one worker, as topicfeeds does), doing nothing else. A rebuild must at least learn which
// files changed; on Linux, short of a file-system watcher, that is one stat per file.
//   node bench/stat-files.mjs DIR
import { readdirSync, statSync } from "node:fs";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/** Sums the sizes of the files `names` in `dir` by stat'ing each. */
function statAll(dir, names) {
  let bytes = 0;
  for (const name of names) bytes += statSync(`${dir}/${name}`).size;
  return bytes;
}

if (isMainThread) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: node bench/stat-files.mjs DIR");
    process.exit(2);
  }
  const names = readdirSync(dir).sort();
  const half = names.length >> 1;
  // The worker gets the names only (shorter to copy than paths).
  const worker = new Worker(new URL(import.meta.url), { workerData: { dir, names: names.slice(half) } });
  const theirs = new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const mine = statAll(dir, names.slice(0, half));
  const bytes = mine + (await theirs);
  await worker.terminate();
  process.stdout.write(`${names.length} files, ${bytes} bytes\n`);
} else {
  parentPort.postMessage(statAll(workerData.dir, workerData.names));
}
