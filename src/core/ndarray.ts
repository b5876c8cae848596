/**
 * N-dimensional arrays as read from or written to files (.npy, .npz, .mat, HDF5): typed storage
 * of the file's dtype, row-major (C order) after loading, complex as planar real/imaginary parts.
 * Numerical code converts them once, at the boundary, to {@link Tensor} / {@link ComplexTensor}.
 */
import { fail, formatShape } from "./errors.ts";
import type { ComplexTensor } from "./complex.ts";
import type { Tensor } from "./tensor.ts";
import { sizeOf } from "./tensor.ts";

export type RealDType = "float32" | "float64" | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" | "bool";
export type ComplexDType = "complex64" | "complex128";
export type DType = RealDType | ComplexDType;

export type NumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** An array with the dtype of its file. `imag` is present iff the dtype is complex. */
export interface NdArray {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Real part (or the values), C order, `length === size(shape)`. */
  readonly data: NumericArray;
  /** Imaginary part, same type and length as `data`, for complex dtypes only. */
  readonly imag?: NumericArray;
}

export function isComplexDType(d: DType): d is ComplexDType {
  return d === "complex64" || d === "complex128";
}

function toFloat64(a: NumericArray): Float64Array {
  if (a instanceof Float64Array) return a;
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]!);
  return out;
}

/** A real float64 tensor (copying only when the dtype is not float64). Complex is an error. */
export function ndToTensor(a: NdArray, where = "ndToTensor"): Tensor {
  if (isComplexDType(a.dtype)) fail(where, `expected a real array, got ${a.dtype} ${formatShape(a.shape)}`);
  return { shape: [...a.shape], data: toFloat64(a.data) };
}

/** A complex128 planar tensor; real arrays get a zero imaginary part. */
export function ndToComplex(a: NdArray): ComplexTensor {
  const n = sizeOf(a.shape);
  return {
    shape: [...a.shape],
    re: toFloat64(a.data),
    im: a.imag ? toFloat64(a.imag) : new Float64Array(n),
  };
}

/** Wrap a float64 tensor as an NdArray (no copy). */
export function tensorToNd(t: Tensor): NdArray {
  return { shape: [...t.shape], dtype: "float64", data: t.data };
}

/** Wrap a complex tensor as a complex128 NdArray (no copy). */
export function complexToNd(t: ComplexTensor): NdArray {
  return { shape: [...t.shape], dtype: "complex128", data: t.re, imag: t.im };
}
