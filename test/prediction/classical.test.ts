/**
 * The classical predictors and the CI sanity gates of docs/prediction.md §6. Channels are sums of
 * sinusoids (helpers.ts) with f_D = 40 Hz, Δt = 1 ms, P = 20, F = 5 unless stated.
 *
 * Sample sizes: the Clarke test set has 300 independent users × 10 windows × 4 antennas. The
 * per-window errors are roughly exponential, so 3 000 windows (antennas are correlated) give a
 * relative standard error of the ratio-of-sums NMSE of ≈ 2–3 % (≈ 0.1 dB); the ±0.5 dB gates have
 * about 4σ of margin, and the seeds are fixed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { besselJ0 } from "../../src/core/bessel.ts";
import { Rng } from "../../src/core/random.ts";
import { cmatOf, csolve } from "../../src/core/linalg/index.ts";
import {
  AutoregressivePredictor,
  EspritPredictor,
  ExtrapolationPredictor,
  HoldPredictor,
  KalmanPredictor,
  RidgePredictor,
  WienerPredictor,
  estimateDopplerPooled,
  levinsonDurbin,
  makeTrajectory,
  makeWindows,
  nmsePerStep,
  regularTimes,
  toDb,
  trajectoriesFromDatasets,
  wienerTheoreticalNmse,
  windowTimes,
  type WindowSet,
} from "../../src/prediction/index.ts";
import { multipathDataset } from "./helpers.ts";

const FD = 40,
  DT = 1e-3,
  P = 20,
  F = 5;

function windows(kind: "dense" | "sparse", users: number, seed: number, snrDb: number | null, dt = DT, maxGap = 1): WindowSet {
  const ds = multipathDataset({ kind, users, samples: 250, antennas: 4, dopplerHz: FD, dt, seed });
  return makeWindows(trajectoriesFromDatasets([ds]), { history: P, horizon: F, dt, snrDb, maxGap, rng: new Rng(seed + 1000) });
}

const clarkeClean = windows("dense", 300, 1, null);
const clarke20 = windows("dense", 300, 1, 20);

function assertWithin(actualDb: number[], expectedDb: number[], tol: number, label: string): void {
  actualDb.forEach((a, k) =>
    assert.ok(
      Math.abs(a - expectedDb[k]!) <= tol,
      `${label} step ${k + 1}: ${a.toFixed(2)} dB vs ${expectedDb[k]!.toFixed(2)} dB (±${tol})`,
    ),
  );
}

test("gate: sample-and-hold NMSE on Clarke at Δt = 1 ms is 2(1 − J0(2π f_D kΔt)) within ±0.5 dB (and docs/prediction.md §6: −15.0 … −1.5 dB)", () => {
  const got = toDb(nmsePerStep(new HoldPredictor().predict(clarkeClean), clarkeClean.targets));
  const theory = [1, 2, 3, 4, 5].map((k) => 10 * Math.log10(2 * (1 - besselJ0(2 * Math.PI * FD * k * DT))));
  assertWithin(got, theory, 0.5, "hold");
  assertWithin(got, [-15.0, -9.0, -5.6, -3.2, -1.5], 0.5, "hold vs spec");
  // With input noise σ̃² = 0.01 the error adds σ̃²: 2(1 − ρ) + σ̃².
  const noisy = toDb(nmsePerStep(new HoldPredictor().predict(clarke20), clarke20.targets));
  assertWithin(
    noisy,
    theory.map((d) => 10 * Math.log10(10 ** (d / 10) + 0.01)),
    0.5,
    "hold at 20 dB",
  );
});

test("gate: Wiener-J0 at 20 dB input SNR is within ±0.5 dB of −19.9 −17.1 −14.6 −12.4 −10.5 dB and of its closed form", () => {
  const got = toDb(nmsePerStep(new WienerPredictor({ dopplerHz: FD }).predict(clarke20), clarke20.targets));
  assertWithin(got, [-19.9, -17.1, -14.6, -12.4, -10.5], 0.5, "wiener");
  const theory = toDb(wienerTheoreticalNmse(regularTimes(P, F), P, F, FD * DT, 0.01));
  assertWithin(got, theory, 0.3, "wiener vs 1 − rᴴ(R + σ²I)⁻¹r");
  // The docs/prediction.md §6 table is a 300-window Monte Carlo; the closed form is 0.1–0.2 dB below it.
  assertWithin(theory, [-19.9, -17.1, -14.6, -12.4, -10.5], 0.25, "closed form");
});

test("gate: ESPRIT is exact (below −100 dB) on a noiseless 4-path channel", () => {
  const ws = windows("sparse", 100, 5, null);
  const got = toDb(nmsePerStep(new EspritPredictor({ order: 4 }).predict(ws), ws.targets));
  for (const d of got) assert.ok(d < -100, `ESPRIT ${got.map((x) => x.toFixed(0)).join(" ")} dB`);
});

test("gate: ridge-LS trained on windows (4 antennas jointly) is within ±0.5 dB of Wiener-J0", () => {
  const train = windows("dense", 300, 11, 20);
  const ridge = new RidgePredictor();
  ridge.fit(train);
  const got = toDb(nmsePerStep(ridge.predict(clarke20), clarke20.targets));
  const wiener = toDb(nmsePerStep(new WienerPredictor({ dopplerHz: FD }).predict(clarke20), clarke20.targets));
  assertWithin(got, wiener, 0.5, "ridge vs wiener");
  assert.equal(ridge.parameterCount(), 2 * (P * 4) * (F * 4));
});

test("Wiener on a sparse channel at Δt = 5 ms loses to ESPRIT by many dB at 30 dB (docs/prediction.md §4.8)", () => {
  const ws = windows("sparse", 150, 21, 30, 5e-3);
  const wiener = toDb(nmsePerStep(new WienerPredictor({ dopplerHz: FD }).predict(ws), ws.targets));
  const esprit = toDb(nmsePerStep(new EspritPredictor({ order: 4 }).predict(ws), ws.targets));
  // Spec: Wiener −16.1 … −2.1, ESPRIT −27.6 … −21.3 dB; require a ≥ 5 dB win at every step.
  esprit.forEach((e, k) => assert.ok(e < wiener[k]! - 5, `step ${k + 1}: ESPRIT ${e.toFixed(1)} vs Wiener ${wiener[k]!.toFixed(1)}`));
});

test("Kalman with an AR(16) Clarke model matches the Wiener predictor within 0.3 dB; Gauss–Markov (p = 1) is worse", () => {
  const wiener = toDb(nmsePerStep(new WienerPredictor({ dopplerHz: FD }).predict(clarke20), clarke20.targets));
  const k16 = toDb(nmsePerStep(new KalmanPredictor({ dopplerHz: FD, order: 16 }).predict(clarke20), clarke20.targets));
  assertWithin(k16, wiener, 0.3, "kalman(16) vs wiener");
  const gm = toDb(nmsePerStep(new KalmanPredictor({ dopplerHz: FD, order: 1 }).predict(clarke20), clarke20.targets));
  assert.ok(gm[4]! > wiener[4]! + 3, `Gauss–Markov step 5 ${gm[4]} vs Wiener ${wiener[4]}`);
});

test("Wiener handles irregular sampling: with random gaps its NMSE matches the mean of the per-window closed forms", () => {
  const ws = windows("dense", 300, 31, 20, DT, 3);
  assert.equal(ws.regular, false);
  const got = nmsePerStep(new WienerPredictor({ dopplerHz: FD }).predict(ws), ws.targets);
  const mean = new Float64Array(F);
  for (let w = 0; w < ws.count; w++) {
    const th = wienerTheoreticalNmse(windowTimes(ws, w), P, F, FD * DT, 0.01);
    for (let k = 0; k < F; k++) mean[k]! += th[k]! / ws.count;
  }
  assertWithin(toDb(got), toDb(mean), 0.5, "irregular wiener");
  assert.throws(() => new AutoregressivePredictor().predict(ws), /regularly sampled/);
  assert.throws(() => new EspritPredictor().predict(ws), /regularly sampled/);
});

test("f_D estimated from the pooled training autocorrelation is within 3 % of the truth; Wiener with it matches true-f_D Wiener", () => {
  const fd = estimateDopplerPooled(clarke20);
  assert.ok(Math.abs(fd / FD - 1) < 0.03, `f̂_D = ${fd}`);
  const trained = new WienerPredictor({ estimate: "train" });
  trained.fit(clarke20);
  const a = toDb(nmsePerStep(trained.predict(clarke20), clarke20.targets));
  const b = toDb(nmsePerStep(new WienerPredictor({ dopplerHz: FD }).predict(clarke20), clarke20.targets));
  assertWithin(a, b, 0.2, "wiener-train vs wiener");
  // Per-window estimates are noisier but still beat hold by a wide margin.
  const est = new WienerPredictor({});
  const c = toDb(nmsePerStep(est.predict(clarke20), clarke20.targets));
  const hold = toDb(nmsePerStep(new HoldPredictor().predict(clarke20), clarke20.targets));
  c.forEach((v, k) => assert.ok(v < hold[k]! - 3 && v > b[k]! - 0.3, `wiener-est step ${k + 1}: ${v}`));
  assert.equal(est.lastEstimates!.length, clarke20.count);
});

test("Levinson–Durbin solves the Hermitian Toeplitz Yule–Walker equations (checked against LU)", () => {
  const rng = new Rng(3);
  // r(l) of a random MA process (a valid autocorrelation): x = Σ_i b_i w(n − i).
  const q = 6,
    p = 5;
  const bRe = rng.fillNormal(new Float64Array(q)),
    bIm = rng.fillNormal(new Float64Array(q));
  const rRe = new Float64Array(p + 1),
    rIm = new Float64Array(p + 1);
  for (let l = 0; l <= p; l++)
    for (let i = l; i < q; i++) {
      // r(l) = Σ_i b_i conj(b_{i−l})
      rRe[l]! += bRe[i]! * bRe[i - l]! + bIm[i]! * bIm[i - l]!;
      rIm[l]! += bIm[i]! * bRe[i - l]! - bRe[i]! * bIm[i - l]!;
    }
  const a = levinsonDurbin(rRe, rIm, p);
  // Σ_i a_i r(j − i) = r(j): matrix T[j, i] = r(j − i), r(−l) = conj r(l).
  const Tre = new Float64Array(p * p),
    Tim = new Float64Array(p * p);
  for (let j = 0; j < p; j++)
    for (let i = 0; i < p; i++) {
      const l = j - i;
      Tre[j * p + i] = rRe[Math.abs(l)]!;
      Tim[j * p + i] = l >= 0 ? rIm[l]! : -rIm[-l]!;
    }
  const x = csolve(cmatOf(p, p, Tre, Tim), cmatOf(p, 1, rRe.slice(1), rIm.slice(1)));
  for (let i = 0; i < p; i++) {
    assert.ok(Math.abs(a.re[i]! - x.re[i]!) < 1e-10 && Math.abs(a.im[i]! - x.im[i]!) < 1e-10, `a_${i + 1}`);
  }
  assert.ok(a.error > 0 && a.error < rRe[0]!);
});

test("AR(p) on the window beats hold on Clarke at 20 dB but stays far from Wiener (docs/prediction.md §6: −15.4 … −4.0 dB)", () => {
  const got = toDb(nmsePerStep(new AutoregressivePredictor({ order: 6 }).predict(clarke20), clarke20.targets));
  assertWithin(got, [-15.4, -11.0, -7.8, -5.6, -4.0], 1.0, "AR(6)");
});

test("polynomial extrapolation is exact on polynomials of its degree and equals y(t) + k(y(t) − y(t − Δt)) for q = 1", () => {
  const T = 30,
    M = 2;
  const re = new Float64Array(T * M),
    im = new Float64Array(T * M);
  for (let t = 0; t < T; t++)
    for (let m = 0; m < M; m++) {
      re[t * M + m] = 0.5 * t * t - 3 * t + m;
      im[t * M + m] = -0.1 * t * t + 2;
    }
  const ws = makeWindows([makeTrajectory(0, 0, { shape: [T, M], re, im }, "quadratic")], {
    history: 6,
    horizon: 3,
    dt: 0.01,
    snrDb: null,
    rng: new Rng(1),
  });
  const q2 = new ExtrapolationPredictor({ degree: 2, span: 5 }).predict(ws);
  for (let i = 0; i < q2.re.length; i++) {
    assert.ok(Math.abs(q2.re[i]! - ws.targets.re[i]!) < 1e-9 && Math.abs(q2.im[i]! - ws.targets.im[i]!) < 1e-9);
  }
  const lin = new ExtrapolationPredictor().predict(ws);
  for (let w = 0; w < ws.count; w++)
    for (let k = 0; k < 3; k++)
      for (let m = 0; m < M; m++) {
        const y1 = ws.inputs.re[(w * 6 + 5) * M + m]!,
          y0 = ws.inputs.re[(w * 6 + 4) * M + m]!;
        assert.ok(Math.abs(lin.re[(w * 3 + k) * M + m]! - (y1 + (k + 1) * (y1 - y0))) < 1e-9);
      }
});

test("Wiener and ridge predictions are invariant to the trajectory's power (the SNR is relative)", () => {
  const scaled: WindowSet = {
    ...clarke20,
    inputs: { shape: clarke20.inputs.shape, re: clarke20.inputs.re.map((v) => v * 1e-5), im: clarke20.inputs.im.map((v) => v * 1e-5) },
    targets: { shape: clarke20.targets.shape, re: clarke20.targets.re.map((v) => v * 1e-5), im: clarke20.targets.im.map((v) => v * 1e-5) },
    noiseVar: clarke20.noiseVar.map((v) => v * 1e-10),
    power: clarke20.power.map((v) => v * 1e-10),
  };
  const a = nmsePerStep(new WienerPredictor({ dopplerHz: FD }).predict(clarke20), clarke20.targets);
  const b = nmsePerStep(new WienerPredictor({ dopplerHz: FD }).predict(scaled), scaled.targets);
  for (let k = 0; k < F; k++) assert.ok(Math.abs(a[k]! / b[k]! - 1) < 1e-9);
});
