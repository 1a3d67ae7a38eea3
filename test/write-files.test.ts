import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isTopicfeedsError } from "../src/diagnostics/topicfeeds-error.js";
import { writeFiles } from "../src/io/write-files.js";
import { tempDir } from "./helpers/fixtures.js";

describe("writeFiles", () => {
  it("writes files into nested folders and leaves no temporary files", () => {
    const out = tempDir();
    const s = writeFiles(out, [
      { path: "a/rss.xml", contents: "<rss/>" },
      { path: "feed.json", contents: "{}" },
    ]);
    expect(s.written).toEqual(["a/rss.xml", "feed.json"]);
    expect(readFileSync(join(out, "a/rss.xml"), "utf8")).toBe("<rss/>");
    expect(readdirSync(out).sort()).toEqual(["a", "feed.json"]);
  });

  it("does not touch files whose bytes did not change (mtime stays)", () => {
    const out = tempDir();
    writeFiles(out, [{ path: "x.xml", contents: "same" }]);
    const old = new Date("2000-01-01T00:00:00Z");
    utimesSync(join(out, "x.xml"), old, old);
    const s = writeFiles(out, [{ path: "x.xml", contents: "same" }]);
    expect(s).toEqual({ written: [], unchanged: ["x.xml"] });
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

  it("removes every temporary file when a rename fails, and says what was replaced", () => {
    const out = tempDir();
    writeFiles(out, [
      { path: "a.xml", contents: "old a" },
      { path: "b/c.xml", contents: "old c" },
    ]);
    rmSync(join(out, "b/c.xml"));
    mkdirSync(join(out, "b/c.xml/x"), { recursive: true }); // a non-empty folder where a file must go
    expect(() =>
      writeFiles(out, [
        { path: "a.xml", contents: "new a" },
        { path: "b/c.xml", contents: "new c" },
      ]),
    ).toThrow(/cannot replace b\/c\.xml.*1 of 2 changed files were already replaced/);
    const all = readdirSync(out, { recursive: true }).map(String);
    expect(all.filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("sweeps temporary files a killed build left beside its outputs, and only those", () => {
    const out = tempDir();
    mkdirSync(join(out, "ai"));
    // 2^22 + 1: above the largest pid Linux can hand out (pid_max is at most 2^22).
    const dead = 4194305;
    expect(() => process.kill(dead, 0)).toThrow();
    writeFileSync(join(out, "ai", `rss.xml.tmp-${dead}-7`), "half");
    writeFileSync(join(out, `feed.json.tmp-${dead}-2`), "half");
    writeFileSync(join(out, `notes.txt.tmp-${dead}-1`), "not ours");
    writeFileSync(join(out, `rss.xml.tmp-${process.pid}-999`), "a live build's");
    writeFiles(out, [
      { path: "ai/rss.xml", contents: "<rss/>" },
      { path: "feed.json", contents: "{}" },
      { path: "rss.xml", contents: "<rss/>" },
    ]);
    expect(readdirSync(join(out, "ai"))).toEqual(["rss.xml"]);
    expect(readdirSync(out).sort()).toEqual(
      ["ai", "feed.json", "notes.txt.tmp-4194305-1", "rss.xml", `rss.xml.tmp-${process.pid}-999`].sort(),
    );
  });
});
