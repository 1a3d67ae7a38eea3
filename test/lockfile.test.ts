// package-lock.json must describe exactly what package.json asks for: `npm ci` (what CI services
// and the README run) refuses a lock that has drifted, and `npm install` would rewrite it, leaving
// a dirty tree after the quick start. Both are run on copies of the two files.
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run, shown } from "./helpers/consumer.js";
import { ROOT, tempDir } from "./helpers/fixtures.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder holding copies of package.json and package-lock.json, package.json edited by `edit`. */
function copy(edit: (pkg: Record<string, Record<string, string>>) => void = () => {}): string {
  const dir = tempDir("topicfeeds-lock-");
  dirs.push(dir);
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  edit(pkg);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  copyFileSync(join(ROOT, "package-lock.json"), join(dir, "package-lock.json"));
  return dir;
}

const QUIET = ["--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
const ciDryRun = (dir: string) => run("npm", ["ci", "--dry-run", ...QUIET], dir);
const lockOnly = (dir: string) => run("npm", ["install", "--package-lock-only", ...QUIET], dir);

describe.concurrent("package-lock.json", () => {
  it("is accepted by npm ci", async () => {
    const r = await ciDryRun(copy());
    expect(r.code, shown(r)).toBe(0);
  });

  it("is left byte for byte as it is by npm install", async () => {
    const dir = copy();
    const r = await lockOnly(dir);
    expect(r.code, shown(r)).toBe(0);
    expect(readFileSync(join(dir, "package-lock.json"), "utf8")).toBe(
      readFileSync(join(ROOT, "package-lock.json"), "utf8"),
    );
  });

  // The same two checks catch a dependency added to package.json but not to the lock.
  it("is told apart from a package.json that asks for more", async () => {
    const added = (pkg: Record<string, Record<string, string>>) => {
      pkg.devDependencies = { ...pkg.devDependencies, "is-number": "7.0.0" };
    };
    const ci = await ciDryRun(copy(added));
    expect(ci.code).not.toBe(0);
    expect(ci.stderr).toMatch(/in sync|Missing: is-number/);
    const dir = copy(added);
    const r = await lockOnly(dir);
    expect(r.code, shown(r)).toBe(0);
    expect(readFileSync(join(dir, "package-lock.json"), "utf8")).not.toBe(
      readFileSync(join(ROOT, "package-lock.json"), "utf8"),
    );
  });
});
