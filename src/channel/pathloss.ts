/**
 * Large-scale propagation of 3GPP TR 38.901 UMi – Street Canyon (Table 7.4.1-1 path loss,
 * Table 7.4.2-1 LOS probability), and free-space loss.
 *
 * Units: distances in m, carrier frequency f_c in GHz, losses in dB (positive = attenuation).
 */
import { checkNumber } from "../core/errors.ts";
import { SPEED_OF_LIGHT } from "./constants.ts";

/** Effective environment height h_E of the UMi breakpoint distance (m). */
export const UMI_ENVIRONMENT_HEIGHT = 1;

/**
 * UMi breakpoint distance d'_BP = 4 h'_BS h'_UT f_c / c with h' = h − h_E, h_E = 1 m.
 * @returns d'_BP in m
 */
export function umiBreakpointDistance(hBs: number, hUt: number, fcGHz: number): number {
  return (4 * (hBs - UMI_ENVIRONMENT_HEIGHT) * (hUt - UMI_ENVIRONMENT_HEIGHT) * fcGHz * 1e9) / SPEED_OF_LIGHT;
}

/**
 * UMi-Street Canyon LOS path loss:
 *   PL1 = 32.4 + 21 log10(d_3D) + 20 log10(f_c)                                   10 m ≤ d_2D ≤ d'_BP
 *   PL2 = 32.4 + 40 log10(d_3D) + 20 log10(f_c) − 9.5 log10(d'_BP² + (h_BS − h_UT)²)   d'_BP ≤ d_2D ≤ 5 km
 * Distances below 10 m are evaluated at d_2D = 10 m (the formula's validity limit); above 5 km the
 * PL2 law is extrapolated.
 * @param d2D - horizontal BS–UE distance (m)
 */
export function umiLosPathLossDb(d2D: number, hBs: number, hUt: number, fcGHz: number): number {
  checkNumber("umiLosPathLossDb", "d2D", d2D, 0);
  const d2 = Math.max(d2D, 10);
  const dh = hBs - hUt;
  const d3 = Math.sqrt(d2 * d2 + dh * dh);
  const dbp = umiBreakpointDistance(hBs, hUt, fcGHz);
  if (d2 <= dbp) return 32.4 + 21 * Math.log10(d3) + 20 * Math.log10(fcGHz);
  return 32.4 + 40 * Math.log10(d3) + 20 * Math.log10(fcGHz) - 9.5 * Math.log10(dbp * dbp + dh * dh);
}

/**
 * UMi-Street Canyon NLOS path loss PL = max(PL_LOS, PL'_NLOS) with
 *   PL'_NLOS = 35.3 log10(d_3D) + 22.4 + 21.3 log10(f_c) − 0.3 (h_UT − 1.5).
 * @param d2D - horizontal BS–UE distance, m
 * @param hBs - BS height, m
 * @param hUt - UE height, m
 * @param fcGHz - carrier frequency, GHz
 * @returns path loss, dB
 */
export function umiNlosPathLossDb(d2D: number, hBs: number, hUt: number, fcGHz: number): number {
  checkNumber("umiNlosPathLossDb", "d2D", d2D, 0);
  const d2 = Math.max(d2D, 10);
  const dh = hBs - hUt;
  const d3 = Math.sqrt(d2 * d2 + dh * dh);
  const nlos = 35.3 * Math.log10(d3) + 22.4 + 21.3 * Math.log10(fcGHz) - 0.3 * (hUt - 1.5);
  return Math.max(umiLosPathLossDb(d2D, hBs, hUt, fcGHz), nlos);
}

/** Shadow-fading standard deviation of UMi-Street Canyon (dB): 4 (LOS), 7.82 (NLOS). */
export function umiShadowFadingStdDb(los: boolean): number {
  return los ? 4 : 7.82;
}

/**
 * UMi-Street Canyon outdoor LOS probability:
 *   P_LOS = 1 for d_2D ≤ 18 m, else 18/d_2D + exp(−d_2D/36)·(1 − 18/d_2D).
 * @param d2D - horizontal BS–UE distance, m
 * @returns P_LOS ∈ [0, 1]
 */
export function umiLosProbability(d2D: number): number {
  checkNumber("umiLosProbability", "d2D", d2D, 0);
  if (d2D <= 18) return 1;
  return 18 / d2D + Math.exp(-d2D / 36) * (1 - 18 / d2D);
}

/**
 * Free-space path loss 20 log10(4π d / λ) in dB.
 * @param distance - path length, m
 * @param fcHz - carrier frequency, Hz
 */
export function freeSpacePathLossDb(distance: number, fcHz: number): number {
  return 20 * Math.log10((4 * Math.PI * distance * fcHz) / SPEED_OF_LIGHT);
}

/** 38.901 O2I building penetration models (Table 7.4.3-2): low-loss and high-loss buildings. */
export type O2iModel = "low" | "high";

/** Standard deviation σ_P (dB) of the O2I penetration loss (Table 7.4.3-2): 4.4 low-loss, 6.5 high-loss. */
export const O2I_SIGMA_DB: Readonly<Record<O2iModel, number>> = { low: 4.4, high: 6.5 };

/**
 * Material penetration losses of 38.901 Table 7.4.3-1 (dB, f in GHz): standard multi-pane glass
 * 2 + 0.2 f, IRR glass 23 + 0.3 f, concrete 5 + 4 f.
 */
export function o2iMaterialLossDb(material: "glass" | "irr-glass" | "concrete", fcGHz: number): number {
  checkNumber("o2iMaterialLossDb", "fcGHz", fcGHz, 0);
  return material === "glass" ? 2 + 0.2 * fcGHz : material === "irr-glass" ? 23 + 0.3 * fcGHz : 5 + 4 * fcGHz;
}

/**
 * Through-wall loss PL_tw of 38.901 Table 7.4.3-2 (dB):
 *   low-loss  5 − 10 log10(0.3·10^{−L_glass/10} + 0.7·10^{−L_concrete/10}),
 *   high-loss 5 − 10 log10(0.7·10^{−L_IRRglass/10} + 0.3·10^{−L_concrete/10}).
 * The full O2I loss is PL_tw + PL_in + N(0, σ_P²) with PL_in = 0.5 d_2D-in (see {@link umiIndoorDistance}).
 */
export function o2iThroughWallLossDb(model: O2iModel, fcGHz: number): number {
  const c = 10 ** (-o2iMaterialLossDb("concrete", fcGHz) / 10);
  return model === "low"
    ? 5 - 10 * Math.log10(0.3 * 10 ** (-o2iMaterialLossDb("glass", fcGHz) / 10) + 0.7 * c)
    : 5 - 10 * Math.log10(0.7 * 10 ** (-o2iMaterialLossDb("irr-glass", fcGHz) / 10) + 0.3 * c);
}

/** Indoor distance d_2D-in = min(25 u1, 25 u2) for UMi (38.901 §7.4.3.1), from two uniforms u1, u2 ∈ [0, 1). */
export function umiIndoorDistance(u1: number, u2: number): number {
  return 25 * Math.min(u1, u2);
}
