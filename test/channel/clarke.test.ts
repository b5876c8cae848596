import { test } from "node:test";
import assert from "node:assert/strict";
import { generateChannel } from "../../src/channel/generate.ts";
import { channelStats, dopplerSpectrum } from "../../src/channel/stats.ts";
import { besselJ0 } from "../../src/core/bessel.ts";
import { SPEED_OF_LIGHT } from "../../src/channel/constants.ts";

const FD = (2 * 6e9) / SPEED_OF_LIGHT; // 2 m/s at 6 GHz: 40.03 Hz

test("clarke: the ensemble autocorrelation follows J0(2π f_D τ) within 0.03 over 25 lags (S = 64, 2000 realisations)", () => {
  // 2000 independent processes of 100 samples at Δt = 1 ms; lags up to 25 ms reach past the
  // first zero of J0 (9.6 ms) and its first negative lobe.
  const sim = generateChannel({ preset: "clarke", users: 2000, antennas: 1, samples: 100, seed: 5 });
  const st = channelStats(sim.H, { dt: 1e-3, maxLag: 25, spectrum: false });
  for (let l = 0; l <= 25; l++) {
    const want = besselJ0(2 * Math.PI * FD * l * 1e-3);
    assert.ok(Math.abs(st.autocorrelation[l]! - want) < 0.03, `lag ${l}: ${st.autocorrelation[l]} vs J0 = ${want}`);
  }
  assert.ok(Math.abs(st.meanPower - 1) < 0.05, `mean power ${st.meanPower}`);
});

test("clarke: sample-and-hold NMSE 2(1 − ρ(k)) at Δt = 1 ms is −15, −9, −5.6, −3.2, −1.5 dB within 0.5 dB", () => {
  const sim = generateChannel({ preset: "clarke", users: 500, antennas: 4, samples: 200, seed: 6 });
  const st = channelStats(sim.H, { dt: 1e-3, maxLag: 5, spectrum: false });
  const want = [-15.0, -9.0, -5.6, -3.2, -1.5];
  for (let k = 1; k <= 5; k++) {
    const nmse = 10 * Math.log10(2 * (1 - st.autocorrelation[k]!));
    assert.ok(Math.abs(nmse - want[k - 1]!) < 0.5, `step ${k}: ${nmse} dB vs ${want[k - 1]}`);
  }
});

test("clarke: the Doppler spectrum has no energy beyond ±f_D and the estimators recover f_D", () => {
  // One long realisation (2^14 samples, 16 s); Hann leakage is the only energy past f_D.
  const sim = generateChannel({ preset: "clarke", antennas: 1, samples: 1 << 14, seed: 7 });
  const { freqs, psd } = dopplerSpectrum(sim.H, 1e-3);
  let total = 0;
  let outside = 0;
  for (let i = 0; i < psd.length; i++) {
    total += psd[i]!;
    if (Math.abs(freqs[i]!) > 1.05 * FD) outside += psd[i]!;
  }
  assert.ok(outside / total < 1e-4, `fraction beyond 1.05 f_D: ${outside / total}`);
  const st = channelStats(generateChannel({ preset: "clarke", users: 200, antennas: 4, samples: 400, seed: 8 }).H, { dt: 1e-3 });
  assert.ok(Math.abs(st.dopplerHz! / FD - 1) < 0.05, `Clarke-equivalent Doppler ${st.dopplerHz} Hz vs ${FD}`);
  assert.ok(Math.abs(st.doppler99Hz! / FD - 1) < 0.1, `99 % Doppler band ${st.doppler99Hz} Hz`);
  assert.ok(Math.abs(st.coherenceTimeS! - 6.05e-3) < 0.6e-3, `coherence time ${st.coherenceTimeS} s (J0 = 0.5 at 6.05 ms)`);
});

test("clarke speed schedules integrate the travelled distance: the Doppler follows each phase", () => {
  const sim = generateChannel({ preset: "clarke", users: 300, antennas: 2, speeds: [1, 4], slots: [300, 300], seed: 9 });
  const slice = (a: number, z: number) => ({
    shape: [z - a, 300, 1, 2],
    re: sim.H.re.subarray(a * 600, z * 600),
    im: sim.H.im.subarray(a * 600, z * 600),
  });
  const s1 = channelStats(slice(0, 300), { dt: 1e-3, maxLag: 2, spectrum: false });
  const s2 = channelStats(slice(300, 600), { dt: 1e-3, maxLag: 2, spectrum: false });
  assert.ok(Math.abs(s1.dopplerHz! / (FD / 2) - 1) < 0.08, `phase 1: ${s1.dopplerHz} Hz vs ${FD / 2}`);
  assert.ok(Math.abs(s2.dopplerHz! / (2 * FD) - 1) < 0.08, `phase 2: ${s2.dopplerHz} Hz vs ${2 * FD}`);
});

test("clarke geometric mode: isotropic spatial correlation J0(π) between λ/2 neighbours, J0 in time per entry", () => {
  // 2-D isotropic arrivals (and uniformly random BS departure azimuths) give a correlation
  // E[e^{jπ cos α}] = J0(π) = −0.304 between neighbouring λ/2 elements, at both ends.
  // 1500 users × 50 samples; standard error of each estimate ≈ 0.01, tolerance 0.05.
  const K = 1500;
  const sim = generateChannel({
    preset: "clarke",
    users: K,
    antennas: 2,
    userAntennas: 2,
    samples: 50,
    clarke: { spatial: "geometric" },
    seed: 12,
  });
  let bsR = 0;
  let ueR = 0;
  let p = 0;
  for (let t = 0; t < 50; t++) {
    for (let k = 0; k < K; k++) {
      const o = (t * K + k) * 4; // [n, m] = [0,0], [0,1], [1,0], [1,1]
      const h = (i: number) => [sim.H.re[o + i]!, sim.H.im[o + i]!] as const;
      const [a, b2] = [h(0), h(1)];
      const c = h(2);
      bsR += a[0] * b2[0] + a[1] * b2[1];
      ueR += a[0] * c[0] + a[1] * c[1];
      p += a[0] ** 2 + a[1] ** 2;
    }
  }
  const j0pi = besselJ0(Math.PI);
  assert.ok(Math.abs(bsR / p - j0pi) < 0.05, `BS neighbours ${bsR / p} vs J0(π) = ${j0pi}`);
  assert.ok(Math.abs(ueR / p - j0pi) < 0.05, `UE neighbours ${ueR / p} vs J0(π) = ${j0pi}`);
  const st = channelStats(sim.H, { dt: 1e-3, maxLag: 10, spectrum: false });
  for (const l of [3, 6, 10]) {
    const want = besselJ0(2 * Math.PI * FD * l * 1e-3);
    assert.ok(Math.abs(st.autocorrelation[l]! - want) < 0.05, `lag ${l}: ${st.autocorrelation[l]} vs ${want}`);
  }
});

test("clarke phasor recurrences agree with direct evaluation of the sum of sinusoids to 1e-12 (with a speed change)", async () => {
  const { clarkeUser } = await import("../../src/channel/clarke.ts");
  const { straightTrajectory, speedSchedule } = await import("../../src/channel/mobility.ts");
  const { ula } = await import("../../src/channel/array.ts");
  const { Rng } = await import("../../src/core/random.ts");
  const T = 1000;
  const dt = 1e-3;
  const lambda = SPEED_OF_LIGHT / 6e9;
  const tr = straightTrajectory([0, 0, 0], 0.3, speedSchedule(T, dt, [2, 7], [400, 600]), dt);
  const re = new Float64Array(T);
  const im = new Float64Array(T);
  clarkeUser(new Rng(77), tr, 0.3, lambda, { sinusoids: 64, spatial: "iid" }, ula(1), ula(1), { re, im, users: 1, user: 0 });
  // Replay the draws: ϑ, then (ϕ_s) for s = 0..S−1 in order.
  const rng = new Rng(77);
  const theta = 2 * Math.PI * rng.uniform();
  const phi: number[] = [];
  const k: number[] = [];
  for (let s = 0; s < 64; s++) {
    k.push(((2 * Math.PI) / lambda) * Math.cos((2 * Math.PI * s + theta) / 64 - 0.3));
    phi.push(2 * Math.PI * rng.uniform());
  }
  let worst = 0;
  for (let t = 0; t < T; t++) {
    let sr = 0;
    let si = 0;
    for (let s = 0; s < 64; s++) {
      sr += Math.cos(k[s]! * tr.s[t]! + phi[s]!);
      si += Math.sin(k[s]! * tr.s[t]! + phi[s]!);
    }
    worst = Math.max(worst, Math.hypot(re[t]! - sr / 8, im[t]! - si / 8));
  }
  assert.ok(worst < 1e-12, `largest deviation ${worst}`);
});
