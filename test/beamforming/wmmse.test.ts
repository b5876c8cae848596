import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { cgram, ceigh, cfrob2, crealInner, cmat } from "../../src/core/linalg/index.ts";
import {
  ChannelSample,
  bd,
  lmmseCsiModel,
  rwmmse,
  rzf,
  sumRateAndGradW,
  userRates,
  waterFilling,
  wmmse,
  wmmseBestOf,
} from "../../src/beamforming/index.ts";
import { geometricChannel, iidChannel, mean, std } from "./helpers.ts";

const SYS = { sigma2: 1, power: 10 };

test("the WMMSE sum rate never decreases over iterations (property over random channels, solvers, streams and CSI error)", () => {
  const rng = new Rng(100);
  let cases = 0;
  for (let trial = 0; trial < 12; trial++) {
    const K = 1 + rng.int(4);
    const Nk = 1 + rng.int(3);
    const M = K * Nk + rng.int(20);
    const ch = trial % 3 === 2 ? geometricChannel(rng, K, Nk, M, 1 + rng.int(3)) : iidChannel(rng, K, Nk, M);
    const P = 10 ** (rng.uniform() * 3 - 1);
    const streams = 1 + rng.int(Nk);
    const errorVariance = trial % 4 === 3 ? 0.1 : 0;
    for (const solver of ["subspace", "eig"] as const) {
      const r = wmmse(
        ch,
        { sigma2: 1, power: P },
        { solver, streams, errorVariance, rng: rng.fork(`t${trial}`), relTol: 0, absTol: 1e-12, maxIter: 40 },
      );
      for (let i = 1; i < r.history.length; i++) {
        assert.ok(
          r.history[i]! >= r.history[i - 1]! - 1e-9 * Math.abs(r.history[i - 1]!),
          `trial ${trial} ${solver}: ${r.history[i - 1]} -> ${r.history[i]}`,
        );
      }
      assert.ok(r.power <= P * (1 + 1e-12), `power ${r.power} <= ${P}`);
      cases++;
    }
  }
  assert.equal(cases, 24);
});

test("the subspace and M x M eigen solvers produce the same iterates (to 1e-8 bit/s/Hz over 40 iterations)", () => {
  const rng = new Rng(101);
  for (const streams of [1, "full"] as const) {
    const ch = iidChannel(rng, 4, 2, 64);
    const a = wmmse(ch, SYS, { solver: "subspace", streams, rng: new Rng(1), relTol: 0, maxIter: 40 });
    const b = wmmse(ch, SYS, { solver: "eig", streams, rng: new Rng(1), relTol: 0, maxIter: 40 });
    assert.equal(a.history.length, 41);
    for (let i = 0; i < a.history.length; i++) assert.ok(Math.abs(a.history[i]! - b.history[i]!) < 1e-8, `iteration ${i}`);
    assert.ok(Math.sqrt(cfrob2(diff(a.V, b.V)) / cfrob2(b.V)) < 1e-7);
  }
});

function diff(a: { re: Float64Array; im: Float64Array; rows: number; cols: number }, b: typeof a) {
  const out = cmat(a.rows, a.cols);
  for (let i = 0; i < a.re.length; i++) {
    out.re[i] = a.re[i]! - b.re[i]!;
    out.im[i] = a.im[i]! - b.im[i]!;
  }
  return out;
}

test("the constraint is inactive in early iterations when M > N (the null-space pitfall): powers below P, finite, then P at convergence", () => {
  const rng = new Rng(102);
  const ch = iidChannel(rng, 4, 2, 64);
  const early = wmmse(ch, SYS, { solver: "eig", rng: new Rng(3), maxIter: 1, relTol: 0 });
  assert.ok(early.power < 0.5 * SYS.power, `first iterate power ${early.power}`);
  assert.ok(Number.isFinite(early.sumRate));
  const done = wmmse(ch, SYS, { solver: "eig", rng: new Rng(3) });
  assert.ok(Math.abs(done.power - SYS.power) < 1e-9 * SYS.power, `converged power ${done.power}`);
});

test("exact-eigen and naive bisection agree to 0.01 bit/s/Hz on average (10 drops, M = 32)", () => {
  const rng = new Rng(103);
  const a: number[] = [];
  const b: number[] = [];
  for (let t = 0; t < 10; t++) {
    const ch = iidChannel(rng, 4, 2, 32);
    a.push(wmmse(ch, SYS, { solver: "eig", rng: new Rng(t) }).sumRate);
    const nv = wmmse(ch, SYS, { solver: "naive", rng: new Rng(t) });
    b.push(nv.sumRate);
    assert.ok(nv.power < SYS.power * (1 + 1e-4), "naive power within its bisection tolerance");
  }
  assert.ok(Math.abs(mean(a) - mean(b)) < 0.01, `${mean(a)} vs ${mean(b)}`);
});

test("WMMSE initialised from RZF or BD ends at least as high as its initial precoder (refs unit test)", () => {
  const rng = new Rng(104);
  for (let t = 0; t < 4; t++) {
    const ch = t < 2 ? iidChannel(rng, 4, 2, 16) : geometricChannel(rng, 4, 2, 32, 3);
    for (const f of [rzf, bd]) {
      const v0 = f(ch, SYS, { streams: "full" });
      const r0 = userRates(ch, v0, SYS).sumRate;
      const r = wmmse(ch, SYS, { init: v0 });
      assert.ok(r.sumRate >= r0 - 1e-6, `${r.sumRate} >= ${r0}`);
    }
  }
});

test("one two-antenna user: WMMSE with two streams reaches the water-filling capacity", () => {
  const rng = new Rng(105);
  const ch = iidChannel(rng, 1, 2, 5);
  const lam = ceigh(cgram(ch.H)).values;
  const p = waterFilling(Array.from(lam), SYS.power);
  const cap = Array.from(lam).reduce((s, l, i) => s + Math.log2(1 + p[i]! * l), 0);
  const r = wmmse(ch, SYS, { streams: "full", rng: new Rng(1), relTol: 0, absTol: 1e-13, maxIter: 500 });
  assert.ok(Math.abs(r.sumRate - cap) < 1e-6, `${r.sumRate} vs ${cap}`);
});

/** ||tangential part of dR/d conj(V) on the sphere ||V||^2 = P|| / ||dR/d conj(V)||, and the radial part. */
function sphereStationarity(ch: ChannelSample, v: ReturnType<typeof cmat>): { rel: number; radial: number } {
  const g = sumRateAndGradW(ch, v, SYS).grad;
  const radial = crealInner(v, g) / cfrob2(v);
  const t = cmat(g.rows, g.cols);
  for (let i = 0; i < g.re.length; i++) {
    t.re[i] = g.re[i]! - radial * v.re[i]!;
    t.im[i] = g.im[i]! - radial * v.im[i]!;
  }
  return { rel: Math.sqrt(cfrob2(t) / cfrob2(g)), radial };
}

test("R-WMMSE converges to a stationary point: the rate gradient on the power sphere vanishes", () => {
  const rng = new Rng(106);
  for (const streams of [1, "full"] as const) {
    const ch = iidChannel(rng, 4, 2, 32);
    const r = rwmmse(ch, SYS, { streams, rng: new Rng(2), relTol: 0, absTol: 1e-14, maxIter: 3000 });
    assert.ok(Math.abs(r.power - SYS.power) < 1e-9 * SYS.power);
    const s = sphereStationarity(ch, r.V);
    assert.ok(s.rel < 1e-5, `tangential/total gradient ${s.rel} (streams ${streams}, ${r.iterations} iterations)`);
    // the radial part is positive: more power would help, so the constraint is tight at the optimum
    assert.ok(s.radial > 0);
    // and the measure does detect a point that is not stationary (after 2 iterations)
    const early = rwmmse(ch, SYS, { streams, rng: new Rng(2), relTol: 0, maxIter: 2 });
    assert.ok(sphereStationarity(ch, early.V).rel > 1e-3);
  }
});

test("R-WMMSE's rate never decreases over iterations", () => {
  const rng = new Rng(107);
  for (let t = 0; t < 6; t++) {
    const ch = t % 2 ? geometricChannel(rng, 3, 2, 24, 2) : iidChannel(rng, 4, 2, 16);
    const r = rwmmse(
      ch,
      { sigma2: 1, power: 10 ** (t / 3) },
      { streams: t % 3 === 0 ? "full" : 1, rng: new Rng(t), relTol: 0, maxIter: 60 },
    );
    for (let i = 1; i < r.history.length; i++)
      assert.ok(r.history[i]! >= r.history[i - 1]! - 1e-9 * r.history[i - 1]!, `drop ${t} iteration ${i}`);
  }
});

test("sanity numbers on i.i.d. Rayleigh (M = 64, K = 4, Nk = 2, P = 10): WMMSE-RI d = 1 ~ 29.6, R-WMMSE ~ 29.1, WMMSE d = Nk ~ 49.4, within 2 %", () => {
  const rng = new Rng(108);
  const wm: number[] = [];
  const rw: number[] = [];
  const full: number[] = [];
  const its: number[] = [];
  for (let t = 0; t < 100; t++) {
    const ch = iidChannel(rng, 4, 2, 64);
    const a = wmmse(ch, SYS, { rng: rng.fork(`init${t}`) });
    wm.push(a.sumRate);
    its.push(a.iterations);
    rw.push(rwmmse(ch, SYS, { rng: rng.fork(`r${t}`) }).sumRate);
    if (t < 50) full.push(wmmse(ch, SYS, { init: bd(ch, SYS, { streams: "full" }) }).sumRate);
  }
  // standard errors: ~0.1 (d = 1), ~0.07 (d = Nk); 2 % is > 5 of them
  for (const [name, a, want] of [
    ["WMMSE-RI", wm, 29.6],
    ["R-WMMSE", rw, 29.1],
    ["WMMSE d = Nk", full, 49.4],
  ] as const) {
    assert.ok((3 * std(a)) / Math.sqrt(a.length) < 0.02 * want, `${name}: the test has power`);
    assert.ok(Math.abs(mean(a) - want) <= 0.02 * want, `${name}: ${mean(a).toFixed(3)} vs ${want}`);
  }
  // Shi-WMMSE needs many iterations here because the power constraint is inactive early (~60-70 iterations in the reference measurements)
  assert.ok(mean(its) > 40, `mean iterations ${mean(its)}`);
});

test("best-of-R restarts is at least every single run and deterministic for a seed", () => {
  const rng = new Rng(109);
  const ch = iidChannel(rng, 4, 2, 16);
  const a = wmmseBestOf(ch, SYS, 5, { rng: new Rng(7) });
  const b = wmmseBestOf(ch, SYS, 5, { rng: new Rng(7) });
  assert.equal(a.sumRate, Math.max(...a.all));
  assert.deepEqual([...a.all], [...b.all]);
  assert.deepEqual([...a.V.re], [...b.V.re]);
  assert.throws(() => wmmseBestOf(ch, SYS, 0), /restarts must be an integer >= 1, got 0/);
});

test("the robust variant with zero error variance is plain WMMSE, and with error it is monotone in its own objective", () => {
  const rng = new Rng(110);
  const ch = iidChannel(rng, 4, 2, 32);
  const a = wmmse(ch, SYS, { rng: new Rng(1) });
  const b = wmmse(ch, SYS, { rng: new Rng(1), errorVariance: 0 });
  assert.deepEqual([...a.history], [...b.history]);
  const c = wmmse(ch, SYS, { rng: new Rng(1), errorVariance: 0.3, relTol: 0, maxIter: 50 });
  for (let i = 1; i < c.history.length; i++) assert.ok(c.history[i]! >= c.history[i - 1]! - 1e-9 * c.history[i - 1]!);
  // the robust objective is a lower bound: the nominal rate of the same precoder is higher
  assert.ok(c.sumRate > c.history[c.history.length - 1]!);
  // per-user error variances (one weak-CSI user): still monotone, and a scalar equals its broadcast
  const e = wmmse(ch, SYS, { rng: new Rng(1), errorVariance: [0.05, 0.05, 0.05, 2], relTol: 0, maxIter: 50 });
  for (let i = 1; i < e.history.length; i++) assert.ok(e.history[i]! >= e.history[i - 1]! - 1e-9 * e.history[i - 1]!);
  const f = wmmse(ch, SYS, { rng: new Rng(1), errorVariance: [0.3, 0.3, 0.3, 0.3], relTol: 0, maxIter: 50 });
  assert.deepEqual([...f.history], [...c.history]);
  assert.throws(() => wmmse(ch, SYS, { errorVariance: [0.1, 0.1] }), /errorVariance has 2 entries, expected one or K = 4/);
});

test("under CSI error (CEE 0 dB, design on Hhat = H + E, score on H) robust WMMSE beats WMMSE on average", () => {
  const rng = new Rng(111);
  const plain: number[] = [];
  const robust: number[] = [];
  for (let t = 0; t < 15; t++) {
    const ch = iidChannel(rng, 4, 2, 32);
    const e = cmat(8, 32);
    rng.fillComplexNormal(e.re, e.im, 1);
    const hest = cmat(8, 32);
    for (let i = 0; i < e.re.length; i++) {
      hest.re[i] = ch.H.re[i]! + e.re[i]!;
      hest.im[i] = ch.H.im[i]! + e.im[i]!;
    }
    const est = new ChannelSample(hest, 4);
    plain.push(userRates(ch, wmmse(est, SYS, { rng: new Rng(t), streams: "full" }).V, SYS).sumRate);
    const model = lmmseCsiModel(est, 0);
    robust.push(
      userRates(ch, wmmse(model.channel, SYS, { rng: new Rng(t), streams: "full", errorVariance: model.errorVariance }).V, SYS).sumRate,
    );
  }
  assert.ok(mean(robust) > mean(plain), `robust ${mean(robust)} vs plain ${mean(plain)}`);
});

test("the LMMSE CSI model scales the estimate by g/(g + s^2) and returns the posterior error variance", () => {
  const h = cmat(2, 2);
  h.re.set([2, 0, 0, 2]); // mean |hhat|^2 = 2
  const ch = new ChannelSample(h, 1);
  const m = lmmseCsiModel(ch, 0); // s^2 = g -> g = 1, a = 1/2, posterior variance 1/2
  assert.equal(m.channel.H.re[0], 1);
  assert.deepEqual([...m.errorVariance], [0.5]);
  // per-user long-term powers: the error variance follows each user's power, the scaling does not
  const h2 = cmat(4, 2);
  h2.re.set([1, 1, 1, 1, 3, 3, 3, 3]);
  const two = lmmseCsiModel(new ChannelSample(h2, 2), -10, [1.1, 8.8]);
  const c = 0.1;
  assert.ok(Math.abs(two.errorVariance[0]! - (c * 1.1) / (1 + c) ** 2) < 1e-15);
  assert.ok(Math.abs(two.errorVariance[1]! - (c * 8.8) / (1 + c) ** 2) < 1e-14);
  assert.ok(Math.abs(two.channel.H.re[7]! - 3 / 1.1) < 1e-15);
  assert.throws(() => lmmseCsiModel(ch, NaN), /CEE must be a finite number of dB/);
  assert.throws(() => lmmseCsiModel(ch, 0, [1, 2]), /estimatePower has 2 entries, expected one or K = 1/);
});

test("rank-deficient channels (rank-one users) give finite WMMSE and R-WMMSE precoders within the budget", () => {
  const rng = new Rng(112);
  const ch = geometricChannel(rng, 4, 2, 64, 1);
  for (const solver of ["subspace", "eig", "naive"] as const) {
    const r = wmmse(ch, SYS, { solver, streams: "full", rng: new Rng(1), maxIter: 30 });
    assert.ok(Number.isFinite(r.sumRate) && r.power <= SYS.power * (1 + 1e-4), `${solver}: ${r.sumRate}, power ${r.power}`);
  }
  const r = rwmmse(ch, SYS, { streams: "full", rng: new Rng(1) });
  assert.ok(Number.isFinite(r.sumRate) && Math.abs(r.power - SYS.power) < 1e-9 * SYS.power);
});

test("options are validated with clear errors", () => {
  const rng = new Rng(113);
  const ch = iidChannel(rng, 2, 2, 8);
  assert.throws(() => wmmse(ch, SYS, { solver: "magic" as never }), /wmmse: unknown solver 'magic'/);
  assert.throws(() => wmmse(ch, SYS, { maxIter: -1 }), /maxIter must be an integer >= 0/);
  assert.throws(() => wmmse(ch, SYS, { errorVariance: -1 }), /errorVariance must be a finite number >= 0/);
  assert.throws(() => wmmse(ch, SYS, { streams: 3 }), /streams per user must be an integer in \[1, Nk = 2\]/);
  assert.throws(() => wmmse(ch, { sigma2: 1, power: 0 }), /power budget P must be a finite number > 0, got 0/);
  assert.throws(() => rwmmse(ch, SYS, { init: "zero" as never }), /rwmmse: unknown init 'zero'/);
  // maxIter 0 returns the initial precoder
  const r = wmmse(ch, SYS, { maxIter: 0, rng: new Rng(1) });
  assert.equal(r.iterations, 0);
  assert.equal(r.history.length, 1);
});
