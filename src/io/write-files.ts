import {
  closeSync,
  copyFileSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";
import type { OutputFile } from "../types.js";
import { acquireLock, type HeldLock } from "./_build-lock.js";
import { isAlive } from "./_temp-files.js";

/** What {@link writeFiles} did. */
export interface WriteSummary {
  /** Files whose bytes changed (or are new). */
  written: string[];
  /** Files left alone because their bytes are already right (their mtime stays). */
  unchanged: string[];
  /** The build folder the output folder now points to (`.<name>.builds/<n>` beside it). */
  build: string;
}

/** Options of {@link writeFiles}. */
export interface WriteOptions {
  /**
   * Milliseconds to wait for another build that holds the output folder's lock; 0 (the default)
   * fails at once with a `TopicfeedsError` (`locked`) naming that build.
   */
  wait?: number;
  /**
   * Flush every written file and folder to disk before the build is published, so that it is
   * whole after a power cut too (a killed process needs no flush). Costs about 8 ms per written
   * file on a virtual disk; default false.
   */
  fsync?: boolean;
  /**
   * The files (relative paths) the build that is live now wrote, when the caller made that build
   * with `writeFiles` and nothing else has changed the output folder since (a watcher, which holds
   * the lock): the build before it differs from it in exactly these, so only they are brought
   * level, not the whole tree.
   */
  liveWrote?: readonly string[];
  /**
   * Each file (by path) whose given text the caller read from the live build moments ago, under
   * the lock, and checked: its bytes are not read and compared again. A file given with other
   * text is compared as usual. Instead of its text, a path may name the very file object of
   * `files` known to be in place (a file taken back by its identity, whose text is not read).
   */
  inPlace?: ReadonlyMap<string, string | OutputFile>;
}

/** Where an output folder's builds and lock live. */
export interface OutputPaths {
  /** The output folder: a symbolic link to the published build. */
  out: string;
  /** `.<name>.builds` beside it: the builds, the lock, temporary links. */
  builds: string;
  /** The lock file of the output folder. */
  lock: string;
}

const BUILD = /^\d+$/;
// Temporary files of atomic writes by earlier versions (`rss.xml.tmp-<pid>-<n>`), found in an
// output folder that is moved into the first build.
const OLD_TEMP = /\.tmp-(\d+)-\d+$/;

/**
 * Where the builds and the lock of output folder `outDir` are. A symbolic link that topicfeeds did
 * not make (`public/feeds -> /srv/feeds`) is followed: the folder it points to is the output folder.
 *
 * @param outDir - the output folder
 * @example
 * outputPaths("public/feeds").lock // "/site/public/.feeds.builds/lock"
 */
export function outputPaths(outDir: string): OutputPaths {
  let out = resolve(outDir);
  try {
    const st = lstatSync(out);
    if (st.isSymbolicLink() && !isOurLink(out)) out = realpathSync(out);
  } catch {
    // Missing (a first build) or a dangling link (reported when written).
  }
  const name = basename(out);
  if (name === "" || dirname(out) === out)
    throw new TopicfeedsError("write-failed", `cannot use ${out} as the output folder: it has no parent folder`);
  const builds = join(dirname(out), `.${name}.builds`);
  return { out, builds, lock: join(builds, "lock") };
}

/**
 * Publishes the build's files as one whole: the output folder is a symbolic link to a complete
 * build folder (`.<name>.builds/<n>` beside it). Each build is assembled in a new folder (files
 * whose bytes did not change are hard-linked from the previous build, so their mtime stays;
 * other files the folder held are carried over the same way), and published with one atomic
 * `rename()` of a new link over the old one. Readers see the old build or the new one, never a
 * mix, even while the build runs or after it is killed; the previous build folder is kept until
 * the next build, for readers still inside it. An output folder that is a plain folder is moved
 * into the first build. One build at a time: the folder's lock names the build that holds it.
 * A path that would leave the output folder is refused; nothing is changed on any failure.
 *
 * @param outDir - the output folder (created if missing)
 * @param files - from {@link buildFeeds}
 * @param options - how long to wait for another build
 * @returns which files were written and which were already up to date
 * @example
 * writeFiles("public/feeds", result.files)
 */
export function writeFiles(outDir: string, files: readonly OutputFile[], options: WriteOptions = {}): WriteSummary {
  const paths = outputPaths(outDir);
  const root = paths.out;
  // Check every path before anything is written.
  const rels = files.map((f) => {
    const rel = relative(root, resolve(root, f.path));
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
      throw new TopicfeedsError(
        "unsafe-path",
        `refusing to write ${JSON.stringify(f.path)}: it is outside the output folder; nothing was written`,
      );
    }
    return rel;
  });
  const durable = options.fsync === true;
  const current = currentBuild(root);
  if (current === "not-a-folder")
    throw new TopicfeedsError(
      "write-failed",
      `cannot write into ${root}: it is a file, not a folder; nothing was written`,
    );
  try {
    mkdirSync(paths.builds, { recursive: true });
  } catch (e) {
    throw new TopicfeedsError(
      "write-failed",
      `cannot create ${paths.builds}: ${(e as Error).message}; nothing was written`,
    );
  }
  const lock: HeldLock = acquireLock(paths.lock, { what: `the output folder ${root}`, wait: options.wait ?? 0 });
  let fresh: string | undefined;
  try {
    const { live, spare } = recover(paths, currentBuild(root));
    const n = nextNumber(paths.builds);
    fresh = join(paths.builds, `new-${process.pid}`);
    rmSync(fresh, { recursive: true, force: true });
    const targets = new Set(rels);
    const written: string[] = [];
    const unchanged: string[] = [];
    // The build before the live one is made into this one: unnamed first (an unnumbered folder is
    // never published, and a killed build's is removed by the next), then brought level with the
    // live build, then the files written. Far fewer folder and link operations than filling an
    // empty folder: a watcher's update rewrites a few files of a hundred or more.
    if (live !== undefined && spare !== undefined) {
      renameSync(spare, fresh);
      if (options.liveWrote === undefined) level(live, fresh, targets);
      else levelFiles(live, fresh, options.liveWrote);
    } else {
      mkdirSync(fresh);
      if (live !== undefined) level(live, fresh, targets);
    }
    files.forEach((f, i) => {
      const rel = rels[i] as string;
      const dest = join(fresh as string, rel);
      const given = live === undefined ? undefined : options.inPlace?.get(f.path);
      const known = given !== undefined && (given === f || given === f.contents);
      const bytes = known ? undefined : Buffer.from(f.contents, "utf8");
      const before = live === undefined || known ? undefined : readIfFile(join(live, rel));
      if (known || (bytes !== undefined && before?.equals(bytes))) {
        if (!sameFile(join(live as string, rel), dest)) {
          rmSync(dest, { force: true });
          linkOrCopy(join(live as string, rel), dest);
        }
        unchanged.push(f.path);
        return;
      }
      try {
        mkdirSync(dirname(dest), { recursive: true });
        rmSync(dest, { force: true });
        const fd = openSync(dest, "wx");
        try {
          writeSync(fd, bytes as Buffer);
          if (durable) fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const why =
          err.code === "EEXIST" || err.code === "ENOTDIR" || err.code === "EISDIR" || err.code === "ERR_FS_EISDIR"
            ? "a folder or file of the same name is in the way"
            : err.message;
        throw new TopicfeedsError("write-failed", `cannot write ${f.path}: ${why}; nothing was changed`);
      }
      written.push(f.path);
    });
    if (!lock.owned())
      throw new TopicfeedsError(
        "locked",
        `another build took over the lock ${paths.lock} while this one ran; nothing was changed`,
      );
    // On disk before it is published: after a power cut the link never points at missing entries.
    if (durable) syncFolders(fresh);
    // The finished build gets its number: a numbered folder is always complete.
    const build = join(paths.builds, String(n));
    renameSync(fresh, build);
    fresh = build;
    publish(paths, String(n), live !== undefined && live === root, durable);
    fresh = undefined;
    // Keep the build just replaced (readers may be inside it); older ones go.
    prune(paths.builds, [String(n), live === undefined ? "" : live === root ? String(n - 1) : basename(live)]);
    return { written, unchanged, build };
  } catch (e) {
    if (fresh !== undefined) rmSync(fresh, { recursive: true, force: true });
    if (e instanceof TopicfeedsError) throw e;
    throw new TopicfeedsError("write-failed", `cannot write the build: ${(e as Error).message}; nothing was changed`);
  } finally {
    lock.release();
  }
}

/** Whether `path` is a link topicfeeds made: `.<name>.builds/<n>`, relative. */
function isOurLink(path: string): boolean {
  try {
    const target = readlinkSync(path);
    const [dir, n, ...rest] = target.split("/");
    return rest.length === 0 && dir === `.${basename(path)}.builds` && BUILD.test(n ?? "");
  } catch {
    return false;
  }
}

/** The folder the output folder shows now: the build it links to, the folder itself, or none. */
function currentBuild(root: string): string | undefined | "not-a-folder" {
  let st: Stats;
  try {
    st = lstatSync(root);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) {
    try {
      return lstatSync(realpathSync(root)).isDirectory() ? join(dirname(root), readlinkSync(root)) : "not-a-folder";
    } catch {
      return undefined; // its build was removed by hand: a first build
    }
  }
  return st.isDirectory() ? root : "not-a-folder";
}

/**
 * Clears what killed builds left (unfinished build folders, temporary links, old builds) and
 * completes a publish that was cut between its two renames: when the output folder is missing
 * but a finished build is there, the newest finished build is linked in first. Returns the live
 * build and the newest other finished build (`spare`, made into the next build).
 */
function recover(
  paths: OutputPaths,
  current: string | undefined | "not-a-folder",
): { live: string | undefined; spare: string | undefined } {
  let live = current === "not-a-folder" ? undefined : current;
  const names = readdirSync(paths.builds);
  const done = names.filter((x) => BUILD.test(x)).sort((a, b) => Number(b) - Number(a));
  if (live === undefined && done[0] !== undefined) {
    publish(paths, done[0], false);
    live = join(paths.builds, done[0]);
  }
  const isLive = (p: string) => live !== undefined && resolve(p) === resolve(live);
  const spareName = done.find((x) => !isLive(join(paths.builds, x)));
  for (const name of names) {
    if (name === "lock" || name.startsWith("lock.") || name === spareName) continue;
    const p = join(paths.builds, name);
    if (isLive(p)) continue;
    rmSync(p, { recursive: true, force: true });
  }
  return { live, spare: spareName === undefined ? undefined : join(paths.builds, spareName) };
}

/**
 * Makes `to` (an empty folder, or an earlier build) hold what `from` (the live build) holds,
 * except the files this build writes (`targets`, written after): files are hard-linked (the same
 * inode: mtime and contents stay, no bytes copied) unless already the same file, links re-made,
 * folders made; what `from` lacks goes. Temporary files of killed writers are left out.
 */
function level(from: string, to: string, targets: ReadonlySet<string>, rel = ""): void {
  const kept = new Set<string>();
  for (const entry of readdirSync(join(from, rel), { withFileTypes: true })) {
    const r = rel === "" ? entry.name : join(rel, entry.name);
    const src = join(from, r);
    const dest = join(to, r);
    const have = lstatIfAny(dest);
    if (entry.isDirectory()) {
      if (have !== undefined && !have.isDirectory()) rmSync(dest, { recursive: true, force: true });
      if (have === undefined || !have.isDirectory()) mkdirSync(dest);
      kept.add(entry.name);
      level(from, to, targets, r);
    } else if (entry.isSymbolicLink()) {
      const target = readlinkSync(src);
      kept.add(entry.name);
      if (have?.isSymbolicLink() === true && readlinkSync(dest) === target) continue;
      if (have !== undefined) rmSync(dest, { recursive: true, force: true });
      symlinkSync(target, dest);
    } else if (entry.isFile()) {
      if (targets.has(r)) continue;
      const m = OLD_TEMP.exec(entry.name);
      if (m !== null && !isAlive(Number(m[1]))) continue;
      kept.add(entry.name);
      if (have?.isFile() === true && sameFile(src, dest)) continue;
      if (have !== undefined) rmSync(dest, { recursive: true, force: true });
      linkOrCopy(src, dest);
    }
  }
  for (const name of readdirSync(join(to, rel)))
    if (!kept.has(name)) rmSync(join(to, rel, name), { recursive: true, force: true });
}

/** {@link level} for the files that differ, when they are known. */
function levelFiles(from: string, to: string, rels: readonly string[]): void {
  for (const rel of rels) {
    const dest = join(to, rel);
    try {
      unlinkSync(dest);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    const src = join(from, rel);
    if (lstatIfAny(src)?.isFile() === true) linkOrCopy(src, dest);
  }
}

function lstatIfAny(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

// Whether two paths are one file (hard links to the same inode).
function sameFile(a: string, b: string): boolean {
  const x = lstatIfAny(a);
  const y = lstatIfAny(b);
  return x !== undefined && y !== undefined && x.isFile() && y.isFile() && x.ino === y.ino && x.dev === y.dev;
}

function nextNumber(builds: string): number {
  let n = 0;
  for (const name of readdirSync(builds)) if (BUILD.test(name)) n = Math.max(n, Number(name));
  return n + 1;
}

/**
 * Points the output folder at build `name` with one atomic rename of a new link over it. A plain
 * folder in its place (an output folder written before builds were linked) is first moved into
 * the builds folder, as the build before this one: for that one moment the output folder is
 * missing, never mixed, and a build killed right then is completed by the next (see recover).
 */
function publish(paths: OutputPaths, name: string, moveFolder: boolean, durable = false): void {
  const link = join(paths.builds, `link-${process.pid}`);
  rmSync(link, { force: true });
  symlinkSync(`.${basename(paths.out)}.builds/${name}`, link);
  if (moveFolder) renameSync(paths.out, join(paths.builds, String(Number(name) - 1)));
  renameSync(link, paths.out);
  if (durable) {
    syncFolder(paths.builds);
    syncFolder(dirname(paths.out));
  }
}

function syncFolders(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) syncFolders(join(dir, e.name));
  syncFolder(dir);
}

function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot sync a folder: the renames are still atomic for readers.
  }
}

function prune(builds: string, keep: string[]): void {
  for (const name of readdirSync(builds)) {
    if (!BUILD.test(name) || keep.includes(name)) continue;
    try {
      rmSync(join(builds, name), { recursive: true, force: true });
    } catch {
      // Removed by the next build.
    }
  }
}

function linkOrCopy(src: string, dest: string): void {
  mkdirSync(dirname(dest), { recursive: true });
  try {
    linkSync(src, dest);
  } catch {
    // No hard links here (some file systems, or the link limit): a copy with the same mtime.
    copyFileSync(src, dest);
    const st = lstatSync(src);
    utimesSync(dest, st.atime, st.mtime);
  }
}

function readIfFile(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
