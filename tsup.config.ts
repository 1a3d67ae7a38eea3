import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "tsup";

// A hash of the sources, which the caches are keyed by beside the version: a cache written by
// other code of the same version is not taken for this build's.
function sourceHash(dir: string, hash = createHash("sha1")): string {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceHash(p, hash);
    else hash.update(`${p}\0`).update(readFileSync(p));
  }
  return hash.copy().digest("hex").slice(0, 12);
}
const define = { __TOPICFEEDS_BUILD__: JSON.stringify(sourceHash("src")) };

// Two entries: the library (ESM + CJS + .d.ts) and the CLI (ESM only, with a shebang).
export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: false,
    target: "node20",
    sourcemap: false,
    splitting: false,
    treeshake: true,
    shims: true,
    define,
  },
  {
    entry: { cli: "src/cli.ts", "parse-worker": "src/io/parse-worker.ts" },
    format: ["esm"],
    dts: false,
    target: "node20",
    splitting: true,
    clean: false,
    define,
  },
]);
