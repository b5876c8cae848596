/**
 * A liquid network that chooses the tracking beamformer's smoothing gain
 * (`rwmmse-track:smooth=liquid`): the Kalman smoother of `smooth=auto` (track.ts)
 *
 *     Ĥ_s(t) = ρ_t (1 − κ_t) Ĥ_s(t−1) + κ_t Ĥ(t)
 *
 * with the gain κ_t set per slot by a small recurrent network (CfC, CfC over an AutoNCP wiring,
 * or LTC over it) as a correction to the rule's own steady-state gain κ̄_t:
 *
 *     κ_t = σ(logit κ̄_t + y_t),   y_t = net(f_1..f_t)   (one output per slot, Δt = 1 slot)
 *
 * The output layer starts at zero, so the untrained chooser is `smooth=auto` exactly (the
 * implementation returns κ̄_t itself when y_t = 0, bit for bit); training moves it away only where
 * that lowers the training loss. Where the rule does not smooth (before its lag statistics exist,
 * or without a CSI error: κ̄_t = 1) the network is not used.
 *
 * Features f_t (6 per slot), all computed from the estimates alone, by the rule's own statistics
 * (track.ts {@link SlotStatistics}; powers per entry):
 *   logit κ̄_t;  −log₁₀(1 − ρ_t + 10⁻⁶) / 3;  log₁₀(r / S);
 *   ln(d₁(t) / (r + S (1 − ρ_t)))   the lag-1 difference ½|ĥ(t) − ĥ(t−1)|² against its AR(1) expectation;
 *   ln(d_L(t) / d̄_L)                this slot's lag-L difference against the pooled one;
 *   ln(c₀(t) / c̄₀)                  this slot's power against the long-term mean.
 * None depends on the chooser's own past gains, so the whole training sequence of features is
 * fixed and the gradient below is exact.
 *
 * Training (offline, on other trajectories of the same preset whose true channels H(t) are known,
 * as `lstm-offline` is trained; at run time the design sees estimates only): full-batch Adam on
 * the smoothing error normalised by the channel energy, averaged over the trajectories,
 *
 *     L = Σ_t e(Ĥ_s(t), H(t)) / Σ_t ‖H(t)‖_F²,
 *     e = Σ_k ‖Ĥ_s,k‖² + ‖H_k‖² − 2 |⟨H_k, Ĥ_s,k⟩| = Σ_k min_φ ‖Ĥ_s,k − e^{jφ} H_k‖²   (`phase`, default)
 *     e = ‖Ĥ_s − H‖_F²                                                          (`mse`)
 *
 * with H_k user k's Nk × M block (a user's rate ignores a common phase of its channel).
 * With a_t = ρ_t (1 − κ_t), the recursion is linear in the past, so its adjoint runs backwards:
 * G_t = ∂L/∂Ĥ_s(t) = g_t / D + a_{t+1} G_{t+1} (g_t = ∂e/∂Ĥ_s(t): 2 (Ĥ_s − H), or
 * 2 (Ĥ_s,k − u_k H_k) with u_k the phase of ⟨H_k, Ĥ_s,k⟩; D = Σ_t ‖H(t)‖²), and with k_t = 1 − κ_t,
 * ∂L/∂k_t = ⟨G_t, ρ_t Ĥ_s(t−1) − Ĥ(t)⟩ (real inner product over the entries), ∂k_t/∂y_t =
 * −κ_t (1 − κ_t); the network's backward pass takes dL/dy from there. Deterministic (seeded
 * weights, no shuffling, no dropout); the parameters of the best epoch by training loss are kept
 * (epoch 0 is `smooth=auto` itself, so training never ends worse than the rule on its data).
 */
import { fail } from "../core/errors.ts";
import type { CMat } from "../core/linalg/cmat.ts";
import { zeroGrads, type Param } from "../cells/param.ts";
import { buildModel, type RecurrentModel, type SequenceModelConfig } from "../nn/models.ts";
import { adam } from "../training/adam.ts";
import { AutoSmoothingStatistics, type SlotStatistics, type SmoothingChooser } from "./track.ts";

/** The recurrent cells a chooser may use. */
export const SMOOTH_CELLS = ["cfc", "ncp", "ltc"] as const;
export type SmoothCell = (typeof SMOOTH_CELLS)[number];

/** Features per slot (module header). */
export const SMOOTH_FEATURES = 6;

/** Options of {@link LiquidSmoothing}. */
export interface LiquidSmoothingOptions {
  /** `cfc` (dense CfC, no backbone; default), `ncp` (CfC over AutoNCP(units, 1)) or `ltc` (LTC over it). */
  readonly cell?: SmoothCell;
  /** Neurons (default 8; the NCP wirings need at least 4). */
  readonly units?: number;
  /** Full-sequence Adam steps (default 60). */
  readonly epochs?: number;
  /** Adam learning rate (default 0.01). */
  readonly learningRate?: number;
  /** Seed of the initial weights (default 1). */
  readonly seed?: number;
  /**
   * Training loss: `phase` (default; the error of each user's channel up to a common phase, which
   * the rate ignores) or `mse` (the plain smoothing error ‖Ĥ_s − H‖²).
   */
  readonly loss?: SmoothLoss;
}

/** Training losses of the chooser. */
export const SMOOTH_LOSSES = ["phase", "mse"] as const;
export type SmoothLoss = (typeof SMOOTH_LOSSES)[number];

/** What {@link LiquidSmoothing.train} did. */
export interface SmoothingTraining {
  /** Training loss L before every Adam step (entry 0 = `smooth=auto`), and after the last, length epochs + 1. */
  readonly loss: Float64Array;
  /** Epoch whose parameters were kept (0 = untrained). */
  readonly bestEpoch: number;
  readonly updates: number;
  /** Slots per training trajectory. */
  readonly slots: number;
  /** Training trajectories. */
  readonly trajectories: number;
}

/** One offline training trajectory: what the transmitter estimated and the true channel, slot by slot. */
export interface SmoothingTrajectory {
  /** Ĥ(t), N × M each. */
  readonly estimates: readonly CMat[];
  /** H(t), same shapes. */
  readonly truths: readonly CMat[];
}

interface PreparedTrajectory extends SmoothingTrajectory {
  readonly feats: Float64Array;
  readonly keepAuto: Float64Array;
  readonly rho: Float64Array;
}

/** The model config of a chooser network (one output per slot). */
export function smoothingModelConfig(cell: SmoothCell, units: number): SequenceModelConfig {
  const wiring = { class: "AutoNCP", units, outputSize: 1, sparsityLevel: 0.5, seed: 22222 };
  switch (cell) {
    case "cfc":
      return { type: "cfc", inputSize: SMOOTH_FEATURES, units, backboneLayers: 0, projSize: 1 };
    case "ncp":
      return { type: "wired-cfc", inputSize: SMOOTH_FEATURES, wiring, projSize: 1 };
    case "ltc":
      return { type: "ltc", inputSize: SMOOTH_FEATURES, wiring, projSize: 1 };
  }
}

/**
 * The features of one slot (module header) into `out[o .. o + 6)`; zeros where the rule does not
 * smooth (`keep` = 0).
 */
export function smoothingFeatures(st: SlotStatistics, out: Float64Array, o = 0): void {
  if (!(st.keep > 0)) {
    out.fill(0, o, o + SMOOTH_FEATURES);
    return;
  }
  const tiny = 1e-12;
  const { keep, rho, r, S } = st;
  const ln = (x: number) => Math.log(Math.max(x, tiny));
  out[o] = Math.log((1 - keep) / keep);
  out[o + 1] = -Math.log10(1 - rho + 1e-6) / 3;
  out[o + 2] = Math.log10(Math.max(r, tiny) / Math.max(S, tiny));
  out[o + 3] = ln(st.lag1 / Math.max(r + S * (1 - rho), tiny));
  out[o + 4] = ln(st.lagL / Math.max(st.pooledL, tiny));
  out[o + 5] = ln(st.power / Math.max(st.meanPower, tiny));
}

/** k = 1 − σ(logit(1 − k̄) + y); k̄ itself when y = 0 (module header). */
function chosenKeep(keepAuto: number, y: number): { keep: number; kappa: number } {
  if (!(keepAuto > 0)) return { keep: keepAuto, kappa: 1 - keepAuto };
  if (y === 0) return { keep: keepAuto, kappa: 1 - keepAuto };
  const z = Math.log((1 - keepAuto) / keepAuto) + y;
  const kappa = 1 / (1 + Math.exp(-z));
  return { keep: 1 - kappa, kappa };
}

/**
 * The smoothing loss L and its gradient with respect to k_t = 1 − κ_t (module header), for the
 * recursion s_t = ρ_t k_t s_{t−1} + (1 − k_t) Ĥ(t), s_{−1} = 0.
 * @param estimates - Ĥ(t), T matrices N × M
 * @param truths - H(t), same shapes
 * @param rho - ρ_t, length T
 * @param keep - k_t, length T (with s_{−1} = 0, k_0 = 0 gives s_0 = Ĥ(0), the tracker's first slot)
 * @param dKeep - optional, length T: receives ∂L/∂k_t
 * @param blockRows - 0: the plain error; Nk: each user's Nk × M block compared up to a common phase
 * @returns L = Σ_t err(s_t, H(t)) / Σ_t ‖H(t)‖² (dimensionless; err = ‖s_t − H(t)‖² or its phase-aligned form)
 */
export function smoothingLoss(
  estimates: readonly CMat[],
  truths: readonly CMat[],
  rho: Float64Array,
  keep: Float64Array,
  dKeep?: Float64Array,
  blockRows = 0,
): number {
  const where = "smoothingLoss";
  const T = estimates.length;
  if (T === 0 || truths.length !== T || rho.length < T || keep.length < T || (dKeep && dKeep.length < T))
    fail(
      where,
      `needs T >= 1 estimates, truths, rho and keep of the same length, got ${T}, ${truths.length}, ${rho.length}, ${keep.length}`,
    );
  const n = estimates[0]!.re.length;
  for (let t = 0; t < T; t++)
    if (estimates[t]!.re.length !== n || truths[t]!.re.length !== n)
      fail(where, `slot ${t}: estimate and truth must have ${n} entries like slot 0`);
  // forward, keeping every s_t (planar [re | im])
  const s = new Float64Array(T * 2 * n);
  let err = 0;
  let D = 0;
  for (let t = 0; t < T; t++) {
    const a = t === 0 ? 0 : rho[t]! * keep[t]!;
    const b = 1 - keep[t]!;
    const h = estimates[t]!;
    const y = truths[t]!;
    const cur = t * 2 * n;
    const prev = cur - 2 * n;
    for (let i = 0; i < n; i++) {
      const pr = t === 0 ? 0 : s[prev + i]!;
      const pi = t === 0 ? 0 : s[prev + n + i]!;
      s[cur + i] = a * pr + b * h.re[i]!;
      s[cur + n + i] = a * pi + b * h.im[i]!;
      D += y.re[i]! * y.re[i]! + y.im[i]! * y.im[i]!;
    }
    err += slotError(s, cur, n, y, blockRows, null);
  }
  if (!(D > 0)) fail(where, "the true channel is zero in every slot");
  if (dKeep) {
    const G = new Float64Array(2 * n);
    const e = new Float64Array(2 * n);
    const c = 1 / D;
    for (let t = T - 1; t >= 0; t--) {
      const aNext = t + 1 < T ? rho[t + 1]! * keep[t + 1]! : 0;
      const y = truths[t]!;
      const h = estimates[t]!;
      const cur = t * 2 * n;
      const prev = cur - 2 * n;
      const r = t === 0 ? 0 : rho[t]!;
      slotError(s, cur, n, y, blockRows, e);
      let g = 0;
      for (let i = 0; i < n; i++) {
        const gr = aNext * G[i]! + c * e[i]!;
        const gi = aNext * G[n + i]! + c * e[n + i]!;
        G[i] = gr;
        G[n + i] = gi;
        const pr = t === 0 ? 0 : s[prev + i]!;
        const pi = t === 0 ? 0 : s[prev + n + i]!;
        g += gr * (r * pr - h.re[i]!) + gi * (r * pi - h.im[i]!);
      }
      dKeep[t] = g;
    }
  }
  return err / D;
}

/**
 * One slot's error ‖s − H‖_F² (blockRows = 0), or the phase-aligned error per block of
 * `blockRows` rows (a user's antennas), Σ_k min_φ ‖s_k − e^{jφ} H_k‖² = Σ_k ‖s_k‖² + ‖H_k‖² − 2|⟨H_k, s_k⟩|
 * (a user's rate does not change when its channel turns by a common phase). With `grad`, writes
 * its gradient in (Re s, Im s) planar: 2 (s − H), or 2 (s_k − u_k H_k) with u_k = ⟨H_k, s_k⟩ / |⟨H_k, s_k⟩|.
 * @param s - planar [re | im] at offset `o`, n entries each
 */
function slotError(s: Float64Array, o: number, n: number, y: CMat, blockRows: number, grad: Float64Array | null): number {
  const yr = y.re;
  const yi = y.im;
  if (blockRows === 0) {
    let err = 0;
    for (let i = 0; i < n; i++) {
      const er = s[o + i]! - yr[i]!;
      const ei = s[o + n + i]! - yi[i]!;
      err += er * er + ei * ei;
      if (grad) {
        grad[i] = 2 * er;
        grad[n + i] = 2 * ei;
      }
    }
    return err;
  }
  const block = blockRows * y.cols;
  let err = 0;
  for (let b0 = 0; b0 < n; b0 += block) {
    // c = Σ conj(h) s
    let cr = 0;
    let ci = 0;
    let ss = 0;
    let hh = 0;
    for (let i = b0; i < b0 + block; i++) {
      const sr = s[o + i]!;
      const si = s[o + n + i]!;
      cr += yr[i]! * sr + yi[i]! * si;
      ci += yr[i]! * si - yi[i]! * sr;
      ss += sr * sr + si * si;
      hh += yr[i]! * yr[i]! + yi[i]! * yi[i]!;
    }
    const mag = Math.hypot(cr, ci);
    err += ss + hh - 2 * mag;
    if (grad) {
      const ur = mag > 0 ? cr / mag : 1;
      const ui = mag > 0 ? ci / mag : 0;
      for (let i = b0; i < b0 + block; i++) {
        grad[i] = 2 * (s[o + i]! - (ur * yr[i]! - ui * yi[i]!));
        grad[n + i] = 2 * (s[o + n + i]! - (ur * yi[i]! + ui * yr[i]!));
      }
    }
  }
  return err;
}

/**
 * The liquid chooser of the smoothing gain (module header). Owns its network: call
 * {@link dispose} (or `using`) when done.
 */
export class LiquidSmoothing implements SmoothingChooser {
  readonly cell: SmoothCell;
  readonly units: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly loss: SmoothLoss;
  readonly needsLag1 = true;
  private readonly model: RecurrentModel;
  private readonly features = new Float64Array(SMOOTH_FEATURES);
  private state: Float64Array;
  private slots = 0;

  constructor(o: LiquidSmoothingOptions = {}) {
    const where = "smooth=liquid";
    const cell = o.cell ?? "cfc";
    if (!(SMOOTH_CELLS as readonly string[]).includes(cell))
      fail(where, `cell must be one of ${SMOOTH_CELLS.join(", ")}, got ${String(cell)}`);
    const int = (name: string, v: number | undefined, dflt: number, min: number, max: number): number => {
      const x = v ?? dflt;
      if (!Number.isInteger(x) || x < min || x > max) fail(where, `${name} must be an integer in [${min}, ${max}], got ${v}`);
      return x;
    };
    this.cell = cell;
    this.loss = o.loss ?? "phase";
    if (!(SMOOTH_LOSSES as readonly string[]).includes(this.loss))
      fail(where, `loss must be one of ${SMOOTH_LOSSES.join(", ")}, got ${String(o.loss)}`);
    this.units = int("units", o.units, 8, cell === "cfc" ? 1 : 4, 256);
    this.epochs = int("epochs", o.epochs, 60, 0, 100_000);
    const seed = int("seed", o.seed, 1, 0, Number.MAX_SAFE_INTEGER);
    this.learningRate = o.learningRate ?? 0.01;
    if (!(this.learningRate >= 0 && Number.isFinite(this.learningRate)))
      fail(where, `lr must be a finite number >= 0, got ${o.learningRate}`);
    const m = buildModel(smoothingModelConfig(cell, this.units), { seed });
    if (m.kind !== "sequence") {
      m.dispose();
      fail(where, "internal: the chooser must be a recurrent model");
    }
    this.model = m;
    // the residual starts at the rule: a zero output layer
    for (const p of this.model.net.params) if (p.name.startsWith("fc.")) p.value.fill(0);
    this.state = new Float64Array(this.model.stateSize);
  }

  /** Trainable scalars of the network. */
  get parameterCount(): number {
    return this.model.parameterCount;
  }

  /** The network's parameters (shared buffers; for tests). */
  get params(): readonly Param[] {
    return this.model.params;
  }

  reset(): void {
    this.state.fill(0);
    this.slots = 0;
  }

  /** One step of the network on this slot's statistics; returns 1 − κ_t (module header). */
  keep(st: SlotStatistics): number {
    smoothingFeatures(st, this.features);
    const res = this.model.net.forward(
      { shape: [1, 1, SMOOTH_FEATURES], data: this.features },
      { initialState: this.slots === 0 ? null : { shape: [1, this.state.length], data: this.state } },
    );
    this.state = Float64Array.from(res.finalState.data);
    this.slots++;
    return chosenKeep(st.keep, res.output.data[0]!).keep;
  }

  /**
   * The per-slot gains of B trajectories of equal length (one batch through the network, from a
   * zero state) and, with truths, the mean of their losses and its gradient accumulated into the
   * parameters' `grad`.
   */
  private sequence(prep: readonly PreparedTrajectory[], withTruths: boolean, blockRows: number): { loss: number; keep: Float64Array[] } {
    const B = prep.length;
    const T = prep[0]!.keepAuto.length;
    const F = SMOOTH_FEATURES;
    const feats = new Float64Array(B * T * F);
    prep.forEach((p, b) => feats.set(p.feats, b * T * F));
    const res = this.model.net.forward({ shape: [B, T, F], data: feats }, { initialState: null, record: withTruths });
    const y = res.output.data;
    const keep: Float64Array[] = [];
    const dY = new Float64Array(B * T);
    let loss = 0;
    for (let b = 0; b < B; b++) {
      const p = prep[b]!;
      const k = new Float64Array(T);
      const kappa = new Float64Array(T);
      for (let t = 0; t < T; t++) {
        const c = chosenKeep(p.keepAuto[t]!, y[b * T + t]!);
        k[t] = c.keep;
        kappa[t] = c.kappa;
      }
      keep.push(k);
      if (!withTruths) continue;
      const dKeep = new Float64Array(T);
      loss += smoothingLoss(p.estimates, p.truths, p.rho, k, dKeep, blockRows) / B;
      for (let t = 1; t < T; t++) if (p.keepAuto[t]! > 0) dY[b * T + t] = (-dKeep[t]! * kappa[t]! * (1 - kappa[t]!)) / B;
    }
    if (withTruths) this.model.net.backward({ shape: [B, T, 1], data: dY });
    return { loss: withTruths ? loss : Number.NaN, keep };
  }

  /**
   * The features, rule gains and correlations of a trajectory of estimates, as the tracker sees them.
   * @param estimates - Ĥ(t), T matrices N × M
   * @param csiErrorDb - the CEE the run is given (dB); undefined = perfect CSI
   * @returns features T × 6 row-major, the rule's 1 − κ̄_t and ρ_t (length T)
   */
  static trajectoryFeatures(
    estimates: readonly CMat[],
    csiErrorDb: number | undefined,
  ): { feats: Float64Array; keepAuto: Float64Array; rho: Float64Array } {
    const T = estimates.length;
    const stats = new AutoSmoothingStatistics(csiErrorDb, true);
    const feats = new Float64Array(T * SMOOTH_FEATURES);
    const keepAuto = new Float64Array(T);
    const rho = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      const st = stats.update(estimates[t]!);
      smoothingFeatures(st, feats, t * SMOOTH_FEATURES);
      keepAuto[t] = t === 0 ? 0 : st.keep;
      rho[t] = st.rho;
    }
    return { feats, keepAuto, rho };
  }

  private prepare(where: string, data: readonly SmoothingTrajectory[], csiErrorDb: number | undefined): PreparedTrajectory[] {
    if (data.length === 0) fail(where, "needs at least one training trajectory");
    const T = data[0]!.estimates.length;
    data.forEach((d, j) => {
      if (d.estimates.length < 2 || d.estimates.length !== T || d.truths.length !== T)
        fail(
          where,
          `trajectory ${j} has ${d.estimates.length} estimates and ${d.truths.length} truths; every one needs the same T >= 2 of both`,
        );
    });
    return data.map((d) => ({ ...d, ...LiquidSmoothing.trajectoryFeatures(d.estimates, csiErrorDb) }));
  }

  private blockRows(userRows: number): number {
    if (!Number.isInteger(userRows) || userRows < 1) fail("smooth=liquid", `userRows must be an integer >= 1, got ${userRows}`);
    return this.loss === "phase" ? userRows : 0;
  }

  /**
   * The mean loss of the current network over trajectories and, with `gradient`, its gradient in
   * the parameters' `grad` (overwritten). For training and tests.
   * @param data - trajectories of estimates Ĥ(t) and truths H(t) (N × M each, the same T ≥ 2 for all)
   * @param csiErrorDb - the CEE the run is given (dB)
   * @param userRows - receive antennas per user Nk
   */
  lossAndGradient(data: readonly SmoothingTrajectory[], csiErrorDb: number | undefined, userRows: number, gradient = true): number {
    const prep = this.prepare("smooth=liquid.lossAndGradient", data, csiErrorDb);
    const blockRows = this.blockRows(userRows);
    if (!gradient) return this.evaluate(prep, blockRows);
    zeroGrads(this.model.net.params);
    return this.sequence(prep, true, blockRows).loss;
  }

  private evaluate(prep: readonly PreparedTrajectory[], blockRows: number): number {
    const { keep } = this.sequence(prep, false, blockRows);
    let l = 0;
    prep.forEach((p, b) => {
      l += smoothingLoss(p.estimates, p.truths, p.rho, keep[b]!, undefined, blockRows) / prep.length;
    });
    return l;
  }

  /**
   * Train offline (module header): `epochs` Adam steps on the mean loss over the training
   * trajectories (one batch), keeping the parameters of the lowest training loss.
   * @param data - trajectories of estimates Ĥ(t) and their true channels H(t) (N × M, the same T ≥ 2)
   * @param csiErrorDb - the CEE the run is given (dB)
   * @param userRows - receive antennas per user Nk (the rows of one user; the `phase` loss aligns each user's block)
   */
  train(data: readonly SmoothingTrajectory[], csiErrorDb: number | undefined, userRows: number): SmoothingTraining {
    const prep = this.prepare("smooth=liquid.train", data, csiErrorDb);
    const blockRows = this.blockRows(userRows);
    const params = this.model.net.params;
    const opt = adam({ learningRate: this.learningRate });
    const state = opt.init(params);
    const loss = new Float64Array(this.epochs + 1);
    let best = Number.POSITIVE_INFINITY;
    let bestEpoch = 0;
    let saved = params.map((p) => Float64Array.from(p.value));
    try {
      for (let ep = 0; ep <= this.epochs; ep++) {
        zeroGrads(params);
        const last = ep === this.epochs;
        const l = last ? this.evaluate(prep, blockRows) : this.sequence(prep, true, blockRows).loss;
        loss[ep] = l;
        if (l < best) {
          best = l;
          bestEpoch = ep;
          saved = params.map((p) => Float64Array.from(p.value));
        }
        if (!last) opt.step(params, state);
      }
    } finally {
      state.dispose();
    }
    params.forEach((p, i) => p.value.set(saved[i]!));
    zeroGrads(params);
    this.reset();
    return { loss, bestEpoch, updates: this.epochs, slots: prep[0]!.keepAuto.length, trajectories: prep.length };
  }

  /** Release the network's memory now (idempotent). */
  dispose(): void {
    this.model.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
