import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BROKEN, CLI, inProcessCli, tempDir, VALID } from "./helpers/fixtures.js";

function run(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? tempDir(),
    env: { ...process.env, ...opts.env },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "latin1");
    }
  };
  walk(dir);
  return out;
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build` (npm test does it first)");
});

describe("topicfeeds build (process)", () => {
  it("builds feeds, prints a summary on stderr and the JSON report on stdout", () => {
    const out = join(tempDir(), "out");
    const r = run(["build", VALID, "--out", out, "--base-url", "https://example.com/feeds/", "--report", "json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.records).toMatchObject({ read: 18, rejected: 0 });
    expect(report.records.published + report.records.dropped + report.records.rejected).toBe(report.records.read);
    expect(report.topics.length).toBeGreaterThan(3);
    expect(report.topics[0]).toEqual({ slug: expect.any(String), name: expect.any(String), items: expect.any(Number) });
    expect(r.stderr).toMatch(/18 records read/);
    expect(existsSync(join(out, "ai", "rss.xml"))).toBe(true);
    expect(existsSync(join(out, "feed.json"))).toBe(true);
  });

  it("gives byte-identical output under another time zone, locale and day", () => {
    const a = join(tempDir(), "out");
    const b = join(tempDir(), "out");
    expect(
      run(["build", VALID, "-o", a, "--base-url", "https://example.com/feeds/"], { env: { TZ: "UTC" } }).code,
    ).toBe(0);
    expect(
      run(["build", VALID, "-o", b, "--base-url", "https://example.com/feeds/", "--now", "2031-07-04T12:00:00+05:30"], {
        env: { TZ: "Pacific/Chatham", LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8" },
      }).code,
    ).toBe(0);
    const ta = tree(a);
    expect(Object.keys(ta).length).toBeGreaterThan(10);
    expect(tree(b)).toEqual(ta);
  });

  it("reports broken records with file and line, publishes the rest, exits 0", () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "records"), { recursive: true });
    cpSync(BROKEN, join(dir, "records", "broken"), { recursive: true });
    const r = run(["build", "records", "-o", "out", "--base-url", "https://example.com/feeds/", "--report", "json"], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.records.rejected).toBeGreaterThan(0);
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({
        code: "invalid-field",
        file: "records/broken/quality-high.md",
        line: 9,
        field: "quality",
      }),
    );
    expect(r.stderr).toContain("records/broken/quality-high.md:9");
    expect(existsSync(join(dir, "out", "rss.xml"))).toBe(true);
  });

  it("with --strict fails with exit 1 and writes nothing", () => {
    const dir = tempDir();
    cpSync(BROKEN, join(dir, "records"), { recursive: true });
    cpSync(join(VALID, "securityintelligence-ml-ai-security-pros-cons.md"), join(dir, "records", "good.md"));
    const r = run(["build", "records", "-o", "out", "--base-url", "https://example.com/feeds/", "--strict"], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/strict build failed; nothing was written/);
    expect(existsSync(join(dir, "out"))).toBe(false);
    // Neither the record cache nor the output folder's builds or locks.
    const files = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((p) => !p.startsWith("records") && statSync(join(dir, p)).isFile());
    expect(files).toEqual([]);
    expect(existsSync(join(dir, ".out.builds"))).toBe(false);
  });

  it("exits 2 on usage errors with a hint", () => {
    expect(run(["build", "--nope"]).code).toBe(2);
    expect(run(["build", VALID, "--min-quality", "high", "--base-url", "https://e.com/"]).stderr).toMatch(
      /--min-quality takes a number/,
    );
    const missing = run(["build", VALID]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--base-url is required/);
    expect(run(["publish"]).code).toBe(2);
  });

  it("prints help and version", () => {
    expect(run(["--help"]).stdout).toContain("topicfeeds build [INPUT...] [options]");
    expect(run(["--version"]).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe("runCli (in process)", () => {
  it("loads a JSON config with paths relative to it, and names a bad key", async () => {
    const dir = tempDir();
    cpSync(join(VALID, "securityintelligence-ml-ai-security-pros-cons.md"), join(dir, "content", "a.md"), {
      recursive: true,
    });
    writeFileSync(
      join(dir, "topicfeeds.config.json"),
      JSON.stringify({ input: "content", out: "public", baseUrl: "https://e.com/f/", limit: 5 }),
    );
    expect((await inProcessCli(["build"], dir)).code).toBe(0);
    expect(existsSync(join(dir, "public", "ai", "atom.xml"))).toBe(true);
    writeFileSync(join(dir, "topicfeeds.config.json"), JSON.stringify({ baseUrl: "https://e.com/f/", minQualty: 5 }));
    const bad = await inProcessCli(["build"], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/minQualty is not a config key/);
  });

  it("loads a TypeScript config written with defineConfig", async () => {
    const dir = tempDir();
    cpSync(join(VALID, "securityintelligence-ml-ai-security-pros-cons.md"), join(dir, "content", "a.md"), {
      recursive: true,
    });
    writeFileSync(
      join(dir, "topicfeeds.config.ts"),
      `const config: { baseUrl: string; out: string; select: { rule: "minQuality"; value: number }[] } = { baseUrl: "https://e.com/f/", out: "o", select: [{ rule: "minQuality", value: 90 }] };\nexport default config;\n`,
    );
    const r = await inProcessCli(["build", "--report", "json"], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).records.droppedBy).toEqual({ minQuality: 1 });
  });

  it("refuses a missing input with exit 1 and leaves the published feeds alone", async () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    expect((await inProcessCli(["build", "content", "-o", "out", "--base-url", "https://e.com/f/"], dir)).code).toBe(0);
    const before = tree(join(dir, "out"));
    const r = await inProcessCli(
      ["build", "contnet", "-o", "out", "--base-url", "https://e.com/f/", "--report", "json"],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/input not found: contnet; nothing was written/);
    expect(JSON.parse(r.stdout).error.code).toBe("input-not-found");
    expect(tree(join(dir, "out"))).toEqual(before);
  });

  it("rejects a --base-url or --site-url that feed paths cannot be joined onto (exit 2)", async () => {
    const a = await inProcessCli(["build", VALID, "-o", "out", "--base-url", "https://e.com/f/?a=1"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--base-url must not have a query or fragment/);
    const b = await inProcessCli([
      "build",
      VALID,
      "-o",
      "out",
      "--base-url",
      "https://e.com/f/",
      "--site-url",
      "e.com",
    ]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--site-url must be an absolute http\(s\) URL/);
  });

  it("names each rejected record once, with or without --quiet and --timings", async () => {
    const dir = tempDir();
    cpSync(BROKEN, join(dir, "records"), { recursive: true });
    const count = (text: string) => text.split("records/quality-high.md:9").length - 1;
    const base = ["build", "records", "-o", "out", "--base-url", "https://e.com/f/", "--no-cache"];
    for (const extra of [[], ["--timings"], ["-q"], ["-q", "--timings"]]) {
      const r = await inProcessCli([...base, ...extra], dir);
      expect(r.code).toBe(0);
      expect(count(r.stderr), extra.join(" ")).toBe(1);
    }
  });

  it("takes numbers in plain decimals only, and `help` as a command", async () => {
    for (const [flag, v] of [
      ["--limit", "0x2"],
      ["--min-quality", "1e1"],
      ["--workers", " 2"],
      ["--limit", "2."],
      ["--min-quality", "+5"],
    ] as const) {
      const r = await inProcessCli([
        "build",
        VALID,
        "--base-url",
        "https://e.com/",
        flag,
        v,
        "-o",
        join(tempDir(), "o"),
      ]);
      expect(r.code, `${flag} ${v}`).toBe(2);
      expect(r.stderr).toMatch(/takes a number/);
    }
    const ok = await inProcessCli([
      "build",
      VALID,
      "--base-url",
      "https://e.com/",
      "--min-quality",
      "40.5",
      "--limit",
      "3",
      "-o",
      join(tempDir(), "o"),
      "--report",
      "json",
    ]);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { site: { items: number } }).site.items).toBe(3);
    const help = await inProcessCli(["help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("topicfeeds build [INPUT...] [options]");
  });

  it("reads a JSON config saved with a byte order mark, and names a folder, null or a list given as the config", async () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    writeFileSync(
      join(dir, "bom.json"),
      `\uFEFF${JSON.stringify({ baseUrl: "https://e.com/f/", input: "content", out: "public", limit: 2 })}`,
    );
    const bom = await inProcessCli(["build", "-c", "bom.json", "--report", "json"], dir);
    expect(bom.code).toBe(0);
    expect((JSON.parse(bom.stdout) as { site: { items: number } }).site.items).toBe(2);
    const folder = await inProcessCli(["build", "-c", "content", "--base-url", "https://e.com/"], dir);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/^content {2}error {2}is a folder, not a config file {2}\[invalid-config\]$/m);
    expect(folder.stderr).not.toContain(dir);
    writeFileSync(join(dir, "null.json"), "null");
    expect((await inProcessCli(["build", "-c", "null.json"], dir)).stderr).toMatch(
      /config must be an object, got null/,
    );
    writeFileSync(join(dir, "list.json"), "[]");
    expect((await inProcessCli(["build", "-c", "list.json"], dir)).stderr).toMatch(
      /config must be an object, got a list/,
    );
  });

  it("refuses empty paths, which would mean the current folder (exit 2, or a config error)", async () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    for (const args of [
      ["-o", ""],
      ["--cache-dir", " "],
      ["--lock-file", ""],
      ["--config", ""],
    ]) {
      const r = await inProcessCli(["build", "content", "--base-url", "https://e.com/f/", ...args], dir);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/must not be empty/);
    }
    expect((await inProcessCli(["build", "", "--base-url", "https://e.com/f/"], dir)).stderr).toMatch(
      /INPUT must not be empty/,
    );
    writeFileSync(
      join(dir, "topicfeeds.config.json"),
      JSON.stringify({ baseUrl: "https://e.com/f/", input: "content", out: "" }),
    );
    const r = await inProcessCli(["build"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/out must be a path \(not empty\)/);
    expect(readdirSync(dir).sort()).toEqual(["content", "topicfeeds.config.json"]);
  });

  // sysfs takes no new files, even from root; the lock is not there yet (a first build).
  it.skipIf(!existsSync("/sys/kernel"))("says the feeds were written when only the id lock could not be", async () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    const r = await inProcessCli(
      [
        "build",
        "content",
        "-o",
        "out",
        "--base-url",
        "https://e.com/f/",
        "--lock-file",
        "/sys/kernel/topicfeeds-test.lock.json",
      ],
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the feeds were written, but the id lock was not/);
    expect(r.stderr).not.toMatch(/nothing was changed/);
    expect(existsSync(join(dir, "out", "rss.xml"))).toBe(true);
  });

  it("reports an internal error as a bug, without a stack trace", async () => {
    const r = await inProcessCli(["build", "--base-url", "https://e.com/", "-o", "/dev/null/x", VALID]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("topics without items", () => {
  it("get no feed and are named in the summary, and a feed written before stays in place, valid", async () => {
    const cwd = tempDir();
    const out = join(cwd, "out");
    const args = ["build", VALID, "--out", out, "--base-url", "https://example.com/feeds/"];
    expect((await inProcessCli(args, cwd)).code).toBe(0);
    const before = readFileSync(join(out, "ai", "atom.xml"), "utf8");
    expect(before).toContain("<entry>");

    const again = await inProcessCli([...args, "--min-quality", "100"], cwd);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/\d+ topics without items, no feed: .*\bAI\b/);
    expect(readFileSync(join(out, "feeds.opml"), "utf8")).not.toContain("/ai/");
    expect(readFileSync(join(out, "index.html"), "utf8")).not.toContain('href="ai/');
    expect(readFileSync(join(out, "ai", "atom.xml"), "utf8")).toBe(before);
  });
});
