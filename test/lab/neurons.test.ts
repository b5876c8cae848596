/**
 * The neuron panel's computations (lab/src/neurons.ts), in Node: the saliency is the gradient of
 * each motor output with respect to each input over time (checked entry by entry against central
 * differences), and the motor model of a trained NCP with a projection head is that NCP's cell.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildModel, type CfC } from "../../src/nn/models.ts";
import { Rng } from "../../src/core/random.ts";
import { gradientCheck, motorModel, recordNeurons, wiringOf } from "../../lab/src/neurons.ts";

const I = 3;
const L = 5;
const rng = new Rng(7);
const x = { shape: [1, L, I], data: Float64Array.from({ length: L * I }, () => rng.normal()) };
const timespans = { shape: [1, L], data: Float64Array.from({ length: L }, (_, t) => 1 + (t % 3) * 0.5) };
const ncp = (extra: Record<string, unknown>) =>
  buildModel({ type: "wired-cfc", inputSize: I, wiring: { class: "AutoNCP", units: 9, outputSize: 2, seed: 3 }, ...extra }, { seed: 5 });

test("saliency: every ∂y_t[j]/∂x_s[i] equals central differences of the forward pass; zero for s > t", () => {
  const model = ncp({}) as CfC;
  const r = recordNeurons(model, x, timespans);
  assert.equal(r.traces.length, 9);
  // Traces are by neuron id: the motor neurons' traces (AutoNCP: ids 0 and 1) are the outputs.
  const w = wiringOf(model);
  assert.deepEqual(w.neuronsOfLayer(w.numLayers - 1), [0, 1]);
  assert.deepEqual(r.traces.slice(0, 2), r.outputs);
  assert.ok(r.traces.every((tr) => tr.length === L));
  assert.equal(r.outputs.length, 2);
  const all: [number, number, number, number][] = [];
  for (let j = 0; j < 2; j++) for (let t = 0; t < L; t++) for (let s = 0; s < L; s++) for (let i = 0; i < I; i++) all.push([j, t, s, i]);
  assert.ok(gradientCheck(model, x, timespans, r.grad, all) < 1e-6, "back-propagation = central differences");
  for (const [j, t, s, i] of all) if (s > t) assert.equal(r.grad[j]![t]![s]![i], 0, "causal");
  for (let j = 0; j < 2; j++)
    for (let i = 0; i < I; i++)
      for (let t = 0; t < L; t++) assert.equal(r.saliency[j]![i]![t], r.grad[j]![t]![t]![i], "saliency is the same-step slice");
  const m = r.memory[1]!;
  assert.equal(
    m[0],
    r.grad[1]![L - 1]![L - 1]!.reduce((a, v) => a + Math.abs(v), 0),
  );
  assert.ok(
    m.every((v) => v > 0),
    "the last output depends on every past step",
  );
});

test("motorModel of an NCP with a projection head returns its motor neurons at every step", () => {
  const trained = ncp({ projSize: 4, returnSequences: false });
  const twin = motorModel(trained);
  assert.equal(twin.outputSize, 2);
  const full = (trained as CfC).forward(x, { returnHidden: true, timespans });
  const motors = twin.forward(x, { timespans }).output;
  assert.deepEqual(motors.shape, [1, L, 2]);
  for (let t = 0; t < L; t++)
    for (let j = 0; j < 2; j++)
      assert.equal(motors.data[t * 2 + j], full.hiddenSequence!.data[t * 9 + 7 + j], "the motor layer is the last in the state");
  assert.deepEqual(Array.from(wiringOf(trained).adjacency), Array.from(wiringOf(twin).adjacency));
  assert.throws(
    () => motorModel(buildModel({ type: "gru", inputSize: I, hiddenSize: 4 })),
    /^LiquidwaveError: lab neurons: expected a wired CfC/,
  );
});
