import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { cfrob2, cgram, cmat, cmatmul, ceigh, type CMat } from "../../src/core/linalg/index.ts";
import { ChannelSample, bd, mrt, precoderPower, rzf, userRates, waterFilling, zf } from "../../src/beamforming/index.ts";
import { geometricChannel, iidChannel, mean, std } from "./helpers.ts";

const PRECODERS = { mrt, zf, rzf, bd } as const;

/** Largest |H_j V_k| over j != k, relative to ||H|| ||V||. */
function leakage(ch: ChannelSample, v: CMat): number {
  const d = v.cols / ch.K;
  const g = cmatmul(ch.H, v);
  let worst = 0;
  for (let r = 0; r < ch.N; r++) {
    const j = Math.floor(r / ch.Nk);
    for (let c = 0; c < v.cols; c++) {
      if (Math.floor(c / d) === j) continue;
      worst = Math.max(worst, Math.hypot(g.re[r * v.cols + c]!, g.im[r * v.cols + c]!));
    }
  }
  return worst / Math.sqrt(cfrob2(ch.H) * cfrob2(v));
}

test("every precoder uses exactly the power budget, on random and rank-deficient channels and for both stream settings", () => {
  const rng = new Rng(1);
  const channels = [
    iidChannel(rng, 4, 2, 64),
    iidChannel(rng, 3, 2, 6),
    geometricChannel(rng, 4, 2, 32, 1),
    geometricChannel(rng, 4, 2, 32, 3),
  ];
  for (const ch of channels) {
    for (const streams of [1, "full"] as const) {
      for (const [name, f] of Object.entries(PRECODERS)) {
        for (const P of [0.01, 10, 1e4]) {
          const v = f(ch, { sigma2: 1, power: P }, { streams });
          assert.equal(v.cols, ch.K * (streams === 1 ? 1 : ch.Nk));
          const p = precoderPower(v);
          assert.ok(Math.abs(p - P) <= 1e-9 * P, `${name} streams ${streams} P ${P}: power ${p}`);
          const r = userRates(ch, v, { sigma2: 1, power: P });
          assert.ok(Number.isFinite(r.sumRate) && r.sumRate >= 0, `${name}: finite rate`);
        }
      }
    }
  }
});

test("ZF (every antenna a stream) and BD null the inter-user interference, H_j V_k = 0 for j != k, on full-rank channels", () => {
  const rng = new Rng(2);
  for (const ch of [iidChannel(rng, 4, 2, 64), iidChannel(rng, 4, 2, 8), geometricChannel(rng, 3, 2, 16, 4)]) {
    assert.ok(leakage(ch, zf(ch, { sigma2: 1, power: 10 }, { streams: "full" })) < 1e-9, "zf");
    for (const streams of [1, "full"] as const) assert.ok(leakage(ch, bd(ch, { sigma2: 1, power: 10 }, { streams })) < 1e-9, "bd");
    // with one stream per user, ZF nulls only the other users' dominant eigenmodes: leakage is not zero
    assert.ok(leakage(ch, zf(ch, { sigma2: 1, power: 10 }, { streams: 1 })) > 1e-6);
  }
});

test("one single-antenna user: every precoder is the matched filter and reaches log2(1 + P ||h||^2 / sigma^2)", () => {
  const rng = new Rng(3);
  const ch = iidChannel(rng, 1, 1, 12);
  const h2 = cfrob2(ch.H);
  for (const [name, f] of Object.entries(PRECODERS)) {
    const v = f(ch, { sigma2: 0.5, power: 4 });
    const se = userRates(ch, v, { sigma2: 0.5, power: 4 }).sumRate;
    assert.ok(Math.abs(se - Math.log2(1 + (4 * h2) / 0.5)) < 1e-12, `${name}: ${se}`);
  }
});

test("one two-antenna user: BD with water-filling reaches the MIMO capacity over the eigenvalues of H H^H", () => {
  const rng = new Rng(4);
  const ch = iidChannel(rng, 1, 2, 6);
  const sigma2 = 1.3;
  const P = 2;
  const lam = ceigh(cgram(ch.H)).values;
  const p = waterFilling(
    Array.from(lam, (l) => l / sigma2),
    P,
  );
  const cap = Array.from(lam).reduce((s, l, i) => s + Math.log2(1 + (p[i]! * l) / sigma2), 0);
  const v = bd(ch, { sigma2, power: P }, { streams: "full" });
  assert.ok(Math.abs(userRates(ch, v, { sigma2, power: P }).sumRate - cap) < 1e-10);
  // at low power water-filling uses one mode only
  const pLow = waterFilling(
    Array.from(lam, (l) => l / sigma2),
    1e-3,
  );
  assert.equal(pLow[0], 0);
});

test("on an orthogonal channel (H H^H = c I) MRT, ZF, RZF and BD point the same way", () => {
  const rng = new Rng(5);
  // rows of a scaled unitary matrix
  const q = ceigh(cgram(iidChannel(rng, 8, 1, 8).H)).vectors!;
  const h = cmat(4, 8);
  for (let i = 0; i < 4 * 8; i++) {
    h.re[i] = 3 * q.re[i]!;
    h.im[i] = 3 * q.im[i]!;
  }
  const ch = new ChannelSample(h, 2);
  const sys = { sigma2: 1, power: 5 };
  const ref = mrt(ch, sys, { streams: "full" });
  for (const f of [zf, rzf, bd]) {
    const v = f(ch, sys, { streams: "full" });
    // same up to a per-user unitary rotation: compare the projectors V V^H via the received signal
    const a = cmatmul(ch.H, v);
    const b = cmatmul(ch.H, ref);
    const ra = userRates(ch, v, sys).rates;
    const rb = userRates(ch, ref, sys).rates;
    for (let k = 0; k < 2; k++) assert.ok(Math.abs(ra[k]! - rb[k]!) < 1e-10);
    assert.ok(Math.abs(cfrob2(a) - cfrob2(b)) < 1e-9 * cfrob2(b));
  }
});

test("water-filling: sums to P, equalises mu = p_i + 1/g_i on active channels, and gives nothing to dead ones", () => {
  const g = [4, 1, 0.25, 0, -1];
  const p = waterFilling(g, 2);
  assert.ok(Math.abs(p.reduce((s, x) => s + x, 0) - 2) < 1e-14);
  // level: (2 + 1/4 + 1) / 2 = 1.625 > 1/g_1 = 1 but < 4 = 1/g_2 -> two active
  assert.ok(Math.abs(p[0]! - (1.625 - 0.25)) < 1e-14 && Math.abs(p[1]! - (1.625 - 1)) < 1e-14);
  assert.deepEqual([...p.slice(2)], [0, 0, 0]);
  assert.deepEqual([...waterFilling([0, 0], 1)], [0, 0]);
  assert.throws(() => waterFilling([1], 0), /waterFilling: power must be a finite number > 0, got 0/);
});

test("rank-one users (single-path channels): no NaN, ZF and RZF stay finite and BD/WF serves one mode per user", () => {
  const rng = new Rng(6);
  const ch = geometricChannel(rng, 4, 2, 64, 1);
  assert.equal(ch.rank, 4);
  const sys = { sigma2: 1, power: 10 };
  const zfFull = userRates(ch, zf(ch, sys, { streams: "full" }), sys).sumRate;
  const bdFull = userRates(ch, bd(ch, sys, { streams: "full" }), sys).sumRate;
  const zf1 = userRates(ch, zf(ch, sys, { streams: 1, powerAllocation: "waterfilling" }), sys).sumRate;
  assert.ok(Number.isFinite(zfFull) && Number.isFinite(bdFull));
  // with one usable mode per user, BD with full streams equals BD with one stream and ZF (water-filled) on eigenmodes
  assert.ok(Math.abs(bdFull - userRates(ch, bd(ch, sys, { streams: 1 }), sys).sumRate) < 1e-8);
  assert.ok(Math.abs(zf1 - bdFull) < 1e-6 * bdFull, `${zf1} vs ${bdFull}`);
});

/** i.i.d. CN(0,1), M = 64, K = 4, Nk = 2, sigma^2 = 1, P = 10, each receive antenna a stream. */
test("sanity numbers on i.i.d. Rayleigh (200 drops, d = Nk): MRT 28.1, ZF 49.3, RZF 49.2, BD 49.4 within 2 %", () => {
  const rng = new Rng(7);
  const sys = { sigma2: 1, power: 10 };
  const se: Record<string, number[]> = { mrt: [], zf: [], rzf: [], bd: [] };
  const gains: number[] = [];
  const zf20: number[] = [];
  for (let t = 0; t < 200; t++) {
    const ch = iidChannel(rng, 4, 2, 64);
    for (const [name, f] of Object.entries(PRECODERS)) se[name]!.push(userRates(ch, f(ch, sys, { streams: "full" }), sys).sumRate);
    // per-stream ZF gain 1 / [(H H^H)^{-1}]_ii
    const inv = ceigh(ch.gram);
    for (let i = 0; i < 8; i++) {
      let s = 0;
      for (let m = 0; m < 8; m++) s += (inv.vectors!.re[i * 8 + m]! ** 2 + inv.vectors!.im[i * 8 + m]! ** 2) / inv.values[m]!;
      gains.push(1 / s);
    }
    zf20.push(userRates(ch, zf(ch, { sigma2: 1, power: 100 }, { streams: "full" }), { sigma2: 1, power: 100 }).sumRate);
  }
  const want: Record<string, number> = { mrt: 28.1, zf: 49.3, rzf: 49.2, bd: 49.4 };
  for (const [name, a] of Object.entries(se)) {
    const m = mean(a);
    // the 2 % band is wider than 3 standard errors of the mean (std/sqrt(200) <= 0.13), so it is meaningful
    assert.ok(3 * (std(a) / Math.sqrt(a.length)) < 0.02 * want[name]!, `${name}: the test has power`);
    assert.ok(Math.abs(m - want[name]!) <= 0.02 * want[name]!, `${name}: mean SE ${m.toFixed(3)} vs ${want[name]}`);
  }
  // Wishart: E[1/[(H H^H)^{-1}]_ii] = M - KN + 1 = 57 exactly (1600 gains, sd ~ 7.5/sqrt(1600) ~ 0.19)
  const g = mean(gains);
  assert.ok(Math.abs(g - 57) < 1, `mean ZF gain ${g}`);
  // the closed-form per-stream SNR (P/(KN))(M - KN + 1)/sigma^2 = 71.25 gives 8 log2(72.25) = 49.37 (Jensen: an upper bound)
  const closed = 8 * Math.log2(1 + (10 / 8) * 57);
  assert.ok(mean(se.zf!) <= closed && mean(se.zf!) > closed - 0.3, `ZF ${mean(se.zf!)} vs closed form ${closed}`);
  // high-SNR slope: 8 streams x log2(10) per decade = 26.6 bit/s/Hz from 10 to 20 dB
  const slope = mean(zf20) - mean(se.zf!);
  assert.ok(Math.abs(slope - 26.4) < 0.5, `slope ${slope}`);
});

test("BD without any null space (M <= (K-1) Nk) is a clear error; the other precoders still serve with power P", () => {
  const rng = new Rng(8);
  const ch = iidChannel(rng, 4, 2, 4);
  assert.throws(
    () => bd(ch, { sigma2: 1, power: 10 }),
    /bd: no user has a usable null space: block diagonalisation needs M > \(K-1\)·Nk = 6 for full-rank channels, got M = 4/,
  );
  for (const f of [mrt, zf, rzf]) {
    const v = f(ch, { sigma2: 1, power: 10 }, { streams: "full" });
    assert.ok(Math.abs(precoderPower(v) - 10) < 1e-8);
  }
});
