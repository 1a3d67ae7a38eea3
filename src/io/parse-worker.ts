import { parentPort } from "node:worker_threads";
import { compilePrefilter } from "../select/prefilter.js";
import type { FeedsConfig } from "../types.js";
import { type ParseJob, type ParseSettings, parseJob } from "./parse-job.js";

// A worker thread of `scanRecords`: stats, reads and parses batches of record files and answers
// with one JSON string per batch (cheaper to pass between threads than many small objects).
let settings: ParseSettings | undefined;
parentPort?.on(
  "message",
  (msg: {
    setup?: { lean: boolean; maxFileSize: number; cwd: string; prefilter?: FeedsConfig };
    batch?: number;
    jobs?: ParseJob[];
  }) => {
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
