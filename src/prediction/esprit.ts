/**
 * ESPRIT (parametric, per window): model each antenna's samples as a sum of d complex
 * exponentials with common poles, h_m(n) = Σ_{l=1..d} c_{l,m} z_lⁿ, z_l = e^{j2πν_lΔt}
 * (a sum of plane waves with constant Doppler, docs/prediction.md §4.8), and extrapolate.
 *
 * 1. Hankel data matrix with L rows, the antennas as extra snapshots:
 *    Y = [Y_0 … Y_{M−1}] ∈ C^{L × M(P−L+1)},  (Y_m)_{i,j} = y_m(i + j).
 * 2. Signal subspace U_s ∈ C^{L × d}: eigenvectors of the d largest eigenvalues of Y Yᴴ.
 * 3. Shift invariance: U_2 ≈ U_1 Φ with U_1 = U_s[0 : L−1], U_2 = U_s[1 : L]; least squares
 *    Φ = (U_1ᴴU_1)⁻¹ U_1ᴴ U_2; the poles z_l are the eigenvalues of Φ (d × d, non-Hermitian),
 *    clamped to |z_l| ≤ 1 (a growing mode would explode the extrapolation).
 * 4. Amplitudes by least squares on the window, V[n, l] = z_lⁿ: C = (VᴴV + δI)⁻¹ Vᴴ Y_win
 *    (δ = 1e-12 tr(VᴴV)/d guards against nearly equal poles), and ĥ_m(P−1+k) = Σ_l C[l, m] z_l^{P−1+k}.
 *
 * Exact for d plane waves without noise when d < L and d ≤ M(P−L+1) (tested below −100 dB);
 * very noise- and order-sensitive; poles closer than ~1/(PΔt) in frequency are not resolved.
 * Needs regular sampling.
 */
import { checkInt, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { caddDiagInPlace, ceigh, ceigvals, cgram, cgramAH, cmat, cmatmulAH, csolve, csolveHpd, type CMat } from "../core/linalg/index.ts";
import { emptyPrediction, type Predictor } from "./predictor.ts";
import { requireRegular, type WindowSet } from "./windows.ts";

export interface EspritOptions {
  /** Model order d: number of exponentials (default 4). */
  readonly order?: number;
  /** Hankel rows L (default ⌈P/2⌉ + 1, at least d + 1). */
  readonly rows?: number;
}

/** Poles and amplitudes of one window. */
export interface EspritFit {
  /** Poles z_l, planar, length d. */
  readonly zRe: Float64Array;
  readonly zIm: Float64Array;
  /** Amplitudes C [d, M], planar row-major, referred to the window's first sample (n = 0). */
  readonly c: CMat;
}

/**
 * Fit the exponential model to one window.
 * @param yRe - samples [P, M] (time-major), real parts
 * @param yIm - imaginary parts
 */
export function espritFit(yRe: Float64Array, yIm: Float64Array, P: number, M: number, d: number, L: number): EspritFit {
  const K = P - L + 1;
  const Y = cmat(L, M * K);
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < K; j++) {
        Y.re[i * M * K + m * K + j] = yRe[(i + j) * M + m]!;
        Y.im[i * M * K + m * K + j] = yIm[(i + j) * M + m]!;
      }
    }
  }
  const eig = ceigh(cgram(Y)); // ascending
  const U = eig.vectors!;
  // Columns of the d largest eigenvalues.
  const U1 = cmat(L - 1, d),
    U2 = cmat(L - 1, d);
  for (let l = 0; l < d; l++) {
    const col = L - 1 - l;
    for (let i = 0; i < L - 1; i++) {
      U1.re[i * d + l] = U.re[i * L + col]!;
      U1.im[i * d + l] = U.im[i * L + col]!;
      U2.re[i * d + l] = U.re[(i + 1) * L + col]!;
      U2.im[i * d + l] = U.im[(i + 1) * L + col]!;
    }
  }
  const phi = csolve(cgramAH(U1), cmatmulAH(U1, U2));
  const z = ceigvals(phi);
  for (let l = 0; l < d; l++) {
    const r = Math.hypot(z.re[l]!, z.im[l]!);
    if (r > 1) {
      z.re[l] = z.re[l]! / r;
      z.im[l] = z.im[l]! / r;
    }
  }
  // Vandermonde V [P, d] and the window Y_win [P, M].
  const V = cmat(P, d);
  for (let l = 0; l < d; l++) {
    let pr = 1,
      pi = 0;
    for (let n = 0; n < P; n++) {
      V.re[n * d + l] = pr;
      V.im[n * d + l] = pi;
      [pr, pi] = [pr * z.re[l]! - pi * z.im[l]!, pr * z.im[l]! + pi * z.re[l]!];
    }
  }
  const Yw: CMat = { rows: P, cols: M, re: yRe.slice(0, P * M), im: yIm.slice(0, P * M) };
  const G = cgramAH(V);
  let tr = 0;
  for (let l = 0; l < d; l++) tr += G.re[l * d + l]!;
  caddDiagInPlace(G, 1e-12 * (tr / d));
  const c = csolveHpd(G, cmatmulAH(V, Yw));
  return { zRe: z.re, zIm: z.im, c };
}

export class EspritPredictor implements Predictor {
  readonly name: string;
  readonly order: number;
  readonly rows: number | null;
  /** Windows whose fit failed numerically (they fall back to sample-and-hold) in the last predict. */
  fallbacks = 0;

  constructor(options: EspritOptions = {}, name = "esprit") {
    this.order = checkInt("EspritPredictor", "order", options.order ?? 4, 1);
    this.rows = options.rows === undefined ? null : checkInt("EspritPredictor", "rows", options.rows, 2);
    this.name = name;
  }

  fit(): void {}

  parameterCount(): number {
    return 0;
  }

  /** Hankel rows for a window length P. */
  rowsFor(P: number): number {
    return this.rows ?? Math.max(this.order + 1, Math.ceil(P / 2) + 1);
  }

  predict(ws: WindowSet): ComplexTensor {
    requireRegular(ws, "EspritPredictor");
    const { count: n, history: P, horizon: F, antennas: M } = ws;
    const d = this.order;
    const L = this.rowsFor(P);
    if (L > P || d >= L || d > M * (P - L + 1)) {
      fail(
        "EspritPredictor",
        `order ${d} with ${L} Hankel rows does not fit a history of ${P} samples and ${M} antennas (need d < L ≤ P and d ≤ M(P − L + 1))`,
      );
    }
    const out = emptyPrediction(ws);
    this.fallbacks = 0;
    for (let w = 0; w < n; w++) {
      const yRe = ws.inputs.re.subarray(w * P * M, (w + 1) * P * M);
      const yIm = ws.inputs.im.subarray(w * P * M, (w + 1) * P * M);
      let fitted: EspritFit | null = null;
      try {
        fitted = espritFit(yRe, yIm, P, M, d, L);
      } catch {
        fitted = null; // e.g. an all-zero window: U₁ᴴU₁ singular
      }
      for (let k = 0; k < F; k++) {
        const dst = (w * F + k) * M;
        if (!fitted) {
          out.re.set(yRe.subarray((P - 1) * M, P * M), dst);
          out.im.set(yIm.subarray((P - 1) * M, P * M), dst);
          continue;
        }
        const e = P - 1 + k + 1;
        for (let l = 0; l < d; l++) {
          // z_l^e by repeated multiplication in polar form (|z| ≤ 1, no overflow).
          const r = Math.hypot(fitted.zRe[l]!, fitted.zIm[l]!);
          const th = Math.atan2(fitted.zIm[l]!, fitted.zRe[l]!);
          const pr = r ** e * Math.cos(th * e),
            pi = r ** e * Math.sin(th * e);
          for (let m = 0; m < M; m++) {
            const cr = fitted.c.re[l * M + m]!,
              ci = fitted.c.im[l * M + m]!;
            out.re[dst + m]! += cr * pr - ci * pi;
            out.im[dst + m]! += cr * pi + ci * pr;
          }
        }
      }
      if (!fitted) this.fallbacks++;
    }
    return out;
  }
}
