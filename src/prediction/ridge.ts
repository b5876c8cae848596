/**
 * Ridge least-squares linear predictor trained on windows, all antennas jointly: the empirical
 * space–time LMMSE predictor, on regular and on irregular sampling.
 *
 * Regular windows. With x_w = vec(y_w / s_w) ∈ C^{P M} (normalised inputs, time-major) and
 * t_w = vec(h_w / s_w) ∈ C^{F M} (normalised future channel), stacked as rows of X [N, P M] and
 * T [N, F M],
 *
 *   W = (Xᴴ X + λ I)⁻¹ Xᴴ T,   λ = ridge · tr(Xᴴ X) / (P M),      ĥ_w = s_w · (x_wᵀ W),
 *
 * a complex linear map (a linear-activation MLP on the real/imaginary stacking would learn the
 * same map, or its widely-linear superset). Trained on enough windows it matches the Wiener-J0
 * predictor on Clarke-like channels (docs/prediction.md §4.7) and additionally exploits spatial
 * correlation.
 *
 * Irregular windows (inputs on the Δt grid with random gaps, or jittered off it): the taps no longer belong to fixed
 * lags, so one W cannot serve every window, and with gaps 1…G over P inputs there are G^{P−1}
 * patterns (per-pattern fits never see most test patterns; a fixed map of the zero-filled grid
 * cannot re-weight a sample when its neighbours are missing). XᴴX/N and XᴴT/N estimate the
 * space–time covariance E[y(τ_j) y(τ_i)ᴴ], E[h(τ_k) y(τ_i)ᴴ], which for a stationary channel
 * depend on the lag only; `fit` learns that covariance as a function of the lag and the normal
 * equations are assembled at each window's actual lags:
 *
 * 1. Pair averages: r(l) = (1/M) tr mean z_a z_bᴴ over every pair of samples of every training
 *    window at grid lag l = (τ_a − τ_b)/Δt ≥ 1 (jittered windows: binned exactly on the finer grid
 *    Δt/B their times lie on, windows.ts timeResolution) (inputs and targets: the input noise is white, so
 *    every pair is unbiased), n_l pairs; r(0) and C_y(0) = mean y yᴴ over the inputs (noisy),
 *    z = sample / s_w.
 * 2. A valid temporal correlation: pair averages at different lags need not be positive
 *    semi-definite (with a few hundred windows they are not), so r is fitted by a non-negative
 *    line spectrum on Q = 8(L_max + 1) Doppler frequencies ν_q ∈ [−½, ½) (cycles per Δt):
 *    min_{p ≥ 0} Σ_{l ≥ 1} n_l |r(l) − Σ_q p_q e^{j2πν_q l}|² (Lawson–Hanson NNLS), ρ(l) =
 *    Σ_q p_q e^{j2πν_q l} / Σ_q p_q at any lag, noise σ̂² = max(r(0) − Σ_q p_q, 0).
 * 3. Separable (Kronecker) space–time model: C(l) = ρ(l) R, R = C_y(0) − σ̂² I with negative
 *    eigenvalues clipped, C_y(0) = R + σ̂² I, C(−l) = C(l)ᴴ; every block-Toeplitz matrix built
 *    from it is PSD.
 * 4. Per time pattern: G[(i,m),(j,m')] = C_y(τ_j − τ_i)[m', m], B[(i,m),(k,m')] =
 *    C(τ_k − τ_i)[m', m], W_τ = (G + λ I)⁻¹ B (same λ rule), ĥ = xᵀ W_τ — the lag-stationary
 *    counterpart of (XᴴX + λI)⁻¹XᴴT.
 *
 * It is the Wiener predictor at the actual sample times with the Doppler spectrum and the spatial
 * covariance learned from the training windows instead of assumed (docs/prediction.md §4.7).
 * Regular windows use W (above), so regular results are unchanged.
 */
import { checkNumber, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { ceigh, cgramAH, cmatmulAH, cmatOf, csolveHpd, type CMat } from "../core/linalg/index.ts";
import { windowScales } from "./features.ts";
import { solveSpd } from "./linear-filter.ts";
import { emptyPrediction, type Predictor } from "./predictor.ts";
import { timeResolution, type WindowSet } from "./windows.ts";

export interface RidgeOptions {
  /** Relative regularisation λ / (tr(XᴴX)/(P M)) (default 1e-4). */
  readonly ridge?: number;
}

/** Scaled design matrix [n, per] of windows' planar data (each row divided by its window scale). */
function scaledRows(re: Float64Array, im: Float64Array, n: number, per: number, scales: Float64Array): CMat {
  const r = new Float64Array(n * per),
    i = new Float64Array(n * per);
  for (let w = 0; w < n; w++) {
    const inv = 1 / scales[w]!;
    for (let j = w * per; j < (w + 1) * per; j++) {
      r[j] = re[j]! * inv;
      i[j] = im[j]! * inv;
    }
  }
  return cmatOf(n, per, r, i);
}

/**
 * Sample times of window w on the grid Δt/B (integers relative to the last input): inputs [P] then targets [F].
 * @param B - grid steps per Δt (1 for regular and gapped windows; {@link timeResolution} of jittered ones)
 * @throws LiquidwaveError when a time is not a whole number of Δt/B
 */
function gridTimes(ws: WindowSet, w: number, where: string, B = 1): Int32Array {
  const L = ws.history + ws.horizon;
  const g = new Int32Array(L);
  for (let i = 0; i < L; i++) {
    const t = (ws.times[w * L + i]! / ws.dt) * B;
    g[i] = Math.round(t);
    if (Math.abs(t - g[i]!) > 1e-6) fail(where, `window ${w}: sample ${i} at ${t / B} Δt is not on the grid Δt/${B}`);
  }
  return g;
}

/** The learned space–time covariance of irregular windows (module header), normalised units. */
export interface LagModel {
  readonly antennas: number;
  /** Doppler grid ν_q (cycles per Δt) and the fitted line powers p_q ≥ 0 (Σ p_q = tr R / M). */
  readonly frequencies: Float64Array;
  readonly powers: Float64Array;
  /** Spatial covariance R [M, M] of the noiseless channel, complex planar, PSD. */
  readonly spatialRe: Float64Array;
  readonly spatialIm: Float64Array;
  /** Noise power σ̂² per entry. */
  readonly noise: number;
  /** Lag bins per Δt, B: the pair averages are kept at lags l/B Δt (1 unless the windows were jittered). */
  readonly lagSteps: number;
  /** Pair averages r(l), l = 0 … L_max in steps of Δt/B (r(0) noisy), and their pair counts. */
  readonly pairRe: Float64Array;
  readonly pairIm: Float64Array;
  readonly pairs: Float64Array;
}

/**
 * Non-negative least squares min_{x ≥ 0} ‖A x − b‖² (Lawson–Hanson active set).
 * @param A - [rows, cols] row-major
 * @param b - [rows]
 * @returns x [cols], x ≥ 0
 */
export function nnls(A: Float64Array, b: Float64Array, rows: number, cols: number): Float64Array {
  const AtA = new Float64Array(cols * cols),
    Atb = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let i = 0; i < cols; i++) {
      const ai = A[o + i]!;
      if (ai === 0) continue;
      Atb[i]! += ai * b[r]!;
      for (let j = 0; j < cols; j++) AtA[i * cols + j]! += ai * A[o + j]!;
    }
  }
  let scale = 0;
  for (let i = 0; i < cols; i++) scale = Math.max(scale, AtA[i * cols + i]!);
  const tol = 1e-12 * Math.max(scale, 1e-300);
  const x = new Float64Array(cols);
  const active = new Uint8Array(cols); // 1: free (in the passive set P)
  const grad = (): Float64Array => {
    // w = Aᵀb − AᵀA x
    const w = Atb.slice();
    for (let i = 0; i < cols; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) if (x[j] !== 0) s += AtA[i * cols + j]! * x[j]!;
      w[i]! -= s;
    }
    return w;
  };
  // Least squares on the free set: (AᵀA)_PP z_P = (Aᵀb)_P (a tiny loading keeps it solvable).
  const solveFree = (): Float64Array => {
    const idx: number[] = [];
    for (let i = 0; i < cols; i++) if (active[i]) idx.push(i);
    const k = idx.length;
    const a = new Float64Array(k * k),
      rhs = new Float64Array(k);
    for (let u = 0; u < k; u++) {
      rhs[u] = Atb[idx[u]!]!;
      for (let v = 0; v < k; v++) a[u * k + v] = AtA[idx[u]! * cols + idx[v]!]!;
      a[u * k + u]! += 1e-10 * scale;
    }
    const zk = solveSpd("nnls", a, rhs, k, 1);
    const z = new Float64Array(cols);
    idx.forEach((i, u) => (z[i] = zk[u]!));
    return z;
  };
  for (let outer = 0; outer < 3 * cols; outer++) {
    const w = grad();
    let j = -1;
    for (let i = 0; i < cols; i++) if (!active[i] && w[i]! > tol && (j < 0 || w[i]! > w[j]!)) j = i;
    if (j < 0) break;
    active[j] = 1;
    for (let inner = 0; inner < 3 * cols; inner++) {
      const z = solveFree();
      let alpha = 1;
      for (let i = 0; i < cols; i++) if (active[i] && z[i]! <= 0) alpha = Math.min(alpha, x[i]! / (x[i]! - z[i]!));
      for (let i = 0; i < cols; i++) if (active[i]) x[i]! += alpha * (z[i]! - x[i]!);
      if (alpha === 1) break;
      for (let i = 0; i < cols; i++)
        if (active[i] && x[i]! <= 1e-15) {
          active[i] = 0;
          x[i] = 0;
        }
    }
  }
  return x;
}

/**
 * Learn the lag-stationary space–time covariance of the normalised channel from windows
 * (module header, steps 1-3).
 * @param ws - windows; inputs [n, P, M] noisy, targets [n, F, M] noiseless, times on the Δt grid
 */
export function fitLagModel(ws: WindowSet): LagModel {
  const where = "RidgePredictor.fit";
  const { count: n, history: P, horizon: F, antennas: M } = ws;
  const L = P + F;
  const grids: Int32Array[] = [];
  let maxLag = 0;
  // jittered windows: pairs are binned on the finer grid their times lie on (exact lags)
  const B = ws.regular ? 1 : timeResolution(ws, where);
  for (let w = 0; w < n; w++) {
    const g = gridTimes(ws, w, where, B);
    for (let i = 1; i < L; i++) if (g[i]! <= g[i - 1]!) fail(where, `window ${w}: sample times are not increasing`);
    maxLag = Math.max(maxLag, g[L - 1]! - g[0]!);
    grids.push(g);
  }
  const pr = new Float64Array(maxLag + 1),
    pi = new Float64Array(maxLag + 1),
    pairs = new Float64Array(maxLag + 1);
  const c0r = new Float64Array(M * M),
    c0i = new Float64Array(M * M);
  const s = windowScales(ws);
  const zr = new Float64Array(L * M),
    zi = new Float64Array(L * M);
  let noise = 0;
  for (let w = 0; w < n; w++) {
    // unit power: the trajectory's mean power when known (else the window's input RMS)
    const known = ws.power[w]! > 0;
    const inv = 1 / (known ? Math.sqrt(ws.power[w]!) : s[w]!);
    noise += known ? ws.noiseVar[w]! / ws.power[w]! / n : 0;
    for (let i = 0; i < P * M; i++) {
      zr[i] = ws.inputs.re[w * P * M + i]! * inv;
      zi[i] = ws.inputs.im[w * P * M + i]! * inv;
    }
    for (let i = 0; i < F * M; i++) {
      zr[P * M + i] = ws.targets.re[w * F * M + i]! * inv;
      zi[P * M + i] = ws.targets.im[w * F * M + i]! * inv;
    }
    const g = grids[w]!;
    for (let a = 0; a < P; a++)
      for (let p = 0; p < M; p++)
        for (let q = 0; q < M; q++) {
          // y[p] · conj(y[q]) at lag 0
          const ar = zr[a * M + p]!,
            ai = zi[a * M + p]!,
            br = zr[a * M + q]!,
            bi = zi[a * M + q]!;
          c0r[p * M + q]! += ar * br + ai * bi;
          c0i[p * M + q]! += ai * br - ar * bi;
        }
    for (let a = 1; a < L; a++)
      for (let b = 0; b < a; b++) {
        const l = g[a]! - g[b]!;
        pairs[l]!++;
        for (let m = 0; m < M; m++) {
          const ar = zr[a * M + m]!,
            ai = zi[a * M + m]!,
            br = zr[b * M + m]!,
            bi = zi[b * M + m]!;
          pr[l]! += (ar * br + ai * bi) / M;
          pi[l]! += (ai * br - ar * bi) / M;
        }
      }
  }
  for (let l = 1; l <= maxLag; l++)
    if (pairs[l]! > 0) {
      pr[l]! /= pairs[l]!;
      pi[l]! /= pairs[l]!;
    }
  for (let i = 0; i < M * M; i++) {
    c0r[i]! /= n * P;
    c0i[i]! /= n * P;
  }
  pairs[0] = n * P;
  for (let m = 0; m < M; m++) pr[0]! += c0r[m * M + m]! / M;
  // Step 2: r_h(l) ≈ Σ_q p_q e^{j2πν_q l}, l ≥ 0 (r_h(0) = r(0) − σ̃²), rows weighted by √n_l
  // (real and imaginary parts).
  // Q = 8 (L_max + 1) frequencies with L_max the longest lag in whole Δt (the line spectrum lives
  // in [−½, ½) cycles per Δt however finely the lags are binned)
  const Q = 8 * (Math.ceil(maxLag / B) + 1);
  const nu = Float64Array.from({ length: Q }, (_, q) => q / Q - 0.5);
  const rowsUsed: number[] = [];
  for (let l = 0; l <= maxLag; l++) if (pairs[l]! > 0) rowsUsed.push(l);
  const R = 2 * rowsUsed.length;
  const A = new Float64Array(R * Q),
    rhs = new Float64Array(R);
  rowsUsed.forEach((l, u) => {
    const wgt = Math.sqrt(pairs[l]!);
    const lag = B === 1 ? l : l / B;
    for (let q = 0; q < Q; q++) {
      A[2 * u * Q + q] = wgt * Math.cos(2 * Math.PI * nu[q]! * lag);
      A[(2 * u + 1) * Q + q] = wgt * Math.sin(2 * Math.PI * nu[q]! * lag);
    }
    rhs[2 * u] = wgt * (pr[l]! - (l === 0 ? noise : 0));
    rhs[2 * u + 1] = wgt * pi[l]!;
  });
  const powers = nnls(A, rhs, R, Q);
  let total = 0;
  for (let q = 0; q < Q; q++) total += powers[q]!;
  if (!(total > 0)) fail(where, "the training windows show no temporal correlation to learn (all lag averages fit by zero power)");
  // Step 3: R = C_y(0) − σ̃² I, PSD by eigenvalue clipping.
  for (let m = 0; m < M; m++) c0r[m * M + m]! -= noise;
  const { values, vectors } = ceigh(cmatOf(M, M, c0r, c0i));
  const V = vectors!;
  const sr = new Float64Array(M * M),
    si = new Float64Array(M * M);
  for (let e = 0; e < M; e++) {
    const lam = Math.max(values[e]!, 0);
    for (let p = 0; p < M; p++)
      for (let q = 0; q < M; q++) {
        const ar = V.re[p * M + e]!,
          ai = V.im[p * M + e]!,
          br = V.re[q * M + e]!,
          bi = V.im[q * M + e]!;
        sr[p * M + q]! += lam * (ar * br + ai * bi);
        si[p * M + q]! += lam * (ai * br - ar * bi);
      }
  }
  return { antennas: M, frequencies: nu, powers, spatialRe: sr, spatialIm: si, noise, lagSteps: B, pairRe: pr, pairIm: pi, pairs };
}

/**
 * The fitted temporal correlation ρ(τ) = Σ_q p_q e^{j2πν_q τ} / Σ_q p_q at lags τ = l/B Δt,
 * l = 0 … maxLag (a line spectrum: valid at any real lag).
 * @param B - lag steps per Δt (default 1: whole Δt)
 * @returns [re, im], each [maxLag + 1]
 */
export function lagCorrelation(model: LagModel, maxLag: number, B = 1): [Float64Array, Float64Array] {
  const re = new Float64Array(maxLag + 1),
    im = new Float64Array(maxLag + 1);
  let total = 0;
  for (const p of model.powers) total += p;
  model.powers.forEach((p, q) => {
    if (p === 0) return;
    const nu = model.frequencies[q]!;
    for (let l = 0; l <= maxLag; l++) {
      const lag = B === 1 ? l : l / B;
      re[l]! += (p / total) * Math.cos(2 * Math.PI * nu * lag);
      im[l]! += (p / total) * Math.sin(2 * Math.PI * nu * lag);
    }
  });
  return [re, im];
}

export class RidgePredictor implements Predictor {
  readonly name: string;
  readonly ridge: number;
  /** W [P M, F M], complex; null until fitted on regular windows. */
  private weights: CMat | null = null;
  /** Space–time covariance model for irregular windows; null until fitted (may be replaced before predicting). */
  lagModel: LagModel | null = null;
  /** ρ(0 … L) of the lag model in steps of Δt/rhoSteps, extended on demand. */
  private rho: [Float64Array, Float64Array] | null = null;
  private rhoSteps = 1;
  private readonly filters = new Map<string, CMat>();
  private shape: [number, number, number] | null = null;
  /** Whether the last `predict` used the lag model (irregular windows). */
  private usedLags = false;

  constructor(options: RidgeOptions = {}, name = "ridge") {
    this.ridge = checkNumber("RidgePredictor", "ridge", options.ridge ?? 1e-4, 0);
    this.name = name;
  }

  fit(train: WindowSet): void {
    const { count: n, history: P, horizon: F, antennas: M } = train;
    if (n === 0) fail("RidgePredictor.fit", "no training windows");
    this.weights = null;
    this.filters.clear();
    this.shape = [P, F, M];
    this.rho = null;
    this.lagModel = fitLagModel(train);
    if (!train.regular) return;
    const s = windowScales(train);
    const X = scaledRows(train.inputs.re, train.inputs.im, n, P * M, s);
    const T = scaledRows(train.targets.re, train.targets.im, n, F * M, s);
    const G = cgramAH(X); // XᴴX [PM, PM]
    const XhT = cmatmulAH(X, T); // [PM, FM]
    this.weights = this.solve(G, XhT, "RidgePredictor.fit");
  }

  /** (G + λI)⁻¹ B with λ = ridge · tr(G)/d (G is modified). */
  private solve(G: CMat, B: CMat, where: string): CMat {
    const d = G.rows;
    let tr = 0;
    for (let i = 0; i < d; i++) tr += G.re[i * d + i]!;
    const lambda = Math.max(this.ridge * (tr / d), 1e-12 * (tr / d) || 1e-300);
    for (let i = 0; i < d; i++) G.re[i * d + i]! += lambda;
    try {
      return csolveHpd(G, B);
    } catch {
      fail(where, `the ${d} x ${d} normal matrix is not positive definite at ridge ${this.ridge}; increase --ridge`);
    }
  }

  /**
   * Coefficients in use: the P M · F M complex taps (regular windows), or the lag model's
   * non-zero line powers, spatial covariance (M² reals) and noise power (irregular windows).
   */
  parameterCount(): number {
    if (this.usedLags && this.lagModel) return this.lagModel.powers.filter((p) => p > 0).length + this.lagModel.antennas ** 2 + 1;
    return this.weights ? 2 * this.weights.re.length : 0;
  }

  /** W_τ [P M, F M] for window w's time pattern, from the lag covariance (module header). */
  private lagFilter(ws: WindowSet, w: number, B: number): CMat {
    const where = "RidgePredictor.predict";
    const { history: P, horizon: F, antennas: M } = ws;
    const g = gridTimes(ws, w, where, B);
    const key = `${B}|${g.join(",")}|${ws.power[w]! > 0 ? ws.noiseVar[w]! / ws.power[w]! : -1}`;
    const cached = this.filters.get(key);
    if (cached) return cached;
    const model = this.lagModel!;
    const span = g[P + F - 1]! - g[0]!;
    if (this.rhoSteps !== B) this.rho = null;
    this.rhoSteps = B;
    if (!this.rho || this.rho[0].length <= span) this.rho = lagCorrelation(model, Math.max(span, 2 * (this.rho?.[0].length ?? 0)), B);
    const [rr, ri] = this.rho;
    // the window's own noise ratio when known (as Wiener and Kalman), else the training average
    const noise = ws.power[w]! > 0 ? ws.noiseVar[w]! / ws.power[w]! : model.noise;
    const Sr = model.spatialRe,
      Si = model.spatialIm;
    // C(l)[a, b] = ρ(l) R[a, b] (+ σ̂² δ_ab at l = 0); C(−l) = C(l)ᴴ
    const cov = (l: number, a: number, b: number): [number, number] => {
      if (l < 0) {
        const [vr, vi] = cov(-l, b, a);
        return [vr, -vi];
      }
      const xr = Sr[a * M + b]!,
        xi = Si[a * M + b]!;
      return [rr[l]! * xr - ri[l]! * xi + (l === 0 && a === b ? noise : 0), rr[l]! * xi + ri[l]! * xr];
    };
    const d = P * M,
      e = F * M;
    const Gr = new Float64Array(d * d),
      Gi = new Float64Array(d * d);
    for (let i = 0; i < P; i++)
      for (let m = 0; m < M; m++)
        for (let j = 0; j < P; j++)
          for (let m2 = 0; m2 < M; m2++) {
            const [vr, vi] = cov(g[j]! - g[i]!, m2, m);
            Gr[(i * M + m) * d + j * M + m2] = vr;
            Gi[(i * M + m) * d + j * M + m2] = vi;
          }
    const Br = new Float64Array(d * e),
      Bi = new Float64Array(d * e);
    for (let i = 0; i < P; i++)
      for (let m = 0; m < M; m++)
        for (let k = 0; k < F; k++)
          for (let m2 = 0; m2 < M; m2++) {
            const [vr, vi] = cov(g[P + k]! - g[i]!, m2, m);
            Br[(i * M + m) * e + k * M + m2] = vr;
            Bi[(i * M + m) * e + k * M + m2] = vi;
          }
    const W = this.solve(cmatOf(d, d, Gr, Gi), cmatOf(d, e, Br, Bi), where);
    if (this.filters.size >= 4096) this.filters.clear();
    this.filters.set(key, W);
    return W;
  }

  predict(ws: WindowSet): ComplexTensor {
    if (!this.shape) fail("RidgePredictor.predict", "not fitted: call fit() on training windows first");
    const [P, F, M] = this.shape;
    if (ws.history !== P || ws.horizon !== F || ws.antennas !== M) {
      fail(
        "RidgePredictor.predict",
        `trained for history ${P}, horizon ${F}, ${M} antennas; got ${ws.history}, ${ws.horizon}, ${ws.antennas}`,
      );
    }
    const out = emptyPrediction(ws);
    const din = P * M,
      dout = F * M;
    const { re: yr, im: yi } = ws.inputs;
    this.usedLags = !(ws.regular && this.weights);
    const B = this.usedLags && !ws.regular ? timeResolution(ws, "RidgePredictor.predict") : 1;
    // No normalisation needed at prediction time: the map is linear, ĥ = s (x/s)ᵀ W = xᵀ W.
    for (let w = 0; w < ws.count; w++) {
      const W = this.usedLags ? this.lagFilter(ws, w, B) : this.weights!;
      const o = w * dout;
      for (let i = 0; i < din; i++) {
        const xr = yr[w * din + i]!,
          xi = yi[w * din + i]!;
        const row = i * dout;
        for (let j = 0; j < dout; j++) {
          const wr = W.re[row + j]!,
            wi = W.im[row + j]!;
          out.re[o + j]! += xr * wr - xi * wi;
          out.im[o + j]! += xr * wi + xi * wr;
        }
      }
    }
    return out;
  }
}
