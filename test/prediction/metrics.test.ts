import { test } from "node:test";
import assert from "node:assert/strict";
import type { ComplexTensor } from "../../src/core/complex.ts";
import { Rng } from "../../src/core/random.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import {
  elapsedSteps,
  flatInputs,
  makeTrajectory,
  makeWindows,
  meanNmseDb,
  mrtGain,
  nmsePerStep,
  predictionGainDb,
  sequenceInputs,
  stackedTargets,
  toDb,
  unstackPredictions,
  windowScales,
} from "../../src/prediction/index.ts";

const c = (shape: number[], re: number[], im?: number[]): ComplexTensor => ({
  shape,
  re: Float64Array.from(re),
  im: Float64Array.from(im ?? re.map(() => 0)),
});

test("NMSE per step is a ratio of sums over windows, not a mean of per-window ratios", () => {
  // Two windows, one step, one antenna: a strong one predicted well, a deep fade predicted badly.
  const target = c([2, 1, 1], [10, 0.1]);
  const pred = c([2, 1, 1], [9, 0.2]);
  const nmse = nmsePerStep(pred, target);
  // Σ|e|² / Σ|h|² = (1 + 0.01) / (100 + 0.01); the mean of ratios would be (0.01 + 1) / 2.
  assert.equal(nmse[0], (1 + 0.01) / (100 + 0.01));
  assert.notEqual(nmse[0], (1 / 100 + 0.01 / 0.01) / 2);
});

test("NMSE sums over antennas and real and imaginary parts, step by step", () => {
  const target = c([1, 2, 2], [1, 0, 0, 2], [0, 1, 2, 0]);
  const pred = c([1, 2, 2], [1, 0, 1, 2], [1, 1, 2, 1]);
  const nmse = nmsePerStep(pred, target);
  assert.deepEqual([...nmse], [1 / 2, 2 / 8]);
  assert.deepEqual(toDb([0.1, 1]), [-10, 0]);
  assert.equal(meanNmseDb([0.1, 0.3]), 10 * Math.log10(0.2));
  assert.deepEqual(predictionGainDb([0.01, 0.1], [0.1, 0.1]), [10, 0]);
  assert.throws(() => nmsePerStep(c([1, 1, 1], [1]), target), LiquidwaveError);
});

test("MRT gain is 1 for a prediction parallel to the channel (any complex scale) and 0 for an orthogonal one", () => {
  const h = c([1, 2, 3], [1, 2, 3, 1, 0, 0], [0, -1, 1, 0, 1, 0]);
  // Step 0: ĥ = (2 − 3j) h.
  const pr = new Float64Array(6),
    pi = new Float64Array(6);
  for (let m = 0; m < 3; m++) {
    pr[m] = 2 * h.re[m]! + 3 * h.im[m]!;
    pi[m] = 2 * h.im[m]! - 3 * h.re[m]!;
  }
  // Step 1: h = [1, j, 0]; ĥ = [1, −j·(−1)… ] chosen with hᴴĥ = 1·1 + (−j)(−j)·… = 0: ĥ = [1, j·(−1)·j… ] → use [1, 1j·(1j)] = [1, −1]? hᴴĥ = 1 + (−j)(−1) = 1 + j ≠ 0.
  // Take ĥ = [0, 0, 1]: hᴴĥ = 0.
  pr[5] = 1;
  const g = mrtGain({ shape: [1, 2, 3], re: pr, im: pi }, h);
  assert.ok(Math.abs(g[0]! - 1) < 1e-15);
  assert.equal(g[1], 0);
});

test("windows are normalised by the RMS of their inputs only; unstacking restores the original scale", () => {
  const T = 40,
    M = 3;
  const rng = new Rng(5);
  const re = rng.fillNormal(new Float64Array(T * M)),
    im = rng.fillNormal(new Float64Array(T * M));
  const ws = makeWindows([makeTrajectory(0, 0, { shape: [T, M], re, im }, "x")], {
    history: 6,
    horizon: 2,
    dt: 1,
    snrDb: null,
    rng: new Rng(1),
  });
  const s = windowScales(ws);
  for (let w = 0; w < ws.count; w++) {
    let p = 0;
    for (let i = w * 18; i < (w + 1) * 18; i++) p += ws.inputs.re[i]! ** 2 + ws.inputs.im[i]! ** 2;
    assert.equal(s[w], Math.sqrt(p / 18));
  }
  // Changing the targets never changes the scales (no look-ahead).
  ws.targets.re.fill(1e6);
  assert.deepEqual(windowScales(ws), s);
  ws.targets.re.fill(0.5);
  const x = sequenceInputs(ws, s);
  assert.deepEqual(x.shape, [ws.count, 6, 6]);
  let pw = 0;
  for (let i = 0; i < 36; i++) pw += x.data[i]! ** 2;
  assert.ok(Math.abs(pw / 18 - 1) < 1e-12, "normalised window has unit mean power per complex entry");
  assert.ok(Math.abs(x.data[1 * 6 + 3 + 2]! - ws.inputs.im[1 * 3 + 2]! / s[0]!) < 1e-15); // step 1, Im of antenna 2
  const y = stackedTargets(ws, s);
  const back = unstackPredictions(y, s, 2, 3);
  for (let i = 0; i < back.re.length; i++) {
    assert.ok(Math.abs(back.re[i]! - ws.targets.re[i]!) < 1e-15);
    assert.ok(Math.abs(back.im[i]! - ws.targets.im[i]!) < 1e-15);
  }
  assert.deepEqual(flatInputs(ws, s).shape, [ws.count, 36]);
  assert.deepEqual([...elapsedSteps(ws).data.subarray(0, 6)], [1, 1, 1, 1, 1, 1]);
  assert.deepEqual(sequenceInputs(ws, s, true).shape, [ws.count, 6, 7]);
});
