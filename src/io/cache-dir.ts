import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

/** Where {@link defaultCacheDir} looks: the environment, platform and home folder (injectable for tests). */
export interface CacheDirContext {
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * The record cache folder the CLI uses when none is given, following the convention of
 * well-kept build tools: `node_modules/.cache/topicfeeds` next to the nearest `package.json`
 * above `cwd`; else, so that no `node_modules/` appears in a folder that is not a package, a
 * folder per working directory in the user's cache (`$XDG_CACHE_HOME` or `~/.cache` on Linux,
 * `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows).
 *
 * @param cwd - the working directory (absolute)
 * @param context - environment, platform and home folder; default: the process's
 * @returns an absolute folder (not created here)
 * @example
 * defaultCacheDir("/srv/site") // "/srv/site/node_modules/.cache/topicfeeds" when /srv/site/package.json exists
 */
export function defaultCacheDir(cwd: string, context: CacheDirContext = {}): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "node_modules", ".cache", "topicfeeds");
    if (dirname(dir) === dir) break;
  }
  return join(userCacheDir(context), "projects", createHash("sha256").update(cwd).digest("hex").slice(0, 16));
}

/**
 * The user's cache folder for topicfeeds, whatever the working directory.
 *
 * @example
 * userCacheDir({ env: { XDG_CACHE_HOME: "/c" }, platform: "linux" }) // "/c/topicfeeds"
 */
export function userCacheDir(context: CacheDirContext = {}): string {
  const env = context.env ?? process.env;
  const platform = context.platform ?? process.platform;
  const home = context.home ?? homedir();
  const absolute = (v: string | undefined) => (v !== undefined && isAbsolute(v) ? v : undefined);
  if (platform === "darwin") return join(home, "Library", "Caches", "topicfeeds");
  if (platform === "win32")
    return join(absolute(env.LOCALAPPDATA) ?? join(home, "AppData", "Local"), "topicfeeds", "Cache");
  // XDG Base Directory: a relative XDG_CACHE_HOME is invalid and ignored.
  return join(absolute(env.XDG_CACHE_HOME) ?? join(home, ".cache"), "topicfeeds");
}
