import { parentPort } from "node:worker_threads";
import { compilePrefilter } from "../select/prefilter.js";
import type { FeedsConfig } from "../types.js";
import { statChunk, statNames } from "./_stat-pass.js";
import { type ParseJob, type ParseSettings, parseJob } from "./parse-job.js";

// A worker thread of `scanRecords`: stats, reads and parses batches of record files and answers
// with one JSON string per batch (cheaper to pass between threads than many small objects); or,
// in a rebuild, stats chunks of files and answers with those that changed, or batches of names
// as the main thread lists them and answers with their identities.
let settings: ParseSettings | undefined;
// A rebuild's stats (a stat pass, or stats taken while the main thread lists): the messages done,
// counted in memory the main thread reads (it comes with a pass's first message), so that it hands
// out only a few beyond them.
let done: Int32Array | undefined;
parentPort?.on(
  "message",
  (msg: {
    setup?: { lean: boolean; maxFileSize: number; cwd: string; prefilter?: FeedsConfig };
    batch?: number;
    jobs?: ParseJob[];
    stat?: { c: number; prefix: string; rest: string; first: number; known: Float64Array; done?: Int32Array };
    ahead?: { k: number; prefix: string; rest: string; done?: Int32Array };
  }) => {
    const stats = msg.stat ?? msg.ahead;
    if (stats !== undefined) {
      if (stats.done !== undefined) done = stats.done;
      if (msg.stat !== undefined) {
        const { c, prefix, rest, first, known } = msg.stat;
        const changed = statChunk(prefix, rest, first, known);
        if (done !== undefined) Atomics.add(done, 0, 1);
        parentPort?.postMessage({ stat: c, changed });
      } else if (msg.ahead !== undefined) {
        // A batch of names read by the listing: answered with their identities.
        const ids = statNames(msg.ahead.prefix, msg.ahead.rest.split("\0"));
        if (done !== undefined) Atomics.add(done, 0, 1);
        parentPort?.postMessage({ ahead: msg.ahead.k, ids }, [ids.buffer as ArrayBuffer]);
      }
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
