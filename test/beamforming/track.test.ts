/** The tracking beamformer rwmmse-track (issue 13). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateChannel } from "../../src/channel/generate.ts";
import {
  parseLearnedSpec,
  precoderPower,
  runBeamformers,
  RwmmseTracker,
  trajectorySample,
  userRates,
} from "../../src/beamforming/index.ts";
import { dbmToLinear } from "../../src/beamforming/system.ts";

const SYS = { sigma2: 1, power: dbmToLinear(10) };

test("rwmmse-track reaches >= 99.5 % of converged WMMSE's sum SE on a slow trajectory, at power P, with its rate equal to an independent evaluation", () => {
  const sim = generateChannel({ preset: "umi-28ghz", seed: 2, antennas: 64, users: 4, userAntennas: 2, speeds: [6], slots: [20] });
  const res = runBeamformers(sim.H, undefined, SYS, ["wmmse", "rwmmse-track", "rzf"], { seed: 1, warmup: 0 });
  const [wm, tr, rzf] = res as [(typeof res)[0], (typeof res)[0], (typeof res)[0]];
  assert.ok(tr.seMean >= 0.995 * wm.seMean, `rwmmse-track ${tr.seMean} vs wmmse ${wm.seMean}`);
  assert.ok(tr.seMean >= rzf.seMean - 1e-9, `rwmmse-track ${tr.seMean} below its RZF restart ${rzf.seMean}`);
  assert.ok(tr.equalPower && Math.abs(tr.meanPower! - SYS.power) < 1e-9 * SYS.power);
  assert.equal(tr.iterationsMax <= 2, true);
  // the rate the tracker reports is the rate of its precoder (rate.ts evaluates it independently)
  const t = new RwmmseTracker({ K: 4, Nk: 2 }, SYS, { iterations: 3, smoothing: 0.5 });
  for (let s = 0; s < 5; s++) {
    const ch = trajectorySample(sim.H, s);
    const d = t.step(ch);
    assert.ok(Math.abs(precoderPower(d.V) - SYS.power) < 1e-9 * SYS.power);
    if (s === 0) assert.ok(Math.abs(d.sumRate - userRates(ch, d.V, SYS).sumRate) < 1e-9, "smoothing starts from the first slot itself");
  }
  const plain = new RwmmseTracker({ K: 4, Nk: 2 }, SYS);
  for (let s = 0; s < 5; s++) {
    const ch = trajectorySample(sim.H, s);
    const d = plain.step(ch);
    assert.ok(Math.abs(d.sumRate - userRates(ch, d.V, SYS).sumRate) < 1e-9);
    if (s === 0) assert.equal(d.restarted, true, "the first slot has no warm start");
  }
});

test("rwmmse-track options: iters and smooth parse, bad values are one clear error", () => {
  const s = parseLearnedSpec("rwmmse-track:iters=3:smooth=0.5");
  assert.equal(s.trackIterations, 3);
  assert.equal(s.trackSmoothing, 0.5);
  assert.throws(() => parseLearnedSpec("rwmmse-track:smooth=1"), /smooth=1 in 'rwmmse-track:smooth=1': must be in \[0, 1\)/);
  assert.throws(
    () => new RwmmseTracker({ K: 2, Nk: 2 }, SYS, { iterations: -1 }),
    /RwmmseTracker: iterations must be an integer in \[0, 1000\], got -1/,
  );
});
