import { test } from "node:test";
import assert from "node:assert/strict";
import {
  O2I_SIGMA_DB,
  freeSpacePathLossDb,
  o2iMaterialLossDb,
  o2iThroughWallLossDb,
  umiBreakpointDistance,
  umiIndoorDistance,
  umiLosPathLossDb,
  umiLosProbability,
  umiNlosPathLossDb,
} from "../../src/channel/pathloss.ts";
import { generateChannel, umiUserPaths } from "../../src/channel/generate.ts";
import { resolveChannelConfig } from "../../src/channel/config.ts";

// docs/channel.md §3.1 sanity table (h_BS = 10 m, h_UT = 1.5 m), values to 0.1 dB.
const TABLE: [d: number, los6: number, nlos6: number, los28: number, nlos28: number][] = [
  [20, 76.0, 86.2, 89.4, 100.4],
  [50, 83.8, 99.2, 97.2, 113.4],
  [100, 90.0, 109.6, 103.4, 123.9],
  [200, 96.3, 120.2, 109.7, 134.5],
];

test("UMi path loss reproduces the TR 38.901 spot values of docs/channel.md §3.1 within 0.1 dB", () => {
  for (const [d, l6, n6, l28, n28] of TABLE) {
    assert.ok(Math.abs(umiLosPathLossDb(d, 10, 1.5, 6) - l6) <= 0.1, `LOS 6 GHz ${d} m: ${umiLosPathLossDb(d, 10, 1.5, 6)}`);
    assert.ok(Math.abs(umiNlosPathLossDb(d, 10, 1.5, 6) - n6) <= 0.1, `NLOS 6 GHz ${d} m`);
    assert.ok(Math.abs(umiLosPathLossDb(d, 10, 1.5, 28) - l28) <= 0.1, `LOS 28 GHz ${d} m`);
    assert.ok(Math.abs(umiNlosPathLossDb(d, 10, 1.5, 28) - n28) <= 0.1, `NLOS 28 GHz ${d} m`);
  }
});

test("UMi path loss follows the 38.901 formulas exactly, including beyond the breakpoint", () => {
  // d'_BP = 4 h'_BS h'_UT f_c / c: 360 m at 6 GHz, 1681 m at 28 GHz.
  assert.ok(Math.abs(umiBreakpointDistance(10, 1.5, 6) - 360.249) < 1e-3);
  assert.ok(Math.abs(umiBreakpointDistance(10, 1.5, 28) - 1681.163) < 1e-3);
  const d = 1000;
  const d3 = Math.hypot(d, 8.5);
  const dbp = umiBreakpointDistance(10, 1.5, 6);
  const pl2 = 32.4 + 40 * Math.log10(d3) + 20 * Math.log10(6) - 9.5 * Math.log10(dbp * dbp + 8.5 * 8.5);
  assert.ok(Math.abs(umiLosPathLossDb(d, 10, 1.5, 6) - pl2) < 1e-12);
  const nl = 35.3 * Math.log10(d3) + 22.4 + 21.3 * Math.log10(6);
  assert.ok(Math.abs(umiNlosPathLossDb(d, 10, 1.5, 6) - Math.max(pl2, nl)) < 1e-12);
  // Continuity at the breakpoint (the two LOS laws meet there within 0.1 dB by construction).
  assert.ok(Math.abs(umiLosPathLossDb(dbp - 1e-6, 10, 1.5, 6) - umiLosPathLossDb(dbp + 1e-6, 10, 1.5, 6)) < 0.1);
  // Free space at 1 m, 6 GHz: 20 log10(4π/λ) = 48.0 dB.
  assert.ok(Math.abs(freeSpacePathLossDb(1, 6e9) - 48.0) < 0.05);
});

test("UMi LOS probability: 1 up to 18 m and the docs/channel.md §3.1 spot values 0.77 / 0.52 / 0.23", () => {
  assert.equal(umiLosProbability(10), 1);
  assert.equal(umiLosProbability(18), 1);
  assert.ok(Math.abs(umiLosProbability(30) - 0.77) < 0.005);
  assert.ok(Math.abs(umiLosProbability(50) - 0.52) < 0.005);
  assert.ok(Math.abs(umiLosProbability(100) - 0.23) < 0.005);
});

test("the empirical LOS fraction over independent drops matches P_LOS(d) at 30, 50 and 100 m", () => {
  // 1000 users per distance: binomial standard error ≤ √(0.25/1000) = 0.016; tolerance 0.05 (3.2σ).
  const K = 1000;
  for (const d of [30, 50, 100]) {
    const start = Array.from({ length: K }, (_, k) => [d * Math.cos(k), d * Math.sin(k), 1.5]);
    const sim = generateChannel({
      preset: "umi-6ghz",
      users: K,
      samples: 1,
      speed: 0,
      antennas: 1,
      seed: 11,
      mobility: { start },
    } as never);
    let n = 0;
    for (let k = 0; k < K; k++) n += sim.los![k]!;
    const p = umiLosProbability(d);
    assert.ok(Math.abs(n / K - p) < 0.05, `d = ${d} m: LOS fraction ${n / K}, P_LOS ${p}`);
  }
});

test("O2I penetration (38.901 Tables 7.4.3-1/-2): material losses and through-wall loss spot values", () => {
  // Glass 2 + 0.2 f, IRR glass 23 + 0.3 f, concrete 5 + 4 f (dB); by hand at 28 GHz: 7.6, 31.4, 117.
  assert.ok(Math.abs(o2iMaterialLossDb("glass", 28) - 7.6) < 1e-12);
  assert.ok(Math.abs(o2iMaterialLossDb("irr-glass", 28) - 31.4) < 1e-12);
  assert.ok(Math.abs(o2iMaterialLossDb("concrete", 28) - 117) < 1e-12);
  // PL_tw low = 5 − 10 log10(0.3·10^{−0.76} + 0.7·10^{−11.7}) = 17.83 dB at 28 GHz, 13.40 dB at 6 GHz;
  // high = 5 − 10 log10(0.7·10^{−3.14} + 0.3·10^{−11.7}) = 37.95 dB at 28 GHz, 30.69 dB at 6 GHz.
  assert.ok(Math.abs(o2iThroughWallLossDb("low", 28) - 17.83) < 0.01);
  assert.ok(Math.abs(o2iThroughWallLossDb("low", 6) - 13.4) < 0.01);
  assert.ok(Math.abs(o2iThroughWallLossDb("high", 28) - 37.95) < 0.01);
  assert.ok(Math.abs(o2iThroughWallLossDb("high", 6) - 30.69) < 0.01);
  assert.equal(umiIndoorDistance(0.2, 0.6), 5);
});

test("indoor users: the O2I loss has the 38.901 mean PL_tw + 0.5·25/3 dB and std √(σ_P² + 0.25·25²/18); the indoor fraction and the LOS probability at d_2D − d_2D-in hold", () => {
  // d_2D-in = 25·min(u1, u2) has mean 25/3 m and variance 25²/18 m²; PL_in = 0.5 d_2D-in.
  const n = 1200;
  for (const model of ["low", "high"] as const) {
    const base = {
      preset: "umi-28ghz" as const,
      users: n,
      samples: 1,
      speed: 0,
      normalise: "none" as const,
      antennas: 1,
      userAntennas: 1,
      seed: 17,
    };
    const inside = resolveChannelConfig({ ...base, umi: { condition: "nlos", indoorFraction: 1, o2iLoss: model } });
    const outside = resolveChannelConfig({ ...base, umi: { condition: "nlos" } });
    const loss: number[] = [];
    for (let k = 0; k < n; k++) {
      const a = umiUserPaths(inside, k);
      const b = umiUserPaths(outside, k);
      assert.ok(a.indoor && !b.indoor && b.o2iLossDb === 0);
      // Same streams otherwise: the gain difference is exactly the O2I loss.
      assert.ok(Math.abs(b.pathGainDb[0]! - a.pathGainDb[0]! - a.o2iLossDb) < 1e-9);
      loss.push(a.o2iLossDb);
    }
    const mean = loss.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(loss.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
    const sigma = Math.sqrt(O2I_SIGMA_DB[model] ** 2 + (0.25 * 625) / 18);
    const mu = o2iThroughWallLossDb(model, 28) + 0.5 * (25 / 3);
    assert.ok(Math.abs(mean - mu) < (5 * sigma) / Math.sqrt(n), `${model}: mean O2I loss ${mean} dB vs ${mu}`);
    assert.ok(Math.abs(sd - sigma) < (5 * sigma) / Math.sqrt(2 * n), `${model}: std ${sd} dB vs ${sigma}`);
  }
  // Indoor fraction 0.8 (binomial, 5 SE), and LOS at the outdoor distance: the LOS fraction of
  // indoor users equals the mean of P_LOS(d_2D − d_2D-in) within 5 binomial SE.
  const sim = generateChannel({ preset: "umi-6ghz", users: n, samples: 1, speed: 0, antennas: 1, seed: 18, umi: { indoorFraction: 0.8 } });
  const frac = sim.indoor!.reduce((s, x) => s + x, 0) / n;
  assert.ok(Math.abs(frac - 0.8) < 5 * Math.sqrt(0.16 / n), `indoor fraction ${frac}`);
  let p = 0;
  let v = 0;
  let hits = 0;
  let m = 0;
  for (let k = 0; k < n; k++) {
    const r = umiUserPaths(sim.config, k);
    if (!r.indoor) continue;
    const q = umiLosProbability(Math.max(Math.hypot(r.tr.pos[0]!, r.tr.pos[1]!) - r.indoorDistance, 0));
    p += q;
    v += q * (1 - q);
    hits += r.los[0]!;
    m++;
    assert.equal(sim.los![k], r.los[0]);
  }
  assert.ok(Math.abs(hits / m - p / m) < (5 * Math.sqrt(v)) / m, `indoor LOS fraction ${hits / m} vs ${p / m}`);
});
