// File events for a tree of folders: one non-recursive fs.watch (inotify on Linux, FSEvents on
// macOS) per folder. Node 20's recursive fs.watch on Linux, chokidar and @parcel/watcher were
// measured against it (docs/design.md): this is the one that is correct for editors' saves, small
// at 100,000 files and fast.
import { type Dirent, type FSWatcher, readdirSync, realpathSync, statSync, watch } from "node:fs";
import { basename, dirname, join } from "node:path";

/** What changed: paths that may have changed, and whether folders came or went (then list again). */
export interface FolderEvents {
  paths: Set<string>;
  folders: boolean;
}

export interface FolderWatcher {
  close(): void;
}

// The names a scan skips (see listRecordFiles): hidden entries and node_modules.
const skipped = (name: string) => name.startsWith(".") || name === "node_modules";

/**
 * Watches files and folders (folders recursively, the way a scan walks them) and calls `onEvent`
 * for every change, synchronously from the event loop; the caller debounces.
 */
export function watchFolders(
  roots: readonly string[],
  onEvent: (path: string, folder: boolean) => void,
  onError: (error: Error) => void,
): FolderWatcher {
  const watchers = new Map<string, FSWatcher>();
  // Real paths of the folders walked, so that a symbolic link loop is walked once.
  const seen = new Map<string, string>();
  let closed = false;
  const unwatch = (dir: string) => {
    for (const [real, d] of seen) if (d === dir || d.startsWith(`${dir}/`)) seen.delete(real);
    for (const [d, w] of watchers) {
      if (d === dir || d.startsWith(`${dir}/`)) {
        w.close();
        watchers.delete(d);
      }
    }
  };
  // Folders watched for a few names only (the parents of files given as roots).
  const only = new Map<string, Set<string>>();
  const add = (dir: string, names?: Set<string>) => {
    if (closed || watchers.has(dir)) return;
    let w: FSWatcher;
    try {
      w = watch(dir, { persistent: true }, (_event, name) => {
        if (name === null) {
          onEvent(dir, true);
          return;
        }
        const file = String(name);
        if (names !== undefined) {
          if (names.has(file)) onEvent(join(dir, file), false);
          return;
        }
        if (skipped(file)) return;
        const path = join(dir, file);
        let isDir = false;
        try {
          isDir = statSync(path).isDirectory();
        } catch {
          // Gone: a file removed, or a folder (then its watcher goes too).
          if (watchers.has(path)) {
            unwatch(path);
            onEvent(path, true);
            return;
          }
        }
        if (isDir) {
          if (!watchers.has(path)) {
            walk(path);
            onEvent(path, true);
          }
          return;
        }
        onEvent(path, false);
      });
    } catch (e) {
      // A folder removed between listing and watching: the listing that follows will not find it.
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") onError(e as Error);
      return;
    }
    w.on("error", () => {
      // The folder was removed (or became unreadable): list again.
      unwatch(dir);
      onEvent(dir, true);
    });
    watchers.set(dir, w);
  };
  const walk = (dir: string) => {
    // A symbolic link loop is walked once, as a scan does.
    try {
      const real = realpathSync(dir);
      if (seen.has(real)) return;
      seen.set(real, dir);
    } catch {
      return;
    }
    add(dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (skipped(e.name)) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isSymbolicLink()) {
        try {
          if (statSync(path).isDirectory()) walk(path);
        } catch {
          // A dangling link: the scan reports it.
        }
      }
    }
  };
  for (const root of roots) {
    let isDir = false;
    try {
      isDir = statSync(root).isDirectory();
    } catch {
      // Not there (yet): its parent is watched for it.
    }
    if (isDir) walk(root);
    else {
      const names = only.get(dirname(root)) ?? new Set<string>();
      names.add(basename(root));
      only.set(dirname(root), names);
    }
  }
  for (const [dir, names] of only) add(dir, names);
  return {
    close() {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
