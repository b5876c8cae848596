import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { complexZeros } from "../../src/core/complex.ts";
import { parseLearnedSpec } from "../../src/beamforming/learned.ts";
import { runBeamformers } from "../../src/beamforming/run.ts";

/** A slowly varying trajectory [T, K, Nk, M]: AR(1) i.i.d. fading with correlation 0.99. */
function trajectory(T: number, K: number, Nk: number, M: number, seed: number) {
  const h = complexZeros([T, K, Nk, M]);
  const n = K * Nk * M;
  const rng = new Rng(seed);
  const wr = new Float64Array(n),
    wi = new Float64Array(n);
  rng.fillComplexNormal(wr, wi);
  h.re.set(wr, 0);
  h.im.set(wi, 0);
  const rho = 0.99,
    s = Math.sqrt(1 - rho * rho);
  for (let t = 1; t < T; t++) {
    rng.fillComplexNormal(wr, wi);
    for (let i = 0; i < n; i++) {
      h.re[t * n + i] = rho * h.re[(t - 1) * n + i]! + s * wr[i]!;
      h.im[t * n + i] = rho * h.im[(t - 1) * n + i]! + s * wi[i]!;
    }
  }
  return h;
}

test("algorithm specs map to learner options; unknown names, tokens and values are one clear error", () => {
  const s = parseLearnedSpec(
    "glnn:legacy:chain:warm:steps=5:lr=0.003:net=ltc:init=rzf:norm-in:scale-out:per-user:best:reset:decay=0.999:beta=0.1",
  );
  assert.deepEqual(s.glnn, {
    legacyNormalization: true,
    chain: true,
    warmStart: true,
    tuningSteps: 5,
    learningRate: 0.003,
    network: "ltc",
    init: "rzf",
    normalizeInput: true,
    scaleOutput: true,
    encoding: "per-user",
    selectBest: true,
    resetState: true,
    lrDecay: 0.999,
    loss: { beta: 0.1 },
  });
  assert.equal(parseLearnedSpec("lstm").glnn.network, "lstm");
  assert.deepEqual(parseLearnedSpec("lagd:iters=50:hidden=40:project=end").lagd, { iterations: 50, hidden: 40, project: "end" });
  assert.equal(parseLearnedSpec("wmmse-track:iters=2").trackIterations, 2);
  assert.throws(() => parseLearnedSpec("glnx"), /unknown algorithm 'glnx' in 'glnx', valid options are mrt, zf/);
  assert.throws(() => parseLearnedSpec("glnn:fast"), /unknown option 'fast' for glnn in 'glnn:fast'/);
  assert.throws(() => parseLearnedSpec("glnn:net=gru"), /net=gru in 'glnn:net=gru': valid networks are ncp-cfc, lstm, cfc, ltc, gd/);
  assert.throws(() => parseLearnedSpec("lagd:iters=1.5"), /option 'iters=1.5' of 'lagd:iters=1.5' needs an integer value/);
});

test("runBeamformers scores online and classical designs on the truth, flags the legacy normalisation as unequal power, and is deterministic", () => {
  const T = 6,
    K = 2,
    Nk = 2,
    M = 8;
  const H = trajectory(T, K, Nk, M, 1);
  const E = trajectory(T, K, Nk, M, 2);
  const Hest = { shape: H.shape, re: H.re.map((x, i) => x + 0.3 * E.re[i]!), im: H.im.map((x, i) => x + 0.3 * E.im[i]!) };
  const sys = { sigma2: 1, power: 10 };
  const algs = ["zf", "glnn", "glnn:legacy", "lstm", "lagd:iters=20", "wmmse-track"];
  const res = runBeamformers(H, Hest, sys, algs, { seed: 3 });
  assert.deepEqual(
    res.map((r) => r.name),
    algs,
  );
  for (const r of res) {
    assert.equal(r.perSample.length, T);
    assert.ok(Math.abs(r.perSample.reduce((s, x) => s + x, 0) / T - r.seMean) < 1e-12);
    assert.equal(r.powerBudget, 10);
    if (r.name === "glnn:legacy") {
      assert.equal(r.normalization, "legacy");
      assert.equal(r.equalPower, false, `legacy power ${r.maxPower} exceeds P here`);
      assert.match(r.label, /NOT the budget P/);
    } else {
      assert.ok(r.equalPower, `${r.name}: power ${r.maxPower}`);
      assert.equal(r.label, r.name);
    }
    if (r.name === "glnn" || r.name === "lstm") {
      assert.equal(r.normalization, "power");
      assert.ok(Math.abs(r.meanPower! - 10) < 1e-9 && Math.abs(r.maxPower - 10) < 1e-9);
      assert.equal(r.iterationsMean, 3);
    }
  }
  const again = runBeamformers(H, Hest, sys, algs, { seed: 3 });
  assert.deepEqual(
    again.map((r) => r.perSample),
    res.map((r) => r.perSample),
  );
  // a classical algorithm gives the same numbers alone or in company
  assert.deepEqual(runBeamformers(H, Hest, sys, ["zf"], { seed: 3 })[0]!.perSample, res[0]!.perSample);
});
