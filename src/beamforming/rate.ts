/**
 * Per-user rates, the sum spectral efficiency, and their closed-form gradients.
 *
 * Rate of user k (bit/s/Hz), with `G = H V` (N × K·d) and `G_kj = H_k V_j` (Nk × d):
 *
 *     C_{-k} = sigma^2 I + sum_{j != k} G_kj G_kj^H        (interference plus noise, Nk × Nk)
 *     C_k    = C_{-k} + G_kk G_kk^H                        (total received covariance)
 *     R_k    = log2 det(I + G_kk G_kk^H C_{-k}^{-1}) = (log det C_k - log det C_{-k}) / ln 2
 *
 * the rate with an optimal (MMSE-SIC) receiver, interference treated as Gaussian noise, which is
 * GLNN's `computeSE` and the WMMSE objective. Both log-dets come from Cholesky (closed form for
 * Nk = 2); C_{-k} is summed directly (not `C_k - G_kk G_kk^H`) so a strong signal does not cancel
 * digits of the interference.
 *
 * Gradient (conjugate Wirtinger, `dR/d conj(V)`; see core/linalg/grad.ts for the convention):
 *
 *     dR_k / d conj(V) = H_k^H [ C_k^{-1} G_k - C_{-k}^{-1} G_k^{(-k)} ] / ln 2
 *
 * where `G_k = H_k V` (Nk × K·d) and `G_k^{(-k)}` is G_k with user k's columns set to zero. For an
 * objective `L(r)` of the weighted rates `r_k = alpha_k R_k` this gives `dL/d conj(V) = H^H Z` with
 * block rows `Z_k = (dL/dr_k) alpha_k [ ... ] / ln 2` (N × K·d), and in the row space
 * `V = H^H X`: `dL/d conj(X) = H H^H Z`, which costs O(N^2 K d), independent of M.
 */
import { fail } from "../core/errors.ts";
import { checkCMatFinite, cmat, crealInner, type CMat } from "../core/linalg/cmat.ts";
import { cmatmul, cmatmulAH } from "../core/linalg/matmul.ts";
import { scratch } from "../core/linalg/scratch.ts";
import { baseStreams, precoderStreams, resolveSystem, type ChannelSample, type SystemParams } from "./system.ts";

const LN2 = Math.LN2;

/** Rates of one precoder on one channel. */
export interface RateResult {
  /** Unweighted per-user rates R_k in bit/s/Hz, length K. */
  readonly rates: Float64Array;
  /** Weighted sum rate `sum_k alpha_k R_k` in bit/s/Hz (the sum SE with unit weights). */
  readonly sumRate: number;
}

/**
 * A differentiable objective of the weighted per-user rates `r_k = alpha_k R_k` (bit/s/Hz).
 * Maximised or minimised is up to the caller; gradients are of `value` as written.
 */
export interface RateObjective {
  readonly name: string;
  value(r: Float64Array): number;
  /** Writes `d value / d r_k` into `out` (length K). */
  grad(r: Float64Array, out: Float64Array): void;
}

/** The weighted sum rate `sum_k r_k` (to be maximised). */
export const weightedSumRate: RateObjective = {
  name: "weighted-sum-rate",
  value: (r) => r.reduce((s, x) => s + x, 0),
  grad: (_r, out) => out.fill(1),
};

/** Parameters of the GLNN training loss. */
export interface GlnnLossParams {
  /** Weight of the rate variance (default 0.3). */
  readonly beta?: number;
  /** Weight of the per-user rate-floor penalty (default 0.7). */
  readonly gamma?: number;
  /** Per-user rate floor in bit/s/Hz (default 2.5). */
  readonly lambda?: number;
}

/**
 * The loss of the GLNN reference code (to be minimised), on weighted rates `r_k`:
 *
 *     L = -sum_k r_k + gamma sum_k ReLU(lambda - r_k) + beta Var(r)
 *
 * with the unbiased variance (divide by K - 1) and the floor applied per user, as in the code
 * (the paper writes `ReLU(lambda K - R)` on the sum; see docs/beamforming.md §7.2). With K = 1 the
 * variance term is 0. The ReLU derivative at the kink is taken as 0 (`[r_k < lambda]`).
 */
export function glnnLoss(params: GlnnLossParams = {}): RateObjective {
  const beta = params.beta ?? 0.3;
  const gamma = params.gamma ?? 0.7;
  const lambda = params.lambda ?? 2.5;
  for (const [n, v] of [
    ["beta", beta],
    ["gamma", gamma],
    ["lambda", lambda],
  ] as const) {
    if (!Number.isFinite(v)) fail("glnnLoss", `${n} must be finite, got ${v}`);
  }
  return {
    name: "glnn-loss",
    value(r) {
      const K = r.length;
      let sum = 0;
      let floor = 0;
      for (let k = 0; k < K; k++) {
        sum += r[k]!;
        floor += Math.max(0, lambda - r[k]!);
      }
      let v = 0;
      if (K > 1) {
        const mean = sum / K;
        for (let k = 0; k < K; k++) v += (r[k]! - mean) ** 2;
        v /= K - 1;
      }
      return -sum + gamma * floor + beta * v;
    },
    grad(r, out) {
      const K = r.length;
      let mean = 0;
      for (let k = 0; k < K; k++) mean += r[k]!;
      mean /= K;
      for (let k = 0; k < K; k++) {
        out[k] = -1 - (r[k]! < lambda ? gamma : 0) + (K > 1 ? (beta * 2 * (r[k]! - mean)) / (K - 1) : 0);
      }
    },
  };
}

/**
 * In-place Cholesky of a small HPD matrix stored row-major in (re, im) of size n × n; returns
 * `log det` (natural) or NaN if not positive definite. The factor overwrites the lower triangle.
 */
function smallChol(n: number, re: Float64Array, im: Float64Array): number {
  let logdet = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sr = re[i * n + j]!;
      let si = j === i ? 0 : im[i * n + j]!;
      for (let k = 0; k < j; k++) {
        const xr = re[i * n + k]!,
          xi = im[i * n + k]!;
        const yr = re[j * n + k]!,
          yi = im[j * n + k]!;
        sr -= xr * yr + xi * yi;
        si -= xi * yr - xr * yi;
      }
      if (j === i) {
        if (!(sr > 0) || !Number.isFinite(sr)) return NaN;
        const l = Math.sqrt(sr);
        re[i * n + i] = l;
        im[i * n + i] = 0;
        logdet += 2 * Math.log(l);
      } else {
        const d = re[j * n + j]!;
        re[i * n + j] = sr / d;
        im[i * n + j] = si / d;
      }
    }
  }
  return logdet;
}

/**
 * Solve `C x = b` in place for one column b (stride `bs`, offset `bo`) of a planar buffer,
 * given the small Cholesky factor of C.
 */
function smallCholSolveColumn(
  n: number,
  lr: Float64Array,
  li: Float64Array,
  br: Float64Array,
  bi: Float64Array,
  bo: number,
  bs: number,
): void {
  for (let i = 0; i < n; i++) {
    let sr = br[bo + i * bs]!;
    let si = bi[bo + i * bs]!;
    for (let k = 0; k < i; k++) {
      const cr = lr[i * n + k]!,
        ci = li[i * n + k]!;
      const yr = br[bo + k * bs]!,
        yi = bi[bo + k * bs]!;
      sr -= cr * yr - ci * yi;
      si -= cr * yi + ci * yr;
    }
    const d = lr[i * n + i]!;
    br[bo + i * bs] = sr / d;
    bi[bo + i * bs] = si / d;
  }
  for (let i = n - 1; i >= 0; i--) {
    let sr = br[bo + i * bs]!;
    let si = bi[bo + i * bs]!;
    for (let k = i + 1; k < n; k++) {
      // (L^H)[i, k] = conj(L[k, i])
      const cr = lr[k * n + i]!,
        ci = -li[k * n + i]!;
      const yr = br[bo + k * bs]!,
        yi = bi[bo + k * bs]!;
      sr -= cr * yr - ci * yi;
      si -= cr * yi + ci * yr;
    }
    const d = lr[i * n + i]!;
    br[bo + i * bs] = sr / d;
    bi[bo + i * bs] = si / d;
  }
}

/**
 * The rate kernel on received-signal matrices: `G = H V` (N × K·d), K users of Nk antennas, d
 * streams each. Writes unweighted rates (bits) into `rates`. If `zScale` is given (length K,
 * `dL/dR_k` in bits per bit), also returns `Z` (N × K·d) with `dL/d conj(V) = H^H Z`.
 *
 * `noise` is sigma^2 (the robust WMMSE passes an inflated value).
 */
export function ratesFromReceived(
  g: CMat,
  K: number,
  Nk: number,
  d: number,
  noise: number,
  rates: Float64Array,
  zScale?: (rates: Float64Array) => Float64Array,
): CMat | null {
  const S = K * d;
  const n2 = Nk * Nk;
  // per-user factors kept for the gradient pass
  // per-user Cholesky factors of C_k and C_{-k}, kept for the gradient pass (scratch: see scratch.ts)
  const fr = scratch("rate.fr", K * n2);
  const fi = scratch("rate.fi", K * n2);
  const mr = scratch("rate.mr", K * n2);
  const mi = scratch("rate.mi", K * n2);
  const cr = scratch("rate.cr", n2);
  const ci = scratch("rate.ci", n2);
  const gr = g.re;
  const gi = g.im;
  for (let k = 0; k < K; k++) {
    const r0 = k * Nk;
    // C_{-k} (Hermitian; fill the lower triangle, which is what Cholesky reads)
    cr.fill(0);
    ci.fill(0);
    for (let a = 0; a < Nk; a++) {
      const ra = (r0 + a) * S;
      for (let b = 0; b <= a; b++) {
        const rb = (r0 + b) * S;
        let sr = 0;
        let si = 0;
        for (let s = 0; s < S; s++) {
          if (s >= k * d && s < (k + 1) * d) continue;
          const xr = gr[ra + s]!,
            xi = gi[ra + s]!;
          const yr = gr[rb + s]!,
            yi = gi[rb + s]!;
          sr += xr * yr + xi * yi;
          si += xi * yr - xr * yi;
        }
        cr[a * Nk + b] = sr + (a === b ? noise : 0);
        ci[a * Nk + b] = a === b ? 0 : si;
      }
    }
    const o = k * n2;
    mr.set(cr, o);
    mi.set(ci, o);
    // C_k = C_{-k} + G_kk G_kk^H
    for (let a = 0; a < Nk; a++) {
      const ra = (r0 + a) * S;
      for (let b = 0; b <= a; b++) {
        const rb = (r0 + b) * S;
        let sr = 0;
        let si = 0;
        for (let s = k * d; s < (k + 1) * d; s++) {
          const xr = gr[ra + s]!,
            xi = gi[ra + s]!;
          const yr = gr[rb + s]!,
            yi = gi[rb + s]!;
          sr += xr * yr + xi * yi;
          si += xi * yr - xr * yi;
        }
        fr[o + a * Nk + b] = cr[a * Nk + b]! + sr;
        fi[o + a * Nk + b] = a === b ? 0 : ci[a * Nk + b]! + si;
      }
    }
    const lrk = fr.subarray(o, o + n2);
    const lik = fi.subarray(o, o + n2);
    const lrm = mr.subarray(o, o + n2);
    const lim = mi.subarray(o, o + n2);
    const ldk = smallChol(Nk, lrk, lik);
    const ldm = smallChol(Nk, lrm, lim);
    if (Number.isNaN(ldk) || Number.isNaN(ldm)) {
      fail("rates", `covariance of user ${k} is not positive definite (non-finite precoder or channel?)`);
    }
    // log det C_k >= log det C_{-k} in exact arithmetic; clamp the round-off below zero
    rates[k] = Math.max(0, (ldk - ldm) / LN2);
  }
  if (!zScale) return null;
  const c = zScale(rates);
  const z = cmat(g.rows, S);
  const tr = scratch("rate.tr", Nk);
  const ti = scratch("rate.ti", Nk);
  const ur = scratch("rate.ur", Nk);
  const ui = scratch("rate.ui", Nk);
  for (let k = 0; k < K; k++) {
    const ck = c[k]! / LN2;
    if (ck === 0) continue;
    const r0 = k * Nk;
    const o = k * n2;
    const lrk = fr.subarray(o, o + n2);
    const lik = fi.subarray(o, o + n2);
    const lrm = mr.subarray(o, o + n2);
    const lim = mi.subarray(o, o + n2);
    for (let s = 0; s < S; s++) {
      // column s of G_k -> C_k^{-1} g (and C_{-k}^{-1} g for the other users' columns)
      for (let a = 0; a < Nk; a++) {
        tr[a] = gr[(r0 + a) * S + s]!;
        ti[a] = gi[(r0 + a) * S + s]!;
      }
      const own = s >= k * d && s < (k + 1) * d;
      ur.set(tr);
      ui.set(ti);
      smallCholSolveColumn(Nk, lrk, lik, ur, ui, 0, 1);
      if (!own) smallCholSolveColumn(Nk, lrm, lim, tr, ti, 0, 1);
      for (let a = 0; a < Nk; a++) {
        z.re[(r0 + a) * S + s] = ck * (ur[a]! - (own ? 0 : tr[a]!));
        z.im[(r0 + a) * S + s] = ck * (ui[a]! - (own ? 0 : ti[a]!));
      }
    }
  }
  return z;
}

function weightedSum(rates: Float64Array, w: Float64Array): number {
  let s = 0;
  for (let k = 0; k < rates.length; k++) s += w[k]! * rates[k]!;
  return s;
}

function objectiveScale(obj: RateObjective, w: Float64Array, out: { value: number }): (rates: Float64Array) => Float64Array {
  return (rates) => {
    const r = rates.map((x, k) => w[k]! * x);
    out.value = obj.value(r);
    const gr = new Float64Array(r.length);
    obj.grad(r, gr);
    for (let k = 0; k < gr.length; k++) gr[k]! *= w[k]!;
    return gr;
  };
}

/**
 * Per-user rates and the weighted sum rate of a precoder.
 * @param ch - channel sample (K users, Nk antennas, M BS antennas)
 * @param v - precoder, shape [M, K·d], complex planar (d streams per user, user k in columns k·d..)
 * @param sys - noise variance, power budget (not enforced here) and weights
 */
export function userRates(ch: ChannelSample, v: CMat, sys: SystemParams): RateResult {
  const d = precoderStreams(ch, v, "userRates");
  checkCMatFinite("userRates", "precoder V", v);
  const rs = resolveSystem(sys, ch.K, "userRates");
  const g = cmatmul(ch.H, v);
  const rates = new Float64Array(ch.K);
  ratesFromReceived(g, ch.K, ch.Nk, d, rs.sigma2, rates);
  return { rates, sumRate: weightedSum(rates, rs.weights) };
}

/** Rates plus the value and gradient of an objective. */
export interface RateGradient extends RateResult {
  /** Objective value (the weighted sum rate unless another objective was given). */
  readonly value: number;
  /** `d value / d conj(V)` or `d value / d conj(X)` (conjugate Wirtinger; PyTorch's `.grad` is twice this). */
  readonly grad: CMat;
}

/**
 * Rates of `V` and the gradient of an objective of the weighted rates with respect to `conj(V)`.
 * @param v - precoder [M, K·d]
 * @param opts.objective - default {@link weightedSumRate}
 * @returns rates, value and `grad = H^H Z` of shape [M, K·d]
 */
export function sumRateAndGradW(ch: ChannelSample, v: CMat, sys: SystemParams, opts: { objective?: RateObjective } = {}): RateGradient {
  const d = precoderStreams(ch, v, "sumRateAndGradW");
  checkCMatFinite("sumRateAndGradW", "precoder V", v);
  const rs = resolveSystem(sys, ch.K, "sumRateAndGradW");
  const g = cmatmul(ch.H, v);
  const rates = new Float64Array(ch.K);
  const box = { value: 0 };
  const z = ratesFromReceived(g, ch.K, ch.Nk, d, rs.sigma2, rates, objectiveScale(opts.objective ?? weightedSumRate, rs.weights, box))!;
  return { rates, sumRate: weightedSum(rates, rs.weights), value: box.value, grad: cmatmulAH(ch.H, z) };
}

/**
 * How a base matrix X becomes a precoder `W = c · H^H X`:
 * - `"none"`: c = 1;
 * - `"power"`: `c = sqrt(P / ||H^H X||_F^2)`, so `||W||_F^2 = P` (the paper's eq. 9);
 * - `"legacy"`: `c = sqrt(P) / sqrt(||H^H X||_F)` as in the GLNN reference code, which gives
 *   `||W||_F^2 = P ||H^H X||_F` (a bug, docs/beamforming.md §7.3; only for reproducing its numbers).
 */
export type Normalization = "none" | "power" | "legacy";

function normalizationExponent(n: Normalization): number {
  if (n === "none") return 0;
  if (n === "power") return 0.5;
  if (n === "legacy") return 0.25;
  return fail("beamforming", `unknown normalization '${n as string}', valid options are 'none', 'power', 'legacy'`);
}

/** Rates, objective and gradient in the row space of the channel (see {@link sumRateAndGradX}). */
export interface RateGradientX extends RateGradient {
  /** Transmit power of the evaluated precoder `||c H^H X||_F^2`. */
  readonly power: number;
  /** The normalisation factor c. */
  readonly scale: number;
}

/**
 * Rates of the precoder `W = c H^H X` (c from `normalize`) and the gradient of an objective with
 * respect to `conj(X)`, through the normalisation. Everything runs on the cached Gram matrix
 * `Hh = H H^H`: with `t = tr(X^H Hh X)`, `c = sqrt(P) t^{-e}` (e = 0, 1/2, 1/4 for none, power,
 * legacy), `G = H W = c Hh X`, `Z` from {@link ratesFromReceived} and `s = Re tr(Z^H Hh X)`:
 *
 *     dL/d conj(X) = c Hh Z - (2 e c s / t) Hh X
 *
 * Cost O(N^2 K d) per call after the Gram matrix (O(N^2 M), once per channel sample), which is what
 * a GLNN training loop calls several times per sample.
 * @param x - base matrix [N, K·d], complex planar
 * @param opts.objective - default {@link weightedSumRate}
 * @param opts.normalize - default `"power"`
 * @example
 * ```ts
 * // one GLNN sample: the gradient input at X0 (already at power P, no re-normalisation), then the
 * // training loss at the normalised output of the network
 * const ch = trajectorySample(Hest, t);                       // Gram matrix computed once, cached
 * const loss = glnnLoss();                                     // beta 0.3, gamma 0.7, lambda 2.5
 * const g0 = sumRateAndGradX(ch, x0, sys, { objective: loss, normalize: "none" });
 * const netInput = g0.grad;                                    // PyTorch's X.grad is 2 * g0.grad
 * const out = sumRateAndGradX(ch, x, sys, { objective: loss, normalize: "power" });
 * // out.value is the loss, out.grad = dL/d conj(X) to backpropagate into the network
 * ```
 */
export function sumRateAndGradX(
  ch: ChannelSample,
  x: CMat,
  sys: SystemParams,
  opts: { objective?: RateObjective; normalize?: Normalization } = {},
): RateGradientX {
  const d = baseStreams(ch, x, "sumRateAndGradX");
  checkCMatFinite("sumRateAndGradX", "base matrix X", x);
  const rs = resolveSystem(sys, ch.K, "sumRateAndGradX");
  const e = normalizationExponent(opts.normalize ?? "power");
  const hx = cmatmul(ch.gram, x); // Hh X
  const t = crealInner(x, hx); // ||H^H X||_F^2
  if (!(t > 0)) fail("sumRateAndGradX", "H^H X is zero: X lies in the null space of the channel");
  const c = e === 0 ? 1 : Math.sqrt(rs.power) * t ** -e;
  const g = cmat(hx.rows, hx.cols);
  for (let i = 0; i < g.re.length; i++) {
    g.re[i] = c * hx.re[i]!;
    g.im[i] = c * hx.im[i]!;
  }
  const rates = new Float64Array(ch.K);
  const box = { value: 0 };
  const z = ratesFromReceived(g, ch.K, ch.Nk, d, rs.sigma2, rates, objectiveScale(opts.objective ?? weightedSumRate, rs.weights, box))!;
  const grad = cmatmul(ch.gram, z);
  if (e !== 0) {
    const s = crealInner(z, hx);
    const f = (2 * e * c * s) / t;
    for (let i = 0; i < grad.re.length; i++) {
      grad.re[i] = c * grad.re[i]! - f * hx.re[i]!;
      grad.im[i] = c * grad.im[i]! - f * hx.im[i]!;
    }
  }
  return { rates, sumRate: weightedSum(rates, rs.weights), value: box.value, grad, power: c * c * t, scale: c };
}

/**
 * Rates of `W = c H^H X` without the gradient (same normalisation rules as {@link sumRateAndGradX}).
 * @param ch - channel sample, H of shape N × M
 * @param x - base matrix X, N × K·d, complex
 * @param sys - noise variance σ², power budget P (same linear unit), user weights
 * @param normalize - how c is chosen (default `power`: ‖W‖_F² = P)
 * @returns per-user rates [K] and weighted sum rate in bit/s/Hz, the power ‖W‖_F² and c
 */
export function userRatesX(
  ch: ChannelSample,
  x: CMat,
  sys: SystemParams,
  normalize: Normalization = "power",
): RateResult & { power: number; scale: number } {
  const d = baseStreams(ch, x, "userRatesX");
  checkCMatFinite("userRatesX", "base matrix X", x);
  const rs = resolveSystem(sys, ch.K, "userRatesX");
  const e = normalizationExponent(normalize);
  const hx = cmatmul(ch.gram, x);
  const t = crealInner(x, hx);
  if (!(t > 0)) fail("userRatesX", "H^H X is zero: X lies in the null space of the channel");
  const c = e === 0 ? 1 : Math.sqrt(rs.power) * t ** -e;
  for (let i = 0; i < hx.re.length; i++) {
    hx.re[i]! *= c;
    hx.im[i]! *= c;
  }
  const rates = new Float64Array(ch.K);
  ratesFromReceived(hx, ch.K, ch.Nk, d, rs.sigma2, rates);
  return { rates, sumRate: weightedSum(rates, rs.weights), power: c * c * t, scale: c };
}

/**
 * The precoder `W = c H^H X` (M × K·d) with the normalisation of {@link sumRateAndGradX}.
 * @param ch - channel sample, H of shape N × M
 * @param x - base matrix X, N × K·d, complex
 * @param sys - noise variance σ², power budget P, user weights
 * @returns W, M × K·d, complex
 */
export function precoderFromX(ch: ChannelSample, x: CMat, sys: SystemParams, normalize: Normalization = "power"): CMat {
  baseStreams(ch, x, "precoderFromX");
  const rs = resolveSystem(sys, ch.K, "precoderFromX");
  const e = normalizationExponent(normalize);
  const w = cmatmulAH(ch.H, x);
  if (e === 0) return w;
  let t = 0;
  for (let i = 0; i < w.re.length; i++) t += w.re[i]! * w.re[i]! + w.im[i]! * w.im[i]!;
  if (!(t > 0)) fail("precoderFromX", "H^H X is zero: X lies in the null space of the channel");
  const c = Math.sqrt(rs.power) * t ** -e;
  for (let i = 0; i < w.re.length; i++) {
    w.re[i]! *= c;
    w.im[i]! *= c;
  }
  return w;
}
