/**
 * Clarke/Jakes isotropic scattering by a sum of sinusoids (docs/channel.md §5) — the test oracle
 * whose ensemble autocorrelation is exactly J0(2π f_D τ) — and i.i.d. Rayleigh fading.
 *
 * For each fading process:
 *   h(t) = (1/√S) Σ_{s=0}^{S−1} exp( j (2π/λ · cos(α_s − θ_v) · s(t) + ϕ_s) ),
 *   α_s = (2πs + ϑ)/S,  ϑ, ϕ_s ~ U(0, 2π),
 * where s(t) is the travelled distance (so speed schedules integrate correctly; at constant
 * speed v the argument is 2π f_D cos(α_s − θ_v) t) and θ_v the direction of travel. The comb
 * of arrival angles is randomly rotated, so every α_s is uniform and E[h(t+τ)h*(t)] = J0(2π f_D τ)
 * for any S; E|h|² = 1.
 *
 * Spatial structure: `iid` draws an independent process per (user antenna, BS antenna) entry;
 * `geometric` gives each user one set of S sinusoids (horizontal arrival angles α_s seen by the
 * user's array, and a uniformly random horizontal departure azimuth per sinusoid seen by the BS
 * array): h[n, m](t) = (1/√S) Σ_s exp(j(…)) a_r(α_s)[n] a_t(φ_s)[m].
 *
 * Sinusoid phases advance by the exact rotation exp(j k_s Δs) per sample and are re-anchored by
 * direct evaluation every 256 samples (rounding drift below 1e−13).
 */
import type { Rng } from "../core/random.ts";
import type { ArrayGeometry } from "./array.ts";
import { arraySize, steeringVectorInto } from "./array.ts";
import type { Trajectory } from "./mobility.ts";

/** Parameters of the Clarke preset (the `clarke` block of a channel config). */
export interface ClarkeParams {
  /** Number of sinusoids S per process (≥ 8; 64 recommended). */
  readonly sinusoids: number;
  /** `iid` per antenna pair, or `geometric` (shared sinusoids seen through both arrays). */
  readonly spatial: "iid" | "geometric";
}

const RESYNC = 256;

/** Advance S phasors along the track, calling `emit(t, zr, zi)` at every sample. */
function runPhasors(
  k: Float64Array,
  phi: Float64Array,
  s: Float64Array,
  emit: (t: number, zr: Float64Array, zi: Float64Array) => void,
): void {
  const S = k.length;
  const zr = new Float64Array(S);
  const zi = new Float64Array(S);
  const rr = new Float64Array(S);
  const ri = new Float64Array(S);
  let lastStep = NaN;
  for (let t = 0; t < s.length; t++) {
    if (t % RESYNC === 0) {
      for (let j = 0; j < S; j++) {
        const a = k[j]! * s[t]! + phi[j]!;
        zr[j] = Math.cos(a);
        zi[j] = Math.sin(a);
      }
    } else {
      const step = s[t]! - s[t - 1]!;
      if (step !== lastStep) {
        for (let j = 0; j < S; j++) {
          rr[j] = Math.cos(k[j]! * step);
          ri[j] = Math.sin(k[j]! * step);
        }
        lastStep = step;
      }
      for (let j = 0; j < S; j++) {
        const a = zr[j]! * rr[j]! - zi[j]! * ri[j]!;
        zi[j] = zr[j]! * ri[j]! + zi[j]! * rr[j]!;
        zr[j] = a;
      }
    }
    emit(t, zr, zi);
  }
}

/**
 * Add one user's Clarke channel into H [T, K, Nk, M].
 * @param heading - direction of travel θ_v (rad)
 */
export function clarkeUser(
  rng: Rng,
  tr: Trajectory,
  heading: number,
  lambda: number,
  p: ClarkeParams,
  bsArray: ArrayGeometry,
  ueArray: ArrayGeometry,
  out: { re: Float64Array; im: Float64Array; users: number; user: number },
): void {
  const S = p.sinusoids;
  const M = arraySize(bsArray);
  const Nk = arraySize(ueArray);
  const K = out.users;
  const kUser = out.user;
  const norm = 1 / Math.sqrt(S);
  const kw = new Float64Array(S);
  const phi = new Float64Array(S);
  const draw = (): Float64Array => {
    const theta = 2 * Math.PI * rng.uniform();
    const alpha = new Float64Array(S);
    for (let j = 0; j < S; j++) {
      alpha[j] = (2 * Math.PI * j + theta) / S;
      kw[j] = ((2 * Math.PI) / lambda) * Math.cos(alpha[j]! - heading);
      phi[j] = 2 * Math.PI * rng.uniform();
    }
    return alpha;
  };
  if (p.spatial === "iid") {
    for (let n = 0; n < Nk; n++) {
      for (let m = 0; m < M; m++) {
        draw();
        runPhasors(kw, phi, tr.s, (t, zr, zi) => {
          let sr = 0;
          let si = 0;
          for (let j = 0; j < S; j++) {
            sr += zr[j]!;
            si += zi[j]!;
          }
          const o = ((t * K + kUser) * Nk + n) * M + m;
          out.re[o] += norm * sr;
          out.im[o] += norm * si;
        });
      }
    }
    return;
  }
  const alpha = draw();
  // Per-sinusoid array responses: a_r(α_s) (horizontal arrival), a_t(φ_s) (random departure).
  const arRe = new Float64Array(Nk * S);
  const arIm = new Float64Array(Nk * S);
  const atRe = new Float64Array(M * S);
  const atIm = new Float64Array(M * S);
  const tmpRe = new Float64Array(Math.max(M, Nk));
  const tmpIm = new Float64Array(Math.max(M, Nk));
  for (let j = 0; j < S; j++) {
    steeringVectorInto(ueArray, [Math.cos(alpha[j]!), Math.sin(alpha[j]!), 0], tmpRe, tmpIm, 0);
    for (let n = 0; n < Nk; n++) {
      arRe[n * S + j] = tmpRe[n]!;
      arIm[n * S + j] = tmpIm[n]!;
    }
    const dep = 2 * Math.PI * rng.uniform();
    steeringVectorInto(bsArray, [Math.cos(dep), Math.sin(dep), 0], tmpRe, tmpIm, 0);
    for (let m = 0; m < M; m++) {
      atRe[m * S + j] = tmpRe[m]!;
      atIm[m * S + j] = tmpIm[m]!;
    }
  }
  const cRe = new Float64Array(S);
  const cIm = new Float64Array(S);
  runPhasors(kw, phi, tr.s, (t, zr, zi) => {
    for (let n = 0; n < Nk; n++) {
      for (let j = 0; j < S; j++) {
        const ar = arRe[n * S + j]!;
        const ai = arIm[n * S + j]!;
        cRe[j] = norm * (zr[j]! * ar - zi[j]! * ai);
        cIm[j] = norm * (zr[j]! * ai + zi[j]! * ar);
      }
      const o = ((t * K + kUser) * Nk + n) * M;
      for (let m = 0; m < M; m++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < S; j++) {
          const br = atRe[m * S + j]!;
          const bi = atIm[m * S + j]!;
          sr += cRe[j]! * br - cIm[j]! * bi;
          si += cRe[j]! * bi + cIm[j]! * br;
        }
        out.re[o + m] += sr;
        out.im[o + m] += si;
      }
    }
  });
}

/** Fill one user's entries of H [T, K, Nk, M] with i.i.d. CN(0, 1) (independent over time too). */
export function rayleighUser(
  rng: Rng,
  T: number,
  Nk: number,
  M: number,
  out: { re: Float64Array; im: Float64Array; users: number; user: number },
): void {
  const n = Nk * M;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let t = 0; t < T; t++) {
    rng.fillComplexNormal(re, im, 1);
    const o = (t * out.users + out.user) * n;
    out.re.set(re, o);
    out.im.set(im, o);
  }
}
