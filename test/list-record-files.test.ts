import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isTopicfeedsError } from "../src/diagnostics/topicfeeds-error.js";
import { listRecordFiles, loadRecords, readRecordFile } from "../src/io/read-records.js";
import { scanRecords } from "../src/io/scan-records.js";
import { tempDir } from "./helpers/fixtures.js";

function tree(files: string[]): string {
  const dir = tempDir("topicfeeds-list-");
  for (const f of files) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), "---\ntitle: x\n---\n");
  }
  return dir;
}

describe("listRecordFiles", () => {
  it("lists *.md and *.markdown in nested folders sorted by code point, skipping hidden folders, node_modules and other files", () => {
    const dir = tree([
      "b.md",
      "a/z.md",
      "a-b.markdown",
      "A.MD",
      "notes.txt",
      ".hidden/x.md",
      "node_modules/y.md",
      "a/.draft.md",
    ]);
    const { files, diagnostics } = listRecordFiles([dir], dir);
    expect(diagnostics).toEqual([]);
    // "a-b" (0x2D) sorts before "a/" (0x2F) although the walk reaches the folder "a" first.
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(["A.MD", "a-b.markdown", "a/z.md", "b.md"]);
  });

  it("lists a file reached through overlapping inputs once", () => {
    const dir = tree(["one.md", "sub/two.md"]);
    const { files } = listRecordFiles([join(dir, "sub"), dir, join(dir, "one.md")], dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(["one.md", "sub/two.md"]);
  });

  it("follows a link to a folder once and reports the loop it would make", () => {
    const dir = tree(["real/r.md"]);
    symlinkSync(join(dir, "real"), join(dir, "real", "again"));
    const { files, diagnostics } = listRecordFiles([dir], dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(["real/r.md"]);
    expect(diagnostics.map((d) => d.code)).toEqual(["folder-skipped"]);
  });
});

describe("listRecordFiles bounds and names", () => {
  it("skips a folder nested too deep with a folder-too-deep error naming it, and lists the rest", () => {
    const dir = tree(["top.md"]);
    const chain = join(dir, ...Array.from({ length: 70 }, () => "d"));
    mkdirSync(chain, { recursive: true });
    writeFileSync(join(chain, "deep.md"), "---\ntitle: x\n---\n");
    const r = listRecordFiles([dir], dir);
    expect(r.files).toEqual([join(dir, "top.md")]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ["folder-too-deep", "error", Array.from({ length: 65 }, () => "d").join("/")],
    ]);
    expect(r.diagnostics[0]?.message).toMatch(/more than 64 folders deep/);
  });

  it("stops a walk that takes longer than its time limit with list-timeout, never a partial list", () => {
    const dir = tree(Array.from({ length: 70 }, (_, i) => `f${i}/a.md`));
    let caught: unknown;
    try {
      listRecordFiles([dir], dir, { timeLimit: -1 });
    } catch (e) {
      caught = e;
    }
    expect(isTopicfeedsError(caught) && caught.code).toBe("list-timeout");
    expect((caught as Error).message).toMatch(/listing the input took more than 0 s \(64 folders so far/);
    expect(listRecordFiles([dir], dir).files).toHaveLength(70);
  });

  it("says a file name is not valid UTF-8 rather than that the file is missing", async () => {
    const dir = tempDir("topicfeeds-list-");
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/bad`), Buffer.from([0xff]), Buffer.from(".md")]), "---\n---\n");
    const set = await loadRecords([dir], { cwd: dir });
    expect(set.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["read-failed", "cannot read the file: its name is not valid UTF-8, so it cannot be opened by name; rename it"],
    ]);
    const scan = await scanRecords([dir], { cwd: dir });
    expect(scan.diagnostics.map((d) => d.message)).toEqual([set.diagnostics[0]?.message]);
  });

  it("says a folder named like a record is a folder", () => {
    const dir = tempDir("topicfeeds-list-");
    mkdirSync(join(dir, "x.md"));
    expect(readRecordFile(join(dir, "x.md"), "x.md").diagnostics[0]?.message).toBe(
      "cannot read the file: it is a folder, not a regular file",
    );
  });
});
