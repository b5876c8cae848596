/**
 * Hybrids (issue 14): a learned model on the residual of a classical base, ĥ = ĥ_base + f(y).
 * Oracles: the base predictor itself (a zeroed network must reproduce it bit for bit) and its NMSE
 * on the training windows (the fitted network must lower it there).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import {
  createPredictor,
  HoldPredictor,
  LearnedPredictor,
  makeWindows,
  meanNmseDb,
  nmsePerStep,
  PREDICTOR_NAMES,
  trajectoriesFromDatasets,
  WienerPredictor,
  type WindowSet,
} from "../../src/prediction/index.ts";
import { zeroOutputLayer } from "../../src/prediction/learned.ts";
import { multipathDataset } from "./helpers.ts";

function windows(users: number, seed: number, maxGap = 1): WindowSet {
  const ds = multipathDataset({ kind: "sparse", users, samples: 200, antennas: 2, dopplerHz: 40, dt: 1e-3, seed });
  return makeWindows(trajectoriesFromDatasets([ds]), { history: 20, horizon: 5, dt: 1e-3, snrDb: 20, maxGap, rng: new Rng(seed + 3) });
}

const train = windows(24, 1),
  val = windows(8, 2);

function assertSame(a: { re: Float64Array; im: Float64Array }, b: { re: Float64Array; im: Float64Array }): void {
  assert.deepEqual(Array.from(a.re), Array.from(b.re));
  assert.deepEqual(Array.from(a.im), Array.from(b.im));
}

test("every learned kind is registered with a wiener-est base, and none with a redundant +hold name", () => {
  for (const k of ["mlp", "gru", "lstm", "cfc", "ltc", "ncp", "ltc-ncp"])
    assert.ok(PREDICTOR_NAMES.includes(`${k}+wiener-est` as never), k);
  assert.ok(!PREDICTOR_NAMES.some((n) => n.endsWith("+hold")));
  const p = createPredictor("ltc+wiener-est", { dopplerHz: null }) as LearnedPredictor;
  assert.equal(p.name, "ltc+wiener-est");
  assert.equal(p.baseKind, "wiener-est");
  assert.equal((createPredictor("ltc", { dopplerHz: null }) as LearnedPredictor).baseKind, "hold");
});

test("ltc+wiener-est with its network output zeroed reproduces wiener-est exactly, on regular and irregular windows", () => {
  const p = new LearnedPredictor({ kind: "ltc", base: "wiener-est", size: 6, epochs: 1, seed: 1 });
  p.fit(train, val);
  zeroOutputLayer(p.model!);
  assertSame(p.predict(val), new WienerPredictor({ estimate: "window" }).predict(val));
  const irregular = windows(6, 4, 3);
  assert.equal(irregular.regular, false);
  const q = new LearnedPredictor({ kind: "cfc", base: "wiener-est", size: 6, epochs: 1, seed: 1 });
  q.fit(windows(24, 5, 3), windows(8, 6, 3));
  zeroOutputLayer(q.model!);
  assertSame(q.predict(irregular), new WienerPredictor({ estimate: "window" }).predict(irregular));
});

test("an untrained residual model starts exactly at its base (the output layer is zero-initialised)", () => {
  const p = new LearnedPredictor({ kind: "gru", size: 6, epochs: 1, learningRate: 1e-12, seed: 2 });
  p.fit(train, val);
  const a = p.predict(val),
    b = new HoldPredictor().predict(val);
  for (let i = 0; i < a.re.length; i++) assert.ok(Math.abs(a.re[i]! - b.re[i]!) < 1e-6 && Math.abs(a.im[i]! - b.im[i]!) < 1e-6);
});

test("cfc+wiener-est lowers wiener-est's NMSE on its training windows", () => {
  const p = new LearnedPredictor({ kind: "cfc", base: "wiener-est", size: 16, epochs: 20, learningRate: 1e-2, seed: 3 });
  p.fit(train, null);
  const hybrid = meanNmseDb(nmsePerStep(p.predict(train), train.targets));
  const wiener = meanNmseDb(nmsePerStep(new WienerPredictor({ estimate: "window" }).predict(train), train.targets));
  assert.ok(hybrid < wiener - 0.1, `hybrid ${hybrid.toFixed(2)} dB vs wiener-est ${wiener.toFixed(2)} dB`);
});
