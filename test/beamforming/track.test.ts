/** The tracking beamformer rwmmse-track (issue 13). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateChannel } from "../../src/channel/generate.ts";
import {
  parseLearnedSpec,
  precoderPower,
  runBeamformers,
  RwmmseTracker,
  trajectorySample,
  userRates,
} from "../../src/beamforming/index.ts";
import { ChannelSample, dbmToLinear } from "../../src/beamforming/system.ts";
import { kalmanSmoothing } from "../../src/beamforming/track.ts";
import { besselJ0 } from "../../src/core/bessel.ts";
import { cmat } from "../../src/core/linalg/cmat.ts";
import { Rng } from "../../src/core/random.ts";

const SYS = { sigma2: 1, power: dbmToLinear(10) };

test("rwmmse-track reaches >= 99.5 % of converged WMMSE's sum SE on a slow trajectory, at power P, with its rate equal to an independent evaluation", () => {
  const sim = generateChannel({ preset: "umi-28ghz", seed: 2, antennas: 64, users: 4, userAntennas: 2, speeds: [6], slots: [20] });
  const res = runBeamformers(sim.H, undefined, SYS, ["wmmse", "rwmmse-track", "rzf"], { seed: 1, warmup: 0 });
  const [wm, tr, rzf] = res as [(typeof res)[0], (typeof res)[0], (typeof res)[0]];
  assert.ok(tr.seMean >= 0.995 * wm.seMean, `rwmmse-track ${tr.seMean} vs wmmse ${wm.seMean}`);
  assert.ok(tr.seMean >= rzf.seMean - 1e-9, `rwmmse-track ${tr.seMean} below its RZF restart ${rzf.seMean}`);
  assert.ok(tr.equalPower && Math.abs(tr.meanPower! - SYS.power) < 1e-9 * SYS.power);
  assert.equal(tr.iterationsMax <= 2, true);
  // the rate the tracker reports is the rate of its precoder (rate.ts evaluates it independently)
  const t = new RwmmseTracker({ K: 4, Nk: 2 }, SYS, { iterations: 3, smoothing: 0.5 });
  for (let s = 0; s < 5; s++) {
    const ch = trajectorySample(sim.H, s);
    const d = t.step(ch);
    assert.ok(Math.abs(precoderPower(d.V) - SYS.power) < 1e-9 * SYS.power);
    if (s === 0) assert.ok(Math.abs(d.sumRate - userRates(ch, d.V, SYS).sumRate) < 1e-9, "smoothing starts from the first slot itself");
  }
  const plain = new RwmmseTracker({ K: 4, Nk: 2 }, SYS);
  for (let s = 0; s < 5; s++) {
    const ch = trajectorySample(sim.H, s);
    const d = plain.step(ch);
    assert.ok(Math.abs(d.sumRate - userRates(ch, d.V, SYS).sumRate) < 1e-9);
    if (s === 0) assert.equal(d.restarted, true, "the first slot has no warm start");
  }
});

test("rwmmse-track options: iters and smooth parse, bad values are one clear error", () => {
  const s = parseLearnedSpec("rwmmse-track:iters=3:smooth=0.5");
  assert.equal(s.trackIterations, 3);
  assert.equal(s.trackSmoothing, 0.5);
  assert.throws(() => parseLearnedSpec("rwmmse-track:smooth=1"), /smooth=1 in 'rwmmse-track:smooth=1': must be in \[0, 1\)/);
  assert.throws(
    () => new RwmmseTracker({ K: 2, Nk: 2 }, SYS, { iterations: -1 }),
    /RwmmseTracker: iterations must be an integer in \[0, 1000\], got -1/,
  );
});

test("kalmanSmoothing is 1 minus the fixed point of the scalar Kalman gain recursion, 0 without error, at most 0.95", () => {
  for (const [rho, S, r] of [
    [0.99, 1, 0.1],
    [0.9, 2, 0.5],
    [0.5, 1, 1],
  ] as const) {
    // the Riccati recursion P⁻ ← ρ² P⁻ r / (P⁻ + r) + (1 − ρ²) S, iterated to its fixed point
    let pm = S;
    for (let i = 0; i < 20000; i++) pm = (rho * rho * pm * r) / (pm + r) + (1 - rho * rho) * S;
    const want = Math.min(1 - pm / (pm + r), 0.95);
    assert.ok(Math.abs(kalmanSmoothing(rho, S, r) - want) < 1e-9, `${rho} ${S} ${r}: ${kalmanSmoothing(rho, S, r)} vs ${want}`);
  }
  assert.equal(kalmanSmoothing(0.99, 1, 0), 0);
  assert.equal(kalmanSmoothing(1, 1, 0.1), 0.95);
});

test("step writes the precoder into the caller's matrix, the same as the allocating call", () => {
  const sim = generateChannel({ preset: "umi-28ghz", seed: 3, antennas: 32, users: 4, userAntennas: 2, speeds: [6], slots: [6] });
  const a = new RwmmseTracker({ K: 4, Nk: 2 }, SYS);
  const b = new RwmmseTracker({ K: 4, Nk: 2 }, SYS);
  const out = cmat(32, 4);
  for (let s = 0; s < 6; s++) {
    const ch = trajectorySample(sim.H, s);
    const da = a.step(ch);
    const db = b.step(ch, out);
    assert.equal(db.V, out);
    assert.deepEqual([...out.re, ...out.im], [...da.V.re, ...da.V.im]);
  }
  assert.throws(() => a.step(trajectorySample(sim.H, 0), cmat(4, 32)), /RwmmseTracker.step: output matrix is 4 x 32, expected 32 x 4/);
});

test("smooth=auto is the Kalman smoother of the measured slot correlation and the known CSI error: on a Clarke channel its weight on the past is near the steady state and the error halves; with perfect CSI it does not smooth", () => {
  // every entry a sum of 64 unit-power sinusoids with Doppler phase x = 2π f_D Δt = 0.15 per slot
  // (consecutive slots correlate at J0(0.15)), observed with i.i.d. CN(0, r) error
  const rng = new Rng(7);
  const [K, Nk, M, T, P, x, r] = [2, 2, 16, 300, 64, 0.15, 0.2];
  const N = K * Nk;
  const ang = Float64Array.from({ length: N * M * P }, () => 2 * Math.PI * rng.uniform());
  const ph = Float64Array.from({ length: N * M * P }, () => 2 * Math.PI * rng.uniform());
  const auto = new RwmmseTracker({ K, Nk }, SYS, { smoothing: "auto", csiErrorDb: 10 * Math.log10(r) });
  const perfect = new RwmmseTracker({ K, Nk }, SYS, { smoothing: "auto" });
  let beta = 0;
  let errRaw = 0;
  let errSmooth = 0;
  for (let t = 0; t < T; t++) {
    const h = cmat(N, M);
    const y = cmat(N, M);
    for (let e = 0; e < N * M; e++) {
      let re = 0;
      let im = 0;
      for (let p = 0; p < P; p++) {
        const a = x * t * Math.cos(ang[e * P + p]!) + ph[e * P + p]!;
        re += Math.cos(a);
        im += Math.sin(a);
      }
      h.re[e] = re / Math.sqrt(P);
      h.im[e] = im / Math.sqrt(P);
      y.re[e] = h.re[e]! + Math.sqrt(r / 2) * rng.normal();
      y.im[e] = h.im[e]! + Math.sqrt(r / 2) * rng.normal();
    }
    const d = auto.step(new ChannelSample(y, K));
    beta = d.smoothing;
    assert.equal(perfect.step(new ChannelSample(h, K)).smoothing, 0);
    if (t >= 100) {
      // the smoothed channel the tracker designed on, rebuilt from its own recursion: compare through the rate
      const hs = (auto as unknown as { hs: { re: Float64Array; im: Float64Array } }).hs;
      for (let e = 0; e < N * M; e++) {
        errRaw += (y.re[e]! - h.re[e]!) ** 2 + (y.im[e]! - h.im[e]!) ** 2;
        errSmooth += (hs.re[e]! - h.re[e]!) ** 2 + (hs.im[e]! - h.im[e]!) ** 2;
      }
    }
  }
  // the AR(1) model with the channel's decorrelation at lag 4, J0(4x)
  const rho = 1 - (1 - besselJ0(4 * x)) / 4;
  const want = rho * kalmanSmoothing(rho, 1, r);
  assert.ok(Math.abs(beta - want) < 0.1, `auto weight on the past ${beta} vs steady-state Kalman ${want}`);
  assert.ok(errSmooth < 0.5 * errRaw, `smoothed error ${errSmooth} vs raw ${errRaw}`);
});
