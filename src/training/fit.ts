/**
 * The training loop: mini-batch Adam on the MSE loss with back-propagation through time (full or
 * truncated), global-norm gradient clipping, a validation split and early stopping that restores
 * the best weights. Everything random (shuffling, dropout, initialisation) comes from seeds, so the
 * same call gives the same weights bit for bit.
 *
 * Data: inputs [N, L, I] and targets [N, L, O] (sequence output) or [N, O] (last output, MLP,
 * Transformer), optional timespans [N, L] (or [N, L, 1]; not for the MLP).
 */
import type { Floats } from "../core/dtype.ts";
import { checkInt, checkNumber, checkShape, fail, formatShape } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { asTensor, sliceTime, takeRows, type Tensor, type TensorLike } from "../core/tensor.ts";
import { zeroGrads, type Param } from "../cells/param.ts";
import type { Model } from "../nn/models.ts";
import { adam, copyAdamState, type AdamOptions, type AdamState } from "./adam.ts";
import { clipGradNorm } from "./clip.ts";
import { mseLoss } from "./loss.ts";

/** Training data: inputs [N, L, I], targets [N, L, O] or [N, O], optional timespans [N, L]. */
export interface Dataset {
  inputs: Tensor;
  targets: Tensor;
  timespans?: Tensor | null;
}

/** A {@link Dataset} whose arrays may also be nested number arrays. */
export interface DatasetLike {
  inputs: TensorLike;
  targets: TensorLike;
  timespans?: TensorLike | null;
}

/** A {@link DatasetLike} as tensors (one error line naming a missing or malformed array; other fields are ignored). */
export function toDataset(d: DatasetLike, where: string): Dataset {
  if (d === null || typeof d !== "object") fail(where, `data must be an object { inputs, targets, timespans? }, got ${String(d)}`);
  if (d.inputs === undefined) fail(where, "data.inputs is missing");
  if (d.targets === undefined) fail(where, "data.targets is missing");
  return {
    inputs: asTensor(d.inputs, where, "inputs"),
    targets: asTensor(d.targets, where, "targets"),
    timespans: d.timespans == null ? null : asTensor(d.timespans, where, "timespans"),
  };
}

const FIT_OPTIONS = [
  "epochs",
  "batchSize",
  "learningRate",
  "adam",
  "clipNorm",
  "validationSplit",
  "validation",
  "patience",
  "truncation",
  "seed",
  "shuffle",
  "onEpoch",
  "checkpointEvery",
  "onCheckpoint",
  "resume",
];

/**
 * Everything `fit` needs to continue a run exactly where it stopped: after `epoch` completed
 * epochs, the parameters, Adam's state, the shuffling and dropout generators, the current sample
 * order and the early-stopping bookkeeping. {@link fit} with `resume` ends bit-identical to the run
 * that was never interrupted. Serialised by `training/checkpoint.ts`.
 */
export interface FitCheckpoint {
  /** Epochs completed. */
  epoch: number;
  /** Every parameter's values, in `model.net.params` order. */
  params: Floats[];
  adam: { count: number; mu: Floats[]; nu: Floats[] };
  shuffleRng: number[];
  dropoutRng: number[] | null;
  order: number[];
  history: Omit<EpochLog, "ms">[];
  best: number;
  bestEpoch: number;
  bestWeights: Floats[] | null;
  stoppedEarly: boolean;
}

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  gradNorm: number;
  ms: number;
}

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  adam?: Omit<AdamOptions, "learningRate">;
  /** Clip the global gradient norm to this value (null: no clipping). */
  clipNorm?: number | null;
  /** Fraction of samples held out for validation (the last ones: no leakage for time-ordered data). */
  validationSplit?: number;
  /** Explicit validation data (overrides validationSplit). */
  validation?: DatasetLike | null;
  /** Stop after this many epochs without a better validation loss, and restore the best weights. */
  patience?: number | null;
  /** Truncated BPTT: gradient through at most this many steps (null: full BPTT). */
  truncation?: number | null;
  seed?: number;
  shuffle?: boolean;
  onEpoch?: (log: EpochLog) => void;
  /** Call {@link FitOptions.onCheckpoint} every this many epochs (and after the last one). */
  checkpointEvery?: number | null;
  /** Receives a checkpoint (a snapshot: later training does not change it), e.g. to write it atomically. */
  onCheckpoint?: ((cp: FitCheckpoint) => void) | null;
  /** Continue from this checkpoint (same model config, data and options as the run that wrote it). */
  resume?: FitCheckpoint | null;
}

export interface FitResult {
  history: EpochLog[];
  bestEpoch: number;
  bestValLoss: number | null;
  stoppedEarly: boolean;
  /** The optimiser state at the end, as plain arrays (a copy: fit releases its own heap state). */
  optimizerState: AdamState;
}

/** Check data shapes against the model once, at the boundary. */
function checkData(model: Model, d: Dataset, where: string): void {
  const N = d.inputs.shape[0];
  if (N === undefined || N < 1) fail(where, `inputs must have a non-empty first (sample) axis, got ${formatShape(d.inputs.shape)}`);
  if (d.targets.shape[0] !== N) fail(where, `targets have ${d.targets.shape[0]} samples, inputs ${N}`);
  if (model.kind === "sequence") {
    const net = model.net;
    checkShape(where, "inputs", d.inputs.shape, [N, null, net.inputSize]);
    const L = d.inputs.shape[1]!;
    checkShape(where, "targets", d.targets.shape, net.returnSequences ? [N, L, net.outputSize] : [N, net.outputSize]);
    if (d.timespans) {
      const s = d.timespans.shape;
      if (!((s.length === 2 || (s.length === 3 && s[2] === 1)) && s[0] === N && s[1] === L)) {
        fail(where, `timespans has shape ${formatShape(s)}, expected [${N}, ${L}] or [${N}, ${L}, 1]`);
      }
    }
  } else if (model.kind === "transformer") {
    checkShape(where, "inputs", d.inputs.shape, [N, null, model.net.inputSize]);
    checkShape(where, "targets", d.targets.shape, [N, model.net.outputSize]);
    const L = d.inputs.shape[1]!;
    if (d.timespans) {
      const s = d.timespans.shape;
      if (!((s.length === 2 || (s.length === 3 && s[2] === 1)) && s[0] === N && s[1] === L)) {
        fail(where, `timespans has shape ${formatShape(s)}, expected [${N}, ${L}] or [${N}, ${L}, 1]`);
      }
    }
  } else {
    if (d.timespans) fail(where, "an MLP takes no timespans");
    checkShape(where, "targets", d.targets.shape, [N, model.net.outputSize]);
  }
}

/** Rows `idx` of a dataset. */
function batchOf(d: Dataset, idx: ArrayLike<number>): Dataset {
  return { inputs: takeRows(d.inputs, idx), targets: takeRows(d.targets, idx), timespans: d.timespans ? takeRows(d.timespans, idx) : null };
}

/** Apply post-step constraints (LTC explicit positivity clipping). */
function applyConstraints(model: Model): void {
  if (model.kind !== "sequence") return;
  const cell = model.net.cell as { applyConstraints?: () => void };
  cell.applyConstraints?.();
}

/**
 * Forward + loss + backward on one batch; gradients accumulate into the params (caller zeroes).
 * With truncation T: sequence targets are processed in chunks of T steps (state carried across,
 * gradient cut), each chunk's gradient scaled by its share of the loss; a last-output target gets
 * its gradient only through the last T steps.
 */
/**
 * Gradient buffers of one `fit` call, by length (a full batch and the last, shorter one), so a
 * step allocates no loss gradient.
 */
class GradBuffers {
  private readonly byLength = new Map<number, Float64Array>();
  /** The buffer of `n` elements (made on first use). */
  of(n: number): Float64Array {
    const b = this.byLength.get(n) ?? new Float64Array(n);
    this.byLength.set(n, b);
    return b;
  }
}

function lossAndGrad(model: Model, b: Dataset, truncation: number | null, training: boolean, bufs: GradBuffers): number {
  const mse = (pred: Tensor, target: Tensor) => mseLoss(pred, target, { grad: bufs.of(pred.data.length) });
  if (model.kind === "mlp") {
    const pred = model.net.forward(b.inputs, { record: true });
    const { loss, grad } = mse(pred, b.targets);
    model.net.backward(grad);
    return loss;
  }
  if (model.kind === "transformer") {
    const pred = model.net.forward(b.inputs, { timespans: b.timespans, record: true });
    const { loss, grad } = mse(pred, b.targets);
    model.net.backward(grad);
    return loss;
  }
  const net = model.net;
  const L = b.inputs.shape[1]!;
  const T = truncation === null || truncation >= L ? L : truncation;
  if (T === L) {
    const out = net.forward(b.inputs, { timespans: b.timespans, record: true, training });
    const { loss, grad } = mse(out.output, b.targets);
    net.backward(grad);
    return loss;
  }
  let state: Tensor | null = null;
  let cellState: Tensor | null = null;
  if (!net.returnSequences) {
    // Warm up without a tape, then back-propagate through the last T steps only.
    const warm = net.forward(sliceTime(b.inputs, 0, L - T), { timespans: b.timespans ? sliceTime(b.timespans, 0, L - T) : null, training });
    const out = net.forward(sliceTime(b.inputs, L - T, L), {
      timespans: b.timespans ? sliceTime(b.timespans, L - T, L) : null,
      initialState: warm.finalState,
      initialCell: warm.finalCell,
      record: true,
      training,
    });
    const { loss, grad } = mse(out.output, b.targets);
    net.backward(grad);
    return loss;
  }
  let total = 0;
  for (let s = 0; s < L; s += T) {
    const e = Math.min(L, s + T);
    const out = net.forward(sliceTime(b.inputs, s, e), {
      timespans: b.timespans ? sliceTime(b.timespans, s, e) : null,
      initialState: state,
      initialCell: cellState,
      record: true,
      training,
    });
    const { loss, grad } = mse(out.output, sliceTime(b.targets, s, e));
    const share = (e - s) / L;
    for (let i = 0; i < grad.data.length; i++) grad.data[i] *= share;
    net.backward(grad);
    total += loss * share;
    state = out.finalState;
    cellState = out.finalCell;
  }
  return total;
}

/**
 * Predictions for every sample, in batches (no tape).
 * @param inputs - [N, L, I] (sequence models) or [N, F] (MLP)
 * @param options.timespans - [N, L] or [N, L, 1] elapsed time per sample and step
 * @returns [N, L, O] or [N, O]
 */
export function predict(
  model: Model,
  inputsIn: TensorLike,
  { timespans: tsIn = null, batchSize = 256 }: { timespans?: TensorLike | null; batchSize?: number } = {},
): Tensor {
  const inputs = asTensor(inputsIn, "predict", "inputs");
  const timespans = tsIn == null ? null : asTensor(tsIn, "predict", "timespans");
  const N = inputs.shape[0]!;
  const parts: Tensor[] = [];
  for (let s = 0; s < N; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, N - s) }, (_, i) => s + i);
    const x = takeRows(inputs, idx);
    if (model.kind === "mlp") parts.push(model.net.forward(x));
    else if (model.kind === "transformer") parts.push(model.net.forward(x, { timespans: timespans ? takeRows(timespans, idx) : null }));
    else parts.push(model.net.forward(x, { timespans: timespans ? takeRows(timespans, idx) : null }).output);
  }
  const rest = parts[0]!.shape.slice(1);
  const data = new Float64Array(parts.reduce((n, p) => n + p.data.length, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p.data, o);
    o += p.data.length;
  }
  return { shape: [N, ...rest], data };
}

/** Mean squared error of the model on a dataset (mean over every output element). */
export function evaluate(model: Model, data: DatasetLike, batchSize = 256): number {
  const d = toDataset(data, "evaluate");
  checkData(model, d, "evaluate");
  const pred = predict(model, d.inputs, { timespans: d.timespans ?? null, batchSize });
  return mseLoss(pred, d.targets).loss;
}

function snapshot(params: readonly Param[]): Floats[] {
  return params.map((p) => p.value.slice());
}

/**
 * Train `model` in place: mini-batch Adam on the MSE loss, BPTT.
 * @param data - inputs [N, L, I] (or [N, F] for an MLP), targets [N, L, O] or [N, O], optional
 *   timespans [N, L]; Tensors or nested number arrays
 * @param opts - see {@link FitOptions}; an unknown option is a one-line error
 */
export function fit(model: Model, dataIn: DatasetLike, opts: FitOptions): FitResult {
  const where = "fit";
  if (opts === null || typeof opts !== "object") fail(where, `options must be an object with at least { epochs }, got ${String(opts)}`);
  for (const k of Object.keys(opts))
    if (!FIT_OPTIONS.includes(k)) fail(where, `unknown option '${k}' (valid options: ${FIT_OPTIONS.join(", ")})`);
  model.memory.check("fit");
  const data = toDataset(dataIn, where);
  checkData(model, data, where);
  const epochs = checkInt(where, "epochs", opts.epochs, 1);
  const batchSize = checkInt(where, "batchSize", opts.batchSize ?? 32, 1);
  const split = checkNumber(where, "validationSplit", opts.validationSplit ?? 0, 0, 0.9);
  const truncation = opts.truncation == null ? null : checkInt(where, "truncation", opts.truncation, 1);
  const patience = opts.patience == null ? null : checkInt(where, "patience", opts.patience, 1);
  const clipNorm = opts.clipNorm == null ? null : checkNumber(where, "clipNorm", opts.clipNorm, 1e-12);
  const seed = opts.seed ?? 0;
  const N = data.inputs.shape[0]!;
  let train = data;
  let val: Dataset | null = opts.validation ? toDataset(opts.validation, `${where} (validation)`) : null;
  if (val) checkData(model, val, `${where} (validation)`);
  else if (split > 0) {
    const nVal = Math.max(1, Math.round(N * split));
    if (nVal >= N) fail(where, `validationSplit ${split} leaves no training samples out of ${N}`);
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
    train = batchOf(data, range(0, N - nVal));
    val = batchOf(data, range(N - nVal, N));
  }
  const nTrain = train.inputs.shape[0]!;
  const params = model.net.params;
  const opt = adam({ ...opts.adam, learningRate: opts.learningRate ?? 1e-3 });
  // Scoped to this call: released on return and on a throw (try/finally, not `using`, which
  // needs Symbol.dispose in the browser too).
  const state = opt.init(params);
  try {
    const shuffleRng = new Rng(seed).fork("shuffle");
    const history: EpochLog[] = [];
    let best = Infinity;
    let bestEpoch = -1;
    let bestWeights: Floats[] | null = null;
    let stoppedEarly = false;
    const order = Array.from({ length: nTrain }, (_, i) => i);
    const every = opts.checkpointEvery == null ? null : checkInt(where, "checkpointEvery", opts.checkpointEvery, 1);
    const cell = (model.kind === "sequence" ? model.net.cell : null) as { dropoutRng?: Rng | null } | null;
    let start = 0;
    const cp = opts.resume;
    if (cp) {
      const bad = (what: string) => fail(where, `resume: the checkpoint does not match this run (${what})`);
      if (cp.params.length !== params.length || cp.params.some((v, k) => v.length !== params[k]!.value.length))
        bad("parameter shapes differ");
      if (cp.order.length !== nTrain) bad(`${cp.order.length} training samples in the checkpoint, ${nTrain} now`);
      const seen = new Uint8Array(nTrain);
      for (const v of cp.order)
        if (!(Number.isInteger(v) && v >= 0 && v < nTrain) || seen[v]++) bad("its sample order is not a permutation");
      if (cp.adam.mu.length !== params.length || cp.adam.nu.length !== params.length) bad("optimiser state size differs");
      if (cp.epoch > epochs) bad(`it has ${cp.epoch} epochs done, more than epochs ${epochs}`);
      params.forEach((p, k) => p.value.set(cp.params[k]!));
      state.count = cp.adam.count;
      state.mu.forEach((m, k) => m.set(cp.adam.mu[k]!));
      state.nu.forEach((n, k) => n.set(cp.adam.nu[k]!));
      shuffleRng.setState(cp.shuffleRng);
      if (cp.dropoutRng && cell?.dropoutRng) cell.dropoutRng.setState(cp.dropoutRng);
      for (let i = 0; i < nTrain; i++) order[i] = cp.order[i]!;
      for (const h of cp.history) history.push({ ...h, ms: 0 });
      best = cp.best;
      bestEpoch = cp.bestEpoch;
      bestWeights = cp.bestWeights ? cp.bestWeights.map((w) => w.slice()) : null;
      stoppedEarly = cp.stoppedEarly;
      start = stoppedEarly ? epochs : cp.epoch;
    }
    const checkpoint = (done: number): FitCheckpoint => ({
      epoch: done,
      params: snapshot(params),
      adam: { count: state.count, mu: state.mu.map((m) => m.slice()), nu: state.nu.map((n) => n.slice()) },
      shuffleRng: shuffleRng.getState(),
      dropoutRng: cell?.dropoutRng ? cell.dropoutRng.getState() : null,
      order: order.slice(),
      history: history.map(({ ms: _ms, ...h }) => h),
      best,
      bestEpoch,
      bestWeights: bestWeights ? bestWeights.map((w) => w.slice()) : null,
      stoppedEarly,
    });
    const gradBuffers = new GradBuffers();
    for (let epoch = start; epoch < epochs; epoch++) {
      const t0 = performance.now();
      if (opts.shuffle ?? true) shuffleRng.shuffle(order);
      let lossSum = 0;
      let gradNorm = 0;
      for (let s = 0; s < nTrain; s += batchSize) {
        const idx = order.slice(s, Math.min(nTrain, s + batchSize));
        zeroGrads(params);
        const loss = lossAndGrad(model, batchOf(train, idx), truncation, true, gradBuffers);
        if (!Number.isFinite(loss)) fail(where, `loss became ${loss} in epoch ${epoch + 1}; lower the learning rate or enable clipNorm`);
        gradNorm = clipNorm !== null ? clipGradNorm(params, clipNorm) : gradNorm;
        opt.step(params, state);
        applyConstraints(model);
        lossSum += loss * idx.length;
      }
      const valLoss = val ? evaluate(model, val) : null;
      const log: EpochLog = { epoch: epoch + 1, trainLoss: lossSum / nTrain, valLoss, gradNorm, ms: performance.now() - t0 };
      history.push(log);
      opts.onEpoch?.(log);
      const score = valLoss ?? log.trainLoss;
      if (score < best) {
        best = score;
        bestEpoch = epoch + 1;
        if (patience !== null) bestWeights = snapshot(params);
      } else if (patience !== null && epoch + 1 - bestEpoch >= patience) {
        stoppedEarly = true;
      }
      if (every !== null && opts.onCheckpoint && ((epoch + 1) % every === 0 || epoch + 1 === epochs || stoppedEarly)) {
        opts.onCheckpoint(checkpoint(epoch + 1));
      }
      if (stoppedEarly) break;
    }
    if (bestWeights) params.forEach((p, k) => p.value.set(bestWeights![k]!));
    return { history, bestEpoch, bestValLoss: val ? best : null, stoppedEarly, optimizerState: copyAdamState(state) };
  } finally {
    state.dispose();
  }
}
