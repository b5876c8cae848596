/** Core numerics: tensors, complex tensors, the seeded RNG and input checks. */
export * from "./errors.ts";
export * from "./tensor.ts";
export * from "./complex.ts";
export * from "./random.ts";
export * from "./ndarray.ts";
export * from "./python-literal.ts";
export * from "./special.ts";
export * from "./fs.ts";
export * from "./validate.ts";
export * from "./bessel.ts";
export * from "./normal.ts";
export * as linalg from "./linalg/index.ts";
export {
  heapF64,
  heapFrom,
  heapI32,
  heapSubview,
  isHeapView,
  setHeapAllocation,
  setHeapLimit,
  heapStats,
  HeapArena,
  HeapFullError,
  kernelCalls,
} from "./wasm/alloc.ts";
export { wasmRuntime, type WasmRuntime } from "./wasm/runtime.ts";
