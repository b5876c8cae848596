import { test } from "node:test";
import assert from "node:assert/strict";
import { LiquidwaveError } from "../../src/core/errors.ts";
import type { ChannelDataset } from "../../src/channel/dataset.ts";
import { parsePredictionConfig, preparePredictionWindows, runPrediction } from "../../src/experiments/index.ts";
import type { WindowSet } from "../../src/prediction/index.ts";
import { multipathDataset } from "../prediction/helpers.ts";

const dense: ChannelDataset = {
  ...multipathDataset({ kind: "dense", users: 40, samples: 300, antennas: 4, dopplerHz: 40, dt: 1e-3, seed: 4 }),
};
const withFc: ChannelDataset = { ...dense, meta: { ...dense.meta, fc: 6e9 } };
const CLASSICAL = ["hold", "linear", "ar", "wiener", "wiener-est", "kalman", "ridge", "esprit"] as const;

/** Every (trajectory id, sample index) a window touches. */
function samplesOf(ws: WindowSet): Set<string> {
  const out = new Set<string>();
  for (let w = 0; w < ws.count; w++) {
    const [id, a, b] = [ws.origin[w * 3]!, ws.origin[w * 3 + 1]!, ws.origin[w * 3 + 2]!];
    for (let s = a; s < b; s++) out.add(`${id}:${s}`);
  }
  return out;
}

function assertNoLeak(train: WindowSet, validation: WindowSet, test: WindowSet): void {
  const groups = [train, validation, test].map((ws) => new Set(ws.group));
  for (let i = 0; i < 3; i++)
    for (let j = i + 1; j < 3; j++) {
      for (const g of groups[i]!) assert.ok(!groups[j]!.has(g), `group ${g} in two splits`);
    }
  const sets = [train, validation, test].map(samplesOf);
  for (let i = 0; i < 3; i++)
    for (let j = i + 1; j < 3; j++) {
      for (const s of sets[i]!) assert.ok(!sets[j]!.has(s), `sample ${s} in two splits`);
    }
}

test("no leakage: train, validation and test windows come from disjoint trajectory groups and share no sample", () => {
  const p = preparePredictionWindows(parsePredictionConfig({ seed: 3 }), { datasets: [dense] });
  assert.ok(p.train.count > 0 && p.validation.count > 0 && p.test.count > 0);
  assertNoLeak(p.train, p.validation, p.test);
  // Within one split, windows of a trajectory do not overlap either (stride = span).
  assert.equal(samplesOf(p.test).size, p.test.count * 25);
});

test("no leakage with a single long track cut into segments", () => {
  const one = multipathDataset({ kind: "dense", users: 1, samples: 3000, antennas: 4, dopplerHz: 40, dt: 1e-3, seed: 9 });
  assert.throws(() => preparePredictionWindows(parsePredictionConfig({}), { datasets: [one] }), /1 independent trajectory group/);
  const p = preparePredictionWindows(parsePredictionConfig({ segment: 200 }), { datasets: [one] });
  assert.ok(p.trajectories >= 10);
  assertNoLeak(p.train, p.validation, p.test);
});

test("runPrediction scores every classical model; hold's gain is 0; the result is deterministic except for timings", () => {
  const cfg = { models: [...CLASSICAL], speed: 2, seed: 1 };
  const a = runPrediction(cfg, { datasets: [withFc] });
  const b = runPrediction(cfg, { datasets: [withFc] });
  assert.deepEqual(
    a.models.map((m) => m.name),
    [...CLASSICAL],
  );
  for (const m of a.models) {
    assert.equal(m.nmseDb.length, 5);
    assert.equal(m.mrtGain.length, 5);
    assert.ok(Number.isFinite(m.meanNmseDb) && m.usPerPrediction > 0 && m.params >= 0);
  }
  assert.deepEqual(a.models[0]!.gainDb, [0, 0, 0, 0, 0]);
  assert.deepEqual(
    a.models.map((m) => m.nmseDb),
    b.models.map((m) => m.nmseDb),
  );
  assert.deepEqual(
    a.models.map((m) => m.mrtGain),
    b.models.map((m) => m.mrtGain),
  );
  assert.ok(Math.abs(a.config.dopplerHz! - 40.03) < 0.01);
  assert.deepEqual(a.config.windows, {
    train: a.config.windows.train,
    validation: a.config.windows.validation,
    test: a.config.windows.test,
  });
  // The closed forms are reported and hold lands near its own.
  a.reference!.holdDb.forEach((d, k) => assert.ok(Math.abs(a.models[0]!.nmseDb[k]! - d) < 1.5, `hold step ${k + 1}`));
  const wiener = a.models.find((m) => m.name === "wiener")!;
  assert.ok(wiener.meanNmseDb < a.models[0]!.meanNmseDb - 6);
  assert.ok(wiener.mrtGain[0]! > 0.95 && wiener.mrtGain[0]! <= 1);
});

test("runPrediction simulates its channel from a preset config and reads the speed and carrier from it", () => {
  const r = runPrediction({ channel: { preset: "clarke", users: 12, samples: 300 }, models: ["hold", "wiener"], seed: 2 });
  assert.deepEqual(r.config.source, ["liquidwave:clarke@v1"]);
  assert.ok(Math.abs(r.config.dopplerHz! - (2 * 6e9) / 299792458) < 1e-9);
  assert.equal(r.config.dt, 1e-3);
  assert.ok(r.models[1]!.meanNmseDb < r.models[0]!.meanNmseDb - 5);
});

test("a separate test channel (an unseen speed) supplies all test windows; the f_D-aware baselines get the test f_D", () => {
  const r = runPrediction({
    channel: { preset: "clarke", users: 9, samples: 300 },
    testChannel: { speed: 4 },
    models: ["hold", "wiener", "wiener-train"],
    seed: 2,
  });
  assert.deepEqual(r.config.trajectories, { train: 7, validation: 2, test: 9 });
  assert.ok(Math.abs(r.config.dopplerHz! - 2 * r.config.trainDopplerHz!) < 1e-9);
  const [hold, wiener, trained] = r.models;
  // Wiener with the true test f_D beats Wiener with the f_D estimated on the 2 m/s training data.
  assert.ok(wiener!.meanNmseDb < trained!.meanNmseDb - 1, `${wiener!.meanNmseDb} vs ${trained!.meanNmseDb}`);
  assert.ok(hold!.nmseDb[0]! > -10, "hold at 4 m/s decorrelates faster than at 2 m/s");
});

test("bad configs fail before any work with one line naming the field", () => {
  const err = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof LiquidwaveError && re.test(e.message) && !e.message.includes("\n"));
  // (cast: the config is typed now, these are what an untyped caller could still pass)
  err(() => runPrediction({ histroy: 20 } as never, { datasets: [dense] }), /histroy/);
  err(() => runPrediction({ history: 0 }, { datasets: [dense] }), /config\.history/);
  err(() => runPrediction({ models: ["hold", "oracle"] } as never, { datasets: [dense] }), /config\.models\[1\]/);
  err(() => runPrediction({ models: ["wiener"] }, { datasets: [dense] }), /'wiener' needs the true maximum Doppler/);
  err(() => runPrediction({ channel: { preset: "clarke" }, dt: 0.005 }), /config\.dt describes a data file/);
  err(() => runPrediction({ history: 300 }, { datasets: [dense] }), /no complete window of 305 samples/);
  err(() => runPrediction({}), /no channel source/);
});
