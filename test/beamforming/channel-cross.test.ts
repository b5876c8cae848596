/**
 * Cross-test of the channel simulator and the beamforming engine: ZF on the simulator's i.i.d.
 * Rayleigh preset reproduces the closed-form ZF rate (docs/beamforming.md §4).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateChannel } from "../../src/channel/index.ts";
import { zf } from "../../src/beamforming/precoders.ts";
import { userRates } from "../../src/beamforming/rate.ts";
import { trajectorySample } from "../../src/beamforming/system.ts";

test("ZF on the simulator's rayleigh preset (M 64, K 4, Nk 2, SNR 10 dB) gives the closed-form rate", () => {
  const M = 64,
    K = 4,
    Nk = 2,
    T = 200;
  const sim = generateChannel({ preset: "rayleigh", antennas: M, users: K, userAntennas: Nk, samples: T, seed: 3 });
  assert.deepEqual(sim.H.shape, [T, K, Nk, M]);
  const sys = { sigma2: 1, power: 10 };
  const rates: number[] = [];
  for (let t = 0; t < T; t++) {
    const ch = trajectorySample(sim.H, t);
    rates.push(userRates(ch, zf(ch, sys, { streams: "full" }), sys).sumRate);
  }
  const mean = rates.reduce((a, b) => a + b, 0) / T;
  const sd = Math.sqrt(rates.reduce((a, b) => a + (b - mean) ** 2, 0) / (T - 1));
  // Wishart: E[1/[(HH^H)^-1]_ii] = M - KN + 1, per-stream SNR (P/KN)(M - KN + 1)/sigma^2.
  const closed = K * Nk * Math.log2(1 + (10 / (K * Nk)) * (M - K * Nk + 1));
  assert.ok((3 * sd) / Math.sqrt(T) < 0.02 * closed, "the sample is large enough for a 2 % check");
  assert.ok(Math.abs(mean - closed) < 0.02 * closed, `ZF ${mean.toFixed(2)} vs closed form ${closed.toFixed(2)} bit/s/Hz`);
  assert.ok(Math.abs(mean - 49.3) < 0.02 * 49.3, `ZF ${mean.toFixed(2)} vs the reference table's 49.3`);
});
