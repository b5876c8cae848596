/**
 * Learned predictors: small, quick configurations (single-antenna Clarke channel at 20 dB, 600
 * training windows, 8 epochs) must train and beat sample-and-hold; training is deterministic.
 * (What they reach with full-size training is reported by `liquidwave predict`, not asserted.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import {
  HoldPredictor,
  LEARNED_KINDS,
  LearnedPredictor,
  learnedModelConfig,
  makeWindows,
  meanNmseDb,
  nmsePerStep,
  trajectoriesFromDatasets,
  type LearnedKind,
  type WindowSet,
} from "../../src/prediction/index.ts";
import { multipathDataset } from "./helpers.ts";

function windows(users: number, seed: number, maxGap = 1, antennas = 1): WindowSet {
  const ds = multipathDataset({ kind: "dense", users, samples: 250, antennas, dopplerHz: 40, dt: 1e-3, seed });
  return makeWindows(trajectoriesFromDatasets([ds]), { history: 20, horizon: 5, dt: 1e-3, snrDb: 20, maxGap, rng: new Rng(seed + 9) });
}

const train = windows(60, 1),
  val = windows(20, 2),
  testSet = windows(40, 3);
const holdDb = meanNmseDb(nmsePerStep(new HoldPredictor().predict(testSet), testSet.targets));
const QUICK_SIZES: Record<LearnedKind, number> = { mlp: 32, gru: 16, lstm: 16, cfc: 16, ltc: 8, ncp: 16, "ltc-ncp": 16, transformer: 16 };

function quick(kind: LearnedKind, seed = 0): LearnedPredictor {
  return new LearnedPredictor({ kind, size: QUICK_SIZES[kind], epochs: 8, learningRate: 1e-2, batchSize: 16, seed });
}

for (const kind of LEARNED_KINDS) {
  test(`${kind}: a quick configuration trains (validation loss falls) and beats sample-and-hold by ≥ 0.5 dB`, () => {
    const p = quick(kind);
    const logs: string[] = [];
    p.fit(train, val, (m) => logs.push(m));
    assert.ok(logs.length >= 1 && logs[0]!.startsWith(`${kind}: epoch 1/8`));
    const pred = p.predict(testSet);
    assert.deepEqual(pred.shape, [testSet.count, 5, 1]);
    const db = meanNmseDb(nmsePerStep(pred, testSet.targets));
    assert.ok(db < holdDb - 0.5, `${kind}: ${db.toFixed(2)} dB vs hold ${holdDb.toFixed(2)} dB`);
    assert.ok(p.training!.bestValLoss! < Number(/val ([\d.e+-]+)/.exec(logs[0]!)![1]), "validation loss improved on epoch 1");
    assert.ok(p.parameterCount() > 0);
  });
}

test("training is deterministic for a seed, bit for bit, and another seed gives another model", () => {
  const a = quick("gru", 5),
    b = quick("gru", 5),
    c = quick("gru", 6);
  for (const p of [a, b, c]) p.fit(train, val);
  const pa = a.predict(testSet),
    pb = b.predict(testSet),
    pc = c.predict(testSet);
  assert.deepEqual(pa.re, pb.re);
  assert.deepEqual(pa.im, pb.im);
  assert.notDeepEqual(pa.re, pc.re);
});

test("with random input gaps the models get the elapsed time as a feature and the liquid ones as their time span", () => {
  const trIrr = windows(60, 11, 3),
    vaIrr = windows(20, 12, 3),
    teIrr = windows(40, 13, 3);
  const p = quick("cfc");
  p.fit(trIrr, vaIrr);
  assert.equal(p.model!.kind === "sequence" && p.model!.net.inputSize, 3); // Re, Im, Δt
  const db = meanNmseDb(nmsePerStep(p.predict(teIrr), teIrr.targets));
  const hold = meanNmseDb(nmsePerStep(new HoldPredictor().predict(teIrr), teIrr.targets));
  assert.ok(db < hold - 0.5, `cfc with gaps ${db.toFixed(2)} vs hold ${hold.toFixed(2)}`);
});

test("model configs: sequence models project their last output to F·2M; NCPs keep at least 2M motor neurons", () => {
  const cfg = learnedModelConfig("cfc", 8, 40, 20, 32) as Record<string, unknown>;
  assert.deepEqual([cfg["projSize"], cfg["returnSequences"], cfg["inputSize"]], [40, false, 8]);
  assert.equal(learnedModelConfig("mlp", 8, 40, 20, 64).inputSize, 160);
  const ncp = (learnedModelConfig("ncp", 8, 40, 20, 16) as Record<string, unknown>)["wiring"] as Record<string, number>;
  assert.equal(ncp["outputSize"], 8);
  const ltc = (learnedModelConfig("ltc-ncp", 2, 10, 20, 24) as Record<string, unknown>)["wiring"] as Record<string, number>;
  assert.equal(ltc["outputSize"], 8);
});

test("a subset of the training windows is drawn with the seed; misuse fails with one clear line", () => {
  const p = new LearnedPredictor({ kind: "mlp", size: 8, epochs: 1, maxTrainWindows: 100 });
  p.fit(train, null);
  assert.equal(p.training!.trainWindows, 100);
  assert.throws(() => new LearnedPredictor({ kind: "mlp" }).predict(testSet), /not trained/);
  assert.throws(
    () => p.predict(windows(4, 9, 1, 2)),
    (e: unknown) => e instanceof LiquidwaveError && /1 antennas; got 20, 5, 2/.test(e.message),
  );
  assert.throws(() => new LearnedPredictor({ kind: "tcn" as LearnedKind }), /unknown kind 'tcn'/);
});

test("a hybrid variant learns on top of a classical base: prediction = base + network, named <kind>+<base>", () => {
  const p = new LearnedPredictor({ kind: "mlp", size: 32, epochs: 8, learningRate: 1e-2, batchSize: 16, base: "ridge" });
  assert.equal(p.name, "mlp+ridge");
  p.fit(train, val);
  const base = p.base!.predict(testSet);
  const baseDb = meanNmseDb(nmsePerStep(base, testSet.targets));
  const db = meanNmseDb(nmsePerStep(p.predict(testSet), testSet.targets));
  assert.ok(db < baseDb + 0.3, `mlp-res ${db.toFixed(2)} dB vs its ridge base ${baseDb.toFixed(2)} dB`);
  assert.equal(p.parameterCount(), p.base!.parameterCount() + p.model!.net.params.reduce((n, q) => n + q.value.length, 0));
});
