// The library contract (what an ncps user writes, in liquidwave), line for line, as a user of the
// installed package writes it: plain `node`, ESM, no TypeScript. Run by test/package/package.test.ts
// from a project that installed the tarball; prints "contract: ok" when every assertion held.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CfC,
  LTC,
  LSTM,
  GRU,
  AutoNCP,
  NCP,
  FullyConnected,
  Random,
  tensor,
  fit,
  modelToJSON,
  modelFromJSON,
  ready,
  VERSION,
} from "liquidwave";
import { saveModel, loadModel } from "liquidwave/node";

/** Same numbers, bit for bit (Object.is tells 0 from -0 and NaN from NaN). */
function assertBitEqual(a, b, what) {
  assert.equal(a.length, b.length, `${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}: element ${i} differs: ${a[i]} vs ${b[i]}`);
}

/** `fn` throws one line that names `name`. */
function assertNamesOption(fn, name, what) {
  assert.throws(
    fn,
    (e) => {
      assert.ok(e instanceof Error, `${what}: threw a non-Error`);
      assert.ok(!e.message.includes("\n"), `${what}: message is not one line: ${JSON.stringify(e.message)}`);
      assert.ok(e.message.includes(`'${name}'`), `${what}: message does not name '${name}': ${e.message}`);
      return true;
    },
    `${what}: no error`,
  );
}

await ready(); // a Promise; kernels prepared (a no-op on a second call)
await ready();
assert.match(VERSION, /^\d+\.\d+\.\d+/);

// ## Models
const wiring = new AutoNCP(16, 2, { seed: 1 }); // (units, outputSize, { seed, sparsityLevel })
const model = new CfC(3, wiring, { seed: 7 }); // (inputSize, units | wiring, options)
const dense = new CfC(3, 32, { seed: 7, mode: "default", backboneUnits: 128, projSize: 2 });
const ltc = new LTC(3, new FullyConnected(8, 2), { seed: 7, odeUnfolds: 6 });
const lstm = new LSTM(3, 5, { seed: 7 });
const gru = new GRU(3, 5, { seed: 7 });
const ncp = new CfC(
  3,
  new NCP({
    interNeurons: 4,
    commandNeurons: 3,
    motorNeurons: 2,
    sensoryFanout: 2,
    interFanout: 2,
    recurrentCommandSynapses: 3,
    motorFanin: 2,
    seed: 5,
  }),
  { seed: 7 },
);
const random = new LTC(3, new Random(6, 2, { sparsityLevel: 0.5, seed: 3 }), { seed: 7 });

// Inputs: a deterministic signal (the contract's zeros would hide mistakes in the input path).
const B = 4,
  L = 10,
  I = 3;
const xData = new Float64Array(B * L * I).map((_, k) => Math.sin(0.37 * k) + 0.1 * Math.cos(1.3 * k));
const x = tensor(xData, [B, L, I]); // [B, L, I]
const dt = tensor(new Float64Array(B * L).fill(0.5), [B, L]); // elapsed time per sample, step
const { output, finalState } = model.forward(x, { timespans: dt }); // output: [B, L, 2]
assert.deepEqual([...output.shape], [B, L, 2], "CfC over AutoNCP(16, 2): output shape");
assert.deepEqual([...finalState.shape], [B, 16], "CfC over AutoNCP(16, 2): final state shape");
assert.ok(output.data.every(Number.isFinite), "outputs are finite");
assert.deepEqual([...dense.forward(x, { timespans: dt }).output.shape], [B, L, 2], "dense CfC with projSize 2");
for (const [name, m, O] of [
  ["LTC", ltc, 2],
  ["LSTM", lstm, 5],
  ["GRU", gru, 5],
  ["CfC/NCP", ncp, 2],
  ["LTC/Random", random, 2],
]) {
  const out = m.forward(x, { timespans: dt }).output;
  assert.deepEqual([...out.shape], [B, L, O], `${name}: output shape`);
  assert.ok(out.data.every(Number.isFinite), `${name}: finite outputs`);
}

// Per-sample timespans: sample b uses row b of dt (run alone, it gives the same numbers), and the
// elapsed time matters.
const dtRows = Array.from({ length: B }, (_, b) => Array.from({ length: L }, (_, t) => 0.25 + 0.5 * b + 0.1 * (t % 3)));
const batched = model.forward(x, { timespans: dtRows }).output;
const nested = Array.from({ length: B }, (_, b) =>
  Array.from({ length: L }, (_, t) => Array.from(xData.subarray((b * L + t) * I, (b * L + t + 1) * I))),
);
for (const b of [0, 3]) {
  const alone = model.forward([nested[b]], { timespans: [dtRows[b]] }).output;
  assertBitEqual(alone.data, batched.data.subarray(b * L * 2, (b + 1) * L * 2), `sample ${b} alone vs in the batch`);
}
const ones = model.forward(x).output; // timespans omitted: 1 for every step
assert.ok(
  ones.data.some((v, k) => v !== batched.data[k]),
  "outputs depend on the timespans",
);
// Nested number arrays for x and timespans: the same as tensors.
assertBitEqual(model.forward(nested, { timespans: dtRows }).output.data, batched.data, "nested arrays vs tensors");

// fit: returns the result or a Promise of it; onEpoch reports progress.
const y = tensor(
  new Float64Array(B * L * 2).map((_, k) => Math.cos(0.21 * k)),
  [B, L, 2],
);
const before = model.params.map((p) => Float64Array.from(p.value));
const epochs = [];
const result = await fit(
  model,
  { inputs: x, targets: y, timespans: dt },
  { epochs: 3, learningRate: 1e-2, onEpoch: (log) => epochs.push(log) },
);
assert.deepEqual(
  epochs.map((e) => e.epoch),
  [1, 2, 3],
  "onEpoch once per epoch",
);
assert.equal(result.history.length, 3, "history has one entry per epoch");
assert.ok(
  epochs.every((e) => Number.isFinite(e.trainLoss) && e.trainLoss >= 0),
  "finite training losses",
);
assert.ok(
  model.params.some((p, i) => p.value.some((v, k) => v !== before[i][k])),
  "fit changed the weights",
);

// JSON round trip: same outputs, bit for bit.
const copy = modelFromJSON(JSON.parse(JSON.stringify(modelToJSON(model))));
assertBitEqual(copy.forward(x, { timespans: dt }).output.data, model.forward(x, { timespans: dt }).output.data, "JSON round trip (CfC)");
const ltcCopy = modelFromJSON(JSON.parse(JSON.stringify(modelToJSON(ltc))));
assertBitEqual(ltcCopy.forward(x, { timespans: dt }).output.data, ltc.forward(x, { timespans: dt }).output.data, "JSON round trip (LTC)");

// A wrong option: one line naming it.
assertNamesOption(() => new CfC(3, 8, { seed: 7, backboneUnit: 64 }), "backboneUnit", "new CfC");
assertNamesOption(() => new LTC(3, 8, { odeUnfold: 6 }), "odeUnfold", "new LTC");
assertNamesOption(() => new AutoNCP(16, 2, { sparsity: 0.5 }), "sparsity", "new AutoNCP");
assertNamesOption(() => model.forward(x, { timespan: dt }), "timespan", "forward");
assertNamesOption(() => fit(model, { inputs: x, targets: y }, { epochs: 1, learningrate: 1e-2 }), "learningrate", "fit");

// Node only: saveModel (atomic) and loadModel.
const dir = mkdtempSync(join(tmpdir(), "liquidwave-contract-"));
try {
  const path = join(dir, "model.json");
  saveModel(path, model);
  assert.deepEqual(readdirSync(dir), ["model.json"], "saveModel leaves exactly the model file (no temporary)");
  const loaded = loadModel(path);
  assertBitEqual(loaded.forward(x, { timespans: dt }).output.data, model.forward(x, { timespans: dt }).output.data, "saveModel/loadModel");
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`contract: ok (liquidwave ${VERSION})`);
