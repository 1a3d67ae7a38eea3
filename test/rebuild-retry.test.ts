import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { inProcessCli, outputTree, tempDir, VALID } from "./helpers/fixtures.js";

// A rebuild whose records change between the scan and the render: the command reads them again
// (`records-changed`, then a new scan). Records are read lean here whatever their number (else
// only from 30,000 files), and `before` runs once just before the next build renders.
const hook = vi.hoisted(() => ({ before: undefined as (() => void) | undefined }));

vi.mock("../src/io/scan-records.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/io/scan-records.js")>();
  return {
    ...real,
    scanRecords: (paths: string[], options: Parameters<typeof real.scanRecords>[1]) =>
      real.scanRecords(paths, { ...options, lean: true }),
  };
});

vi.mock("../src/build.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/build.js")>();
  return {
    ...real,
    buildFeeds: (...args: Parameters<typeof real.buildFeeds>) => {
      const before = hook.before;
      hook.before = undefined;
      before?.();
      return real.buildFeeds(...args);
    },
  };
});

const args = ["--base-url", "https://example.com/feeds/", "--min-quality", "30", "--limit", "3", "--report", "json"];

describe("a rebuild whose records change while it runs", () => {
  it("reads them again, publishes what a cold build publishes, and the rebuilds after it too", async () => {
    const dir = tempDir();
    const content = join(dir, "content");
    cpSync(VALID, content, { recursive: true });
    const names = readdirSync(content).sort();
    const warm = () =>
      inProcessCli(["build", "content", "--out", "warm", "--cache-dir", "cache", "--timings", ...args], dir);
    const cold = async () => {
      const r = await inProcessCli(["build", "content", "--out", "cold", "--no-cache", ...args], dir);
      expect(r.code, r.stderr).toBe(0);
      return r;
    };
    const same = async () => {
      const c = await cold();
      expect(outputTree(join(dir, "warm"))).toEqual(outputTree(join(dir, "cold")));
      return c;
    };
    // A new title (when it is a quoted one) and a line more.
    const edit = (name: string, text: string) => {
      const file = join(content, name);
      const before = readFileSync(file, "utf8");
      writeFileSync(file, `${before.replace(/^title: "(.*)"$/m, `title: "$1 (${text})"`)}\n${text}\n`);
    };

    expect((await warm()).code).toBe(0);
    await same();
    // Every file edited (every feed is rendered again); and again while the rebuild runs (a
    // checkout, say).
    for (const name of names) edit(name, "first");
    hook.before = () => {
      for (const name of names) edit(name, "while the build ran");
    };
    const retried = await warm();
    expect(hook.before).toBeUndefined();
    expect(retried.stderr).toMatch(/reading the records again/);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toBe((await same()).stdout);
    // The next rebuilds compare with what that build published.
    for (const [k, name] of [names[1], names[2], names[0]].entries()) {
      edit(name as string, `edit ${k}`);
      const next = await warm();
      expect(next.code, next.stderr).toBe(0);
      // Only the file edited is read: the identities recorded are those of the files as published.
      // Only the files edited since are read again (the record cache is not rewritten for so few):
      // the identities recorded are those of the files as published.
      expect(Number(/read 18 records \((\d+) parsed/.exec(next.stderr)?.[1])).toBe(k + 1);
      expect(next.stdout).toBe((await same()).stdout);
    }
    const again = await warm();
    expect(again.stdout).toBe((await same()).stdout);
  });
});
