import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inProcessCli, outputTree, tempDir, VALID } from "./helpers/fixtures.js";

// A one-shot build keeps its render memo in the cache folder: the next build renders only the
// feeds whose items' files, context or config changed, and takes the others' files from the
// output folder, as long as they are there with the bytes it wrote.

const ARGS = ["--base-url", "https://example.com/feeds/", "--min-quality", "30", "--report", "json"];

function setUp() {
  const dir = tempDir();
  cpSync(VALID, join(dir, "content"), { recursive: true });
  const build = async (...extra: string[]) => {
    const warm = await inProcessCli(
      ["build", "content", "--out", "warm", "--cache-dir", "cache", "--timings", ...ARGS, ...extra],
      dir,
    );
    const cold = await inProcessCli(["build", "content", "--out", "cold", "--no-cache", ...ARGS, ...extra], dir);
    expect(warm.code).toBe(0);
    expect(warm.stdout).toBe(cold.stdout);
    expect(outputTree(join(dir, "warm"))).toEqual(outputTree(join(dir, "cold")));
    const m = /built \d+ files \((\d+) of (\d+) feeds as the last build rendered them\)/.exec(warm.stderr);
    expect(m, warm.stderr).not.toBeNull();
    return { reused: Number(m?.[1]), feeds: Number(m?.[2]) };
  };
  // A published record above the threshold: its title is in its topics' feeds and the site-wide one.
  const name = "bithub-from-iot-devices-to-post-quantum.md";
  const file = join(dir, "content", name);
  const retitle = (title: string) =>
    writeFileSync(file, readFileSync(file, "utf8").replace(/^title: .*$/m, `title: "${title}"`));
  return { dir, build, retitle };
}

describe("the render memo of one-shot builds", () => {
  it("renders again only the feeds a changed record is in", async () => {
    const { build, retitle } = setUp();
    const first = await build();
    expect(first.reused).toBe(0);
    expect(first.feeds).toBeGreaterThan(5);
    retitle("A new title");
    const second = await build();
    expect(second.feeds).toBe(first.feeds);
    expect(second.reused).toBeGreaterThan(0);
    // The site-wide feed and at least one topic feed hold the record.
    expect(second.reused).toBeLessThanOrEqual(first.feeds - 2);
  });

  it("renders a feed again when one of its files was changed in the output folder, and restores it", async () => {
    const { dir, build, retitle } = setUp();
    const first = await build();
    const topic = readdirSync(join(dir, "warm"), { withFileTypes: true }).find((e) => e.isDirectory());
    const rss = join(dir, "warm", topic?.name as string, "rss.xml");
    writeFileSync(rss, readFileSync(rss, "utf8").replace("</channel>", "<!-- edited --></channel>"));
    const page = join(dir, "warm", topic?.name as string, "index.html");
    writeFileSync(page, "edited");
    retitle("Another title");
    // build() checks that the output equals a cold build's: both files are restored.
    const second = await build();
    expect(second.reused).toBeLessThan(first.feeds);
    expect(readFileSync(rss, "utf8")).not.toContain("edited");
    expect(readFileSync(page, "utf8")).not.toBe("edited");
  });

  it("takes a published file by its identity, and reads and hashes it when that could mislead", async () => {
    const { dir, build, retitle } = setUp();
    const memo = join(dir, "cache", "render-v1.jsonl");
    // As if each line's identities were taken `ms` after its files were written (right after, as
    // a build does, they are within the 2 s in which a coarse clock could hide another write).
    const takenAfter = (ms: number) => {
      const [head, ...rest] = readFileSync(memo, "utf8").split("\n");
      const later = rest.map((l) => {
        if (l === "") return l;
        const feed = JSON.parse(l) as { files: [string, string, number, number][]; at: number };
        return JSON.stringify({ ...feed, at: Math.max(...feed.files.map((f) => f[3])) + ms });
      });
      writeFileSync(memo, [head, ...later].join("\n"));
    };
    const ats = () =>
      new Map(
        readFileSync(memo, "utf8")
          .split("\n")
          .slice(1)
          .filter((l) => l !== "")
          .map((l) => [JSON.parse(l).slug as string, JSON.parse(l).at as number]),
      );
    // A topic feed the retitled record is not in: reused by every build below.
    const first = await build();
    const title = "From IoT Devices to Post-Quantum Crypto";
    const other = readdirSync(join(dir, "warm"), { withFileTypes: true }).find(
      (e) => e.isDirectory() && !readFileSync(join(dir, "warm", e.name, "rss.xml"), "utf8").includes(title),
    )?.name as string;
    expect(other).toBeDefined();
    const rss = join(dir, "warm", other, "rss.xml");
    // Puts a file's mtime back to the nanosecond (what `utimes` with a number cannot do).
    const putBack = (path: string, mtimeNs: bigint) => {
      const ns = String(mtimeNs % 1_000_000_000n).padStart(9, "0");
      expect(spawnSync("touch", ["-m", "-d", `@${mtimeNs / 1_000_000_000n}.${ns}`, path]).status).toBe(0);
      expect(statSync(path, { bigint: true }).mtimeNs).toBe(mtimeNs);
    };
    // Other bytes of the same size, in place, with the mtime put back: only the read catches it.
    const sameSizeEdit = () => {
      const before = statSync(rss, { bigint: true });
      writeFileSync(rss, readFileSync(rss, "utf8").replace("<channel>", "<chann3l>"));
      putBack(rss, before.mtimeNs);
    };
    // Taken by identity, long after it was written: the lines of reused feeds are kept as they were.
    takenAfter(10_000);
    const aged = ats();
    retitle("A title seen by identity");
    const second = await build();
    expect(second.reused).toBeGreaterThan(0);
    const kept = [...ats()].filter(([slug, at]) => aged.get(slug) === at).map(([slug]) => slug);
    expect(kept).toContain(other);
    expect(kept.length).toBe(second.reused);
    // Within 2 s of the identity: read and hashed, so the edit is found and the feed restored
    // (build() compares the output with a cold build's).
    takenAfter(500);
    sameSizeEdit();
    retitle("A title after a racy edit");
    const third = await build();
    expect(third.reused).toBeLessThan(first.feeds - 1);
    expect(readFileSync(rss, "utf8")).not.toContain("<chann3l>");
    // Replaced by another file (another inode) of the same size and mtime: read, found, restored.
    takenAfter(10_000);
    const before = statSync(rss, { bigint: true });
    writeFileSync(`${rss}.new`, readFileSync(rss, "utf8").replace("<channel>", "<chann3l>"));
    renameSync(`${rss}.new`, rss);
    putBack(rss, before.mtimeNs);
    retitle("A title after a replaced file");
    await build();
    expect(readFileSync(rss, "utf8")).not.toContain("<chann3l>");
    // Edited in place (a new mtime): found and restored.
    takenAfter(10_000);
    writeFileSync(rss, readFileSync(rss, "utf8").replace("<channel>", "<chann3l>"));
    retitle("A title after an edit");
    await build();
    expect(readFileSync(rss, "utf8")).not.toContain("<chann3l>");
    // Only its preview page changed: the memo keeps no model to render the page from (only its
    // first items), so the whole feed is rendered again, and its page restored.
    const page = join(dir, "warm", other, "index.html");
    const pageText = readFileSync(page, "utf8");
    takenAfter(10_000);
    writeFileSync(page, pageText.replace("<main", "<main data-edited"));
    retitle("A title after a page edit");
    const paged = await build();
    expect(readFileSync(page, "utf8")).toBe(pageText.replace(/A title after an edit/g, "A title after a page edit"));
    expect(paged.reused).toBeLessThan(first.feeds - 1);
  });

  it("is not used under another config, nor when it cannot be read", async () => {
    const { dir, build, retitle } = setUp();
    await build();
    retitle("Third title");
    expect((await build("--site-url", "https://other.example/")).reused).toBe(0);
    const memo = join(dir, "cache", "render-v1.jsonl");
    const lines = readFileSync(memo, "utf8").split("\n");
    writeFileSync(memo, [lines[0], "{not json", ...lines.slice(2)].join("\n"));
    retitle("Fourth title");
    const partial = await build("--site-url", "https://other.example/");
    expect(partial.reused).toBeGreaterThan(0);
    writeFileSync(memo, "garbage");
    retitle("Fifth title");
    expect((await build("--site-url", "https://other.example/")).reused).toBe(0);
  });
});
