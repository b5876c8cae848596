/**
 * Jittered arrival (issue 14): inputs at nominal time + u·Δt, cut from a channel simulated on the
 * grid Δt/R. Oracles: a plain re-implementation of the integer cutter (jitter 0 must give its
 * bits), the simulator evaluated directly at each stated time, the Yule–Walker AR model (the
 * Kalman transition at τ = 1) and the exact Wiener-J0 predictor at the actual times.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { besselJ0 } from "../../src/core/bessel.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import { Rng } from "../../src/core/random.ts";
import { generateChannel } from "../../src/channel/generate.ts";
import { predictionConfigFromOptions, runPrediction } from "../../src/experiments/prediction.ts";
import { clarkeArModel, fractionalStep, KalmanPredictor } from "../../src/prediction/kalman.ts";
import { RidgePredictor } from "../../src/prediction/ridge.ts";
import { makeWindows, timeResolution, type WindowSet } from "../../src/prediction/windows.ts";
import { makeTrajectory, trajectoriesFromDatasets, type Trajectory } from "../../src/prediction/trajectories.ts";
import { multipathDataset } from "./helpers.ts";

/** The integer-gap cutter written out plainly (the behaviour before jitter), same draw order. */
function plainWindows(trs: readonly Trajectory[], P: number, F: number, dt: number, snrDb: number, G: number, rng: Rng) {
  const span = (P - 1) * G + F + 1;
  const plan: { tr: Trajectory; s: number; off: number[] }[] = [];
  for (const tr of trs) {
    const T = tr.h.shape[0]!;
    for (let s = 0; s + span <= T; s += span) {
      const off = [0];
      for (let j = 1; j < P; j++) off.push(off[j - 1]! + (G === 1 ? 1 : 1 + rng.int(G)));
      plan.push({ tr, s, off });
    }
  }
  const noise = rng.fork("noise");
  const M = trs[0]!.h.shape[1]!;
  const inRe: number[] = [],
    inIm: number[] = [],
    tgRe: number[] = [],
    times: number[] = [];
  for (const { tr, s, off } of plan) {
    const sd = Math.sqrt((tr.power * 10 ** (-snrDb / 10)) / 2);
    const last = off[P - 1]!;
    for (let j = 0; j < P; j++) {
      for (let m = 0; m < M; m++) {
        inRe.push(tr.h.re[(s + off[j]!) * M + m]! + sd * noise.normal());
        inIm.push(tr.h.im[(s + off[j]!) * M + m]! + sd * noise.normal());
      }
      times.push((off[j]! - last) * dt);
    }
    for (let k = 0; k < F; k++) {
      for (let m = 0; m < M; m++) tgRe.push(tr.h.re[(s + last + 1 + k) * M + m]!);
      times.push((k + 1) * dt);
    }
  }
  return { inRe, inIm, tgRe, times };
}

test("jitter 0 gives the plain integer cutter's windows bit for bit (regular and with gaps), with and without an explicit oversample 1", () => {
  const ds = multipathDataset({ kind: "dense", users: 3, samples: 300, antennas: 2, dopplerHz: 40, dt: 1e-3, seed: 4 });
  const trs = trajectoriesFromDatasets([ds]);
  for (const G of [1, 3]) {
    const ref = plainWindows(trs, 8, 3, 1e-3, 15, G, new Rng(11));
    for (const extra of [{}, { jitter: 0, oversample: 1 }]) {
      const ws = makeWindows(trs, { history: 8, horizon: 3, dt: 1e-3, snrDb: 15, maxGap: G, rng: new Rng(11), ...extra });
      assert.deepEqual(Array.from(ws.inputs.re), ref.inRe);
      assert.deepEqual(Array.from(ws.inputs.im), ref.inIm);
      assert.deepEqual(Array.from(ws.targets.re), ref.tgRe);
      assert.deepEqual(Array.from(ws.times), ref.times);
      assert.equal(ws.regular, G === 1);
    }
  }
});

test("oversample R without jitter cuts the same windows as the trajectory decimated to every R-th sample", () => {
  const ds = multipathDataset({ kind: "dense", users: 2, samples: 1200, antennas: 2, dopplerHz: 40, dt: 1e-4, seed: 2 });
  const fine = trajectoriesFromDatasets([ds]);
  const R = 10;
  const coarse = fine.map((tr) => {
    const [T, M] = tr.h.shape as [number, number];
    const n = Math.floor(T / R);
    const re = new Float64Array(n * M),
      im = new Float64Array(n * M);
    for (let t = 0; t < n; t++)
      for (let m = 0; m < M; m++) {
        re[t * M + m] = tr.h.re[t * R * M + m]!;
        im[t * M + m] = tr.h.im[t * R * M + m]!;
      }
    // the fine trajectory's reference power, so the noise levels agree
    return { ...makeTrajectory(tr.id, tr.group, { shape: [n, M], re, im }, tr.label), power: tr.power };
  });
  const opts = { history: 6, horizon: 2, dt: 1e-3, snrDb: 20, maxGap: 2 } as const;
  const a = makeWindows(fine, { ...opts, oversample: R, rng: new Rng(5) });
  const b = makeWindows(coarse, { ...opts, rng: new Rng(5) });
  assert.equal(a.count, b.count);
  assert.deepEqual(a.inputs, b.inputs);
  assert.deepEqual(a.targets, b.targets);
  assert.deepEqual(a.times, b.times);
});

test("jittered windows hold the simulator's channel at exactly the stated times (Clarke, straight track, simulated directly at each time)", () => {
  const dt = 1e-3,
    R = 20,
    seed = 9;
  const base = { preset: "clarke", users: 2, antennas: 2, speed: 3, seed } as const;
  const sim = generateChannel({ ...base, samples: 200 * R, dt: dt / R });
  const ws = makeWindows(trajectoriesFromDatasets([sim]), {
    history: 6,
    horizon: 3,
    dt,
    snrDb: null,
    oversample: R,
    jitter: 0.45,
    rng: new Rng(3),
  });
  assert.equal(ws.regular, false);
  assert.equal(timeResolution(ws, "test"), R);
  const { history: P, horizon: F, antennas: M } = ws;
  let offGrid = 0;
  for (const w of [0, 7, ws.count - 1]) {
    // absolute time of the last input from the provenance (end = last + F·R + 1 samples of Δt/R)
    const tLast = ((ws.origin[3 * w + 2]! - 1 - F * R) * dt) / R;
    const user = ws.origin[3 * w]!; // one trajectory per user (Nk = 1)
    for (let j = 0; j < P + F; j++) {
      const rel = ws.times[w * (P + F) + j]!;
      if (j < P - 1 && Math.abs(rel / dt - Math.round(rel / dt)) > 1e-9) offGrid++;
      if (j < P - 1) assert.ok(Math.abs(rel / dt - Math.round(rel / dt)) <= 0.45 + 1e-9, `jitter of input ${j}: ${rel / dt} Δt`);
      const t = tLast + rel;
      // the simulator on its own, two samples: the second one is at time t
      const one = generateChannel({ ...base, samples: 2, dt: t });
      const src = (1 * 2 + user) * M; // H [T, K, 1, M]: sample 1, user
      const [re, im] = j < P ? [ws.inputs.re, ws.inputs.im] : [ws.targets.re, ws.targets.im];
      const dst = j < P ? (w * P + j) * M : (w * F + j - P) * M;
      for (let m = 0; m < M; m++) {
        assert.ok(
          Math.abs(re[dst + m]! - one.H.re[src + m]!) < 1e-9,
          `window ${w} sample ${j} at ${t} s: ${re[dst + m]} vs ${one.H.re[src + m]}`,
        );
        assert.ok(Math.abs(im[dst + m]! - one.H.im[src + m]!) < 1e-9);
      }
    }
    // targets at Δt, 2Δt, … after the last input, which is at 0
    assert.equal(ws.times[w * (P + F) + P - 1], 0);
    for (let k = 0; k < F; k++) assert.ok(Math.abs(ws.times[w * (P + F) + P + k]! - (k + 1) * dt) < 1e-15);
  }
  assert.ok(offGrid > 5, `only ${offGrid} inputs off the Δt grid`);
});

test("the Kalman transition over a fractional gap: at τ = 1 its first row is the Yule–Walker AR(p) model, the other rows nearly shift, and it keeps the stationary covariance", () => {
  const fdDt = 0.04,
    p = 6,
    eps = 1e-6;
  const { a, q } = clarkeArModel(fdDt, p, eps);
  const one = fractionalStep(fdDt, p, eps, 1);
  for (let j = 0; j < p; j++) assert.ok(Math.abs(one.A[j]! - a[j]!) < 1e-9 * (1 + Math.abs(a[j]!)), `a[${j}]: ${one.A[j]} vs ${a[j]}`);
  assert.ok(Math.abs(one.Q[0]! - q) < 1e-9, `q: ${one.Q[0]} vs ${q}`);
  // row i ≥ 1 regresses h(t + 1 − i), which the old state holds: (almost) no innovation
  for (let i = 1; i < p; i++) assert.ok(one.Q[i * p + i]! < 1e-5, `Q[${i}, ${i}] = ${one.Q[i * p + i]}`);
  // A Σ Aᵀ + Q = Σ at any τ (the stationary covariance is kept)
  const step = fractionalStep(fdDt, p, eps, 1.35);
  const rho = (l: number) => besselJ0(2 * Math.PI * fdDt * l);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let v = step.Q[i * p + j]!;
      for (let k = 0; k < p; k++)
        for (let l = 0; l < p; l++) v += step.A[i * p + k]! * (rho(k - l) + (k === l ? eps : 0)) * step.A[j * p + l]!;
      assert.ok(Math.abs(v - (rho(i - j) + (i === j ? eps : 0))) < 1e-8, `Σ[${i}, ${j}]: ${v}`);
    }
});

function clarkeRun(jitter: number) {
  return runPrediction({
    channel: { preset: "clarke", users: 20, samples: 500 },
    models: ["hold", "wiener", "kalman", "ridge", "ar"],
    oversample: 20,
    jitter,
    seed: 5,
  });
}

test("on jittered windows Kalman and ridge stay within 1.5 dB of the exact Wiener-J0 predictor and of their own unjittered score, far better than hold; AR is skipped", () => {
  const plain = clarkeRun(0),
    jit = clarkeRun(0.45);
  assert.equal(jit.config.regular, false);
  assert.equal(plain.config.windows.test, jit.config.windows.test);
  assert.deepEqual(
    jit.skipped?.map((s) => s.name),
    ["ar"],
  );
  assert.match(jit.skipped![0]!.reason, /jittered/);
  const by = (r: typeof jit) => Object.fromEntries(r.models.map((m) => [m.name, m]));
  const a = by(plain),
    b = by(jit);
  for (const name of ["kalman", "ridge"]) {
    assert.ok(b[name]!.meanNmseDb < b.hold!.meanNmseDb - 5, `${name} ${b[name]!.meanNmseDb} vs hold ${b.hold!.meanNmseDb}`);
    assert.ok(b[name]!.meanNmseDb < b.wiener!.meanNmseDb + 1.5, `${name} ${b[name]!.meanNmseDb} vs wiener ${b.wiener!.meanNmseDb}`);
    assert.ok(Math.abs(b[name]!.meanNmseDb - a[name]!.meanNmseDb) < 1.5, `${name}: ${a[name]!.meanNmseDb} → ${b[name]!.meanNmseDb}`);
  }
});

test("jittered windows and the predictions on them are deterministic for a seed", () => {
  const ds = multipathDataset({ kind: "dense", users: 4, samples: 4000, antennas: 2, dopplerHz: 40, dt: 1e-4, seed: 8 });
  const trs = trajectoriesFromDatasets([ds]);
  const cut = (): WindowSet =>
    makeWindows(trs, { history: 10, horizon: 3, dt: 1e-3, snrDb: 20, oversample: 10, jitter: 0.3, maxGap: 2, rng: new Rng(21) });
  const a = cut(),
    b = cut();
  assert.deepEqual(a, b);
  const run = (ws: WindowSet) => {
    const k = new KalmanPredictor({ dopplerHz: 40 }).predict(ws);
    const r = new RidgePredictor();
    r.fit(ws);
    return [k, r.predict(ws)];
  };
  assert.deepEqual(run(a), run(b));
});

test("bad jitter options fail with one line naming the option, value and limit", () => {
  const trs = [makeTrajectory(0, 0, { shape: [400, 1], re: new Float64Array(400), im: new Float64Array(400) }, "zero")];
  const cut = (o: object) => () => makeWindows(trs, { history: 4, horizon: 2, dt: 1e-3, snrDb: null, rng: new Rng(1), ...o });
  assert.throws(
    cut({ jitter: 0.5, oversample: 20 }),
    (e: unknown) => e instanceof LiquidwaveError && /jitter must be in \[0, 0.5\).*0\.5/.test(e.message),
  );
  assert.throws(cut({ jitter: 0.2 }), (e: unknown) => e instanceof LiquidwaveError && /at least 5 times per Δt.*got 1/.test(e.message));
  assert.throws(
    () => runPrediction({ channel: { preset: "clarke" }, jitter: 0.6 }),
    (e: unknown) => e instanceof LiquidwaveError && /jitter.*< 0.5.*0.6/.test(e.message),
  );
  assert.throws(
    () => runPrediction({ channel: { preset: "clarke" }, jitter: 0.02, oversample: 10 }),
    (e: unknown) => e instanceof LiquidwaveError && /oversample to at least 50/.test(e.message),
  );
  assert.throws(
    () => predictionConfigFromOptions({ data: "x.npz", jitter: 0.2 }),
    (e: unknown) => e instanceof LiquidwaveError && /jitter.*needs a simulated channel/.test(e.message),
  );
  assert.throws(
    () =>
      runPrediction(
        { dt: 1e-3, jitter: 0.2 },
        { datasets: [multipathDataset({ kind: "dense", users: 2, samples: 100, antennas: 1, dopplerHz: 10, dt: 1e-3, seed: 1 })] },
      ),
    (e: unknown) => e instanceof LiquidwaveError && /jitter 0.2 needs a simulated channel/.test(e.message),
  );
});
