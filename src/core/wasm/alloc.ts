/**
 * Allocation on the WebAssembly heap, and the test every fast path makes before calling a kernel:
 * "are all these arrays heap views?" Cells allocate parameters, gradients and caches with
 * {@link heapF64} (by default on the heap), so their kernels run in place; arrays from anywhere
 * else (user tensors, plain Float64Arrays) take the JavaScript path, which is also the oracle the
 * kernels are tested against.
 *
 * Ownership: inside {@link HeapArena.run} (a model's constructor and calls, an optimiser state)
 * the helpers allocate from that arena, which frees everything in its `dispose()`. Outside any
 * arena (a cell or layer built directly) they return GC-tracked blocks (see heap.ts).
 *
 * Limit: the heap grows on demand up to {@link setHeapLimit} (default and maximum 2 GiB); a
 * request beyond it throws a {@link HeapFullError} naming the request, the bytes in use and the limit.
 */
import { type DType, type Floats, isF32 } from "../dtype.ts";
import { failHeapFull, HeapArena, setArenaHeap } from "./arena.ts";
import { MAX_HEAP_BYTES } from "./heap.ts";
import { wasmRuntime, type Kernels } from "./runtime.ts";

export { HeapArena, HeapFullError } from "./arena.ts";

let onHeapByDefault = true;

/**
 * Whether {@link heapF64} allocates on the heap (default) or returns plain Float64Arrays (which
 * forces the JavaScript kernels; used by tests to compare both). Returns the previous setting.
 * Affects only allocations made afterwards.
 */
export function setHeapAllocation(on: boolean): boolean {
  const prev = onHeapByDefault;
  onHeapByDefault = on;
  setArenaHeap(on);
  return prev;
}

/**
 * Set the most bytes the WebAssembly heap may grow to (rounded down to 64 KiB pages; default and
 * maximum {@link MAX_HEAP_BYTES} = 2 GiB). Memory already grown is not returned to the system, so
 * a limit below the current size only stops further growth. Returns the previous limit (0 when
 * WebAssembly is unavailable).
 */
export function setHeapLimit(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes < 65536 || bytes > MAX_HEAP_BYTES)
    throw new RangeError(`setHeapLimit: bytes must be in [65536, ${MAX_HEAP_BYTES}], got ${bytes}`);
  const rt = wasmRuntime();
  if (!rt) return 0;
  const prev = rt.heap.limitBytes;
  rt.heap.limitBytes = Math.floor(bytes / 65536) * 65536;
  return prev;
}

/** Heap statistics: bytes in live blocks, high-water mark (bump pointer), bytes spanned, limit; null without WebAssembly. */
export function heapStats(): { inUse: number; highWater: number; size: number; limit: number; ownedBlocks: number } | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  const h = rt.heap;
  return { inUse: h.inUse, highWater: h.highWater, size: h.size, limit: h.limitBytes, ownedBlocks: h.ownedCount };
}

/** Count of kernel calls by family (lets tests assert that the fast paths actually ran). */
export const kernelCalls = { gemm: 0, elementwise: 0, cfc: 0, ltc: 0 };

/** A zeroed Float64Array of n elements: from the current arena, else a GC-tracked heap block, else an ordinary array. */
export function heapF64(n: number): Float64Array {
  const arena = HeapArena.current();
  if (arena) return arena.f64(n);
  const rt = onHeapByDefault ? wasmRuntime() : null;
  if (!rt) return new Float64Array(n);
  return rt.heap.f64(n) ?? failHeapFull("heapF64", rt.heap, n * 8);
}

/** The number format of the current arena (a model's), `"float64"` outside any arena. */
export function currentDtype(): DType {
  return HeapArena.current()?.dtype ?? "float64";
}

/**
 * A zeroed buffer of n elements in the current arena's number format (a float32 model's layers get
 * Float32Arrays); outside any arena a float64 buffer as {@link heapF64}.
 */
export function heapFloat(n: number): Floats {
  const arena = HeapArena.current();
  return arena ? arena.float(n) : heapF64(n);
}

/** A copy of `values` in the current arena's number format (see {@link heapFloat}). */
export function heapFloatFrom(values: ArrayLike<number>): Floats {
  const a = heapFloat(values.length);
  for (let i = 0; i < values.length; i++) a[i] = values[i]!;
  return a;
}

/** A zeroed Int32Array of n elements (see {@link heapF64}). */
export function heapI32(n: number): Int32Array {
  const arena = HeapArena.current();
  if (arena) return arena.i32(n);
  const rt = onHeapByDefault ? wasmRuntime() : null;
  if (!rt) return new Int32Array(n);
  return rt.heap.i32(n) ?? failHeapFull("heapI32", rt.heap, n * 4);
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
export function heapSubview<T extends Floats>(parent: T, begin: number, end: number): T {
  const rt = wasmRuntime();
  if (isF32(parent)) return parent.subarray(begin, end) as T; // float32 buffers come from arenas only
  // Owned blocks (from an arena) live until their arena is disposed: a plain sub-view suffices.
  return rt?.heap.owns(parent) && rt.heap.isTracked(parent)
    ? (rt.heap.subview(parent as Float64Array, begin, end) as T)
    : (parent.subarray(begin, end) as T);
}

/** True when `a` lives on the WebAssembly heap. */
export function isHeapView(a: ArrayBufferView): boolean {
  const rt = wasmRuntime();
  return rt !== null && rt.heap.owns(a);
}

/**
 * The (float64) kernels, if every given array is a heap view and none is float32; else null (use
 * the JavaScript path, which works in either format). Float32 buffers use {@link heapKernels32}.
 */
export function heapKernels(...arrays: (ArrayBufferView | null | undefined)[]): Kernels | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  for (const a of arrays) if (a && (!rt.heap.owns(a) || isF32(a))) return null;
  return rt.kernels;
}

/** The kernels for float32 buffers: every given array a heap view and none float64; else null. */
export function heapKernels32(...arrays: (ArrayBufferView | null | undefined)[]): Kernels | null {
  const rt = wasmRuntime();
  if (!rt) return null;
  for (const a of arrays) if (a && (!rt.heap.owns(a) || a instanceof Float64Array)) return null;
  return rt.kernels;
}

/**
 * The kernels for arrays of one number format: {@link heapKernels32} when the first is float32,
 * else {@link heapKernels} (callers pick the `…32` kernel by the same test).
 */
export function heapKernelsOf(
  first: Floats,
  b?: ArrayBufferView | null,
  c?: ArrayBufferView | null,
  d?: ArrayBufferView | null,
  e?: ArrayBufferView | null,
  f?: ArrayBufferView | null,
  g?: ArrayBufferView | null,
): Kernels | null {
  // Fixed arity (no rest array and spread on the hot path of every layer call).
  return isF32(first) ? heapKernels32(first, b, c, d, e, f, g) : heapKernels(first, b, c, d, e, f, g);
}

/** Byte address of element `offset` of a heap view. */
export function addr(a: Float64Array | Float32Array | Int32Array, offset = 0): number {
  return a.byteOffset + offset * a.BYTES_PER_ELEMENT;
}
