/**
 * The `o1-28ghz` scenario: a street canyon traced by the image method, standing in for
 * DeepMIMO O1 (Wireless InSite ray tracing of a street canyon; docs/channel.md §4).
 *
 * Street-local frame: x along the street, facades in the planes y = 0 and y = W, ground z = 0.
 * Image sources of the BS b = (x_b, y_b, z_b): y-images at 2nW ± y_b (|2n| or |2n − 1| facade
 * reflections) and, with the ground, the same at z = −z_b. For a user at u the unfolded straight
 * line from an image p to u gives the exact path length D = |u − p|; the line crosses the planes
 * y = kW (k strictly between the image's and the user's y) at the specular points, on wall
 * y = 0 for even k and y = W for odd k. Each path has
 *   amplitude  λ/(4πD) · Π Γ_facade(θ_i) · Γ_ground(θ_i) · 10^{−L_extra·order/20} · Π w_edge,
 * with cos θ_i = |d_y|/D on facades (TE for vertical polarisation) and |d_z|/D on the ground (TM),
 * and w_edge a raised-cosine ramp (width `edgeRamp`) of the specular point's distance to the
 * nearest facade edge: reflections vanish smoothly when their specular point moves into a gap
 * between buildings or the cross street (paths are born and die with the geometry). Facades are
 * of unlimited height and smooth.
 *
 * Directions: the arrival direction at the user is (p − u)/D; the departure direction at the BS
 * is the unfolded direction (u − p)/D with its y component flipped once per facade reflection and
 * its z component flipped for a ground reflection.
 *
 * Optional diffuse scatterers (shared by all users): point scatterers on the facades, each a few
 * rays spread over a patch, with amplitude a·λ/(4π(|s − b| + |u − s|)), a² 10–20 dB below a
 * specular path of the same length, and a random phase.
 */
import type { Rng } from "../core/random.ts";
import type { MovingPath, PathSample } from "./engine.ts";
import { ALWAYS } from "./engine.ts";
import type { Cplx } from "./fresnel.ts";
import { fresnel, permittivity } from "./fresnel.ts";
import type { Vec3 } from "./geometry.ts";

/** Parameters of the canyon scenario (the `canyon` block of a channel config). */
export interface CanyonParams {
  /** Street width W (m): facades at y = 0 and y = W. */
  readonly streetWidth: number;
  /** BS array reference position (m). */
  readonly bsPosition: Vec3;
  /**
   * BS array axis: `along-street` (x, DeepMIMO O1's usual ULA), `across-street` (y), or `custom`
   * (the config's bsArray.axis). Recorded in the output metadata.
   */
  readonly bsArrayOrientation: "along-street" | "across-street" | "custom";
  /** User height (m). */
  readonly ueHeight: number;
  /** Users stay in xRange[0] ≤ |x − x_BS| ≤ xRange[1] and yRange[0] ≤ y ≤ yRange[1] (m). */
  readonly xRange: readonly [number, number];
  readonly yRange: readonly [number, number];
  /** Building facade segments: length and gap (m), and where a segment starts on each wall (x, m). */
  readonly facadeLength: number;
  readonly facadeGap: number;
  readonly facadeOffsets: readonly [number, number];
  /** Cross street [x0, x1] (m) without facades on either side, or null. */
  readonly crossStreet: readonly [number, number] | null;
  /** Highest number of facade reflections (0: LOS only). */
  readonly maxOrder: number;
  /** Add ground-reflected versions of every facade path (incl. the LOS: the two-ray ground path). */
  readonly ground: boolean;
  readonly facadeMaterial: string;
  readonly groundMaterial: string;
  /** Extra loss per facade reflection (roughness, windows), dB. */
  readonly extraReflectionLossDb: number;
  /** Width of the facade-edge amplitude ramp (m). */
  readonly edgeRamp: number;
  /** Number of diffuse facade scatterers shared by all users (0: none). */
  readonly diffuseScatterers: number;
  /** Rays per diffuse scatterer, and the patch standard deviation they are spread over (m). */
  readonly diffuseRays: number;
  readonly diffusePatch: number;
  /** Diffuse power below a specular path of the same length: U(lo, hi) dB. */
  readonly diffuseLossDb: readonly [number, number];
  /** Lane-keeping wander of the users: lateral σ (m) and distance scale (m). */
  readonly lateralSigma: number;
  readonly lateralLength: number;
}

/** Signed distance (m, positive on a facade) from x to the nearest facade edge of a wall. */
export function facadeEdgeDistance(p: CanyonParams, wall: 0 | 1, x: number): number {
  const period = p.facadeLength + p.facadeGap;
  let r = (x - p.facadeOffsets[wall]) % period;
  if (r < 0) r += period;
  let d = r < p.facadeLength ? Math.min(r, p.facadeLength - r) : -Math.min(r - p.facadeLength, period - r);
  if (p.crossStreet) {
    const [c0, c1] = p.crossStreet;
    const dc = x < c0 ? c0 - x : x > c1 ? x - c1 : -Math.min(x - c0, c1 - x);
    d = Math.min(d, dc);
  }
  return d;
}

function edgeWeight(p: CanyonParams, wall: 0 | 1, x: number): number {
  const d = facadeEdgeDistance(p, wall, x);
  if (p.edgeRamp <= 0) return d >= 0 ? 1 : 0;
  const u = d / p.edgeRamp + 0.5;
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return 0.5 - 0.5 * Math.cos(Math.PI * u);
}

/** One image-method path: the image position and its reflection counts. */
export interface ImagePath {
  /** Image source position (unfolded), m. */
  readonly image: Vec3;
  /** Number of facade reflections and whether the ground reflects. */
  readonly facadeReflections: number;
  readonly groundReflection: boolean;
}

/** The image sources of the canyon up to `maxOrder` facade reflections (LOS first). */
export function canyonImages(p: CanyonParams): ImagePath[] {
  const [xb, yb, zb] = p.bsPosition;
  const W = p.streetWidth;
  const out: ImagePath[] = [];
  const ys: { y: number; order: number }[] = [{ y: yb, order: 0 }];
  for (let n = 1; 2 * n - 1 <= p.maxOrder; n++) {
    // 2nW − y_b and −2(n−1)W − y_b have 2n − 1 reflections; ±2nW + y_b have 2n.
    ys.push({ y: 2 * n * W - yb, order: 2 * n - 1 }, { y: -2 * (n - 1) * W - yb, order: 2 * n - 1 });
    if (2 * n <= p.maxOrder) ys.push({ y: 2 * n * W + yb, order: 2 * n }, { y: -2 * n * W + yb, order: 2 * n });
  }
  for (const { y, order } of ys) {
    out.push({ image: [xb, y, zb], facadeReflections: order, groundReflection: false });
    if (p.ground) out.push({ image: [xb, y, -zb], facadeReflections: order, groundReflection: true });
  }
  return out;
}

/**
 * The canyon's specular paths as engine paths (shared by all users).
 * @param lambda - wavelength (m); fcGHz - carrier for the material laws
 * @param largeScale - large-scale factor index for every path (−1: none)
 */
export function canyonPaths(p: CanyonParams, lambda: number, fcGHz: number, largeScale: number): MovingPath[] {
  const W = p.streetWidth;
  const epsF = permittivity(p.facadeMaterial, fcGHz);
  const epsG = permittivity(p.groundMaterial, fcGHz);
  const extra = 10 ** (-p.extraReflectionLossDb / 20);
  return canyonImages(p).map((img) => {
    const [px, py, pz] = img.image;
    const order = img.facadeReflections;
    const extraAmp = extra ** order;
    return {
      largeScale,
      fade: ALWAYS,
      evaluate(ux: number, uy: number, uz: number, out: PathSample): boolean {
        const dx = ux - px;
        const dy = uy - py;
        const dz = uz - pz;
        const D = Math.sqrt(dx * dx + dy * dy + dz * dz);
        let gr = (lambda / (4 * Math.PI * D)) * extraAmp;
        let gi = 0;
        if (order > 0) {
          // Specular points: crossings of the planes y = kW strictly between py and uy.
          const kLo = Math.min(py, uy) / W;
          const kHi = Math.max(py, uy) / W;
          let w = 1;
          for (let kk = Math.floor(kLo) + 1; kk < kHi; kk++) {
            const x = px + ((kk * W - py) / dy) * dx;
            w *= edgeWeight(p, (((kk % 2) + 2) % 2) as 0 | 1, x);
            if (w === 0) return false;
          }
          const g = fresnel(epsF, Math.abs(dy) / D, "te");
          let r: Cplx = { re: 1, im: 0 };
          for (let i = 0; i < order; i++) r = { re: r.re * g.re - r.im * g.im, im: r.re * g.im + r.im * g.re };
          gr *= w;
          gi = gr * r.im;
          gr = gr * r.re;
        }
        if (img.groundReflection) {
          const g = fresnel(epsG, Math.abs(dz) / D, "tm");
          const t = gr * g.re - gi * g.im;
          gi = gr * g.im + gi * g.re;
          gr = t;
        }
        out.D = D;
        out.ampRe = gr;
        out.ampIm = gi;
        const fy = order % 2 === 1 ? -1 : 1;
        const fz = img.groundReflection ? -1 : 1;
        out.dep[0] = dx / D;
        out.dep[1] = (fy * dy) / D;
        out.dep[2] = (fz * dz) / D;
        out.arr[0] = -dx / D;
        out.arr[1] = -dy / D;
        out.arr[2] = -dz / D;
        return true;
      },
    };
  });
}

/**
 * Diffuse facade scatterers shared by all users: `diffuseScatterers` points uniformly along
 * both facades within the user range, 1–10 m high, each with `diffuseRays` rays spread over a
 * patch (Gaussian, σ = `diffusePatch` m, on the facade plane).
 */
export function canyonDiffusePaths(rng: Rng, p: CanyonParams, lambda: number, largeScale: number): MovingPath[] {
  const out: MovingPath[] = [];
  const [xb, yb, zb] = p.bsPosition;
  for (let i = 0; i < p.diffuseScatterers; i++) {
    const wall = rng.uniform() < 0.5 ? 0 : 1;
    const side = rng.uniform() < 0.5 ? -1 : 1;
    const xc = xb + side * (p.xRange[0] + (p.xRange[1] - p.xRange[0]) * rng.uniform());
    const zc = 1 + 9 * rng.uniform();
    const lossDb = p.diffuseLossDb[0] + (p.diffuseLossDb[1] - p.diffuseLossDb[0]) * rng.uniform();
    const a = 10 ** (-lossDb / 20) / Math.sqrt(p.diffuseRays);
    for (let r = 0; r < p.diffuseRays; r++) {
      const s: Vec3 = [
        xc + p.diffusePatch * rng.normal(),
        wall === 0 ? 0 : p.streetWidth,
        Math.max(0.1, zc + p.diffusePatch * rng.normal()),
      ];
      const phase = 2 * Math.PI * rng.uniform();
      const ar = a * Math.cos(phase);
      const ai = a * Math.sin(phase);
      const d1 = Math.hypot(s[0] - xb, s[1] - yb, s[2] - zb);
      const dep: Vec3 = [(s[0] - xb) / d1, (s[1] - yb) / d1, (s[2] - zb) / d1];
      out.push({
        largeScale,
        fade: ALWAYS,
        evaluate(ux, uy, uz, o) {
          const ex = s[0] - ux;
          const ey = s[1] - uy;
          const ez = s[2] - uz;
          const d2 = Math.sqrt(ex * ex + ey * ey + ez * ez);
          const D = d1 + d2;
          const fs = lambda / (4 * Math.PI * D);
          o.D = D;
          o.ampRe = fs * ar;
          o.ampIm = fs * ai;
          o.dep[0] = dep[0];
          o.dep[1] = dep[1];
          o.dep[2] = dep[2];
          o.arr[0] = ex / d2;
          o.arr[1] = ey / d2;
          o.arr[2] = ez / d2;
          return true;
        },
      });
    }
  }
  return out;
}
