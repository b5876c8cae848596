/**
 * A minimal ZIP container reader and writer, enough for .npz files: stored (method 0) and
 * deflated (method 8) members, ZIP64 sizes and offsets (numpy writes ZIP64 extra fields), CRC-32
 * checked on every read. Inflation (fflate, see inflate.ts) has the declared size as a hard output
 * limit, so a lying header can never make us allocate more than the member claims. No `node:`
 * import: the lab's Web Worker reads .npz files with this code.
 */
import { checkBudget } from "../core/budget.ts";
import { fail } from "../core/errors.ts";
import { concatBytes } from "./arrays.ts";
import { deflateBytes, inflateCapped } from "./inflate.ts";
import type { ByteSource } from "./source.ts";

/** One member of a zip file, as its central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (the zip/zlib polynomial) of `bytes`, continuing from `crc`. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 2 ** 24;
const u64 = (b: Uint8Array, o: number) => u32(b, o) + u32(b, o + 4) * 2 ** 32;

/** True if the bytes start like a zip file (local header or an empty archive). */
export function isZipMagic(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
}

/**
 * List the members of a zip file from its central directory.
 * @throws LiquidwaveError if the end record or the directory is missing, truncated or inconsistent
 */
export function listZip(src: ByteSource, where: string): ZipEntry[] {
  const what = `${src.label} (zip)`;
  const tailLen = Math.min(src.size, 22 + 65535);
  const tail = src.read(src.size - tailLen, tailLen, where);
  let e = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 5 && tail[i + 3] === 6) {
      e = i;
      break;
    }
  }
  if (e < 0) fail(where, `${what} has no end-of-central-directory record (truncated or not a zip file)`);
  let count = u16(tail, e + 10);
  let cdSize = u32(tail, e + 12);
  let cdOffset = u32(tail, e + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: a locator sits just before the end record and points at the ZIP64 end record.
    const locAt = src.size - tailLen + e - 20;
    if (locAt < 0) fail(where, `${what}: ZIP64 locator missing`);
    const loc = src.read(locAt, 20, where);
    if (u32(loc, 0) !== 0x07064b50) fail(where, `${what}: ZIP64 locator missing`);
    const recAt = u64(loc, 8);
    const rec = src.read(recAt, 56, where);
    if (u32(rec, 0) !== 0x06064b50) fail(where, `${what}: bad ZIP64 end record`);
    count = u64(rec, 32);
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
  }
  if (cdOffset + cdSize > src.size) fail(where, `${what} is truncated: central directory at ${cdOffset}+${cdSize} past end ${src.size}`);
  if (count > cdSize / 46) fail(where, `${what}: central directory declares ${count} entries in ${cdSize} bytes`);
  const cd = src.read(cdOffset, cdSize, where);
  const out: ZipEntry[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) fail(where, `${what}: central directory entry ${k} is corrupt`);
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc = u32(cd, p + 16);
    let csize = u32(cd, p + 20);
    let usize = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    let offset = u32(cd, p + 42);
    if (p + 46 + nameLen + extraLen + commentLen > cd.length) fail(where, `${what}: central directory entry ${k} is truncated`);
    const name = new TextDecoder(flags & 0x800 ? "utf-8" : "latin1").decode(cd.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field: the 64-bit values of the fields that are 0xFFFFFFFF, in this order.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = u16(cd, x);
      const len = u16(cd, x + 2);
      if (id === 1) {
        let q = x + 4;
        if (usize === 0xffffffff) {
          usize = u64(cd, q);
          q += 8;
        }
        if (csize === 0xffffffff) {
          csize = u64(cd, q);
          q += 8;
        }
        if (offset === 0xffffffff) {
          offset = u64(cd, q);
          q += 8;
        }
      }
      x += 4 + len;
    }
    if (flags & 1) fail(where, `${what}: member '${name}' is encrypted`);
    out.push({ name, method, compressedSize: csize, uncompressedSize: usize, crc32: crc, localHeaderOffset: offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Byte offset where a member's (compressed) data starts, after its local header. */
export function entryDataOffset(src: ByteSource, e: ZipEntry, where: string): number {
  const lh = src.read(e.localHeaderOffset, 30, where);
  if (u32(lh, 0) !== 0x04034b50) fail(where, `${src.label} (zip): bad local header for member '${e.name}'`);
  const start = e.localHeaderOffset + 30 + u16(lh, 26) + u16(lh, 28);
  if (start + e.compressedSize > src.size) {
    fail(where, `${src.label} is truncated: member '${e.name}' needs bytes up to ${start + e.compressedSize}, file has ${src.size}`);
  }
  return start;
}

function checkMethod(src: ByteSource, e: ZipEntry, where: string): void {
  if (e.method !== 0 && e.method !== 8) {
    fail(
      where,
      `${src.label} (zip): member '${e.name}' uses compression method ${e.method}; only stored (0) and deflate (8) are supported`,
    );
  }
  // Deflate cannot expand data by more than ~1032x; a larger claim is a corrupt or hostile header.
  if (e.method === 8 && e.uncompressedSize > e.compressedSize * 1032 + 1024) {
    fail(where, `${src.label} (zip): member '${e.name}' claims ${e.uncompressedSize} bytes from ${e.compressedSize} compressed`);
  }
  if (e.method === 0 && e.compressedSize !== e.uncompressedSize) {
    fail(where, `${src.label} (zip): stored member '${e.name}' has sizes ${e.compressedSize} != ${e.uncompressedSize}`);
  }
}

/**
 * The uncompressed bytes of a member, CRC-checked.
 * @throws LiquidwaveError on truncation, a corrupt deflate stream, a size or CRC mismatch
 */
export function readEntry(src: ByteSource, e: ZipEntry, where: string): Uint8Array {
  checkMethod(src, e, where);
  const start = entryDataOffset(src, e, where);
  let out: Uint8Array;
  checkBudget(where, `${src.label} (zip): member '${e.name}' (${e.uncompressedSize} bytes declared)`, e.uncompressedSize);
  if (e.method === 0) out = src.read(start, e.compressedSize, where);
  else {
    const comp = src.read(start, e.compressedSize, where);
    const r = inflateCapped(comp, { format: "raw", cap: Math.max(1, e.uncompressedSize) });
    if (!(r instanceof Uint8Array))
      fail(
        where,
        `${src.label} (zip): member '${e.name}' does not inflate to its declared ${e.uncompressedSize} bytes (${r.kind === "cap" ? "it inflates to more" : r.message})`,
      );
    out = r;
  }
  if (out.length !== e.uncompressedSize) {
    fail(where, `${src.label} (zip): member '${e.name}' has ${out.length} bytes, header declares ${e.uncompressedSize}`);
  }
  const c = crc32(out);
  if (c !== e.crc32) fail(where, `${src.label} (zip): member '${e.name}' fails its CRC-32 check (corrupt data)`);
  return out;
}

/**
 * The first bytes of a member (at least `want` if the member has them), without inflating the
 * rest: used to read array headers when inspecting big files. Not CRC-checked.
 */
export function readEntryPrefix(src: ByteSource, e: ZipEntry, want: number, where: string): Uint8Array {
  checkMethod(src, e, where);
  const start = entryDataOffset(src, e, where);
  if (e.method === 0) return src.read(start, Math.min(want, e.compressedSize), where);
  let k = Math.min(e.compressedSize, 1024);
  for (;;) {
    // deflate expands at most 1032:1
    const out = inflateCapped(src.read(start, k, where), { format: "raw", cap: want + 1100 * k, partial: true });
    if (!(out instanceof Uint8Array))
      fail(
        where,
        `${src.label} (zip): member '${e.name}' is not a valid deflate stream (${out.kind === "cap" ? "it expands beyond 1100:1" : out.message})`,
      );
    if (out.length >= want || k === e.compressedSize) return out;
    k = Math.min(e.compressedSize, k * 4);
  }
}

const DOS_1980 = { time: 0, date: (0 << 9) | (1 << 5) | 1 }; // 1980-01-01 00:00: fixed, so output is deterministic

/**
 * Build a zip file from named members. Each member is deflated (zlib level 6, numpy's
 * `savez_compressed`) or stored (`savez`). Timestamps are fixed to 1980-01-01 so the same
 * arrays always give the same bytes.
 * @returns the file as chunks, in order (concatenate or write them one after another)
 * @throws LiquidwaveError if a member or the archive would exceed 4 GiB (no ZIP64 writing)
 */
export function buildZip(
  members: readonly { name: string; parts: readonly Uint8Array[] }[],
  compress: boolean,
  where: string,
): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const enc = new TextEncoder();
  for (const m of members) {
    let crc = 0;
    let usize = 0;
    for (const p of m.parts) {
      crc = crc32(p, crc);
      usize += p.length;
    }
    let data: Uint8Array[];
    let csize: number;
    if (compress) {
      const joined = m.parts.length === 1 ? m.parts[0]! : concatBytes(m.parts);
      const d = deflateBytes(joined, "raw");
      data = [d];
      csize = d.length;
    } else {
      data = [...m.parts];
      csize = usize;
    }
    if (usize >= 0xffffffff || csize >= 0xffffffff || offset >= 0xffffffff) {
      fail(where, `member '${m.name}' is too large for a zip file without ZIP64 (${usize} bytes)`);
    }
    const name = enc.encode(m.name);
    const method = compress ? 8 : 0;
    const lh = new Uint8Array(30 + name.length);
    const lv = new DataView(lh.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x800, true); // UTF-8 names
    lv.setUint16(8, method, true);
    lv.setUint16(10, DOS_1980.time, true);
    lv.setUint16(12, DOS_1980.date, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, csize, true);
    lv.setUint32(22, usize, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 0, true);
    lh.set(name, 30);
    const ch = new Uint8Array(46 + name.length);
    const cv = new DataView(ch.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x800, true);
    cv.setUint16(10, method, true);
    cv.setUint16(12, DOS_1980.time, true);
    cv.setUint16(14, DOS_1980.date, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, csize, true);
    cv.setUint32(24, usize, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    ch.set(name, 46);
    central.push(ch);
    chunks.push(lh, ...data);
    offset += lh.length + csize;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  if (offset + cdSize >= 0xffffffff || members.length >= 0xffff) fail(where, `archive too large for a zip file without ZIP64`);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  return [...chunks, ...central, end];
}
