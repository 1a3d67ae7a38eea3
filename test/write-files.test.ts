import { spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isTopicfeedsError } from "../src/diagnostics/topicfeeds-error.js";
import { writeFiles } from "../src/io/write-files.js";
import { tempDir } from "./helpers/fixtures.js";

const basename = (p: string) => p.split("/").pop() as string;
// 2^22 + 1: above the largest pid Linux can hand out (pid_max is at most 2^22).
const DEAD = 4194305;

describe("writeFiles", () => {
  it("writes files into nested folders and leaves no temporary files", () => {
    const out = join(tempDir(), "out");
    const s = writeFiles(out, [
      { path: "a/rss.xml", contents: "<rss/>" },
      { path: "feed.json", contents: "{}" },
    ]);
    expect(s.written).toEqual(["a/rss.xml", "feed.json"]);
    expect(readFileSync(join(out, "a/rss.xml"), "utf8")).toBe("<rss/>");
    expect(readdirSync(out).sort()).toEqual(["a", "feed.json"]);
    expect(readdirSync(join(out, "..", `.${basename(out)}.builds`)).sort()).toEqual(["1"]);
  });

  it("publishes each build as one folder behind a symbolic link, and keeps the one before", () => {
    const out = join(tempDir(), "feeds");
    writeFiles(out, [{ path: "rss.xml", contents: "1" }]);
    expect(readlinkSync(out)).toBe(".feeds.builds/1");
    writeFiles(out, [{ path: "rss.xml", contents: "2" }]);
    const s = writeFiles(out, [{ path: "rss.xml", contents: "3" }]);
    expect(readlinkSync(out)).toBe(".feeds.builds/3");
    expect(s.build).toBe(join(out, "..", ".feeds.builds", "3"));
    expect(readFileSync(join(out, "rss.xml"), "utf8")).toBe("3");
    // The build just replaced stays for readers inside it; older ones go.
    expect(readdirSync(join(out, "..", ".feeds.builds")).sort()).toEqual(["2", "3"]);
    expect(readFileSync(join(out, "..", ".feeds.builds", "2", "rss.xml"), "utf8")).toBe("2");
  });

  it("does not touch files whose bytes did not change (mtime stays)", () => {
    const out = tempDir();
    writeFiles(out, [{ path: "x.xml", contents: "same" }]);
    const old = new Date("2000-01-01T00:00:00Z");
    utimesSync(join(out, "x.xml"), old, old);
    const s = writeFiles(out, [{ path: "x.xml", contents: "same" }]);
    expect(s).toMatchObject({ written: [], unchanged: ["x.xml"] });
    expect(statSync(join(out, "x.xml")).mtime.toISOString()).toBe(old.toISOString());
  });

  it("refuses paths that leave the output folder and writes nothing", () => {
    const out = tempDir();
    expect(() =>
      writeFiles(out, [
        { path: "ok.xml", contents: "a" },
        { path: "../evil.xml", contents: "b" },
      ]),
    ).toThrow(/outside the output folder/);
    expect(existsSync(join(out, "..", "evil.xml"))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe("writeFiles when things go wrong", () => {
  it("reports an output path that is a regular file as write-failed, not an internal error", () => {
    const out = join(tempDir(), "afile");
    writeFileSync(out, "hi");
    let caught: unknown;
    try {
      writeFiles(out, [{ path: "rss.xml", contents: "<rss/>" }]);
    } catch (e) {
      caught = e;
    }
    expect(isTopicfeedsError(caught) && caught.code).toBe("write-failed");
    expect(readFileSync(out, "utf8")).toBe("hi");
  });

  it("changes nothing when a file cannot be written, and leaves no unfinished build", () => {
    const out = join(tempDir(), "feeds");
    writeFiles(out, [
      { path: "a.xml", contents: "old a" },
      { path: "b/c.xml", contents: "old c" },
    ]);
    // A folder where a file must go, put into the published build by hand.
    rmSync(join(out, "b/c.xml"));
    mkdirSync(join(out, "b/c.xml/x"), { recursive: true });
    expect(() =>
      writeFiles(out, [
        { path: "a.xml", contents: "new a" },
        { path: "b/c.xml", contents: "new c" },
      ]),
    ).toThrow(/cannot write b\/c\.xml: a folder or file of the same name is in the way; nothing was changed/);
    expect(readlinkSync(out)).toBe(".feeds.builds/1");
    expect(readFileSync(join(out, "a.xml"), "utf8")).toBe("old a");
    expect(readdirSync(join(out, "..", ".feeds.builds"))).toEqual(["1"]);
  });

  it("moves a plain output folder into the first build: other files kept, killed writers' temporary files swept in every folder", () => {
    const out = join(tempDir(), "feeds");
    mkdirSync(join(out, "zeta-only"), { recursive: true });
    expect(() => process.kill(DEAD, 0)).toThrow();
    writeFileSync(join(out, "zeta-only", `atom.xml.tmp-${DEAD}-8`), "half");
    writeFileSync(join(out, "zeta-only", "rss.xml"), "an old topic's feed");
    writeFileSync(join(out, `feed.json.tmp-${DEAD}-2`), "half");
    writeFileSync(join(out, `rss.xml.tmp-${process.pid}-999`), "a live build's");
    writeFileSync(join(out, "robots.txt"), "kept");
    const old = new Date("2000-01-01T00:00:00Z");
    utimesSync(join(out, "robots.txt"), old, old);
    writeFiles(out, [
      { path: "feed.json", contents: "{}" },
      { path: "rss.xml", contents: "<rss/>" },
    ]);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(readdirSync(out).sort()).toEqual(
      ["feed.json", "robots.txt", "rss.xml", `rss.xml.tmp-${process.pid}-999`, "zeta-only"].sort(),
    );
    expect(readdirSync(join(out, "zeta-only"))).toEqual(["rss.xml"]);
    expect(statSync(join(out, "robots.txt")).mtime.toISOString()).toBe(old.toISOString());
  });

  it("clears what a killed build left and completes a publish cut between its two renames", () => {
    const dir = tempDir();
    const out = join(dir, "feeds");
    writeFiles(out, [{ path: "rss.xml", contents: "1" }]);
    const builds = join(dir, ".feeds.builds");
    // Killed while assembling: an unfinished build and a temporary link.
    mkdirSync(join(builds, `new-${DEAD}`, "ai"), { recursive: true });
    writeFileSync(join(builds, `new-${DEAD}`, "ai", "rss.xml"), "half");
    symlinkSync(".feeds.builds/9", join(builds, `link-${DEAD}`));
    // Killed after a plain folder was moved aside and before the link was made: no output folder.
    mkdirSync(join(builds, "2"));
    writeFileSync(join(builds, "2", "rss.xml"), "2");
    rmSync(out);
    writeFiles(out, [{ path: "atom.xml", contents: "3" }]);
    expect(readlinkSync(out)).toBe(".feeds.builds/3");
    expect(readFileSync(join(out, "rss.xml"), "utf8")).toBe("2");
    expect(readdirSync(builds).sort()).toEqual(["2", "3"]);
  });

  it("writes into the folder a symbolic link it did not make points to", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "srv", "feeds"), { recursive: true });
    symlinkSync(join(dir, "srv", "feeds"), join(dir, "public"));
    writeFiles(join(dir, "public"), [{ path: "rss.xml", contents: "x" }]);
    expect(readlinkSync(join(dir, "srv", "feeds"))).toBe(".feeds.builds/1");
    expect(readFileSync(join(dir, "public", "rss.xml"), "utf8")).toBe("x");
  });
});

describe("writeFiles: one build at a time", () => {
  it("fails at once, naming the build that holds the output folder", async () => {
    const out = join(tempDir(), "feeds");
    writeFiles(out, [{ path: "rss.xml", contents: "1" }]);
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      await new Promise((r) => other.once("spawn", r));
      const lock = join(out, "..", ".feeds.builds", "lock");
      const holder = {
        pid: other.pid,
        host: hostname(),
        started: "2026-01-01T00:00:00.000Z",
        since: null,
        boot: null,
        command: "topicfeeds build content",
        token: "t",
      };
      writeFileSync(lock, JSON.stringify(holder));
      let caught: unknown;
      try {
        writeFiles(out, [{ path: "rss.xml", contents: "2" }]);
      } catch (e) {
        caught = e;
      }
      expect(isTopicfeedsError(caught) && caught.code).toBe("locked");
      expect((caught as Error).message).toContain(
        `pid ${other.pid} (topicfeeds build content), started 2026-01-01T00:00:00.000Z`,
      );
      expect(readFileSync(join(out, "rss.xml"), "utf8")).toBe("1");
      expect(existsSync(lock)).toBe(true);
    } finally {
      other.kill();
    }
  });

  it("takes over the lock of a build that is gone", () => {
    const out = join(tempDir(), "feeds");
    const lock = join(out, "..", ".feeds.builds", "lock");
    mkdirSync(join(out, "..", ".feeds.builds"));
    writeFileSync(
      lock,
      JSON.stringify({ pid: DEAD, host: hostname(), started: "x", since: null, boot: null, command: "", token: "t" }),
    );
    writeFiles(out, [{ path: "rss.xml", contents: "1" }]);
    expect(readFileSync(join(out, "rss.xml"), "utf8")).toBe("1");
    expect(existsSync(lock)).toBe(false);
  });
});
