/**
 * From drawn rays (delay, angles) to scatterers fixed in space (docs/channel.md §3.4), so that as the
 * user moves, delays, angles and phases drift consistently with the geometry.
 *
 * For a ray with arrival direction r̂_r (from the UE u) and total length D = d_3D + c(τ + Δτ_0):
 * - single bounce: the last-bounce point s = u + ρ r̂_r on the ellipse |s − b| + |s − u| = D,
 *     ρ = (D² − |b − u|²) / (2 (D − r̂_r·(b − u))),
 *   clamped to ρ ≥ ρ_min (D is then lengthened to ρ + |s − b|); the departure direction follows
 *   from the geometry, r̂_t = (s − b)/|s − b|;
 * - double bounce: the last-bounce point s = u + ρ_r r̂_r with ρ_r = κ ρ_single (κ ~ U(0.2, 0.8)),
 *   and the first-bounce point f = b + ρ_t r̂_t on the drawn departure direction, with
 *   ρ_t + |s − f| + ρ_r = D solved in closed form, ρ_t = (L² − |s − b|²)/(2(L − (s − b)·r̂_t)),
 *   L = D − ρ_r (again an ellipse, now with foci b and s). The departure direction is the drawn one.
 * Either way the UE leg |u(t) − s| is the only part that changes with time.
 */
import type { Rng } from "../core/random.ts";
import { DEG, SPEED_OF_LIGHT } from "./constants.ts";
import type { DrawnCluster } from "./clusters.ts";
import type { Fade, ScattererCluster } from "./engine.ts";
import type { Vec3 } from "./geometry.ts";
import { unitVector } from "./geometry.ts";

/** How rays become geometry. */
export type BounceModel = "single" | "double";

/** Options of {@link placeCluster}. */
export interface PlacementOptions {
  readonly bounce: BounceModel;
  /** Extra delay added to every ray (NLOS: no ray can have the straight-line length), s. */
  readonly delayOffset: number;
  /** Minimum UE–scatterer distance ρ_min, m. */
  readonly minDistance: number;
  /** Index of the large-scale factor of these rays (see engine.UserPaths). */
  readonly largeScale: number;
  readonly fade: Fade;
}

/**
 * Turn one drawn cluster into a {@link ScattererCluster} for a BS at b and a UE at u.
 * @param rng - used for the double-bounce split κ only
 */
export function placeCluster(rng: Rng, cluster: DrawnCluster, b: Vec3, u: Vec3, opts: PlacementOptions): ScattererCluster {
  const R = cluster.rays.length;
  const out = {
    size: R,
    sx: new Float64Array(R),
    sy: new Float64Array(R),
    sz: new Float64Array(R),
    dFix: new Float64Array(R),
    ampRe: new Float64Array(R),
    ampIm: new Float64Array(R),
    depX: new Float64Array(R),
    depY: new Float64Array(R),
    depZ: new Float64Array(R),
    largeScale: opts.largeScale,
    fade: opts.fade,
  };
  const bu: Vec3 = [b[0] - u[0], b[1] - u[1], b[2] - u[2]];
  const d3 = Math.hypot(bu[0], bu[1], bu[2]);
  for (let r = 0; r < R; r++) {
    const ray = cluster.rays[r]!;
    const rr = unitVector(ray.zoa * DEG, ray.aoa * DEG);
    let D = d3 + SPEED_OF_LIGHT * (ray.delay + opts.delayOffset);
    const proj = rr[0] * bu[0] + rr[1] * bu[1] + rr[2] * bu[2];
    let rho = D > d3 ? (D * D - d3 * d3) / (2 * (D - proj)) : 0;
    if (!(rho >= opts.minDistance)) {
      rho = opts.minDistance;
      D = rho + Math.hypot(u[0] + rho * rr[0] - b[0], u[1] + rho * rr[1] - b[1], u[2] + rho * rr[2] - b[2]);
    }
    if (opts.bounce === "double") rho *= 0.2 + 0.6 * rng.uniform();
    const s: Vec3 = [u[0] + rho * rr[0], u[1] + rho * rr[1], u[2] + rho * rr[2]];
    out.sx[r] = s[0];
    out.sy[r] = s[1];
    out.sz[r] = s[2];
    if (opts.bounce === "single") {
      const l = Math.hypot(s[0] - b[0], s[1] - b[1], s[2] - b[2]);
      out.dFix[r] = l;
      out.depX[r] = (s[0] - b[0]) / l;
      out.depY[r] = (s[1] - b[1]) / l;
      out.depZ[r] = (s[2] - b[2]) / l;
    } else {
      const rt = unitVector(ray.zod * DEG, ray.aod * DEG);
      // ρ_t + |w − ρ_t r̂_t| = L with w = s − b, L = D − ρ_r: squaring gives the closed form
      // ρ_t = (L² − |w|²) / (2 (L − w·r̂_t)), valid because L > |w| for ρ_r < ρ_single.
      const wx = s[0] - b[0];
      const wy = s[1] - b[1];
      const wz = s[2] - b[2];
      const L = D - rho;
      const pt = Math.max(0, (L * L - (wx * wx + wy * wy + wz * wz)) / (2 * (L - (wx * rt[0] + wy * rt[1] + wz * rt[2]))));
      out.dFix[r] = pt + Math.hypot(wx - pt * rt[0], wy - pt * rt[1], wz - pt * rt[2]);
      out.depX[r] = rt[0];
      out.depY[r] = rt[1];
      out.depZ[r] = rt[2];
    }
    const a = Math.sqrt(ray.power);
    out.ampRe[r] = a * Math.cos(ray.phase);
    out.ampIm[r] = a * Math.sin(ray.phase);
  }
  return out;
}
