/**
 * The receiver and weight steps shared by WMMSE (Shi et al. 2011) and R-WMMSE (Zhao et al. 2023),
 * and the Lagrange-multiplier search of the WMMSE precoder step.
 *
 * Given the received-signal matrix `G = H V` (N × K·d; user k's block `G_kj = H_k V_j`) and an
 * effective noise variance `s2`:
 *
 *     C_k = sum_j G_kj G_kj^H + s2 I                 (Nk × Nk)
 *     U_k = C_k^{-1} G_kk                             (MMSE receiver, Nk × d)
 *     W_k = (I - U_k^H G_kk)^{-1} = I + G_kk^H C_{-k}^{-1} G_kk   (MSE weight, d × d, >= I)
 *
 * The second form of W_k (matrix-inversion lemma) is used: it is exactly Hermitian PD and does not
 * lose digits when the MSE is small. At these U and W, `log det W_k` equals the rate of user k in
 * nats, so the WMMSE objective and the sum rate coincide (Shi's stopping rule and the relative-rate
 * rule differ only in the tolerance).
 */
import { fail } from "../core/errors.ts";
import { cmat, type CMat } from "../core/linalg/cmat.ts";
import { cholSolve, tryCholesky } from "../core/linalg/cholesky.ts";

/** Output of {@link mmseStep}. */
export interface MmseStep {
  /** Block-diagonal receivers `Ubar` (N × K·d): rows and columns of user k hold U_k. */
  readonly ubar: CMat;
  /** MSE weights W_k (d × d each), length K. */
  readonly w: CMat[];
  /** `log det W_k` (nats), length K: the rate of user k at the current precoder. */
  readonly logDetW: Float64Array;
  /** `sum_k alpha_k log det W_k / ln 2` in bit/s/Hz. */
  readonly objective: number;
}

function block(g: CMat, r0: number, nr: number, c0: number, nc: number): CMat {
  const out = cmat(nr, nc);
  for (let i = 0; i < nr; i++) {
    for (let j = 0; j < nc; j++) {
      out.re[i * nc + j] = g.re[(r0 + i) * g.cols + c0 + j]!;
      out.im[i * nc + j] = g.im[(r0 + i) * g.cols + c0 + j]!;
    }
  }
  return out;
}

/** `A^H B` for small blocks. */
function ah(a: CMat, b: CMat): CMat {
  const out = cmat(a.cols, b.cols);
  for (let i = 0; i < a.cols; i++) {
    for (let j = 0; j < b.cols; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < a.rows; k++) {
        const xr = a.re[k * a.cols + i]!,
          xi = -a.im[k * a.cols + i]!;
        const yr = b.re[k * b.cols + j]!,
          yi = b.im[k * b.cols + j]!;
        sr += xr * yr - xi * yi;
        si += xr * yi + xi * yr;
      }
      out.re[i * b.cols + j] = sr;
      out.im[i * b.cols + j] = si;
    }
  }
  return out;
}

/**
 * Receivers, weights and the objective at `G = H V`.
 * @param g - received-signal matrix [N, K·d]
 * @param s2 - effective noise variance (> 0), one for all users or one per user (length K)
 */
export function mmseStep(g: CMat, K: number, Nk: number, d: number, s2: number | Float64Array, weights: Float64Array): MmseStep {
  const S = K * d;
  const ubar = cmat(g.rows, S);
  const w: CMat[] = [];
  const logDetW = new Float64Array(K);
  let objective = 0;
  for (let k = 0; k < K; k++) {
    const r0 = k * Nk;
    const gk = block(g, r0, Nk, 0, S);
    const gkk = block(g, r0, Nk, k * d, d);
    // C_{-k} and C_k (lower triangles suffice for Cholesky; fill both for clarity)
    const cm = cmat(Nk, Nk);
    const cf = cmat(Nk, Nk);
    for (let a = 0; a < Nk; a++) {
      for (let b = 0; b < Nk; b++) {
        let sr = 0,
          si = 0,
          or = 0,
          oi = 0;
        for (let s = 0; s < S; s++) {
          const xr = gk.re[a * S + s]!,
            xi = gk.im[a * S + s]!;
          const yr = gk.re[b * S + s]!,
            yi = gk.im[b * S + s]!;
          const pr = xr * yr + xi * yi;
          const pi = xi * yr - xr * yi;
          if (s >= k * d && s < (k + 1) * d) {
            or += pr;
            oi += pi;
          } else {
            sr += pr;
            si += pi;
          }
        }
        const diag = a === b ? (typeof s2 === "number" ? s2 : s2[k]!) : 0;
        cm.re[a * Nk + b] = sr + diag;
        cm.im[a * Nk + b] = a === b ? 0 : si;
        cf.re[a * Nk + b] = sr + or + diag;
        cf.im[a * Nk + b] = a === b ? 0 : si + oi;
      }
    }
    const lf = tryCholesky(cf);
    const lm = tryCholesky(cm);
    if (!lf || !lm) fail("wmmse", `covariance of user ${k} is not positive definite (non-finite precoder?)`);
    const uk = cholSolve(lf, gkk); // C_k^{-1} G_kk
    const t = cholSolve(lm, gkk); // C_{-k}^{-1} G_kk
    const wk = ah(gkk, t); // G_kk^H C_{-k}^{-1} G_kk
    for (let i = 0; i < d; i++) wk.re[i * d + i]! += 1;
    // exactly Hermitian
    for (let i = 0; i < d; i++) {
      wk.im[i * d + i] = 0;
      for (let j = 0; j < i; j++) {
        const vr = 0.5 * (wk.re[i * d + j]! + wk.re[j * d + i]!);
        const vi = 0.5 * (wk.im[i * d + j]! - wk.im[j * d + i]!);
        wk.re[i * d + j] = vr;
        wk.im[i * d + j] = vi;
        wk.re[j * d + i] = vr;
        wk.im[j * d + i] = -vi;
      }
    }
    const lw = tryCholesky(wk);
    if (!lw) fail("wmmse", `MSE weight of user ${k} is not positive definite`);
    let ld = 0;
    for (let i = 0; i < d; i++) ld += 2 * Math.log(lw.re[i * d + i]!);
    logDetW[k] = ld;
    objective += (weights[k]! * ld) / Math.LN2;
    w.push(wk);
    for (let a = 0; a < Nk; a++) {
      for (let i = 0; i < d; i++) {
        ubar.re[(r0 + a) * S + k * d + i] = uk.re[a * d + i]!;
        ubar.im[(r0 + a) * S + k * d + i] = uk.im[a * d + i]!;
      }
    }
  }
  return { ubar, w, logDetW, objective };
}

/**
 * The precoder-step ingredients in the row space:
 * `D = blkdiag(alpha_k U_k W_k U_k^H)` (N × N, Hermitian PSD), `Y = blkdiag(alpha_k U_k W_k)`
 * (N × K·d) and `rho = tr(D) = sum_k rho_k`, `rho_k = alpha_k tr(U_k W_k U_k^H)`, so that the WMMSE
 * precoder step is `V = (H^H D H + mu I)^{-1} H^H Y`.
 */
export function precoderStepTerms(
  st: MmseStep,
  K: number,
  Nk: number,
  d: number,
  weights: Float64Array,
): { D: CMat; Y: CMat; rho: number; rhoPerUser: Float64Array } {
  const N = K * Nk;
  const S = K * d;
  const D = cmat(N, N);
  const Y = cmat(N, S);
  let rho = 0;
  const rhoPerUser = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const a = weights[k]!;
    if (a === 0) continue;
    const r0 = k * Nk;
    const uk = block(st.ubar, r0, Nk, k * d, d);
    const wk = st.w[k]!;
    // U_k W_k (Nk × d)
    const uw = cmat(Nk, d);
    for (let i = 0; i < Nk; i++) {
      for (let j = 0; j < d; j++) {
        let sr = 0,
          si = 0;
        for (let l = 0; l < d; l++) {
          const xr = uk.re[i * d + l]!,
            xi = uk.im[i * d + l]!;
          const yr = wk.re[l * d + j]!,
            yi = wk.im[l * d + j]!;
          sr += xr * yr - xi * yi;
          si += xr * yi + xi * yr;
        }
        uw.re[i * d + j] = sr;
        uw.im[i * d + j] = si;
        Y.re[(r0 + i) * S + k * d + j] = a * sr;
        Y.im[(r0 + i) * S + k * d + j] = a * si;
      }
    }
    // D_k = alpha (U W) U^H
    for (let i = 0; i < Nk; i++) {
      for (let j = 0; j < Nk; j++) {
        let sr = 0,
          si = 0;
        for (let l = 0; l < d; l++) {
          const xr = uw.re[i * d + l]!,
            xi = uw.im[i * d + l]!;
          const yr = uk.re[j * d + l]!,
            yi = uk.im[j * d + l]!;
          sr += xr * yr + xi * yi;
          si += xi * yr - xr * yi;
        }
        D.re[(r0 + i) * N + r0 + j] = a * sr;
        D.im[(r0 + i) * N + r0 + j] = i === j ? 0 : a * si;
      }
      rhoPerUser[k]! += D.re[(r0 + i) * N + r0 + i]!;
    }
    rho += rhoPerUser[k]!;
  }
  return { D, Y, rho, rhoPerUser };
}

/**
 * The Lagrange multiplier of the sum-power constraint from the eigen-data of the precoder step:
 * the power is `p(mu) = sum_m phi_m / (lambda_m + mu)^2`, strictly decreasing in mu.
 *
 * Eigenvalues below `1e-10 · lambda_max` are dropped (their phi_m is round-off: the right-hand side
 * lies in the range of the matrix), which makes the `mu -> 0` limit the minimum-norm solution
 * rather than round-off times 1/mu^2 (docs/beamforming.md §5.1). If
 * `p(0) <= P` the constraint is inactive and mu = 0; otherwise bisection on
 * `[0, sqrt(sum phi / P)]` until the bracket is relatively 1e-14 wide, returning the feasible end.
 * @returns mu and the mask of kept eigenvalues
 * @param lambda - eigenvalues λ_m of the precoder-step matrix, length r
 * @param phi - weights φ_m of the power function, length r (same unit as P times λ²)
 * @param power - power budget P > 0
 */
export function powerMultiplier(lambda: Float64Array, phi: Float64Array, power: number): { mu: number; keep: Uint8Array } {
  const n = lambda.length;
  let top = 0;
  for (let m = 0; m < n; m++) if (lambda[m]! > top) top = lambda[m]!;
  const keep = new Uint8Array(n);
  let sumPhi = 0;
  let p0 = 0;
  for (let m = 0; m < n; m++) {
    if (lambda[m]! > 1e-10 * top && top > 0) {
      keep[m] = 1;
      sumPhi += phi[m]!;
      p0 += phi[m]! / (lambda[m]! * lambda[m]!);
    }
  }
  if (p0 <= power) return { mu: 0, keep };
  const pw = (mu: number) => {
    let s = 0;
    for (let m = 0; m < n; m++) if (keep[m]) s += phi[m]! / ((lambda[m]! + mu) * (lambda[m]! + mu));
    return s;
  };
  let lo = 0;
  let hi = Math.sqrt(sumPhi / power);
  for (let it = 0; it < 200 && hi - lo > 1e-14 * hi; it++) {
    const mid = 0.5 * (lo + hi);
    if (pw(mid) > power) lo = mid;
    else hi = mid;
  }
  return { mu: hi, keep };
}
