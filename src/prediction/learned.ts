/**
 * Learned predictors on the liquidwave nn core: MLP, GRU, LSTM, CfC, LTC and NCP variants.
 *
 * Data (features.ts): each window normalised by the RMS of its inputs, real/imaginary parts of
 * the M antennas stacked (2M features per step; with irregular sampling the elapsed time is one
 * more feature), targets the F future steps flattened to F·2M (direct multi-step: no error
 * accumulation). Sequence models read the P steps and project their last output to F·2M; the
 * MLP maps the flattened window to F·2M. Liquid models (CfC, LTC, NCP) also receive the elapsed
 * time of every step as their ODE time span (units of Δt).
 *
 * | kind      | model                                                                  |
 * |-----------|------------------------------------------------------------------------|
 * | `mlp`     | MLP P·2M → [size, size] (tanh) → F·2M                                  |
 * | `gru`     | GRU(size) → Linear F·2M                                                |
 * | `lstm`    | LSTM(size) → Linear F·2M                                               |
 * | `cfc`     | CfC(size units, 64-unit backbone) → Linear F·2M                        |
 * | `ltc`     | LTC over FullyConnected(size) (6 semi-implicit unfolds) → Linear F·2M  |
 * | `ncp`     | CfC over AutoNCP(size, max(size/3, 2M) motor neurons) → Linear F·2M    |
 * | `ltc-ncp` | LTC over AutoNCP(size, max(size/3, 2M) motor neurons) → Linear F·2M    |
 * | `transformer` | 2-layer pre-norm encoder, width size, 4 heads, elapsed-time encoding → Linear F·2M |
 *
 * Training: `fit` (Adam, MSE on the normalised targets, global-norm clipping 1, early stopping on
 * the validation windows with the best weights restored); every draw comes from the seed.
 *
 * Hybrid variants (`base`, names `<kind>+ridge`, `<kind>+esprit`): a classical predictor is fitted
 * first and the network learns only what it leaves, ĥ = ĥ_base + f(y). With the ridge-LS base (the
 * empirical LMMSE) the network starts from the best linear predictor instead of from zero and its
 * capacity goes to the nonlinear part; with the ESPRIT base it starts from the per-window
 * parametric fit of sparse channels and learns to correct it where it fails (noise, dense
 * scattering). Regular sampling only.
 */
import { checkInt, checkNumber, checkOneOf, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { Rng } from "../core/random.ts";
import type { Tensor } from "../core/tensor.ts";
import { buildModel, type Model, type ModelConfigInput } from "../nn/models.ts";
import { fit, predict as modelPredict, type Dataset } from "../training/fit.ts";
import { elapsedSteps, flatInputs, sequenceInputs, stackedTargets, unstackPredictions, windowScales } from "./features.ts";
import type { FitLog, Predictor } from "./predictor.ts";
import { EspritPredictor } from "./esprit.ts";
import { HoldPredictor } from "./hold.ts";
import { KalmanPredictor, type KalmanOptions } from "./kalman.ts";
import { RidgePredictor } from "./ridge.ts";
import { WienerPredictor } from "./wiener.ts";
import { selectWindows, type WindowSet } from "./windows.ts";

export const LEARNED_KINDS = ["mlp", "gru", "lstm", "cfc", "ltc", "ncp", "ltc-ncp", "transformer"] as const;
export type LearnedKind = (typeof LEARNED_KINDS)[number];
/** The liquid networks among them: their elapsed time is an ODE time span (they take `timeScale`). */
export const LIQUID_KINDS = ["cfc", "ltc", "ncp", "ltc-ncp"] as const satisfies readonly LearnedKind[];

/** Default size (hidden units / neurons) per kind. */
export const DEFAULT_SIZES: Record<LearnedKind, number> = {
  mlp: 128,
  gru: 32,
  lstm: 32,
  cfc: 32,
  ltc: 16,
  ncp: 32,
  "ltc-ncp": 24,
  transformer: 32,
};

export interface LearnedOptions {
  readonly kind: LearnedKind;
  /** Hidden units / neurons (default {@link DEFAULT_SIZES}). */
  readonly size?: number;
  /** Maximum epochs (default 30). */
  readonly epochs?: number;
  /** Minibatch size (default {@link DEFAULT_BATCH_SIZES}). */
  readonly batchSize?: number;
  /** Adam learning rate (default 3e-3). */
  readonly learningRate?: number;
  /** Early-stopping patience in epochs (default 6; needs validation windows). */
  readonly patience?: number;
  /** Initialisation, shuffling and subsampling seed (default 0). */
  readonly seed?: number;
  /** Train on at most this many windows (a seeded random subset; default all). */
  readonly maxTrainWindows?: number;
  /**
   * Learn the residual of a classical base predictor: ĥ = ĥ_base + f(y) (default
   * {@link DEFAULT_BASE}, sample-and-hold; null: the network predicts the channel itself).
   */
  readonly base?: LearnedBase | null;
  /** Options of a `kalman` base (the true f_D in Hz, order, loading). */
  readonly kalman?: KalmanOptions | null;
  /**
   * Elapsed time fed to the ODE of the liquid models per sample interval Δt (their `timespans` are
   * the gaps in units of Δt times this; default {@link DEFAULT_TIME_SCALES}). LTC's state moves by
   * about Δt·timeScale / τ per step, so a scale of 1 against time constants of order 1 makes each
   * step a large, stiff update; `"auto"` picks from {@link TIME_SCALE_GRID} on the validation windows.
   */
  readonly timeScale?: number | "auto";
}

/**
 * Default time scale per kind, chosen on the validation loss of the demo's quick scenario
 * (umi-6ghz, 20 dB, seeds 1-2, hold residual; docs/prediction.md §4):
 * - `ltc` 0.02 (validation loss lowest on both seeds among 0.005, 0.02, 0.1, 0.3, 1): with time
 *   constants C/g of order 1 the state moves a few per cent of the way to each new input per Δt, a
 *   smoothing over the window instead of a stiff jump to the last sample;
 * - `ltc-ncp` 0.3 (lowest summed over the two seeds): on an NCP wiring the input crosses three layers
 *   of leaky integrators (inter → command → motor), and at 0.02 almost nothing reaches the motor
 *   neurons within 20 steps;
 * - CfC (`cfc`, `ncp`) 1: its closed form learns its own time gates.
 */
export const DEFAULT_TIME_SCALES: Record<LearnedKind, number | "auto"> = {
  mlp: 1,
  gru: 1,
  lstm: 1,
  cfc: 1,
  ltc: 0.02,
  ncp: 1,
  "ltc-ncp": 0.3,
  transformer: 1,
};

/**
 * Default minibatch per kind: 8 for the recurrent models, 32 for the feed-forward ones (MLP,
 * Transformer). At the demo's quick
 * size (280 training windows, 4 epochs) a batch of 32 gives the recurrent models 36 Adam steps,
 * too few to leave their starting point; 8 gives 140.
 */
export const DEFAULT_BATCH_SIZES: Record<LearnedKind, number> = {
  mlp: 32,
  gru: 8,
  lstm: 8,
  cfc: 8,
  ltc: 8,
  ncp: 8,
  "ltc-ncp": 8,
  transformer: 32,
};

/** The default base of every learned model: sample-and-hold (the network learns ĥ − y_last). */
export const DEFAULT_BASE = "hold" as const;

/** Candidates of `timeScale: "auto"` (each trained for a third of the epochs, the best on validation kept). */
export const TIME_SCALE_GRID = [0.005, 0.02, 0.1, 0.3, 1] as const;

export const LEARNED_BASES = ["hold", "ridge", "esprit", "wiener-est", "kalman"] as const;
export type LearnedBase = (typeof LEARNED_BASES)[number];

/** A fresh, unfitted classical base predictor (`kalman` needs the true f_D, Hz). */
function createBase(kind: LearnedBase, kalman: KalmanOptions | null): Predictor {
  switch (kind) {
    case "kalman":
      if (!kalman) fail("LearnedPredictor", "base 'kalman' needs the true maximum Doppler: give options.kalman.dopplerHz");
      return new KalmanPredictor(kalman);
    case "hold":
      return new HoldPredictor();
    case "ridge":
      return new RidgePredictor();
    case "esprit":
      return new EspritPredictor();
    case "wiener-est":
      return new WienerPredictor({ estimate: "window" });
  }
}

/**
 * Zero the output layer (weights and bias) of a model: its output is then 0 for every input, so a
 * residual model starts exactly at its base and training only moves it away where that helps.
 */
export function zeroOutputLayer(model: Model): void {
  const params = model.net.params;
  const prefix =
    model.kind === "mlp"
      ? `layers.${(model.net as { layers: unknown[] }).layers.length - 1}.`
      : model.kind === "transformer"
        ? "head."
        : "fc.";
  let zeroed = 0;
  for (const p of params) {
    if (p.name.startsWith(prefix)) {
      p.value.fill(0);
      zeroed++;
    }
  }
  if (zeroed === 0) fail("zeroOutputLayer", `no output layer (parameters named ${prefix}*) in this model`);
}

/**
 * The model config of a learned predictor.
 * @param inputSize - features per step (2M, or 2M + 1 with the time feature)
 * @param outputSize - F·2M
 * @param history - P (the MLP's input is P · inputSize)
 */
export function learnedModelConfig(
  kind: LearnedKind,
  inputSize: number,
  outputSize: number,
  history: number,
  size: number,
  seed = 0,
): ModelConfigInput {
  const head = { projSize: outputSize, returnSequences: false };
  // NCP motor neurons: a third of the neurons, but at least the 2M per-step features (fewer
  // cannot even carry the last observation to the head), and at most what AutoNCP allows.
  const motors = Math.max(1, Math.min(size - 3, Math.max(Math.round(size / 3), inputSize)));
  switch (kind) {
    case "mlp":
      return { type: "mlp", inputSize: history * inputSize, hidden: [size, size], outputSize, activation: "tanh" };
    case "gru":
      return { type: "gru", inputSize, hiddenSize: size, ...head };
    case "lstm":
      return { type: "lstm", inputSize, hiddenSize: size, ...head };
    case "cfc":
      return { type: "cfc", inputSize, units: size, backboneUnits: 64, backboneLayers: 1, ...head };
    case "ltc":
      return { type: "ltc", inputSize, wiring: { class: "FullyConnected", units: size, erevInitSeed: 1111 + seed }, ...head };
    case "ncp":
      return { type: "wired-cfc", inputSize, wiring: { class: "AutoNCP", units: size, outputSize: motors, seed: 22222 + seed }, ...head };
    case "ltc-ncp":
      return { type: "ltc", inputSize, wiring: { class: "AutoNCP", units: size, outputSize: motors, seed: 22222 + seed }, ...head };
    case "transformer":
      // the elapsed times (timespans) set its positional encoding
      return { type: "transformer", inputSize, outputSize, dModel: size, heads: size % 4 === 0 ? 4 : size % 2 === 0 ? 2 : 1, layers: 2 };
  }
}

/** Trainable parameters of a model. */
export function trainableParameters(model: Model): number {
  return model.net.params.reduce((n, p) => n + (p.trainable ? p.value.length : 0), 0);
}

export class LearnedPredictor implements Predictor {
  readonly name: string;
  readonly kind: LearnedKind;
  readonly size: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly patience: number;
  readonly seed: number;
  readonly maxTrainWindows: number | null;
  /** The trained model (after fit). */
  model: Model | null = null;
  /** Epochs run and the best validation loss (after fit). */
  training: { epochs: number; bestEpoch: number; bestValLoss: number | null; trainWindows: number } | null = null;
  /** The classical base of a hybrid variant, or null. */
  readonly baseKind: LearnedBase | null;
  private readonly kalmanOptions: KalmanOptions | null;
  /** The fitted base of a hybrid variant (after fit). */
  base: Predictor | null = null;
  private timeFeature = false;
  /** The time scale in use (resolved from "auto" after fit). */
  timeScale: number | "auto";
  private shape: [number, number, number] | null = null;
  /** Per-step scale of the residual targets (residual models), shape [F]; null: none. */
  private stepScales: Float64Array | null = null;

  constructor(options: LearnedOptions, name?: string) {
    const where = "LearnedPredictor";
    this.kind = checkOneOf(where, "kind", options.kind, LEARNED_KINDS);
    this.size = checkInt(where, "size", options.size ?? DEFAULT_SIZES[this.kind], 2);
    this.epochs = checkInt(where, "epochs", options.epochs ?? 30, 1);
    this.batchSize = checkInt(where, "batchSize", options.batchSize ?? DEFAULT_BATCH_SIZES[this.kind], 1);
    this.learningRate = checkNumber(where, "learningRate", options.learningRate ?? 3e-3, Number.MIN_VALUE);
    this.patience = checkInt(where, "patience", options.patience ?? 6, 1);
    this.seed = checkInt(where, "seed", options.seed ?? 0, 0);
    this.maxTrainWindows = options.maxTrainWindows === undefined ? null : checkInt(where, "maxTrainWindows", options.maxTrainWindows, 1);
    const base = options.base === undefined ? DEFAULT_BASE : options.base;
    this.baseKind = base === null ? null : checkOneOf(where, "base", base, LEARNED_BASES);
    this.kalmanOptions = options.kalman ?? null;
    if (this.baseKind === "kalman" && !this.kalmanOptions) fail(where, "base 'kalman' needs options.kalman with the true f_D (dopplerHz)");
    this.name = name ?? (this.baseKind && this.baseKind !== DEFAULT_BASE ? `${this.kind}+${this.baseKind}` : this.kind);
    const ts = options.timeScale ?? DEFAULT_TIME_SCALES[this.kind];
    this.timeScale = ts === "auto" ? ts : checkNumber(where, "timeScale", ts, Number.MIN_VALUE);
  }

  private dataset(ws: WindowSet, withTargets: boolean): Dataset & { scales: Float64Array } {
    const scales = windowScales(ws);
    const inputs = this.kind === "mlp" ? flatInputs(ws, scales, this.timeFeature) : sequenceInputs(ws, scales, this.timeFeature);
    let targets: Tensor = { shape: [ws.count, 0], data: new Float64Array(0) };
    if (withTargets) {
      if (this.base) {
        // The network's target is what the linear base misses.
        const b = this.base.predict(ws);
        const re = ws.targets.re.map((v, i) => v - b.re[i]!),
          im = ws.targets.im.map((v, i) => v - b.im[i]!);
        targets = stackedTargets({ ...ws, targets: { shape: ws.targets.shape, re, im } }, scales);
      } else targets = stackedTargets(ws, scales);
    }
    let timespans: Tensor | null = null;
    if (this.kind !== "mlp") {
      timespans = elapsedSteps(ws);
      const c = this.timeScale === "auto" ? 1 : this.timeScale;
      if (c !== 1) timespans.data.forEach((v, i, a) => (a[i] = v * c));
    }
    if (withTargets && this.stepScales) scaleSteps(targets, this.stepScales, false);
    return { inputs, targets, timespans, scales };
  }

  fit(trainIn: WindowSet, validation: WindowSet | null, log?: FitLog): void {
    if (this.timeScale === "auto") {
      if (!validation || validation.count === 0) fail(`${this.name}.fit`, "timeScale 'auto' needs validation windows, got none");
      const epochs = this.epochs;
      let best = { scale: 1, loss: Infinity };
      (this as { epochs: number }).epochs = Math.max(1, Math.round(epochs / 3));
      for (const scale of TIME_SCALE_GRID) {
        this.timeScale = scale;
        this.fitOnce(trainIn, validation);
        const loss = this.training!.bestValLoss ?? Infinity;
        log?.(`${this.name}: timeScale ${scale}: validation loss ${loss.toExponential(3)}`);
        if (loss < best.loss) best = { scale, loss };
      }
      (this as { epochs: number }).epochs = epochs;
      this.timeScale = best.scale;
    }
    this.fitOnce(trainIn, validation, log);
  }

  private fitOnce(trainIn: WindowSet, validation: WindowSet | null, log?: FitLog): void {
    const where = `${this.name}.fit`;
    if (trainIn.count === 0) fail(where, "no training windows");
    let train = trainIn;
    if (this.maxTrainWindows !== null && train.count > this.maxTrainWindows) {
      const idx = Array.from({ length: train.count }, (_, i) => i);
      new Rng(this.seed).fork("subset").shuffle(idx);
      train = selectWindows(
        train,
        idx.slice(0, this.maxTrainWindows).sort((a, b) => a - b),
      );
    }
    const { history: P, horizon: F, antennas: M } = train;
    this.timeFeature = !train.regular || (validation !== null && !validation.regular);
    this.shape = [P, F, M];
    this.base = null;
    if (this.baseKind) {
      const base = createBase(this.baseKind, this.kalmanOptions);
      base.fit(train, validation);
      this.base = base;
    }
    const I = 2 * M + (this.timeFeature ? 1 : 0);
    this.model = buildModel(learnedModelConfig(this.kind, I, F * 2 * M, P, this.size, this.seed), { seed: this.seed });
    // A residual model starts exactly at its base.
    if (this.base) zeroOutputLayer(this.model);
    this.stepScales = null;
    const data = this.dataset(train, true);
    if (this.base) {
      // Per-step output normalisation: every step's residual to unit RMS on the training windows, so
      // the loss weighs the steps alike instead of being dominated by the far ones.
      this.stepScales = stepRms(data.targets, F);
      scaleSteps(data.targets, this.stepScales, false);
    }
    const val = validation && validation.count > 0 ? this.dataset(validation, true) : null;
    const t0 = performance.now();
    const result = fit(this.model, data, {
      epochs: this.epochs,
      batchSize: this.batchSize,
      learningRate: this.learningRate,
      clipNorm: 1,
      validation: val,
      patience: val ? this.patience : null,
      seed: this.seed,
      onEpoch: (e) =>
        log?.(
          `${this.name}: epoch ${e.epoch}/${this.epochs} train ${e.trainLoss.toExponential(3)}${e.valLoss === null ? "" : ` val ${e.valLoss.toExponential(3)}`} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
        ),
    });
    this.training = {
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      bestValLoss: result.bestValLoss,
      trainWindows: train.count,
    };
  }

  /**
   * What the network reads for these windows: the normalised inputs (`[N, P, 2M(+1)]` for the
   * sequence kinds: Re/Im per antenna over the P history steps, divided by each window's input
   * RMS, plus the elapsed time with irregular sampling; `[N, P·(2M+1)]` for the MLP) and the ODE
   * time spans of the liquid kinds (`[N, P]`, units of Δt times the time scale; null otherwise).
   * @throws LiquidwaveError before fit (the input layout is fixed by the training windows)
   */
  networkInputs(ws: WindowSet): { inputs: Tensor; timespans: Tensor | null } {
    if (!this.model) fail(`${this.name}.networkInputs`, "not trained: call fit() first");
    const d = this.dataset(ws, false);
    return { inputs: d.inputs, timespans: d.timespans ?? null };
  }

  /** Trainable network parameters (plus the linear base's coefficients for the residual variant). */
  parameterCount(): number {
    return (this.model ? trainableParameters(this.model) : 0) + (this.base ? this.base.parameterCount() : 0);
  }

  predict(ws: WindowSet): ComplexTensor {
    if (!this.model || !this.shape) fail(`${this.name}.predict`, "not trained: call fit() first");
    const [P, F, M] = this.shape;
    if (ws.history !== P || ws.horizon !== F || ws.antennas !== M) {
      fail(
        `${this.name}.predict`,
        `trained for history ${P}, horizon ${F}, ${M} antennas; got ${ws.history}, ${ws.horizon}, ${ws.antennas}`,
      );
    }
    const d = this.dataset(ws, false);
    const y = modelPredict(this.model, d.inputs, { timespans: d.timespans ?? null });
    if (this.stepScales) scaleSteps(y, this.stepScales, true);
    const out = unstackPredictions(y, d.scales, F, M);
    if (this.base) {
      const b = this.base.predict(ws);
      for (let i = 0; i < out.re.length; i++) {
        out.re[i]! += b.re[i]!;
        out.im[i]! += b.im[i]!;
      }
    }
    return out;
  }
}

/** RMS of each step's block of stacked targets [n, F·2M] → [F] (1 for an all-zero step). */
function stepRms(t: Tensor, F: number): Float64Array {
  const n = t.shape[0]!,
    per = t.shape[1]! / F;
  const out = new Float64Array(F);
  for (let w = 0; w < n; w++) for (let k = 0; k < F; k++) for (let j = 0; j < per; j++) out[k]! += t.data[w * F * per + k * per + j]! ** 2;
  for (let k = 0; k < F; k++) out[k] = out[k]! > 0 ? Math.sqrt(out[k]! / (n * per)) : 1;
  return out;
}

/** Divide (or, with `multiply`, multiply) each step's block of [n, F·2M] by its scale, in place. */
function scaleSteps(t: Tensor, scales: Float64Array, multiply: boolean): void {
  const F = scales.length,
    per = t.shape[1]! / F;
  for (let i = 0; i < t.data.length; i++) {
    const k = Math.floor((i % (F * per)) / per);
    t.data[i] = multiply ? t.data[i]! * scales[k]! : t.data[i]! / scales[k]!;
  }
}
