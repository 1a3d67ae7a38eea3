import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openVerifiedFiles } from "../src/io/verified-files.js";
import { CACHE_VERSION } from "../src/version.js";
import { tempDir } from "./helpers/fixtures.js";

const good = {
  path: "t/rss.xml",
  contents: '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
};
const json = { path: "t/feed.json", contents: '{"version":"https://jsonfeed.org/version/1.1"}' };
const broken = { path: "t/atom.xml", contents: "<feed><title>x</feed>" };
const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");

describe("openVerifiedFiles", () => {
  it("reports a broken file and remembers only the well-formed ones", () => {
    const dir = tempDir();
    const v = openVerifiedFiles(dir);
    const problems = v.verify([good, broken, json]);
    expect(problems.map((d) => [d.code, d.file])).toEqual([["render-failed", "t/atom.xml"]]);
    v.save();
    const saved = JSON.parse(readFileSync(join(dir, "verified-v1.json"), "utf8")) as {
      version: string;
      sha1: string[];
    };
    expect(saved).toEqual({ version: CACHE_VERSION, sha1: [sha1(good.contents), sha1(json.contents)].sort() });
    // The next build still reports the broken file.
    expect(
      openVerifiedFiles(dir)
        .verify([good, broken, json])
        .map((d) => d.file),
    ).toEqual(["t/atom.xml"]);
  });

  it("skips bytes this version verified before, and ignores a list of another version or one that does not parse", () => {
    const dir = tempDir();
    const file = join(dir, "verified-v1.json");
    // A list naming the broken file's bytes: only a skipped check would let them through.
    writeFileSync(file, JSON.stringify({ version: CACHE_VERSION, sha1: [sha1(broken.contents)] }));
    expect(openVerifiedFiles(dir).verify([broken])).toEqual([]);
    writeFileSync(file, JSON.stringify({ version: "0.0.0-other", sha1: [sha1(broken.contents)] }));
    expect(openVerifiedFiles(dir).verify([broken])).toHaveLength(1);
    writeFileSync(file, `{"version":"${CACHE_VERSION}","sha1":["${sha1(broken.contents)}"`);
    expect(openVerifiedFiles(dir).verify([broken])).toHaveLength(1);
  });

  it("keeps only the current build's hashes, and does not rewrite an unchanged list", () => {
    const dir = tempDir();
    const first = openVerifiedFiles(dir);
    first.verify([good, json]);
    first.save();
    const second = openVerifiedFiles(dir);
    second.verify([good]);
    second.save();
    const file = join(dir, "verified-v1.json");
    expect((JSON.parse(readFileSync(file, "utf8")) as { sha1: string[] }).sha1).toEqual([sha1(good.contents)]);
    writeFileSync(file, `${readFileSync(file, "utf8")}\n`); // a marker an unneeded rewrite would remove
    const third = openVerifiedFiles(dir);
    third.verify([good]);
    third.save();
    expect(readFileSync(file, "utf8").endsWith("\n\n")).toBe(true);
  });

  it("removes what a killed build left of its list, and leaves a running build's", () => {
    const dir = tempDir();
    // 2^22 + 1: above the largest pid Linux hands out. The parent (vitest) is running.
    const dead = 4194305;
    expect(() => process.kill(dead, 0)).toThrow();
    writeFileSync(join(dir, `verified-v1.json.tmp-${dead}`), "half");
    writeFileSync(join(dir, `verified-v1.json.tmp-${process.ppid}`), "a running build's");
    writeFileSync(join(dir, `notes.tmp-${dead}`), "not ours");
    const v = openVerifiedFiles(dir);
    v.verify([good]);
    v.save();
    expect(readdirSync(dir).sort()).toEqual(
      [`notes.tmp-${dead}`, "verified-v1.json", `verified-v1.json.tmp-${process.ppid}`].sort(),
    );
  });
});
