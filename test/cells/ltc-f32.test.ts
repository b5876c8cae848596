/**
 * The float32 LTC kernels (ltcForward32/ltcBackward32: f32x4, quad records) against the float64
 * path on the same float32-rounded weights: outputs, every hidden state, all parameter gradients,
 * input and initial-state gradients, for a dense wiring and sparse NCP wirings (synapse counts per
 * destination that are not multiples of 4, non-adjacent sources: partial and general records),
 * batch 1 and batch > 4, irregular Δt, 1 to 6 ODE unfolds.
 *
 * Tolerance: max |a − b| / max |b| ≤ 5e-6 per array, measured 1e-7 … 1.6e-6 (the float32 rounding
 * of K unfolds of 32-term sums and of BPTT over L steps). Also: the float32 cell holds no float64
 * buffer and its kernel ran; the JavaScript path on float32 buffers agrees with the kernels.
 *
 * The synapse σ's exp (f32.ts emitExpFast32: FMA range reduction, degree-6 minimax polynomial)
 * against Math.exp on 400,003 float32 points over [−87, 88] and near 0, with and without FMA:
 * measured max 0.98 ulp (exp) and 2.16 ulp (σ = 1/(1 + exp(−x))); bounds 1.25 and 2.5 ulp (the
 * older emitExp32/emitSigmoid32 are held to 1.5 and 3 in test/core/wasm-f32.test.ts).
 *
 * float64 is the ncps-exact path and must not change by one bit: the bodies of ltcForward and
 * ltcBackward (with and without FMA) are pinned by their SHA-256, those emitted before the
 * generator was made format-generic.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Rng } from "../../src/core/random.ts";
import type { Tensor } from "../../src/core/tensor.ts";
import { HeapArena, kernelCalls, setHeapAllocation } from "../../src/core/wasm/alloc.ts";
import { f32x4, i32, type Local } from "../../src/core/wasm/expr.ts";
import { quads, type KernelContext } from "../../src/core/wasm/kernels/context.ts";
import { emitExpFast32, emitSigmoidOfNeg32 } from "../../src/core/wasm/kernels/f32.ts";
import { emitLtcKernels } from "../../src/core/wasm/kernels/ltc.ts";
import { ModuleBuilder } from "../../src/core/wasm/module.ts";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";
import { LtcCell } from "../../src/cells/ltc.ts";
import { zeroGrads } from "../../src/cells/param.ts";
import { LTC, type Model } from "../../src/nn/models.ts";
import { SequenceModel } from "../../src/nn/sequence.ts";
import { AutoNCP, FullyConnected, type Wiring } from "../../src/wirings/index.ts";
import { maxRelErr } from "../helpers/assert.ts";

const skip = wasmRuntime() === null ? "WebAssembly SIMD unavailable" : false;
const TOL = 5e-6;

function cellOf(model: Model): LtcCell {
  const net = model.net;
  assert.ok(net instanceof SequenceModel && net.cell instanceof LtcCell);
  return net.cell;
}

function run(model: Model, B: number, L: number, I: number, seed: number) {
  const rng = new Rng(seed);
  const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
  // Irregular Δt over two decades.
  const ts: Tensor = { shape: [B, L], data: Float64Array.from({ length: B * L }, () => 0.05 * 40 ** rng.uniform()) };
  const net = model.net as SequenceModel;
  const S = net.stateSize;
  const h0: Tensor = { shape: [B, S], data: rng.fillUniform(new Float64Array(B * S), -0.5, 0.5) };
  zeroGrads(net.params);
  const out = net.forward(x, { timespans: ts, initialState: h0, record: true, returnHidden: true });
  const dOut: Tensor = { shape: out.output.shape, data: rng.fillNormal(new Float64Array(out.output.data.length)) };
  const back = net.backward(dOut, { shape: [B, S], data: rng.fillNormal(new Float64Array(B * S)) });
  return {
    output: out.output.data,
    hidden: out.hiddenSequence!.data,
    dInput: back.dInput.data,
    dState: back.dInitialState!.data,
    grads: net.params.map((p) => [p.name, Float64Array.from(p.grad)] as const),
  };
}

type Case = [name: string, wiring: () => Wiring, I: number, B: number, K: number];
const CASES: Case[] = [
  ["dense 32 units, B=6, 6 unfolds", () => new FullyConnected(32, 4), 8, 6, 6],
  ["dense 30 units (partial records), B=1, 3 unfolds", () => new FullyConnected(30, 2), 5, 1, 3],
  ["AutoNCP(19, 3) sparse, B=5, 6 unfolds", () => new AutoNCP(19, 3, { seed: 4 }), 7, 5, 6],
  ["AutoNCP(12, 2) sparse, B=1, 1 unfold", () => new AutoNCP(12, 2, { seed: 9, sparsityLevel: 0.7 }), 3, 1, 1],
];

for (const [name, wiring, I, B, K] of CASES) {
  test(`LTC float32 kernels match the float64 path: ${name}`, { skip }, () => {
    const make = (dtype: "float64" | "float32") => new LTC(I, wiring(), { seed: 3, dtype, odeUnfolds: K });
    using m64 = make("float64");
    using m32 = make("float32");
    // Same float32-rounded weights in both (softplus inputs included): only the arithmetic differs.
    m64.params.forEach((p, k) => m32.params[k]!.value.set(p.value));
    m32.params.forEach((p, k) => m64.params[k]!.value.set(p.value));
    const cell = cellOf(m32);
    for (const b of cell.kernelBuffers) assert.ok(!(b instanceof Float64Array), "a float64 buffer in the float32 cell");
    const syn = cell.synapses;
    assert.equal(syn.lanes, 4);
    if (name.includes("sparse") || name.includes("partial")) {
      // The wiring exercises partial records (counts not multiples of 4) ...
      assert.ok(
        syn.runLength.some((n) => n % 4 !== 0),
        "no partial record",
      );
      if (name.includes("sparse"))
        // ... and general ones holding several synapses (sources gathered lane by lane).
        assert.ok(
          Array.from(syn.runLength).some((n, j) => n - 4 * syn.adjacentRecords[j]! >= 3),
          "no general record",
        );
    }
    const a = run(m64, B, 5, I, 17);
    const before = kernelCalls.ltc;
    const b = run(m32, B, 5, I, 17);
    assert.ok(kernelCalls.ltc > before, "the float32 kernel did not run");
    const errs: [string, number][] = [
      ["output", maxRelErr(b.output, a.output)],
      ["hidden states", maxRelErr(b.hidden, a.hidden)],
      ["input gradient", maxRelErr(b.dInput, a.dInput)],
      ["initial-state gradient", maxRelErr(b.dState, a.dState)],
      ...a.grads.map(([n, g], k) => [`grad ${n}`, maxRelErr(b.grads[k]![1], g)] as [string, number]),
    ];
    if (process.env.LTC32_PRINT)
      console.log(name, Math.max(...errs.map((e) => e[1])).toExponential(2), errs.map(([w, e]) => `${w} ${e.toExponential(1)}`).join(", "));
    for (const [what, e] of errs) assert.ok(e <= TOL, `${what}: ${e.toExponential(2)} > ${TOL}`);
  });
}

test("LTC float32: the JavaScript path on float32 buffers agrees with the f32x4 kernels (sparse NCP)", { skip }, () => {
  const make = () => new LTC(4, new AutoNCP(14, 2, { seed: 2 }), { seed: 5, dtype: "float32", odeUnfolds: 4 });
  using k = make();
  const prev = setHeapAllocation(false);
  let js: ReturnType<typeof run>;
  try {
    using plain = make();
    js = run(plain, 3, 4, 4, 8);
  } finally {
    setHeapAllocation(prev);
  }
  const kern = run(k, 3, 4, 4, 8);
  assert.ok(maxRelErr(kern.output, js.output) <= TOL);
  assert.ok(maxRelErr(kern.dInput, js.dInput) <= TOL);
  kern.grads.forEach(([n, g], i) => assert.ok(maxRelErr(g, js.grads[i]![1]) <= TOL, n));
});

for (const fma of [true, false])
  test(`the synapse σ's float32 exp (emitExpFast32, fma ${fma}) is within 1.25 ulp of Math.exp, σ within 2.5 ulp`, { skip }, () => {
    const rt = wasmRuntime()!;
    // A two-kernel module on the shared heap: exp and σ(x) = 1/(1 + exp(−x)) of the LTC kernel.
    const mod = new ModuleBuilder();
    mod.importMemory("env", "memory", { initial: 1, maximum: rt.heap.maxPages, shared: true });
    const scalarExp = mod.importFunction("env", "exp", { params: ["f64"], results: ["f64"] });
    const ctx: KernelContext = { fma: fma && rt.fma, expTable: 0, scalarExp };
    for (const name of ["exp", "sigmoid"])
      mod.function(name, { params: ["i32", "i32", "i32"], results: [] }, (f) => {
        const [src, dst, n] = f.params as [Local, Local, Local];
        const j = f.local("i32"),
          x = f.local("v128"),
          y = f.local("v128");
        quads(f, j, i32.const(0), n.get(), (Q) => {
          f.set(x, Q.load(i32.add(src.get(), i32.shl(j.get(), i32.const(2)))));
          if (name === "exp") emitExpFast32(f, ctx, x.get(), y);
          else emitSigmoidOfNeg32(f, ctx, f32x4.neg(x.get()), y);
          f.do(Q.store(i32.add(dst.get(), i32.shl(j.get(), i32.const(2))), y.get()));
        });
      });
    const inst = new WebAssembly.Instance(new WebAssembly.Module(mod.toBytes()), { env: { memory: rt.heap.memory, exp: Math.exp } });
    const kern = inst.exports as Record<string, (src: number, dst: number, n: number) => void>;
    using mem = new HeapArena("test");
    const n = 400_003;
    const x = mem.f32(n),
      y = mem.f32(n);
    const rng = new Rng(7);
    for (let i = 0; i < n; i++) x[i] = i % 2 ? -87 + (175 * i) / n : rng.normal() * (i % 3 ? 0.01 : 4);
    const ulp = (v: number) => 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23);
    const worst = (ref: (t: number) => number) => {
      let w = 0;
      for (let i = 0; i < n; i++) {
        const r = ref(x[i]!);
        if (r >= 1.2e-38) w = Math.max(w, Math.abs(y[i]! - r) / ulp(r)); // normal float32 results
      }
      return w;
    };
    kern.exp!(x.byteOffset, y.byteOffset, n);
    const eExp = worst(Math.exp);
    kern.sigmoid!(x.byteOffset, y.byteOffset, n);
    const eSig = worst((t) => 1 / (1 + Math.exp(-t)));
    if (process.env.LTC32_PRINT) console.log(`exp ${eExp.toFixed(3)} ulp, σ ${eSig.toFixed(3)} ulp (fma ${ctx.fma})`);
    assert.ok(eExp <= 1.25, `exp: ${eExp.toFixed(2)} ulp`);
    assert.ok(eSig <= 2.5, `σ: ${eSig.toFixed(2)} ulp`);
    // Clamped outside [−87, 88]: σ saturates to (almost) 0 and 1, NaN stays NaN.
    x.set([-200, 200, NaN, 0]);
    kern.sigmoid!(x.byteOffset, y.byteOffset, 4);
    assert.ok(y[0]! >= 0 && y[0]! < 1e-37 && y[1] === 1 && Number.isNaN(y[2]) && y[3] === 0.5);
  });

test("the float64 LTC kernel bodies are byte-identical to those before the float32 family", () => {
  const want: Record<string, string> = {
    "ltcForward fma": "1dfdbecfbcd1cd53b5c2f915edd1ff9572dd43d9882be2401740548189e868e9",
    "ltcBackward fma": "9fe1690f0be556455cdf7d9f93d3b4d42363e9be86fad27abe9b45316d343a69",
    ltcForward: "bd7a9e5ccb096383b28810ae91ca6c45083b48b40497b27b4f5ac5bc99deab93",
    ltcBackward: "736b900b5cc6bb450f17ce84b761320349224365389c43e0c1bbad15c81a14f6",
  };
  for (const fma of [true, false]) {
    const mod = new ModuleBuilder();
    mod.importMemory("env", "memory", { initial: 1, maximum: 10, shared: true });
    const scalarExp = mod.importFunction("env", "exp", { params: ["f64"], results: ["f64"] });
    emitLtcKernels(mod, { fma, expTable: 4096, scalarExp });
    for (const name of ["ltcForward", "ltcBackward"]) {
      const body = mod.functionBody(name);
      assert.ok(body, name);
      assert.equal(createHash("sha256").update(body).digest("hex"), want[`${name}${fma ? " fma" : ""}`], `${name} (fma ${fma}) changed`);
    }
  }
});
