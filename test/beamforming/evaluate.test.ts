import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { cmat } from "../../src/core/linalg/index.ts";
import { CLASSICAL_ALGORITHMS, ChannelSample, runAlgorithm, runOnEstimate, userRates, zf } from "../../src/beamforming/index.ts";
import { iidChannel } from "./helpers.ts";

const SYS = { sigma2: 1, power: 10 };

function withError(rng: Rng, ch: ChannelSample, variance: number): ChannelSample {
  const e = cmat(ch.N, ch.M);
  rng.fillComplexNormal(e.re, e.im, variance);
  const h = cmat(ch.N, ch.M);
  for (let i = 0; i < e.re.length; i++) {
    h.re[i] = ch.H.re[i]! + e.re[i]!;
    h.im[i] = ch.H.im[i]! + e.im[i]!;
  }
  return new ChannelSample(h, ch.K);
}

test("a design on the estimate is scored on the true channel (and the design-side rate is reported apart)", () => {
  const rng = new Rng(1);
  const H = iidChannel(rng, 4, 2, 16);
  const Hest = withError(rng, H, 0.3);
  const r = runOnEstimate({ H, Hest }, SYS, (known) => zf(known, SYS, { streams: "full" }));
  const v = zf(Hest, SYS, { streams: "full" });
  assert.deepEqual([...r.V.re], [...v.re]);
  assert.equal(r.se, userRates(H, v, SYS).sumRate);
  assert.equal(r.seDesign, userRates(Hest, v, SYS).sumRate);
  assert.ok(r.seDesign > r.se, "evaluating on the estimate overstates the rate");
  const perfect = runOnEstimate({ H }, SYS, (known) => zf(known, SYS));
  assert.equal(perfect.se, perfect.seDesign);
  assert.throws(() => runOnEstimate({ H, Hest: iidChannel(rng, 4, 2, 8) }, SYS, (k) => zf(k, SYS)), /estimate is 8 x 8/);
});

test("every classical algorithm runs by name, stays within the budget and is deterministic for a seed", () => {
  const rng = new Rng(2);
  const H = iidChannel(rng, 3, 2, 12);
  const Hest = withError(rng, H, 0.1);
  for (const name of CLASSICAL_ALGORITHMS) {
    const opts = { rng: new Rng(5), restarts: 3, ceeDb: -10, maxIter: 30 };
    const a = runAlgorithm(name, { H, Hest }, SYS, opts);
    const b = runAlgorithm(name, { H, Hest }, SYS, { ...opts, rng: new Rng(5) });
    assert.equal(a.se, b.se, `${name} deterministic`);
    assert.ok(Number.isFinite(a.se) && a.se > 0, `${name}: ${a.se}`);
    assert.ok(a.power <= SYS.power * (1 + 1e-4), `${name}: power ${a.power}`);
  }
  assert.throws(() => runAlgorithm("glnn" as never, { H }, SYS), /unknown algorithm 'glnn'/);
});

test("the upper bound runs WMMSE restarts on the true channel, ignoring the estimate", () => {
  const rng = new Rng(3);
  const H = iidChannel(rng, 4, 2, 16);
  const Hest = withError(rng, H, 1);
  const up = runAlgorithm("upper", { H, Hest }, SYS, { restarts: 4, rng: new Rng(1) });
  const wm = runAlgorithm("wmmse", { H, Hest }, SYS, { rng: new Rng(1) });
  assert.equal(up.se, up.seDesign);
  assert.ok(up.se > wm.se);
});

test("robust WMMSE needs the CSI error statistics when an estimate is given", () => {
  const rng = new Rng(4);
  const H = iidChannel(rng, 2, 2, 8);
  const Hest = withError(rng, H, 0.1);
  assert.throws(() => runAlgorithm("robust-wmmse", { H, Hest }, SYS), /robust-wmmse: needs the CSI error statistics/);
  const r = runAlgorithm("robust-wmmse", { H, Hest }, SYS, { errorVariance: 0.1 });
  assert.ok(r.se > 0);
});

test("runTrajectory summarises per-sample SE, the largest power and the iterations, deterministically", async () => {
  const { runTrajectory } = await import("../../src/beamforming/index.ts");
  const rng = new Rng(5);
  const T = 3,
    K = 2,
    Nk = 2,
    M = 6;
  const re = new Float64Array(T * K * Nk * M);
  const im = new Float64Array(re.length);
  rng.fillComplexNormal(re, im);
  const H = { shape: [T, K, Nk, M], re, im };
  const a = runTrajectory(H, undefined, SYS, ["zf", "wmmse"], { seed: 3 });
  const b = runTrajectory(H, undefined, SYS, ["wmmse"], { seed: 3 });
  assert.deepEqual(a[1]!.perSample, b[0]!.perSample, "an algorithm's numbers do not depend on the others run before it");
  assert.equal(a[0]!.perSample.length, 3);
  assert.equal(a[0]!.iterationsMean, 0);
  assert.ok(a[1]!.iterationsMean > 0);
  assert.ok(Math.abs(a[0]!.maxPower - 10) < 1e-8);
  assert.equal(a[0]!.seDesignMean, a[0]!.seMean);
  assert.throws(() => runTrajectory(H, undefined, SYS, ["zf", "lstm"]), /runTrajectory: unknown algorithm 'lstm'/);
  assert.throws(
    () => runTrajectory({ shape: [2, 3], re: new Float64Array(6), im: new Float64Array(6) }, undefined, SYS, ["zf"]),
    /H must have shape \[T, K, Nk, M\]/,
  );
});
