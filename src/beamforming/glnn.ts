/**
 * GLNN: the gradient-based liquid neural network beamformer (Wang, Zhu, Huang et al., IEEE WCL
 * 2024, arXiv 2405.07291), as its reference code really runs it (docs/beamforming.md §7), with the
 * power normalisation of the paper (the reference code's is a bug, docs/beamforming.md §7.3: kept only behind
 * `legacyNormalization`).
 *
 * Per channel sample (stacked estimate `Hs`, N × M, N = K·Nk), base matrix X (N × K·d, W = Hs^H X):
 *
 *  1. X_0 with i.i.d. N(0, 1) real and imaginary parts, scaled so that `||Hs^H X_0||_F^2 = P`.
 *  2. Gradient input, PyTorch's convention: `G = dL/dRe X + j dL/dIm X = 2 dL/d conj(X)` of the
 *     loss L at `W = Hs^H X_0` (no normalisation in this evaluation, X_0 is already feasible).
 *  3. N_e = 3 times: the network reads the real N × 2Kd matrix `[Re G | Im G]` as ONE unbatched
 *     sequence of N steps (row n = step n, 2Kd features), starting from the hidden state carried
 *     (detached) from its previous call (zeros at the very first call); its N × 2Kd output is
 *     `[Re ΔX | Im ΔX]`; `X = X_0 + ΔX` (residual, always from X_0); `W = c Hs^H X` with
 *     `c = sqrt(P) / ||Hs^H X||_F` (the paper; transmit power exactly P) or, with
 *     `legacyNormalization`, `c = sqrt(P) / sqrt(||Hs^H X||_F)` (the code; power `P ||Hs^H X||_F`);
 *     the loss `L(W; Hhat)` is back-propagated through the normalisation, the projection and the
 *     CfC's N unrolled steps, and Adam (lr 0.01) updates the network.
 *  4. The precoder of the last repetition is the output (scored on the true channel by the caller).
 *
 * One network and one Adam state live across the whole trajectory (online learning; no reset, no
 * warm-up phase). Loss (docs/beamforming.md §7.2): `L = -sum_k R_k + 0.7 sum_k ReLU(2.5 - R_k) + 0.3 Var(R)`, the
 * floor per user, the unbiased variance.
 *
 * The network: ncps CfC over AutoNCP(30, 2Kd) (wiring seed 22222, inter 14 / command 8 / motor 8
 * for K·d = 4) with a dense projection 2Kd → 2Kd. Other networks (LSTM, dense CfC, LTC) run in the
 * same loop for the baselines and ablations.
 *
 * Arithmetic is float64 throughout (the reference runs complex64 / float32), so numbers agree with
 * it in distribution, not digit for digit (its own results move by ~1 bit/s/Hz with the random
 * stream; docs/beamforming.md §7.1).
 *
 * Variants beyond the reference (all off by default, each one option, see {@link GlnnOptions}):
 * chained iterates, warm start from the previous sample, classical initialisations, normalised
 * gradient input and scaled output, a per-user (permutation-equivariant) encoding, selection of the
 * best iterate on the estimate, learning-rate decay, a fixed-step gradient "network" (ablation),
 * a learned correction on top of that gradient step, a zero-initialised output layer, and a
 * gradient input preconditioned by the inverse Gram matrix.
 */
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import type { Tensor } from "../core/tensor.ts";
import { cclone, cfrob2, cmat, type CMat } from "../core/linalg/cmat.ts";
import { cmatmul } from "../core/linalg/matmul.ts";
import { cpinvHermitian } from "../core/linalg/eigh.ts";
import { zeroGrads, type Param } from "../cells/param.ts";
import { buildModel, type SequenceModelConfig } from "../nn/models.ts";
import { autoNcpArgs } from "../wirings/ncp.ts";
import type { SequenceModel } from "../nn/sequence.ts";
import { adam, type Adam, type AdamState } from "../training/adam.ts";
import { mrt, rzf, zf } from "./precoders.ts";
import {
  glnnLoss,
  precoderFromX,
  sumRateAndGradX,
  userRatesX,
  type GlnnLossParams,
  type Normalization,
  type RateObjective,
} from "./rate.ts";
import { resolveSystem, type ChannelSample, type SystemParams } from "./system.ts";

/** Networks the GLNN loop can drive. */
export const GLNN_NETWORKS = ["ncp-cfc", "lstm", "cfc", "ltc", "gd"] as const;
/**
 * - `ncp-cfc`: ncps CfC over AutoNCP(units, outputs), proj = outputs (the reference);
 * - `lstm`: ncps LSTM with `units` hidden units and the same projection (the LSTM baseline);
 * - `cfc`: dense CfC with `units` units, no backbone, same projection;
 * - `ltc`: LTC over the same AutoNCP wiring (affine input/output mappings, 6 ODE unfolds);
 * - `gd`: no network, `ΔX = -gdStep · G` (fixed-step gradient descent on L; an ablation that
 *   tells what the learned part adds).
 */
export type GlnnNetwork = (typeof GLNN_NETWORKS)[number];

/** How X_0 is chosen. */
export const GLNN_INITS = ["random", "mf", "rzf", "zf"] as const;
export type GlnnInit = (typeof GLNN_INITS)[number];

/** How the gradient is laid out for the network. */
export const GLNN_ENCODINGS = ["rows", "per-user"] as const;
/**
 * - `rows` (reference): one sequence of N steps, step n = row n of `[Re G | Im G]` (2Kd features);
 * - `per-user`: a batch of K·d sequences (one per stream column), N steps each, 4 features
 *   `[Re G_nk, Im G_nk, Re X_nk, Im X_nk]` (each matrix scaled to unit RMS), 2 outputs
 *   `[Re ΔX_nk, Im ΔX_nk]`: the same network for every user, so permuting the users permutes the
 *   output (equivariance), and the network size does not depend on K.
 */
export type GlnnEncoding = (typeof GLNN_ENCODINGS)[number];

/** Options of {@link GlnnBeamformer}. Defaults reproduce the reference code (with the power fix). */
export interface GlnnOptions {
  /** Default "ncp-cfc". */
  readonly network?: GlnnNetwork;
  /** Neurons of the network (AutoNCP units / LSTM or CfC hidden units); default 30. */
  readonly units?: number;
  /**
   * Command neurons of the AutoNCP wiring (`ncp-cfc`, `ltc`): when > 0, the wiring gets the
   * smallest total size whose command layer has this many neurons (AutoNCP's 40 % rule: C = 30
   * gives 45 inter + 30 command + 2Kd motor neurons) and `units` is ignored. Default 0: `units`
   * neurons in total (the reference code's AutoNCP(30, 2Kd), 8 of them command neurons at K·d = 4).
   * The GLNN paper's text speaks of 30 liquid neurons in the command layer: `commandNeurons: 30`.
   */
  readonly commandNeurons?: number;
  /** Network updates per sample N_e; default 3. */
  readonly tuningSteps?: number;
  /** Adam learning rate; default 0.01. */
  readonly learningRate?: number;
  /** Per-sample learning-rate decay factor (lr_t = max(lrMin, lr · decay^t)); default 1 (constant). */
  readonly lrDecay?: number;
  /** Floor of the decayed learning rate; default 0. */
  readonly lrMin?: number;
  /** Loss weights (default beta 0.3, gamma 0.7, lambda 2.5). */
  readonly loss?: GlnnLossParams;
  /**
   * The reference code's normalisation `c = sqrt(P)/sqrt(||W'||_F)` (transmit power P·||W'||_F,
   * NOT P). Only for reproducing its numbers; every output says so. Default false.
   */
  readonly legacyNormalization?: boolean;
  /** Streams per user d; default 1 (the paper). */
  readonly streams?: number;
  /** Seed of the network initialisation and of the random X_0 draws; default 1 (the reference's). */
  readonly seed?: number;
  /** Gradient at the current iterate and `X_e = X_{e-1} + ΔX` (chained), not always at X_0. */
  readonly chain?: boolean;
  /** X_0 of sample t = the output X of sample t-1, rescaled to power P on the new estimate. */
  readonly warmStart?: boolean;
  /** X_0 of the first (or every, without warm start) sample; default "random". */
  readonly init?: GlnnInit;
  /** Divide the gradient input by its RMS (scale-free input); default false. */
  readonly normalizeInput?: boolean;
  /** Multiply the network output by the RMS of the current base matrix (scale-aware residual). */
  readonly scaleOutput?: boolean;
  /** Default "rows". */
  readonly encoding?: GlnnEncoding;
  /** Reset the hidden state to zeros at every sample (default false: carried, as the reference). */
  readonly resetState?: boolean;
  /** Output the iterate (X_0 included) with the best weighted sum rate on the estimate. */
  readonly selectBest?: boolean;
  /** Step of the `gd` network (in units of the normalised input when `normalizeInput`); default 0.1. */
  readonly gdStep?: number;
  /**
   * Add the fixed gradient step `-gdStep · G` to the network's output (the network learns a
   * correction to gradient descent instead of the whole update). Default false.
   */
  readonly gdBase?: boolean;
  /**
   * Zero-initialise the network's output layer (projection, or the LTC output mapping), so that
   * ΔX starts at 0 (or at the gradient step with `gdBase`) and the network learns from there
   * (zero-init residual branch). Default false.
   */
  readonly zeroOutput?: boolean;
  /**
   * Precondition the gradient input by `(Hs Hs^H)^+`: the steepest-descent direction of the loss in
   * the precoder space W, pulled back to X (`W = Hs^H X` makes the X-space gradient
   * `Hs Hs^H dL/dW`-shaped, badly scaled when the channel is ill-conditioned). Default false.
   */
  readonly precondition?: boolean;
}

/** What one sample produced. */
export interface GlnnSampleResult {
  /** Precoder W (M × K·d), from the last repetition (or the best one with `selectBest`). */
  readonly V: CMat;
  /** Base matrix of that precoder before normalisation (N × K·d). */
  readonly X: CMat;
  /** `||W||_F^2` (P with the correct normalisation). */
  readonly power: number;
  /** Loss L on the estimate after each repetition (length N_e). */
  readonly losses: Float64Array;
  /** Weighted sum rate on the estimate of the output precoder. */
  readonly seDesign: number;
  /** Network updates performed (N_e, or 0 for `gd`). */
  readonly iterations: number;
}

/** A resolved option set (every default filled in). */
export type ResolvedGlnnOptions = Required<Omit<GlnnOptions, "loss">> & { readonly loss: Required<GlnnLossParams> };

/** Fill in and check the options (one error line naming the offending option). */
export function resolveGlnnOptions(o: GlnnOptions = {}): ResolvedGlnnOptions {
  const where = "glnn";
  const network = o.network ?? "ncp-cfc";
  if (!(GLNN_NETWORKS as readonly string[]).includes(network))
    fail(where, `unknown network '${network}', valid options are ${GLNN_NETWORKS.join(", ")}`);
  const init = o.init ?? "random";
  if (!(GLNN_INITS as readonly string[]).includes(init)) fail(where, `unknown init '${init}', valid options are ${GLNN_INITS.join(", ")}`);
  const encoding = o.encoding ?? "rows";
  if (!(GLNN_ENCODINGS as readonly string[]).includes(encoding))
    fail(where, `unknown encoding '${encoding}', valid options are ${GLNN_ENCODINGS.join(", ")}`);
  const int = (name: string, v: number | undefined, dflt: number, min: number): number => {
    const x = v ?? dflt;
    if (!Number.isInteger(x) || x < min) fail(where, `${name} must be an integer >= ${min}, got ${v}`);
    return x;
  };
  const num = (name: string, v: number | undefined, dflt: number, ok: (x: number) => boolean, what: string): number => {
    const x = v ?? dflt;
    if (typeof x !== "number" || !Number.isFinite(x) || !ok(x)) fail(where, `${name} must be ${what}, got ${v}`);
    return x;
  };
  const loss = {
    beta: num("loss.beta", o.loss?.beta, 0.3, () => true, "finite"),
    gamma: num("loss.gamma", o.loss?.gamma, 0.7, () => true, "finite"),
    lambda: num("loss.lambda", o.loss?.lambda, 2.5, () => true, "finite"),
  };
  return {
    network,
    units: int("units", o.units, 30, 3),
    commandNeurons: int("commandNeurons", o.commandNeurons, 0, 0),
    tuningSteps: int("tuningSteps", o.tuningSteps, 3, 1),
    learningRate: num("learningRate", o.learningRate, 0.01, (x) => x >= 0, "a number >= 0"),
    lrDecay: num("lrDecay", o.lrDecay, 1, (x) => x > 0 && x <= 1, "in (0, 1]"),
    lrMin: num("lrMin", o.lrMin, 0, (x) => x >= 0, "a number >= 0"),
    loss,
    legacyNormalization: o.legacyNormalization ?? false,
    streams: int("streams", o.streams, 1, 1),
    seed: int("seed", o.seed, 1, 0),
    chain: o.chain ?? false,
    warmStart: o.warmStart ?? false,
    init,
    normalizeInput: o.normalizeInput ?? false,
    scaleOutput: o.scaleOutput ?? false,
    encoding,
    resetState: o.resetState ?? false,
    selectBest: o.selectBest ?? false,
    gdStep: num("gdStep", o.gdStep, 0.1, (x) => x >= 0, "a number >= 0"),
    gdBase: o.gdBase ?? false,
    zeroOutput: o.zeroOutput ?? false,
    precondition: o.precondition ?? false,
  };
}

/**
 * The smallest AutoNCP size (total neurons) whose command layer has `command` neurons for
 * `outputs` motor neurons (AutoNCP: command = max(⌊0.4 (units − outputs)⌋, 1)).
 * @param command - command neurons C ≥ 1
 * @param outputs - motor neurons
 * @returns total neurons (inter + command + motor)
 */
export function autoNcpUnitsForCommand(command: number, outputs: number): number {
  if (!Number.isInteger(command) || command < 1) fail("glnn", `commandNeurons must be an integer >= 1, got ${command}`);
  let units = outputs + 3;
  while (autoNcpArgs(units, outputs).commandNeurons < command) units++;
  if (autoNcpArgs(units, outputs).commandNeurons !== command) fail("glnn", `no AutoNCP size has exactly ${command} command neurons`);
  return units;
}

/**
 * The model config of a GLNN network.
 * @param inputs - features per step (2Kd for `rows`, 4 for `per-user`)
 * @param outputs - outputs per step (2Kd for `rows`, 2 for `per-user`)
 */
export function glnnModelConfig(network: Exclude<GlnnNetwork, "gd">, units: number, inputs: number, outputs: number): SequenceModelConfig {
  const wiring = { class: "AutoNCP", units, outputSize: outputs, sparsityLevel: 0.5, seed: 22222 };
  switch (network) {
    case "ncp-cfc":
      return { type: "wired-cfc", inputSize: inputs, wiring, projSize: outputs };
    case "lstm":
      return { type: "lstm", inputSize: inputs, hiddenSize: units, projSize: outputs };
    case "cfc":
      return { type: "cfc", inputSize: inputs, units, backboneLayers: 0, projSize: outputs };
    case "ltc":
      return { type: "ltc", inputSize: inputs, wiring };
  }
}

/** `sqrt(mean |a_ij|^2)`. */
function rms(a: CMat): number {
  return Math.sqrt(cfrob2(a) / a.re.length);
}

/** Scale X in place so that `||Hs^H X||_F^2 = P` (through the Gram matrix). */
function scaleBaseToPower(ch: ChannelSample, x: CMat, power: number, where: string): CMat {
  const hx = cmatmul(ch.gram, x);
  let t = 0;
  for (let i = 0; i < x.re.length; i++) t += x.re[i]! * hx.re[i]! + x.im[i]! * hx.im[i]!;
  if (!(t > 0) || !Number.isFinite(t)) fail(where, `cannot scale the base matrix to power ${power}: ||H^H X||_F^2 = ${t}`);
  const c = Math.sqrt(power / t);
  for (let i = 0; i < x.re.length; i++) {
    x.re[i]! *= c;
    x.im[i]! *= c;
  }
  return x;
}

/**
 * Least-squares base matrix of a precoder in the row space: `X = (H H^H)^+ H V`.
 * @param ch - channel sample, H of shape N × M
 * @param v - precoder, M × K·d, complex
 * @returns X, N × K·d, complex
 */
export function baseFromPrecoder(ch: ChannelSample, v: CMat): CMat {
  return cmatmul(cpinvHermitian(ch.gram).pinv, cmatmul(ch.H, v));
}

/** One forward of the network: the base matrix it produced and how to back-propagate into it. */
interface NetworkPass {
  /** ΔX (N × S). */
  readonly delta: CMat;
  /** Accumulate the parameter gradients from `dL/d conj(ΔX)` (conjugate Wirtinger). */
  backward(gConj: CMat): void;
  /** Hidden state after the pass. */
  readonly finalState: Tensor | null;
}

/**
 * The GLNN learner: one network, one Adam state and one hidden state across a trajectory. Call
 * {@link step} once per sample, in time order, with the channel the transmitter knows.
 */
export class GlnnBeamformer {
  readonly options: ResolvedGlnnOptions;
  /** The network (null for the `gd` ablation). */
  readonly model: SequenceModel | null;
  readonly params: readonly Param[];
  /** Users, streams per user, receive antennas per user. */
  /** Neurons of the network in total (from `units`, or from `commandNeurons` for the wired networks). */
  readonly units: number = 0;
  readonly K: number;
  readonly d: number;
  readonly Nk: number;
  private readonly sys: SystemParams;
  private readonly objective: RateObjective;
  private readonly optimizer: Adam;
  private readonly adamState: AdamState;
  private readonly rng: Rng;
  /** Hidden state carried across calls (detached); null = zeros. */
  state: Tensor | null = null;
  /** Previous output base matrix (warm start). */
  private previousX: CMat | null = null;
  /** Samples processed so far. */
  samples = 0;
  /** `(Hs Hs^H)^+` of the last channel seen (preconditioning). */
  private pinvGram: CMat | null = null;
  private pinvFor: ChannelSample | null = null;

  /**
   * @param shape - K users with Nk antennas each (the network's sizes follow from K·d)
   * @param sys - noise variance and power budget (weights allowed)
   */
  constructor(shape: { K: number; Nk: number }, sys: SystemParams, options: GlnnOptions = {}) {
    const where = "GlnnBeamformer";
    this.options = resolveGlnnOptions(options);
    const o = this.options;
    if (!Number.isInteger(shape.K) || shape.K < 1 || !Number.isInteger(shape.Nk) || shape.Nk < 1) {
      fail(where, `K and Nk must be integers >= 1, got K = ${shape.K}, Nk = ${shape.Nk}`);
    }
    if (o.streams > shape.Nk) fail(where, `streams per user ${o.streams} exceed Nk = ${shape.Nk}`);
    resolveSystem(sys, shape.K, where);
    this.K = shape.K;
    this.Nk = shape.Nk;
    this.d = o.streams;
    this.sys = sys;
    this.objective = glnnLoss(o.loss);
    const S = this.K * this.d;
    if (o.network === "gd") {
      this.model = null;
      this.params = [];
    } else {
      const inputs = o.encoding === "rows" ? 2 * S : 4;
      const outputs = o.encoding === "rows" ? 2 * S : 2;
      const wired = o.network !== "lstm" && o.network !== "cfc";
      if (o.commandNeurons > 0 && !wired) fail(where, `commandNeurons applies to the AutoNCP networks (ncp-cfc, ltc), not '${o.network}'`);
      const units = wired && o.commandNeurons > 0 ? autoNcpUnitsForCommand(o.commandNeurons, outputs) : o.units;
      if (wired && units < outputs + 3) {
        fail(where, `an AutoNCP wiring of ${units} units cannot have ${outputs} motor neurons (needs units >= ${outputs + 3})`);
      }
      this.units = units;
      const m = buildModel(glnnModelConfig(o.network, units, inputs, outputs), { seed: o.seed });
      if (m.kind !== "sequence") fail(where, "internal: GLNN networks are sequence models");
      this.model = m.net;
      this.params = m.net.params;
      if (o.zeroOutput) {
        const out = this.params.filter((p) => /^(fc\.(weight|bias)|rnn_cell\.output_[wb])$/.test(p.name));
        if (out.length === 0) fail(where, `zeroOutput: the ${o.network} network has no output layer to zero`);
        for (const p of out) p.value.fill(0);
      }
    }
    this.optimizer = adam({ learningRate: o.learningRate });
    this.adamState = this.optimizer.init(this.params);
    this.rng = new Rng(o.seed).fork("glnn/x0");
  }

  /** Normalisation of the training loss and of the output. */
  get normalization(): Normalization {
    return this.options.legacyNormalization ? "legacy" : "power";
  }

  /** Learning rate used for the current sample. */
  get currentLearningRate(): number {
    const o = this.options;
    return Math.max(o.lrMin, o.learningRate * o.lrDecay ** this.samples);
  }

  /** Trainable parameter count. */
  get parameterCount(): number {
    let n = 0;
    for (const p of this.params) if (p.trainable) n += p.value.length;
    return n;
  }

  /**
   * The network input of the reference: PyTorch's gradient `G = 2 dL/d conj(X)` of the loss at
   * `W = Hs^H X` (no normalisation), N × K·d.
   */
  gradientInput(known: ChannelSample, x: CMat): CMat {
    let g = sumRateAndGradX(known, x, this.sys, { objective: this.objective, normalize: "none" }).grad;
    for (let i = 0; i < g.re.length; i++) {
      g.re[i]! *= 2;
      g.im[i]! *= 2;
    }
    if (this.options.precondition) {
      if (this.pinvFor !== known) {
        this.pinvGram = cpinvHermitian(known.gram).pinv;
        this.pinvFor = known;
      }
      g = cmatmul(this.pinvGram!, g);
    }
    return g;
  }

  /** X_0 of a new sample (before the tuning steps), at power P on `known`. */
  initialBase(known: ChannelSample): CMat {
    const o = this.options;
    const rs = resolveSystem(this.sys, this.K, "glnn");
    const S = this.K * this.d;
    if (o.warmStart && this.previousX) return scaleBaseToPower(known, cclone(this.previousX), rs.power, "glnn");
    let x: CMat;
    if (o.init === "random") {
      x = cmat(known.N, S);
      // A + jB with A, B i.i.d. N(0, 1) (as torch.randn for real and imaginary parts)
      for (let i = 0; i < x.re.length; i++) {
        x.re[i] = this.rng.normal();
        x.im[i] = this.rng.normal();
      }
    } else {
      const v =
        o.init === "mf"
          ? mrt(known, rs, { streams: this.d })
          : o.init === "zf"
            ? zf(known, rs, { streams: this.d })
            : rzf(known, rs, { streams: this.d });
      x = baseFromPrecoder(known, v);
    }
    return scaleBaseToPower(known, x, rs.power, "glnn");
  }

  /** Encode (G, X) for the network, run it from `initialState`, decode ΔX. */
  private networkPass(g: CMat, base: CMat, initialState: Tensor | null, record: boolean): NetworkPass {
    const o = this.options;
    const N = g.rows;
    const S = g.cols;
    const gScale = o.normalizeInput ? 1 / Math.max(rms(g), 1e-300) : 1;
    const outScale = o.scaleOutput ? rms(base) : 1;
    if (!this.model) {
      // fixed-step gradient descent on L: ΔX = -step · (scaled) G
      const delta = cmat(N, S);
      const f = -o.gdStep * gScale * outScale;
      for (let i = 0; i < delta.re.length; i++) {
        delta.re[i] = f * g.re[i]!;
        delta.im[i] = f * g.im[i]!;
      }
      return { delta, backward: () => undefined, finalState: null };
    }
    const model = this.model;
    let input: Tensor;
    if (o.encoding === "rows") {
      const data = new Float64Array(N * 2 * S);
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < S; k++) {
          data[n * 2 * S + k] = gScale * g.re[n * S + k]!;
          data[n * 2 * S + S + k] = gScale * g.im[n * S + k]!;
        }
      }
      input = { shape: [1, N, 2 * S], data };
    } else {
      const xScale = 1 / Math.max(rms(base), 1e-300);
      const data = new Float64Array(S * N * 4);
      for (let k = 0; k < S; k++) {
        for (let n = 0; n < N; n++) {
          const o4 = (k * N + n) * 4;
          data[o4] = gScale * g.re[n * S + k]!;
          data[o4 + 1] = gScale * g.im[n * S + k]!;
          data[o4 + 2] = xScale * base.re[n * S + k]!;
          data[o4 + 3] = xScale * base.im[n * S + k]!;
        }
      }
      input = { shape: [S, N, 4], data };
    }
    const res = model.forward(input, { initialState, record });
    const out = res.output.data;
    const delta = cmat(N, S);
    if (o.gdBase) {
      const f = -o.gdStep * gScale * outScale;
      for (let i = 0; i < delta.re.length; i++) {
        delta.re[i] = f * g.re[i]!;
        delta.im[i] = f * g.im[i]!;
      }
    }
    if (o.encoding === "rows") {
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < S; k++) {
          delta.re[n * S + k]! += outScale * out[n * 2 * S + k]!;
          delta.im[n * S + k]! += outScale * out[n * 2 * S + S + k]!;
        }
      }
    } else {
      for (let k = 0; k < S; k++) {
        for (let n = 0; n < N; n++) {
          delta.re[n * S + k]! += outScale * out[(k * N + n) * 2]!;
          delta.im[n * S + k]! += outScale * out[(k * N + n) * 2 + 1]!;
        }
      }
    }
    const backward = (gConj: CMat): void => {
      // real outputs: dL/dRe = 2 Re(dL/d conj), dL/dIm = 2 Im(dL/d conj)
      const dOut = new Float64Array(out.length);
      if (o.encoding === "rows") {
        for (let n = 0; n < N; n++) {
          for (let k = 0; k < S; k++) {
            dOut[n * 2 * S + k] = 2 * outScale * gConj.re[n * S + k]!;
            dOut[n * 2 * S + S + k] = 2 * outScale * gConj.im[n * S + k]!;
          }
        }
      } else {
        for (let k = 0; k < S; k++) {
          for (let n = 0; n < N; n++) {
            dOut[(k * N + n) * 2] = 2 * outScale * gConj.re[n * S + k]!;
            dOut[(k * N + n) * 2 + 1] = 2 * outScale * gConj.im[n * S + k]!;
          }
        }
      }
      model.backward({ shape: res.output.shape, data: dOut });
    };
    return { delta, backward, finalState: res.finalState };
  }

  /** Initial state of a pass: carried, or zeros (null) after a reset. */
  private stateFor(input: CMat): Tensor | null {
    if (!this.state) return null;
    const batch = this.options.encoding === "rows" ? 1 : input.cols;
    return this.state.shape[0] === batch ? this.state : null;
  }

  /**
   * One tuning repetition's loss and parameter gradient without changing the learner (no Adam step,
   * carried state untouched): network on `g` from `initialState`, `X = base + ΔX`, `W = c Hs^H X`,
   * `L(W; known)`. Parameter gradients are zeroed first, then hold `dL/dθ`. For tests and probes.
   */
  probe(
    known: ChannelSample,
    base: CMat,
    g: CMat,
    initialState: Tensor | null = null,
  ): { loss: number; X: CMat; power: number; finalState: Tensor | null } {
    zeroGrads(this.params);
    const pass = this.networkPass(g, base, initialState, true);
    const x = cmat(base.rows, base.cols);
    for (let i = 0; i < x.re.length; i++) {
      x.re[i] = base.re[i]! + pass.delta.re[i]!;
      x.im[i] = base.im[i]! + pass.delta.im[i]!;
    }
    const r = sumRateAndGradX(known, x, this.sys, { objective: this.objective, normalize: this.normalization });
    pass.backward(r.grad);
    return { loss: r.value, X: x, power: r.power, finalState: pass.finalState };
  }

  /** The loss of {@link probe} by a forward pass only (no gradients, nothing changed). */
  probeLoss(known: ChannelSample, base: CMat, g: CMat, initialState: Tensor | null = null): number {
    const pass = this.networkPass(g, base, initialState, false);
    const x = cmat(base.rows, base.cols);
    for (let i = 0; i < x.re.length; i++) {
      x.re[i] = base.re[i]! + pass.delta.re[i]!;
      x.im[i] = base.im[i]! + pass.delta.im[i]!;
    }
    return sumRateAndGradX(known, x, this.sys, { objective: this.objective, normalize: this.normalization }).value;
  }

  /**
   * Process one sample: N_e tuning repetitions on the estimate, online updates of the network.
   * @param known - the channel the transmitter knows (the estimate), K users × Nk × M
   * @returns the precoder to transmit with and what the repetitions did
   */
  step(known: ChannelSample): GlnnSampleResult {
    const where = "GlnnBeamformer.step";
    const o = this.options;
    if (known.K !== this.K || known.Nk !== this.Nk)
      fail(where, `channel has K = ${known.K}, Nk = ${known.Nk}; the learner was built for K = ${this.K}, Nk = ${this.Nk}`);
    if (o.resetState) this.state = null;
    const lr = this.currentLearningRate;
    const x0 = this.initialBase(known);
    let base = x0;
    let g = this.gradientInput(known, x0);
    const losses = new Float64Array(o.tuningSteps);
    let x = x0;
    let best: { x: CMat; se: number } | null = null;
    if (o.selectBest) best = { x: x0, se: userRatesX(known, x0, this.sys, this.normalization).sumRate };
    let updates = 0;
    for (let e = 0; e < o.tuningSteps; e++) {
      if (o.chain && e > 0) {
        // next repetition starts from the normalised current iterate (the precoder actually formed)
        base = scaleBaseToPower(known, cclone(x), resolveSystem(this.sys, this.K).power, where);
        g = this.gradientInput(known, base);
      }
      zeroGrads(this.params);
      const pass = this.networkPass(g, base, this.stateFor(g), this.model !== null);
      if (pass.finalState) this.state = pass.finalState;
      x = cmat(base.rows, base.cols);
      for (let i = 0; i < x.re.length; i++) {
        x.re[i] = base.re[i]! + pass.delta.re[i]!;
        x.im[i] = base.im[i]! + pass.delta.im[i]!;
      }
      const r = sumRateAndGradX(known, x, this.sys, { objective: this.objective, normalize: this.normalization });
      losses[e] = r.value;
      if (best) {
        const se = r.sumRate;
        if (se > best.se) best = { x, se };
      }
      if (this.model) {
        pass.backward(r.grad);
        this.optimizer.step(this.params, this.adamState, lr);
        updates++;
      }
    }
    const out = best ? best.x : x;
    this.previousX = out;
    this.samples++;
    const V = precoderFromX(known, out, this.sys, this.normalization);
    const seDesign = userRatesX(known, out, this.sys, this.normalization).sumRate;
    return { V, X: out, power: cfrob2(V), losses, seDesign, iterations: updates };
  }
}
