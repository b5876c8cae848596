/**
 * Typed-array plumbing shared by the readers and writers: storage types per dtype, byte
 * swapping, and the column-major -> row-major reorder that MATLAB files and Fortran-ordered
 * .npy files need.
 */
import { fail, formatShape } from "../core/errors.ts";
import type { DType, NdArray, NumericArray } from "../core/ndarray.ts";
import { isComplexDType } from "../core/ndarray.ts";

/** True on little-endian hosts (every platform Node supports today; the swap path is kept honest anyway). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Ctor = { new (n: number): NumericArray; new (b: ArrayBuffer, o: number, n: number): NumericArray; readonly BYTES_PER_ELEMENT: number };

/** The typed array that stores one part (real or imaginary) of `dtype`. */
export function storageCtor(dtype: DType): Ctor {
  switch (dtype) {
    case "float64":
    case "complex128":
      return Float64Array as unknown as Ctor;
    case "float32":
    case "complex64":
      return Float32Array as unknown as Ctor;
    case "int8":
      return Int8Array as unknown as Ctor;
    case "int16":
      return Int16Array as unknown as Ctor;
    case "int32":
      return Int32Array as unknown as Ctor;
    case "int64":
      return BigInt64Array as unknown as Ctor;
    case "uint8":
    case "bool":
      return Uint8Array as unknown as Ctor;
    case "uint16":
      return Uint16Array as unknown as Ctor;
    case "uint32":
      return Uint32Array as unknown as Ctor;
    case "uint64":
      return BigUint64Array as unknown as Ctor;
  }
}

/** Bytes per element of one part (so complex64 -> 4). */
export function partBytes(dtype: DType): number {
  return storageCtor(dtype).BYTES_PER_ELEMENT;
}

/** A zeroed storage array of `n` elements for one part of `dtype`. */
export function allocPart(dtype: DType, n: number): NumericArray {
  return new (storageCtor(dtype))(n);
}

/** Number of elements of a shape, checking every extent is a non-negative safe integer. */
export function checkedSize(where: string, shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail(where, `invalid shape ${formatShape(shape)}`);
    n *= d;
  }
  if (!Number.isSafeInteger(n)) fail(where, `shape ${formatShape(shape)} has too many elements`);
  return n;
}

/**
 * Check an NdArray is self-consistent (storage type, lengths, imag iff complex) before writing it.
 * @throws LiquidwaveError naming `where` and the problem.
 */
export function checkNdArray(where: string, name: string, a: NdArray): void {
  const n = checkedSize(where, a.shape);
  const ctor = storageCtor(a.dtype);
  if (!(a.data instanceof (ctor as unknown as typeof Float64Array))) {
    fail(where, `${name}: dtype ${a.dtype} needs data as ${ctor.name}, got ${a.data?.constructor?.name}`);
  }
  if (a.data.length !== n) fail(where, `${name}: data has ${a.data.length} elements but shape ${formatShape(a.shape)} needs ${n}`);
  if (isComplexDType(a.dtype)) {
    if (!(a.imag instanceof (ctor as unknown as typeof Float64Array)) || a.imag.length !== n) {
      fail(where, `${name}: complex dtype ${a.dtype} needs imag as ${ctor.name} of ${n} elements`);
    }
  } else if (a.imag !== undefined) fail(where, `${name}: real dtype ${a.dtype} must not have imag`);
}

/** Reverse the byte order of each `size`-byte item of `bytes`, in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/** The bytes of a typed array (a view, no copy). */
export function bytesOf(a: NumericArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Reorder column-major (Fortran/MATLAB) storage into row-major (C) storage of the same shape:
 * element (i1, ..., in) sits at i1 + d1 (i2 + d2 (...)) in `src` and at (((i1) d2 + i2) d3 + ...)
 * in the result. Arrays of rank <= 1 (or with at most one non-unit axis) are returned as they are.
 */
export function colMajorToRowMajor<T extends NumericArray>(src: T, shape: readonly number[]): T {
  const nonUnit = shape.filter((d) => d !== 1).length;
  if (nonUnit <= 1) return src;
  const nd = shape.length;
  const n = src.length;
  const out = new (src.constructor as new (n: number) => T)(n);
  if (n === 0) return out;
  // number[] views keep one loop for every storage type (bigint arrays copy bigints the same way)
  const o = out as unknown as number[];
  const x = src as unknown as number[];
  if (nd === 2) {
    const [r, c] = shape as [number, number];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) o[i * c + j] = x[j * r + i]!;
    return out;
  }
  // Walk the destination in C order with an odometer, tracking the source offset incrementally.
  const fstride = new Array<number>(nd);
  let s = 1;
  for (let k = 0; k < nd; k++) {
    fstride[k] = s;
    s *= shape[k]!;
  }
  const last = nd - 1;
  const dLast = shape[last]!;
  const sLast = fstride[last]!;
  const idx = new Array<number>(nd).fill(0);
  let base = 0; // source offset of the start of the current innermost row
  for (let d = 0; d < n; d += dLast) {
    for (let j = 0, p = base; j < dLast; j++, p += sLast) o[d + j] = x[p]!;
    // advance the odometer over axes 0..last-1
    let ax = last - 1;
    while (ax >= 0) {
      idx[ax]!++;
      base += fstride[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      base -= fstride[ax]! * shape[ax]!;
      idx[ax] = 0;
      ax--;
    }
  }
  return out;
}

/** Same as {@link colMajorToRowMajor} for both parts of an NdArray. */
export function ndFromColMajor(a: NdArray): NdArray {
  return {
    shape: a.shape,
    dtype: a.dtype,
    data: colMajorToRowMajor(a.data, a.shape),
    ...(a.imag ? { imag: colMajorToRowMajor(a.imag, a.shape) } : {}),
  };
}

/** The byte chunks joined into one new buffer (Node's Buffer.concat, for any host). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
