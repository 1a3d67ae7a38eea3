import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, FIXTURES, VALID } from "./fixtures.js";

/** A `topicfeeds serve` process started from the built CLI, with its access log. */
export interface ServeProcess {
  url: string;
  /** Access log lines so far: `METHOD PATH STATUS [BYTES]`. */
  log: () => { method: string; path: string; status: number }[];
  stop: () => Promise<void>;
}

/** Starts `node dist/cli.js serve OUT --port 0` and waits for the URL it prints. */
export async function startServeProcess(out: string, extra: string[] = []): Promise<ServeProcess> {
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build` (npm test does it first)");
  const child: ChildProcess = spawn(process.execPath, [CLI, "serve", out, "--port", "0", ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${stderr}`)), 15_000);
    const check = () => {
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    log: () =>
      stdout
        .split("\n")
        .map((l) => /^(GET|HEAD|POST|PUT|DELETE|OPTIONS) (\S+) (\d{3})/.exec(l))
        .filter((m) => m !== null)
        .map((m) => ({ method: m[1] as string, path: m[2] as string, status: Number(m[3]) })),
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once("exit", () => ok());
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Builds the valid fixture records plus the hostile text records (titles with `<script>`,
 * controls, right-to-left text) with the CLI into `out`, for `baseUrl`, with a topic page template.
 */
export function buildFixtureSite(out: string, baseUrl: string): void {
  mkdirSync(out, { recursive: true });
  const config = join(out, "..", "topicfeeds.config.json");
  writeFileSync(
    config,
    JSON.stringify({
      title: "Example News",
      description: "Security and AI news, by topic",
      language: "en",
      topicUrl: "https://news.example.com/topics/{slug}/",
      minQuality: 40,
      limit: 10,
      now: "2025-01-01T00:00:00Z",
    }),
  );
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      "build",
      VALID,
      join(FIXTURES, "hostile", "text"),
      "--out",
      out,
      "--base-url",
      baseUrl,
      "--config",
      config,
      "--no-cache",
      "--quiet",
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}
