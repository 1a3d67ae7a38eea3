import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { PathList } from "../src/io/_path-list.js";
import { statAgainst, statChunk } from "../src/io/_stat-pass.js";

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
      for (const w of [undefined, worker]) {
        const found = await statAgainst(list, known, w);
        expect(found.at).toEqual(want);
        expect(found.identities.length).toBe(16);
        expect(found.identities[0]).toBe(statSync(paths[3] as string).size);
        expect(found.identities[12]).toBeNaN(); // the removed file
      }
    } finally {
      await worker.terminate();
    }
  });

  it("statChunk answers five numbers per changed file, counting from the chunk's first index", () => {
    const known = new Float64Array(8).fill(Number.NaN);
    const changed = statChunk(`${dir}/`, `${names[0]}\0missing.md`, 40, known);
    expect(changed.filter((_, k) => k % 5 === 0)).toEqual([40, 41]);
    expect(changed[1]).toBe(statSync(paths[0] as string).size);
    expect(changed[6]).toBeNaN();
  });
});
