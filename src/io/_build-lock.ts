// One build at a time per output folder and per cache folder: a lock file created with O_EXCL
// that names its holder (pid, host, start time, command line). A lock whose process is gone
// (killed, a power cut) is taken over; a lock held by a running build makes the next one fail
// at once, or wait for it.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { TopicfeedsError } from "../diagnostics/topicfeeds-error.js";

/** What a lock file says about the build that holds it. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When the build started (ISO 8601, UTC). */
  started: string;
  /** The process's start time in clock ticks after boot (Linux), to tell a reused pid apart. */
  since: number | null;
  boot: string | null;
  command: string;
  token: string;
}

/** A held lock: `release()` removes it (if it is still ours); `owned()` tells whether it still is. */
export interface HeldLock {
  path: string;
  release(): void;
  owned(): boolean;
}

export interface LockOptions {
  /** What the lock guards, for messages ("the output folder public/feeds"). */
  what: string;
  /** Milliseconds to wait for a running build to finish; 0 (default) fails at once. */
  wait?: number;
  /** Called once when the lock is busy and the call waits. */
  onWait?: (holder: LockHolder) => void;
  /** Remove the lock's folder on release when nothing else is left in it. */
  tidy?: boolean;
}

// Locks this process holds, by path: taking one again (the CLI holds the output folder's lock and
// then calls writeFiles, which takes it too) counts up instead of failing against itself.
const held = new Map<string, { token: string; count: number }>();

/**
 * Takes the lock file at `path` for this process, or throws a `TopicfeedsError` (`locked`) that
 * names the build holding it. Waits up to `options.wait` ms, polling.
 */
export function acquireLock(path: string, options: LockOptions): HeldLock {
  const mine = held.get(path);
  if (mine !== undefined) {
    mine.count++;
    return handle(path, mine.token, false);
  }
  const token = randomBytes(12).toString("hex");
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    since: processStart(process.pid),
    boot: bootId(),
    command: process.argv.slice(1).join(" ").slice(0, 300),
    token,
  };
  const deadline = Date.now() + (options.wait ?? 0);
  let told = false;
  for (;;) {
    const other = tryCreate(path, me);
    if (other === undefined) break;
    if (other !== "gone" && !isRunning(other)) {
      takeOver(path, other);
      continue;
    }
    if (other === "gone") continue;
    if (Date.now() >= deadline) {
      throw new TopicfeedsError(
        "locked",
        `another build is using ${options.what}: ${describeHolder(other)}; it holds ${path}. Wait for it to finish, or run with --wait${other.host === me.host ? "" : `; if that process is gone, remove ${path}`}`,
      );
    }
    if (!told) {
      told = true;
      options.onWait?.(other);
    }
    sleep(Math.min(100, Math.max(1, deadline - Date.now())));
  }
  held.set(path, { token, count: 1 });
  return handle(path, token, options.tidy === true);
}

/** "pid 123 on host h (topicfeeds build …), started 2026-01-01T00:00:00Z". */
export function describeHolder(h: LockHolder): string {
  return `pid ${h.pid}${h.host === hostname() ? "" : ` on host ${h.host}`} (${h.command || "topicfeeds"}), started ${h.started}`;
}

function handle(path: string, token: string, tidy: boolean): HeldLock {
  let released = false;
  return {
    path,
    owned: () => readHolder(path)?.token === token,
    release() {
      if (released) return;
      released = true;
      const mine = held.get(path);
      if (mine === undefined || mine.token !== token) return;
      if (--mine.count > 0) return;
      held.delete(path);
      if (readHolder(path)?.token === token) rmSync(path, { force: true });
      if (tidy) {
        try {
          rmdirSync(dirname(path)); // only when empty; a build that starts meanwhile makes it again
        } catch {
          // Not empty: builds are in it.
        }
      }
    },
  };
}

// Creates the lock with O_EXCL; returns undefined when created, else who holds it ("gone" when
// the file vanished or could not be read in between: try again).
function tryCreate(path: string, me: LockHolder): LockHolder | "gone" | undefined {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== "EEXIST")
      throw new TopicfeedsError("write-failed", `cannot create the lock ${path}: ${err.message}`);
    return readHolder(path) ?? orphan(path);
  }
  try {
    writeSync(fd, `${JSON.stringify(me)}\n`);
  } finally {
    closeSync(fd);
  }
  return undefined;
}

// A lock file that exists but does not parse: its writer was killed between creating and writing
// it (or it is not ours). Taken over when it is older than a few seconds.
function orphan(path: string): LockHolder | "gone" {
  try {
    const st = statSync(path);
    if (st.size > 0) return "gone";
    if (Date.now() - st.mtimeMs < 1000) {
      sleep(10);
      return "gone";
    }
  } catch {
    return "gone";
  }
  return { pid: -1, host: hostname(), started: "?", since: null, boot: null, command: "", token: "" };
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return typeof h.pid === "number" && typeof h.token === "string" ? h : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes a lock whose holder is gone, without ever removing a live one: the file is moved aside
 * (one atomic rename), and if what was moved is not the dead holder's lock (another build took
 * it over and made its own in between), it is linked back.
 */
function takeOver(path: string, dead: LockHolder): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readHolder(aside);
  if (moved !== undefined && moved.token !== dead.token) {
    try {
      linkSync(aside, path);
    } catch {
      // A third build made a lock meanwhile: it holds it; the one moved aside is checked by its
      // owner before it publishes (HeldLock.owned), so it stops instead of writing.
    }
  }
  rmSync(aside, { force: true });
}

/** Whether the lock's process is running (true when that cannot be told: another host). */
function isRunning(h: LockHolder): boolean {
  if (h.pid <= 0) return false;
  if (h.host !== hostname()) return true;
  if (h.boot !== null && bootId() !== null && h.boot !== bootId()) return false;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // The pid is in use: by the same process only if it started at the same moment.
  const since = processStart(h.pid);
  return h.since === null || since === null || since === h.since;
}

function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22 (starttime), counted after the command name, which may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

let boot: string | null | undefined;
function bootId(): string | null {
  if (boot === undefined) {
    try {
      boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      boot = null;
    }
  }
  return boot;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}
