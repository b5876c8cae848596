/**
 * Transmit power of a precoder, exact rescaling to the budget, and water-filling.
 */
import { fail } from "../core/errors.ts";
import { cfrob2, type CMat } from "../core/linalg/cmat.ts";

/**
 * Transmit power `sum_k tr(V_k V_k^H) = ||V||_F^2`.
 * @param v - precoder, M × K·d, complex
 * @returns ‖V‖_F², in the unit of P
 */
export function precoderPower(v: CMat): number {
  return cfrob2(v);
}

/**
 * Rescale V in place so that `||V||_F^2 = P` (to the last few ulps).
 * @throws LiquidwaveError if V is zero (no direction to scale) or non-finite.
 * @param v - precoder, M × K·d, complex (modified in place)
 * @param power - target power P > 0 (linear)
 * @returns `v`
 */
export function scaleToPower(v: CMat, power: number, where = "scaleToPower"): CMat {
  const p = cfrob2(v);
  if (!(p > 0) || !Number.isFinite(p)) fail(where, `cannot scale a precoder of power ${p} to P = ${power}`);
  const c = Math.sqrt(power / p);
  for (let i = 0; i < v.re.length; i++) {
    v.re[i]! *= c;
    v.im[i]! *= c;
  }
  return v;
}

/**
 * Water-filling: maximise `sum_i log(1 + g_i p_i)` subject to `sum_i p_i = P`, `p_i >= 0`.
 * Solution `p_i = (mu - 1/g_i)^+` with the water level mu set by the budget (exact, by sorting).
 * Channels with `g_i <= 0` get no power.
 * @param gains - SNR per unit power of each parallel channel (g_i = gain_i / sigma^2)
 * @param power - total power P > 0
 * @returns powers p_i, summing to P (exactly up to round-off), or all zero if no gain is positive
 */
export function waterFilling(gains: ArrayLike<number>, power: number): Float64Array {
  const n = gains.length;
  const p = new Float64Array(n);
  if (!(power > 0) || !Number.isFinite(power)) fail("waterFilling", `power must be a finite number > 0, got ${power}`);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = gains[i]!;
    if (Number.isNaN(g)) fail("waterFilling", `gain ${i} is NaN`);
    if (g > 0) idx.push(i);
  }
  if (idx.length === 0) return p;
  idx.sort((a, b) => gains[b]! - gains[a]!); // strongest first
  // With the m strongest active: mu = (P + sum 1/g) / m; valid while mu > 1/g_m.
  let sumInv = 0;
  let mu = 0;
  let active = 0;
  for (let m = 1; m <= idx.length; m++) {
    const inv = 1 / gains[idx[m - 1]!]!;
    const cand = (power + sumInv + inv) / m;
    if (cand <= inv) break;
    sumInv += inv;
    mu = cand;
    active = m;
  }
  let total = 0;
  for (let m = 0; m < active; m++) {
    const i = idx[m]!;
    p[i] = Math.max(0, mu - 1 / gains[i]!);
    total += p[i]!;
  }
  // remove the round-off of the level so that sum p = P to the last ulps
  if (total > 0) for (let m = 0; m < active; m++) p[idx[m]!]! *= power / total;
  return p;
}
