/**
 * Prediction metrics (docs/prediction.md §3).
 *
 * - NMSE per step k as a ratio of sums over the whole test set:
 *   NMSE_k = Σ_w ‖ĥ_w(t+k) − h_w(t+k)‖² / Σ_w ‖h_w(t+k)‖². (A mean of per-window ratios would
 *   be dominated by deep fades; it is not used here.)
 * - Prediction gain over sample-and-hold, in dB: G_k = NMSE_k(hold) − NMSE_k(model).
 * - MRT beamforming gain of the predicted CSI, per step: mean over windows of
 *   |hᴴĥ|² / (‖h‖² ‖ĥ‖²) ∈ [0, 1] (1: the precoder matched to ĥ is matched to h).
 */
import { fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";

function checkPair(where: string, pred: ComplexTensor, target: ComplexTensor): [number, number, number] {
  const s = target.shape;
  if (s.length !== 3 || pred.shape.length !== 3 || pred.shape.some((d, i) => d !== s[i])) {
    fail(where, `predictions have shape ${formatShape(pred.shape)}, targets ${formatShape(s)}; expected equal [n, F, M]`);
  }
  return s as [number, number, number];
}

/**
 * NMSE per prediction step as a ratio of sums (linear, not dB).
 * @param pred - predictions, shape [n, F, M], complex planar
 * @param target - true channel, shape [n, F, M], complex planar
 * @returns NMSE_k for k = 1…F, shape [F]
 */
export function nmsePerStep(pred: ComplexTensor, target: ComplexTensor): Float64Array {
  const [n, F, M] = checkPair("nmsePerStep", pred, target);
  const err = new Float64Array(F);
  const pow = new Float64Array(F);
  for (let w = 0; w < n; w++) {
    for (let k = 0; k < F; k++) {
      const o = (w * F + k) * M;
      for (let m = o; m < o + M; m++) {
        const dr = pred.re[m]! - target.re[m]!,
          di = pred.im[m]! - target.im[m]!;
        err[k]! += dr * dr + di * di;
        pow[k]! += target.re[m]! ** 2 + target.im[m]! ** 2;
      }
    }
  }
  for (let k = 0; k < F; k++) err[k] = pow[k]! > 0 ? err[k]! / pow[k]! : NaN;
  return err;
}

/**
 * 10 log10(x) of every entry.
 * @param x - linear power ratios
 * @returns the same values in dB
 */
export function toDb(x: ArrayLike<number>): number[] {
  return Array.from(x, (v) => 10 * Math.log10(v));
}

/**
 * Mean of the per-step NMSE, in dB: 10 log10(mean_k NMSE_k) — the dB of the linear mean, so one
 * bad step is not hidden by good ones.
 */
export function meanNmseDb(nmse: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < nmse.length; k++) s += nmse[k]!;
  return 10 * Math.log10(s / nmse.length);
}

/** Prediction gain over a reference (sample-and-hold), per step, dB: ref_dB − model_dB. */
export function predictionGainDb(modelNmse: ArrayLike<number>, referenceNmse: ArrayLike<number>): number[] {
  if (modelNmse.length !== referenceNmse.length)
    fail("predictionGainDb", `${modelNmse.length} steps vs ${referenceNmse.length} reference steps`);
  return Array.from(modelNmse, (v, k) => 10 * Math.log10(referenceNmse[k]! / v));
}

/**
 * MRT beamforming gain of the predicted CSI per step: mean over windows of
 * |hᴴĥ|² / (‖h‖² ‖ĥ‖²), the fraction of the matched-filter gain a precoder ĥ/‖ĥ‖ achieves on h.
 * A window with ĥ = 0 or h = 0 counts as 0.
 * @returns shape [F]
 */
export function mrtGain(pred: ComplexTensor, target: ComplexTensor): Float64Array {
  const [n, F, M] = checkPair("mrtGain", pred, target);
  const out = new Float64Array(F);
  for (let w = 0; w < n; w++) {
    for (let k = 0; k < F; k++) {
      const o = (w * F + k) * M;
      let ir = 0,
        ii = 0,
        hh = 0,
        pp = 0;
      for (let m = o; m < o + M; m++) {
        const hr = target.re[m]!,
          hi = target.im[m]!,
          pr = pred.re[m]!,
          pi = pred.im[m]!;
        // hᴴ ĥ = Σ conj(h) ĥ
        ir += hr * pr + hi * pi;
        ii += hr * pi - hi * pr;
        hh += hr * hr + hi * hi;
        pp += pr * pr + pi * pi;
      }
      out[k]! += hh > 0 && pp > 0 ? (ir * ir + ii * ii) / (hh * pp) : 0;
    }
  }
  for (let k = 0; k < F; k++) out[k] = n > 0 ? out[k]! / n : NaN;
  return out;
}
