/**
 * The LSTM/GRU backward-gate kernels, the GELU kernels and CfC pure mode (core/wasm/kernels/
 * gates.ts, gelu.ts, cfc.ts) against their JavaScript loops: float64 bit for bit (the kernels keep the loops' operation
 * order; GELU's erf series and Math.exp included), float32 to float32 accuracy. Odd widths (H not a
 * multiple of 4), batch 1 and batch > 4, with and without the optional gradient inputs; then
 * float32 LSTM/GRU/GELU-MLP models against float64 on the same weights.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import type { Tensor } from "../../src/core/tensor.ts";
import { HeapArena } from "../../src/core/wasm/arena.ts";
import { kernelCalls } from "../../src/core/wasm/alloc.ts";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";
import type { Floats } from "../../src/core/dtype.ts";
import { activate, activateBackward, sigmoid } from "../../src/cells/activations.ts";
import { lstmGatesBackward } from "../../src/cells/lstm.ts";
import { gruGatesBackward } from "../../src/cells/gru.ts";
import { cfcPureBackward, cfcPureForward } from "../../src/cells/cfc.ts";
import { zeroGrads } from "../../src/cells/param.ts";
import { GRU, LSTM, MLP, type Model } from "../../src/nn/models.ts";
import { maxRelErr } from "../helpers/assert.ts";

const skip = wasmRuntime() === null ? "WebAssembly SIMD unavailable" : false;
const SHAPES = [
  [1, 5],
  [6, 7],
  [3, 8],
  [5, 1],
] as const;

function sameBits(a: Floats, b: Floats, label: string): void {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${label}[${i}]: kernel ${a[i]}, JavaScript ${b[i]}`);
}

/** Heap buffers of the arena's format filled by `fill`, and plain copies of them (the JavaScript path). */
function buffers<K extends string>(mem: HeapArena, sizes: Record<K, number>, fill: (name: K, i: number) => number) {
  const heap = {} as Record<K, Floats>,
    plain = {} as Record<K, Floats>;
  for (const name of Object.keys(sizes) as K[]) {
    const a = mem.float(sizes[name]);
    for (let i = 0; i < a.length; i++) a[i] = fill(name, i);
    heap[name] = a;
    plain[name] = mem.dtype === "float32" ? Float32Array.from(a) : Float64Array.from(a);
  }
  return { heap, plain };
}

for (const dtype of ["float64", "float32"] as const)
  for (const [B, H] of SHAPES)
    for (const withOptional of [true, false])
      test(`LSTM backward gates, ${dtype}, B = ${B}, H = ${H}, ∂c' ${withOptional ? "given" : "absent"}`, { skip }, () => {
        using mem = new HeapArena("lstm-gates", null, dtype);
        const rng = new Rng(B * 31 + H);
        const n = B * H;
        const { heap, plain } = buffers(
          mem,
          { cand: n, gi: n, gf: n, go: n, tc: n, cPrev: n, dhOut: n, dcOut: n, dz: 4 * n, dc: n },
          (k) =>
            k === "cand" || k === "tc"
              ? Math.tanh(2 * rng.normal())
              : k === "gi" || k === "gf" || k === "go"
                ? sigmoid(2 * rng.normal())
                : rng.normal(),
        );
        const calls = kernelCalls.elementwise;
        for (const s of [heap, plain]) lstmGatesBackward(s, s.cPrev, s.dhOut, withOptional ? s.dcOut : null, s.dc, B, H);
        assert.equal(kernelCalls.elementwise, calls + 1, "the kernel ran once (heap), the loop once (plain)");
        if (dtype === "float64") {
          sameBits(heap.dz, plain.dz, "dz");
          sameBits(heap.dc, plain.dc, "dc");
        } else {
          assert.ok(maxRelErr(heap.dz, plain.dz) < 1e-6, `dz rel ${maxRelErr(heap.dz, plain.dz)}`);
          assert.ok(maxRelErr(heap.dc, plain.dc) < 1e-6, `dc rel ${maxRelErr(heap.dc, plain.dc)}`);
        }
      });

for (const dtype of ["float64", "float32"] as const)
  for (const [B, H] of SHAPES)
    for (const withOptional of [true, false])
      test(`GRU backward gates, ${dtype}, B = ${B}, H = ${H}, ∂y ${withOptional ? "given" : "absent"}`, { skip }, () => {
        using mem = new HeapArena("gru-gates", null, dtype);
        const rng = new Rng(B * 17 + H);
        const n = B * H;
        const { heap, plain } = buffers(mem, { gh: 3 * n, h: n, r: n, z: n, n: n, dhNew: n, dy: n, dgi: 3 * n, dgh: 3 * n, dh: n }, (k) =>
          k === "n" || k === "h" ? Math.tanh(2 * rng.normal()) : k === "r" || k === "z" ? sigmoid(2 * rng.normal()) : rng.normal(),
        );
        const calls = kernelCalls.elementwise;
        for (const s of [heap, plain]) gruGatesBackward(s, s.h, s.dhNew, withOptional ? s.dy : null, s.dh, B, H);
        assert.equal(kernelCalls.elementwise, calls + 1);
        for (const k of ["dgi", "dgh", "dh"] as const) {
          if (dtype === "float64") sameBits(heap[k], plain[k], k);
          else assert.ok(maxRelErr(heap[k], plain[k]) < 1e-6, `${k} rel ${maxRelErr(heap[k], plain[k])}`);
        }
      });

for (const dtype of ["float64", "float32"] as const)
  for (const [B, H] of SHAPES)
    for (const withOptional of [true, false])
      test(`CfC pure mode forward and backward, ${dtype}, B = ${B}, H = ${H}, ∂y ${withOptional ? "given" : "absent"}`, { skip }, () => {
        using mem = new HeapArena("cfc-pure", null, dtype);
        const rng = new Rng(B * 13 + H);
        const n = B * H,
          nH = H + 3; // a row stride wider than H
        const { heap, plain } = buffers(
          mem,
          { P: B * nH, dt: B, wt: H, A: H, e: n, h: n, dhNew: n, dy: n, dP: B * nH, gA: H, gwt: H },
          (k, i) => (k === "dt" ? 0.2 + 1.5 * rng.uniform() : k === "wt" && i === 0 ? 0 : rng.normal()),
        );
        const calls = kernelCalls.cfc;
        for (const s of [heap, plain]) {
          cfcPureForward(s.P, s.dt, s.wt, s.A, s.e, s.h, B, H, nH);
          cfcPureBackward(s.P, s.dt, s.wt, s.A, s.e, s.dhNew, withOptional ? s.dy : null, s.dP, s.gA, s.gwt, B, H, nH);
        }
        assert.equal(kernelCalls.cfc, calls + 2);
        for (const k of ["e", "h", "dP", "gA", "gwt"] as const) {
          if (dtype === "float64") sameBits(heap[k], plain[k], k);
          else assert.ok(maxRelErr(heap[k], plain[k]) < 1e-6, `${k} rel ${maxRelErr(heap[k], plain[k])}`);
        }
      });

/** GELU inputs: a spread of magnitudes plus the edge cases of erf's series (0, −0, |x/√2| = 6, tails, NaN). */
function geluInputs(n: number): number[] {
  const rng = new Rng(5);
  const edge = [0, -0, 6 / Math.SQRT1_2, -6 / Math.SQRT1_2, 8.48, -8.48, 9, -9, 30, -30, 1e-300, -1e-12, 12, -12];
  return Array.from({ length: n }, (_, i) => (i < edge.length ? edge[i]! : rng.normal() * (i % 5 === 0 ? 4 : 1.3)));
}

for (const n of [1, 2, 3, 7, 301])
  test(`float64 GELU kernels give the JavaScript reference's bits (n = ${n}, NaN included)`, { skip }, () => {
    using mem = new HeapArena("gelu64");
    const xs = geluInputs(n);
    if (n > 20) xs[17] = Number.NaN;
    const rng = new Rng(n);
    const { heap, plain } = buffers(mem, { x: n, y: n, g: n, d: n }, (k, i) => (k === "x" ? xs[i]! : k === "g" ? rng.normal() : 0));
    const calls = kernelCalls.elementwise;
    for (const s of [heap, plain]) {
      activate("gelu", s.x, s.y, n);
      activateBackward("gelu", s.x, s.y, s.g, s.d, n);
    }
    assert.equal(kernelCalls.elementwise, calls + 2);
    sameBits(heap.y, plain.y, "gelu");
    sameBits(heap.d, plain.d, "gelu'");
  });

/** erfc(a), a ≥ 3, by its continued fraction (relative accuracy ~1e-15 there): the tails' reference. */
function erfcTail(a: number): number {
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
}

test("float32 GELU kernels: ~1e-7 of the float64 values, elementwise accurate in both tails", { skip }, () => {
  const n = 2003;
  using mem = new HeapArena("gelu32", null, "float32");
  const xs = geluInputs(n);
  const rng = new Rng(8);
  const { heap } = buffers(mem, { x: n, y: n, g: n, d: n }, (k, i) => (k === "x" ? xs[i]! : k === "g" ? rng.normal() : 0));
  const x = Float64Array.from(heap.x),
    g = Float64Array.from(heap.g);
  const y = new Float64Array(n),
    d = new Float64Array(n);
  activate("gelu", x, y, n);
  activateBackward("gelu", x, y, g, d, n);
  const calls = kernelCalls.elementwise;
  activate("gelu", heap.x, heap.y, n);
  activateBackward("gelu", heap.x, heap.y, heap.g, heap.d, n);
  assert.equal(kernelCalls.elementwise, calls + 2);
  assert.ok(maxRelErr(heap.y, y) < 3e-7, `gelu rel ${maxRelErr(heap.y, y)}`);
  assert.ok(maxRelErr(heap.d, d) < 3e-7, `gelu' rel ${maxRelErr(heap.d, d)}`);
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    if (Math.abs(xi) > 4.2) continue;
    // the float64 reference is accurate here (1 + erf keeps ≥ 1e−5 of its magnitude)
    assert.ok(Math.abs(heap.y[i]! - y[i]!) <= 2e-6 * Math.abs(y[i]!) + 1e-30, `gelu(${xi}) = ${heap.y[i]}, want ${y[i]}`);
  }
  // Tails: x·Φ(x) against erfc's continued fraction (the reference's 1 + erf cancels to nothing there).
  const tails = mem.float(8),
    out = mem.float(8);
  tails.set([-4.5, -6, -7.5, -9, -10.5, -12, 4.5, 9]);
  activate("gelu", tails, out, 8);
  tails.forEach((t, i) => {
    const phi = t < 0 ? erfcTail(-t * Math.SQRT1_2) / 2 : 1 - erfcTail(t * Math.SQRT1_2) / 2;
    const want = t * phi;
    assert.ok(Math.abs(out[i]! - want) <= 1e-5 * Math.abs(want), `gelu(${t}) = ${out[i]}, want ${want}`);
  });
});

/** Forward + BPTT of a model on fixed data; outputs, input and parameter gradients as float64. */
function run(model: Model, B: number, L: number, I: number) {
  const rng = new Rng(11);
  zeroGrads(model.params);
  if (model.kind === "mlp") {
    const x: Tensor = { shape: [B, I], data: rng.fillNormal(new Float64Array(B * I)) };
    const y = model.net.forward(x, { record: true });
    const dIn = model.net.backward({ shape: y.shape, data: rng.fillNormal(new Float64Array(y.data.length)) });
    return { out: y.data, dIn: dIn.data, grads: model.params.map((p) => Float64Array.from(p.grad)) };
  }
  if (model.kind !== "sequence") throw new Error("sequence or MLP expected");
  const net = model.net;
  const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
  const res = net.forward(x, { record: true });
  const back = net.backward(
    { shape: res.output.shape, data: rng.fillNormal(new Float64Array(res.output.data.length)) },
    { shape: res.finalState.shape, data: rng.fillNormal(new Float64Array(res.finalState.data.length)) },
  );
  return { out: res.output.data, dIn: back.dInput.data, grads: model.params.map((p) => Float64Array.from(p.grad)) };
}

const MODELS: [string, number, (dtype: "float64" | "float32") => Model][] = [
  ["LSTM H = 7, batch 1", 1, (dtype) => new LSTM(3, 7, { seed: 4, dtype })],
  ["LSTM H = 7, batch 6", 6, (dtype) => new LSTM(3, 7, { seed: 4, dtype })],
  ["GRU H = 5, batch 1", 1, (dtype) => new GRU(3, 5, { seed: 6, dtype })],
  ["GRU H = 9, batch 6", 6, (dtype) => new GRU(3, 9, { seed: 6, dtype, projSize: 2 })],
  ["GELU MLP, batch 5", 5, (dtype) => new MLP(3, [13, 6], 2, { seed: 2, dtype, activation: "gelu" })],
];
for (const [label, B, make] of MODELS)
  test(`float32 ${label}: outputs and every gradient within 2e-5 of float64 on the same weights`, { skip }, () => {
    using m64 = make("float64");
    using m32 = make("float32");
    m64.params.forEach((p, k) => m32.params[k]!.value.set(p.value));
    m32.params.forEach((p, k) => m64.params[k]!.value.set(p.value));
    const a = run(m64, B, 4, 3);
    const calls = kernelCalls.elementwise;
    const b = run(m32, B, 4, 3);
    assert.ok(kernelCalls.elementwise > calls, "elementwise kernels ran");
    assert.ok(maxRelErr(b.out, a.out) < 2e-5, `output rel ${maxRelErr(b.out, a.out)}`);
    assert.ok(maxRelErr(b.dIn, a.dIn) < 2e-5, `input gradient rel ${maxRelErr(b.dIn, a.dIn)}`);
    a.grads.forEach((g, k) => assert.ok(maxRelErr(b.grads[k]!, g) < 2e-5, `${m64.params[k]!.name} rel ${maxRelErr(b.grads[k]!, g)}`));
  });
