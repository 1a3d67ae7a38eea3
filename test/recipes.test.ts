// The recipes in examples/recipes/ run as users would run them: each folder is copied into a
// fresh project, installed with its own (exactly pinned) dependencies and this package's packed
// tarball, and built with its own command. The feeds each one writes are read back with a real
// feed parser here, and kept in node_modules/.cache/topicfeeds-recipes/<recipe>/ for
// scripts/conformance.sh, which runs ../shared/feedcheck over them.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NPM_INSTALL, packTarball, type Ran, run, shown } from "./helpers/consumer.js";
import { ROOT, tempDir } from "./helpers/fixtures.js";
import { parseFeedDocument } from "./helpers/validators.js";

const RECIPES = join(ROOT, "examples", "recipes");
const KEPT = join(ROOT, "node_modules", ".cache", "topicfeeds-recipes");

/** Each recipe: how it is built, and the folder its feeds land in. */
const RECIPE: Record<string, { build: string[]; feeds: string }> = {
  "node-api": { build: ["npm", "run", "build"], feeds: "public/feeds" },
  "static-site": { build: ["npm", "run", "build"], feeds: "dist/feeds" },
  astro: { build: ["npm", "run", "build"], feeds: "dist/feeds" },
  eleventy: { build: ["npm", "run", "build"], feeds: "_site/feeds" },
  "vite-plugin": { build: ["npm", "run", "build"], feeds: "dist/feeds" },
  "ci-job": { build: ["sh", "ci-feeds.sh"], feeds: "public/feeds" },
};

// The records every recipe publishes (quality ≥ 60, published), by topic feed; the draft never.
const ITEMS: Record<string, string[]> = {
  ai: ["Small Models, Big Gains: Running LLMs on a Laptop", "Phishing Kits Now Write Their Own Lures"],
  security: ["Zero Trust at the Edge: What Changes for Branch Offices", "Phishing Kits Now Write Their Own Lures"],
  networking: ["Zero Trust at the Edge: What Changes for Branch Offices"],
};

let work: string;
const installed = new Map<string, Ran>();
const built = new Map<string, Ran>();

beforeAll(async () => {
  work = tempDir("topicfeeds-recipes-");
  const tarball = packTarball(work);
  rmSync(KEPT, { recursive: true, force: true });
  await Promise.all(
    Object.keys(RECIPE).map(async (name) => {
      const dir = join(work, name);
      cpSync(join(RECIPES, name), dir, {
        recursive: true,
        filter: (src) => !/[/\\](node_modules|dist|_site|public|\.astro)$/.test(src),
      });
      const install = await run("npm", [...NPM_INSTALL, tarball], dir);
      installed.set(name, install);
      if (install.code !== 0) return;
      const [cmd = "", ...args] = RECIPE[name]?.build ?? [];
      const r = await run(cmd, args, dir, { NO_COLOR: "1", ASTRO_TELEMETRY_DISABLED: "1" });
      built.set(name, r);
      const feeds = join(dir, RECIPE[name]?.feeds ?? "");
      // The CLI publishes its output folder as a link to the build's folder: copy what it points to.
      if (r.code === 0 && existsSync(feeds)) cpSync(feeds, join(KEPT, name), { recursive: true, dereference: true });
    }),
  );
}, 900_000);

// The projects' node_modules hold tens of thousands of files: removing them takes a while.
afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
}, 600_000);

async function feedsOf(dir: string) {
  const out: Record<string, string[]> = {};
  for (const topic of Object.keys(ITEMS)) {
    for (const file of ["rss.xml", "atom.xml", "feed.json"]) {
      const path = join(dir, topic, file);
      if (!existsSync(path)) continue;
      const feed = await parseFeedDocument(readFileSync(path));
      out[`${topic}/${file}`] = feed.items.map((i) => i.title ?? "");
    }
  }
  return out;
}

function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"))
    .join("\n");
}

describe.each(Object.keys(RECIPE))("the %s recipe", (name) => {
  const dir = () => join(work, name);
  const feeds = () => join(dir(), RECIPE[name]?.feeds ?? "");

  it("installs against the packed package", () => {
    const r = installed.get(name);
    expect(r?.code, r && shown(r)).toBe(0);
  });

  it("builds with its own command", () => {
    const r = built.get(name);
    expect(r?.code, r && shown(r)).toBe(0);
  });

  it("writes a feed per topic in each format, with the published records only", async () => {
    const expected: Record<string, string[]> = {};
    for (const [topic, titles] of Object.entries(ITEMS)) {
      for (const file of ["rss.xml", "atom.xml", "feed.json"]) expected[`${topic}/${file}`] = titles;
    }
    expect(await feedsOf(feeds())).toEqual(expected);
    expect(existsSync(join(feeds(), "rss.xml")), "the site-wide feed").toBe(true);
    expect(allText(feeds())).not.toContain("Draft: Next Quarter");
  });
});

describe("the node-api recipe", () => {
  it("reports the CMS entry it could not publish by its index, and publishes the rest", () => {
    const r = built.get("node-api");
    expect(r?.stdout).toMatch(/records\[3\].*webUrl/);
    expect(r?.stdout).toMatch(/1 rejected/);
  });
});

describe("the static-site recipe", () => {
  it("runs the feeds as the postbuild step, after the site", () => {
    expect(existsSync(join(work, "static-site", "dist", "index.html"))).toBe(true);
  });
});

describe("the ci-job recipe", () => {
  it("passes with a summary when every record is good", () => {
    const r = built.get("ci-job");
    expect(r?.stdout).toContain("feeds: 4 records read, 3 published, 1 dropped, 0 rejected");
  });

  it("fails the job on a rejected record, naming the file and the problem", async () => {
    const dir = join(work, "ci-job");
    mkdirSync(join(dir, "broken"), { recursive: true });
    cpSync(join(dir, "content"), join(dir, "broken"), { recursive: true });
    writeFileSync(
      join(dir, "broken", "bad-date.md"),
      '---\ntitle: "A date nobody wrote"\nwebUrl: "https://news.example.com/x"\npublishedDateTime: "someday"\npublished: true\nquality: 90\ntopics: [AI]\n---\n',
    );
    const r = await run("sh", ["ci-feeds.sh", "broken", "public/broken-feeds"], dir);
    expect(r.code, shown(r)).toBe(1);
    expect(r.stdout).toContain("1 rejected");
    expect(r.stderr).toMatch(/broken\/bad-date\.md:\d+:\d+ {2}error {2}.*publishedDateTime.*\[invalid-date\]/);
  });
});
