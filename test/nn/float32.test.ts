/**
 * The float32 mode (`dtype: "float32"`) against the float64 path on the same weights: every model
 * type, outputs, final states, parameter gradients and input gradients of a BPTT pass agree to
 * float32 accuracy (relative error ≤ 2e-5 of the largest magnitude; measured ~1e-7..1e-6). Also:
 * the f32x4 kernels really ran (and no float64 kernel touched float32 buffers), Adam keeps
 * float32 moments and trains, a saved model records and restores its dtype, and the JavaScript
 * path of float32 buffers agrees with the kernels.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import type { Tensor } from "../../src/core/tensor.ts";
import { kernelCalls, setHeapAllocation } from "../../src/core/wasm/alloc.ts";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";
import { AutoNCP } from "../../src/wirings/index.ts";
import { buildModel, CfC, GRU, LSTM, LTC, MLP, type Model } from "../../src/nn/models.ts";
import { modelFromJSON, modelToJSON } from "../../src/nn/serialize.ts";
import { zeroGrads } from "../../src/cells/param.ts";
import { fit } from "../../src/training/fit.ts";
import { relErr, maxRelErr } from "../helpers/assert.ts";

const skip = wasmRuntime() === null ? "WebAssembly SIMD unavailable" : false;
const B = 5,
  L = 6,
  I = 3;
const TOL = 2e-5;

type Make = (dtype: "float64" | "float32") => Model;
const MODELS: [string, Make][] = [
  ["cfc default", (dtype) => new CfC(I, 9, { seed: 1, dtype, backboneUnits: 13 })],
  [
    "cfc no_gate silu 2 layers + proj",
    (dtype) => new CfC(I, 7, { seed: 2, dtype, mode: "no_gate", activation: "silu", backboneLayers: 2, projSize: 3 }),
  ],
  ["cfc pure", (dtype) => new CfC(I, 6, { seed: 3, dtype, mode: "pure" })],
  ["cfc mixed memory", (dtype) => new CfC(I, 5, { seed: 4, dtype, mixedMemory: true, backboneUnits: 8 })],
  ["wired cfc AutoNCP", (dtype) => new CfC(I, new AutoNCP(11, 2, { seed: 5 }), { seed: 5, dtype })],
  ["ltc AutoNCP", (dtype) => new LTC(I, new AutoNCP(10, 2, { seed: 6 }), { seed: 6, dtype })],
  ["ltc fully connected + proj", (dtype) => new LTC(I, 7, { seed: 7, dtype, projSize: 2 })],
  ["lstm", (dtype) => new LSTM(I, 6, { seed: 8, dtype })],
  ["gru", (dtype) => new GRU(I, 6, { seed: 9, dtype })],
];

function run(model: Model, seed: number) {
  if (model.kind !== "sequence") throw new Error("sequence model expected");
  const rng = new Rng(seed);
  const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
  const ts: Tensor = { shape: [B, L], data: rng.fillUniform(new Float64Array(B * L), 0.3, 1.7) };
  const net = model.net;
  zeroGrads(net.params);
  const out = net.forward(x, { timespans: ts, record: true });
  const dOut: Tensor = { shape: out.output.shape, data: rng.fillNormal(new Float64Array(out.output.data.length)) };
  const back = net.backward(dOut, { shape: out.finalState.shape, data: rng.fillNormal(new Float64Array(out.finalState.data.length)) });
  return {
    out: out.output.data,
    state: out.finalState.data,
    grads: net.params.map((p) => Float64Array.from(p.grad)),
    dIn: back.dInput.data,
  };
}

/** The float64 model's weights rounded into the float32 model. */
function copyWeights(from: Model, to: Model): void {
  from.params.forEach((p, k) => to.params[k]!.value.set(p.value));
}

for (const [name, make] of MODELS) {
  test(`float32 ${name}: forward and BPTT gradients match the float64 path on the same weights`, { skip }, () => {
    using m64 = make("float64");
    using m32 = make("float32");
    assert.equal(m64.dtype, "float64");
    assert.equal(m32.dtype, "float32");
    for (const p of m32.params) assert.ok(p.value instanceof Float32Array && p.grad instanceof Float32Array, p.name);
    copyWeights(m64, m32);
    // The float64 model runs on the float32-rounded weights too: only the arithmetic differs.
    copyWeights(m32, m64);
    const a = run(m64, 11);
    const before = { ...kernelCalls };
    const b = run(m32, 11);
    assert.ok(kernelCalls.gemm + kernelCalls.ltc > before.gemm + before.ltc, "no kernel ran for the float32 model");
    assert.ok(maxRelErr(b.out, a.out) < TOL, `output rel ${maxRelErr(b.out, a.out)}`);
    assert.ok(maxRelErr(b.state, a.state) < TOL, `state rel ${maxRelErr(b.state, a.state)}`);
    assert.ok(maxRelErr(b.dIn, a.dIn) < TOL, `dInput rel ${maxRelErr(b.dIn, a.dIn)}`);
    a.grads.forEach((g, k) => assert.ok(maxRelErr(b.grads[k]!, g) < TOL, `${m64.params[k]!.name} grad rel ${maxRelErr(b.grads[k]!, g)}`));
  });
}

test("float32 MLP matches float64 forward and backward", { skip }, () => {
  using m64 = new MLP(7, [16, 9], 3, { seed: 3 });
  using m32 = new MLP(7, [16, 9], 3, { seed: 3, dtype: "float32" });
  copyWeights(m64, m32);
  copyWeights(m32, m64);
  const x: Tensor = { shape: [6, 7], data: new Rng(4).fillNormal(new Float64Array(42)) };
  const y64 = m64.net.forward(x, { record: true }),
    y32 = m32.net.forward(x, { record: true });
  assert.ok(maxRelErr(y32.data, y64.data) < TOL);
  const g: Tensor = { shape: y64.shape, data: new Float64Array(y64.data.length).fill(0.5) };
  const d64 = m64.net.backward(g),
    d32 = m32.net.backward(g);
  assert.ok(maxRelErr(d32.data, d64.data) < TOL);
  m64.params.forEach((p, k) => assert.ok(maxRelErr(m32.params[k]!.grad, p.grad) < TOL, p.name));
});

for (const mode of ["default", "pure"] as const)
  test(`float32 buffers on the JavaScript path agree with the f32x4 kernels (CfC ${mode})`, { skip }, () => {
    const make = () => new CfC(I, 8, { seed: 12, dtype: "float32", backboneUnits: 10, mode });
    using k = make();
    const prev = setHeapAllocation(false);
    let js: ReturnType<typeof run>;
    try {
      using plain = make();
      js = run(plain, 13);
    } finally {
      setHeapAllocation(prev);
    }
    const kern = run(k, 13);
    assert.ok(relErr(kern.out, js.out) < TOL);
    kern.grads.forEach((g, i) => assert.ok(maxRelErr(g, js.grads[i]!) < TOL));
  });

test("fit trains a float32 model with float32 Adam moments; saved models keep their dtype", { skip }, () => {
  const rng = new Rng(21);
  const N = 24;
  const inputs: Tensor = { shape: [N, 5, 2], data: rng.fillNormal(new Float64Array(N * 10)) };
  const targets: Tensor = { shape: [N, 5, 1], data: new Float64Array(N * 5) };
  for (let i = 0; i < N * 5; i++) targets.data[i] = Math.sin(inputs.data[2 * i]!) * 0.5;
  using model = buildModel({ type: "cfc", inputSize: 2, units: 6, backboneUnits: 8, projSize: 1, dtype: "float32" }, { seed: 2 });
  assert.equal(model.dtype, "float32");
  const res = fit(model, { inputs, targets }, { epochs: 6, batchSize: 8, learningRate: 0.02 });
  assert.ok(res.history.at(-1)!.trainLoss < res.history[0]!.trainLoss, "loss did not decrease");
  assert.ok(res.optimizerState.mu.every((m) => m instanceof Float32Array));
  const doc = JSON.parse(JSON.stringify(modelToJSON(model)));
  assert.equal(doc.config.dtype, "float32");
  using back = modelFromJSON(doc);
  assert.equal(back.dtype, "float32");
  back.params.forEach((p, k) => assert.deepEqual(p.value, model.params[k]!.value, p.name));
  // float64 stays the default and is not recorded unless asked for.
  using d = new CfC(2, 4);
  assert.equal(d.dtype, "float64");
  assert.equal(modelToJSON(d).config.dtype, undefined);
});
