import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listRecordFiles } from "../src/io/read-records.js";
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
