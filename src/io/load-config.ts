import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { diagnostic } from "../diagnostics/diagnostic.js";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import type { TopicfeedsConfig } from "../types.js";
import { validateConfig } from "../validate-config.js";

/**
 * The names looked for in the working directory, in this order.
 *
 * @example
 * ```ts
 * CONFIG_NAMES.includes("topicfeeds.config.json"); // true
 * ```
 */
export const CONFIG_NAMES = [
  "topicfeeds.config.ts",
  "topicfeeds.config.mts",
  "topicfeeds.config.js",
  "topicfeeds.config.mjs",
  "topicfeeds.config.json",
];

/** A loaded config with `input` and `out` resolved against the config file's folder. */
export interface LoadedConfig {
  config: TopicfeedsConfig;
  /** The config file, or undefined when none was found. */
  file?: string;
}

/**
 * Finds and loads the config file: the given path, else the first of {@link CONFIG_NAMES} in
 * `cwd`. TypeScript configs are loaded with jiti. The config is validated key by key.
 *
 * @param path - an explicit config file (`-c`), or undefined to look in `cwd`
 * @param cwd - where to look
 * @returns the config (empty when there is no file)
 * @throws TopicfeedsError `invalid-config` naming the file and key
 * @example
 * const { config } = await loadConfig(undefined, process.cwd());
 */
export async function loadConfig(path: string | undefined, cwd: string): Promise<LoadedConfig> {
  let file: string | undefined;
  if (path !== undefined) {
    file = resolve(cwd, path);
    if (!existsSync(file))
      throw new TopicfeedsError("invalid-config", `config file not found: ${path}`, [
        diagnostic("invalid-config", "config file not found", { file: path }),
      ]);
    if (statSync(file).isDirectory())
      throw new TopicfeedsError("invalid-config", `${path}: is a folder, not a config file`, [
        diagnostic("invalid-config", "is a folder, not a config file", { file: path }),
      ]);
  } else {
    file = CONFIG_NAMES.map((n) => resolve(cwd, n)).find((f) => existsSync(f));
  }
  if (file === undefined) return { config: {} };
  const shown = path ?? file.slice(cwd.length + 1);
  let raw: unknown;
  try {
    if (file.endsWith(".json")) {
      // A byte order mark, as some Windows editors save JSON, is not part of the JSON.
      raw = JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
    } else if (file.endsWith(".ts") || file.endsWith(".mts") || file.endsWith(".cts")) {
      const { createJiti } = await import("jiti");
      const jiti = createJiti(pathToFileURL(file).href, { moduleCache: false });
      raw = await jiti.import(file, { default: true });
    } else {
      const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
      raw = mod.default ?? mod;
    }
  } catch (e) {
    const message = `cannot load the config file: ${(e as Error).message.split("\n")[0]}`;
    throw new TopicfeedsError("invalid-config", `${shown}: ${message}`, [
      diagnostic("invalid-config", message, { file: shown }),
    ]);
  }
  const problems = validateConfig(raw, { io: true, file: shown, requireBaseUrl: false });
  if (problems.length > 0) throw new TopicfeedsError("invalid-config", `${shown}: invalid config`, problems);
  const config = { ...(raw as TopicfeedsConfig) };
  const dir = dirname(file);
  if (config.input !== undefined)
    config.input = (Array.isArray(config.input) ? config.input : [config.input]).map((p) => resolve(dir, p));
  if (config.out !== undefined) config.out = resolve(dir, config.out);
  if (config.lockFile !== undefined) config.lockFile = resolve(dir, config.lockFile);
  if (config.cacheDir !== undefined) config.cacheDir = resolve(dir, config.cacheDir);
  return { config, file };
}
