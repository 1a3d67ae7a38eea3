import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { PathList } from "../src/io/_path-list.js";
import { readListing, writeListing } from "../src/io/listing-cache.js";
import { listRecordRuns, loadRecords, sortedPaths } from "../src/io/read-records.js";
import { type ScanOptions, scanRecords } from "../src/io/scan-records.js";
import { BROKEN, ROOT, tempDir, VALID } from "./helpers/fixtures.js";

const workerUrl = pathToFileURL(join(ROOT, "dist", "parse-worker.js"));
const config = { baseUrl: "https://example.com/feeds/", minQuality: 30 };

// A tree of two folders, the second inside the first.
function tree(): string {
  const dir = tempDir();
  mkdirSync(join(dir, "sub"));
  for (let i = 0; i < 300; i++) writeFileSync(join(dir, `r-${i}.md`), `---\ntitle: ${i}\n---\n`);
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, "sub", `s-${i}.md`), "---\ntitle: s\n---\n");
  writeFileSync(join(dir, "notes.txt"), "not a record");
  return dir;
}

// The listing of `dir`, saved as if it had been made `ago` ms before now (stamps older than two
// seconds before a listing are trusted).
function saved(dir: string, cacheDir: string, ago = -5000): PathList {
  const listed = listRecordRuns([dir], dir);
  expect(listed.stamps?.map(([path]) => path)).toEqual([dir, join(dir, "sub")]);
  const paths = PathList.fromRuns(listed.runs);
  writeListing(cacheDir, "k", Date.now() - ago, listed.stamps ?? [], paths);
  return paths;
}

const all = (list: PathList | undefined) => list?.slice(0, list.length);

describe("the listing kept with the folders' stamps", () => {
  it("is the same listing while no file is created, removed or renamed in any folder", () => {
    const dir = tree();
    const cacheDir = tempDir();
    const paths = saved(dir, cacheDir);
    expect(all(readListing(cacheDir, "k"))).toEqual(sortedPaths(listRecordRuns([dir], dir)));
    expect(readListing(cacheDir, "k")?.digest()).toBe(paths.digest());
    // A file edited in place leaves its folder as it was.
    writeFileSync(join(dir, "r-7.md"), "---\ntitle: edited in place\n---\n");
    expect(all(readListing(cacheDir, "k"))).toEqual(all(paths));
    expect(readListing(cacheDir, "other key")).toBeUndefined();
    // Its bytes changed (the last letter of the last name, same length): not taken.
    const file = join(cacheDir, "listing-v2.txt");
    const bytes = readFileSync(file);
    expect(bytes.at(-1)).toBe("d".charCodeAt(0));
    bytes[bytes.length - 1] = "x".charCodeAt(0);
    writeFileSync(file, bytes);
    expect(readListing(cacheDir, "k")).toBeUndefined();
  });

  for (const [what, change] of [
    ["a file created in the subfolder", (dir: string) => writeFileSync(join(dir, "sub", "new.md"), "x")],
    ["a file removed", (dir: string) => rmSync(join(dir, "r-3.md"))],
    [
      "a file renamed over another (an editor's atomic save)",
      (dir: string) => {
        writeFileSync(join(dir, ".r-4.md.tmp"), "---\ntitle: saved\n---\n");
        renameSync(join(dir, ".r-4.md.tmp"), join(dir, "r-4.md"));
      },
    ],
    ["a folder created", (dir: string) => mkdirSync(join(dir, "sub", "deeper"))],
    ["a folder removed", (dir: string) => rmSync(join(dir, "sub"), { recursive: true })],
  ] as const)
    it(`is not used after ${what}`, () => {
      const dir = tree();
      const cacheDir = tempDir();
      saved(dir, cacheDir);
      expect(readListing(cacheDir, "k")).toBeDefined();
      change(dir);
      expect(readListing(cacheDir, "k")).toBeUndefined();
    });

  it("keeps any name: a line break, emoji that share their first half, accents", () => {
    const dir = tree();
    for (const name of ["line\nbreak.md", "😀-a.md", "😁-b.md", "é.md"]) writeFileSync(join(dir, "sub", name), "x");
    const cacheDir = tempDir();
    const paths = saved(dir, cacheDir);
    expect(paths.length).toBe(309);
    expect(all(readListing(cacheDir, "k"))).toEqual(sortedPaths(listRecordRuns([dir], dir)));
  });

  it("is not used when a folder had changed within two seconds before it was listed", () => {
    const dir = tree();
    const cacheDir = tempDir();
    saved(dir, cacheDir, 0);
    expect(readListing(cacheDir, "k")).toBeUndefined();
  });

  it("has no stamps to keep when a folder holds a link, an input is a file, or a folder cannot be read", () => {
    const dir = tree();
    expect(listRecordRuns([dir], dir).stamps).toHaveLength(2);
    expect(listRecordRuns([join(dir, "r-1.md")], dir).stamps).toBeUndefined();
    expect(listRecordRuns([dir, join(dir, "missing")], dir).stamps).toBeUndefined();
    symlinkSync(join(dir, "r-1.md"), join(dir, "sub", "link.md"));
    expect(listRecordRuns([dir], dir).stamps).toBeUndefined();
  });

  it("spares a rebuild's scan reading the folders, with the same files and report as a fresh build", async () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "valid"), { recursive: true });
    cpSync(BROKEN, join(dir, "broken"), { recursive: true });
    const cacheDir = join(tempDir(), "cache");
    const scan = async (options: ScanOptions) => {
      const s = await scanRecords([dir], { cwd: dir, workerUrl, lean: true, cacheDir, workers: 2, ...options });
      const { files, report } = buildFeeds(s, config, { hydrate: s.hydrate });
      const reference = buildFeeds(await loadRecords(dir, { cwd: dir }), config);
      expect(files).toEqual(reference.files);
      expect(report).toEqual(reference.report);
      return s;
    };
    // The folders are trusted once they have not changed for two seconds before the listing.
    await new Promise((r) => setTimeout(r, 2100));
    let last = await scan({});
    expect(last.stats.listing).toBe("read");
    const since = () => ({ unchangedSince: last.listing, knownIdentities: last.identities });
    const file = join(dir, "valid", "tricky-text.md");
    writeFileSync(file, readFileSync(file, "utf8").replace("quality: 88", "quality: 12"));
    last = await scan(since());
    expect(last.stats).toMatchObject({ listing: "kept", parsed: 1 });
    // Nothing changed: kept again, nothing read (the build then reports what the last one did).
    const none = await scanRecords([dir], { cwd: dir, workerUrl, lean: true, cacheDir, workers: 2, ...since() });
    expect(none.unchanged).toBe(true);
    expect(none.stats).toMatchObject({ listing: "kept", parsed: 0 });
    // A new file: the folder is read, and the new file is found.
    cpSync(file, join(dir, "valid", "aaa-copy.md"));
    last = await scan(since());
    expect(last.stats).toMatchObject({ listing: "read", files: 23 });
    // A kept listing whose folders match but which is not what the last build listed (here: one
    // folder of the two, its stamp trusted) is not taken.
    const half = listRecordRuns([join(dir, "valid")], dir);
    const key = JSON.stringify([[dir], dir]);
    writeListing(cacheDir, key, Date.now() + 5000, half.stamps ?? [], PathList.fromRuns(half.runs));
    expect(readListing(cacheDir, key)).toBeDefined();
    writeFileSync(file, readFileSync(file, "utf8").replace("quality: 12", "quality: 13"));
    last = await scan(since());
    expect(last.stats).toMatchObject({ listing: "read", files: 23 });
  });
});
