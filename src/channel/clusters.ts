/**
 * 38.901 §7.5 steps 5–8 for UMi: cluster delays, powers, angles and rays (docs/channel.md §3.3).
 *
 * 5. Delays τ'_n = −r_τ DS ln X_n, shifted to τ_1 = 0 and sorted; in LOS the delays used for the
 *    channel are divided by C_τ = 0.7705 − 0.0433K + 0.0002K² + 0.000017K³ (K in dB). As in
 *    38.901, the unscaled delays set the powers.
 * 6. Powers P'_n ∝ exp(−τ_n (r_τ − 1)/(r_τ DS)) 10^{−Z_n/10}, Z_n ~ N(0, ζ²), Σ = 1. In LOS the
 *    angle laws use P_n = P'_n/(K_R+1) + δ(n−1) K_R/(K_R+1). Clusters more than 25 dB below the
 *    strongest P'_n are dropped and the rest renormalised.
 * 7. Angles: φ'_n = 2(AS/1.4)√(−ln(P_n/max P))/C_φ, φ_n = X_n φ'_n + Y_n + φ_LOS (X_n = ±1,
 *    Y_n ~ N(0, (AS/7)²)); zenith θ'_n = −ZS ln(P_n/max P)/C_θ likewise; in LOS all angles are
 *    shifted so that cluster 1 is exactly the LOS direction and C_φ, C_θ get the K-dependent
 *    factors. ZOD adds μ_offset,ZOD and uses ZSD.
 * 8. Rays: offsets c·α_m (c_ASA, c_ASD, c_ZSA and (3/8)·10^{μ_lgZSD} for ZOD), randomly coupled
 *    between the four angles within each (sub-)cluster; power P_n/20 each and a uniform phase.
 *    The two strongest clusters are split into three sub-clusters at extra delays 0, 1.28 c_DS
 *    and 2.56 c_DS (applied always: it only moves the scatterers, and keeps narrowband and
 *    OFDM outputs the same model).
 *
 * Angles are in degrees here (as in the TR), delays in seconds, powers linear; the LOS path
 * itself (power K_R/(K_R+1)) is not a ray of this list.
 */
import type { Rng } from "../core/random.ts";
import type { UmiLsps } from "./lsp.ts";
import type { UmiConditionTable } from "./umi-tables.ts";
import { RAY_OFFSETS, SUBCLUSTERS, zodOffsetDeg } from "./umi-tables.ts";

/** LOS directions in degrees: arrival at the UE (towards the BS) and departure at the BS (towards the UE). */
export interface LosAngles {
  readonly aoa: number;
  readonly zoa: number;
  readonly aod: number;
  readonly zod: number;
}

/** One ray of a drawn cluster. */
export interface DrawnRay {
  /** Excess delay in s (channel delay: LOS-scaled, sub-cluster offset included). */
  readonly delay: number;
  /** Linear power (all rays plus the LOS power sum to 1). */
  readonly power: number;
  readonly aoa: number;
  readonly zoa: number;
  readonly aod: number;
  readonly zod: number;
  /** Initial phase Φ in rad, uniform in [−π, π). */
  readonly phase: number;
}

/** A drawn cluster: its NLOS power P_n (including the 1/(K_R+1) factor in LOS), delay and rays. */
export interface DrawnCluster {
  readonly power: number;
  readonly delay: number;
  readonly rays: readonly DrawnRay[];
}

export interface DrawnClusters {
  /** Power of the direct LOS path, K_R/(K_R+1) (0 in NLOS). */
  readonly losPower: number;
  readonly clusters: readonly DrawnCluster[];
}

function reflectZenith(theta: number): number {
  let t = theta % 360;
  if (t < 0) t += 360;
  return t > 180 ? 360 - t : t;
}

/**
 * Draw the clusters and rays of one UMi link.
 * @param table - the condition's parameters (LOS or NLOS table)
 * @param los - LOS condition (adds the K-factor handling)
 * @param lsp - large-scale parameters at the link
 * @param angles - LOS directions (deg)
 * @param d2D - horizontal distance (for the ZOD offset), m
 */
export function drawUmiClusters(
  rng: Rng,
  table: UmiConditionTable,
  los: boolean,
  lsp: UmiLsps,
  angles: LosAngles,
  d2D: number,
): DrawnClusters {
  const N0 = table.clusters;
  const rTau = table.delayScaling;
  const ds = lsp.ds;
  const K = los ? lsp.kDb : 0;
  const KR = los ? 10 ** (K / 10) : 0;

  // Step 5: delays.
  const tau = new Float64Array(N0);
  for (let n = 0; n < N0; n++) tau[n] = -rTau * ds * Math.log(1 - rng.uniform()); // 1 − U ∈ (0, 1]
  const tmin = Math.min(...tau);
  for (let n = 0; n < N0; n++) tau[n] = tau[n]! - tmin;
  tau.sort();

  // Step 6: powers.
  const pRaw = new Float64Array(N0);
  for (let n = 0; n < N0; n++) {
    const z = table.clusterShadowingDb * rng.normal();
    pRaw[n] = Math.exp((-tau[n]! * (rTau - 1)) / (rTau * ds)) * 10 ** (-z / 10);
  }
  const keep: number[] = [];
  const pMax = Math.max(...pRaw);
  for (let n = 0; n < N0; n++) if (pRaw[n]! >= pMax * 10 ** -2.5) keep.push(n);
  let total = 0;
  for (const n of keep) total += pRaw[n]!;
  const N = keep.length;
  const pN = keep.map((n) => pRaw[n]! / total); // P'_n, Σ = 1
  const tauN = keep.map((n) => tau[n]!);
  const pAngle = pN.map((p, i) => (los ? p / (KR + 1) + (i === 0 ? KR / (KR + 1) : 0) : p));
  const pAngleMax = Math.max(...pAngle);

  const cTau = los ? 0.7705 - 0.0433 * K + 0.0002 * K * K + 0.000017 * K * K * K : 1;
  const cPhi = table.cPhiNlos * (los ? 1.1035 - 0.028 * K - 0.002 * K * K + 0.0001 * K * K * K : 1);
  const cTheta = table.cThetaNlos * (los ? 1.3086 + 0.0339 * K - 0.0077 * K * K + 0.0002 * K * K * K : 1);

  // Step 7: cluster angles.
  const azimuths = (spread: number, losAngle: number): number[] => {
    const v = pAngle.map((p) => {
      const base = (2 * (spread / 1.4) * Math.sqrt(-Math.log(p / pAngleMax))) / cPhi;
      const x = rng.uniform() < 0.5 ? -1 : 1;
      return x * base + (spread / 7) * rng.normal();
    });
    const shift = los ? v[0]! : 0;
    return v.map((a) => a - shift + losAngle);
  };
  const zeniths = (spread: number, losAngle: number, offset: number): number[] => {
    const v = pAngle.map((p) => {
      const base = (-spread * Math.log(p / pAngleMax)) / cTheta;
      const x = rng.uniform() < 0.5 ? -1 : 1;
      return x * base + (spread / 7) * rng.normal();
    });
    // LOS: cluster 1 exactly at the LOS zenith; NLOS: centred on it (plus the ZOD offset).
    const shift = los ? v[0]! : -offset;
    return v.map((a) => a - shift + losAngle);
  };
  const aoa = azimuths(lsp.asa, angles.aoa);
  const aod = azimuths(lsp.asd, angles.aod);
  const zoa = zeniths(lsp.zsa, angles.zoa, 0);
  const zod = zeniths(lsp.zsd, angles.zod, zodOffsetDeg(los, d2D));

  // Step 8: rays; the two strongest clusters are split into sub-clusters.
  const M = table.raysPerCluster;
  const order = pN.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]);
  const strongest = new Set(order.slice(0, 2).map((x) => x[1]));
  const cZsd = (3 / 8) * 10 ** lsp.muLgZsd;
  const clusters: DrawnCluster[] = [];
  for (let n = 0; n < N; n++) {
    const groups = strongest.has(n) && M === 20 ? SUBCLUSTERS : [{ rays: RAY_OFFSETS.map((_, i) => i).slice(0, M), delayFactor: 0 }];
    const rays: DrawnRay[] = [];
    const pRay = (los ? pN[n]! / (KR + 1) : pN[n]!) / M;
    for (const g of groups) {
      const idx = [...g.rays];
      const perm = (): number[] => {
        const p = [...idx];
        rng.shuffle(p);
        return p;
      };
      const pAod = perm();
      const pZoa = perm();
      const pZod = perm();
      const delay = tauN[n]! / cTau + g.delayFactor * table.clusterDs;
      for (let j = 0; j < idx.length; j++) {
        rays.push({
          delay,
          power: pRay,
          aoa: aoa[n]! + table.clusterAsa * RAY_OFFSETS[idx[j]!]!,
          aod: aod[n]! + table.clusterAsd * RAY_OFFSETS[pAod[j]!]!,
          zoa: reflectZenith(zoa[n]! + table.clusterZsa * RAY_OFFSETS[pZoa[j]!]!),
          zod: reflectZenith(zod[n]! + cZsd * RAY_OFFSETS[pZod[j]!]!),
          phase: Math.PI * (2 * rng.uniform() - 1),
        });
      }
    }
    clusters.push({ power: los ? pN[n]! / (KR + 1) : pN[n]!, delay: tauN[n]! / cTau, rays });
  }
  return { losPower: los ? KR / (KR + 1) : 0, clusters };
}
