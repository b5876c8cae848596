/** The paper's LSTM baseline, Ĥ → W trained offline (lstm-offline, issue 13). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { DirectLstmBeamformer } from "../../src/beamforming/direct.ts";
import { precoderPower } from "../../src/beamforming/power.ts";
import { userRates } from "../../src/beamforming/rate.ts";
import { iidChannel } from "./helpers.ts";
import { generateChannel } from "../../src/channel/generate.ts";
import { parseLearnedSpec, runBeamformers } from "../../src/beamforming/index.ts";

const SYS = { sigma2: 1, power: 10 };
const [K, Nk, M] = [2, 2, 8];

test("lstm-offline maps an estimate to an M x K precoder at power exactly P, whose design rate is the rate of V", () => {
  const net = new DirectLstmBeamformer({ K, Nk, M }, SYS, { units: 8, epochs: 0 });
  const ch = iidChannel(new Rng(1), K, Nk, M);
  const d = net.design(ch);
  assert.equal(d.V.rows, M);
  assert.equal(d.V.cols, K);
  assert.ok(Math.abs(precoderPower(d.V) - SYS.power) < 1e-9 * SYS.power);
  assert.ok(Math.abs(d.seDesign - userRates(ch, d.V, SYS).sumRate) < 1e-9);
  assert.throws(() => net.design(iidChannel(new Rng(2), K, Nk, 16)), /lstm-offline.design: channel has K = 2, Nk = 2, M = 16/);
});

test("lstm-offline learns offline: the training loss falls and the sum rate on held-out channels rises", () => {
  const rng = new Rng(5);
  const trainSet = Array.from({ length: 24 }, () => iidChannel(rng, K, Nk, M));
  const heldOut = Array.from({ length: 12 }, () => iidChannel(rng, K, Nk, M));
  const net = new DirectLstmBeamformer({ K, Nk, M }, SYS, { units: 12, epochs: 15, learningRate: 0.01 });
  const mean = () => heldOut.reduce((s, ch) => s + userRates(ch, net.design(ch).V, SYS).sumRate, 0) / heldOut.length;
  const before = mean();
  const t = net.train(trainSet);
  const after = mean();
  assert.equal(t.updates, 24 * 15);
  assert.ok(t.loss[t.loss.length - 1]! < t.loss[0]! - 0.5, `loss ${t.loss[0]} -> ${t.loss[t.loss.length - 1]}`);
  assert.ok(after > before + 0.5, `held-out SE ${before} -> ${after}`);
});

test("lstm-offline runs by name beside the others at equal power when given training channels, and is one clear error without", () => {
  const sim = generateChannel({ preset: "umi-28ghz", seed: 4, antennas: 16, users: 2, userAntennas: 2, speeds: [6], slots: [6], cee: -10 });
  const train = generateChannel({
    preset: "umi-28ghz",
    seed: 5,
    antennas: 16,
    users: 2,
    userAntennas: 2,
    speeds: [6],
    slots: [20],
    cee: -10,
  });
  const spec = "lstm-offline:train=20:epochs=2:units=6";
  assert.equal(parseLearnedSpec(spec).direct.train, 20);
  const [r] = runBeamformers(sim.H, sim.Hest, SYS, [spec], { training: train.Hest!, warmup: 0 });
  assert.equal(r!.perSample.length, 6);
  assert.ok(r!.equalPower && Math.abs(r!.meanPower! - SYS.power) < 1e-9 * SYS.power);
  assert.match(r!.label, /trained offline on 20 channels, 40 steps/);
  assert.throws(() => runBeamformers(sim.H, sim.Hest, SYS, [spec]), /lstm-offline: needs offline training channels/);
});
