#!/usr/bin/env node
// Keeps dist/ tied to the sources it was built from, so that an unbuilt or stale dist/ is never
// packed, published or installed from git.
//
//   node scripts/dist-stamp.mjs write    after a build: records a hash of the build's inputs
//                                        (src/, the build and TypeScript configs, package.json)
//                                        and of every file in dist/ in dist/.build-stamp
//   node scripts/dist-stamp.mjs check    exit 1 with the reason when dist/ is missing, was built
//                                        from other sources or was changed after the build
//   node scripts/dist-stamp.mjs ensure   runs `npm run build` unless `check` passes (the
//                                        `prepare` and `prepack` scripts: a git or file:
//                                        dependency gets a built package, `npm pack` a fresh one)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const STAMP = join(root, "dist", ".build-stamp");
const INPUTS = ["src", "tsup.config.ts", "tsconfig.json", "package.json"];

function files(path) {
  if (!existsSync(path)) return [];
  const entries = readdirSync(path, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .filter((p) => p !== STAMP)
    .sort();
}

function hash(paths) {
  const h = createHash("sha256");
  for (const p of paths) {
    // Forward slashes: the same hash on every platform.
    h.update(relative(root, p).split(sep).join("/"));
    h.update("\0");
    h.update(readFileSync(p));
    h.update("\0");
  }
  return h.digest("hex");
}

function inputsHash() {
  return hash(INPUTS.flatMap((name) => (name.includes(".") ? [join(root, name)] : files(join(root, name)))));
}

function distHash() {
  return hash(files(join(root, "dist")));
}

/** @returns undefined when dist/ matches the sources, else why not */
function problem() {
  if (!existsSync(STAMP)) {
    return existsSync(join(root, "dist")) ? "dist/ has no build stamp" : "dist/ is not built";
  }
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, "utf8"));
  } catch {
    return "dist/.build-stamp is not readable";
  }
  if (stamp.inputs !== inputsHash()) return "dist/ was built from other sources";
  if (stamp.dist !== distHash()) return "dist/ was changed after it was built";
  return undefined;
}

const mode = process.argv[2];
if (mode === "write") {
  writeFileSync(STAMP, `${JSON.stringify({ inputs: inputsHash(), dist: distHash() })}\n`);
} else if (mode === "check") {
  const why = problem();
  if (why !== undefined) {
    console.error(`dist-stamp: ${why}; run npm run build`);
    process.exit(1);
  }
} else if (mode === "ensure") {
  const why = problem();
  if (why !== undefined) {
    // A file: dependency is linked as it is: npm runs its prepare script without installing
    // its devDependencies, so the build tools may be missing.
    if (!existsSync(join(root, "node_modules", ".bin", "tsup"))) {
      console.error(
        `dist-stamp: ${why}, and the build tools are not installed in ${root}: run npm install there first`,
      );
      process.exit(1);
    }
    console.error(`dist-stamp: ${why}; building`);
    const r = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
    if (r.status !== 0) process.exit(r.status ?? 1);
    const still = problem();
    if (still !== undefined) {
      console.error(`dist-stamp: ${still} after the build`);
      process.exit(1);
    }
  }
} else {
  console.error("usage: node scripts/dist-stamp.mjs write|check|ensure");
  process.exit(2);
}
