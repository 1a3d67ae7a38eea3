import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./fixtures.js";

/** What a child process did. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without a shell and collects its output (asynchronously, so that several
 * installs can run side by side). npm's own variables are removed from the environment: a
 * consumer project must not inherit the settings of the `npm test` that runs the suite.
 */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) && k !== "INIT_CWD" && k !== "NODE_OPTIONS") clean[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...clean, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A command's output for an assertion message. */
export function shown(r: Ran): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}

/** Flags for installs that use the npm cache before the registry and print no ads. */
export const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

/**
 * Packs this package into `dir` with `npm pack` (whose `prepack` script first checks that dist/
 * was built from the current sources, and rebuilds it when not) and returns the tarball's path.
 */
export function packTarball(dir: string): string {
  // The suite runs with dist/ already built by `npm test`; a stale dist/ is rebuilt by prepack,
  // which would pull it from under the tests that run beside this one, so it is reported instead.
  const check = spawnSync(process.execPath, [join(ROOT, "scripts", "dist-stamp.mjs"), "check"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (check.status !== 0) throw new Error(`${check.stderr.trim()} (before the install tests)`);
  const r = spawnSync("npm", ["pack", "--pack-destination", dir, "--loglevel=error"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stderr}`);
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (tgz === undefined) throw new Error(`npm pack wrote no tarball:\n${r.stdout}`);
  return join(dir, tgz);
}

/** Writes files (path → contents) under `dir`, creating folders. */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, contents] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, contents);
  }
}
