import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import type { Tensor } from "../../src/core/tensor.ts";
import { CfCCell } from "../../src/cells/cfc.ts";
import { zeroGrads } from "../../src/cells/param.ts";
import { SequenceModel } from "../../src/nn/sequence.ts";

function model(seed = 1, extra: Partial<ConstructorParameters<typeof CfCCell>[0]> = {}): SequenceModel {
  const c = new CfCCell({ inputSize: 2, hiddenSize: 3, backboneUnits: 4, ...extra });
  c.init(new Rng(seed));
  return new SequenceModel({ cell: c });
}

const x: Tensor = { shape: [3, 4, 2], data: new Rng(2).fillNormal(new Float64Array(24)) };
const ts2: Tensor = { shape: [3, 4], data: new Rng(3).fillUniform(new Float64Array(12), 0.2, 3) };

test("timespans [B, L] and [B, L, 1] give the same result, and each sample uses its own Δt", () => {
  const m = model();
  const a = m.forward(x, { timespans: ts2 }).output.data;
  const b = m.forward(x, { timespans: { shape: [3, 4, 1], data: ts2.data } }).output.data;
  assert.deepEqual(a, b);
  // Sample 1 alone with its own Δt row equals its row in the batch.
  const x1: Tensor = { shape: [1, 4, 2], data: x.data.slice(8, 16) };
  const t1: Tensor = { shape: [1, 4], data: ts2.data.slice(4, 8) };
  const alone = m.forward(x1, { timespans: t1 }).output.data;
  assert.deepEqual(alone, a.slice(12, 24));
  // And differs from running it with all-ones steps.
  assert.notDeepEqual(m.forward(x1).output.data, alone);
});

test("bad timespans, inputs and states are rejected with the offending value", () => {
  const m = model();
  assert.throws(
    () => m.forward(x, { timespans: { shape: [4, 3], data: ts2.data } }),
    /timespans has shape \[4, 3\], expected \[3, 4\] or \[3, 4, 1\]/,
  );
  const neg = ts2.data.slice();
  neg[5] = -1;
  assert.throws(() => m.forward(x, { timespans: { shape: [3, 4], data: neg } }), /timespans\[1, 1\] must be finite and >= 0, got -1/);
  assert.throws(() => m.forward({ shape: [3, 4, 5], data: new Float64Array(60) }), /input has 5 features, model expects 2/);
  assert.throws(() => m.forward({ shape: [3, 8], data: new Float64Array(24) }), /input must be \[batch, length, features\]/);
  assert.throws(
    () => m.forward(x, { initialState: { shape: [3, 2], data: new Float64Array(6) } }),
    /initialState has shape \[3, 2\], expected \[3, 3\]/,
  );
  assert.throws(() => m.backward({ shape: [3, 4, 3], data: new Float64Array(36) }), /no recorded forward pass/);
});

test("carrying the final state into the next call equals one long call", () => {
  const m = model();
  const whole = m.forward(x, { timespans: ts2 });
  const first = m.forward(
    { shape: [3, 2, 2], data: Float64Array.from([0, 1, 2].flatMap((b) => [...x.data.slice(b * 8, b * 8 + 4)])) },
    { timespans: { shape: [3, 2], data: Float64Array.from([0, 1, 2].flatMap((b) => [...ts2.data.slice(b * 4, b * 4 + 2)])) } },
  );
  const second = m.forward(
    { shape: [3, 2, 2], data: Float64Array.from([0, 1, 2].flatMap((b) => [...x.data.slice(b * 8 + 4, b * 8 + 8)])) },
    {
      timespans: { shape: [3, 2], data: Float64Array.from([0, 1, 2].flatMap((b) => [...ts2.data.slice(b * 4 + 2, b * 4 + 4)])) },
      initialState: first.finalState,
    },
  );
  assert.deepEqual(second.finalState.data, whole.finalState.data);
});

test("backbone dropout is active only in training, and its backward matches finite differences for a fixed mask", () => {
  const m = model(5, { backboneLayers: 2, backboneDropout: 0.5 });
  const cell = m.cell as CfCCell;
  const evalOut = m.forward(x).output.data;
  assert.deepEqual(m.forward(x).output.data, evalOut, "eval mode is deterministic");
  const seeded = () => {
    cell.dropoutRng = new Rng(77);
    return m.forward(x, { training: true, record: true });
  };
  const trainOut = seeded().output.data;
  assert.notDeepEqual(trainOut, evalOut, "dropout changes the training output");
  const w = new Rng(9).fillNormal(new Float64Array(trainOut.length));
  const loss = () => seeded().output.data.reduce((s, v, i) => s + v * w[i]!, 0);
  zeroGrads(m.params);
  seeded();
  m.backward({ shape: [3, 4, 3], data: w });
  for (const p of m.params) {
    for (const i of [0, p.value.length - 1]) {
      const v0 = p.value[i]!;
      const h = 1e-6;
      p.value[i] = v0 + h;
      const fp = loss();
      p.value[i] = v0 - h;
      const fm = loss();
      p.value[i] = v0;
      const num = (fp - fm) / (2 * h);
      assert.ok(Math.abs(num - p.grad[i]!) <= 2e-6 * Math.max(1, Math.abs(num)), `${p.name}[${i}] ${p.grad[i]} vs ${num}`);
    }
  }
});

test("a NaN weight is named in the error instead of propagating silently", () => {
  const m = model();
  const p = m.params.find((q) => q.name === "rnn_cell.ff2.weight")!;
  p.value[3] = NaN;
  assert.throws(() => m.forward(x), /SequenceModel.forward: parameter rnn_cell.ff2.weight contains NaN at flat index 3/);
});
