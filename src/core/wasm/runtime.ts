/**
 * The WebAssembly runtime: one shared heap and one kernel module compiled against it, created
 * lazily on first use. Kernels take byte addresses into the heap (`view.byteOffset + 8·offset`),
 * element counts and 0/1 flags.
 *
 * If the engine lacks WebAssembly SIMD (or LIQUIDWAVE_WASM=0), {@link wasmRuntime} returns null
 * and every caller uses its JavaScript path.
 */
import { hasFusedMadd, hasWasmSimd, wasmWanted } from "./features.ts";
import { WasmHeap } from "./heap.ts";
import { ModuleBuilder } from "./module.ts";
import type { KernelContext } from "./kernels/context.ts";
import { emitElementwise } from "./kernels/elementwise.ts";
import { emitGemmNN, emitGemmNT } from "./kernels/gemm.ts";
import { emitCfcKernels } from "./kernels/cfc.ts";
import { emitLtcKernels } from "./kernels/ltc.ts";
import { emitOptimKernels } from "./kernels/optim.ts";
import { emitF32Kernels } from "./kernels/f32.ts";
import { emitGateKernels } from "./kernels/gates.ts";
import { emitGeluKernels } from "./kernels/gelu.ts";
import { EXP_TABLE_BYTES, writeExpTable } from "./kernels/vmath.ts";
import { checkKernelExports, checkKernelInstance, type Kernels } from "./signatures.ts";

export type { Kernels } from "./signatures.ts";

export interface WasmRuntime {
  readonly heap: WasmHeap;
  readonly kernels: Kernels;
  /** Whether the kernels use fused multiply-adds. */
  readonly fma: boolean;
  /** Size of the kernel module in bytes. */
  readonly moduleBytes: number;
}

let runtime: WasmRuntime | null | undefined;
/** The kernel module's bytes and the heap they import, prepared once (both synchronous steps). */
let prepared: { heap: WasmHeap; bytes: Uint8Array<ArrayBuffer>; fma: boolean; table: Float64Array } | null | undefined;
let compiling: Promise<void> | null = null;
/** Set when the engine refused synchronous compilation: only {@link ready} can compile then. */
let syncRefused = false;

function prepare(): typeof prepared {
  if (prepared !== undefined) return prepared;
  prepared = null;
  if (!wasmWanted() || !hasWasmSimd()) return null;
  const fma = hasFusedMadd();
  let heap: WasmHeap;
  try {
    heap = new WasmHeap();
  } catch {
    // Shared WebAssembly memory is unavailable (a browser page that is not cross-origin
    // isolated): the JavaScript kernels run instead.
    return null;
  }
  const table = heap.f64(EXP_TABLE_BYTES / 8);
  if (!table) return null;
  writeExpTable(table.buffer as SharedArrayBuffer, table.byteOffset);
  const mod = new ModuleBuilder();
  mod.importMemory("env", "memory", { initial: 1, maximum: heap.maxPages, shared: true });
  const scalarExp = mod.importFunction("env", "exp", { params: ["f64"], results: ["f64"] });
  const ctx: KernelContext = { fma, expTable: table.byteOffset, scalarExp };
  emitGemmNT(mod, ctx);
  emitGemmNN(mod, ctx);
  emitElementwise(mod, ctx);
  emitCfcKernels(mod, ctx);
  emitLtcKernels(mod, ctx);
  emitOptimKernels(mod, ctx);
  emitF32Kernels(mod, ctx);
  emitGateKernels(mod, ctx);
  emitGeluKernels(mod, ctx);
  // Exports against the one signature table: a missing, extra or mistyped kernel fails here.
  checkKernelExports(mod.exportedFunctions());
  prepared = { heap, bytes: mod.toBytes(), fma, table };
  return prepared;
}

function instantiate(p: NonNullable<typeof prepared>, module: WebAssembly.Module): WasmRuntime {
  const instance = new WebAssembly.Instance(module, { env: { memory: p.heap.memory, exp: Math.exp } });
  // The table view must stay reachable for as long as the module: keep it on the runtime object.
  return Object.assign(
    { heap: p.heap, kernels: checkKernelInstance(instance.exports), fma: p.fma, moduleBytes: p.bytes.length },
    { table: p.table },
  );
}

/**
 * The runtime, created on first call; null when WebAssembly SIMD (or shared memory) is
 * unavailable or disabled. Where the engine refuses to compile the module synchronously (a
 * browser's main thread), it is null until {@link ready} has resolved, and callers use their
 * JavaScript paths meanwhile.
 */
export function wasmRuntime(): WasmRuntime | null {
  if (runtime !== undefined) return runtime;
  if (syncRefused) return null;
  const p = prepare();
  if (!p) {
    runtime = null;
    return null;
  }
  try {
    runtime = instantiate(p, new WebAssembly.Module(p.bytes));
  } catch (e) {
    // Synchronous compilation refused (browsers limit it on the main thread): wait for ready().
    if (e instanceof RangeError) {
      syncRefused = true;
      return null;
    }
    throw e;
  }
  return runtime;
}

/**
 * Prepare the WebAssembly kernels, compiling the module asynchronously (as browsers require on
 * their main thread). Resolves when the kernels are in place, or when they are unavailable (then
 * everything runs in JavaScript, with the same numbers up to rounding). In Node the kernels are
 * also prepared on first use without it; calling it first moves the one-off ~10 ms compilation
 * out of the first model call.
 */
export function ready(): Promise<void> {
  if (runtime !== undefined) return Promise.resolve();
  const p = prepare();
  if (!p) {
    runtime = null;
    return Promise.resolve();
  }
  compiling ??= WebAssembly.compile(p.bytes).then((module) => {
    if (runtime === undefined) runtime = instantiate(p, module);
  });
  return compiling;
}
