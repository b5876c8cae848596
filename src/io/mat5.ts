/**
 * MATLAB level-5 MAT-files (`save -v6` uncompressed, `-v7` zlib-compressed; scipy's `savemat`),
 * read and written by our own code, following MathWorks' "MAT-File Format" document:
 *
 * - a 128-byte header: descriptive text, subsystem offset, version 0x0100 and the endian
 *   indicator `IM` (little-endian) or `MI` (big-endian);
 * - then data elements, each an 8-byte tag (uint32 type, uint32 byte count) followed by its data
 *   padded to 8 bytes, or the 4-byte "small element" form (type and count packed in one uint32,
 *   up to 4 data bytes in the same 8 bytes);
 * - `miCOMPRESSED` (15) elements hold a zlib stream that inflates to one element;
 * - `miMATRIX` (14) elements hold array flags (class, complex/logical bits), dimensions (int32),
 *   the name, then by class: real and imaginary parts (possibly stored in a smaller type than
 *   the class, e.g. doubles as uint8), char data, cell elements, or struct field names and the
 *   fields of each element. Numeric data is column-major.
 *
 * Loaded arrays keep their MATLAB shape (always >= 2 dims) and are reordered to row-major, so
 * `A(i1, ..., in)` (1-based) is the NdArray element at [i1-1, ..., in-1]. Structs and cells are
 * walked; their leaves are named `s.f`, `s(2).f`, `c{3}` (1-based linear indices, as MATLAB).
 * Sparse, function-handle and opaque (MCOS object: string, table, ...) values are listed but
 * reading them is an error.
 */
import { formatBytes, memoryLimit } from "../core/budget.ts";
import { fail, formatShape } from "../core/errors.ts";
import type { DType, NdArray, NumericArray } from "../core/ndarray.ts";
import { isComplexDType } from "../core/ndarray.ts";
import { writeFileAtomic } from "../core/fs.ts";
import { deflateBytes, inflateCapped } from "./inflate.ts";
import { HOST_LITTLE_ENDIAN, allocPart, bytesOf, checkNdArray, colMajorToRowMajor, concatBytes, partBytes, swapBytes } from "./arrays.ts";
import type { ByteSource } from "./source.ts";
import { withFile } from "./source.ts";
import type { VariableInfo } from "./types.ts";

// Data types (mi*) and array classes (mx*) of the format.
const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;
const MI_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4 };
const MI_DTYPE: Record<number, DType> = {
  1: "int8",
  2: "uint8",
  3: "int16",
  4: "uint16",
  5: "int32",
  6: "uint32",
  7: "float32",
  9: "float64",
  12: "int64",
  13: "uint64",
  16: "uint8",
  17: "uint16",
  18: "uint32",
};
const MX = { CELL: 1, STRUCT: 2, OBJECT: 3, CHAR: 4, SPARSE: 5, FUNCTION: 16, OPAQUE: 17 } as const;
const MX_DTYPE: Record<number, DType> = {
  6: "float64",
  7: "float32",
  8: "int8",
  9: "uint8",
  10: "int16",
  11: "uint16",
  12: "int32",
  13: "uint32",
  14: "int64",
  15: "uint64",
};
const MAX_DEPTH = 64;

/** A parsed MATLAB value. Numeric `array` is absent when parsed headers-only (inspection). */
export type MatNode =
  | { kind: "numeric"; dims: number[]; dtype: DType; array?: NdArray }
  | { kind: "char"; dims: number[]; text: string }
  | { kind: "struct"; dims: number[]; className?: string; fields: string[]; elements: Map<string, MatNode>[] }
  | { kind: "cell"; dims: number[]; elements: MatNode[] }
  | { kind: "unsupported"; dims: number[]; what: string };

/** True if a 128-byte header carries the level-5 version and endian indicator. */
export function isMat5Header(head: Uint8Array): boolean {
  if (head.length < 128) return false;
  const ei = String.fromCharCode(head[126]!, head[127]!);
  if (ei === "IM") return head[124] === 0x00 && head[125] === 0x01;
  if (ei === "MI") return head[124] === 0x01 && head[125] === 0x00;
  return false;
}

interface Tag {
  type: number;
  nbytes: number;
  /** Offset of the element's data. */
  data: number;
  /** Offset of the next element (8-byte aligned, except after a compressed element). */
  next: number;
}

/** Parsing context: one byte buffer (a file's uncompressed element, or an inflated stream). */
class Cursor {
  readonly view: DataView;
  readonly buf: Uint8Array;
  constructor(
    buf: Uint8Array,
    readonly le: boolean,
    readonly label: string,
    readonly where: string,
    readonly decode: boolean,
  ) {
    // Never a Buffer: Buffer#slice shares memory, and typed() needs slice to copy.
    this.buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  bad(msg: string): never {
    fail(this.where, `${this.label} (MAT v5): ${msg}`);
  }

  u32(o: number): number {
    return this.view.getUint32(o, this.le);
  }

  /** Read the tag at `o`, checking the element fits before `end`. */
  tag(o: number, end: number, what: string): Tag {
    if (o + 8 > end) this.bad(`truncated: ${what} tag at byte ${o} runs past ${end}`);
    const first = this.u32(o);
    if (first >>> 16 !== 0) {
      // Small data element: type in the low 16 bits, byte count in the high 16 bits, data inline.
      const nbytes = first >>> 16;
      if (nbytes > 4) this.bad(`${what}: small element declares ${nbytes} bytes (> 4)`);
      return { type: first & 0xffff, nbytes, data: o + 4, next: o + 8 };
    }
    const nbytes = this.u32(o + 4);
    if (o + 8 + nbytes > end) this.bad(`truncated: ${what} declares ${nbytes} bytes at byte ${o}, only ${end - o - 8} remain`);
    const next = first === MI.COMPRESSED ? o + 8 + nbytes : o + 8 + Math.ceil(nbytes / 8) * 8;
    return { type: first, nbytes, data: o + 8, next: Math.min(next, end) };
  }

  /** The values of a numeric data element as a typed array of its own mi type (aligned copy). */
  typed(t: Tag, what: string): NumericArray {
    const size = MI_BYTES[t.type];
    const dt = MI_DTYPE[t.type];
    if (size === undefined || dt === undefined) this.bad(`${what}: data type ${t.type} is not numeric`);
    if (t.nbytes % size !== 0) this.bad(`${what}: ${t.nbytes} bytes is not a whole number of ${size}-byte values`);
    const copy = this.buf.slice(t.data, t.data + t.nbytes);
    if (this.le !== HOST_LITTLE_ENDIAN) swapBytes(copy, size);
    const ctor = allocPart(dt, 0).constructor as new (b: ArrayBuffer, o: number, n: number) => NumericArray;
    return new ctor(copy.buffer, 0, t.nbytes / size);
  }

  /** An int32 vector element (dims, field-name length). */
  ints(t: Tag, what: string): number[] {
    if (t.type !== MI.INT32 && t.type !== MI.UINT32) this.bad(`${what} has data type ${t.type}, expected int32`);
    return Array.from(this.typed(t, what) as Int32Array);
  }

  text(t: Tag): string {
    return new TextDecoder(t.type === MI.UTF8 || t.type === MI.INT8 || t.type === MI.UINT8 ? "utf-8" : "latin1").decode(
      this.buf.subarray(t.data, t.data + t.nbytes),
    );
  }
}

/** Convert mi-typed values to the storage type of `dtype`, checking the count. */
function convertPart(c: Cursor, t: Tag, dtype: DType, n: number, what: string): NumericArray {
  const src = c.typed(t, what);
  if (src.length !== n) c.bad(`${what} holds ${src.length} values, its dims need ${n}`);
  const out = allocPart(dtype, n);
  if (out.constructor === src.constructor) return src;
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  const srcBig = src instanceof BigInt64Array || src instanceof BigUint64Array;
  const o = out as unknown as (number | bigint)[];
  const s = src as unknown as (number | bigint)[];
  if (big && !srcBig) for (let i = 0; i < n; i++) o[i] = BigInt(Math.trunc(s[i] as number));
  else if (!big && srcBig) for (let i = 0; i < n; i++) o[i] = Number(s[i]);
  else for (let i = 0; i < n; i++) o[i] = s[i]!;
  return out;
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/**
 * Parse an miMATRIX element's content (between `start` and `end`).
 * @returns the variable's name and value
 */
function parseMatrix(c: Cursor, start: number, end: number, depth: number, path: string): { name: string; node: MatNode } {
  if (depth > MAX_DEPTH) c.bad(`'${path}' is nested more than ${MAX_DEPTH} levels deep`);
  if (start === end)
    return {
      name: "",
      node: { kind: "numeric", dims: [0, 0], dtype: "float64", array: { shape: [0, 0], dtype: "float64", data: new Float64Array(0) } },
    };
  const fl = c.tag(start, end, `'${path}' array flags`);
  if (fl.type !== MI.UINT32 || fl.nbytes !== 8)
    c.bad(`'${path}': array flags element has type ${fl.type} and ${fl.nbytes} bytes, expected uint32 x 2`);
  const flags = c.u32(fl.data);
  const cls = flags & 0xff;
  const complex = (flags & 0x800) !== 0;
  const logical = (flags & 0x200) !== 0;
  const dt = c.tag(fl.next, end, `'${path}' dimensions`);
  const dims = c.ints(dt, `'${path}' dimensions`);
  if (dims.length < 2 || dims.some((d) => d < 0)) c.bad(`'${path}' has invalid dimensions ${formatShape(dims)}`);
  const nt = c.tag(dt.next, end, `'${path}' name`);
  const name = c.text(nt);
  const label = path === "" ? name : path;
  let p = nt.next;
  const n = product(dims);
  // A declared count beyond what the bytes left can hold is a corrupt header: refuse it before
  // allocating. Numeric and char data take at least 1 byte per value (the smallest storage
  // type), cell elements at least an 8-byte tag each.
  const room = end - p;
  if (!Number.isSafeInteger(n) || ((MX_DTYPE[cls] !== undefined || cls === MX.CHAR) && n > room) || (cls === MX.CELL && n * 8 > room)) {
    c.bad(`'${label}' declares dims ${formatShape(dims)} (${n} elements) but its element has only ${room} bytes left`);
  }
  const dtype = MX_DTYPE[cls];
  if (dtype !== undefined) {
    const d: DType = logical && !complex ? "bool" : complex ? (dtype === "float32" ? "complex64" : "complex128") : dtype;
    if (complex && dtype !== "float64" && dtype !== "float32") {
      // Complex integer arrays exist in MATLAB; read them as complex128 (exact for |x| < 2^53).
      const rt = c.tag(p, end, `'${label}' real part`);
      const it = c.tag(rt.next, end, `'${label}' imaginary part`);
      if (!c.decode) return { name, node: { kind: "numeric", dims, dtype: "complex128" } };
      const re = colMajorToRowMajor(convertPart(c, rt, "float64", n, `'${label}' real part`), dims);
      const im = colMajorToRowMajor(convertPart(c, it, "float64", n, `'${label}' imaginary part`), dims);
      return {
        name,
        node: { kind: "numeric", dims, dtype: "complex128", array: { shape: dims, dtype: "complex128", data: re, imag: im } },
      };
    }
    const rt = c.tag(p, end, `'${label}' real part`);
    const it = complex ? c.tag(rt.next, end, `'${label}' imaginary part`) : undefined;
    if (!c.decode) {
      // Headers only: still check that the data holds the declared number of values.
      const size = MI_BYTES[rt.type];
      if (size === undefined || rt.nbytes !== n * size)
        c.bad(`'${label}' real part holds ${size ? rt.nbytes / size : "?"} values, its dims ${formatShape(dims)} need ${n}`);
      return { name, node: { kind: "numeric", dims, dtype: d } };
    }
    const storage: DType = d === "bool" ? "uint8" : d;
    let data = convertPart(c, rt, storage, n, `'${label}' real part`);
    if (d === "bool") {
      const b = data as Uint8Array;
      for (let i = 0; i < n; i++) b[i] = b[i] ? 1 : 0;
    }
    data = colMajorToRowMajor(data, dims);
    const array: NdArray = it
      ? { shape: dims, dtype: d, data, imag: colMajorToRowMajor(convertPart(c, it, storage, n, `'${label}' imaginary part`), dims) }
      : { shape: dims, dtype: d, data };
    return { name, node: { kind: "numeric", dims, dtype: d, array } };
  }
  switch (cls) {
    case MX.CHAR: {
      if (p >= end) return { name, node: { kind: "char", dims, text: "" } };
      const t = c.tag(p, end, `'${label}' char data`);
      let text: string;
      if (t.type === MI.UTF8 || t.type === MI.INT8 || t.type === MI.UINT8) text = c.text(t);
      else {
        const codes = c.typed(t, `'${label}' char data`);
        // Column-major character matrix: read row by row.
        const [rows = 1] = dims;
        const cols = rows === 0 ? 0 : codes.length / rows;
        const lines: string[] = [];
        for (let r = 0; r < rows; r++) {
          let s = "";
          for (let k = 0; k < cols; k++) s += String.fromCodePoint(Number(codes[r + k * rows]));
          lines.push(s);
        }
        text = lines.join("\n");
      }
      return { name, node: { kind: "char", dims, text } };
    }
    case MX.CELL: {
      const elements: MatNode[] = [];
      for (let i = 0; i < n; i++) {
        const et = c.tag(p, end, `'${label}{${i + 1}}'`);
        if (et.type !== MI.MATRIX) c.bad(`'${label}{${i + 1}}' has data type ${et.type}, expected miMATRIX`);
        elements.push(parseMatrix(c, et.data, et.data + et.nbytes, depth + 1, `${label}{${i + 1}}`).node);
        p = et.next;
      }
      return { name, node: { kind: "cell", dims, elements } };
    }
    case MX.STRUCT:
    case MX.OBJECT: {
      let className: string | undefined;
      if (cls === MX.OBJECT) {
        const ct = c.tag(p, end, `'${label}' class name`);
        className = c.text(ct);
        p = ct.next;
      }
      const lt = c.tag(p, end, `'${label}' field name length`);
      const [len = 0] = c.ints(lt, `'${label}' field name length`);
      const ft = c.tag(lt.next, end, `'${label}' field names`);
      if (len <= 0 || ft.nbytes % len !== 0) {
        if (ft.nbytes !== 0) c.bad(`'${label}': field names of ${ft.nbytes} bytes do not split into ${len}-byte names`);
      }
      const nf = len > 0 ? ft.nbytes / len : 0;
      const fields: string[] = [];
      for (let f = 0; f < nf; f++) {
        const raw = c.buf.subarray(ft.data + f * len, ft.data + (f + 1) * len);
        const z = raw.indexOf(0);
        fields.push(new TextDecoder().decode(z >= 0 ? raw.subarray(0, z) : raw));
      }
      p = ft.next;
      // Every field of every element is at least an 8-byte tag: a count the bytes left cannot hold
      // is a corrupt header. A struct array without fields has nothing to store per element (and
      // is shown as one leaf), so none is materialised.
      if (nf > 0 && n * nf * 8 > end - p) {
        c.bad(`'${label}' declares ${n} struct elements x ${nf} fields but its element has only ${end - p} bytes left`);
      }
      const elements: Map<string, MatNode>[] = [];
      for (let i = 0; i < (nf > 0 ? n : 0); i++) {
        const m = new Map<string, MatNode>();
        for (const f of fields) {
          const fp = n === 1 ? `${label}.${f}` : `${label}(${i + 1}).${f}`;
          const et = c.tag(p, end, `'${fp}'`);
          if (et.type !== MI.MATRIX) c.bad(`'${fp}' has data type ${et.type}, expected miMATRIX`);
          m.set(f, parseMatrix(c, et.data, et.data + et.nbytes, depth + 1, fp).node);
          p = et.next;
        }
        elements.push(m);
      }
      return { name, node: { kind: "struct", dims, ...(className !== undefined ? { className } : {}), fields, elements } };
    }
    case MX.SPARSE:
      return { name, node: { kind: "unsupported", dims, what: "sparse" } };
    case MX.FUNCTION:
      return { name, node: { kind: "unsupported", dims, what: "function" } };
    case MX.OPAQUE:
      return { name, node: { kind: "unsupported", dims, what: "object" } };
    default:
      c.bad(`'${label}' has unknown array class ${cls}`);
  }
}

/** Flatten a value into leaf paths (depth-first, file order). */
export function flattenMat(path: string, node: MatNode, visit: (path: string, leaf: MatNode) => void): void {
  if (node.kind === "struct") {
    if (node.elements.length === 0 || node.fields.length === 0) {
      visit(path, node);
      return;
    }
    node.elements.forEach((m, i) => {
      for (const [f, v] of m) flattenMat(node.elements.length === 1 ? `${path}.${f}` : `${path}(${i + 1}).${f}`, v, visit);
    });
  } else if (node.kind === "cell") {
    if (node.elements.length === 0) {
      visit(path, node);
      return;
    }
    node.elements.forEach((v, i) => flattenMat(`${path}{${i + 1}}`, v, visit));
  } else visit(path, node);
}

function leafInfo(path: string, leaf: MatNode): VariableInfo {
  switch (leaf.kind) {
    case "numeric":
      return { name: path, shape: leaf.dims, dtype: leaf.dtype, readable: true };
    case "char":
      return { name: path, shape: leaf.dims, dtype: "char", readable: false, note: "text, not a numeric array" };
    case "struct":
      return { name: path, shape: leaf.dims, dtype: "struct", readable: false, note: "empty struct" };
    case "cell":
      return { name: path, shape: leaf.dims, dtype: "cell", readable: false, note: "empty cell" };
    case "unsupported":
      return { name: path, shape: leaf.dims, dtype: leaf.what, readable: false, note: `MATLAB ${leaf.what} values are not supported` };
  }
}

/** One top-level variable, known from its first bytes; `parse` reads the whole element. */
interface TopElement {
  readonly name: string;
  /** Array class (mx*), complex and logical flags, and dims, from the element's header. */
  readonly cls: number;
  readonly flags: number;
  readonly dims: number[];
  parse(decode: boolean): MatNode;
}

function inflateElement(src: ByteSource, t: Tag, where: string, maxInput?: number): Uint8Array {
  const comp = src.read(t.data, maxInput === undefined ? t.nbytes : Math.min(t.nbytes, maxInput), where);
  // Inflation is streamed with a running cap (the memory limit): no zlib bomb gets past it.
  const cap = Math.min(memoryLimit(), 2 ** 31 - 1);
  const r = inflateCapped(comp, { format: "zlib", cap, partial: maxInput !== undefined });
  if (r instanceof Uint8Array) return r;
  if (r.kind === "cap")
    fail(
      where,
      `${src.label} (MAT v5): compressed element at byte ${t.data - 8} inflates to more than ${formatBytes(cap)}, the memory limit (--max-memory)`,
    );
  fail(where, `${src.label} (MAT v5): compressed element at byte ${t.data - 8} does not inflate (${r.message})`);
}

/**
 * Flags, dims and name of an miMATRIX whose content starts at `start` of `c`'s buffer.
 * @returns undefined if the buffer (a prefix) ends before the name
 */
function matrixHeader(c: Cursor, start: number): { cls: number; flags: number; dims: number[]; name: string } | undefined {
  const lim = c.buf.length;
  if (start + 8 > lim) return undefined;
  const fl = c.tag(start, Number.MAX_SAFE_INTEGER, "array flags");
  if (fl.type !== MI.UINT32 || fl.nbytes !== 8)
    c.bad(`array flags element at byte ${start} has type ${fl.type} and ${fl.nbytes} bytes, expected uint32 x 2`);
  if (fl.next + 8 > lim) return undefined;
  const dt = c.tag(fl.next, Number.MAX_SAFE_INTEGER, "dimensions");
  if (dt.data + dt.nbytes > lim || dt.next + 8 > lim) return undefined;
  const nt = c.tag(dt.next, Number.MAX_SAFE_INTEGER, "name");
  if (nt.data + nt.nbytes > lim) return undefined;
  const flags = c.u32(fl.data);
  return { cls: flags & 0xff, flags, dims: c.ints(dt, "dimensions"), name: c.text(nt) };
}

/** Walk the top-level elements of a MAT v5 source, reading only their headers. */
function topElements(src: ByteSource, where: string): TopElement[] {
  const head = src.read(0, Math.min(128, src.size), where);
  if (!isMat5Header(head)) fail(where, `${src.label} is not a MAT v5 file (bad header)`);
  const le = head[126] === 0x49; // "IM" read in file order = little-endian
  const out: TopElement[] = [];
  let o = 128;
  while (o < src.size) {
    if (o + 8 > src.size) fail(where, `${src.label} (MAT v5) is truncated: ${src.size - o} stray bytes at byte ${o}`);
    const c0 = new Cursor(src.read(o, 8, where), le, src.label, where, false);
    const type = c0.u32(0);
    const nbytes = c0.u32(4);
    if (type >>> 16 !== 0) fail(where, `${src.label} (MAT v5): corrupt element tag at byte ${o}`);
    if (o + 8 + nbytes > src.size) {
      fail(where, `${src.label} (MAT v5) is truncated: element at byte ${o} declares ${nbytes} bytes, ${src.size - o - 8} remain`);
    }
    const t: Tag = { type, nbytes, data: o + 8, next: type === MI.COMPRESSED ? o + 8 + nbytes : o + 8 + Math.ceil(nbytes / 8) * 8 };
    const at = o;
    o = t.next;
    if (type !== MI.MATRIX && type !== MI.COMPRESSED) continue; // not a variable
    if (type === MI.MATRIX && nbytes === 0) continue; // an empty, unnamed matrix
    const full = (): { c: Cursor; start: number; end: number; decode: (d: boolean) => Cursor } => {
      const bytes = type === MI.COMPRESSED ? inflateElement(src, t, where) : src.read(t.data, t.nbytes, where);
      const c = new Cursor(bytes, le, src.label, where, false);
      if (type === MI.MATRIX) return { c, start: 0, end: bytes.length, decode: (d) => new Cursor(bytes, le, src.label, where, d) };
      const it = c.tag(0, bytes.length, `compressed element at byte ${at}`);
      if (it.type !== MI.MATRIX) c.bad(`compressed element at byte ${at} holds data type ${it.type}, expected miMATRIX`);
      return { c, start: it.data, end: it.data + it.nbytes, decode: (d) => new Cursor(bytes, le, src.label, where, d) };
    };
    // The header from a prefix (first 4 kB of compressed or raw bytes); the whole element if needed.
    let hdr: ReturnType<typeof matrixHeader>;
    const prefix = type === MI.COMPRESSED ? inflateElement(src, t, where, 4096) : src.read(t.data, Math.min(4096, t.nbytes), where);
    const pc = new Cursor(prefix, le, src.label, where, false);
    if (type === MI.COMPRESSED) {
      if (prefix.length >= 8) {
        const it = pc.tag(0, Number.MAX_SAFE_INTEGER, `compressed element at byte ${at}`);
        if (it.type !== MI.MATRIX) pc.bad(`compressed element at byte ${at} holds data type ${it.type}, expected miMATRIX`);
        if (it.nbytes === 0) continue;
        hdr = matrixHeader(pc, 8);
      }
    } else hdr = matrixHeader(pc, 0);
    if (!hdr) {
      const f = full();
      hdr = matrixHeader(f.c, f.start);
    }
    const h = hdr ?? fail(where, `${src.label} (MAT v5): element at byte ${at} ends inside its header`);
    const name = h.name;
    out.push({
      name,
      cls: h.cls,
      flags: h.flags,
      dims: h.dims,
      parse(decode) {
        const f = full();
        return parseMatrix(f.decode(decode), f.start, f.end, 0, name).node;
      },
    });
  }
  return out;
}

/** The value of a top-level element for inspection: numeric and text leaves from the header alone. */
function inspectElement(el: TopElement): MatNode {
  const dtype = MX_DTYPE[el.cls];
  const complex = (el.flags & 0x800) !== 0;
  if (dtype !== undefined) {
    const d: DType = (el.flags & 0x200) !== 0 && !complex ? "bool" : complex ? (dtype === "float32" ? "complex64" : "complex128") : dtype;
    return { kind: "numeric", dims: el.dims, dtype: d };
  }
  if (el.cls === MX.CHAR) return { kind: "char", dims: el.dims, text: "" };
  if (el.cls === MX.SPARSE) return { kind: "unsupported", dims: el.dims, what: "sparse" };
  return el.parse(false);
}

/** Leaf variables (paths, shapes, dtypes) of a MAT v5 source, without converting numeric data. */
export function inspectMat5Source(src: ByteSource, where = "mat5"): VariableInfo[] {
  const out: VariableInfo[] = [];
  for (const el of topElements(src, where)) {
    if (el.name === "") continue; // subsystem data (MCOS objects' backing store), not a variable
    flattenMat(el.name, inspectElement(el), (p, leaf) => out.push(leafInfo(p, leaf)));
  }
  return out;
}

function rootOf(path: string): string {
  const m = /^[^.({]*/.exec(path);
  return m ? m[0] : path;
}

/**
 * Read numeric leaves of a MAT v5 source: all of them, or the paths in `names`.
 * @throws LiquidwaveError for a missing path or a leaf that is not numeric
 */
export function readMat5Source(src: ByteSource, names: readonly string[] | undefined, where = "mat5"): Map<string, NdArray> {
  const wantRoots = names ? new Set(names.map(rootOf)) : undefined;
  const found = new Map<string, NdArray>();
  const infos = new Map<string, VariableInfo>();
  for (const el of topElements(src, where)) {
    if (el.name === "") continue;
    if (wantRoots && !wantRoots.has(el.name)) continue;
    flattenMat(el.name, el.parse(true), (p, leaf) => {
      infos.set(p, leafInfo(p, leaf));
      if (leaf.kind === "numeric" && leaf.array) found.set(p, leaf.array);
    });
  }
  if (!names) return found;
  const out = new Map<string, NdArray>();
  for (const n of names) {
    const a = found.get(n);
    if (a) {
      out.set(n, a);
      continue;
    }
    const info = infos.get(n);
    if (info)
      fail(
        where,
        `${src.label}: variable '${n}' is ${info.dtype} ${formatShape(info.shape)}, not a numeric array${info.note ? ` (${info.note})` : ""}`,
      );
    const prefix = [...infos.keys()].filter((k) => k.startsWith(n + ".") || k.startsWith(n + "(") || k.startsWith(n + "{"));
    if (prefix.length > 0)
      fail(
        where,
        `${src.label}: '${n}' is a struct or cell; its variables are ${prefix.slice(0, 8).join(", ")}${prefix.length > 8 ? ", ..." : ""}`,
      );
    fail(
      where,
      `${src.label} has no variable '${n}' (variables: ${[...infos.keys()].slice(0, 12).join(", ") || "none"}${infos.size > 12 ? ", ..." : ""})`,
    );
  }
  return out;
}

/** Read every numeric variable (or the paths in `names`) of a MAT v5 file. */
export function readMat5(path: string, names?: readonly string[]): Map<string, NdArray> {
  return withFile(path, "readMat5", (src) => readMat5Source(src, names, "readMat5"));
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A value for {@link writeMat5}: a numeric array, text, a 1x1 struct, or a cell array. */
export type MatValue = NdArray | string | MatStruct | MatCell;
/** A struct: `{ kind: "struct", fields }` (1x1), or `elements` for a struct array of `shape`. */
export interface MatStruct {
  readonly kind: "struct";
  readonly fields?: Readonly<Record<string, MatValue>>;
  /** Struct array elements in MATLAB's linear (column-major) order; all with the same field names. */
  readonly elements?: readonly Readonly<Record<string, MatValue>>[];
  readonly shape?: readonly number[];
}
/** A cell array; `items` in MATLAB's linear (column-major) order, `shape` default [1, n]. */
export interface MatCell {
  readonly kind: "cell";
  readonly items: readonly MatValue[];
  readonly shape?: readonly number[];
}

const DTYPE_MX: Record<DType, [number, number]> = {
  float64: [6, MI.DOUBLE],
  complex128: [6, MI.DOUBLE],
  float32: [7, MI.SINGLE],
  complex64: [7, MI.SINGLE],
  int8: [8, MI.INT8],
  uint8: [9, MI.UINT8],
  bool: [9, MI.UINT8],
  int16: [10, MI.INT16],
  uint16: [11, MI.UINT16],
  int32: [12, MI.INT32],
  uint32: [13, MI.UINT32],
  int64: [14, MI.INT64],
  uint64: [15, MI.UINT64],
};

/** Writes little-endian elements into a growing list of chunks. */
class ElementWriter {
  chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  /** A tagged element with 8-byte padding (the normal form; we never write the small form). */
  element(type: number, data: Uint8Array): void {
    const tag = new Uint8Array(8);
    const v = new DataView(tag.buffer);
    v.setUint32(0, type, true);
    v.setUint32(4, data.length, true);
    this.push(tag);
    this.push(data);
    const pad = (8 - (data.length % 8)) % 8;
    if (pad) this.push(new Uint8Array(pad));
  }
  join(): Uint8Array {
    return concatBytes(this.chunks);
  }
}

function le32(values: readonly number[], signed = true): Uint8Array {
  const a = signed ? Int32Array.from(values) : Uint32Array.from(values);
  const b = new Uint8Array(a.buffer);
  if (!HOST_LITTLE_ENDIAN) swapBytes(b, 4);
  return b;
}

function leBytes(a: NumericArray, size: number): Uint8Array {
  const b = bytesOf(a);
  if (HOST_LITTLE_ENDIAN || size === 1) return b;
  const c = b.slice();
  swapBytes(c, size);
  return c;
}

/** MATLAB dims of an NdArray shape: at least 2 (a scalar is 1x1, a vector a 1xn row, as scipy). */
function matDims(shape: readonly number[]): number[] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [1, shape[0]!];
  return [...shape];
}

function rowToColMajor(a: NumericArray, dims: readonly number[]): NumericArray {
  // C-order data of shape s is column-major data of shape reverse(s); reordering that to
  // row-major gives the column-major layout of s.
  return colMajorToRowMajor(a, [...dims].reverse());
}

function encodeMatrix(name: string, v: MatValue, where: string, depth: number): Uint8Array {
  if (depth > MAX_DEPTH) fail(where, `'${name}' is nested more than ${MAX_DEPTH} levels deep`);
  const w = new ElementWriter();
  const header = (cls: number, flags: number, dims: readonly number[]) => {
    w.element(MI.UINT32, le32([cls | flags, 0], false));
    w.element(MI.INT32, le32(dims));
    w.element(MI.INT8, new TextEncoder().encode(name));
  };
  if (typeof v === "string") {
    const codes = Uint16Array.from(
      [...v].map((ch) => {
        const cp = ch.codePointAt(0)!;
        if (cp > 0xffff) fail(where, `'${name}': character U+${cp.toString(16)} does not fit MATLAB's 16-bit char`);
        return cp;
      }),
    );
    header(MX.CHAR, 0, [1, codes.length]);
    w.element(MI.UINT16, leBytes(codes, 2));
  } else if ("kind" in v && v.kind === "cell") {
    const dims = v.shape ? [...v.shape] : [1, v.items.length];
    if (product(dims) !== v.items.length) fail(where, `cell '${name}' has ${v.items.length} items but shape ${formatShape(dims)}`);
    header(MX.CELL, 0, dims);
    for (const item of v.items) {
      const b = encodeMatrix("", item, where, depth + 1);
      w.element(MI.MATRIX, b);
    }
  } else if ("kind" in v && v.kind === "struct") {
    const elements = v.elements ?? [v.fields ?? {}];
    const dims = v.shape ? [...v.shape] : [1, elements.length];
    if (product(dims) !== elements.length) fail(where, `struct '${name}' has ${elements.length} elements but shape ${formatShape(dims)}`);
    const fields = Object.keys(elements[0] ?? {});
    for (const e of elements) {
      const k = Object.keys(e);
      if (k.length !== fields.length || k.some((f, i) => f !== fields[i]))
        fail(where, `struct array '${name}': elements have different fields`);
    }
    const len = Math.max(...fields.map((f) => new TextEncoder().encode(f).length + 1), 1);
    if (len > 64) fail(where, `struct '${name}': field names longer than 63 bytes are not supported by MAT v5`);
    header(MX.STRUCT, 0, dims);
    w.element(MI.INT32, le32([len]));
    const names = new Uint8Array(len * fields.length);
    fields.forEach((f, i) => names.set(new TextEncoder().encode(f), i * len));
    w.element(MI.INT8, names);
    for (const e of elements) for (const f of fields) w.element(MI.MATRIX, encodeMatrix("", e[f]!, where, depth + 1));
  } else {
    const a = v as NdArray;
    checkNdArray(where, `'${name}'`, a);
    const dims = matDims(a.shape);
    const [cls, mi] = DTYPE_MX[a.dtype];
    const flags = (isComplexDType(a.dtype) ? 0x800 : 0) | (a.dtype === "bool" ? 0x200 : 0);
    header(cls, flags, dims);
    const size = partBytes(a.dtype);
    let data = rowToColMajor(a.data, dims);
    if (a.dtype === "bool") data = Uint8Array.from(data as Uint8Array, (x) => (x ? 1 : 0));
    w.element(mi, leBytes(data, size));
    if (a.imag) w.element(mi, leBytes(rowToColMajor(a.imag, dims), size));
  }
  return w.join();
}

/** Options of {@link writeMat5}. */
export interface Mat5Options {
  /** zlib-compress each variable like MATLAB's default `-v7` (default true); false is `-v6`. */
  readonly compress?: boolean;
}

/**
 * Encode variables as a MAT v5 file (little-endian). NdArrays keep their shape as MATLAB dims
 * (0-d -> 1x1, 1-d -> 1xn); bool is written as MATLAB logical; complex as separate real and
 * imaginary parts. Deterministic (no timestamp in the header).
 */
export function encodeMat5(
  vars: Readonly<Record<string, MatValue>>,
  { compress = true }: Mat5Options = {},
  where = "writeMat5",
): Uint8Array[] {
  const header = new Uint8Array(128).fill(0x20);
  const text = new TextEncoder().encode("MATLAB 5.0 MAT-file, written by liquidwave");
  header.set(text, 0);
  header.fill(0, 116, 124); // no subsystem data
  header[124] = 0x00;
  header[125] = 0x01;
  header[126] = 0x49; // 'I'
  header[127] = 0x4d; // 'M'
  const chunks: Uint8Array[] = [header];
  for (const [name, v] of Object.entries(vars)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) fail(where, `'${name}' is not a valid MATLAB variable name`);
    const body = encodeMatrix(name, v, where, 0);
    const el = new ElementWriter();
    el.element(MI.MATRIX, body);
    if (compress) {
      const z = deflateBytes(el.join(), "zlib");
      const tag = new Uint8Array(8);
      const dv = new DataView(tag.buffer);
      dv.setUint32(0, MI.COMPRESSED, true);
      dv.setUint32(4, z.length, true);
      chunks.push(tag, z);
    } else chunks.push(...el.chunks);
  }
  return chunks;
}

/**
 * Write variables to a MAT v5 file readable by MATLAB, Octave and `scipy.io.loadmat`, atomically.
 * @param path - target path (parent folders are created)
 * @param vars - MATLAB variable name -> value (NdArray, string, {@link MatStruct}, {@link MatCell})
 */
export function writeMat5(path: string, vars: Readonly<Record<string, MatValue>>, options: Mat5Options = {}): void {
  writeFileAtomic(path, encodeMat5(vars, options, "writeMat5"));
}
