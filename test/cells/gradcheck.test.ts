/**
 * Finite-difference checks of every cell's hand-written backward, through the sequence wrapper
 * (so BPTT, mixed memory, projection and per-sample time steps are covered too).
 * Loss = Σ a ⊙ output + Σ b ⊙ final state with fixed random a, b, so every output and the final
 * state carry distinct gradients.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import type { Tensor } from "../../src/core/tensor.ts";
import { CfCCell, type CfCMode } from "../../src/cells/cfc.ts";
import { GruCell } from "../../src/cells/gru.ts";
import { Linear } from "../../src/cells/linear.ts";
import { LstmCell } from "../../src/cells/lstm.ts";
import { LtcCell } from "../../src/cells/ltc.ts";
import { WiredCfCCell } from "../../src/cells/wired-cfc.ts";
import type { RecurrentCell } from "../../src/cells/cell.ts";
import { zeroGrads } from "../../src/cells/param.ts";
import type { Activation } from "../../src/cells/activations.ts";
import { SequenceModel } from "../../src/nn/sequence.ts";
import { LayeredWiring } from "../../src/wirings/layered.ts";

const B = 2,
  L = 4,
  I = 3;

function randomAdjacency(rng: Rng, rows: number, cols: number, density: number): Int8Array {
  const a = new Int8Array(rows * cols);
  for (let i = 0; i < a.length; i++) if (rng.uniform() < density) a[i] = rng.uniform() < 0.5 ? -1 : 1;
  return a;
}

function check(label: string, build: (rng: Rng) => SequenceModel, { irregular = true, withState = true } = {}) {
  test(`${label}: analytic gradients match central finite differences`, () => {
    const rng = new Rng(2024);
    const model = build(rng);
    const S = model.stateSize;
    const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
    const ts: Tensor | null = irregular ? { shape: [B, L], data: rng.fillUniform(new Float64Array(B * L), 0.5, 2) } : null;
    const h0: Tensor | null = withState ? { shape: [B, S], data: rng.fillNormal(new Float64Array(B * S), 0, 0.5) } : null;
    const probe = model.forward(x, { timespans: ts, initialState: h0 });
    const a = rng.fillNormal(new Float64Array(probe.output.data.length));
    const bW = rng.fillNormal(new Float64Array(B * S));
    const loss = () => {
      const r = model.forward(x, { timespans: ts, initialState: h0 });
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]! * r.output.data[i]!;
      for (let i = 0; i < bW.length; i++) s += bW[i]! * r.finalState.data[i]!;
      return s;
    };
    zeroGrads(model.params);
    model.forward(x, { timespans: ts, initialState: h0, record: true });
    const back = model.backward({ shape: probe.output.shape, data: a }, { shape: [B, S], data: bW });

    const fd = (arr: Float64Array | Float32Array, i: number) => {
      const x0 = arr[i]!;
      const h = 1e-6 * Math.max(1, Math.abs(x0));
      arr[i] = x0 + h;
      const fp = loss();
      arr[i] = x0 - h;
      const fm = loss();
      arr[i] = x0;
      return (fp - fm) / (2 * h);
    };
    const close = (what: string, analytic: number, numeric: number) => {
      assert.ok(
        Math.abs(analytic - numeric) <= 2e-6 * Math.max(1, Math.abs(numeric)),
        `${label} ${what}: analytic ${analytic} vs numeric ${numeric}`,
      );
    };
    let checked = 0;
    for (const p of model.params) {
      if (!p.trainable) continue;
      // Probe up to 6 entries per parameter, always including the first and last.
      const idx = new Set([0, p.value.length - 1]);
      while (idx.size < Math.min(6, p.value.length)) idx.add(rng.int(p.value.length));
      for (const i of idx) {
        close(`${p.name}[${i}]`, p.grad[i]!, fd(p.value, i));
        checked++;
      }
    }
    for (let i = 0; i < x.data.length; i += 2) close(`input[${i}]`, back.dInput.data[i]!, fd(x.data, i));
    if (h0) for (let i = 0; i < h0.data.length; i += 2) close(`h0[${i}]`, back.dInitialState.data[i]!, fd(h0.data, i));
    assert.ok(checked > 0);
  });
}

for (const mode of ["default", "no_gate", "pure"] as CfCMode[]) {
  check(`CfC ${mode}`, (rng) => {
    const c = new CfCCell({ inputSize: I, hiddenSize: 5, mode, backboneUnits: 7 });
    c.init(rng);
    return new SequenceModel({ cell: c });
  });
}
for (const activation of ["lecun_tanh", "tanh", "relu", "gelu", "silu"] as Activation[]) {
  check(`CfC backbone 2x6 ${activation} with projection`, (rng) => {
    const c = new CfCCell({ inputSize: I, hiddenSize: 4, activation, backboneUnits: 6, backboneLayers: 2, backboneDropout: 0.3 });
    c.init(rng);
    const proj = Linear.simple(4, 2);
    proj.initDefault(rng);
    return new SequenceModel({ cell: c, proj });
  });
}
check("CfC without backbone, last output only", (rng) => {
  const c = new CfCCell({ inputSize: I, hiddenSize: 4, backboneLayers: 0 });
  c.init(rng);
  return new SequenceModel({ cell: c, returnSequences: false });
});
for (const mode of ["default", "pure"] as CfCMode[]) {
  check(`wired CfC (3 layers) ${mode}`, (rng) => {
    const N = 9;
    const wiring = LayeredWiring.fromConfig({
      class: "LayeredWiring",
      units: N,
      outputDim: 2,
      inputDim: I,
      adjacency: Array.from(randomAdjacency(rng, N, N, 0.5)),
      sensoryAdjacency: Array.from(randomAdjacency(rng, I, N, 0.6)),
      layers: [
        [4, 5, 6, 7, 8],
        [2, 3],
        [0, 1],
      ],
    });
    const cell = new WiredCfCCell({ inputSize: I, wiring, mode });
    cell.init(rng);
    return new SequenceModel({ cell });
  });
}
for (const implicit of [true, false]) {
  for (const mapping of ["affine", "linear", "none"] as const) {
    check(`LTC ${implicit ? "softplus" : "explicit"} mapping ${mapping}`, (rng) => {
      const N = 6;
      const cell = new LtcCell({
        units: N,
        inputSize: I,
        motorSize: 2,
        adjacency: randomAdjacency(rng, N, N, 0.6),
        sensoryAdjacency: randomAdjacency(rng, I, N, 0.7),
        implicitParamConstraints: implicit,
        inputMapping: mapping,
        outputMapping: mapping,
        odeUnfolds: 3,
      });
      cell.init(rng);
      // Perturb the mappings so their gradients are generic.
      for (const p of cell.params)
        if (p.name.startsWith("input_") || p.name.startsWith("output_"))
          for (let i = 0; i < p.value.length; i++) p.value[i] += 0.3 * rng.normal();
      return new SequenceModel({ cell });
    });
  }
}
check("LTC with mixed memory", (rng) => {
  const N = 5;
  const cell = new LtcCell({
    units: N,
    inputSize: I,
    motorSize: 2,
    adjacency: randomAdjacency(rng, N, N, 0.8),
    sensoryAdjacency: randomAdjacency(rng, I, N, 0.8),
  });
  cell.init(rng);
  const lstm = new LstmCell(I, N);
  lstm.init(rng);
  return new SequenceModel({ cell, mixedMemory: lstm });
});
check("CfC with mixed memory", (rng) => {
  const cell = new CfCCell({ inputSize: I, hiddenSize: 4, backboneUnits: 5 });
  cell.init(rng);
  const lstm = new LstmCell(I, 4);
  lstm.init(rng);
  return new SequenceModel({ cell, mixedMemory: lstm });
});
check(
  "LSTM baseline (state [h, c])",
  (rng) => {
    const cell: RecurrentCell = new LstmCell(I, 4, { forgetBias: 0 });
    (cell as LstmCell).init(rng);
    return new SequenceModel({ cell });
  },
  { irregular: false },
);
check(
  "GRU baseline",
  (rng) => {
    const cell = new GruCell(I, 4);
    cell.init(rng);
    return new SequenceModel({ cell });
  },
  { irregular: false },
);
