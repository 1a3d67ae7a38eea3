import { parentPort } from "node:worker_threads";
import { compilePrefilter } from "../select/prefilter.js";
import type { FeedsConfig } from "../types.js";
import { statChunk, statNames } from "./_stat-pass.js";
import { type ParseJob, type ParseSettings, parseJob } from "./parse-job.js";

// A worker thread of `scanRecords`: stats, reads and parses batches of record files and answers
// with one JSON string per batch (cheaper to pass between threads than many small objects); or,
// in a rebuild's stat pass, stats chunks of files and answers with those that changed (counting
// the chunks done in memory the main thread sees, which hands out only a few beyond them).
let settings: ParseSettings | undefined;
// A rebuild's stat pass: the chunks done, counted where the main thread sees it.
let statDone: Int32Array | undefined;
parentPort?.on(
  "message",
  (msg: {
    setup?: { lean: boolean; maxFileSize: number; cwd: string; prefilter?: FeedsConfig };
    batch?: number;
    jobs?: ParseJob[];
    stat?: { c: number; prefix: string; rest: string; first: number; known: Float64Array; done?: Int32Array };
    ahead?: { k: number; prefix: string; rest: string; done?: Int32Array };
  }) => {
    if (msg.ahead !== undefined) {
      statAhead(msg.ahead);
      return;
    }
    if (msg.stat !== undefined) {
      const { c, prefix, rest, first, known, done } = msg.stat;
      if (done !== undefined) statDone = done;
      const changed = statChunk(prefix, rest, first, known);
      if (statDone !== undefined) Atomics.add(statDone, 0, 1);
      parentPort?.postMessage({ stat: c, changed });
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
// each is answered with its identities, and counted in `done` (shared with the main thread, which
// hands out no more than a few batches beyond it).
let aheadDone: Int32Array | undefined;
function statAhead(batch: { k: number; prefix: string; rest: string; done?: Int32Array }): void {
  if (batch.done !== undefined) aheadDone = batch.done;
  const ids = statNames(batch.prefix, batch.rest);
  if (aheadDone !== undefined) Atomics.add(aheadDone, 0, 1);
  parentPort?.postMessage({ ahead: batch.k, ids }, [ids.buffer as ArrayBuffer]);
}
