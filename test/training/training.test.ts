import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../src/core/random.ts";
import type { Tensor } from "../../src/core/tensor.ts";
import { Param, zeroGrads } from "../../src/cells/param.ts";
import { buildModel, type Model, type ModelConfigInput } from "../../src/nn/models.ts";
import { modelFromJSON, modelToJSON } from "../../src/nn/serialize.ts";
import { loadModel, saveModel } from "../../src/node/model-files.ts";
import { adam } from "../../src/training/adam.ts";
import { clipGradNorm } from "../../src/training/clip.ts";
import { evaluate, fit, predict, type Dataset } from "../../src/training/fit.ts";
import { mseLoss } from "../../src/training/loss.ts";
import { numericalGradient } from "../helpers/assert.ts";

test("Adam follows the bias-corrected update rule step by step", () => {
  const p = new Param("p", [2], Float64Array.from([1, -2]));
  const opt = adam({ learningRate: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8 });
  const st = opt.init([p]);
  const grads = [
    [0.5, -1],
    [0.2, 0.3],
    [-0.4, 0.1],
  ];
  const m = [0, 0],
    v = [0, 0],
    want = [1, -2];
  grads.forEach((g, t) => {
    p.grad.set(g);
    opt.step([p], st);
    for (let i = 0; i < 2; i++) {
      m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
      v[i] = 0.99 * v[i]! + 0.01 * g[i]! ** 2;
      const mh = m[i]! / (1 - 0.9 ** (t + 1));
      const vh = v[i]! / (1 - 0.99 ** (t + 1));
      want[i] -= (0.1 * mh) / (Math.sqrt(vh) + 1e-8);
    }
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(p.value[i]! - want[i]!) < 1e-15, `step ${t + 1}: ${p.value[i]} vs ${want[i]}`);
  });
  assert.equal(st.count, 3);
});

test("Adam skips fixed (non-trainable) parameters", () => {
  const mask = new Param("mask", [2], Float64Array.from([1, 0]), undefined, false);
  mask.grad.set([5, 5]);
  const opt = adam();
  opt.step([mask], opt.init([mask]));
  assert.deepEqual(Array.from(mask.value), [1, 0]);
});

test("clipGradNorm scales the global norm down to the bound and leaves small gradients alone", () => {
  const a = new Param("a", [2]),
    b = new Param("b", [1]);
  a.grad.set([3, 0]);
  b.grad.set([4]);
  assert.equal(clipGradNorm([a, b], 1), 5);
  const n = Math.hypot(a.grad[0]!, a.grad[1]!, b.grad[0]!);
  assert.ok(Math.abs(n - 1) < 1e-6);
  a.grad.set([0.1, 0]);
  b.grad.set([0]);
  clipGradNorm([a, b], 1);
  assert.equal(a.grad[0], 0.1);
});

test("mseLoss gradient matches finite differences", () => {
  const rng = new Rng(5);
  const pred: Tensor = { shape: [3, 4], data: rng.fillNormal(new Float64Array(12)) };
  const target: Tensor = { shape: [3, 4], data: rng.fillNormal(new Float64Array(12)) };
  const { grad } = mseLoss(pred, target);
  const num = numericalGradient(() => mseLoss(pred, target).loss, pred.data);
  for (let i = 0; i < 12; i++) assert.ok(Math.abs(num[i]! - grad.data[i]!) < 1e-8);
  assert.throws(() => mseLoss(pred, { shape: [4, 3], data: target.data }), /target has shape \[4, 3\]/);
});

test("mseLoss writes its gradient into a given buffer, with the same bits, and refuses one of the wrong length", () => {
  const rng = new Rng(6);
  const pred: Tensor = { shape: [2, 5], data: rng.fillNormal(new Float64Array(10)) };
  const target: Tensor = { shape: [2, 5], data: rng.fillNormal(new Float64Array(10)) };
  const fresh = mseLoss(pred, target);
  const buf = new Float64Array(10).fill(Number.NaN);
  const into = mseLoss(pred, target, { grad: buf });
  assert.equal(into.grad.data, buf);
  assert.deepEqual([...buf], [...fresh.grad.data]);
  assert.equal(into.loss, fresh.loss);
  assert.throws(
    () => mseLoss(pred, target, { where: "fit", grad: new Float64Array(9) }),
    /^LiquidwaveError: fit: grad buffer has length 9, expected 10/,
  );
});

/** Next-value prediction of noisy sines with random phases and frequencies. */
function sineTask(n: number, L: number, seed: number, perStep: boolean): Dataset {
  const rng = new Rng(seed);
  const x = new Float64Array(n * L),
    y = new Float64Array(perStep ? n * L : n),
    ts = new Float64Array(n * L);
  for (let i = 0; i < n; i++) {
    const f = rng.uniformRange(0.1, 0.3),
      ph = rng.uniformRange(0, 2 * Math.PI);
    let t = 0;
    for (let k = 0; k < L; k++) {
      const dt = rng.uniformRange(0.5, 1.5);
      t += dt;
      ts[i * L + k] = dt;
      x[i * L + k] = Math.sin(f * t + ph);
      if (perStep) y[i * L + k] = Math.sin(f * (t + 1) + ph);
    }
    if (!perStep) y[i] = Math.sin(f * (t + 1) + ph);
  }
  return {
    inputs: { shape: [n, L, 1], data: x },
    targets: perStep ? { shape: [n, L, 1], data: y } : { shape: [n, 1], data: y },
    timespans: { shape: [n, L], data: ts },
  };
}

const cfcConfig = { type: "cfc", inputSize: 1, units: 8, backboneUnits: 16, projSize: 1 } as const;

test("fit drives the loss down on an irregularly sampled sine task and is bit-for-bit reproducible", () => {
  const data = sineTask(64, 12, 1, true);
  const run = () => {
    const model = buildModel(cfcConfig, { seed: 3 });
    const before = evaluate(model, data);
    const res = fit(model, data, { epochs: 15, batchSize: 16, learningRate: 0.01, seed: 9, clipNorm: 1 });
    return { model, before, res };
  };
  const a = run();
  const b = run();
  const after = a.res.history.at(-1)!.trainLoss;
  assert.ok(after < a.before / 5, `loss ${a.before} -> ${after}`);
  a.model.net.params.forEach((p, k) => assert.deepEqual(p.value, b.model.net.params[k]!.value));
});

test("every model type trains without error and reduces its loss", () => {
  const seq = sineTask(32, 8, 2, false);
  const flat: Dataset = { inputs: { shape: [32, 8], data: seq.inputs.data }, targets: seq.targets };
  const configs: [ModelConfigInput, Dataset][] = [
    [{ type: "cfc", inputSize: 1, units: 6, backboneUnits: 8, projSize: 1, returnSequences: false, mode: "no_gate" }, seq],
    [{ type: "ltc", inputSize: 1, wiring: fullWiring(5, 1, 1), returnSequences: false, odeUnfolds: 3 }, seq],
    [{ type: "ltc", inputSize: 1, wiring: fullWiring(5, 1, 1), returnSequences: false, implicitParamConstraints: false }, seq],
    [{ type: "lstm", inputSize: 1, hiddenSize: 6, projSize: 1, returnSequences: false }, seq],
    [{ type: "gru", inputSize: 1, hiddenSize: 6, projSize: 1, returnSequences: false }, seq],
    [{ type: "mlp", inputSize: 8, hidden: [16], outputSize: 1, activation: "tanh" }, flat],
  ];
  for (const [cfg, d] of configs) {
    const m = buildModel(cfg, { seed: 1 });
    const before = evaluate(m, d);
    fit(m, d, { epochs: 8, batchSize: 8, learningRate: 0.02, seed: 1 });
    const after = evaluate(m, d);
    assert.ok(after < before, `${JSON.stringify(cfg).slice(0, 40)}: ${before} -> ${after}`);
    if (m.kind === "sequence" && (cfg as { implicitParamConstraints?: boolean }).implicitParamConstraints === false) {
      const cell = m.net.cell as unknown as { gleak: Param; cm: Param; w: Param; sensoryW: Param };
      for (const p of [cell.gleak, cell.cm, cell.w, cell.sensoryW])
        assert.ok(
          p.value.every((v) => v >= 0),
          `${p.name} clipped at 0`,
        );
    }
  }
});

/** A fully connected wiring config (all synapses excitatory) for tests. */
function fullWiring(n: number, inputs: number, outputs: number) {
  return {
    class: "Wiring",
    units: n,
    outputDim: outputs,
    inputDim: inputs,
    adjacency: new Array(n * n).fill(1),
    sensoryAdjacency: new Array(inputs * n).fill(1),
  };
}

test("truncated BPTT computes the same loss as full BPTT and the same gradient when T >= L", () => {
  const data = sineTask(4, 10, 3, true);
  const grads = (trunc: number | null) => {
    const m = buildModel(cfcConfig, { seed: 5 });
    const r = fit(m, data, { epochs: 1, batchSize: 4, learningRate: 0, seed: 0, shuffle: false, truncation: trunc });
    return { loss: r.history[0]!.trainLoss, g: m.net.params.map((p) => p.grad.slice()) };
  };
  const full = grads(null),
    same = grads(10),
    cut = grads(3);
  assert.ok(Math.abs(full.loss - cut.loss) < 1e-12 * full.loss, `${full.loss} vs ${cut.loss}`);
  full.g.forEach((g, k) => assert.deepEqual(g, same.g[k]));
  assert.ok(
    full.g.some((g, k) => g.some((v, i) => v !== cut.g[k]![i])),
    "truncation changes the gradient",
  );
});

test("early stopping restores the weights of the best validation epoch", () => {
  const data = sineTask(40, 6, 4, false);
  const m = buildModel({ ...cfcConfig, returnSequences: false }, { seed: 2 });
  // A large learning rate makes validation loss bounce, so patience triggers.
  const r = fit(m, data, { epochs: 30, batchSize: 8, learningRate: 0.2, validationSplit: 0.25, patience: 3, seed: 1 });
  const val: Dataset = {
    inputs: { shape: [10, 6, 1], data: data.inputs.data.slice(30 * 6) },
    targets: { shape: [10, 1], data: data.targets.data.slice(30) },
    timespans: { shape: [10, 6], data: data.timespans!.data.slice(30 * 6) },
  };
  assert.ok(r.bestValLoss !== null);
  assert.ok(Math.abs(evaluate(m, val) - r.bestValLoss!) < 1e-12, "restored weights give the best validation loss");
  if (r.stoppedEarly) assert.ok(r.history.length < 30);
});

test("fit rejects mismatched data with one line naming the shapes", () => {
  const m = buildModel(cfcConfig, { seed: 0 });
  assert.throws(
    () =>
      fit(
        m,
        { inputs: { shape: [2, 3, 2], data: new Float64Array(12) }, targets: { shape: [2, 3, 1], data: new Float64Array(6) } },
        { epochs: 1 },
      ),
    /inputs has shape \[2, 3, 2\], expected \[2, \*, 1\]/,
  );
  const nan = sineTask(2, 3, 1, true);
  nan.inputs.data[1] = NaN;
  assert.throws(() => fit(m, nan, { epochs: 1 }), /input contains NaN at flat index/);
});

const allConfigs: ModelConfigInput[] = [
  { type: "cfc", inputSize: 2, units: 4, backboneUnits: 5, mode: "pure" },
  { type: "cfc", inputSize: 2, units: 4, backboneUnits: 5, backboneLayers: 2, activation: "gelu", projSize: 3, mixedMemory: true },
  { type: "wired-cfc", inputSize: 2, wiring: fullWiring(5, 2, 2) },
  { type: "ltc", inputSize: 2, wiring: fullWiring(5, 2, 2), mixedMemory: true },
  { type: "lstm", inputSize: 2, hiddenSize: 3 },
  { type: "gru", inputSize: 2, hiddenSize: 3, projSize: 2 },
  { type: "mlp", inputSize: 6, hidden: [4, 3], outputSize: 2 },
];

function outputsOf(m: Model, x: Tensor): Float64Array {
  return m.kind === "mlp" ? m.net.forward({ shape: [x.shape[0]!, 6], data: x.data }).data : predict(m, x).data;
}

test("save -> load gives identical outputs, bit for bit, for every model type", () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-model-"));
  const x: Tensor = { shape: [2, 3, 2], data: new Rng(8).fillNormal(new Float64Array(12)) };
  allConfigs.forEach((cfg, i) => {
    const m = buildModel(cfg, { seed: 11 + i });
    const path = join(dir, `m${i}.json`);
    saveModel(path, m, { note: "test" });
    const back = loadModel(path);
    assert.deepEqual(outputsOf(back, x), outputsOf(m, x));
    assert.deepEqual(back.config, m.config);
  });
});

test("the same seed gives the same initial weights; another seed does not", () => {
  for (const cfg of allConfigs) {
    const a = buildModel(cfg, { seed: 4 }),
      b = buildModel(cfg, { seed: 4 }),
      c = buildModel(cfg, { seed: 5 });
    a.net.params.forEach((p, k) => assert.deepEqual(p.value, b.net.params[k]!.value));
    assert.ok(a.net.params.some((p, k) => p.trainable && p.value.some((v, i) => v !== c.net.params[k]!.value[i])));
  }
});

test("loading rejects truncated files, unknown or missing parameters, wrong shapes and NaN", () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-bad-"));
  const m = buildModel(allConfigs[0], { seed: 1 });
  const doc = modelToJSON(m);
  const text = JSON.stringify(doc);
  const p = join(dir, "t.json");
  writeFileSync(p, text.slice(0, text.length / 2));
  assert.throws(() => loadModel(p), /not valid JSON.*truncated/);
  const clone = () => JSON.parse(text);
  const d1 = clone();
  d1.parameters[0].name = "rnn_cell.bogus";
  assert.throws(() => modelFromJSON(d1), /unknown parameter 'rnn_cell.bogus'/);
  const d2 = clone();
  d2.parameters.pop();
  assert.throws(() => modelFromJSON(d2), /missing parameters: rnn_cell.A/);
  const d3 = clone();
  d3.parameters[0].shape = [1, 1];
  assert.throws(() => modelFromJSON(d3), /has 640 values for shape \[1, 1\]|shape/);
  const d4 = clone();
  d4.parameters[1].data[0] = null;
  assert.throws(() => modelFromJSON(d4), /not a number/);
  const d5 = clone();
  d5.format = "other/9";
  assert.throws(() => modelFromJSON(d5), /format must be 'liquidwave-model\/1'/);
  const d6 = clone();
  d6.config.mode = "fancy";
  assert.throws(() => modelFromJSON(d6), /config.mode/);
  assert.throws(() => loadModel(join(dir, "missing.json")), /^LiquidwaveError: \S*missing\.json: cannot read the model file \(ENOENT\)$/);
  void readFileSync;
});

test("MLP gradients match finite differences", () => {
  const m = buildModel({ type: "mlp", inputSize: 3, hidden: [4], outputSize: 2, activation: "silu" }, { seed: 3 });
  if (m.kind !== "mlp") throw new Error("mlp");
  const x: Tensor = { shape: [2, 3], data: new Rng(1).fillNormal(new Float64Array(6)) };
  const w = new Rng(2).fillNormal(new Float64Array(4));
  const loss = () => m.net.forward(x).data.reduce((s, v, i) => s + v * w[i]!, 0);
  zeroGrads(m.net.params);
  m.net.forward(x, { record: true });
  const dx = m.net.backward({ shape: [2, 2], data: w });
  for (const p of m.net.params) {
    const num = numericalGradient(loss, p.value);
    for (let i = 0; i < num.length; i++) assert.ok(Math.abs(num[i]! - p.grad[i]!) < 1e-7, `${p.name}[${i}]`);
  }
  const numX = numericalGradient(loss, x.data);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(numX[i]! - dx.data[i]!) < 1e-7);
});
