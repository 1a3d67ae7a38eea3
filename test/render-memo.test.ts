import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
