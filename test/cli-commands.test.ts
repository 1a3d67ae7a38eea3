import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BROKEN, CLI, ROOT, tempDir, VALID } from "./helpers/fixtures.js";
import { parseFeedDocument, validateAtomSchema, validateJsonFeed } from "./helpers/validators.js";

// Every process gets its own user cache folder, so no test writes to the real ~/.cache.
function run(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, XDG_CACHE_HOME: tempDir("topicfeeds-cache-") };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  Object.assign(env, opts.env);
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? tempDir(),
    env: env as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` with its bytes: to prove that a command wrote nothing. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "latin1");
    }
  };
  walk(dir);
  return out;
}

const ESC = "\u001b[";

// A user's shell: no colour overrides, and no CI variable (with CI set, Node's tty.hasColors() reports
// two colours, so a terminal under CI is rightly plain).
function withoutColorVars(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  delete env.CI;
  return env;
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build` (npm test does it first)");
});

describe("topicfeeds init", () => {
  it("writes a config and a record from which build publishes valid feeds with items", async () => {
    const dir = tempDir();
    const init = run(["init"], { cwd: dir });
    expect(init.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["content", "topicfeeds.config.jsonc"]);
    const config = readFileSync(join(dir, "topicfeeds.config.jsonc"), "utf8");
    expect(config).toMatch(/^\/\/ /);
    expect(config).toContain('"$schema": "./node_modules/topicfeeds/config.schema.json"');
    const build = run(["build", "--report", "json"], { cwd: dir });
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).toContain("config: topicfeeds.config.jsonc");
    const report = JSON.parse(build.stdout);
    expect(report.records).toMatchObject({ read: 1, published: 1, rejected: 0 });
    expect(report.diagnostics).toEqual([]);
    const out = join(dir, "public", "feeds");
    for (const feed of ["rss.xml", "atom.xml", "feed.json", "getting-started/rss.xml", "getting-started/atom.xml"]) {
      const parsed = await parseFeedDocument(readFileSync(join(out, feed)));
      expect(
        parsed.items.map((i) => i.title),
        feed,
      ).toEqual(["Hello, topicfeeds"]);
    }
    expect(await validateAtomSchema(readFileSync(join(out, "atom.xml"), "utf8"))).toEqual([]);
    expect(validateJsonFeed(readFileSync(join(out, "getting-started", "feed.json")))).toEqual([]);
    // No node_modules/ in a folder that is not a package.
    expect(existsSync(join(dir, "node_modules"))).toBe(false);
  });

  it("never overwrites: with a config or the record already there it writes nothing and exits 1", () => {
    const dir = tempDir();
    expect(run(["init"], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, "content", "hello-topicfeeds.md"), "mine");
    const before = tree(dir);
    const again = run(["init"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /topicfeeds.config.jsonc and content\/hello-topicfeeds.md already exist; nothing was written/,
    );
    expect(tree(dir)).toEqual(before);
    const other = tempDir();
    writeFileSync(join(other, "topicfeeds.config.ts"), "export default {};\n");
    const r = run(["init"], { cwd: other });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/topicfeeds.config.ts already exists/);
    expect(readdirSync(other)).toEqual(["topicfeeds.config.ts"]);
  });
});

describe("topicfeeds check", () => {
  it("exits 1 on a broken record, names it, and writes nothing", () => {
    const dir = tempDir();
    cpSync(BROKEN, join(dir, "content"), { recursive: true });
    const before = tree(dir);
    const r = run(["check"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^content\/quality-high\.md:9(:\d+)? {2}error {2}quality must be a number/m);
    expect(r.stderr).toMatch(/topicfeeds check: failed: \d+ errors, \d+ warnings?; nothing was written/);
    expect(tree(dir)).toEqual(before);
  });

  it("exits 0 on valid records with no base URL, writing nothing, and takes build's flags", () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    const before = tree(dir);
    const r = run(["check", "--report", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).records).toMatchObject({ read: 18, rejected: 0 });
    expect(r.stderr).toContain("topicfeeds check: ok: 0 errors");
    const same = run(["check", "content", "-o", "out", "--base-url", "https://e.com/f/", "--min-quality", "40"], {
      cwd: dir,
    });
    expect(same.code).toBe(0);
    expect(tree(dir)).toEqual(before);
  });

  it("exits 1 on a bad config, printing each problem once with its place", () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    writeFileSync(join(dir, "topicfeeds.config.json"), '{\n  "baseUrl": "https://e.com/f/"\n  "limit": 5\n}\n');
    const r = run(["check"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("topicfeeds.config.json:3:3  error  JSON syntax: expected a comma  [invalid-config]");
    expect(r.stderr.split("expected a comma").length - 1).toBe(1);
  });
});

describe("topicfeeds build --dry-run", () => {
  it("lists the files that would be new or changed and writes nothing", () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    const args = ["build", "-o", "out", "--base-url", "https://e.com/f/", "--now", "2024-06-01T00:00:00Z"];
    const first = run([...args, "--dry-run"], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      /dry run: would write (\d+) files \(\1 new, 0 changed\), 0 unchanged, in out; nothing was written/,
    );
    expect(first.stderr).toContain("  + rss.xml");
    expect(readdirSync(dir)).toEqual(["content"]);
    expect(run(args, { cwd: dir }).code).toBe(0);
    const built = tree(dir);
    const again = run([...args, "--dry-run"], { cwd: dir });
    expect(again.stderr).toMatch(/would write 0 files \(0 new, 0 changed\), \d+ unchanged/);
    // One record leaves the feeds: the feeds that held it would change, nothing would be written.
    const file = join(dir, "content", readdirSync(join(dir, "content")).sort()[0] as string);
    writeFileSync(file, readFileSync(file, "utf8").replace(/^published: true$/m, "published: false"));
    const changed = run([...args, "--dry-run", "--report", "json"], { cwd: dir });
    const plan = JSON.parse(changed.stdout).dryRun;
    expect(plan.changed).toContain("rss.xml");
    expect(plan.added).toEqual([]);
    expect(changed.stderr).toContain("  ~ rss.xml");
    const after = tree(dir);
    delete after[relative(dir, file)];
    delete built[relative(dir, file)];
    expect(after).toEqual(built);
  });
});

describe("mistyped commands and flags", () => {
  it("suggests the flag or command that was meant, without parseArgs' own text", () => {
    const flag = run(["build", "--base-ulr", "https://e.com/"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(
      "topicfeeds: build: unknown option --base-ulr; did you mean --base-url?\nRun 'topicfeeds --help' for usage.\n",
    );
    const cmd = run(["biuld"]);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/unknown command "biuld"; did you mean build\?/);
    expect(run(["chek"]).stderr).toMatch(/did you mean check\?/);
    const far = run(["build", "--frobnicate"]);
    expect(far.stderr).toMatch(/^topicfeeds: build: unknown option --frobnicate\n/);
    const missing = run(["build", "--out"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--out needs a value/);
    for (const r of [flag, cmd, far, missing]) expect(r.stderr).not.toMatch(/positional argument|Option '/);
  });
});

describe("which config a build uses", () => {
  it("names the config file in the summary, or says there is none", () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    const none = run(["build", "-o", "out", "--base-url", "https://e.com/f/"], { cwd: dir });
    expect(none.stderr).toMatch(/^ {2}config: no config file$/m);
    writeFileSync(join(dir, "topicfeeds.config.json"), JSON.stringify({ title: "From the config", limit: 1 }));
    // The config in the working directory applies even when INPUT, --out and --base-url are all given.
    const all = run(["build", "content", "-o", "out", "--base-url", "https://e.com/f/", "--report", "json"], {
      cwd: dir,
    });
    expect(all.stderr).toMatch(/^ {2}config: topicfeeds.config.json$/m);
    expect(JSON.parse(all.stdout).site.items).toBe(1);
    expect(readFileSync(join(dir, "out", "rss.xml"), "utf8")).toContain("<title>From the config</title>");
    const skip = run(["build", "content", "-o", "out2", "--base-url", "https://e.com/f/", "--no-config"], {
      cwd: dir,
    });
    expect(skip.stderr).toMatch(/config: no config file/);
    expect(readFileSync(join(dir, "out2", "rss.xml"), "utf8")).not.toContain("From the config");
  });

  it("refuses two config files in one folder, naming both", () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    writeFileSync(join(dir, "topicfeeds.config.json"), "{}");
    writeFileSync(join(dir, "topicfeeds.config.ts"), "export default {};\n");
    const r = run(["build", "--base-url", "https://e.com/f/"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/2 config files in one folder: topicfeeds.config.ts and topicfeeds.config.json/);
    expect(existsSync(join(dir, "public"))).toBe(false);
    expect(run(["build", "--base-url", "https://e.com/f/", "-c", "topicfeeds.config.json"], { cwd: dir }).code).toBe(0);
  });

  it("runs the README's config example on the bundled records and publishes items", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const example = /```ts\n(\/\/ topicfeeds\.config\.ts\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const dir = tempDir();
    cpSync(join(ROOT, "examples", "records"), join(dir, "content"), { recursive: true });
    writeFileSync(
      join(dir, "topicfeeds.config.ts"),
      (example as string).replace('from "topicfeeds"', `from ${JSON.stringify(join(ROOT, "dist", "index.js"))}`),
    );
    const r = run(["build", "--report", "json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.records.rejected).toBe(0);
    expect(report.records.published).toBeGreaterThan(10);
    expect(report.site.items).toBeGreaterThan(10);
    expect(r.stderr).toMatch(/config: topicfeeds.config.ts/);
  });

  it("warns loudly when nothing is published, and names the rules that dropped the records", () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    const r = run(["build", "-o", "out", "--base-url", "https://e.com/f/", "--min-quality", "100"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning {2}nothing was published: of 18 records, dropped by minQuality \d+, published \d+; the feeds have no items$/m,
    );
    expect(r.stderr).toMatch(
      /^warning {2}topic "[^"]+" gets no feed \([a-z0-9-]+\/\): none of its records passes the rules published, minQuality /m,
    );
  });
});

describe("colour and number format", () => {
  const broken = () => {
    const dir = tempDir();
    cpSync(BROKEN, join(dir, "content"), { recursive: true });
    return dir;
  };
  it("is plain when piped, coloured with FORCE_COLOR, plain again with NO_COLOR", () => {
    const dir = broken();
    expect(run(["check"], { cwd: dir }).stderr).not.toContain(ESC);
    const forced = run(["check"], { cwd: dir, env: { FORCE_COLOR: "1" } }).stderr;
    expect(forced).toMatch(/\u001b\[31m[^\n]*error/);
    expect(run(["check"], { cwd: dir, env: { FORCE_COLOR: "0" } }).stderr).not.toContain(ESC);
    expect(run(["check"], { cwd: dir, env: { FORCE_COLOR: "1", NO_COLOR: "1" } }).stderr).not.toContain(ESC);
  });

  const hasScript = spawnSync("script", ["--version"]).status === 0;
  it.skipIf(!hasScript)("colours severities on a terminal unless NO_COLOR is set", () => {
    const dir = broken();
    // util-linux `script` runs the command on a pseudo-terminal, as a user's shell would.
    const onTty = (env: Record<string, string>) => {
      const r = spawnSync(
        "script",
        ["-qec", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} check`, "/dev/null"],
        {
          cwd: dir,
          env: { ...withoutColorVars(), TERM: "xterm-256color", XDG_CACHE_HOME: tempDir(), ...env },
          encoding: "utf8",
        },
      );
      return r.stdout;
    };
    const coloured = onTty({});
    expect(coloured).toMatch(/quality-high\.md/);
    expect(coloured).toMatch(/\u001b\[31m/);
    expect(onTty({ NO_COLOR: "1" })).not.toContain(ESC);
  });

  it("writes counts one way: grouped digits, singular for one", () => {
    const dir = tempDir();
    cpSync(join(VALID, "securityintelligence-ml-ai-security-pros-cons.md"), join(dir, "content", "a.md"));
    const r = run(["build", "-o", "out", "--base-url", "https://e.com/f/"], { cwd: dir });
    expect(r.stderr).toMatch(/^topicfeeds: 1 record read: 1 published/m);
    expect(r.stderr).toMatch(/site-wide \(1 item\)/);
    expect(r.stderr).not.toMatch(/\b1 (records|items|files|errors|warnings)\b/);
  });
});

describe("the record cache folder", () => {
  it("is in the user's cache folder when no package.json is above, and --help says where", () => {
    const dir = tempDir();
    cpSync(VALID, join(dir, "content"), { recursive: true });
    const cache = tempDir("topicfeeds-cache-");
    const r = run(["build", "-o", "out", "--base-url", "https://e.com/f/"], {
      cwd: dir,
      env: { XDG_CACHE_HOME: cache },
    });
    expect(r.code).toBe(0);
    // The output folder (and its builds beside it), nothing else: no node_modules/.
    expect(
      readdirSync(dir)
        .filter((f) => !f.startsWith(".out"))
        .sort(),
    ).toEqual(["content", "out"]);
    expect(readdirSync(join(cache, "topicfeeds", "projects")).length).toBe(1);
    const help = run(["--help"], { cwd: dir, env: { XDG_CACHE_HOME: cache } });
    expect(help.stdout).toContain(`here: ${join(cache, "topicfeeds", "projects")}/`);
  });

  it("is node_modules/.cache/topicfeeds beside the nearest package.json", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "package.json"), "{}");
    cpSync(VALID, join(dir, "site", "content"), { recursive: true });
    const r = run(["build", "content", "-o", "out", "--base-url", "https://e.com/f/"], { cwd: join(dir, "site") });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "node_modules", ".cache", "topicfeeds"))).toBe(true);
    expect(existsSync(join(dir, "site", "node_modules"))).toBe(false);
    expect(run(["help"], { cwd: join(dir, "site") }).stdout).toContain(
      `here: ${join(dir, "node_modules", ".cache", "topicfeeds")}`,
    );
  });
});
