/**
 * Antenna elements and polarisation (docs/channel.md §3.6): the 38.901 BS element pattern
 * (TR 38.901 Table 7.3-1), dual-polarised elements (polarised antenna model 2 of §7.3.2) and the
 * per-ray cross-polarisation of §7.5 steps 9–11, applied on top of the isotropic ray engine.
 *
 * A path l with departure direction r̂_t and arrival direction r̂_r contributes, between receive
 * polarisation p_r (slant ζ_r) and transmit polarisation p_t (slant ζ_t),
 *
 *     c_l(p_r, p_t) = F_r(p_r)ᵀ · P_l · F_t(p_t, r̂_t),      F(ζ) = √G(r̂) · [cos ζ, sin ζ]ᵀ  ([θ̂, φ̂] components)
 *
 * with G the element power gain (1 for isotropic elements) and the 2 × 2 polarisation matrix
 *
 *     P_l = [[e^{jΦθθ}, κ^{−1/2} e^{jΦθφ}], [κ^{−1/2} e^{jΦφθ}, e^{jΦφφ}]]   (scattered rays; κ = 10^{X/10}, X ~ N(μ_XPR, σ²_XPR))
 *     P_LOS = [[1, 0], [0, −1]]                                            (the direct path)
 *
 * times the path's amplitude. Model 2 takes the slant as a fixed split of the field into θ̂ and φ̂
 * components; with the panel rotated about the vertical only (a bearing, no downtilt) the local and
 * global θ̂, φ̂ coincide, so no polarisation rotation angle appears.
 */
import { fail } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import type { ArrayGeometry } from "./array.ts";
import { arraySize } from "./array.ts";
import type { EngineOutput, MovingPath, ScattererCluster, UserPaths } from "./engine.ts";
import { evaluateUserChannel } from "./engine.ts";
import type { Vec3 } from "./geometry.ts";
import type { Trajectory } from "./mobility.ts";

/** Element pattern of the BS array: isotropic (gain 1) or 38.901 Table 7.3-1. */
export type ElementPattern = "isotropic" | "tr38901";

/**
 * The 38.901 BS antenna element (Table 7.3-1): 3 dB beamwidths 65° (vertical and horizontal),
 * side-lobe level and front-to-back ratio 30 dB, maximum directional gain 8 dBi.
 */
export const TR38901_ELEMENT = { beamwidthDeg: 65, sideLobeDb: 30, frontBackDb: 30, maxGainDbi: 8 } as const;

/**
 * Gain of the 38.901 element in dBi at local zenith θ' and azimuth φ' (degrees; boresight at
 * θ' = 90°, φ' = 0):
 *
 *     A_V = −min(12 ((θ' − 90)/65)², 30),   A_H = −min(12 (φ'/65)², 30),
 *     A = 8 − min(−(A_V + A_H), 30).
 * @param thetaDeg - local zenith in [0, 180]
 * @param phiDeg - local azimuth, any value (wrapped to (−180, 180])
 * @returns gain in dBi, in [−22, 8]
 */
export function tr38901ElementGainDb(thetaDeg: number, phiDeg: number): number {
  const e = TR38901_ELEMENT;
  let phi = phiDeg % 360;
  if (phi > 180) phi -= 360;
  else if (phi <= -180) phi += 360;
  const aV = -Math.min(12 * ((thetaDeg - 90) / e.beamwidthDeg) ** 2, e.sideLobeDb);
  const aH = -Math.min(12 * (phi / e.beamwidthDeg) ** 2, e.frontBackDb);
  return e.maxGainDbi - Math.min(-(aV + aH), e.frontBackDb);
}

/** What the BS and user antennas add to the isotropic single-polarised engine. */
export interface AntennaModel {
  /** BS element pattern and its boresight azimuth (rad from +x, horizontal boresight). */
  readonly bsPattern: ElementPattern;
  readonly bsBoresight: number;
  /** Slant angles ζ (rad) of the BS and user polarisations; one entry: single-polarised. */
  readonly bsSlants: readonly number[];
  readonly ueSlants: readonly number[];
}

/** Whether a model changes anything (otherwise the plain engine output is the channel, bit for bit). */
export function antennaModelActive(a: AntennaModel): boolean {
  return a.bsPattern !== "isotropic" || a.bsSlants.length > 1 || a.ueSlants.length > 1;
}

/** Field amplitude √G of the BS element towards the global direction dir (unit vector). */
export function bsFieldAmplitude(a: AntennaModel, dx: number, dy: number, dz: number): number {
  if (a.bsPattern === "isotropic") return 1;
  const theta = (Math.acos(Math.max(-1, Math.min(1, dz))) * 180) / Math.PI;
  const phi = ((Math.atan2(dy, dx) - a.bsBoresight) * 180) / Math.PI;
  return 10 ** (tr38901ElementGainDb(theta, phi) / 20);
}

/**
 * Cross-polarisation of the rays of one scatterer cluster (38.901 §7.5 steps 9–10): per ray the
 * XPR X in dB and the four initial phases Φθθ, Φθφ, Φφθ, Φφφ (rad, uniform in [−π, π)), [R, 4].
 */
export interface RayPolarisation {
  readonly xprDb: Float64Array;
  readonly phases: Float64Array;
}

/**
 * Draw the polarisation of R rays: X ~ N(μ, σ²) dB, four uniform phases per ray.
 * @param muDb - μ_XPR (dB); sigmaDb - σ_XPR (dB)
 */
export function drawRayPolarisation(rng: Rng, R: number, muDb: number, sigmaDb: number): RayPolarisation {
  const xprDb = new Float64Array(R);
  const phases = new Float64Array(4 * R);
  for (let r = 0; r < R; r++) {
    xprDb[r] = muDb + sigmaDb * rng.normal();
    for (let i = 0; i < 4; i++) phases[4 * r + i] = Math.PI * (2 * rng.uniform() - 1);
  }
  return { xprDb, phases };
}

/** c = [cos ζr, sin ζr] · P · [cos ζt, sin ζt]ᵀ for one ray, complex, into out[0], out[1]. */
function rayCoupling(p: RayPolarisation, r: number, zr: number, zt: number, out: Float64Array): void {
  const k = 10 ** (-p.xprDb[r]! / 20); // κ^{−1/2}
  const ph = p.phases;
  const w = [Math.cos(zr) * Math.cos(zt), k * Math.cos(zr) * Math.sin(zt), k * Math.sin(zr) * Math.cos(zt), Math.sin(zr) * Math.sin(zt)];
  let re = 0;
  let im = 0;
  for (let i = 0; i < 4; i++) {
    re += w[i]! * Math.cos(ph[4 * r + i]!);
    im += w[i]! * Math.sin(ph[4 * r + i]!);
  }
  out[0] = re;
  out[1] = im;
}

/**
 * The paths seen between receive polarisation ζ_r and transmit polarisation ζ_t: every ray's
 * amplitude multiplied by √G(r̂_t) c(ζ_r, ζ_t) (moving paths: the LOS coupling cos ζ_r cos ζ_t −
 * sin ζ_r sin ζ_t). Evaluating them with the isotropic engine gives that polarisation pair's
 * block of H.
 * @param pol - one entry per cluster of `paths` (null: the cluster is not polarised, c = 1)
 * @param polarised - whether to apply the polarisation matrices (false: element pattern only)
 */
export function pathsForPolarisation(
  paths: UserPaths,
  pol: readonly (RayPolarisation | null)[],
  a: AntennaModel,
  zr: number,
  zt: number,
  polarised: boolean,
): UserPaths {
  const cpl = new Float64Array(2);
  const clusters: ScattererCluster[] = paths.clusters.map((c, ci) => {
    const ampRe = new Float64Array(c.size);
    const ampIm = new Float64Array(c.size);
    const p = pol[ci] ?? null;
    if (polarised && p === null) fail("pathsForPolarisation", `cluster ${ci} has no polarisation draw`);
    for (let r = 0; r < c.size; r++) {
      const g = bsFieldAmplitude(a, c.depX[r]!, c.depY[r]!, c.depZ[r]!);
      let cr = g;
      let ci2 = 0;
      if (polarised) {
        rayCoupling(p!, r, zr, zt, cpl);
        cr = g * cpl[0]!;
        ci2 = g * cpl[1]!;
      }
      ampRe[r] = c.ampRe[r]! * cr - c.ampIm[r]! * ci2;
      ampIm[r] = c.ampRe[r]! * ci2 + c.ampIm[r]! * cr;
    }
    return { ...c, ampRe, ampIm };
  });
  const losCoupling = polarised ? Math.cos(zr) * Math.cos(zt) - Math.sin(zr) * Math.sin(zt) : 1;
  const moving: MovingPath[] = paths.moving.map((m) => ({
    largeScale: m.largeScale,
    fade: m.fade,
    evaluate(ux, uy, uz, out) {
      if (!m.evaluate(ux, uy, uz, out)) return false;
      const g = losCoupling * bsFieldAmplitude(a, out.dep[0], out.dep[1], out.dep[2]);
      out.ampRe *= g;
      out.ampIm *= g;
      return true;
    },
  }));
  return { moving, clusters, largeScale: paths.largeScale };
}

/**
 * {@link evaluateUserChannel} with an antenna model: the output holds Pr·Nk receive and Pt·M
 * transmit ports, polarisation-major (port p·M + m is element m with slant p; likewise at the
 * user), i.e. H [T, K, Pr·Nk, Pt·M]. Each polarisation pair is one run of the isotropic engine
 * with the amplitudes of {@link pathsForPolarisation}. Without pattern or polarisation this is the
 * plain engine call, bit for bit.
 * @param pol - per cluster of `paths`, its rays' polarisation (needed when either end is dual-polarised)
 */
export function evaluateUserChannelWithAntennas(
  paths: UserPaths,
  pol: readonly (RayPolarisation | null)[],
  tr: Trajectory,
  bsPosition: Vec3,
  bsArray: ArrayGeometry,
  ueArray: ArrayGeometry,
  lambda: number,
  out: EngineOutput,
  a: AntennaModel,
): void {
  if (!antennaModelActive(a)) {
    evaluateUserChannel(paths, tr, bsPosition, bsArray, ueArray, lambda, out);
    return;
  }
  const polarised = a.bsSlants.length > 1 || a.ueSlants.length > 1;
  const T = tr.s.length;
  const M = arraySize(bsArray);
  const Nk = arraySize(ueArray);
  const Pt = a.bsSlants.length;
  const Pr = a.ueSlants.length;
  const Mo = Pt * M;
  const No = Pr * Nk;
  const K = out.users;
  const k = out.user;
  const F = out.ofdm ? out.ofdm.freqs.length : 0;
  if (out.re.length !== T * K * No * Mo)
    fail("evaluateUserChannelWithAntennas", `output holds ${out.re.length} entries, expected T·K·${No}·${Mo} = ${T * K * No * Mo}`);
  for (let pr = 0; pr < Pr; pr++) {
    for (let pt = 0; pt < Pt; pt++) {
      const tmp: EngineOutput = {
        re: new Float64Array(T * Nk * M),
        im: new Float64Array(T * Nk * M),
        users: 1,
        user: 0,
        ...(out.ofdm
          ? { ofdm: { freqs: out.ofdm.freqs, re: new Float64Array(T * F * Nk * M), im: new Float64Array(T * F * Nk * M) } }
          : {}),
      };
      const p = pathsForPolarisation(paths, pol, a, a.ueSlants[pr]!, a.bsSlants[pt]!, polarised);
      evaluateUserChannel(p, tr, bsPosition, bsArray, ueArray, lambda, tmp);
      const copy = (src: EngineOutput["re"], si: EngineOutput["im"], dr: Float64Array, di: Float64Array, slices: number): void => {
        for (let q = 0; q < slices; q++) {
          for (let n = 0; n < Nk; n++) {
            const so = (q * Nk + n) * M;
            const o = ((q * K + k) * No + pr * Nk + n) * Mo + pt * M;
            for (let m = 0; m < M; m++) {
              dr[o + m] += src[so + m]!;
              di[o + m] += si[so + m]!;
            }
          }
        }
      };
      copy(tmp.re, tmp.im, out.re, out.im, T);
      if (out.ofdm && tmp.ofdm) copy(tmp.ofdm.re, tmp.ofdm.im, out.ofdm.re, out.ofdm.im, T * F);
    }
  }
}
