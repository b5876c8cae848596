/**
 * Random-access byte sources: a file read on demand (so inspecting a 2 GB file reads only its
 * headers) or bytes already in memory (a zip member, an inflated MATLAB element).
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { fail, LiquidwaveError } from "../core/errors.ts";

function nonRegularKind(st: import("node:fs").Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a file";
}

/** Bytes that can be read at any offset. */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** What to call the source in error messages (a path, or `file.npz:H.npy`). */
  readonly label: string;
  /**
   * `length` bytes from `offset`.
   * @throws LiquidwaveError naming `where` if the range runs past the end (a truncated file).
   */
  read(offset: number, length: number, where: string): Uint8Array;
  /** Read into `dest` (its byte view) from `offset`; same checks as {@link ByteSource.read}. */
  readInto(offset: number, dest: Uint8Array, where: string): void;
  close(): void;
}

function checkRange(src: ByteSource, offset: number, length: number, where: string): void {
  if (!(offset >= 0 && length >= 0 && offset + length <= src.size)) {
    fail(where, `${src.label} is truncated: needs bytes ${offset}..${offset + length} but has ${src.size}`);
  }
}

/** A source over bytes in memory (no copy; `read` returns subarrays). */
export function memorySource(bytes: Uint8Array, label: string): ByteSource {
  const src: ByteSource = {
    size: bytes.length,
    label,
    read(offset, length, where) {
      checkRange(src, offset, length, where);
      return bytes.subarray(offset, offset + length);
    },
    readInto(offset, dest, where) {
      checkRange(src, offset, dest.length, where);
      dest.set(bytes.subarray(offset, offset + dest.length));
    },
    close() {},
  };
  return src;
}

/**
 * A source over a file, read with positioned reads (no whole-file buffer).
 * @throws LiquidwaveError if the file cannot be opened or is not a regular file.
 */
export function fileSource(path: string, where: string): ByteSource {
  let fd: number;
  try {
    // A FIFO, a device or a directory is refused before opening: opening a FIFO would block until
    // a writer comes (a hang). O_NONBLOCK guards the race between the check and the open.
    const pre = statSync(path);
    if (!pre.isFile()) fail(where, `'${path}' is not a regular file (${nonRegularKind(pre)})`);
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if (e instanceof LiquidwaveError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    fail(where, code === "ENOENT" ? `no such file '${path}'` : `cannot open '${path}' (${code ?? String(e)})`);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    fail(where, `'${path}' is not a regular file (${nonRegularKind(st)})`);
  }
  let open = true;
  const src: ByteSource = {
    size: st.size,
    label: path,
    read(offset, length, w) {
      const out = new Uint8Array(length);
      src.readInto(offset, out, w);
      return out;
    },
    readInto(offset, dest, w) {
      checkRange(src, offset, dest.length, w);
      let done = 0;
      // readSync reads at most 2 GiB per call; loop until the range is filled.
      while (done < dest.length) {
        const n = readSync(fd, dest, done, Math.min(dest.length - done, 1 << 30), offset + done);
        if (n <= 0) fail(w, `${path} is truncated: read stopped at byte ${offset + done}`);
        done += n;
      }
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
  return src;
}

/** Run `f` on a file source and close it afterwards, also on error. */
export function withFile<T>(path: string, where: string, f: (src: ByteSource) => T): T {
  const src = fileSource(path, where);
  try {
    return f(src);
  } finally {
    src.close();
  }
}
