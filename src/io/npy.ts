/**
 * NumPy `.npy` files, format versions 1.0, 2.0 and 3.0, read and written by our own code.
 *
 * Why not npyjs: it returns complex data interleaved, leaves Fortran-ordered data in Fortran
 * order, and needs an aligned buffer; this reader reads the data straight into a fresh typed
 * array (aligned, no intermediate copy for little-endian real data), handles big-endian, bool,
 * float16 and Fortran order, and checks every declared size against the file before allocating.
 *
 * Layout: magic `\x93NUMPY`, major and minor version bytes, header length (uint16 LE for 1.0,
 * uint32 LE for 2.0/3.0), a Python dict literal `{'descr': '<f8', 'fortran_order': False,
 * 'shape': (2, 3), }` (latin-1, UTF-8 in 3.0) padded with spaces and ended by `\n`, then the
 * raw data.
 */
import { fail, formatShape } from "../core/errors.ts";
import type { DType, NdArray, NumericArray } from "../core/ndarray.ts";
import { isComplexDType } from "../core/ndarray.ts";
import { writeFileAtomic } from "../core/fs.ts";
import { HOST_LITTLE_ENDIAN, allocPart, bytesOf, checkNdArray, checkedSize, colMajorToRowMajor, partBytes, swapBytes } from "./arrays.ts";
import type { ByteSource } from "./source.ts";
import { memorySource, withFile } from "./source.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** What the header of a .npy file declares. */
export interface NpyHeader {
  /** The dtype the array is read as (float16 is widened to float32). */
  readonly dtype: DType;
  /** The dtype string of the file, e.g. `<c8`, `>f8`, `|b1`. */
  readonly descr: string;
  /** The dtype as the file stores it: `dtype`, or `float16`. */
  readonly fileDType: DType | "float16";
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  readonly bigEndian: boolean;
  /** Bytes per stored element (both parts for complex). */
  readonly itemSize: number;
  /** Byte offset of the data from the start of the file. */
  readonly dataOffset: number;
  /** Bytes of data the header declares. */
  readonly dataBytes: number;
}

/** True if the bytes start with the .npy magic string. */
export function isNpyMagic(b: Uint8Array): boolean {
  return b.length >= 6 && MAGIC.every((m, i) => b[i] === m);
}

// ---------------------------------------------------------------------------------------------
// The header is a Python literal; a small recursive-descent parser reads the subset numpy writes.

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

function parsePyLiteral(text: string, where: string): PyValue {
  let i = 0;
  const bad = (what: string): never =>
    fail(where, `malformed .npy header (${what} at character ${i}): ${JSON.stringify(text.slice(0, 200))}`);
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > 20) bad("nesting too deep");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: { [k: string]: PyValue } = {};
      for (;;) {
        ws();
        if (text[i] === "}") {
          i++;
          return obj;
        }
        const k = value(depth + 1);
        if (typeof k !== "string") bad("dict key is not a string");
        ws();
        if (text[i] !== ":") bad("expected ':'");
        i++;
        if (k === "__proto__" || k === "constructor" || k === "prototype") bad(`key '${k}' is not allowed`);
        obj[k as string] = value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") bad("expected ',' or '}'");
      }
    }
    if (c === "(" || c === "[") {
      const close = c === "(" ? ")" : "]";
      i++;
      const arr: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return arr;
        }
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== close) bad(`expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) bad("unterminated string");
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(i));
    if (!m) return bad("unexpected token");
    i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    return Number(m[0].replace("L", ""));
  };
  const v = value(0);
  ws();
  if (i !== text.length) bad("trailing characters");
  return v;
}

/**
 * Map a numpy dtype string to our dtype.
 * @returns the dtype, whether the file is big-endian, and the stored item size in bytes
 * @throws LiquidwaveError for structured, object, string, datetime and extended-precision dtypes
 */
export function parseDescr(
  descr: PyValue,
  where: string,
): { dtype: DType; fileDType: DType | "float16"; bigEndian: boolean; itemSize: number } {
  if (typeof descr !== "string") {
    fail(where, `structured dtype ${JSON.stringify(descr)} is not supported (only plain numeric arrays)`);
  }
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(descr);
  if (!m) fail(where, `unknown dtype string '${descr}'`);
  const [, order, kind, sizeText] = m;
  const size = sizeText === "" ? (kind === "?" ? 1 : NaN) : Number(sizeText);
  const bigEndian = order === ">" || (order === "=" && !HOST_LITTLE_ENDIAN);
  const table: Record<string, Record<number, DType | "float16">> = {
    f: { 2: "float16", 4: "float32", 8: "float64" },
    c: { 8: "complex64", 16: "complex128" },
    i: { 1: "int8", 2: "int16", 4: "int32", 8: "int64" },
    u: { 1: "uint8", 2: "uint16", 4: "uint32", 8: "uint64" },
    b: { 1: "bool" },
    "?": { 1: "bool" },
  };
  const fileDType = table[kind!]?.[size];
  if (!fileDType) {
    const what: Record<string, string> = {
      O: "object arrays (pickled Python objects)",
      U: "unicode string arrays",
      S: "byte string arrays",
      V: "void/structured arrays",
      M: "datetime arrays",
      m: "timedelta arrays",
    };
    fail(where, `dtype '${descr}' is not supported${what[kind!] ? ` (${what[kind!]})` : ""}; numeric, complex and bool dtypes are`);
  }
  return { dtype: fileDType === "float16" ? "float32" : fileDType, fileDType, bigEndian, itemSize: size };
}

/**
 * Parse the header of a .npy file.
 * @throws LiquidwaveError if the magic, version, header dict or dtype is invalid, or the file is
 *   shorter than the data the header declares
 */
export function readNpyHeader(src: ByteSource, where = "npy"): NpyHeader {
  const what = `${src.label} (.npy)`;
  const pre = src.read(0, Math.min(12, src.size), where);
  if (!isNpyMagic(pre)) fail(where, `${src.label} is not a .npy file (bad magic bytes)`);
  if (pre.length < 10) fail(where, `${what} is truncated inside the .npy preamble`);
  const major = pre[6]!;
  const minor = pre[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) fail(where, `${what}: unsupported .npy format version ${major}.${minor}`);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = pre[8]! | (pre[9]! << 8);
    start = 10;
  } else {
    if (pre.length < 12) fail(where, `${what} is truncated inside the .npy preamble`);
    headerLen = (pre[8]! | (pre[9]! << 8) | (pre[10]! << 16)) + pre[11]! * 2 ** 24;
    start = 12;
  }
  if (start + headerLen > src.size) {
    fail(where, `${what} is truncated: header declares ${headerLen} bytes, file has ${src.size - start} after the preamble`);
  }
  if (headerLen > 1 << 24) fail(where, `${what}: .npy header length ${headerLen} is implausibly large`);
  const raw = src.read(start, headerLen, where);
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(raw).trimEnd();
  const dict = parsePyLiteral(text, where);
  if (dict === null || typeof dict !== "object" || Array.isArray(dict)) fail(where, `${what}: .npy header is not a dict: ${text}`);
  const { descr, fortran_order: fortran, shape } = dict as Record<string, PyValue>;
  if (descr === undefined || fortran === undefined || shape === undefined) {
    fail(where, `${what}: .npy header lacks 'descr', 'fortran_order' or 'shape': ${text}`);
  }
  if (typeof fortran !== "boolean") fail(where, `${what}: .npy 'fortran_order' is not True/False: ${text}`);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
    fail(where, `${what}: .npy 'shape' is not a tuple of non-negative integers: ${text}`);
  }
  const dims = shape as number[];
  const d = parseDescr(descr, `${where}: ${what}`);
  const n = checkedSize(where, dims);
  const dataOffset = start + headerLen;
  const dataBytes = n * d.itemSize;
  if (dataOffset + dataBytes > src.size) {
    fail(
      where,
      `${what} is truncated: shape ${formatShape(dims)} of '${descr}' needs ${dataBytes} data bytes, file has ${src.size - dataOffset}`,
    );
  }
  return {
    dtype: d.dtype,
    descr: descr as string,
    fileDType: d.fileDType,
    shape: dims,
    fortranOrder: fortran,
    bigEndian: d.bigEndian,
    itemSize: d.itemSize,
    dataOffset,
    dataBytes,
  };
}

/** IEEE 754 half-precision bits to a number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Read the array of a .npy source: C order, planar complex, the file's dtype.
 * @throws LiquidwaveError for any malformed, truncated or unsupported file
 */
export function readNpySource(src: ByteSource, where = "npy"): NdArray {
  const h = readNpyHeader(src, where);
  const n = h.dataBytes / h.itemSize;
  const swap = h.bigEndian === HOST_LITTLE_ENDIAN;
  let data: NumericArray;
  let imag: NumericArray | undefined;
  if (h.fileDType === "float16") {
    const raw = new Uint16Array(n);
    src.readInto(h.dataOffset, bytesOf(raw), where);
    if (swap) swapBytes(bytesOf(raw), 2);
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = halfToFloat(raw[i]!);
    data = f;
  } else if (isComplexDType(h.dtype)) {
    const inter = allocPart(h.dtype, 2 * n);
    src.readInto(h.dataOffset, bytesOf(inter), where);
    if (swap) swapBytes(bytesOf(inter), h.itemSize / 2);
    const re = allocPart(h.dtype, n) as Float64Array;
    const im = allocPart(h.dtype, n) as Float64Array;
    const x = inter as Float64Array;
    for (let i = 0, j = 0; i < n; i++, j += 2) {
      re[i] = x[j]!;
      im[i] = x[j + 1]!;
    }
    data = re;
    imag = im;
  } else {
    data = allocPart(h.dtype, n);
    src.readInto(h.dataOffset, bytesOf(data), where);
    if (swap) swapBytes(bytesOf(data), h.itemSize);
    if (h.dtype === "bool") {
      const b = data as Uint8Array;
      for (let i = 0; i < n; i++) b[i] = b[i] ? 1 : 0;
    }
  }
  if (h.fortranOrder) {
    data = colMajorToRowMajor(data, h.shape);
    if (imag) imag = colMajorToRowMajor(imag, h.shape);
  }
  return imag ? { shape: h.shape, dtype: h.dtype, data, imag } : { shape: h.shape, dtype: h.dtype, data };
}

/** Parse .npy bytes held in memory. */
export function parseNpy(bytes: Uint8Array, label = "<bytes>", where = "npy"): NdArray {
  return readNpySource(memorySource(bytes, label), where);
}

/**
 * Read a .npy file.
 * @param path - file path
 * @returns the array, C order, planar complex, with the file's dtype (float16 widened to float32)
 */
export function readNpy(path: string): NdArray {
  return withFile(path, "readNpy", (src) => readNpySource(src, "readNpy"));
}

// ---------------------------------------------------------------------------------------------
// Writing

const DESCR: Record<DType, string> = {
  float64: "<f8",
  float32: "<f4",
  complex128: "<c16",
  complex64: "<c8",
  int8: "|i1",
  int16: "<i2",
  int32: "<i4",
  int64: "<i8",
  uint8: "|u1",
  uint16: "<u2",
  uint32: "<u4",
  uint64: "<u8",
  bool: "|b1",
};

/**
 * Encode an array as .npy (C order, little-endian), as a header chunk and a data chunk so that
 * big arrays are not copied once more (real little-endian data is passed through as a view).
 * The header is padded so the data starts at a multiple of 64 bytes (numpy's alignment).
 */
export function encodeNpyParts(a: NdArray, where = "writeNpy"): Uint8Array[] {
  checkNdArray(where, "array", a);
  const shapeText = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(", ")})`;
  let dict = `{'descr': '${DESCR[a.dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let version = 1;
  let pre = 10;
  if (dict.length + 1 + pre > 65535) {
    version = 2;
    pre = 12;
  }
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - pre - 1, " ") + "\n";
  const header = new Uint8Array(total);
  header.set(MAGIC, 0);
  header[6] = version;
  header[7] = 0;
  const hl = dict.length;
  header[8] = hl & 0xff;
  header[9] = (hl >> 8) & 0xff;
  if (version === 2) {
    header[10] = (hl >> 16) & 0xff;
    header[11] = (hl >>> 24) & 0xff;
  }
  for (let i = 0; i < dict.length; i++) header[pre + i] = dict.charCodeAt(i);
  let body: Uint8Array;
  const size = partBytes(a.dtype);
  if (isComplexDType(a.dtype)) {
    const n = a.data.length;
    const inter = allocPart(a.dtype, 2 * n) as Float64Array;
    const re = a.data as Float64Array;
    const im = a.imag as Float64Array;
    for (let i = 0, j = 0; i < n; i++, j += 2) {
      inter[j] = re[i]!;
      inter[j + 1] = im[i]!;
    }
    body = bytesOf(inter);
    if (!HOST_LITTLE_ENDIAN) swapBytes(body, size);
  } else if (a.dtype === "bool") {
    const b = a.data as Uint8Array;
    const out = new Uint8Array(b.length);
    for (let i = 0; i < b.length; i++) out[i] = b[i] ? 1 : 0;
    body = out;
  } else {
    body = bytesOf(a.data);
    if (!HOST_LITTLE_ENDIAN && size > 1) {
      body = body.slice();
      swapBytes(body, size);
    }
  }
  return [header, body];
}

/** Encode an array as one .npy byte buffer. */
export function encodeNpy(a: NdArray): Uint8Array {
  const [h, b] = encodeNpyParts(a) as [Uint8Array, Uint8Array];
  const out = new Uint8Array(h.length + b.length);
  out.set(h, 0);
  out.set(b, h.length);
  return out;
}

/**
 * Write an array to a .npy file, C order, little-endian, atomically (temp file + rename).
 * @param path - target path (parent folders are created)
 * @param a - the array; every dtype of {@link DType} is written as itself
 */
export function writeNpy(path: string, a: NdArray): void {
  writeFileAtomic(path, encodeNpyParts(a, "writeNpy"));
}
