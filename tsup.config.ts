import { defineConfig } from "tsup";

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
  },
  {
    entry: { cli: "src/cli.ts", "parse-worker": "src/io/parse-worker.ts" },
    format: ["esm"],
    dts: false,
    target: "node20",
    splitting: true,
    clean: false,
  },
]);
