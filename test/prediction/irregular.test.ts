/**
 * Irregular sampling (issue 13): the Kalman predictor runs on the Δt grid and skips the updates at
 * unobserved points; ridge learns the lag covariance and solves the normal equations at each
 * window's actual lags; a model that refuses the window set is skipped with its reason, not a
 * failed run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { besselJ0 } from "../../src/core/bessel.ts";
import { cgramAH, cmatmulAH, cmatOf, csolveHpd } from "../../src/core/linalg/index.ts";
import { Rng } from "../../src/core/random.ts";
import { runPrediction } from "../../src/experiments/prediction.ts";
import {
  fitLagModel,
  lagCorrelation,
  makeWindows,
  nnls,
  RidgePredictor,
  trajectoriesFromDatasets,
  WienerPredictor,
  windowScales,
  type WindowSet,
} from "../../src/prediction/index.ts";
import { multipathDataset } from "./helpers.ts";

const FD = 40,
  DT = 1e-3;

function clarkeWindows(users: number, seed: number, maxGap: number): WindowSet {
  const ds = multipathDataset({ kind: "dense", users, samples: 400, antennas: 2, dopplerHz: FD, dt: DT, seed });
  return makeWindows(trajectoriesFromDatasets([ds]), { history: 20, horizon: 5, dt: DT, snrDb: 20, maxGap, rng: new Rng(seed + 7) });
}

test("on irregular windows (gaps 1..3) Kalman and ridge are within 2 dB of the exact Wiener-J0 predictor and far better than hold; AR and ESPRIT are skipped with their reason", () => {
  const r = runPrediction({
    channel: { preset: "clarke", users: 24, samples: 600 },
    models: ["hold", "wiener", "kalman", "ridge", "ar", "esprit"],
    maxGap: 3,
    seed: 3,
  });
  assert.equal(r.config.regular, false);
  const by = Object.fromEntries(r.models.map((m) => [m.name, m]));
  assert.deepEqual(Object.keys(by), ["hold", "wiener", "kalman", "ridge"]);
  assert.deepEqual(
    r.skipped?.map((s) => s.name),
    ["ar", "esprit"],
  );
  for (const s of r.skipped!) assert.match(s.reason, /needs regularly sampled windows/);
  // Wiener-J0 with the true f_D is the LMMSE predictor at the actual sample times (the oracle);
  // the AR(8) Kalman model approximates the same correlation on the grid, ridge learns it
  for (const name of ["kalman", "ridge"]) {
    for (let k = 0; k < 5; k++) {
      const got = by[name]!.nmseDb[k]!;
      assert.ok(got < by.hold!.nmseDb[k]! - 3, `step ${k + 1}: ${name} ${got} vs hold ${by.hold!.nmseDb[k]}`);
      assert.ok(got < by.wiener!.nmseDb[k]! + 2, `step ${k + 1}: ${name} ${got} vs wiener ${by.wiener!.nmseDb[k]}`);
    }
  }
});

test("on regular windows ridge is exactly the closed-form fit (XᴴX + λI)⁻¹XᴴT of the scaled windows", () => {
  const train = clarkeWindows(20, 1, 1),
    test = clarkeWindows(4, 2, 1);
  const ridge = new RidgePredictor({ ridge: 1e-3 });
  ridge.fit(train);
  const got = ridge.predict(test);
  // the oracle, written out: rows x_w / s_w, t_w / s_w
  const { count: n, history: P, horizon: F, antennas: M } = train;
  const s = windowScales(train);
  const rows = (re: Float64Array, im: Float64Array, per: number) =>
    cmatOf(
      n,
      per,
      re.map((v, i) => v * (1 / s[Math.floor(i / per)]!)),
      im.map((v, i) => v * (1 / s[Math.floor(i / per)]!)),
    );
  const X = rows(train.inputs.re, train.inputs.im, P * M),
    T = rows(train.targets.re, train.targets.im, F * M);
  const G = cgramAH(X);
  const d = P * M;
  let tr = 0;
  for (let i = 0; i < d; i++) tr += G.re[i * d + i]!;
  for (let i = 0; i < d; i++) G.re[i * d + i]! += (1e-3 * tr) / d;
  const W = csolveHpd(G, cmatmulAH(X, T));
  for (let w = 0; w < test.count; w++)
    for (let j = 0; j < F * M; j++) {
      let er = 0,
        ei = 0;
      for (let i = 0; i < d; i++) {
        const xr = test.inputs.re[w * d + i]!,
          xi = test.inputs.im[w * d + i]!;
        er += xr * W.re[i * F * M + j]! - xi * W.im[i * F * M + j]!;
        ei += xr * W.im[i * F * M + j]! + xi * W.re[i * F * M + j]!;
      }
      assert.equal(got.re[w * F * M + j], er);
      assert.equal(got.im[w * F * M + j], ei);
    }
  assert.equal(ridge.parameterCount(), 2 * (P * M) * (F * M));
});

test("given the Clarke correlation as its lag model (J0 as a comb of 64 Doppler lines, R = I), ridge's per-pattern normal equations are the Wiener-J0 filter at the actual sample times", () => {
  const train = clarkeWindows(8, 12, 3),
    test = clarkeWindows(6, 13, 3);
  const ridge = new RidgePredictor({ ridge: 0 });
  ridge.fit(train);
  const S = 64,
    M = train.antennas;
  // (1/S) Σ_s cos(2π f_D Δt cos α_s l) = J0(2π f_D Δt l) up to J_S terms (negligible here)
  const frequencies = Float64Array.from({ length: S }, (_, s) => FD * DT * Math.cos((2 * Math.PI * (s + 0.5)) / S));
  const spatialRe = new Float64Array(M * M);
  for (let m = 0; m < M; m++) spatialRe[m * M + m] = 1;
  ridge.lagModel = {
    ...ridge.lagModel!,
    frequencies,
    powers: new Float64Array(S).fill(1 / S),
    spatialRe,
    spatialIm: new Float64Array(M * M),
  };
  const got = ridge.predict(test);
  const want = new WienerPredictor({ dopplerHz: FD }).predict(test);
  let worst = 0,
    scale = 0;
  for (let i = 0; i < got.re.length; i++) {
    worst = Math.max(worst, Math.abs(got.re[i]! - want.re[i]!), Math.abs(got.im[i]! - want.im[i]!));
    scale = Math.max(scale, Math.abs(want.re[i]!));
  }
  // Wiener keeps a 1e-9 diagonal floor, ridge 1e-12 relative: the filters agree to ~1e-6
  assert.ok(worst < 1e-5 * scale, `largest difference ${worst} (outputs up to ${scale})`);
});

test("the lag model learned from irregular Clarke windows has the J0(2π f_D l Δt) correlation within 0.03 and the known noise ratio", () => {
  const m = fitLagModel(clarkeWindows(60, 3, 3));
  const [re, im] = lagCorrelation(m, 40);
  for (let l = 0; l <= 40; l++) {
    const want = besselJ0(2 * Math.PI * FD * DT * l);
    assert.ok(Math.abs(re[l]! - want) < 0.03, `lag ${l}: ${re[l]} vs J0 ${want}`);
    assert.ok(Math.abs(im[l]!) < 0.03, `lag ${l}: imaginary part ${im[l]}`);
  }
  assert.ok(Math.abs(m.noise - 0.01) < 1e-12, `noise ratio ${m.noise}`);
  for (const p of m.powers) assert.ok(p >= 0);
});

test("ridge trained on regular windows also predicts irregular ones (through its lag model), close to ridge trained on irregular ones", () => {
  const regular = clarkeWindows(40, 4, 1),
    irregular = clarkeWindows(40, 5, 3),
    test = clarkeWindows(10, 6, 3);
  const nmse = (p: RidgePredictor) => {
    const out = p.predict(test);
    let e = 0,
      s = 0;
    for (let i = 0; i < out.re.length; i++) {
      e += (out.re[i]! - test.targets.re[i]!) ** 2 + (out.im[i]! - test.targets.im[i]!) ** 2;
      s += test.targets.re[i]! ** 2 + test.targets.im[i]! ** 2;
    }
    return 10 * Math.log10(e / s);
  };
  const a = new RidgePredictor(),
    b = new RidgePredictor();
  a.fit(regular);
  b.fit(irregular);
  const da = nmse(a),
    db = nmse(b);
  assert.ok(Math.abs(da - db) < 1.5, `trained regular ${da.toFixed(2)} dB, irregular ${db.toFixed(2)} dB`);
  assert.ok(db < -10, `irregular ridge ${db.toFixed(2)} dB`);
});

test("nnls satisfies the KKT conditions: x ≥ 0, zero gradient on its support, non-positive descent off it", () => {
  const rng = new Rng(9);
  const rows = 30,
    cols = 50;
  const A = new Float64Array(rows * cols).map(() => rng.normal());
  const b = new Float64Array(rows).map(() => rng.normal());
  const x = nnls(A, b, rows, cols);
  const res = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = b[r]!;
    for (let c = 0; c < cols; c++) s -= A[r * cols + c]! * x[c]!;
    res[r] = s;
  }
  for (let c = 0; c < cols; c++) {
    let g = 0; // (Aᵀ(b − Ax))_c
    for (let r = 0; r < rows; r++) g += A[r * cols + c]! * res[r]!;
    assert.ok(x[c]! >= 0);
    if (x[c]! > 0) assert.ok(Math.abs(g) < 1e-8, `column ${c}: x ${x[c]}, gradient ${g}`);
    else assert.ok(g < 1e-8, `column ${c}: x = 0 but gradient ${g} > 0`);
  }
  // an overdetermined consistent system with a non-negative solution gives that solution back
  const r2 = 60,
    c2 = 20;
  const A2 = new Float64Array(r2 * c2).map(() => rng.normal());
  const xTrue = new Float64Array(c2).map((_, c) => (c % 3 === 0 ? 1 + (c % 5) : 0));
  const b2 = new Float64Array(r2);
  for (let r = 0; r < r2; r++) for (let c = 0; c < c2; c++) b2[r]! += A2[r * c2 + c]! * xTrue[c]!;
  const x2 = nnls(A2, b2, r2, c2);
  for (let c = 0; c < c2; c++) assert.ok(Math.abs(x2[c]! - xTrue[c]!) < 1e-6, `x[${c}] = ${x2[c]}, want ${xTrue[c]}`);
});
