/**
 * Allocation on the WebAssembly heap, and the test every fast path makes before calling a kernel:
 * "are all these arrays heap views?" Cells allocate parameters, gradients and caches with
 * {@link heapF64} (by default on the heap), so their kernels run in place; arrays from anywhere
 * else (user tensors, plain Float64Arrays) take the JavaScript path, which is also the oracle the
 * kernels are tested against.
 */
import { hostWarning } from "../platform.ts";
import { wasmRuntime, type Kernels } from "./runtime.ts";

let onHeapByDefault = true;

/**
 * Whether {@link heapF64} allocates on the heap (default) or returns plain Float64Arrays (which
 * forces the JavaScript kernels; used by tests to compare both). Returns the previous setting.
 * Affects only allocations made afterwards.
 */
export function setHeapAllocation(on: boolean): boolean {
  const prev = onHeapByDefault;
  onHeapByDefault = on;
  return prev;
}

/** Count of kernel calls by family (lets tests assert that the fast paths actually ran). */
export const kernelCalls = { gemm: 0, elementwise: 0, cfc: 0, ltc: 0 };

let warnedFull = false;

/**
 * The heap is full (2 GiB of live blocks): say so once. Blocks come back only when their views
 * are garbage-collected *and* the event loop turns (FinalizationRegistry), so a synchronous loop
 * that builds thousands of models can get here; later buffers are plain arrays (correct, slower).
 */
function heapFull<T>(fallback: T): T {
  if (!warnedFull) {
    warnedFull = true;
    hostWarning(
      "WebAssembly heap is full (2 GiB of live buffers); new buffers use plain arrays and the slower JavaScript kernels",
      "LIQUIDWAVE_HEAP_FULL",
    );
  }
  return fallback;
}

/** A zeroed Float64Array of n elements: on the heap when possible, else an ordinary array. */
export function heapF64(n: number): Float64Array {
  const rt = onHeapByDefault ? wasmRuntime() : null;
  if (!rt) return new Float64Array(n);
  return rt.heap.f64(n) ?? heapFull(new Float64Array(n));
}

/** A zeroed Int32Array of n elements: on the heap when possible. */
export function heapI32(n: number): Int32Array {
  const rt = onHeapByDefault ? wasmRuntime() : null;
  if (!rt) return new Int32Array(n);
  return rt.heap.i32(n) ?? heapFull(new Int32Array(n));
}

/** A heap copy of `values` (see {@link heapF64}). */
export function heapFrom(values: ArrayLike<number>): Float64Array {
  const a = heapF64(values.length);
  for (let i = 0; i < values.length; i++) a[i] = values[i]!;
  return a;
}

/**
 * `parent.subarray(begin, end)` that keeps the parent's heap block alive for as long as it lives
 * itself. Use it for any sub-view that may outlive its parent (e.g. per-head parameter views).
 */
export function heapSubview(parent: Float64Array, begin: number, end: number): Float64Array {
  const rt = wasmRuntime();
  return rt && rt.heap.owns(parent) ? rt.heap.subview(parent, begin, end) : parent.subarray(begin, end);
}

/** True when `a` lives on the WebAssembly heap. */
export function isHeapView(a: ArrayBufferView): boolean {
  const rt = wasmRuntime();
  return rt !== null && rt.heap.owns(a);
}

/** The kernels, if every given array is a heap view; else null (use the JavaScript path). */
export function heapKernels(...arrays: (ArrayBufferView | null | undefined)[]): Kernels | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  for (const a of arrays) if (a && !rt.heap.owns(a)) return null;
  return rt.kernels;
}

/** Byte address of element `offset` of a heap view. */
export function addr(a: Float64Array | Int32Array, offset = 0): number {
  return a.byteOffset + offset * a.BYTES_PER_ELEMENT;
}
