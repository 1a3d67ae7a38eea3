import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import { defaultCacheDir } from "../io/cache-dir.js";
import { readIdLock } from "../io/id-lock-file.js";
import { loadConfig } from "../io/load-config.js";
import type { ScanOptions } from "../io/scan-records.js";
import { parseDate } from "../records/parse-date.js";
import { prefilterConfig } from "../select/prefilter.js";
import type { FeedsConfig } from "../types.js";
import { urlProblem } from "../validate-config.js";
import { CACHE_VERSION } from "../version.js";
import type { OptionSpec } from "./_args.js";
import { UsageError } from "./_args.js";
import type { CliIo } from "./run-cli.js";

/** The options `build` and `check` share: the same command line works for both. */
export const SHARED_OPTIONS: OptionSpec = {
  out: { type: "string", short: "o" },
  "base-url": { type: "string" },
  "site-url": { type: "string" },
  config: { type: "string", short: "c" },
  "no-config": { type: "boolean" },
  "min-quality": { type: "string" },
  limit: { type: "string" },
  now: { type: "string" },
  strict: { type: "boolean" },
  "lock-file": { type: "string" },
  "cache-dir": { type: "string" },
  "no-cache": { type: "boolean" },
  workers: { type: "string" },
  hub: { type: "string", multiple: true },
  archive: { type: "boolean" },
  "max-bytes": { type: "string" },
  timings: { type: "boolean" },
  report: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
};

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Everything a build needs, from the command line and the config file. */
export interface Prepared {
  /** The config file used, as shown to the user, or null for none. */
  configFile: string | null;
  buildConfig: FeedsConfig & { strict?: boolean };
  input: string[];
  out: string;
  lockFile: string | undefined;
  cacheDir: string | undefined;
  scanOptions: ScanOptions;
  json: boolean;
  quiet: boolean;
}

/**
 * Checks the flags, loads the config (unless `--no-config`) and merges them, flags winning.
 * A config file in the working directory applies even when INPUT, `--out` and `--base-url` are
 * all given (it may hold rules, topics and titles no flag sets); the summary names it.
 *
 * @throws UsageError for a bad flag (exit 2); TopicfeedsError for a bad config or a missing input (exit 1)
 */
export async function prepare(
  values: Values,
  inputs: string[],
  io: CliIo,
  options: { requireBaseUrl: boolean },
): Promise<Prepared> {
  const str = (name: string) => values[name] as string | undefined;
  if (values.report !== undefined && values.report !== "json")
    throw new UsageError(`--report takes 'json', got ${JSON.stringify(values.report)}`);
  const minQuality = numeric("min-quality", str("min-quality"), 0, 100);
  const limit = numeric("limit", str("limit"), 0, 1_000_000);
  const workers = numeric("workers", str("workers"), 1, 64);
  const maxBytes = numeric("max-bytes", str("max-bytes"), 1, Number.MAX_SAFE_INTEGER);
  if ([limit, workers, maxBytes].some((n) => n !== undefined && !Number.isInteger(n)))
    throw new UsageError("--limit, --workers and --max-bytes take whole numbers");
  const hubs = (values.hub as string[] | undefined) ?? [];
  const now = str("now");
  if (now !== undefined && "error" in parseDate(now))
    throw new UsageError(`--now takes an ISO 8601 date-time such as 2024-01-01T00:00:00Z, got ${JSON.stringify(now)}`);
  // An empty path would resolve to the current folder: `-o ""` would publish feeds into it.
  for (const [flag, v] of [
    ["--out", str("out")],
    ["--config", str("config")],
    ["--cache-dir", str("cache-dir")],
    ["--lock-file", str("lock-file")],
    ["INPUT", inputs.find((p) => p.trim() === "")],
  ] as const) {
    if (v !== undefined && v.trim() === "") throw new UsageError(`${flag} must not be empty`);
  }
  if (values["no-config"] === true && str("config") !== undefined)
    throw new UsageError("--config and --no-config exclude each other");
  for (const [flag, url, kind] of [
    ["--base-url", str("base-url"), "base"],
    ["--site-url", str("site-url"), "site"],
    ...hubs.map((h) => ["--hub", h, "site"] as const),
  ] as const) {
    const problem = url === undefined ? undefined : urlProblem(url, kind);
    if (problem !== undefined) throw new UsageError(`${flag} ${problem}, got ${JSON.stringify(url)}`);
  }

  const loaded = values["no-config"] === true ? { config: {} } : await loadConfig(str("config"), io.cwd);
  const config = loaded.config;
  const configFile = "file" in loaded && loaded.file !== undefined ? display(loaded.file, io.cwd) : null;
  const baseUrl = str("base-url") ?? config.baseUrl;
  if (baseUrl === undefined && options.requireBaseUrl)
    throw new UsageError(
      "--base-url is required (the absolute public URL of the output folder), unless the config sets baseUrl",
    );
  const input: string[] =
    inputs.length > 0
      ? inputs.map((p) => resolve(io.cwd, p))
      : config.input === undefined
        ? [resolve(io.cwd, "content")]
        : ([] as string[]).concat(config.input);
  // A mistyped input would otherwise build empty feeds over the live ones.
  const missing = input.filter((p) => !existsSync(p));
  if (missing.length > 0)
    throw new TopicfeedsError(
      "input-not-found",
      `input not found: ${missing.map((p) => display(p, io.cwd)).join(", ")}; nothing was written`,
    );
  const out =
    str("out") !== undefined ? resolve(io.cwd, str("out") as string) : (config.out ?? resolve(io.cwd, "public/feeds"));
  const { input: _i, out: _o, lockFile: configLock, cacheDir: _c, cache: _k, workers: _w, ...feedConfig } = config;
  // `check` runs without a base URL: the feeds are built in memory only, to check them.
  const buildConfig: FeedsConfig & { strict?: boolean } = {
    ...feedConfig,
    baseUrl: baseUrl ?? "https://example.invalid/feeds/",
  };
  if (str("site-url") !== undefined) buildConfig.siteUrl = str("site-url") as string;
  if (minQuality !== undefined) buildConfig.minQuality = minQuality;
  if (limit !== undefined) buildConfig.limit = limit;
  if (hubs.length > 0) buildConfig.hub = ([] as string[]).concat(config.hub ?? [], hubs);
  if (values.archive === true && (config.archive === undefined || config.archive === false)) buildConfig.archive = true;
  if (maxBytes !== undefined) buildConfig.maxBytes = maxBytes;
  if (values.strict === true) buildConfig.strict = true;
  buildConfig.now = now ?? config.now ?? new Date(io.now()).toISOString();
  const lockFile = str("lock-file") !== undefined ? resolve(io.cwd, str("lock-file") as string) : configLock;
  if (lockFile !== undefined) buildConfig.idLock = readIdLock(lockFile) ?? { version: 1, ids: {} };

  const hasCustom = [
    ...(buildConfig.select ?? []),
    ...Object.values(buildConfig.topics ?? {}).flatMap((t) => t.select ?? []),
  ].some((r) => r.rule === "custom");
  const cacheDir =
    values["no-cache"] === true || config.cache === false
      ? undefined
      : str("cache-dir") !== undefined
        ? resolve(io.cwd, str("cache-dir") as string)
        : (config.cacheDir ?? defaultCacheDir(io.cwd, { env: io.env ?? process.env }));
  const scanOptions: ScanOptions = { cwd: io.cwd, cacheKey: CACHE_VERSION, prefilter: prefilterConfig(buildConfig) };
  if (hasCustom) scanOptions.lean = false;
  if (workers !== undefined) scanOptions.workers = workers;
  else if (config.workers !== undefined) scanOptions.workers = config.workers;
  return {
    configFile,
    buildConfig,
    input,
    out,
    lockFile,
    cacheDir,
    scanOptions,
    json: values.report === "json",
    quiet: values.quiet === true,
  };
}

function numeric(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  // Plain decimals only: Number() would also take "0x2", "1e3" and " 7 ".
  const n = /^[0-9]+(?:\.[0-9]+)?$/.test(v) ? Number(v) : Number.NaN;
  if (Number.isFinite(n) && n >= min && n <= max) return n;
  throw new UsageError(`--${name} takes a number ${min}–${max}, got ${JSON.stringify(v)}`);
}

/** A path as the user sees it: relative to the working directory when inside it. */
export function display(path: string, cwd: string): string {
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}
