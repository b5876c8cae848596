/** The GLNN paper's baseline settings offered beside ours: a 30-neuron command layer, LAGD with N_e steps (issue 13). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { autoNcpUnitsForCommand, GlnnBeamformer } from "../../src/beamforming/glnn.ts";
import { lagd } from "../../src/beamforming/lagd.ts";
import { parseLearnedSpec } from "../../src/beamforming/learned.ts";
import { precoderPower } from "../../src/beamforming/power.ts";
import { userRates } from "../../src/beamforming/rate.ts";
import { autoNcpArgs } from "../../src/wirings/ncp.ts";
import { iidChannel } from "./helpers.ts";

const SYS = { sigma2: 1, power: 10 };

test("glnn:command=30 builds an AutoNCP whose command layer has 30 neurons (45 inter, 8 motor), and the default has 30 neurons in total", () => {
  assert.equal(parseLearnedSpec("glnn:command=30").glnn.commandNeurons, 30);
  assert.equal(autoNcpUnitsForCommand(30, 8), 83);
  assert.deepEqual(
    (({ interNeurons, commandNeurons, motorNeurons }) => [interNeurons, commandNeurons, motorNeurons])(autoNcpArgs(83, 8)),
    [45, 30, 8],
  );
  const wide = new GlnnBeamformer({ K: 4, Nk: 2 }, SYS, { commandNeurons: 30, seed: 1 });
  const base = new GlnnBeamformer({ K: 4, Nk: 2 }, SYS, { seed: 1 });
  assert.equal(wide.units, 83);
  assert.equal(base.units, 30);
  assert.equal(autoNcpArgs(base.units, 8).commandNeurons, 8);
  assert.ok(wide.parameterCount > base.parameterCount);
  assert.throws(
    () => new GlnnBeamformer({ K: 4, Nk: 2 }, SYS, { commandNeurons: 30, network: "lstm" }),
    /GlnnBeamformer: commandNeurons applies to the AutoNCP networks/,
  );
});

test("glnn:command=30 transmits at power P and its online loss falls on a repeated channel", () => {
  const ch = iidChannel(new Rng(3), 4, 2, 16);
  const g = new GlnnBeamformer({ K: 4, Nk: 2 }, SYS, { commandNeurons: 30, seed: 2, init: "zf" });
  const first = g.step(ch);
  assert.ok(Math.abs(precoderPower(first.V) - SYS.power) < 1e-9 * SYS.power);
  let last = first;
  for (let t = 0; t < 30; t++) last = g.step(ch);
  assert.ok(last.losses[last.losses.length - 1]! < first.losses[0]!, `loss ${first.losses[0]} -> ${last.losses.at(-1)}`);
});

test("LAGD with the paper's N_e = 3 inner steps runs exactly 3 Adam steps at power P and gains over its matched-filter start with more steps", () => {
  const ch = iidChannel(new Rng(8), 4, 2, 16);
  assert.equal(parseLearnedSpec("lagd:iters=3").lagd.iterations, 3);
  const short = lagd(ch, SYS, { iterations: 3, rng: new Rng(1) });
  assert.equal(short.iterations, 3);
  assert.equal(short.history.length, 3);
  assert.ok(precoderPower(short.V) <= SYS.power * (1 + 1e-9));
  assert.ok(Math.abs(short.sumRate - userRates(ch, short.V, SYS).sumRate) < 1e-9);
  const long = lagd(ch, SYS, { iterations: 200, rng: new Rng(1) });
  assert.ok(long.sumRate > short.sumRate, `N_e = 200: ${long.sumRate} vs N_e = 3: ${short.sumRate}`);
});
