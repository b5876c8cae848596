/**
 * What this engine supports: WebAssembly SIMD (required for the kernels) and relaxed SIMD's fused
 * multiply-add (optional, ~10-30 % faster GEMM and exp).
 *
 * Node 20 (V8 11.3) has relaxed SIMD behind `--experimental-wasm-relaxed-simd`; V8 reads wasm
 * feature flags when a module is compiled, so setting the flag at run time before compiling
 * works. It is used only when a probe module validates *and* its madd is really fused on this
 * CPU (otherwise mul + add is the same arithmetic without the flag).
 *
 * Environment: `LIQUIDWAVE_WASM=0` disables the kernels (everything runs in JavaScript),
 * `LIQUIDWAVE_FMA=0` disables fused multiply-adds (results then differ from the FMA build in the
 * last bits; each build is deterministic on a given machine).
 */
import { envVar, nodeBuiltin } from "../platform.ts";
import { f64x2, v128 } from "./expr.ts";
import { ModuleBuilder } from "./module.ts";

function simdProbe(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.function("f", { params: [], results: ["i32"] }, (f) => f.ret(v128.any_true(f64x2.splat(f64x2.extract_lane(f64x2.const(1, 2), 0)))));
  return m.toBytes();
}

function fmaProbe(): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.function("f", { params: ["f64", "f64", "f64"], results: ["f64"] }, (f) => {
    const [a, b, c] = f.params;
    f.ret(f64x2.extract_lane(f64x2.relaxed_madd(f64x2.splat(a!.get()), f64x2.splat(b!.get()), f64x2.splat(c!.get())), 0));
  });
  return m.toBytes();
}

/** True when WebAssembly with 128-bit SIMD is available. */
export function hasWasmSimd(): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(simdProbe());
  } catch {
    return false;
  }
}

/** True when relaxed SIMD is (made) available and f64x2.relaxed_madd rounds once. */
export function hasFusedMadd(): boolean {
  if (envVar("LIQUIDWAVE_FMA") === "0") return false;
  const probe = fmaProbe();
  try {
    if (!WebAssembly.validate(probe)) {
      // Node 20: relaxed SIMD is behind a V8 flag that can be set at run time. Browsers that
      // ship relaxed SIMD validate the probe directly.
      const v8 = nodeBuiltin<{ setFlagsFromString(flags: string): void }>("node:v8");
      if (!v8) return false;
      v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
      if (!WebAssembly.validate(probe)) return false;
    }
    const f = new WebAssembly.Instance(new WebAssembly.Module(probe)).exports["f"] as (a: number, b: number, c: number) => number;
    const e = 2 ** -52;
    // (1 + e)(1 − e) − 1 = −e²: exact with one rounding, 0 with two.
    return f(1 + e, 1 - e, -1) === -(e * e);
  } catch {
    return false;
  }
}

/** Whether the kernels are wanted at all (LIQUIDWAVE_WASM=0 turns them off). */
export function wasmWanted(): boolean {
  return envVar("LIQUIDWAVE_WASM") !== "0";
}
