/**
 * The GLNN paper's LSTM baseline as the paper describes it: a network that maps the channel
 * estimate Ĥ directly to the precoder W, trained offline and then used frozen
 * (`lstm-offline`; our `lstm` runs the same LSTM inside the GLNN gradient loop instead).
 *
 * Map (one sample, Ĥ of shape N × M, N = K·Nk, d = 1):
 *
 *     s   = rms(Ĥ)                                  (input scale, per sample)
 *     z_n = [Re ĥ_n | Im ĥ_n] / s,  n = 1..N        (a sequence of N steps of 2M features)
 *     [Re x_n | Im x_n] = LSTM(z_1..z_n)            (hidden `units`, projection to 2K per step)
 *     W   = √(P / ‖Ĥᴴ X‖_F²) · Ĥᴴ X                  (M × K, transmit power exactly P)
 *
 * so W lies in the row space of Ĥ, like every other design here (the projection Ĥᴴ is part of the
 * model, not learned). Training (offline, on a set of estimates the transmitter logged): Adam on
 * the GLNN loss L(W; Ĥ) = −Σ_k R_k + 0.7 Σ_k ReLU(2.5 − R_k) + 0.3 Var(R) of each training sample,
 * one sample per step, `epochs` passes in a fixed shuffled order; the hidden state starts at zero
 * for every sample. The gradient dL/dX (rate.ts, through the power normalisation) is
 * back-propagated through the N unrolled LSTM steps.
 */
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { cmat, type CMat } from "../core/linalg/cmat.ts";
import { zeroGrads, type Param } from "../cells/param.ts";
import { buildModel } from "../nn/models.ts";
import type { SequenceModel } from "../nn/sequence.ts";
import { adam, type Adam, type AdamState } from "../training/adam.ts";
import { glnnLoss, precoderFromX, sumRateAndGradX, userRatesX, type RateObjective } from "./rate.ts";
import { resolveSystem, type ChannelSample, type SystemParams } from "./system.ts";

/** Options of {@link DirectLstmBeamformer}. */
export interface DirectLstmOptions {
  /** LSTM hidden units (default 30, the GLNN's neuron count). */
  readonly units?: number;
  /** Adam learning rate (default 0.003). */
  readonly learningRate?: number;
  /** Passes over the training set (default 20). */
  readonly epochs?: number;
  /** Seed of the initial weights and the shuffling (default 1). */
  readonly seed?: number;
}

/** What {@link DirectLstmBeamformer.train} did. */
export interface DirectTraining {
  /** Mean loss over the training set per epoch, length `epochs` (before each epoch's updates: the first entry is the untrained loss). */
  readonly loss: Float64Array;
  /** Mean sum rate (bit/s/Hz) on the training set after training. */
  readonly sumRate: number;
  readonly updates: number;
}

/** Ĥ → W LSTM beamformer (module header): `train` offline, then `design` per sample. */
export class DirectLstmBeamformer {
  readonly K: number;
  readonly Nk: number;
  readonly M: number;
  readonly units: number;
  readonly epochs: number;
  private readonly sys: SystemParams;
  private readonly model: SequenceModel;
  private readonly params: Param[];
  private readonly optimizer: Adam;
  private readonly adamState: AdamState;
  private readonly objective: RateObjective = glnnLoss();
  private readonly rng: Rng;

  /**
   * @param shape - users K, antennas per user Nk, base-station antennas M
   * @param sys - noise σ², power budget P (same unit), user weights
   */
  constructor(shape: { K: number; Nk: number; M: number }, sys: SystemParams, o: DirectLstmOptions = {}) {
    const where = "lstm-offline";
    resolveSystem(sys, shape.K, where);
    const int = (name: string, v: number | undefined, dflt: number, min: number): number => {
      const x = v ?? dflt;
      if (!Number.isInteger(x) || x < min) fail(where, `${name} must be an integer >= ${min}, got ${v}`);
      return x;
    };
    this.K = shape.K;
    this.Nk = shape.Nk;
    this.M = int("M", shape.M, 1, 1);
    this.units = int("units", o.units, 30, 1);
    this.epochs = int("epochs", o.epochs, 20, 0);
    const seed = int("seed", o.seed, 1, 0);
    const lr = o.learningRate ?? 0.003;
    if (!(lr >= 0 && Number.isFinite(lr))) fail(where, `learningRate must be a finite number >= 0, got ${o.learningRate}`);
    this.sys = sys;
    const m = buildModel({ type: "lstm", inputSize: 2 * this.M, hiddenSize: this.units, projSize: 2 * this.K }, { seed });
    if (m.kind !== "sequence") fail(where, "internal: the LSTM is a sequence model");
    this.model = m.net;
    this.params = m.net.params;
    this.optimizer = adam({ learningRate: lr });
    this.adamState = this.optimizer.init(this.params);
    this.rng = new Rng(seed).fork("shuffle");
  }

  /** Trainable parameters. */
  get parameterCount(): number {
    let n = 0;
    for (const p of this.params) if (p.trainable) n += p.value.length;
    return n;
  }

  private check(known: ChannelSample, where: string): void {
    if (known.K !== this.K || known.Nk !== this.Nk || known.M !== this.M)
      fail(
        where,
        `channel has K = ${known.K}, Nk = ${known.Nk}, M = ${known.M}; the network was built for ${this.K}, ${this.Nk}, ${this.M}`,
      );
  }

  /** Forward pass: X (N × K) from Ĥ; `record` keeps what backward needs. */
  private forward(known: ChannelSample, record: boolean): { x: CMat; out: { shape: readonly number[]; data: Float64Array } } {
    const { M, K } = this;
    const H = known.H;
    const N = H.rows;
    let e = 0;
    for (let i = 0; i < H.re.length; i++) e += H.re[i]! ** 2 + H.im[i]! ** 2;
    const inv = 1 / Math.sqrt(e / H.re.length || 1);
    const data = new Float64Array(N * 2 * M);
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < M; m++) {
        data[n * 2 * M + m] = inv * H.re[n * M + m]!;
        data[n * 2 * M + M + m] = inv * H.im[n * M + m]!;
      }
    }
    const res = this.model.forward({ shape: [1, N, 2 * M], data }, { initialState: null, record });
    const out = res.output.data;
    const x = cmat(N, K);
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        x.re[n * K + k] = out[n * 2 * K + k]!;
        x.im[n * K + k] = out[n * 2 * K + K + k]!;
      }
    }
    return { x, out: res.output };
  }

  /**
   * Train offline on logged estimates (one Adam step per sample, `epochs` passes, shuffled).
   * @param samples - training channels (what the transmitter knows), each N × M
   */
  train(samples: readonly ChannelSample[]): DirectTraining {
    if (samples.length === 0) fail("lstm-offline.train", "the training set is empty");
    for (const s of samples) this.check(s, "lstm-offline.train");
    const K = this.K;
    const loss = new Float64Array(this.epochs);
    const order = samples.map((_, i) => i);
    let updates = 0;
    for (let ep = 0; ep < this.epochs; ep++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(this.rng.uniform() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let sum = 0;
      for (const idx of order) {
        const known = samples[idx]!;
        zeroGrads(this.params);
        const { x, out } = this.forward(known, true);
        const r = sumRateAndGradX(known, x, this.sys, { objective: this.objective, normalize: "power" });
        sum += r.value;
        // real outputs: dL/dRe = 2 Re(dL/d conj X), dL/dIm = 2 Im(dL/d conj X)
        const N = x.rows;
        const dOut = new Float64Array(out.data.length);
        for (let n = 0; n < N; n++) {
          for (let k = 0; k < K; k++) {
            dOut[n * 2 * K + k] = 2 * r.grad.re[n * K + k]!;
            dOut[n * 2 * K + K + k] = 2 * r.grad.im[n * K + k]!;
          }
        }
        this.model.backward({ shape: out.shape, data: dOut });
        this.optimizer.step(this.params, this.adamState);
        updates++;
      }
      loss[ep] = sum / samples.length;
    }
    let se = 0;
    for (const s of samples) se += userRatesX(s, this.forward(s, false).x, this.sys, "power").sumRate;
    return { loss, sumRate: se / samples.length, updates };
  }

  /**
   * Precoder of one sample (frozen network).
   * @param known - the estimate Ĥ, N × M
   * @returns V (M × K, ‖V‖_F² = P) and its sum rate on Ĥ (bit/s/Hz)
   */
  design(known: ChannelSample): { V: CMat; seDesign: number } {
    this.check(known, "lstm-offline.design");
    const { x } = this.forward(known, false);
    return { V: precoderFromX(known, x, this.sys, "power"), seDesign: userRatesX(known, x, this.sys, "power").sumRate };
  }
}
