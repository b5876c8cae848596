/**
 * Number formats of model memory. `"float64"` (the default) is the ncps-exact path: parameters,
 * gradients, caches and scratch are Float64Arrays and run the f64x2 kernels. `"float32"` stores
 * them as Float32Arrays and runs the f32x4 kernels (twice the lanes, half the memory traffic),
 * with PyTorch-float32 accuracy (relative error ~1e-6 per operation).
 *
 * The format is chosen per model: its {@link HeapArena} carries the dtype, and every buffer the
 * model's layers allocate through it (`heapFloat` in wasm/alloc.ts) has that element type. Code
 * that works on model buffers is typed for {@link Floats} (either array type); which kernel runs
 * is decided by the array type (`isF32`), so the float64 path is unchanged when no float32 model
 * exists. Inputs and outputs at the API boundary stay float64 (Tensor).
 */

/** The supported number formats. */
export const DTYPES = ["float64", "float32"] as const;
export type DType = (typeof DTYPES)[number];

/** A model buffer: float64 (default) or float32. */
export type Floats = Float64Array | Float32Array;

/** True when `a` is a float32 buffer (so the f32x4 kernels apply). */
export function isF32(a: ArrayBufferView): a is Float32Array {
  return a instanceof Float32Array;
}

/** A zeroed plain (non-heap) array of `n` elements in `dtype`. */
export function plainFloats(dtype: DType, n: number): Floats {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}
