import { parentPort } from "node:worker_threads";
import { compilePrefilter } from "../select/prefilter.js";
import type { FeedsConfig } from "../types.js";
import { type StoredChunks, statNames, statShared } from "./_stat-pass.js";
import { type ParseJob, type ParseSettings, parseJob } from "./parse-job.js";

// A worker thread of `scanRecords`: stats, reads and parses batches of record files and answers
// with one JSON string per batch (cheaper to pass between threads than many small objects); or,
// in a rebuild's stat pass, stats chunks of files (taken from a counter it shares with the main
// thread) and answers with those that changed.
let settings: ParseSettings | undefined;
parentPort?.on(
  "message",
  (msg: {
    setup?: { lean: boolean; maxFileSize: number; cwd: string; prefilter?: FeedsConfig };
    batch?: number;
    jobs?: ParseJob[];
    statAll?: StoredChunks & { known: Float64Array; next: Int32Array };
    ahead?: { k: number; prefix: string; rest: string; next?: Int32Array };
  }) => {
    if (msg.ahead !== undefined) {
      statAhead(msg.ahead);
      return;
    }
    if (msg.statAll !== undefined) {
      const { known, next, ...chunks } = msg.statAll;
      parentPort?.postMessage({ statAll: statShared(chunks, known, next) });
      return;
    }
    if (msg.setup !== undefined) {
      settings = {
        lean: msg.setup.lean,
        maxFileSize: msg.setup.maxFileSize,
        cwd: msg.setup.cwd,
        prefilter: msg.setup.prefilter === undefined ? undefined : compilePrefilter(msg.setup.prefilter),
      };
      return;
    }
    const s = settings as ParseSettings;
    const out = (msg.jobs ?? []).map((job) => parseJob(job, s));
    parentPort?.postMessage({ batch: msg.batch, json: JSON.stringify(out) });
  },
);

// A rebuild's stats while the main thread lists: the names come in batches, numbered in order;
// each is taken from a counter shared with the main thread, which takes what is left once the
// listing ends.
let aheadNext: Int32Array | undefined;
const aheadGot: ([prefix: string, rest: string] | undefined)[] = [];
function statAhead(batch: { k: number; prefix: string; rest: string; next?: Int32Array }): void {
  // The first batch of a pass brings its counter: what an earlier pass left is dropped.
  if (batch.next !== undefined) {
    aheadNext = batch.next;
    aheadGot.length = 0;
  }
  aheadGot[batch.k] = [batch.prefix, batch.rest];
  const next = aheadNext as Int32Array;
  for (;;) {
    const c = Atomics.load(next, 0);
    if (c >= aheadGot.length || aheadGot[c] === undefined) return;
    if (Atomics.compareExchange(next, 0, c, c + 1) !== c) continue;
    const [prefix, rest] = aheadGot[c] as [string, string];
    aheadGot[c] = undefined;
    const ids = statNames(prefix, rest);
    parentPort?.postMessage({ ahead: c, ids }, [ids.buffer as ArrayBuffer]);
  }
}
