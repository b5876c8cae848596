/**
 * The Transformer encoder (nn/transformer.ts, cells/attention.ts): its hand-written backward
 * against central finite differences on every entry of every parameter, its elapsed-time
 * encoding, serialisation, determinism and training through `fit`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import type { Tensor } from "../../src/core/tensor.ts";
import { zeroGrads } from "../../src/cells/param.ts";
import { buildModel, Transformer } from "../../src/nn/models.ts";
import { modelFromJSON, modelToJSON } from "../../src/nn/serialize.ts";
import { fit } from "../../src/training/fit.ts";

const B = 3,
  L = 5,
  I = 3,
  O = 4;

function tiny(seed = 1): Transformer {
  return new Transformer(I, O, { dModel: 8, heads: 2, layers: 2, ffSize: 12, seed });
}

test("every parameter's analytic gradient matches central finite differences (2 layers, 2 heads, irregular elapsed times)", () => {
  const rng = new Rng(77);
  const model = tiny();
  // move every parameter off its initial value (unit norm gains, zero biases) so every path is generic
  for (const p of model.params) for (let i = 0; i < p.value.length; i++) p.value[i]! += 0.3 * rng.normal();
  const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
  const ts: Tensor = { shape: [B, L], data: rng.fillUniform(new Float64Array(B * L), 0.5, 3) };
  const c = rng.fillNormal(new Float64Array(B * O));
  const loss = () => {
    const y = model.net.forward(x, { timespans: ts });
    let s = 0;
    for (let i = 0; i < c.length; i++) s += c[i]! * y.data[i]!;
    return s;
  };
  zeroGrads(model.params);
  model.net.forward(x, { timespans: ts, record: true });
  model.net.backward({ shape: [B, O], data: c });
  let checked = 0;
  let worst = 0;
  for (const p of model.params) {
    for (let i = 0; i < p.value.length; i++) {
      const v = p.value[i]!;
      const h = 1e-6 * Math.max(1, Math.abs(v));
      p.value[i] = v + h;
      const fp = loss();
      p.value[i] = v - h;
      const fm = loss();
      p.value[i] = v;
      const numeric = (fp - fm) / (2 * h);
      const err = Math.abs(p.grad[i]! - numeric) / Math.max(1, Math.abs(numeric));
      worst = Math.max(worst, err);
      assert.ok(err <= 2e-6, `${p.name}[${i}]: analytic ${p.grad[i]} vs numeric ${numeric}`);
      checked++;
    }
  }
  assert.equal(checked, model.parameterCount);
  assert.ok(worst < 2e-6);
  // names follow PyTorch's nn.TransformerEncoder
  const names = model.params.map((p) => p.name);
  for (const n of [
    "embed.weight",
    "layers.0.self_attn.in_proj_weight",
    "layers.1.self_attn.out_proj.bias",
    "layers.1.linear2.weight",
    "layers.0.norm1.bias",
    "norm.weight",
    "head.bias",
  ])
    assert.ok(names.includes(n), n);
});

test("the parameter count is the closed form (I+1)d + N(4d² + 4d + 2df + f + d + 4d) + 2d + (d+1)O", () => {
  const m = tiny();
  const d = 8,
    f = 12,
    N = 2;
  assert.equal(m.parameterCount, (I + 1) * d + N * (4 * d * d + 4 * d + 2 * d * f + f + d + 4 * d) + 2 * d + (d + 1) * O);
});

test("unit elapsed times are the ordinary positional encoding; the encoding depends on the times, not only their order", () => {
  const rng = new Rng(3);
  const m = tiny(4);
  const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
  const ones: Tensor = { shape: [B, L], data: new Float64Array(B * L).fill(1) };
  const a = m.forward(x).output.data,
    b = m.forward(x, { timespans: ones }).output.data;
  assert.deepEqual(Array.from(a), Array.from(b));
  const gaps: Tensor = { shape: [B, L], data: new Float64Array(B * L).fill(2) };
  const c = m.forward(x, { timespans: gaps }).output.data;
  assert.ok(Array.from(a).some((v, i) => Math.abs(v - c[i]!) > 1e-6));
});

test("a model document round-trips bit for bit, and buildModel(config, seed) equals the class", () => {
  const rng = new Rng(5);
  const m = tiny(9);
  const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
  const back = modelFromJSON(JSON.parse(JSON.stringify(modelToJSON(m))));
  assert.equal(back.kind, "transformer");
  const y0 = m.forward(x).output.data;
  assert.deepEqual(Array.from((back as Transformer).forward(x).output.data), Array.from(y0));
  const built = buildModel({ type: "transformer", inputSize: I, outputSize: O, dModel: 8, heads: 2, layers: 2, ffSize: 12 }, { seed: 9 });
  assert.deepEqual(Array.from((built as Transformer).forward(x).output.data), Array.from(y0));
  assert.throws(() => new Transformer(I, O, { dModel: 10, heads: 4 }), /dModel 10 is not a multiple of heads 4/);
});

test("fit learns a noisy sinusoid's next value far better than repeating the last sample, deterministically for a seed", () => {
  const rng = new Rng(11);
  const N = 240,
    Lw = 12;
  const inputs = new Float64Array(N * Lw),
    targets = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const w = 0.3 + 0.2 * rng.uniform(),
      ph = 2 * Math.PI * rng.uniform();
    for (let t = 0; t < Lw; t++) inputs[n * Lw + t] = Math.sin(w * t + ph) + 0.01 * rng.normal();
    targets[n] = Math.sin(w * Lw + ph);
  }
  const train = (seed: number) => {
    const m = new Transformer(1, 1, { dModel: 16, heads: 2, layers: 1, seed });
    fit(
      m,
      { inputs: { shape: [N, Lw, 1], data: inputs }, targets: { shape: [N, 1], data: targets } },
      { epochs: 30, learningRate: 3e-3, batchSize: 16, seed },
    );
    return m;
  };
  const a = train(1),
    b = train(1);
  const ya = a.forward({ shape: [N, Lw, 1], data: inputs }).output.data;
  const yb = b.forward({ shape: [N, Lw, 1], data: inputs }).output.data;
  assert.deepEqual(Array.from(ya), Array.from(yb));
  let mse = 0,
    hold = 0;
  for (let n = 0; n < N; n++) {
    mse += (ya[n]! - targets[n]!) ** 2 / N;
    hold += (inputs[n * Lw + Lw - 1]! - targets[n]!) ** 2 / N;
  }
  assert.ok(mse < 0.25 * hold, `transformer MSE ${mse.toExponential(2)} vs hold ${hold.toExponential(2)}`);
});
