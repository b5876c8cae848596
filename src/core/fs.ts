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
 * Temporary files being written right now. Writes are synchronous, so a temporary file exists only
 * during one call; a failed write removes it, and one left by a killed process (SIGKILL, or
 * SIGINT/SIGTERM mid-write) is removed by the next write to the same target.
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
 * device, which an atomic write would replace by a regular file).
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

/**
 * Write a file atomically: write to a temporary sibling, then rename over the target, so a
 * crash or a full disk never leaves a half-written file behind. Parent folders are created.
 * @param path - target file
 * @param data - text (UTF-8) or bytes; an array of chunks is written in order without joining
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const st = lstatOrNull(path);
  if (st && !st.isFile()) fail("writeFileAtomic", `'${path}' is ${kindOf(st)}; refusing to replace it with a regular file`);
  const tmp = `${path}.${process.pid}.${(tmpSerial++).toString(36)}${Date.now().toString(36)}.tmp`;
  pending.add(tmp);
  try {
    mkdirSync(dirname(path), { recursive: true });
    removeStaleTemporaries(path);
    const chunks = typeof data === "string" ? [new TextEncoder().encode(data)] : data instanceof Uint8Array ? [data] : data;
    // "wx": never follow or reuse an existing name; chunks of at most 1 GiB (no 2 GiB limit per write).
    const fd = openSync(tmp, "wx", 0o666);
    try {
      for (const chunk of chunks) {
        for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, Math.min(chunk.length - off, 1 << 30));
      }
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing was created (e.g. the parent is not a directory)
    }
    const code = (e as NodeJS.ErrnoException).code;
    const text = code === undefined ? undefined : errnoText(code);
    if (text !== undefined) fail("writeFileAtomic", `cannot write '${path}': ${text} (${code}); the previous file, if any, is unchanged`);
    throw e;
  } finally {
    pending.delete(tmp);
  }
}

/** Read a text file; a missing or unreadable file is one error line naming it and the reason. */
export function readTextFile(path: string, where: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    fail(where, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/**
 * Read a JSON document, or YAML when the name ends in .yaml/.yml; a parse error names the file and
 * says it may be truncated.
 */
export function readJsonOrYamlFile(path: string, where: string): unknown {
  const text = readTextFile(path, where);
  const yaml = /\.ya?ml$/i.test(path);
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    fail(where, `${path} is not valid ${yaml ? "YAML" : "JSON"} (${(e as Error).message.split("\n")[0]}); the file may be truncated`);
  }
}
