// Faults against the real CLI, made deterministic with strace (Debian `strace`, installed by
// scripts/setup-system.sh): the process is killed, slowed or signalled at the n-th call of a
// chosen system call, and the output folder is compared with reference builds made without faults.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { isTopicfeedsError } from "../src/diagnostics/topicfeeds-error.js";
import { scanRecords } from "../src/io/scan-records.js";
import { CLI, tempDir, VALID } from "./helpers/fixtures.js";

const hasStrace = process.platform === "linux" && spawnSync("strace", ["-qq", "-e", "trace=none", "true"]).status === 0;
const NOW = "2024-06-01T00:00:00Z";
// Threads followed; printing only the system calls a test names (-e trace=...).
const STRACE = ["-f", "-qq", "-o", "/dev/null"];
/** strace options that inject `what` (e.g. "signal=SIGKILL:when=3") into system call `call`. */
const inject = (call: string, what: string) => ["-e", `trace=${call}`, "-e", `inject=${call}:${what}`];

/** Every file under `dir`, links followed, by relative path: what a reader of the folder sees. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel === "" ? name : `${rel}/${name}`;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out[r] = readFileSync(join(dir, r), "utf8");
    }
  };
  walk("");
  return out;
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function cliArgs(corpus: string, out: string, extra: string[]): string[] {
  return [CLI, "build", corpus, "-o", out, "--base-url", "https://example.com/feeds/", "--now", NOW, "-q", ...extra];
}

function build(corpus: string, out: string, extra: string[] = ["--no-cache"], strace: string[] = []): Run {
  const args = cliArgs(corpus, out, extra);
  const r =
    strace.length === 0
      ? spawnSync(process.execPath, args, { encoding: "utf8" })
      : spawnSync("strace", [...STRACE, ...strace, process.execPath, ...args], {
          encoding: "utf8",
        });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

function buildAsync(
  corpus: string,
  out: string,
  extra: string[],
  strace: string[],
): ChildProcess & { done: Promise<Run> } {
  const child = spawn("strace", [...STRACE, ...strace, process.execPath, ...cliArgs(corpus, out, extra)]);
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const done = new Promise<Run>((resolve) =>
    child.on("close", (status, signal) => resolve({ status, signal: signal as NodeJS.Signals | null, stderr })),
  );
  return Object.assign(child, { done });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Two corpora: B changes three titles, removes a record and adds one under a topic A lacks.
let A: string;
let B: string;
let refA: Record<string, string>;
let refAB: Record<string, string>;

beforeAll(() => {
  const dir = tempDir("topicfeeds-faults-");
  A = join(dir, "a");
  B = join(dir, "b");
  cpSync(VALID, A, { recursive: true });
  cpSync(VALID, B, { recursive: true });
  const names = readdirSync(B).filter((n) => n.endsWith(".md") && n !== "draft-secret.md");
  for (const n of names.slice(0, 3)) {
    const p = join(B, n);
    writeFileSync(
      p,
      readFileSync(p, "utf8").replace(/^title: "?/m, (m) => `${m}Changed: `),
    );
  }
  rmSync(join(B, names[5] as string));
  writeFileSync(
    join(B, "zeta.md"),
    '---\ntitle: "Only in the new build"\nexcerpt: "New."\npublishedDateTime: 2024-05-30T10:00:00Z\nwebUrl: "https://example.com/zeta"\npublished: true\nquality: 90\ntopics:\n  - Zeta Only\n---\n',
  );
  const a = join(dir, "ref-a");
  expect(build(A, a).status).toBe(0);
  refA = tree(a);
  expect(build(B, a).status).toBe(0);
  refAB = tree(a);
  expect(Object.keys(refAB)).toContain("zeta-only/rss.xml");
  expect(refAB["rss.xml"]).not.toBe(refA["rss.xml"]);
});

/** The output folder after a build is one of the reference builds: which one. */
function whole(out: string): "old" | "new" {
  const t = tree(out);
  if (JSON.stringify(t) === JSON.stringify(refA)) return "old";
  expect(t).toEqual(refAB); // else a mix: the diff shows it
  return "new";
}

/** After a fault, the next build publishes the new build and leaves nothing of the killed one. */
function recovers(dir: string, extra: string[]): void {
  const out = join(dir, "out");
  const r = build(B, out, extra);
  expect(r.status, r.stderr).toBe(0);
  expect(tree(out)).toEqual(refAB);
  const builds = readdirSync(join(dir, ".out.builds"));
  expect(builds.every((n) => /^\d+$/.test(n)) && builds.length <= 2, builds.join(" ")).toBe(true);
}

describe.skipIf(!hasStrace)("a build killed with SIGKILL at the n-th system call", () => {
  const extraFor = (dir: string) => ["--cache-dir", join(dir, "cache"), "--lock-file", join(dir, "ids.json")];

  // With one earlier build the new one is filled from scratch; with two, the build before the live
  // one is renamed and brought level with it (the path every later build and a watcher take).
  it.each([
    [1, "one earlier build: filled from scratch"],
    [2, "two earlier builds: the build before last made into the new one"],
  ])(
    "leaves the old build or the new one, whole, at every rename, link, symlink and unlink of its write phase (%s)",
    (earlier) => {
      // How many renames a build of B over A makes (cache files, the publish, the id lock).
      const count = tempDir("topicfeeds-faults-");
      for (let i = 0; i < earlier; i++) expect(build(A, join(count, "out"), extraFor(count)).status).toBe(0);
      const traced = join(count, "trace");
      expect(
        spawnSync("strace", [
          "-f",
          "-qq",
          "-o",
          traced,
          "-e",
          "trace=rename,renameat,renameat2",
          process.execPath,
          ...cliArgs(B, join(count, "out"), extraFor(count)),
        ]).status,
      ).toBe(0);
      const renames = readFileSync(traced, "utf8")
        .split("\n")
        .filter((l) => /rename/.test(l)).length;
      expect(renames).toBeGreaterThanOrEqual(3);
      const points = [
        ...Array.from({ length: renames }, (_, i) => `rename:when=${i + 1}`),
        "symlink:when=1",
        "link:when=1",
        "unlink:when=1",
      ];
      // Each fault starts from the same state: A built, with its cache and id lock.
      const start = tempDir("topicfeeds-faults-");
      for (let i = 0; i < earlier; i++) expect(build(A, join(start, "out"), extraFor(start)).status).toBe(0);
      expect(readdirSync(join(start, ".out.builds")).filter((n) => /^\d+$/.test(n))).toHaveLength(earlier);
      const seen = new Set<string>();
      for (const point of points) {
        const dir = tempDir("topicfeeds-faults-");
        cpSync(start, dir, { recursive: true, verbatimSymlinks: true });
        const out = join(dir, "out");
        const [call, when] = point.split(":") as [string, string];
        const r = build(B, out, extraFor(dir), inject(call, `signal=SIGKILL:${when}`));
        expect(r.signal, `${point}: ${r.stderr}`).toBe("SIGKILL");
        seen.add(whole(out));
        recovers(dir, extraFor(dir));
      }
      // Killed before the publish: the old build; after it: the new one.
      expect([...seen].sort()).toEqual(["new", "old"]);
    },
  );

  it("moves a plain output folder into the first build; killed at any of its renames, the next build completes it", () => {
    for (let n = 1; n <= 3; n++) {
      const dir = tempDir("topicfeeds-faults-");
      const out = join(dir, "out");
      const plain = join(dir, "plain");
      expect(build(A, plain).status).toBe(0);
      cpSync(join(plain, "."), out, { recursive: true, dereference: true });
      expect(lstatSync(out).isDirectory()).toBe(true);
      const r = build(B, out, ["--no-cache"], inject("rename", `signal=SIGKILL:when=${n}`));
      expect(r.signal).toBe("SIGKILL");
      if (n < 3) expect(whole(out)).toBe("old");
      // The third rename puts the link in the folder's place: killed just before it, the path is
      // missing (never mixed) until the next build links the finished build first.
      else expect(existsSync(out)).toBe(false);
      recovers(dir, ["--no-cache"]);
      expect(readlinkSync(out)).toMatch(/^\.out\.builds\/\d+$/);
    }
  });
});

describe.skipIf(!hasStrace)("--fsync", () => {
  it("flushes every written file before the link is renamed; without it nothing is flushed", () => {
    for (const flag of [["--fsync"], []]) {
      const dir = tempDir("topicfeeds-faults-");
      const traced = join(dir, "trace");
      const args = cliArgs(A, join(dir, "out"), ["--no-cache", ...flag]);
      const r = spawnSync("strace", ["-f", "-qq", "-o", traced, "-e", "trace=fsync,rename", process.execPath, ...args]);
      expect(r.status).toBe(0);
      const calls = readFileSync(traced, "utf8").split("\n");
      const publish = calls.findLastIndex((l) => /rename\(.*link-\d+", ".*\/out"\)/.test(l));
      expect(publish).toBeGreaterThan(0);
      const flushed = calls.slice(0, publish).filter((l) => /fsync\(/.test(l)).length;
      if (flag.length > 0) expect(flushed).toBeGreaterThanOrEqual(Object.keys(refA).length);
      else expect(calls.filter((l) => /fsync\(/.test(l))).toEqual([]);
    }
  });
});

describe.skipIf(!hasStrace)("two builds at once", () => {
  it("the second fails at once, naming the first, which publishes whole", async () => {
    const dir = tempDir("topicfeeds-faults-");
    const out = join(dir, "out");
    expect(build(A, out).status).toBe(0);
    const slow = buildAsync(B, out, ["--no-cache"], inject("symlink", "delay_enter=3s"));
    const lock = join(dir, ".out.builds", "lock");
    await until(
      () => readdirSync(join(dir, ".out.builds")).some((n) => n.startsWith("new-")),
      "the slowed build to write",
    );
    const holder = JSON.parse(readFileSync(lock, "utf8")) as { pid: number };
    const second = build(A, out);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`another build is using the output folder .*out: pid ${holder.pid} \\(`));
    const first = await slow.done;
    expect(first.status, first.stderr).toBe(0);
    expect(whole(out)).toBe("new");
    expect(existsSync(lock)).toBe(false);
  });

  it("with --wait the second waits for the first, then builds", async () => {
    const dir = tempDir("topicfeeds-faults-");
    const out = join(dir, "out");
    expect(build(B, out).status).toBe(0);
    // A (slowed) then B: if B waited, the result is B over A over B, the same files as B over A.
    const slow = buildAsync(A, out, ["--no-cache"], inject("symlink", "delay_enter=2s"));
    await until(
      () => readdirSync(join(dir, ".out.builds")).some((n) => n.startsWith("new-")),
      "the slowed build to write",
    );
    const second = spawnSync(process.execPath, cliArgs(B, out, ["--no-cache", "--wait"]), { encoding: "utf8" });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/waiting for pid \d+ .*which is using the output folder/);
    expect((await slow.done).status).toBe(0);
    expect(tree(out)).toEqual(refAB);
  });

  it("two builds into different folders with one cache folder: the second fails at once", async () => {
    const dir = tempDir("topicfeeds-faults-");
    const cache = ["--cache-dir", join(dir, "cache")];
    const slow = buildAsync(A, join(dir, "one"), cache, inject("symlink", "delay_enter=3s"));
    await until(
      () =>
        existsSync(join(dir, ".one.builds")) && readdirSync(join(dir, ".one.builds")).some((n) => n.startsWith("new-")),
      "the slowed build to write",
    );
    const second = build(A, join(dir, "two"), cache);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/another build is using the cache folder .*cache: pid \d+/);
    expect(existsSync(join(dir, "two"))).toBe(false);
    expect((await slow.done).status).toBe(0);
  });
});

describe.skipIf(!hasStrace)("signals", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    it(`${signal} during the write phase: exit ${code}, and the output is one whole build`, () => {
      const dir = tempDir("topicfeeds-faults-");
      const out = join(dir, "out");
      expect(build(A, out).status).toBe(0);
      const r = build(B, out, ["--no-cache"], inject("link", `signal=${signal}:when=5`));
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr).toMatch(new RegExp(`interrupted by ${signal}`));
      expect(whole(out)).toBe("new");
      expect(existsSync(join(dir, ".out.builds", "lock"))).toBe(false);
    });
  }

  it("SIGTERM while the records are read: the process ends by the signal, and the output is the old build", () => {
    const dir = tempDir("topicfeeds-faults-");
    const out = join(dir, "out");
    expect(build(A, out).status).toBe(0);
    const file = join(B, readdirSync(B).sort()[4] as string);
    const r = build(B, out, ["--no-cache"], ["-P", file, ...inject("openat", "signal=SIGTERM:when=1")]);
    expect(r.signal ?? r.status).toBe(r.signal === null ? 143 : "SIGTERM");
    expect(whole(out)).toBe("old");
    recovers(dir, ["--no-cache"]);
  });
});

describe("lean records and files that change after the scan", () => {
  it("fails with record-changed naming each file changed or removed between the scan and the render; nothing half is published", async () => {
    const dir = tempDir("topicfeeds-faults-");
    const corpus = join(dir, "c");
    cpSync(VALID, corpus, { recursive: true });
    const config = { baseUrl: "https://example.com/feeds/", now: NOW, minQuality: 40 };
    const whole = buildFeeds(await scanRecords([corpus], { cwd: dir, lean: false }), config).files;
    // Unchanged files: the lean build completes every chosen record, the same bytes as a whole one.
    const same = await scanRecords([corpus], { cwd: dir, lean: true, prefilter: config });
    expect(same.records.length).toBeGreaterThan(3);
    expect(same.records.every((r) => r.excerpt === undefined && r.related.length === 0)).toBe(true);
    expect(buildFeeds(same, config, { hydrate: same.hydrate }).files).toEqual(whole);

    const scan = await scanRecords([corpus], { cwd: dir, lean: true, prefilter: config });
    rmSync(join(corpus, "bithub-from-iot-devices-to-post-quantum.md"));
    appendFileSync(join(corpus, "securityintelligence-ml-ai-security-pros-cons.md"), "\nEdited after the scan.\n");
    let caught: unknown;
    try {
      buildFeeds(scan, config, { hydrate: scan.hydrate });
    } catch (e) {
      caught = e;
    }
    expect(isTopicfeedsError(caught) && caught.code).toBe("records-changed");
    const diags = isTopicfeedsError(caught) ? caught.diagnostics : [];
    const byFile = (x: unknown[], y: unknown[]) => String(x[1]).localeCompare(String(y[1]));
    expect(diags.map((d) => [d.code, d.file, d.message]).sort(byFile)).toEqual([
      [
        "record-changed",
        "c/bithub-from-iot-devices-to-post-quantum.md",
        expect.stringMatching(/was removed while the build ran/),
      ],
      [
        "record-changed",
        "c/securityintelligence-ml-ai-security-pros-cons.md",
        expect.stringMatching(/changed while the build ran/),
      ],
    ]);
  });
});
