import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { CLI, tempDir } from "./fixtures.js";

export const BASE_URL = "https://example.com/feeds/";
export const NOW = "2025-06-01T00:00:00Z";

/** A record file's front matter from a few fields (the rest fixed). */
export interface TestRecord {
  slug: string;
  title: string;
  quality: number;
  day: number;
  topics: string[];
  published: boolean;
}

export function recordText(r: TestRecord): string {
  const day = String(1 + (r.day % 28)).padStart(2, "0");
  const month = String(1 + Math.floor(r.day / 28)).padStart(2, "0");
  return [
    "---",
    `title: ${JSON.stringify(r.title)}`,
    `excerpt: ${JSON.stringify(`About ${r.title}.`)}`,
    `publishedDateTime: 2025-${month}-${day}T08:00:00Z`,
    `webUrl: "https://news.example.org/${r.slug}"`,
    `quality: ${r.quality}`,
    `published: ${r.published}`,
    "topics:",
    ...r.topics.map((t) => `  - ${t}`),
    "---",
    "",
  ].join("\n");
}

/** The ways an editor saves a file. */
export type SaveMode = "in-place" | "temp-rename" | "delete-recreate";

export function save(path: string, text: string, mode: SaveMode): void {
  if (mode === "in-place" || !existsSync(path)) writeFileSync(path, text);
  else if (mode === "temp-rename") {
    const temp = join(path, "..", `.${path.split("/").pop()}.swp`);
    writeFileSync(temp, text);
    renameSync(temp, path);
  } else {
    rmSync(path);
    writeFileSync(path, text);
  }
}

/** Every file under `dir`, by path relative to it. */
export function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, "utf8"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export const BUILD_FLAGS = ["--base-url", BASE_URL, "--now", NOW, "--min-quality", "50", "--limit", "4"];

/** A one-shot `--no-cache` build of `content` (run in `cwd`, so with its config file) into a new folder; its files. */
export function freshBuild(cwd: string, content = "content"): Map<string, string> {
  const dir = tempDir("topicfeeds-fresh-");
  const out = join(dir, "out");
  const r = spawnSync(
    process.execPath,
    [CLI, "build", resolve(cwd, content), "-o", out, "--no-cache", "-q", ...BUILD_FLAGS],
    { cwd, encoding: "utf8" },
  );
  try {
    if (r.status !== 0) throw new Error(`fresh build failed (${r.status}): ${r.stderr}`);
    return tree(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The files of `expected` that `dir` lacks or holds with other bytes (other files in `dir` are left out). */
export function differences(expected: Map<string, string>, dir: string): string[] {
  const actual = tree(dir);
  return [...expected].filter(([path, bytes]) => actual.get(path) !== bytes).map(([path]) => path);
}

/** `topicfeeds build --watch` in a child process, with its stderr lines. */
export class WatchProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  private buffer = "";
  private waiters: (() => void)[] = [];
  exit: Promise<number | null>;

  constructor(cwd: string, args: string[]) {
    mkdirSync(cwd, { recursive: true });
    this.child = spawn(process.execPath, [CLI, "build", ...args, "--watch"], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => {
      this.buffer += chunk;
      const parts = this.buffer.split("\n");
      this.buffer = parts.pop() ?? "";
      this.lines.push(...parts);
      for (const w of this.waiters.splice(0)) w();
    });
    this.exit = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  /** Waits for a line matching `re` at index `from` or later; returns its index. */
  async waitFor(re: RegExp, from = 0, timeout = 60_000): Promise<number> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const i = this.lines.findIndex((l, j) => j >= from && re.test(l));
      if (i !== -1) return i;
      if (Date.now() > deadline)
        throw new Error(`no line matching ${re} after ${timeout} ms; stderr so far:\n${this.lines.join("\n")}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /**
   * Waits for update lines after `from` until `done()` holds, checking it after each one (an edit
   * seen as two batches prints two lines; only the state after the last one counts). Returns the
   * lines after `from`. Nothing here sleeps for a fixed time: the watcher's own lines pace it.
   */
  async until(from: number, done: () => boolean, timeout = 60_000): Promise<string[]> {
    const deadline = Date.now() + timeout;
    let checked = from;
    for (;;) {
      const at = await this.waitFor(UPDATE, checked, Math.max(1, deadline - Date.now()));
      checked = at + 1;
      if (done()) return this.lines.slice(from);
    }
  }

  /** Sends `signal` and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = "SIGINT"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exit;
  }
}
/** An update line: `… updated (N records changed) in N ms`, or `no feed changed (…) in N ms`. */
export const UPDATE = /(updated|no feed changed) \(.*\) in \d+ ms$/;
