import { parentPort } from "node:worker_threads";
import { compilePrefilter } from "../select/prefilter.js";
import type { FeedsConfig } from "../types.js";
import { statChunk } from "./_stat-pass.js";
import { type ParseJob, type ParseSettings, parseJob } from "./parse-job.js";

// A worker thread of `scanRecords`: stats, reads and parses batches of record files and answers
// with one JSON string per batch (cheaper to pass between threads than many small objects); or,
// in a rebuild's stat pass, stats a chunk of files and answers with those that changed.
let settings: ParseSettings | undefined;
parentPort?.on(
  "message",
  (msg: {
    setup?: { lean: boolean; maxFileSize: number; cwd: string; prefilter?: FeedsConfig };
    batch?: number;
    jobs?: ParseJob[];
    stat?: { chunk: number; prefix: string; rest: string; first: number; known: Float64Array };
  }) => {
    if (msg.stat !== undefined) {
      const { chunk, prefix, rest, first, known } = msg.stat;
      parentPort?.postMessage({ stat: chunk, changed: statChunk(prefix, rest, first, known) });
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
