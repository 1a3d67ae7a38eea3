import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFiles } from "../src/io/write-files.js";
import { tempDir } from "./helpers/fixtures.js";

describe("writeFiles", () => {
  it("writes files into nested folders and leaves no temporary files", () => {
    const out = tempDir();
    const s = writeFiles(out, [{ path: "a/rss.xml", contents: "<rss/>" }, { path: "feed.json", contents: "{}" }]);
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
    expect(() => writeFiles(out, [{ path: "ok.xml", contents: "a" }, { path: "../evil.xml", contents: "b" }])).toThrow(/outside the output folder/);
    expect(existsSync(join(out, "..", "evil.xml"))).toBe(false);
    expect(readdirSync(out)).toEqual([]);
  });
});
