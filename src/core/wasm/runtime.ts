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
import { EXP_TABLE_BYTES, writeExpTable } from "./kernels/vmath.ts";

type Fn<N extends number> = N extends 2 ? (a: number, b: number) => void
  : N extends 3 ? (a: number, b: number, c: number) => void
  : N extends 4 ? (a: number, b: number, c: number, d: number) => void
  : (...args: number[]) => void;

/** The exported kernels (see the generators in `kernels/` for the maths). */
export interface Kernels {
  /** C[m,n] = [C +] A[m,k]·B[n,k]ᵀ [+ bias[n]]: (a, b, c, m, k, n, accumulate, bias|0). */
  gemmNT(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number, bias: number): void;
  /** C[m,n] = [C +] A·B[k,n], A(i,p) at a + 8(i·as0 + p·as1): (a, as0, as1, b, c, m, k, n, accumulate). */
  gemmNN(a: number, as0: number, as1: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
  vexp: Fn<3>; vsigmoid: Fn<3>; vtanh: Fn<3>; vlecunTanh: Fn<3>; vrelu: Fn<3>; vsilu: Fn<3>;
  vlecunTanhBack: Fn<4>; vtanhBack: Fn<4>; vreluBack: Fn<4>; vsiluBack: Fn<4>;
  vmul: Fn<4>;
  vaddMul: (c: number, a: number, b: number, out: number, n: number) => void;
  /** CfC heads epilogue, see kernels/cfc.ts. */
  cfcHeads: (...args: number[]) => void;
  cfcHeadsBack: (...args: number[]) => void;
  colSumAdd: (...args: number[]) => void;
  /** LTC step forward / backward, see kernels/ltc.ts. */
  ltcForward: (...args: number[]) => void;
  ltcBackward: (...args: number[]) => void;
  /** Adam update, see kernels/optim.ts: (p, g, m, v, n, β₁, 1−β₁, β₂, 1−β₂, step, √bc₂, ε, lr·λ). */
  adamStep: (...args: number[]) => void;
}

export interface WasmRuntime {
  readonly heap: WasmHeap;
  readonly kernels: Kernels;
  /** Whether the kernels use fused multiply-adds. */
  readonly fma: boolean;
  /** Size of the kernel module in bytes. */
  readonly moduleBytes: number;
}

let runtime: WasmRuntime | null | undefined;

function create(): WasmRuntime | null {
  if (!wasmWanted() || !hasWasmSimd()) return null;
  const fma = hasFusedMadd();
  const heap = new WasmHeap();
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
  const bytes = mod.toBytes();
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: heap.memory, exp: Math.exp } });
  // The table view must stay reachable for as long as the module: keep it on the runtime object.
  return Object.assign({ heap, kernels: instance.exports as unknown as Kernels, fma, moduleBytes: bytes.length }, { table });
}

/** The runtime, created on first call; null when WebAssembly SIMD is unavailable or disabled. */
export function wasmRuntime(): WasmRuntime | null {
  if (runtime === undefined) runtime = create();
  return runtime;
}
