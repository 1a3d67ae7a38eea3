import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { PathList } from "../src/io/_path-list.js";
import { StatAhead, statAgainst, statChunk } from "../src/io/_stat-pass.js";
import { listRecordRuns, sortedPaths } from "../src/io/read-records.js";

const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "tf-stat-pass-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function identities(paths: string[]): Float64Array {
  const out = new Float64Array(4 * paths.length);
  paths.forEach((p, i) => {
    const st = statSync(p);
    out.set([st.size, st.mtimeMs, st.ctimeMs, st.ino], 4 * i);
  });
  return out;
}

describe("statAgainst", () => {
  const names = Array.from({ length: 1200 }, (_, i) => `r-${String(i).padStart(4, "0")}.md`);
  const paths = names.map((n) => join(dir, n));
  for (const p of paths) writeFileSync(p, "---\ntitle: a\n---\n");

  it("finds exactly the files that changed, removed or had no identity, in this thread and with a worker", async () => {
    const known = identities(paths);
    const list = PathList.fromRuns([{ prefix: `${dir}/`, names }]);
    const none = await statAgainst(list, known, undefined);
    expect(none.at).toEqual([]);

    writeFileSync(paths[3] as string, "---\ntitle: longer\n---\n"); // size
    utimesSync(paths[700] as string, new Date(2001, 1, 1), new Date(2001, 1, 1)); // mtime
    rmSync(paths[1199] as string); // removed
    known.fill(Number.NaN, 4 * 512, 4 * 513); // never had one
    const want = [3, 512, 700, 1199];
    const worker = new Worker(pathToFileURL(join(ROOT, "dist", "parse-worker.js")));
    try {
      // The last time, this thread is busy a while first: the worker takes the chunks meanwhile,
      // and nothing is stat'ed twice or left out.
      let calls = 0;
      const busy = () => {
        calls++;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
      };
      for (const [w, meanwhile] of [[undefined], [worker], [worker, busy]] as const) {
        const found = await statAgainst(list, known, w, meanwhile);
        expect(found.at).toEqual(want);
        expect(found.identities.length).toBe(16);
        expect(found.identities[0]).toBe(statSync(paths[3] as string).size);
        expect(found.identities[12]).toBeNaN(); // the removed file
      }
      expect(calls).toBe(1);
    } finally {
      await worker.terminate();
    }
  });

  it("fails, naming the exit code, when the worker stops before answering", async () => {
    const list = PathList.fromRuns([{ prefix: `${dir}/`, names }]);
    const known = identities(paths.filter((p) => statSync(p, { throwIfNoEntry: false }) !== undefined));
    const stopping = () =>
      new Worker("require('node:worker_threads').parentPort.once('message', () => process.exit(3));", { eval: true });
    const a = stopping();
    await expect(statAgainst(list, known, a)).rejects.toThrow("a parse worker stopped (exit code 3)");
    const b = stopping();
    const ahead = new StatAhead(b);
    const listed = listRecordRuns([dir], dir, { onNames: (f, n) => ahead.add(f, n) });
    await expect(ahead.against(PathList.fromRuns(listed.runs), ahead.placesOf(listed.runs), known)).rejects.toThrow(
      "a parse worker stopped (exit code 3)",
    );
  });

  it("statChunk answers five numbers per changed file, counting from the chunk's first index", () => {
    // A chunk as a path list stores it (its names front-coded): two files as known, one with no
    // identity known, one missing.
    const chunk = [paths[0], paths[1], paths[2], join(dir, "missing.md")] as string[];
    const { prefixes, rests } = new PathList(chunk).stored();
    const known = new Float64Array(16).fill(Number.NaN);
    known.set(identities(chunk.slice(0, 2)));
    const changed = statChunk(prefixes[0] as string, rests[0] as string, 40, known);
    expect(changed.filter((_, k) => k % 5 === 0)).toEqual([42, 43]);
    expect(changed[1]).toBe(statSync(paths[2] as string).size);
    expect(changed[6]).toBeNaN();
  });
});

describe("StatAhead", () => {
  // Two batches of names in one folder, a subfolder between them in sorted order, a link followed.
  const root = join(dir, "ahead");
  mkdirSync(join(root, "m-sub"), { recursive: true });
  for (let i = 0; i < 1100; i++) writeFileSync(join(root, `${i % 2 ? "a" : "z"}-${i}.md`), `---\ntitle: ${i}\n---\n`);
  for (let i = 0; i < 5; i++) writeFileSync(join(root, "m-sub", `s-${i}.md`), "---\ntitle: s\n---\n");
  writeFileSync(join(root, "notes.txt"), "not a record");
  symlinkSync(join(root, "a-1.md"), join(root, "link.md"));
  // Listed by a pass that is dropped: other names, other sizes.
  const other = join(dir, "other");
  mkdirSync(other);
  for (let i = 0; i < 3100; i++) writeFileSync(join(other, `o-${i}.md`), "x".repeat(i % 7));

  it("stats the names while they are listed and finds exactly the files that changed, in listing order", async () => {
    const plain = listRecordRuns([root], root);
    const paths = sortedPaths(plain);
    const known = identities(paths);
    const changedPaths = [join(root, "z-1000.md"), join(root, "m-sub", "s-3.md"), join(root, "a-1.md")];
    writeFileSync(changedPaths[0] as string, "---\ntitle: longer now\n---\n");
    utimesSync(changedPaths[1] as string, new Date(2001, 1, 1), new Date(2001, 1, 1));
    writeFileSync(changedPaths[2] as string, "---\ntitle: also longer\n---\n"); // and the link to it
    const want = [...changedPaths, join(root, "link.md")].map((p) => paths.indexOf(p)).sort((a, b) => a - b);
    expect(want).not.toContain(-1);

    const worker = new Worker(pathToFileURL(join(ROOT, "dist", "parse-worker.js")));
    try {
      for (let round = 0; round < 2; round++) {
        const ahead = new StatAhead(worker);
        const passed: string[] = [];
        const listed = listRecordRuns([root], root, {
          onNames: (folder, names) => {
            passed.push(...names.map((n) => join(folder, n)));
            ahead.add(folder, names);
          },
        });
        // The same listing, every record file passed on but the link, and each run knows where.
        expect(listed.runs.map((r) => r.names)).toEqual(plain.runs.map((r) => r.names));
        expect(passed.sort()).toEqual(paths.filter((p) => !p.endsWith("link.md")));
        const found = await ahead.against(PathList.fromRuns(listed.runs), ahead.placesOf(listed.runs), known);
        expect(found.at).toEqual(want);
        const zAt = want.indexOf(paths.indexOf(changedPaths[0] as string));
        expect(found.identities[4 * zAt]).toBe(statSync(changedPaths[0] as string).size);
        // Then a pass over other files, dropped as soon as they are listed: what the worker had
        // not begun of it never answers for the next pass.
        const dropped = new StatAhead(worker);
        listRecordRuns([other], other, { onNames: (folder, names) => dropped.add(folder, names) });
        await dropped.drop();
      }
    } finally {
      await worker.terminate();
    }
  });
});
