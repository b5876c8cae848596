/**
 * File-system helpers shared by every module that writes files (io, report, cli).
 */
import {
  accessSync,
  closeSync,
  constants,
  type Stats,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { promises as fsp } from "node:fs";
import { parse as parseYaml } from "yaml";
import { fail } from "./errors.ts";
import { basename, dirname, join, resolve } from "node:path";

/** Plain words for the file-system errors users meet. */
const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
  EEXIST: "already exists",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or directory",
  EMFILE: "too many open files",
  EIO: "input/output error",
  EFBIG: "file too large",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many symbolic links",
  EXDEV: "cross-device rename",
  EPIPE: "broken pipe",
};

/** The plain words for an errno code (`ENOSPC` → "no space left on the device"), or undefined. */
export function errnoText(code: string): string | undefined {
  return Object.hasOwn(ERRNO_TEXT, code) ? ERRNO_TEXT[code] : undefined;
}

/**
 * Temporary files being written right now: a failed write removes its own; SIGINT/SIGTERM/SIGHUP
 * during {@link writeFileAtomicAsync} remove them all; one left by a killed process (SIGKILL, or a
 * signal during a synchronous write) is removed by the next write to the same target.
 */
const pending = new Set<string>();

/** Remove every temporary file still being written (after an error or on a signal). */
export function removePendingTemporaries(): void {
  for (const t of pending) rmSync(t, { force: true });
  pending.clear();
}

function kindOf(st: Stats): string {
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * Check an output path before any work starts: it must not be (or resolve to) one of `inputs`,
 * and if it exists it must be a regular file (not a directory, a symbolic link, a FIFO or a
 * device, which an atomic write would replace by a regular file). `-` (standard output) passes.
 * @param where - the command, e.g. `model train`
 * @param flag - the option naming the path, e.g. `--out`
 * @param inputs - files the command reads (`[flag, path]` pairs), compared by resolved path and by inode
 * @throws LiquidwaveError naming the flag, the path and the reason
 */
export function checkOutputPath(
  where: string,
  flag: string,
  path: string,
  inputs: readonly (readonly [string, string | undefined])[] = [],
): void {
  if (path === "") fail(where, `${flag} is empty`);
  if (path === "-") return; // standard output: no file to check
  if (/[/\\]$/.test(path)) fail(where, `${flag} '${path}' names a directory; give a file name`);
  const st = lstatOrNull(path);
  if (st && !st.isFile()) fail(where, `${flag} '${path}' is ${kindOf(st)}; refusing to replace it (give a regular file path)`);
  // The nearest existing parent must be a folder we can write into (checked now, not after the work).
  let parent = dirname(resolve(path));
  for (;;) {
    const ps = lstatOrNull(parent);
    if (ps) {
      let isDir = ps.isDirectory();
      if (ps.isSymbolicLink()) {
        try {
          isDir = statSync(parent).isDirectory();
        } catch {}
      }
      if (!isDir) fail(where, `${flag} '${path}': '${parent}' is not a folder`);
      try {
        accessSync(parent, constants.W_OK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? "EACCES";
        fail(where, `${flag} '${path}': cannot write into '${parent}' (${errnoText(code) ?? code})`);
      }
      break;
    }
    const up = dirname(parent);
    if (up === parent) break;
    parent = up;
  }
  const outAbs = resolve(path);
  for (const [inFlag, inPath] of inputs) {
    if (inPath === undefined || inPath === "-") continue;
    let same = resolve(inPath) === outAbs;
    if (!same && st) {
      try {
        const si = statSync(inPath);
        same = si.ino === st.ino && si.dev === st.dev;
      } catch {
        // a missing input is reported by the reader
      }
    }
    if (same) fail(where, `${flag} '${path}' is the same file as ${inFlag} '${inPath}'; refusing to overwrite an input`);
  }
}

/** Check an output folder before any work starts: if it exists it must be a directory. */
export function checkOutputDir(where: string, flag: string, path: string): void {
  if (path === "-") fail(where, `${flag} - (standard output) cannot hold the several files ${where} writes; give a folder`);
  const st = lstatOrNull(path);
  if (st?.isSymbolicLink()) {
    try {
      if (statSync(path).isDirectory()) return;
    } catch {}
  }
  if (st && !st.isDirectory()) fail(where, `${flag} '${path}' is ${st.isFile() ? "a file" : kindOf(st)}, not a folder`);
}

const TMP_RE = /^\.(\d+)\.[0-9a-z]+\.tmp$/;

/** Remove temporary siblings of `path` left by a killed process (its pid no longer runs). */
function removeStaleTemporaries(path: string): void {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(base)) continue;
    const m = TMP_RE.exec(n.slice(base.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive) rmSync(join(dir, n), { force: true });
  }
}

let tmpSerial = 0;

/** The temporary sibling a write goes through: `<path>.<pid>.<serial><time>.tmp` (the pid lets a later write spot it as stale). */
function temporaryName(path: string): string {
  return `${path}.${process.pid}.${(tmpSerial++).toString(36)}${Date.now().toString(36)}.tmp`;
}

function chunksOf(data: string | Uint8Array | readonly Uint8Array[]): readonly Uint8Array[] {
  return typeof data === "string" ? [new TextEncoder().encode(data)] : data instanceof Uint8Array ? [data] : data;
}

/** After a failed write: remove the temporary file, and turn a file-system error into one line. */
function failWrite(path: string, tmp: string, e: unknown): never {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // nothing was created (e.g. the parent is not a directory)
  }
  const code = (e as NodeJS.ErrnoException).code;
  const text = code === undefined ? undefined : errnoText(code);
  if (text !== undefined) fail("writeFileAtomic", `cannot write '${path}': ${text} (${code}); the previous file, if any, is unchanged`);
  throw e;
}

/**
 * Write a file atomically: write to a temporary sibling, then rename over the target, so a
 * crash or a full disk never leaves a half-written file behind. Parent folders are created.
 *
 * Synchronous: a signal cannot run JavaScript during the call, so SIGINT/SIGTERM keep their
 * default action (the process ends at once, Ctrl-C is never delayed) and the temporary file of a
 * write they interrupt is removed by the next write to the same target (its pid no longer runs).
 * {@link writeFileAtomicAsync} removes it on the signal itself.
 * @param path - target file
 * @param data - text (UTF-8) or bytes; an array of chunks is written in order without joining
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const st = lstatOrNull(path);
  if (st && !st.isFile()) fail("writeFileAtomic", `'${path}' is ${kindOf(st)}; refusing to replace it with a regular file`);
  const tmp = temporaryName(path);
  pending.add(tmp);
  try {
    mkdirSync(dirname(path), { recursive: true });
    removeStaleTemporaries(path);
    // "wx": never follow or reuse an existing name; chunks of at most 1 GiB (no 2 GiB limit per write).
    const fd = openSync(tmp, "wx", 0o666);
    try {
      for (const chunk of chunksOf(data)) {
        for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, Math.min(chunk.length - off, 1 << 30));
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    failWrite(path, tmp, e);
  } finally {
    pending.delete(tmp);
  }
}

/** Signals on which the temporary files of writes in flight are removed. */
const CLEANUP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** Asynchronous writes in flight: the signal handler is installed only while this is > 0. */
let asyncWrites = 0;
/** Signals received during asynchronous writes (a write in flight sees the count change). */
let signalsSeen = 0;
let lastSignal: NodeJS.Signals | undefined;

function onCleanupSignal(signal: NodeJS.Signals): void {
  signalsSeen++;
  lastSignal = signal;
  removePendingTemporaries();
  for (const s of CLEANUP_SIGNALS) process.off(s, onCleanupSignal);
  // Nobody else handles the signal: re-raise it with its default action, so the process ends
  // as the user asked and its parent sees "killed by SIGINT" (a shell's exit status 130 / 143).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installCleanupHandler(): void {
  if (asyncWrites++ === 0) for (const s of CLEANUP_SIGNALS) process.on(s, onCleanupSignal);
}

function removeCleanupHandler(): void {
  if (--asyncWrites === 0) for (const s of CLEANUP_SIGNALS) process.off(s, onCleanupSignal);
}

/** Bytes per asynchronous write call: between calls the event loop turns and signals are delivered. */
const ASYNC_CHUNK = 4 << 20;

/**
 * Write a file atomically like {@link writeFileAtomic}, asynchronously and in chunks of 4 MiB.
 * While it runs, SIGINT, SIGTERM and SIGHUP remove the temporary file: when nothing else listens
 * to the signal, it is then re-raised (the process ends by that signal, e.g. exit status 130 for
 * Ctrl-C); otherwise the write stops with an error and the other listeners decide. The handler is
 * installed only during the write, so synchronous work afterwards (e.g. training) keeps Ctrl-C's
 * default, immediate action.
 * @param path - target file
 * @param data - text (UTF-8) or bytes; an array of chunks is written in order without joining
 * @throws LiquidwaveError naming the file and the reason (disk full, read-only, interrupted, ...)
 */
export async function writeFileAtomicAsync(path: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const st = lstatOrNull(path);
  if (st && !st.isFile()) fail("writeFileAtomic", `'${path}' is ${kindOf(st)}; refusing to replace it with a regular file`);
  const tmp = temporaryName(path);
  const seen = signalsSeen;
  const interrupted = () => {
    if (signalsSeen !== seen)
      fail("writeFileAtomic", `interrupted by ${lastSignal} while writing '${path}'; the previous file, if any, is unchanged`);
  };
  installCleanupHandler();
  pending.add(tmp);
  try {
    mkdirSync(dirname(path), { recursive: true });
    removeStaleTemporaries(path);
    const fh = await fsp.open(tmp, "wx", 0o666);
    try {
      for (const chunk of chunksOf(data)) {
        for (let off = 0; off < chunk.length; ) {
          interrupted();
          off += (await fh.write(chunk, off, Math.min(chunk.length - off, ASYNC_CHUNK))).bytesWritten;
        }
      }
    } finally {
      await fh.close();
    }
    interrupted();
    await fsp.rename(tmp, path);
  } catch (e) {
    failWrite(path, tmp, e);
  } finally {
    pending.delete(tmp);
    removeCleanupHandler();
  }
}

/**
 * Read a text file; a missing or unreadable file is one error line naming it and the reason. A
 * FIFO, a device or a directory is refused before it is opened (reading a FIFO blocks).
 * @param where - the function or command (the start of the error line)
 * @param subject - how messages name the file (default: its path)
 */
export function readTextFile(path: string, where: string, subject: string = path): string {
  const why = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    return code ?? String(e);
  };
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    fail(where, `cannot read ${subject} (${why(e)})`);
  }
  if (!st.isFile()) fail(where, `cannot read ${subject}: it is ${kindOf(st)}, not a regular file`);
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    fail(where, `cannot read ${subject} (${why(e)})`);
  }
}

/**
 * Read a JSON document, or YAML when the name ends in .yaml/.yml; a parse error names the file and
 * says it may be truncated.
 * @param where - the function or command (the start of the error line)
 * @param subject - how messages name the file (default: its path)
 */
export function readJsonOrYamlFile(path: string, where: string, subject: string = path): unknown {
  const text = readTextFile(path, where, subject);
  const yaml = /\.ya?ml$/i.test(path);
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    fail(where, `${subject} is not valid ${yaml ? "YAML" : "JSON"} (${(e as Error).message.split("\n")[0]}); the file may be truncated`);
  }
}
