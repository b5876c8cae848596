import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import { complexTensor } from "../../src/core/complex.ts";
import { caddDiagInPlace, cclone, clogDet, cmat, cmatmul, cmatmulBH, cinv, type CMat } from "../../src/core/linalg/index.ts";
import {
  ChannelSample,
  channelSample,
  glnnLoss,
  precoderFromX,
  sumRateAndGradW,
  sumRateAndGradX,
  trajectorySample,
  userRates,
  userRatesX,
  weightedSumRate,
  type RateObjective,
} from "../../src/beamforming/index.ts";
import { assertAllClose } from "../helpers/assert.ts";
import { iidChannel, randomMatrix, wirtingerFD } from "./helpers.ts";

/** Reference rate from the definition: log2 det(I + S J^{-1}) with general LU log-det. */
function referenceRates(ch: ChannelSample, v: CMat, sigma2: number): number[] {
  const d = v.cols / ch.K;
  const out: number[] = [];
  for (let k = 0; k < ch.K; k++) {
    const hk = ch.user(k);
    const g = cmatmul(hk, v);
    const j = cmat(ch.Nk, ch.Nk);
    const s = cmat(ch.Nk, ch.Nk);
    for (let col = 0; col < v.cols; col++) {
      const own = col >= k * d && col < (k + 1) * d;
      const t = own ? s : j;
      for (let a = 0; a < ch.Nk; a++) {
        for (let b = 0; b < ch.Nk; b++) {
          const xr = g.re[a * v.cols + col]!,
            xi = g.im[a * v.cols + col]!;
          const yr = g.re[b * v.cols + col]!,
            yi = g.im[b * v.cols + col]!;
          t.re[a * ch.Nk + b]! += xr * yr + xi * yi;
          t.im[a * ch.Nk + b]! += xi * yr - xr * yi;
        }
      }
    }
    caddDiagInPlace(j, sigma2);
    const m = cmatmul(s, cinv(j));
    caddDiagInPlace(m, 1);
    out.push(clogDet(m).logAbs / Math.LN2);
  }
  return out;
}

test("a single-antenna single user gets log2(1 + P ||h||^2 / sigma^2) with the matched filter", () => {
  const rng = new Rng(1);
  const ch = iidChannel(rng, 1, 1, 16);
  let h2 = 0;
  for (let i = 0; i < 16; i++) h2 += ch.H.re[i]! ** 2 + ch.H.im[i]! ** 2;
  const v = cmat(16, 1);
  for (let i = 0; i < 16; i++) {
    v.re[i] = (ch.H.re[i]! * Math.sqrt(10)) / Math.sqrt(h2);
    v.im[i] = (-ch.H.im[i]! * Math.sqrt(10)) / Math.sqrt(h2);
  }
  const r = userRates(ch, v, { sigma2: 2, power: 10 });
  assert.ok(Math.abs(r.sumRate - Math.log2(1 + (10 * h2) / 2)) < 1e-12);
});

test("rates equal log2 det(I + S J^{-1}) computed from the definition, for Nk = 1, 2, 3 and d = 1 .. Nk", () => {
  const rng = new Rng(2);
  for (const [K, Nk, M] of [
    [3, 1, 5],
    [4, 2, 12],
    [2, 3, 7],
  ] as const) {
    for (let d = 1; d <= Nk; d++) {
      const ch = iidChannel(rng, K, Nk, M);
      const v = randomMatrix(rng, M, K * d, 0.3);
      const got = userRates(ch, v, { sigma2: 0.7, power: 1 }).rates;
      assertAllClose(got, referenceRates(ch, v, 0.7), { rtol: 1e-11, atol: 1e-12, label: `K${K} Nk${Nk} d${d}` });
    }
  }
});

test("with d = 1 the log-det rate equals log2(1 + SINR) of the MMSE receiver g^H C_{-k}^{-1} g", () => {
  const rng = new Rng(3);
  const ch = iidChannel(rng, 2, 2, 4);
  const v = randomMatrix(rng, 4, 2);
  const r = userRates(ch, v, { sigma2: 0.5, power: 1 }).rates;
  for (let k = 0; k < 2; k++) {
    const g = cmatmul(ch.user(k), v); // 2 x 2, column j = H_k v_j
    const own = cmat(2, 1);
    const oth = cmat(2, 1);
    for (let a = 0; a < 2; a++) {
      own.re[a] = g.re[a * 2 + k]!;
      own.im[a] = g.im[a * 2 + k]!;
      oth.re[a] = g.re[a * 2 + 1 - k]!;
      oth.im[a] = g.im[a * 2 + 1 - k]!;
    }
    const c = caddDiagInPlace(cmatmulBH(oth, oth), 0.5);
    const t = cmatmul(cinv(c), own);
    const sinr = own.re[0]! * t.re[0]! + own.im[0]! * t.im[0]! + own.re[1]! * t.re[1]! + own.im[1]! * t.im[1]!;
    assert.ok(Math.abs(r[k]! - Math.log2(1 + sinr)) < 1e-12, `user ${k}`);
  }
});

test("weights scale each user's rate in the weighted sum", () => {
  const rng = new Rng(4);
  const ch = iidChannel(rng, 3, 2, 8);
  const v = randomMatrix(rng, 8, 3);
  const r = userRates(ch, v, { sigma2: 1, power: 1, weights: [0.5, 2, 0] });
  assert.ok(Math.abs(r.sumRate - (0.5 * r.rates[0]! + 2 * r.rates[1]!)) < 1e-12);
});

function objectives(): RateObjective[] {
  return [weightedSumRate, glnnLoss(), glnnLoss({ beta: 1.1, gamma: 0.4, lambda: 6 })];
}

test("the gradient of the rates and of the GLNN loss with respect to conj(V) matches complex finite differences", () => {
  const rng = new Rng(5);
  for (const [K, Nk, M, d] of [
    [4, 2, 6, 1],
    [3, 2, 5, 2],
    [2, 3, 4, 2],
    [1, 1, 3, 1],
  ] as const) {
    const ch = iidChannel(rng, K, Nk, M);
    const v = randomMatrix(rng, M, K * d, 0.5);
    const sys = { sigma2: 0.8, power: 3, weights: Array.from({ length: K }, (_, k) => 0.5 + k * 0.4) };
    for (const obj of objectives()) {
      const got = sumRateAndGradW(ch, v, sys, { objective: obj });
      const fd = wirtingerFD(v, () => sumRateAndGradW(ch, v, sys, { objective: obj }).value);
      assertAllClose(got.grad.re, fd.re, { rtol: 1e-5, atol: 1e-7, label: `${obj.name} re K${K} d${d}` });
      assertAllClose(got.grad.im, fd.im, { rtol: 1e-5, atol: 1e-7, label: `${obj.name} im K${K} d${d}` });
    }
  }
});

test("the gradient with respect to conj(X) through V = c H^H X matches finite differences for every normalisation", () => {
  const rng = new Rng(6);
  for (const [K, Nk, M, d] of [
    [4, 2, 16, 1],
    [2, 2, 6, 2],
  ] as const) {
    const ch = iidChannel(rng, K, Nk, M);
    const x = randomMatrix(rng, K * Nk, K * d, 0.2);
    const sys = { sigma2: 1, power: 10 };
    for (const normalize of ["none", "power", "legacy"] as const) {
      for (const obj of objectives()) {
        const got = sumRateAndGradX(ch, x, sys, { objective: obj, normalize });
        const fd = wirtingerFD(x, () => sumRateAndGradX(ch, x, sys, { objective: obj, normalize }).value);
        assertAllClose(got.grad.re, fd.re, { rtol: 1e-5, atol: 1e-7, label: `${normalize} ${obj.name} re` });
        assertAllClose(got.grad.im, fd.im, { rtol: 1e-5, atol: 1e-7, label: `${normalize} ${obj.name} im` });
      }
    }
  }
});

test("the X-space rates equal the rates of the precoder W = c H^H X, and the normalisations give the documented powers", () => {
  const rng = new Rng(7);
  const ch = iidChannel(rng, 4, 2, 64);
  const x = randomMatrix(rng, 8, 4);
  const sys = { sigma2: 1, power: 10 };
  for (const normalize of ["none", "power", "legacy"] as const) {
    const w = precoderFromX(ch, x, sys, normalize);
    const a = userRates(ch, w, sys);
    const b = sumRateAndGradX(ch, x, sys, { normalize });
    const c = userRatesX(ch, x, sys, normalize);
    assertAllClose(b.rates, a.rates, { rtol: 1e-11, atol: 1e-12 });
    assertAllClose(c.rates, a.rates, { rtol: 1e-11, atol: 1e-12 });
    let p = 0;
    for (let i = 0; i < w.re.length; i++) p += w.re[i]! ** 2 + w.im[i]! ** 2;
    assert.ok(Math.abs(b.power - p) < 1e-9 * p);
    const raw = precoderFromX(ch, x, sys, "none");
    let t = 0;
    for (let i = 0; i < raw.re.length; i++) t += raw.re[i]! ** 2 + raw.im[i]! ** 2;
    const want = normalize === "none" ? t : normalize === "power" ? 10 : 10 * Math.sqrt(t);
    assert.ok(Math.abs(p - want) < 1e-9 * want, `${normalize}: power ${p}, expected ${want}`);
  }
});

test("the GLNN loss is -sum r + gamma sum ReLU(lambda - r_k) + beta * unbiased variance, and 0 variance for one user", () => {
  const loss = glnnLoss();
  const r = Float64Array.from([1, 3, 2, 6]);
  const mean = 3;
  const varU = ((1 - mean) ** 2 + 0 + 1 + 9) / 3;
  const want = -12 + 0.7 * (1.5 + 0.5) + 0.3 * varU;
  assert.ok(Math.abs(loss.value(r) - want) < 1e-14);
  const g = new Float64Array(4);
  loss.grad(r, g);
  assertAllClose(g, [-1 - 0.7 + (0.6 * -2) / 3, -1 + 0, -1 - 0.7 + (0.6 * -1) / 3, -1 + (0.6 * 3) / 3], { rtol: 1e-14 });
  assert.equal(loss.value(Float64Array.from([3])), -3);
  assert.throws(() => glnnLoss({ beta: NaN }), /glnnLoss: beta must be finite/);
});

test("channels come from [K, Nk, M] tensors and [T, K, Nk, M] trajectories without copying", () => {
  const rng = new Rng(8);
  const T = 3,
    K = 2,
    Nk = 2,
    M = 5;
  const re = new Float64Array(T * K * Nk * M);
  const im = new Float64Array(T * K * Nk * M);
  rng.fillComplexNormal(re, im);
  const traj = complexTensor(re, im, [T, K, Nk, M]);
  const s1 = trajectorySample(traj, 1);
  assert.equal(s1.N, 4);
  assert.equal(s1.M, 5);
  assert.equal(s1.H.re[0], re[K * Nk * M]);
  s1.H.re[0] = 42;
  assert.equal(re[K * Nk * M], 42, "a view, not a copy");
  const one = channelSample(complexTensor(re.subarray(0, K * Nk * M), im.subarray(0, K * Nk * M), [K, Nk, M]));
  assert.equal(one.user(1).re[0], re[Nk * M]);
  assert.throws(() => trajectorySample(traj, 3), /time index 3 is out of range \[0, 3\)/);
  assert.throws(() => channelSample(traj), /channel must have shape \[K, Nk, M\]/);
});

test("bad inputs are clear errors: NaN in H or V, zero channel, sigma^2 or P not positive, wrong shapes, X in the null space", () => {
  const rng = new Rng(9);
  const h = randomMatrix(rng, 4, 6);
  const ch = new ChannelSample(h, 2);
  const v = randomMatrix(rng, 6, 2);
  const bad = cclone(h);
  bad.im[5] = NaN;
  assert.throws(
    () => new ChannelSample(bad, 2),
    (e: unknown) => e instanceof LiquidwaveError && /channel H has a non-finite entry \S+ \+ NaNi at \[0, 5\]/.test(e.message),
  );
  assert.throws(() => new ChannelSample(cmat(4, 6), 2), /no energy/);
  assert.throws(() => new ChannelSample(h, 3), /cannot hold K = 3 users/);
  const vb = cclone(v);
  vb.re[0] = Infinity;
  assert.throws(() => userRates(ch, vb, { sigma2: 1, power: 1 }), /userRates: precoder V has a non-finite entry/);
  assert.throws(() => userRates(ch, v, { sigma2: 0, power: 1 }), /sigma2 must be a finite number > 0, got 0/);
  assert.throws(() => userRates(ch, v, { sigma2: 1, power: -1 }), /power budget P must be a finite number > 0, got -1/);
  assert.throws(() => userRates(ch, v, { sigma2: 1, power: 1, weights: [1] }), /weights has 1 entries, expected K = 2/);
  assert.throws(() => userRates(ch, randomMatrix(rng, 5, 2), { sigma2: 1, power: 1 }), /precoder V is 5 x 2, expected 6 x \(K·d\)/);
  assert.throws(() => userRates(ch, randomMatrix(rng, 6, 6), { sigma2: 1, power: 1 }), /3 streams per user, more than Nk = 2/);
  // X orthogonal to the row space: H^H X = 0 needs X = 0 here (H has full row rank)
  assert.throws(() => sumRateAndGradX(ch, cmat(4, 2), { sigma2: 1, power: 1 }), /H\^H X is zero/);
  assert.throws(
    () => sumRateAndGradX(ch, randomMatrix(rng, 4, 2), { sigma2: 1, power: 1 }, { normalize: "bogus" as never }),
    /unknown normalization 'bogus'/,
  );
});

test("a zero precoder gives zero rates, not NaN", () => {
  const rng = new Rng(10);
  const ch = iidChannel(rng, 2, 2, 4);
  const r = userRates(ch, cmat(4, 2), { sigma2: 1, power: 1 });
  assert.deepEqual([...r.rates], [0, 0]);
});
