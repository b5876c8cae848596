import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import {
  makeTrajectory,
  makeWindows,
  segmentTrajectories,
  selectWindows,
  splitByGroup,
  trajectoriesFromDatasets,
  type Trajectory,
} from "../../src/prediction/index.ts";
import { multipathDataset } from "./helpers.ts";

/** A trajectory whose sample t, antenna m is t + 1000 m + j (t − m): every value identifies its origin. */
function rampTrajectory(id: number, group: number, T: number, M: number): Trajectory {
  const re = new Float64Array(T * M),
    im = new Float64Array(T * M);
  for (let t = 0; t < T; t++)
    for (let m = 0; m < M; m++) {
      re[t * M + m] = t + 1000 * m;
      im[t * M + m] = t - m;
    }
  return makeTrajectory(id, group, { shape: [T, M], re, im }, `ramp ${id}`);
}

test("trajectoriesFromDatasets cuts H [T, K, Nk, M] into one [T, M] series per user antenna, grouped by user", () => {
  const T = 7,
    K = 2,
    Nk = 3,
    M = 4;
  const re = Float64Array.from({ length: T * K * Nk * M }, (_, i) => i);
  const im = re.map((v) => -v);
  const trs = trajectoriesFromDatasets([{ H: { shape: [T, K, Nk, M], re, im }, meta: { source: "x", layout: "liquidwave", notes: [] } }]);
  assert.equal(trs.length, K * Nk);
  assert.deepEqual(
    trs.map((t) => t.group),
    [0, 0, 0, 1, 1, 1],
  );
  const tr = trs[4]!; // user 1, antenna 1
  for (let t = 0; t < T; t++)
    for (let m = 0; m < M; m++) {
      const src = ((t * K + 1) * Nk + 1) * M + m;
      assert.equal(tr.h.re[t * M + m], src);
      assert.equal(tr.h.im[t * M + m], -src);
    }
  let p = 0;
  for (let i = 0; i < T * M; i++) p += tr.h.re[i]! ** 2 + tr.h.im[i]! ** 2;
  assert.equal(tr.power, p / (T * M));
});

test("makeWindows takes P inputs then F noiseless targets, stride = span by default, with times and provenance", () => {
  const tr = rampTrajectory(3, 9, 60, 2);
  const ws = makeWindows([tr], { history: 4, horizon: 2, dt: 1e-3, snrDb: null, rng: new Rng(1) });
  assert.equal(ws.count, 10); // 60 / (4 + 2)
  assert.equal(ws.regular, true);
  for (let w = 0; w < ws.count; w++) {
    const s = 6 * w;
    for (let p = 0; p < 4; p++) assert.equal(ws.inputs.re[(w * 4 + p) * 2 + 1], s + p + 1000);
    for (let k = 0; k < 2; k++) assert.equal(ws.targets.im[(w * 2 + k) * 2 + 1], s + 4 + k - 1);
    assert.deepEqual(
      [...ws.times.subarray(w * 6, w * 6 + 6)].map((x) => Math.round(x * 1e6) / 1e3),
      [-3, -2, -1, 0, 1, 2],
    );
    assert.deepEqual([...ws.origin.subarray(w * 3, w * 3 + 3)], [3, s, s + 6]);
    assert.equal(ws.group[w], 9);
  }
});

test("makeWindows injects CN(0, σ²) input noise at the SNR w.r.t. the trajectory's mean power and leaves targets clean", () => {
  const ds = multipathDataset({ kind: "dense", users: 20, samples: 500, antennas: 4, dopplerHz: 40, dt: 1e-3, seed: 3 });
  const trs = trajectoriesFromDatasets([ds]);
  const clean = makeWindows(trs, { history: 20, horizon: 5, dt: 1e-3, snrDb: null, rng: new Rng(2) });
  const noisy = makeWindows(trs, { history: 20, horizon: 5, dt: 1e-3, snrDb: 10, rng: new Rng(2) });
  assert.deepEqual(noisy.targets.re, clean.targets.re);
  assert.deepEqual(noisy.targets.im, clean.targets.im);
  let err = 0,
    want = 0;
  for (let w = 0; w < noisy.count; w++) want += noisy.noiseVar[w]! * 20 * 4;
  for (let i = 0; i < noisy.inputs.re.length; i++)
    err += (noisy.inputs.re[i]! - clean.inputs.re[i]!) ** 2 + (noisy.inputs.im[i]! - clean.inputs.im[i]!) ** 2;
  // 400 windows × 80 complex entries: 32 000 draws, relative std 1/√32000 = 0.6 %; allow 3 %.
  assert.ok(Math.abs(err / want - 1) < 0.03, `noise power ratio ${err / want}`);
  for (let w = 0; w < noisy.count; w++) {
    const tr = trs[noisy.origin[w * 3]!]!;
    assert.equal(noisy.noiseVar[w], tr.power * 0.1);
    assert.equal(noisy.power[w], tr.power);
  }
});

test("makeWindows with random gaps: irregular input times on the sample grid, targets at Δt … FΔt after the last input", () => {
  const tr = rampTrajectory(0, 0, 400, 1);
  const ws = makeWindows([tr], { history: 5, horizon: 3, dt: 0.002, snrDb: null, maxGap: 3, rng: new Rng(7) });
  assert.equal(ws.regular, false);
  let sawGap = false;
  for (let w = 0; w < ws.count; w++) {
    const t = [...ws.times.subarray(w * 8, w * 8 + 8)].map((x) => Math.round(x / 0.002));
    for (let j = 1; j < 5; j++) {
      const g = t[j]! - t[j - 1]!;
      assert.ok(g >= 1 && g <= 3, `gap ${g}`);
      sawGap ||= g > 1;
      // The input value equals its sample index (ramp): the time is consistent with the data.
      assert.equal(ws.inputs.re[w * 5 + j]! - ws.inputs.re[w * 5 + j - 1]!, g);
    }
    assert.deepEqual(t.slice(4), [0, 1, 2, 3]);
    assert.equal(ws.targets.re[w * 3]! - ws.inputs.re[w * 5 + 4]!, 1);
  }
  assert.ok(sawGap);
});

test("selectWindows keeps every per-window array aligned", () => {
  const ws = makeWindows([rampTrajectory(0, 0, 100, 2)], { history: 3, horizon: 2, dt: 1, snrDb: null, rng: new Rng(1) });
  const s = selectWindows(ws, [4, 1]);
  assert.equal(s.count, 2);
  assert.deepEqual([...s.origin], [...ws.origin.subarray(12, 15), ...ws.origin.subarray(3, 6)]);
  assert.deepEqual([...s.inputs.re.subarray(0, 6)], [...ws.inputs.re.subarray(4 * 6, 5 * 6)]);
  assert.throws(() => selectWindows(ws, [99]), LiquidwaveError);
});

test("splitByGroup deals whole groups to train/validation/test by the fractions, seeded", () => {
  const trs = Array.from({ length: 30 }, (_, i) => rampTrajectory(i, Math.floor(i / 3), 10, 1)); // 10 groups of 3
  const s = splitByGroup(trs, [0.6, 0.2, 0.2], new Rng(4));
  const groupsOf = (a: Trajectory[]) => new Set(a.map((t) => t.group));
  assert.deepEqual([groupsOf(s.train).size, groupsOf(s.validation).size, groupsOf(s.test).size], [6, 2, 2]);
  assert.equal(s.train.length + s.validation.length + s.test.length, 30);
  for (const g of groupsOf(s.test)) assert.ok(!groupsOf(s.train).has(g) && !groupsOf(s.validation).has(g));
  const again = splitByGroup(trs, [0.6, 0.2, 0.2], new Rng(4));
  assert.deepEqual(
    again.test.map((t) => t.id),
    s.test.map((t) => t.id),
  );
  // Every non-zero split gets a group even when the fractions round it away.
  const small = splitByGroup(trs.slice(0, 9), [0.9, 0.05, 0.05], new Rng(1));
  assert.ok(small.validation.length > 0 && small.test.length > 0);
  assert.throws(() => splitByGroup(trs.slice(0, 6), [0.6, 0.2, 0.2], new Rng(1)), /2 independent trajectory group/);
});

test("segmentTrajectories cuts a single track into separated segments, each its own group", () => {
  const tr = rampTrajectory(0, 0, 100, 1);
  const segs = segmentTrajectories([tr], 20, 5);
  assert.equal(segs.length, 4); // starts 0, 25, 50, 75
  assert.deepEqual(
    segs.map((s) => s.h.re[0]),
    [0, 25, 50, 75],
  );
  assert.deepEqual(
    segs.map((s) => s.group),
    [0, 1, 2, 3],
  );
  assert.ok(segs.every((s) => s.power === tr.power));
  assert.throws(() => segmentTrajectories([tr], 200, 0), /no trajectory is long enough/);
});
