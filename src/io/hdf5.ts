/**
 * HDF5 files and MATLAB v7.3 MAT-files (HDF5 with a 512-byte MATLAB user block), read through
 * h5wasm (the HDF5 C library compiled to WebAssembly). h5wasm is imported lazily, on the first
 * HDF5 file, so the rest of liquidwave never loads its 15 MB of wasm. Its Node build reads files
 * straight from the file system (no copy into the Emscripten FS is needed).
 *
 * Data are read as raw bytes with HDF5 hyperslab reads (at most ~64 MB per read) and decoded
 * here, instead of through h5wasm's `.value`, which builds one JS array per compound element
 * (measured: 77 ms vs 7 s for 20 MB of complex data).
 *
 * Complex numbers: HDF5 has no complex type. Accepted forms: compound `{real, imag}` (MATLAB),
 * compound `{r, i}` (h5py / numpy), and a pair of sibling datasets `X_re`, `X_im` of equal shape
 * (quadriga-lib), listed as one complex variable `X`.
 *
 * MATLAB v7.3 specifics: MATLAB writes column-major data, so HDF5 shows the dims reversed; for
 * datasets carrying a `MATLAB_class` attribute we reverse the shape back and reorder the data, so
 * the result has the MATLAB shape with `A(i1, ..., in)` at [i1-1, ..., in-1]. Structs are groups
 * (`s.f`), cells are datasets of object references into `#refs#` (`c{k}`, 1-based linear index),
 * struct arrays store references per field (`s(k).f`); empty arrays (`MATLAB_empty`) load as
 * zero-size arrays; sparse matrices, strings and objects are listed but not readable.
 *
 * In a browser (the lab's Web Worker) the same walk runs on h5wasm's ESM build, with the file's
 * bytes written into its in-memory file system first (see {@link Hdf5Input}).
 */
import { checkBudget } from "../core/budget.ts";
import { fail, formatShape } from "../core/errors.ts";
import { isNode, nodeBuiltin } from "../core/platform.ts";
import type { DType, NdArray } from "../core/ndarray.ts";
import { HOST_LITTLE_ENDIAN, allocPart, bytesOf, checkedSize, colMajorToRowMajor, partBytes, swapBytes } from "./arrays.ts";
import { halfToFloat } from "./npy.ts";
import type { ByteSource } from "./source.ts";
import type { VariableInfo } from "./types.ts";

type H5Lib = typeof import("h5wasm/node");
type H5File = InstanceType<H5Lib["File"]>;
type H5Dataset = InstanceType<H5Lib["Dataset"]>;
type H5Group = InstanceType<H5Lib["Group"]>;
type H5Metadata = H5Dataset["metadata"];

/** h5wasm's Node build (real file system) and ESM build (in-memory file system): variables, so
 * bundlers leave them alone (the ESM build embeds 4.8 MB of wasm; a page loads it with
 * {@link setHdf5Loader} from where it serves it). */
const NODE_BUILD = "h5wasm/node";
const ESM_BUILD = "h5wasm";

let loader: (() => Promise<unknown>) | null = null;

/**
 * Where to load h5wasm's ESM build from off Node (a page: e.g. `() => import(url)` of the copy
 * it serves); null: the bare specifier `h5wasm` (an import map or a bundler resolves it).
 */
export function setHdf5Loader(load: (() => Promise<unknown>) | null): void {
  loader = load;
  libPromise = undefined;
}
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** Objects a walk may visit (datasets, groups, dereferenced targets) before it is refused. */
const MAX_NODES = 200_000;
/** Visits of a container (group, cell) already visited once: a reference DAG beyond this is refused. */
const MAX_REVISITS = 1_000;
/** Bytes per hyperslab read: bounds the wasm heap use for big datasets. */
const SLAB_BYTES = 64 * 1024 * 1024;

/**
 * Offset of the HDF5 superblock signature (0, 512, 1024, 2048, ...), or undefined.
 */
export function findHdf5Signature(src: ByteSource, where: string): number | undefined {
  for (let off = 0; off + 8 <= src.size && off <= 1 << 30; off = off === 0 ? 512 : off * 2) {
    const b = src.read(off, 8, where);
    if (SIGNATURE.every((s, i) => b[i] === s)) return off;
  }
  return undefined;
}

let libPromise: Promise<{ h5: H5Lib; module: Awaited<H5Lib["ready"]> }> | undefined;

/**
 * Load h5wasm once (lazy: only HDF5 / v7.3 files pay for the wasm): its Node build on Node, which
 * reads files in place, else its ESM build, whose in-memory file system takes a file's bytes.
 */
async function lib(where: string): Promise<{ h5: H5Lib; module: Awaited<H5Lib["ready"]> }> {
  libPromise ??= (async () => {
    const h5 = (
      isNode() ? await import(/* @vite-ignore */ NODE_BUILD) : loader ? await loader() : await import(/* @vite-ignore */ ESM_BUILD)
    ) as H5Lib;
    const module = await h5.ready;
    return { h5, module };
  })();
  try {
    return await libPromise;
  } catch (e) {
    libPromise = undefined;
    fail(where, `reading HDF5 / MATLAB v7.3 files needs the 'h5wasm' package (npm install h5wasm): ${(e as Error).message}`);
  }
}

/**
 * Run `f` with HDF5's diagnostic printing captured: the C library prints its error stack to
 * stderr (HDF5-DIAG), which would break the one-line error contract; the deepest message of that
 * stack (e.g. "truncated file: eof = 88, ..., stored_eof = 7877") goes into our error instead.
 */
function capturingStderr<T>(f: (diag: () => string | undefined) => T): T {
  // The wasm glue (Emscripten NODERAWFS) writes fd 2 with fs.writeSync, looked up at call time
  // on the CommonJS fs object: patch that for the duration of the synchronous HDF5 calls.
  // Off Node (a browser) Emscripten prints to the console instead: nothing to patch.
  const fsMod = nodeBuiltin<typeof import("node:fs")>("node:fs");
  if (!fsMod) return f(() => undefined);
  const origWriteSync = fsMod.writeSync;
  const orig = process.stderr.write;
  const lines: string[] = [];
  const keep = (chunk: unknown) => lines.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk as Uint8Array));
  process.stderr.write = ((chunk: string | Uint8Array) => {
    keep(chunk);
    return true;
  }) as typeof process.stderr.write;
  fsMod.writeSync = ((fd: number, buf: unknown, ...rest: unknown[]) => {
    if (fd === 2) {
      const b = buf as Uint8Array;
      const [off = 0, len = b.length] = rest as [number?, number?];
      keep(typeof buf === "string" ? buf : b.subarray(off, off + len));
      return typeof buf === "string" ? buf.length : len;
    }
    return (origWriteSync as (...a: unknown[]) => number)(fd, buf, ...rest);
  }) as typeof fsMod.writeSync;
  const diag = (): string | undefined => {
    const frames = lines
      .join("")
      .split("\n")
      .map((l) => /#\d+: .*?\(\): (.*)$/.exec(l)?.[1])
      .filter((x): x is string => !!x);
    return frames[frames.length - 1];
  };
  try {
    return f(diag);
  } finally {
    process.stderr.write = orig;
    fsMod.writeSync = origWriteSync;
  }
}

/**
 * What to read: a file path (Node), or a file's bytes with a name for messages (any host; on Node
 * write them to a file first, h5wasm's Node build has no in-memory file system).
 */
export type Hdf5Input = string | { readonly bytes: Uint8Array; readonly label: string };

let scratch = 0;

async function withH5<T>(
  input: Hdf5Input,
  where: string,
  f: (file: H5File, L: { h5: H5Lib; module: Awaited<H5Lib["ready"]> }) => T,
): Promise<T> {
  const L = await lib(where);
  let path: string;
  let cleanup = () => {};
  if (typeof input === "string") {
    path = input;
    if (!nodeBuiltin<typeof import("node:fs")>("node:fs")?.existsSync(path)) fail(where, `no such file '${path}'`);
  } else {
    const fs = L.module.FS as unknown as
      | { writeFile(p: string, d: Uint8Array): void; unlink(p: string): void; filesystems?: { MEMFS?: unknown } }
      | undefined;
    if (isNode() || !fs) fail(where, `${input.label}: on Node, HDF5 files are read from a path (write the bytes to a file first)`);
    path = `/liquidwave-input-${++scratch}.h5`;
    fs.writeFile(path, input.bytes);
    cleanup = () => fs.unlink(path);
  }
  const label = typeof input === "string" ? input : input.label;
  try {
    return withOpenH5(path, label, where, L, f);
  } finally {
    cleanup();
  }
}

function withOpenH5<T>(
  path: string,
  label: string,
  where: string,
  L: { h5: H5Lib; module: Awaited<H5Lib["ready"]> },
  f: (file: H5File, L: { h5: H5Lib; module: Awaited<H5Lib["ready"]> }) => T,
): T {
  return capturingStderr((diag) => {
    const why = (e?: unknown) => diag() ?? (e instanceof Error ? e.message : e === undefined ? "unknown error" : String(e));
    let file: H5File;
    try {
      file = new L.h5.File(path, "r");
    } catch (e) {
      fail(where, `${label} (HDF5): the HDF5 library cannot open it: ${why(e)}`);
    }
    if (typeof file.file_id !== "bigint" || file.file_id < 0n) fail(where, `${label} (HDF5): the HDF5 library cannot open it: ${why()}`);
    try {
      return f(file, L);
    } catch (e) {
      if (e instanceof Error && e.name === "LiquidwaveError") throw e;
      fail(where, `${label} (HDF5): read failed: ${why(e)}`);
    } finally {
      try {
        file.close();
      } catch {
        // closing a file whose open failed half-way: nothing more to release
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Types

const H5T = { INTEGER: 0, FLOAT: 1, STRING: 3, COMPOUND: 6, REFERENCE: 7, ENUM: 8 } as const;

/** How a dataset's element type maps to ours. */
type ElemKind =
  | { kind: "real"; dtype: DType; size: number; signed: boolean; float: boolean; half: boolean }
  | { kind: "complex"; dtype: DType; size: number; reOff: number; imOff: number; partSize: number }
  | { kind: "reference" }
  | { kind: "other"; what: string };

function realDType(float: boolean, size: number, signed: boolean): DType | "float16" | undefined {
  if (float) return size === 2 ? "float16" : size === 4 ? "float32" : size === 8 ? "float64" : undefined;
  const t: Record<number, DType> = signed
    ? { 1: "int8", 2: "int16", 4: "int32", 8: "int64" }
    : { 1: "uint8", 2: "uint16", 4: "uint32", 8: "uint64" };
  return t[size];
}

function elemKind(md: H5Metadata): ElemKind {
  if (md.type === H5T.INTEGER || md.type === H5T.FLOAT) {
    const float = md.type === H5T.FLOAT;
    const d = realDType(float, md.size, md.signed);
    if (d === undefined) return { kind: "other", what: `${float ? "float" : "int"}${md.size * 8}` };
    return { kind: "real", dtype: d === "float16" ? "float32" : d, size: md.size, signed: md.signed, float, half: d === "float16" };
  }
  if (md.type === H5T.COMPOUND && md.compound_type) {
    const m = md.compound_type.members;
    const names = m.map((x) => x.name).join(",");
    if (
      m.length === 2 &&
      (names === "real,imag" || names === "r,i") &&
      m.every((x) => x.type === H5T.FLOAT && x.size === m[0]!.size) &&
      (m[0]!.size === 4 || m[0]!.size === 8)
    ) {
      return {
        kind: "complex",
        dtype: m[0]!.size === 4 ? "complex64" : "complex128",
        size: md.size,
        reOff: m[0]!.offset,
        imOff: m[1]!.offset,
        partSize: m[0]!.size,
      };
    }
    return { kind: "other", what: "compound" };
  }
  if (md.type === H5T.REFERENCE) return { kind: "reference" };
  if (md.type === H5T.STRING) return { kind: "other", what: "string" };
  if (md.type === H5T.ENUM) return { kind: "other", what: "enum" };
  return { kind: "other", what: `hdf5 type class ${md.type}` };
}

/** Read a dataset's raw bytes slab by slab along its first axis and decode them. */
function readNumeric(file: H5File, module: Awaited<H5Lib["ready"]>, ds: H5Dataset, k: ElemKind, where: string): NdArray {
  if (k.kind !== "real" && k.kind !== "complex") fail(where, `${file.filename}: dataset '${ds.path}' is not numeric`);
  const md = ds.metadata;
  // A null dataspace (shape null: no data at all) reads as an empty array [0], as h5py's Empty.
  const shape = md.shape ?? [0];
  const n = checkedSize(where, shape);
  const size = md.size;
  // HDF5 sizes are not bounded by the file size (compression, fill values): allocate carefully.
  let data: NdArray["data"];
  let imag: NdArray["data"] | undefined;
  checkBudget(
    where,
    `${file.filename}: dataset '${ds.path}' ${formatShape(shape)} ${k.dtype}`,
    2 * n * partBytes(k.dtype) * (k.kind === "complex" ? 2 : 1),
  );
  try {
    data = allocPart(k.dtype, n);
    imag = k.kind === "complex" ? allocPart(k.dtype, n) : undefined;
  } catch {
    fail(where, `${file.filename}: dataset '${ds.path}' of shape ${formatShape(shape)} (${n} elements) is too large to load into memory`);
  }
  if (n === 0) return imag ? { shape, dtype: k.dtype, data, imag } : { shape, dtype: k.dtype, data };
  const rowElems = shape.length === 0 ? 1 : n / shape[0]!;
  const rows = shape.length === 0 ? 1 : shape[0]!;
  const rowsPerSlab = Math.max(1, Math.floor(SLAB_BYTES / Math.max(1, rowElems * size)));
  let done = 0;
  for (let r0 = 0; r0 < rows; r0 += rowsPerSlab) {
    const nr = Math.min(rowsPerSlab, rows - r0);
    const count = nr * rowElems;
    const nbytes = count * size;
    const ptr = module._malloc(nbytes);
    if (!ptr) fail(where, `${file.filename}: cannot allocate ${nbytes} bytes in the HDF5 heap for '${ds.path}'`);
    let raw: Uint8Array;
    try {
      const status =
        shape.length === 0
          ? module.get_dataset_data(file.file_id, ds.path, null, null, null, BigInt(ptr))
          : module.get_dataset_data(
              file.file_id,
              ds.path,
              [BigInt(nr), ...shape.slice(1).map(BigInt)],
              [BigInt(r0), ...shape.slice(1).map(() => 0n)],
              shape.map(() => 1n),
              BigInt(ptr),
            );
      if (status < 0) fail(where, `${file.filename}: HDF5 read of '${ds.path}' failed (truncated or corrupt file?)`);
      raw = module.HEAPU8.slice(ptr, ptr + nbytes);
    } finally {
      module._free(ptr);
    }
    if (k.kind === "real") {
      // h5wasm converts big-endian data to little-endian while reading (its memory type is LE).
      if (!HOST_LITTLE_ENDIAN) swapBytes(raw, k.size);
      if (k.half) {
        const h = new Uint16Array(raw.buffer, 0, count);
        const f = data as Float32Array;
        for (let i = 0; i < count; i++) f[done + i] = halfToFloat(h[i]!);
      } else bytesOf(data).set(raw, done * k.size);
      if (k.dtype === "bool") {
        const b = data as Uint8Array;
        for (let i = done; i < done + count; i++) b[i] = b[i] ? 1 : 0;
      }
    } else {
      // Compound elements: pick the two members at their offsets (any padding, any order).
      const re = data as Float64Array;
      const im = imag as Float64Array;
      const dv = new DataView(raw.buffer);
      const get = k.partSize === 8 ? (o: number) => dv.getFloat64(o, true) : (o: number) => dv.getFloat32(o, true);
      for (let i = 0, o = 0; i < count; i++, o += size) {
        re[done + i] = get(o + k.reOff);
        im[done + i] = get(o + k.imOff);
      }
    }
    done += count;
  }
  return imag ? { shape, dtype: k.dtype, data, imag } : { shape, dtype: k.dtype, data };
}

// ---------------------------------------------------------------------------------------------
// Walking the file

/** A leaf found while walking: how to describe it and how to load it. */
interface Leaf {
  info: VariableInfo;
  load?: () => NdArray;
}

/** MATLAB's attributes are a few bytes; a larger declared attribute (a corrupt file) is not read. */
const MAX_ATTR_BYTES = 1 << 16;

/** The MATLAB attributes of one object, read with one call for the names and one per attribute present. */
interface MatlabAttrs {
  /** `MATLAB_class` (e.g. "double", "struct", "cell"), if any. */
  cls?: string;
  /** `MATLAB_sparse` is present. */
  sparse: boolean;
  /** `MATLAB_empty` is present and not zero. */
  empty: boolean;
}

/**
 * A MATLAB attribute read as bytes (one metadata and one data call, without h5wasm's decoding):
 * a fixed-length string as text, an integer or float as "is its first element non-zero".
 */
function attrValue(obj: H5Dataset | H5Group, module: Awaited<H5Lib["ready"]>, name: string): string | boolean | undefined {
  try {
    const md = module.get_attribute_metadata(obj.file_id, obj.path, name);
    const nbytes = md.size * md.total_size;
    if (!md.shape || nbytes <= 0 || nbytes > MAX_ATTR_BYTES) return undefined;
    if (md.type !== H5T.STRING && md.type !== H5T.INTEGER && md.type !== H5T.FLOAT) return undefined;
    if (md.vlen) {
      // A variable-length string (h5py, h5wasm): h5wasm reads it and frees its memory.
      if (md.type !== H5T.STRING || md.total_size !== 1) return undefined;
      const v = obj.get_attribute(name, true);
      return typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : undefined;
    }
    const ptr = module._malloc(nbytes);
    if (!ptr) return undefined;
    let raw: Uint8Array;
    try {
      if (module.get_attribute_data(obj.file_id, obj.path, name, BigInt(ptr)) < 0) return undefined;
      raw = module.HEAPU8.slice(ptr, ptr + nbytes);
    } finally {
      module._free(ptr);
    }
    if (md.type === H5T.STRING) {
      const end = raw.indexOf(0);
      return new TextDecoder("latin1").decode(end < 0 ? raw : raw.subarray(0, end)).trimEnd();
    }
    // h5wasm converts to little-endian; a float -0 (only the sign bit set) is zero too.
    const first = raw.subarray(0, md.size);
    return first.some((x, i) => x !== 0 && !(md.type === H5T.FLOAT && i === md.size - 1 && x === 0x80));
  } catch {
    return undefined;
  }
}

function matlabAttrs(obj: H5Dataset | H5Group, module: Awaited<H5Lib["ready"]>): MatlabAttrs {
  let names: string[];
  try {
    names = module.get_attribute_names(obj.file_id, obj.path);
  } catch {
    return { sparse: false, empty: false };
  }
  const out: MatlabAttrs = { sparse: names.includes("MATLAB_sparse"), empty: false };
  if (names.includes("MATLAB_class")) {
    const v = attrValue(obj, module, "MATLAB_class");
    if (typeof v === "string") out.cls = v;
  }
  if (names.includes("MATLAB_empty")) {
    out.empty = attrValue(obj, module, "MATLAB_empty") === true;
  }
  return out;
}

const MATLAB_NUMERIC: Record<string, DType> = {
  double: "float64",
  single: "float32",
  int8: "int8",
  uint8: "uint8",
  int16: "int16",
  uint16: "uint16",
  int32: "int32",
  uint32: "uint32",
  int64: "int64",
  uint64: "uint64",
  logical: "bool",
};

/** An HDF5 object reference (8 bytes, little-endian: the object header's address) as a map key. */
function addressOf(ref: ArrayLike<number>): bigint {
  let a = 0n;
  for (let i = 7; i >= 0; i--) a = (a << 8n) | BigInt(ref[i]! & 0xff);
  return a;
}

function isDataset(e: unknown, L: { h5: H5Lib }): e is H5Dataset {
  return e instanceof L.h5.Dataset;
}
function isGroup(e: unknown, L: { h5: H5Lib }): e is H5Group {
  return e instanceof L.h5.Group;
}

/** Walk a plain HDF5 file: every dataset, `group/name` paths, `_re`/`_im` pairs joined. */
function walkHdf5(file: H5File, L: { h5: H5Lib; module: Awaited<H5Lib["ready"]> }, where: string): Leaf[] {
  const out: Leaf[] = [];
  let nodes = 0;
  const visit = (g: H5Group, prefix: string, depth: number) => {
    if (depth > 64) fail(where, `${file.filename}: groups nested more than 64 deep`);
    if (++nodes > MAX_NODES)
      fail(where, `${file.filename}: more than ${MAX_NODES} groups reached at '${prefix}' (hard links revisiting groups?)`);
    const keys = g.keys();
    const entries = new Map(keys.map((k) => [k, g.get(k)]));
    const paired = new Set<string>();
    for (const k of keys) {
      const m = /^(.*)_re$/.exec(k);
      if (!m) continue;
      const re = entries.get(k);
      const im = entries.get(`${m[1]}_im`);
      if (!isDataset(re, L) || !isDataset(im, L)) continue;
      const kr = elemKind(re.metadata);
      const ki = elemKind(im.metadata);
      if (kr.kind !== "real" || ki.kind !== "real" || formatShape(re.shape ?? [0]) !== formatShape(im.shape ?? [0])) continue;
      paired.add(k).add(`${m[1]}_im`);
      const dtype: DType = kr.dtype === "float32" && ki.dtype === "float32" ? "complex64" : "complex128";
      const shape = re.shape ?? [0];
      out.push({
        info: { name: prefix + m[1], shape, dtype, readable: true, note: `joined from ${m[1]}_re and ${m[1]}_im` },
        load: () => {
          const a = readNumeric(file, L.module, re, kr, where);
          const b = readNumeric(file, L.module, im, ki, where);
          const part: DType = dtype === "complex64" ? "float32" : "float64";
          const conv = (x: NdArray) => (x.dtype === part ? x.data : Float64Array.from(x.data as ArrayLike<number>, Number));
          return { shape, dtype, data: conv(a), imag: conv(b) };
        },
      });
    }
    for (const k of keys) {
      if (paired.has(k)) continue;
      const e = entries.get(k);
      const path = prefix + k;
      if (isGroup(e, L)) visit(e, path + "/", depth + 1);
      else if (isDataset(e, L)) {
        const kind = elemKind(e.metadata);
        const shape = e.shape ?? [0];
        if (kind.kind === "real" || kind.kind === "complex") {
          out.push({
            info: {
              name: path,
              shape,
              dtype: kind.dtype,
              readable: true,
              ...(kind.kind === "real" && kind.half ? { note: "float16 in the file, read as float32" } : {}),
            },
            load: () => readNumeric(file, L.module, e, kind, where),
          });
        } else {
          const what = kind.kind === "reference" ? "reference" : kind.what;
          out.push({ info: { name: path, shape, dtype: what, readable: false, note: `HDF5 ${what} data is not a numeric array` } });
        }
      }
    }
  };
  visit(file, "", 0);
  return out;
}

/** Walk a MATLAB v7.3 file: MATLAB shapes, structs as `s.f`, cells as `c{k}`. */
function walkMat73(file: H5File, L: { h5: H5Lib; module: Awaited<H5Lib["ready"]> }, where: string): Leaf[] {
  const out: Leaf[] = [];
  // References may form a DAG (shared targets) or a cycle: every visit counts against a node
  // budget, and a target already on the path being walked is a cycle.
  let nodes = 0;
  let revisits = 0;
  const seen = new Set<string>();
  const stack: string[] = [];
  const visit = (e: unknown, path: string, depth: number): void => {
    if (depth > 64) fail(where, `${file.filename}: '${path}' is nested more than 64 levels deep`);
    if (++nodes > MAX_NODES) {
      fail(where, `${file.filename}: more than ${MAX_NODES} objects reached at '${path}' (references revisiting shared targets?)`);
    }
    const self = (e as { path?: string } | null)?.path;
    if (self !== undefined && stack.includes(self)) fail(where, `${file.filename}: '${path}' refers back to '${self}' (a reference cycle)`);
    // MATLAB shares targets only for leaves (empty values); a container (cell, struct) reached
    // again is a reference DAG, whose walk can grow exponentially: allow few such revisits.
    if (self !== undefined && seen.has(self) && (isGroup(e, L) || (isDataset(e, L) && elemKind(e.metadata).kind === "reference"))) {
      if (++revisits > MAX_REVISITS) {
        fail(where, `${file.filename}: shared containers revisited more than ${MAX_REVISITS} times (at '${path}': a reference DAG)`);
      }
    }
    if (self !== undefined) seen.add(self);
    if (self !== undefined) stack.push(self);
    try {
      visitNode(e, path, depth);
    } finally {
      if (self !== undefined) stack.pop();
    }
  };
  // Object references are resolved through an index of `#refs#` (object address -> path), built
  // on the first reference: h5wasm's dereference asks HDF5 for the target's name, which searches
  // the whole file for every reference (quadratic: 5,000 struct elements took minutes).
  let refIndex: Map<bigint, string> | undefined;
  const buildRefIndex = (): Map<bigint, string> => {
    const index = new Map<bigint, string>();
    const refs = file.get("#refs#");
    if (!isGroup(refs, L)) return index;
    for (const k of refs.keys()) {
      if (++nodes > MAX_NODES) fail(where, `${file.filename}: more than ${MAX_NODES} objects in '#refs#'`);
      const target = `/#refs#/${k}`;
      try {
        const ref = L.module.create_object_reference(file.file_id, target);
        if (ref.length === 8) index.set(addressOf(ref), target);
      } catch {
        // not an object HDF5 can reference (e.g. a dangling link): resolved the slow way if used
      }
    }
    return index;
  };
  const deref = (r: unknown): unknown => {
    const data = (r as { ref_data?: Uint8Array } | null)?.ref_data;
    if (data instanceof Uint8Array && data.length === 8) {
      refIndex ??= buildRefIndex();
      const target = refIndex.get(addressOf(data));
      if (target !== undefined) return file.get(target);
    }
    return file.dereference(r as never);
  };
  /** The references of a dataset of object references, its size checked against the budget first. */
  const referencesOf = (ds: H5Dataset, path: string): unknown[] => {
    const n = checkedSize(where, ds.shape ?? [0]);
    if (n + nodes > MAX_NODES)
      fail(where, `${file.filename}: '${path}' holds ${n} references, more than the ${MAX_NODES} objects a walk may visit`);
    const refs = ds.value as unknown;
    if (!Array.isArray(refs)) fail(where, `${file.filename}: '${path}' is a reference dataset HDF5 cannot read`);
    return refs;
  };
  const visitNode = (e: unknown, path: string, depth: number): void => {
    if (isGroup(e, L)) {
      const ga = matlabAttrs(e, L.module);
      if (ga.sparse) {
        out.push({ info: { name: path, shape: [], dtype: "sparse", readable: false, note: "MATLAB sparse values are not supported" } });
        return;
      }
      if (ga.cls !== undefined && ga.cls !== "struct") {
        out.push({ info: { name: path, shape: [], dtype: ga.cls, readable: false, note: `MATLAB ${ga.cls} objects are not supported` } });
        return;
      }
      const keys = e.keys().filter((k) => !k.startsWith("#"));
      // A struct array stores each field as a dataset of references, one per element.
      const fields = keys.map((k) => [k, e.get(k)] as const);
      const refFields = fields.filter(
        ([, v]) => isDataset(v, L) && elemKind(v.metadata).kind === "reference" && matlabAttrs(v, L.module).cls === undefined,
      );
      if (refFields.length > 0 && refFields.length === fields.length) {
        const n = checkedSize(where, (refFields[0]![1] as H5Dataset).shape ?? [0]);
        // Each field's references are read once (reading them per element was quadratic).
        const refsOf = refFields.map(([k, v]) => {
          const refs = referencesOf(v as H5Dataset, `${path}.${k}`);
          if (refs.length < n) fail(where, `${file.filename}: struct array '${path}' field '${k}' has fewer than ${n} references`);
          return [k, refs] as const;
        });
        for (let i = 0; i < n; i++) {
          for (const [k, refs] of refsOf) visit(deref(refs[i]), n === 1 ? `${path}.${k}` : `${path}(${i + 1}).${k}`, depth + 1);
        }
        return;
      }
      if (keys.length === 0) {
        out.push({ info: { name: path, shape: [1, 1], dtype: "struct", readable: false, note: "empty struct" } });
        return;
      }
      for (const [k, v] of fields) visit(v, path === "" ? k : `${path}.${k}`, depth + 1);
      return;
    }
    if (!isDataset(e, L)) return;
    const da = matlabAttrs(e, L.module);
    const cls = da.cls;
    const h5shape = e.shape ?? [0];
    const dims = [...h5shape].reverse();
    if (dims.length === 1) dims.push(1);
    if (da.empty) {
      // Empty arrays store their dims as data; load as a zero-size array of that shape.
      const dt = cls !== undefined ? MATLAB_NUMERIC[cls] : undefined;
      let edims: number[] = [0, 0];
      const count = h5shape.reduce((p, d) => p * d, 1);
      const v = count <= 32 ? e.value : undefined;
      if (v && typeof v === "object" && "length" in v) edims = Array.from(v as ArrayLike<number | bigint>, Number);
      // The stored dims of an empty array hold a zero (MATLAB writes e.g. [0, 5]); other dims are
      // a corrupt marker, read as scipy does: an empty array ([0, 0] when no dim is zero).
      if (!edims.every((d) => Number.isSafeInteger(d) && d >= 0) || edims.length < 2) edims = [0, 0];
      if (!edims.includes(0)) edims = [0, 0];
      const dtype: DType = dt ?? "float64";
      if (cls === "cell" || cls === "struct" || cls === "char" || dt === undefined) {
        out.push({ info: { name: path, shape: edims, dtype: cls ?? "empty", readable: false, note: `empty ${cls ?? "value"}` } });
      } else {
        out.push({
          info: { name: path, shape: edims, dtype, readable: true, note: "empty" },
          load: () => ({ shape: edims, dtype, data: allocPart(dtype, 0) }),
        });
      }
      return;
    }
    const kind = elemKind(e.metadata);
    if (cls === "cell" || kind.kind === "reference") {
      const refs = referencesOf(e, path);
      refs.forEach((r, i) => visit(deref(r), `${path}{${i + 1}}`, depth + 1));
      if (refs.length === 0) out.push({ info: { name: path, shape: dims, dtype: "cell", readable: false, note: "empty cell" } });
      return;
    }
    if (cls === "char") {
      out.push({ info: { name: path, shape: dims, dtype: "char", readable: false, note: "text, not a numeric array" } });
      return;
    }
    if (kind.kind !== "real" && kind.kind !== "complex") {
      const what = kind.kind === "other" ? kind.what : "reference";
      out.push({ info: { name: path, shape: dims, dtype: cls ?? what, readable: false, note: `${what} data is not a numeric array` } });
      return;
    }
    const dtype: DType = cls === "logical" ? "bool" : kind.dtype;
    // Without a MATLAB_class attribute (a plain HDF5 dataset inside a .mat) keep HDF5's order.
    const matlab = cls !== undefined;
    const shape = matlab ? dims : h5shape;
    out.push({
      info: { name: path, shape, dtype, readable: true },
      load: () => {
        const a = readNumeric(file, L.module, e, kind, where);
        if (!matlab) return a;
        let data = colMajorToRowMajor(a.data, shape);
        if (dtype === "bool") data = Uint8Array.from(data as Uint8Array, (x) => (x ? 1 : 0));
        return a.imag ? { shape, dtype, data, imag: colMajorToRowMajor(a.imag, shape) } : { shape, dtype, data };
      },
    });
  };
  for (const k of file.keys()) {
    if (k.startsWith("#")) continue; // #refs# (cell/struct-array storage), #subsystem# (objects)
    visit(file.get(k), k, 0);
  }
  return out;
}

function walk(file: H5File, L: { h5: H5Lib; module: Awaited<H5Lib["ready"]> }, matlab: boolean, where: string): Leaf[] {
  return matlab ? walkMat73(file, L, where) : walkHdf5(file, L, where);
}

/** Variables of an HDF5 / MATLAB v7.3 file (metadata only). */
export async function inspectHdf5(input: Hdf5Input, matlab: boolean, where = "hdf5"): Promise<VariableInfo[]> {
  return withH5(input, where, (file, L) => walk(file, L, matlab, where).map((l) => l.info));
}

/** Load the named leaves (default: every readable one). */
function loadLeaves(leaves: Leaf[], names: readonly string[] | undefined, label: string, where: string): Map<string, NdArray> {
  const byName = new Map(leaves.map((l) => [l.info.name, l]));
  const out = new Map<string, NdArray>();
  const wanted = names ?? leaves.filter((l) => l.load).map((l) => l.info.name);
  for (const n of wanted) {
    const l = byName.get(n);
    if (!l) {
      const list = leaves.map((x) => x.info.name);
      fail(
        where,
        `${label} has no variable '${n}' (variables: ${list.slice(0, 12).join(", ") || "none"}${list.length > 12 ? ", ..." : ""})`,
      );
    }
    if (!l.load)
      fail(
        where,
        `${label}: variable '${n}' is ${l.info.dtype} ${formatShape(l.info.shape)}, not a numeric array${l.info.note ? ` (${l.info.note})` : ""}`,
      );
    out.set(n, l.load());
  }
  return out;
}

/**
 * Read numeric variables of an HDF5 / MATLAB v7.3 file: all readable ones, or `names`.
 * @param input - a path (Node) or the file's bytes and name (browser; see {@link Hdf5Input})
 * @throws LiquidwaveError for a missing or non-numeric variable, or a file HDF5 cannot read
 */
export async function readHdf5(
  input: Hdf5Input,
  matlab: boolean,
  names: readonly string[] | undefined,
  where = "hdf5",
): Promise<Map<string, NdArray>> {
  const label = typeof input === "string" ? input : input.label;
  return withH5(input, where, (file, L) => loadLeaves(walk(file, L, matlab, where), names, label, where));
}

/**
 * {@link inspectHdf5} and {@link readHdf5} in one opening of the file.
 * @returns the variables as `inspectHdf5` lists them, and the arrays `readHdf5` loads
 */
export async function inspectAndReadHdf5(
  input: Hdf5Input,
  matlab: boolean,
  names: readonly string[] | undefined,
  where = "hdf5",
): Promise<{ variables: VariableInfo[]; arrays: Map<string, NdArray> }> {
  const label = typeof input === "string" ? input : input.label;
  return withH5(input, where, (file, L) => {
    const leaves = walk(file, L, matlab, where);
    return { variables: leaves.map((l) => l.info), arrays: loadLeaves(leaves, names, label, where) };
  });
}
