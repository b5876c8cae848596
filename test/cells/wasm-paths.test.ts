/**
 * Every cell twice: once with its buffers on the WebAssembly heap (the kernels run) and once with
 * plain arrays (the JavaScript reference runs), same seed. Outputs, states, parameter gradients
 * and input gradients agree to 1e-10 relative — the paths differ only in the last bits of exp,
 * tanh and σ and in summation order (plus FMA rounding), which BPTT over a few steps amplifies
 * mildly. Also: the kernels really ran, Adam's kernel is bit-identical to its loop, and a model
 * gives the same bits on every run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import type { Tensor } from "../../src/core/tensor.ts";
import { isHeapView, kernelCalls, setHeapAllocation } from "../../src/core/wasm/alloc.ts";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";
import { CfCCell, type CfCMode } from "../../src/cells/cfc.ts";
import { GruCell } from "../../src/cells/gru.ts";
import { Linear } from "../../src/cells/linear.ts";
import { LstmCell } from "../../src/cells/lstm.ts";
import { LtcCell } from "../../src/cells/ltc.ts";
import { WiredCfCCell } from "../../src/cells/wired-cfc.ts";
import { Param, zeroGrads } from "../../src/cells/param.ts";
import type { Activation } from "../../src/cells/activations.ts";
import { LayeredWiring } from "../../src/wirings/layered.ts";
import { SequenceModel } from "../../src/nn/sequence.ts";
import { adam } from "../../src/training/adam.ts";
import { assertAllClose } from "../helpers/assert.ts";

const skip = wasmRuntime() === null ? "WebAssembly SIMD unavailable" : false;
const B = 3,
  L = 4,
  I = 5;

function adjacency(rng: Rng, rows: number, cols: number, density: number): Int8Array {
  const a = new Int8Array(rows * cols);
  for (let i = 0; i < a.length; i++) if (rng.uniform() < density) a[i] = rng.uniform() < 0.5 ? -1 : 1;
  return a;
}

interface Run {
  out: Float64Array;
  state: Float64Array;
  grads: (Float64Array | Float32Array)[];
  dIn: Float64Array;
  dH: Float64Array;
  calls: number;
  onHeap: boolean;
}

function runOnce(build: (rng: Rng) => SequenceModel, heap: boolean): Run {
  const prev = setHeapAllocation(heap);
  try {
    const rng = new Rng(77);
    const model = build(rng);
    const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
    const ts: Tensor = { shape: [B, L], data: rng.fillUniform(new Float64Array(B * L), 0.3, 2) };
    const h0: Tensor = { shape: [B, model.stateSize], data: rng.fillNormal(new Float64Array(B * model.stateSize), 0, 0.5) };
    const before = kernelCalls.gemm + kernelCalls.cfc + kernelCalls.ltc + kernelCalls.elementwise;
    zeroGrads(model.params);
    const res = model.forward(x, { timespans: ts, initialState: h0, record: true, training: true });
    const dOut = rng.fillNormal(new Float64Array(res.output.data.length));
    const back = model.backward(
      { shape: res.output.shape, data: dOut },
      { shape: res.finalState.shape, data: rng.fillNormal(new Float64Array(res.finalState.data.length)) },
    );
    return {
      out: res.output.data,
      state: res.finalState.data,
      grads: model.params.map((p) => p.grad.slice()),
      dIn: back.dInput.data,
      dH: back.dInitialState.data,
      calls: kernelCalls.gemm + kernelCalls.cfc + kernelCalls.ltc + kernelCalls.elementwise - before,
      onHeap: model.params.every((p) => isHeapView(p.value) && isHeapView(p.grad)),
    };
  } finally {
    setHeapAllocation(prev);
  }
}

function compare(label: string, build: (rng: Rng) => SequenceModel) {
  test(`${label}: kernels and JavaScript agree (outputs, states, all gradients)`, { skip }, () => {
    const fast = runOnce(build, true),
      ref = runOnce(build, false);
    assert.ok(fast.onHeap, "parameters live on the heap");
    assert.ok(fast.calls > 0, "kernels ran");
    assert.equal(ref.calls, 0, "plain arrays never reach a kernel");
    const tol = { rtol: 1e-10, atol: 1e-12 };
    assertAllClose(fast.out, ref.out, { ...tol, label: "output" });
    assertAllClose(fast.state, ref.state, { ...tol, label: "final state" });
    fast.grads.forEach((g, i) => assertAllClose(g, ref.grads[i]!, { ...tol, label: `grad ${i}` }));
    assertAllClose(fast.dIn, ref.dIn, { ...tol, label: "input gradient" });
    assertAllClose(fast.dH, ref.dH, { ...tol, label: "initial-state gradient" });
  });
}

for (const mode of ["default", "no_gate", "pure"] as CfCMode[]) {
  compare(`CfC ${mode} (H = 7, backbone 9)`, (rng) => {
    const c = new CfCCell({ inputSize: I, hiddenSize: 7, mode, backboneUnits: 9 });
    c.init(rng);
    return new SequenceModel({ cell: c });
  });
}
for (const activation of ["lecun_tanh", "tanh", "relu", "gelu", "silu"] as Activation[]) {
  compare(`CfC 2-layer ${activation} backbone with dropout and projection`, (rng) => {
    const c = new CfCCell({ inputSize: I, hiddenSize: 6, activation, backboneUnits: 5, backboneLayers: 2, backboneDropout: 0.25 });
    c.init(rng);
    c.dropoutRng = new Rng(5);
    const proj = Linear.simple(6, 3);
    proj.initDefault(rng);
    return new SequenceModel({ cell: c, proj });
  });
}
compare("wired CfC over 3 layers (masked heads)", (rng) => {
  const N = 11;
  const wiring = LayeredWiring.fromConfig({
    class: "LayeredWiring",
    units: N,
    outputDim: 2,
    inputDim: I,
    adjacency: Array.from(adjacency(rng, N, N, 0.5)),
    sensoryAdjacency: Array.from(adjacency(rng, I, N, 0.6)),
    layers: [
      [5, 6, 7, 8, 9, 10],
      [2, 3, 4],
      [0, 1],
    ],
  });
  const cell = new WiredCfCCell({ inputSize: I, wiring });
  cell.init(rng);
  return new SequenceModel({ cell });
});
for (const [density, implicit, mapping] of [
  [1, true, "affine"],
  [0.45, true, "linear"],
  [0.3, false, "none"],
] as const) {
  compare(`LTC density ${density}, ${implicit ? "softplus" : "explicit"}, mapping ${mapping} (odd synapse runs)`, (rng) => {
    const N = 9;
    const cell = new LtcCell({
      units: N,
      inputSize: I,
      motorSize: 3,
      adjacency: adjacency(rng, N, N, density),
      sensoryAdjacency: adjacency(rng, I, N, density),
      implicitParamConstraints: implicit,
      inputMapping: mapping,
      outputMapping: mapping,
      odeUnfolds: 4,
    });
    cell.init(rng);
    return new SequenceModel({ cell });
  });
}
compare("LTC with mixed memory", (rng) => {
  const N = 6;
  const cell = new LtcCell({
    units: N,
    inputSize: I,
    motorSize: 2,
    adjacency: adjacency(rng, N, N, 0.7),
    sensoryAdjacency: adjacency(rng, I, N, 0.7),
  });
  cell.init(rng);
  const lstm = new LstmCell(I, N);
  lstm.init(rng);
  return new SequenceModel({ cell, mixedMemory: lstm });
});
compare("LSTM", (rng) => {
  const cell = new LstmCell(I, 5);
  cell.init(rng);
  return new SequenceModel({ cell });
});
compare("GRU", (rng) => {
  const cell = new GruCell(I, 5);
  cell.init(rng);
  return new SequenceModel({ cell });
});

test("LTC forward saturates instead of failing when σ's argument leaves exp's fast range", { skip }, () => {
  // σ = 500 on some synapses makes |σ(v − μ)| exceed 708: the checked redo path must run and
  // agree with the JavaScript reference.
  const build = (rng: Rng) => {
    const N = 4;
    const cell = new LtcCell({
      units: N,
      inputSize: 2,
      motorSize: 2,
      adjacency: new Int8Array(N * N).fill(1),
      sensoryAdjacency: new Int8Array(2 * N).fill(1),
    });
    cell.init(rng);
    cell.sigma.value.fill(500);
    cell.sensorySigma.value.fill(900);
    return new SequenceModel({ cell });
  };
  const run = (heap: boolean) => {
    const prev = setHeapAllocation(heap);
    try {
      const model = build(new Rng(3));
      const x: Tensor = { shape: [1, 3, 2], data: Float64Array.from([3, -3, -2, 2, 5, -5]) };
      return model.forward(x).output.data;
    } finally {
      setHeapAllocation(prev);
    }
  };
  const fast = run(true),
    ref = run(false);
  assert.ok(fast.every(Number.isFinite));
  assertAllClose(fast, ref, { rtol: 1e-12, atol: 1e-15, label: "saturated LTC" });
});

test("the Adam kernel gives bit-identical parameters to the JavaScript loop (with weight decay)", { skip }, () => {
  const rng = new Rng(9);
  const init = rng.fillNormal(new Float64Array(37));
  const grads = Array.from({ length: 5 }, () => rng.fillNormal(new Float64Array(37)));
  const run = (heap: boolean) => {
    const prev = setHeapAllocation(heap);
    try {
      const p = new Param("w", [37]);
      p.value.set(init);
      const opt = adam({ learningRate: 0.01, weightDecay: 0.1 });
      const state = opt.init([p]);
      for (const g of grads) {
        p.grad.set(g);
        opt.step([p], state);
      }
      return { v: p.value.slice(), heap: isHeapView(p.value) };
    } finally {
      setHeapAllocation(prev);
    }
  };
  const fast = run(true),
    ref = run(false);
  assert.ok(fast.heap && !ref.heap);
  assert.deepEqual(Array.from(fast.v), Array.from(ref.v));
});

test("the same seed gives the same bits on every run (heap reuse does not leak state)", { skip }, () => {
  const build = (rng: Rng) => {
    const N = 8;
    const cell = new LtcCell({
      units: N,
      inputSize: I,
      motorSize: 2,
      adjacency: adjacency(rng, N, N, 0.5),
      sensoryAdjacency: adjacency(rng, I, N, 0.5),
    });
    cell.init(rng);
    return new SequenceModel({ cell });
  };
  const a = runOnce(build, true),
    b = runOnce(build, true);
  assert.deepEqual(Array.from(a.out), Array.from(b.out));
  a.grads.forEach((g, i) => assert.deepEqual(Array.from(g), Array.from(b.grads[i]!)));
});
