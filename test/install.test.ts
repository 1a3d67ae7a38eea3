// The package as users install it: `npm pack`ed and installed into fresh projects of every module
// kind (JavaScript ESM and CommonJS; TypeScript under node16 as CommonJS and as ESM, and under
// bundler resolution, all with skipLibCheck off), and installed from a git URL, which builds
// dist/ in the clone through the `prepare` script. Each project runs the API and the bin.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFeeds } from "../src/build.js";
import { normalizeRecords } from "../src/records/normalize-records.js";
import { parseDuration } from "../src/select/resolve-rules.js";
import { rules } from "../src/select/rules.js";
import { VERSION } from "../src/version.js";
import { NPM_INSTALL, packTarball, type Ran, run, shown, writeTree } from "./helpers/consumer.js";
import { CLI, ROOT, tempDir } from "./helpers/fixtures.js";

const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const NODE_TYPES = (
  JSON.parse(readFileSync(join(ROOT, "node_modules", "@types", "node", "package.json"), "utf8")) as { version: string }
).version;
const ESBUILD = join(ROOT, "node_modules", "esbuild", "bin", "esbuild");

// Records as a CMS would hand them over: objects, one of them broken.
const ARTICLES = [
  {
    title: "Keys & <locks>",
    webUrl: "https://news.example.com/a/keys",
    publishedDateTime: "2024-03-01T10:00:00Z",
    published: true,
    quality: 80,
    topics: ["Security", "AI"],
    excerpt: "Who holds the keys.",
  },
  {
    title: "Models at the edge",
    webUrl: "https://news.example.com/a/edge",
    publishedDateTime: "2024-02-10T08:30:00Z",
    published: true,
    quality: 70,
    topics: ["AI"],
  },
  { title: "No URL", publishedDateTime: "2024-02-11T08:30:00Z", published: true, topics: ["AI"] },
];

const CONFIG = { baseUrl: "https://news.example.com/feeds/", title: "Example News" };

/** What every project prints: the same computation, from whatever module kind it is. */
function expected() {
  const { files, report } = buildFeeds(normalizeRecords(ARTICLES), { ...CONFIG, select: [rules.minQuality(50)] });
  return {
    version: VERSION,
    duration: parseDuration("P1W2DT3H") ?? null,
    published: report.records.published,
    rejected: report.records.rejected,
    files: files.map((f) => [f.path, f.contents]),
  };
}

const body = `const { files, report } = buildFeeds(normalizeRecords(${JSON.stringify(ARTICLES)}), {
  ...${JSON.stringify(CONFIG)},
  select: [rules.minQuality(50)],
});
let guarded = false;
try {
  buildFeeds([], { baseUrl: "not a url" });
} catch (e) {
  guarded = isTopicfeedsError(e) && e.code === "invalid-config";
}
if (!guarded) throw new Error("a bad config was not a TopicfeedsError");
console.log(JSON.stringify({
  version: VERSION,
  duration: parseDuration("P1W2DT3H") ?? null,
  published: report.records.published,
  rejected: report.records.rejected,
  files: files.map((f) => [f.path, f.contents]),
}));
`;
const NAMES = "buildFeeds, isTopicfeedsError, normalizeRecords, parseDuration, rules, VERSION";

// TypeScript: the same program, with the public types spelled out so the compiler checks them.
const tsBody = `import { ${NAMES}, type BuildResult, type IsoDuration, type TopicfeedsConfig } from "topicfeeds";
const config: TopicfeedsConfig = { baseUrl: "https://news.example.com/feeds/", limit: 10 };
const d: IsoDuration | undefined = parseDuration("P1D");
const r: BuildResult = buildFeeds(normalizeRecords([]), { baseUrl: config.baseUrl ?? "", limit: d?.days ?? 1 });
if (r.files.length === 0) throw new Error("no files");
${body}`;

const tsconfig = (options: Record<string, unknown>) =>
  JSON.stringify({
    compilerOptions: {
      target: "es2022",
      lib: ["es2022"],
      strict: true,
      skipLibCheck: false,
      outDir: "build",
      ...options,
    },
    include: ["*.ts"],
  });

const PROJECTS: Record<string, Record<string, string>> = {
  esm: {
    "package.json": JSON.stringify({ name: "esm-app", private: true, type: "module" }),
    "main.js": `import { ${NAMES} } from "topicfeeds";\n${body}`,
  },
  cjs: {
    "package.json": JSON.stringify({ name: "cjs-app", private: true, type: "commonjs" }),
    "main.js": `const { ${NAMES} } = require("topicfeeds");\n${body}`,
  },
  // What `npm init -y` writes today: "type": "commonjs"; tsc emits require() calls.
  "ts-node16-cjs": {
    "package.json": JSON.stringify({ name: "ts-cjs-app", private: true, type: "commonjs" }),
    "tsconfig.json": tsconfig({ module: "node16", moduleResolution: "node16" }),
    "main.ts": tsBody,
  },
  "ts-node16-esm": {
    "package.json": JSON.stringify({ name: "ts-esm-app", private: true, type: "module" }),
    "tsconfig.json": tsconfig({ module: "node16", moduleResolution: "node16" }),
    "main.ts": tsBody,
  },
  // Bundler resolution: checked by tsc, then bundled by a real bundler (esbuild) and run.
  "ts-bundler": {
    "package.json": JSON.stringify({ name: "ts-bundler-app", private: true, type: "module" }),
    "tsconfig.json": tsconfig({ module: "preserve", moduleResolution: "bundler", noEmit: true }),
    "main.ts": tsBody,
  },
};

/** Runs the project's program the way its kind runs: plain node, tsc then node, or tsc + esbuild. */
async function runProgram(kind: string, dir: string): Promise<Ran> {
  if (kind.startsWith("ts-")) {
    const tsc = await run(process.execPath, [TSC, "-p", "."], dir);
    if (tsc.code !== 0 || tsc.stdout !== "") return { ...tsc, stderr: `tsc: ${tsc.stdout}${tsc.stderr}` };
    if (kind === "ts-bundler") {
      // esbuild's bin is its native binary once installed (a Node shim before): run it as is.
      const bundle = await run(
        ESBUILD,
        ["main.ts", "--bundle", "--platform=node", "--format=esm", "--outfile=build/main.js", "--log-level=error"],
        dir,
      );
      if (bundle.code !== 0) return bundle;
    }
    return run(process.execPath, ["build/main.js"], dir);
  }
  return run(process.execPath, ["main.js"], dir);
}

/** `npx topicfeeds --version`, then a real build of the sample records with the bin. */
async function runBin(dir: string): Promise<{ version: Ran; build: Ran }> {
  const version = await run("npx", ["topicfeeds", "--version"], dir);
  const build = await run("npx", ["topicfeeds", "build", "--config", "topicfeeds.config.json", "--quiet"], dir);
  return { version, build };
}

let work: string;
let tarball: string;
let bare: string;
const installed = new Map<string, Ran>();
// The example's output, built by this checkout's CLI: what every installed bin must write.
let reference: Map<string, string>;

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const p = join(e.parentPath, e.name);
      out.set(p.slice(dir.length + 1), readFileSync(p, "utf8"));
    }
  }
  return out;
}

function addSample(dir: string) {
  cpSync(join(ROOT, "examples", "records"), join(dir, "records"), { recursive: true });
  cpSync(join(ROOT, "examples", "topicfeeds.config.json"), join(dir, "topicfeeds.config.json"));
}

beforeAll(async () => {
  work = tempDir("topicfeeds-install-");
  tarball = packTarball(work);

  // A bare clone of the repository at HEAD, as a git server would serve it.
  bare = join(work, "topicfeeds.git");
  const git = (args: string[], cwd: string) => {
    const r = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  };
  git(["init", "--bare", "--quiet", bare], work);
  git(["push", "--quiet", bare, "HEAD:refs/heads/main"], ROOT);
  git(["symbolic-ref", "HEAD", "refs/heads/main"], bare);

  const ref = join(work, "reference");
  addSample(ref);
  const r = spawnSync(process.execPath, [CLI, "build", "--config", "topicfeeds.config.json", "--quiet"], {
    cwd: ref,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`reference build failed: ${r.stderr}`);
  reference = tree(join(ref, "out"));
  // The sample must publish something, or equal outputs would prove little.
  if (!reference.get("rss.xml")?.includes("<item>")) throw new Error("the sample build published no item");

  // Every project installs at once: the installs mostly wait on the npm cache and on git.
  const jobs = Object.entries(PROJECTS).map(async ([kind, files]) => {
    const dir = join(work, kind);
    writeTree(dir, files);
    addSample(dir);
    // A TypeScript project for Node has Node's types (the version this repository tests with).
    const extra = kind.startsWith("ts-") ? [`@types/node@${NODE_TYPES}`] : [];
    installed.set(kind, await run("npm", [...NPM_INSTALL, tarball, ...extra], dir));
  });
  const gitDir = join(work, "git");
  writeTree(gitDir, {
    "package.json": JSON.stringify({ name: "git-app", private: true, type: "commonjs" }),
    "main.js": `const { ${NAMES} } = require("topicfeeds");\n${body}`,
    "main.mjs": `import { ${NAMES} } from "topicfeeds";\n${body}`,
  });
  addSample(gitDir);
  jobs.push(
    (async () => {
      installed.set("git", await run("npm", [...NPM_INSTALL, `git+${pathToFileURL(bare).href}`], gitDir));
    })(),
  );
  await Promise.all(jobs);
}, 600_000);

// The projects' node_modules hold tens of thousands of files: removing them takes a while.
afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
}, 600_000);

describe("the packed package", () => {
  it("holds the built files, the license, and no build stamp, source or test", () => {
    const r = spawnSync("tar", ["-tzf", tarball], { encoding: "utf8" });
    const names = r.stdout.trim().split("\n").sort();
    expect(names).toContain("package/dist/index.js");
    expect(names).toContain("package/dist/index.cjs");
    expect(names).toContain("package/dist/index.d.ts");
    expect(names).toContain("package/dist/index.d.cts");
    expect(names).toContain("package/dist/cli.js");
    expect(names.filter((n) => !n.startsWith("package/dist/"))).toEqual([
      "package/LICENSE",
      "package/README.md",
      "package/config.schema.json",
      "package/package.json",
    ]);
    expect(names).not.toContain("package/dist/.build-stamp");
  });

  it("declares no other package's types in its public declarations", () => {
    // Node's own modules (node:http for the preview server) are allowed: every TypeScript project
    // for Node has their types; a dependency's declarations are not.
    for (const file of ["index.d.ts", "index.d.cts"]) {
      const dts = readFileSync(join(ROOT, "dist", file), "utf8");
      expect(dts.match(/^import .* from ['"](?!node:)[^.][^'"]*['"]/gm) ?? [], file).toEqual([]);
    }
  });
});

describe.each(Object.keys(PROJECTS))("installed from the tarball into a fresh %s project", (kind) => {
  it("installs", () => {
    const r = installed.get(kind);
    expect(r?.code, r && shown(r)).toBe(0);
  });

  it("runs the API with the same results as the source", async () => {
    const r = await runProgram(kind, join(work, kind));
    expect(r.code, shown(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(expected());
  });

  it("runs the bin: --version and a build of the sample records", async () => {
    const dir = join(work, kind);
    const { version, build } = await runBin(dir);
    expect(version.stdout.trim(), shown(version)).toBe(VERSION);
    expect(build.code, shown(build)).toBe(0);
    expect(tree(join(dir, "out"))).toEqual(reference);
  });
});

describe("installed from a git URL (a bare clone of this repository at HEAD)", () => {
  const dir = () => join(work, "git");

  it("installs, building dist/ in the clone through the prepare script", () => {
    const r = installed.get("git");
    expect(r?.code, r && shown(r)).toBe(0);
    for (const f of ["index.js", "index.cjs", "index.d.ts", "index.d.cts", "cli.js"]) {
      expect(existsSync(join(dir(), "node_modules", "topicfeeds", "dist", f)), f).toBe(true);
    }
  });

  it("runs the API from CommonJS and from ESM", async () => {
    for (const main of ["main.js", "main.mjs"]) {
      const r = await run(process.execPath, [main], dir());
      expect(r.code, shown(r)).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(expected());
    }
  });

  it("runs the bin: --version and a build of the sample records", async () => {
    const { version, build } = await runBin(dir());
    expect(version.stdout.trim(), shown(version)).toBe(VERSION);
    expect(build.code, shown(build)).toBe(0);
    expect(tree(join(dir(), "out"))).toEqual(reference);
  });
});
