/**
 * Kernel signatures come from one table (src/core/wasm/signatures.ts): the module's exports are
 * checked against it before compilation, the instance's arities after, and the TypeScript type
 * of the kernels is derived from it (wrong arity does not compile).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";
import { ModuleBuilder } from "../../src/core/wasm/module.ts";
import {
  KERNEL_SIGNATURES,
  checkKernelExports,
  checkKernelInstance,
  kernelSignature,
  type KernelName,
  type Kernels,
} from "../../src/core/wasm/signatures.ts";

const names = Object.keys(KERNEL_SIGNATURES) as KernelName[];
const tableExports = () => names.map((name) => ({ name, sig: kernelSignature(name) }));

test("the loaded kernels are exactly the table's, with the table's arities", () => {
  const rt = wasmRuntime();
  if (!rt) return;
  for (const n of names) assert.equal((rt.kernels[n] as (...a: number[]) => void).length, KERNEL_SIGNATURES[n].types.length, n);
});

test("a kernel with a missing or extra argument, a wrong type, an extra or a missing export fails at load", () => {
  assert.doesNotThrow(() => checkKernelExports(tableExports()));
  const withSig = (name: KernelName, params: string[]) =>
    tableExports().map((e) => (e.name === name ? { name, sig: { params, results: [] } } : e)) as Parameters<typeof checkKernelExports>[0];
  const seven = kernelSignature("gemmNT").params.slice(0, 7) as string[];
  assert.throws(
    () => checkKernelExports(withSig("gemmNT", seven)),
    /^Error: kernel module: 'gemmNT' has signature \(i32, i32, i32, i32, i32, i32, i32\) -> \(\), KERNEL_SIGNATURES says \(i32, i32, i32, i32, i32, i32, i32, i32\) -> \(\) \(a b c m k n accumulate bias\)$/,
  );
  assert.throws(() => checkKernelExports(withSig("adamStep", [...kernelSignature("adamStep").params, "f64"])), /'adamStep' has signature/);
  const f32eps = kernelSignature("ltcForward").params.map((t) => (t === "f64" ? "f32" : t));
  assert.throws(() => checkKernelExports(withSig("ltcForward", f32eps)), /'ltcForward' has signature .*f32/);
  assert.throws(
    () => checkKernelExports([...tableExports(), { name: "vcos", sig: { params: ["i32"], results: [] } }]),
    /export 'vcos' \(i32\) -> \(\) is not in KERNEL_SIGNATURES/,
  );
  assert.throws(
    () => checkKernelExports(tableExports().filter((e) => e.name !== "vtanh")),
    /lists vtanh, which the module does not export/,
  );
});

test("an assembled module with a wrong-arity kernel is rejected by the same check", () => {
  const mod = new ModuleBuilder();
  mod.function("colSumAdd", { params: ["i32", "i32", "i32"], results: [] }, () => {});
  assert.throws(() => checkKernelExports(mod.exportedFunctions()), /'colSumAdd' has signature \(i32, i32, i32\) -> \(\)/);
});

test("an instance whose export arity differs from the table is rejected", () => {
  const fake: Record<string, (...a: number[]) => void> = {};
  for (const n of names) fake[n] = new Function(...KERNEL_SIGNATURES[n].names.split(" "), "") as (...a: number[]) => void;
  assert.doesNotThrow(() => checkKernelInstance(fake as WebAssembly.Exports));
  fake["cfcHeads"] = (a: number) => void a;
  assert.throws(() => checkKernelInstance(fake as WebAssembly.Exports), /'cfcHeads' takes 1 arguments, KERNEL_SIGNATURES says 9/);
});

// Compile-time: `npx tsc` (part of npm test) rejects these calls; the function never runs.
export function wrongArityDoesNotCompile(k: Kernels): void {
  // @ts-expect-error gemmNT takes 8 arguments
  k.gemmNT(1, 2, 3, 4, 5, 6, 7);
  // @ts-expect-error colSumAdd takes 4 arguments
  k.colSumAdd(1, 2, 3, 4, 5);
  k.colSumAdd(1, 2, 3, 4);
}

test("a generator that destructures more or fewer parameters than its signature fails when the module is assembled", () => {
  const mod = new ModuleBuilder();
  const sig = kernelSignature("vexp");
  assert.throws(
    () => mod.function("vexp", sig, (f) => void f.args(4)),
    /wasm function vexp: 4 parameters destructured, the signature has 3/,
  );
  assert.throws(() => mod.function("vexp", sig, (f) => void f.args(2)), /2 parameters destructured, the signature has 3/);
  mod.function("vexp", sig, (f) => {
    const [src, dst, n] = f.args(3);
    assert.deepEqual([src.index, dst.index, n.index], [0, 1, 2]);
  });
});
