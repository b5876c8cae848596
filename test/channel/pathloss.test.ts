import { test } from "node:test";
import assert from "node:assert/strict";
import { freeSpacePathLossDb, umiBreakpointDistance, umiLosPathLossDb, umiLosProbability, umiNlosPathLossDb } from "../../src/channel/pathloss.ts";
import { generateChannel } from "../../src/channel/generate.ts";

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
    const sim = generateChannel({ preset: "umi-6ghz", users: K, samples: 1, speed: 0, antennas: 1, seed: 11, mobility: { start } } as never);
    let n = 0;
    for (let k = 0; k < K; k++) n += sim.los![k]!;
    const p = umiLosProbability(d);
    assert.ok(Math.abs(n / K - p) < 0.05, `d = ${d} m: LOS fraction ${n / K}, P_LOS ${p}`);
  }
});
