import { parentPort } from "node:worker_threads";
import { parseJob, type ParseJob, type ParseResult } from "./parse-job.js";

// A worker thread of `scanRecords`: stats, reads and parses a batch of record files.
parentPort?.on("message", (msg: { batch: number; jobs: ParseJob[]; lean: boolean; maxFileSize: number }) => {
  const results: ParseResult[] = msg.jobs.map((job) => parseJob(job, msg.lean, msg.maxFileSize));
  parentPort?.postMessage({ batch: msg.batch, results });
});
