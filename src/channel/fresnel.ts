/**
 * Fresnel reflection coefficients of a smooth dielectric half-space and ITU-R P.2040 material
 * parameters (docs/channel.md §4.2).
 *
 * Complex relative permittivity ε = ε_r − j·σ/(2π f ε_0) = ε_r − j·17.98·σ/f_GHz (σ in S/m), with
 * ε_r = a·f_GHz^b and σ = c·f_GHz^d. For an incidence angle θ_i from the surface normal:
 *   Γ_TE = (cos θ_i − √(ε − sin²θ_i)) / (cos θ_i + √(ε − sin²θ_i))      (E perpendicular to the plane of incidence)
 *   Γ_TM = (ε cos θ_i − √(ε − sin²θ_i)) / (ε cos θ_i + √(ε − sin²θ_i))  (E in the plane of incidence)
 * (principal square root). A vertically polarised wave is TE on a vertical facade and TM on the
 * ground. Both tend to −1 at grazing incidence.
 */
import { checkNumber, fail } from "../core/errors.ts";

/** ITU-R P.2040 material law: ε_r = a f^b, σ = c f^d (f in GHz, σ in S/m). */
export interface MaterialLaw {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

/**
 * Built-in materials. `concrete`: ITU-R P.2040 (a 5.31, b 0, c 0.0326, d 0.8095; ε_r 5.31 and
 * σ ≈ 0.48 S/m at 28 GHz). `medium-dry-ground`: ITU-R P.2040 / P.527 (15, −0.1, 0.035, 1.63;
 * stated for 1–10 GHz, extrapolated beyond). `perfect-conductor`: Γ = −1 for both polarisations.
 */
export const MATERIALS: Readonly<Record<string, MaterialLaw | "pec">> = {
  concrete: { a: 5.31, b: 0, c: 0.0326, d: 0.8095 },
  "medium-dry-ground": { a: 15, b: -0.1, c: 0.035, d: 1.63 },
  "perfect-conductor": "pec",
};

/** A complex number as a pair. */
export interface Cplx {
  re: number;
  im: number;
}

/**
 * Complex relative permittivity of a material at f_GHz; null for a perfect conductor.
 * @param material - a key of {@link MATERIALS}
 * @param fGHz - frequency, GHz
 * @returns ε = ε_r − j·17.98·σ/f_GHz (dimensionless)
 */
export function permittivity(material: string, fGHz: number): Cplx | null {
  const law = MATERIALS[material];
  if (law === undefined)
    fail(
      "permittivity",
      `unknown material '${material}', valid options are ${Object.keys(MATERIALS)
        .map((m) => `'${m}'`)
        .join(", ")}`,
    );
  checkNumber("permittivity", "frequency (GHz)", fGHz, 1e-9);
  if (law === "pec") return null;
  const er = law.a * fGHz ** law.b;
  const sigma = law.c * fGHz ** law.d;
  return { re: er, im: (-17.98 * sigma) / fGHz };
}

function csqrt(re: number, im: number): Cplx {
  const r = Math.hypot(re, im);
  const sr = Math.sqrt((r + re) / 2);
  const si = Math.sqrt(Math.max(0, (r - re) / 2));
  return { re: sr, im: im < 0 ? -si : si };
}

function cdiv(ar: number, ai: number, br: number, bi: number): Cplx {
  const d = br * br + bi * bi;
  return { re: (ar * br + ai * bi) / d, im: (ai * br - ar * bi) / d };
}

/**
 * Fresnel reflection coefficient.
 * @param eps - complex relative permittivity (null: perfect conductor, Γ = −1)
 * @param cosTheta - cos θ_i ∈ [0, 1], θ_i measured from the surface normal
 * @param pol - `te` (E ⟂ plane of incidence) or `tm` (E in the plane)
 */
export function fresnel(eps: Cplx | null, cosTheta: number, pol: "te" | "tm"): Cplx {
  if (eps === null) return { re: -1, im: 0 };
  const c = Math.min(1, Math.max(0, cosTheta));
  const sin2 = 1 - c * c;
  const root = csqrt(eps.re - sin2, eps.im);
  if (pol === "te") return cdiv(c - root.re, -root.im, c + root.re, root.im);
  const er = eps.re * c;
  const ei = eps.im * c;
  return cdiv(er - root.re, ei - root.im, er + root.re, ei + root.im);
}
