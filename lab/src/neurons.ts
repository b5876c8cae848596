/**
 * What the neuron-activity panel records of a wired CfC (an NCP): every neuron's state over a
 * sequence, the motor outputs, and the saliency — the gradient of each motor output with respect
 * to each input over time, by back-propagation through the library's own backward pass.
 * Runs in the lab's worker; tested in Node against central differences (test/lab/neurons.test.ts).
 */
import { buildModel, type CfC, type Model } from "../../src/nn/models.ts";
import type { Tensor } from "../../src/core/tensor.ts";
import { fail } from "../../src/core/errors.ts";
import { buildWiringFromConfig } from "../../src/nn/wiring-config.ts";
import type { Wiring } from "../../src/wirings/wiring.ts";

/** A sequence run with every neuron recorded (one sequence: B = 1). */
export interface NeuronRecord {
  /**
   * traces[n][t]: neuron n's state after step t, n the wiring's neuron id (the model's state is in
   * layer order, [inter, command, motor]; reordered here so that trace n is drawn on neuron n).
   */
  traces: number[][];
  /** outputs[j][t]: motor output j after step t. */
  outputs: number[][];
  /** saliency[j][i][t] = ∂y_t[j] / ∂x_t[i]: motor j at step t to input i at the same step. */
  saliency: number[][][];
  /**
   * grad[j][t][s][i] = ∂y_t[j] / ∂x_s[i] for s ≤ t (zero for s > t: the network is causal); the
   * full map the two views above are read from.
   */
  grad: number[][][][];
  /** memory[j][lag] = Σ_i |∂y_{L−1}[j] / ∂x_{L−1−lag}[i]|: how far back the last output looks. */
  memory: number[][];
}

/**
 * The motor layer of a trained sequence model with its head removed: the same cell (same
 * parameters, copied by their ncps names) returning the motor neurons at every step. For a model
 * without a projection that returns sequences, an equal copy.
 * @param model - a `wired-cfc` model (an NCP), e.g. the prediction panel's trained NCP
 * @returns a CfC whose output [1, L, motors] is the wiring's motor neurons over time
 * @throws LiquidwaveError if the model is not a wired CfC
 */
export function motorModel(model: Model): CfC {
  const c = model.config;
  if (c.type !== "wired-cfc") fail("lab neurons", `expected a wired CfC (NCP) model, got ${c.type}`);
  const twin = buildModel({ ...c, projSize: null, returnSequences: true }, { seed: model.seed }) as CfC;
  const source = new Map(model.net.params.map((p) => [p.name, p]));
  for (const p of twin.net.params) {
    const q = source.get(p.name);
    if (!q || q.value.length !== p.value.length) fail("lab neurons", `parameter ${p.name} is missing from the trained model`);
    p.value.set(q.value);
  }
  return twin;
}

/**
 * The wiring a wired CfC runs on, rebuilt from its config (the same class, sizes and seed draw
 * the same synapses), built for the model's inputs.
 * @throws LiquidwaveError if the model is not a wired CfC
 */
export function wiringOf(model: Model): Wiring {
  const c = model.config;
  if (c.type !== "wired-cfc") fail("lab neurons", `expected a wired CfC (NCP) model, got ${c.type}`);
  return buildWiringFromConfig(c.wiring as Record<string, unknown>, c.inputSize);
}

/**
 * Run `model` on one sequence recording every neuron, and back-propagate the saliency: one
 * backward pass per (motor output, step) with a one-hot output gradient.
 * @param model - a wired CfC returning its motor neurons at every step (see {@link motorModel})
 * @param x - the input sequence, shape [1, L, I]
 * @param timespans - elapsed time per step [1, L] (the ODE's time unit), or null for ones
 */
export function recordNeurons(model: CfC, x: Tensor, timespans: Tensor | null): NeuronRecord {
  const [, L, I] = x.shape as [number, number, number];
  const O = model.outputSize;
  const S = model.stateSize;
  const out = model.forward(x, { returnHidden: true, timespans });
  const hidden = out.hiddenSequence!.data;
  const w = wiringOf(model);
  const ids = Array.from({ length: w.numLayers }, (_, l) => w.neuronsOfLayer(l)).flat();
  const traces: number[][] = new Array(S);
  ids.forEach((n, k) => {
    traces[n] = Array.from({ length: L }, (_, t) => hidden[t * S + k]!);
  });
  const outputs = Array.from({ length: O }, (_, j) => Array.from({ length: L }, (_, t) => out.output.data[t * O + j]!));
  const net = model.net;
  const grad = Array.from({ length: O }, () =>
    Array.from({ length: L }, () => Array.from({ length: L }, () => new Array<number>(I).fill(0))),
  );
  const dOut: Tensor = { shape: [1, L, O], data: new Float64Array(L * O) };
  for (let j = 0; j < O; j++)
    for (let t = 0; t < L; t++) {
      net.forward(x, { record: true, timespans });
      dOut.data.fill(0);
      dOut.data[t * O + j] = 1;
      const d = net.backward(dOut).dInput.data;
      for (let s = 0; s <= t; s++) for (let i = 0; i < I; i++) grad[j]![t]![s]![i] = d[s * I + i]!;
    }
  const saliency = grad.map((gj) => Array.from({ length: I }, (_, i) => gj.map((gt, t) => gt[t]![i]!)));
  const memory = grad.map((gj) => Array.from({ length: L }, (_, lag) => gj[L - 1]![L - 1 - lag]!.reduce((a, v) => a + Math.abs(v), 0)));
  return { traces, outputs, saliency, grad, memory };
}

/**
 * Largest relative difference between `grad` (from {@link recordNeurons}) and central differences
 * of the plain forward pass (step h), over the given entries [motor j, step t, input step s, input i].
 */
export function gradientCheck(
  model: CfC,
  x: Tensor,
  timespans: Tensor | null,
  grad: number[][][][],
  entries: readonly (readonly [number, number, number, number])[],
  h = 1e-6,
): number {
  const I = x.shape[2]!;
  const O = model.outputSize;
  let worst = 0;
  for (const [j, t, s, i] of entries) {
    const xp: Tensor = { shape: x.shape, data: x.data.slice() };
    xp.data[s * I + i]! += h;
    const yp = model.forward(xp, { timespans }).output.data[t * O + j]!;
    xp.data[s * I + i]! -= 2 * h;
    const ym = model.forward(xp, { timespans }).output.data[t * O + j]!;
    const fd = (yp - ym) / (2 * h);
    const bp = grad[j]![t]![s]![i]!;
    worst = Math.max(worst, Math.abs(fd - bp) / Math.max(1e-8, Math.abs(fd), Math.abs(bp)));
  }
  return worst;
}
