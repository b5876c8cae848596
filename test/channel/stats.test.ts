import { test } from "node:test";
import assert from "node:assert/strict";
import { channelStats, temporalAutocorrelation } from "../../src/channel/stats.ts";
import { fftInPlace } from "../../src/channel/fft.ts";
import { generateChannel } from "../../src/channel/generate.ts";
import type { ComplexTensor } from "../../src/core/complex.ts";

function tone(T: number, nu: number, dt: number, amp = 1): ComplexTensor {
  const re = new Float64Array(T);
  const im = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    re[t] = amp * Math.cos(2 * Math.PI * nu * t * dt);
    im[t] = amp * Math.sin(2 * Math.PI * nu * t * dt);
  }
  return { shape: [T, 1, 1, 1], re, im };
}

test("the FFT matches a direct DFT to 1e-12", () => {
  const n = 64;
  const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + 0.1 * i);
  const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 1.3));
  const xr = re.slice();
  const xi = im.slice();
  fftInPlace(xr, xi);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    assert.ok(Math.abs(sr - xr[k]!) < 1e-12 && Math.abs(si - xi[k]!) < 1e-12, `bin ${k}`);
  }
});

test("a single tone: ρ(ℓ) = e^{j2πνℓΔt}, mean Doppler ν, no spread, no coherence loss, 99 % band at ν", () => {
  const dt = 1e-3;
  const nu = 37.5;
  const st = channelStats(tone(4096, nu, dt, 3), { dt, maxLag: 10 });
  assert.ok(Math.abs(st.meanPower - 9) < 1e-12);
  for (let l = 0; l <= 10; l++) {
    assert.ok(Math.abs(st.autocorrelation[l]! - Math.cos(2 * Math.PI * nu * l * dt)) < 1e-12);
    assert.ok(Math.abs(st.autocorrelationAbs[l]! - 1) < 1e-12);
  }
  assert.ok(Math.abs(st.meanDopplerHz! - nu) < 1e-9, `mean Doppler ${st.meanDopplerHz}`);
  assert.ok(st.dopplerSpreadHz! < 1e-3);
  assert.equal(st.coherenceTimeS, null);
  assert.ok(Math.abs(st.doppler99Hz! - nu) < 2 / (4096 * dt), `99 % band edge ${st.doppler99Hz}`);
  assert.equal(st.kFactorDb, Infinity); // constant envelope: a pure specular path
  assert.deepEqual(st.lagsS!.slice(0, 3), [0, dt, 2 * dt]);
});

test("i.i.d. Rayleigh over time: ρ(ℓ ≥ 1) ≈ 0 within 4/√n, K-factor far below 0 dB", () => {
  const sim = generateChannel({ preset: "rayleigh", samples: 400 });
  const st = channelStats(sim.H, { dt: 1e-3, maxLag: 5 });
  const n = sim.H.re.length;
  for (let l = 1; l <= 5; l++) assert.ok(Math.abs(st.autocorrelationAbs[l]!) < 4 / Math.sqrt(n), `lag ${l}: ${st.autocorrelationAbs[l]}`);
  assert.ok(st.kFactorDb! < -5, `K ${st.kFactorDb}`);
  assert.deepEqual(st.shape, [400, 4, 2, 64]);
  assert.equal(st.perUserPower.length, 4);
});

test("autocorrelation is a ratio of sums: scaling one time sample does not break ρ(0) = 1", () => {
  const h = tone(50, 5, 1e-3);
  h.re[10] = h.re[10]! * 100;
  h.im[10] = h.im[10]! * 100;
  const r = temporalAutocorrelation(h, 3);
  assert.ok(Math.abs(r.re[0]! - 1) < 1e-12 && Math.abs(r.im[0]!) < 1e-12);
});

test("channelStats rejects short series, NaN and bad options with one line", () => {
  assert.throws(() => channelStats(tone(1, 1, 1)), /channelStats: need a time axis with at least 2 samples/);
  const h = tone(10, 1, 1e-3);
  h.re[3] = NaN;
  assert.throws(() => channelStats(h), /channelStats: H has a non-finite entry at flat index 3/);
  assert.throws(() => channelStats(tone(10, 1, 1e-3), { maxLag: 10 }), /maxLag must be an integer in \[1, 9\], got 10/);
  assert.throws(() => channelStats(tone(10, 1, 1e-3), { dt: 0 }), /dt must be a positive number/);
});

test("per-user statistics: each user's coherence time and Doppler spread are those of its own slice; percentiles rank a never-decorrelating user last", () => {
  // Users 0–3: Clarke channels (independent seeds); user 4: a single tone (|ρ| = 1, no coherence
  // loss, no spread). The pooled figure mixes them; per user each equals channelStats of its slice.
  const dt = 1e-3;
  const T = 600;
  const K = 5;
  const re = new Float64Array(T * K);
  const im = new Float64Array(T * K);
  const slices: ComplexTensor[] = [];
  for (let k = 0; k < 4; k++) {
    const c = generateChannel({ preset: "clarke", samples: T, antennas: 1, speed: 2 + 2 * k, seed: 10 + k });
    slices.push(c.H);
  }
  slices.push(tone(T, 12.5, dt));
  for (let k = 0; k < K; k++) {
    for (let t = 0; t < T; t++) {
      re[t * K + k] = slices[k]!.re[t]!;
      im[t * K + k] = slices[k]!.im[t]!;
    }
  }
  const st = channelStats({ shape: [T, K, 1, 1], re, im }, { dt, maxLag: 60, spectrum: false });
  for (let k = 0; k < K; k++) {
    const own = channelStats(slices[k]!, { dt, maxLag: 60, spectrum: false });
    assert.equal(st.perUser!.coherenceTimeS[k], own.coherenceTimeS, `user ${k} coherence`);
    assert.ok(Math.abs(st.perUser!.dopplerSpreadHz[k]! - own.dopplerSpreadHz!) < 1e-9, `user ${k} spread`);
  }
  assert.equal(st.perUser!.coherenceTimeS[4], null);
  assert.ok(st.perUser!.dopplerSpreadHz[4]! < 1e-3);
  const s = st.perUserSummary!;
  assert.equal(s.users, 5);
  assert.equal(s.coherenceTimeS.beyondMaxLag, 1);
  // Five values with the tone ranked last: the median is the 3rd smallest finite coherence time,
  // the 90th percentile interpolates towards the missing one, so it is null.
  const finite = st.perUser!.coherenceTimeS.filter((x): x is number => x !== null).sort((a, b) => a - b);
  assert.ok(Math.abs(s.coherenceTimeS.median! - finite[2]!) < 1e-15);
  assert.equal(s.coherenceTimeS.p90, null);
  assert.ok(Math.abs(s.coherenceTimeS.p10! - (finite[0]! + 0.4 * (finite[1]! - finite[0]!))) < 1e-15);
  // Without dt there are no per-user figures.
  assert.equal(channelStats({ shape: [T, K, 1, 1], re, im }, { maxLag: 5, spectrum: false }).perUser, null);
});
