/**
 * The `umi-6ghz` scenario: 3GPP TR 38.901 UMi – Street Canyon statistics with spatial
 * consistency through scatterer geometry (docs/channel.md §3).
 *
 * Along each user's track (travelled distance s):
 * - Large-scale grid: nodes every Δg metres (Δg = the cross-fade length, default 2 m). At each
 *   node the LOS/NLOS state is a unit Gaussian AR(1) process (correlation distance 50 m)
 *   thresholded at Φ⁻¹(P_LOS(d_2D)), so P(LOS) = P_LOS(d_2D) exactly and the state is spatially
 *   consistent; LSP fields (lsp.ts) of both conditions are advanced node by node too.
 * - A run of nodes with one state is a segment. Its cluster set is drawn where it begins (38.901
 *   steps 5–8 with the LSPs there) and placed as scatterers around the UE position there. When
 *   the state changes between two nodes, the old set (and the LOS path) fades out and the new
 *   one fades in over that interval (sin²/cos² powers).
 * - Within a segment each cluster lives for a visibility length ℓ ~ Exp(L_vis) (12 m LOS,
 *   15 m NLOS, 38.901 Table 7.6.3.1-2); it is then replaced by the same-index cluster of a fresh
 *   draw with the LSPs and geometry of that point, cross-faded over Δg, so the number of active
 *   clusters and the mean power stay constant.
 * - Path loss (Table 7.4.1-1) of each condition at d_2D(t) and shadow fading (σ 4 / 7.82 dB,
 *   correlation 10 / 13 m, linearly interpolated between grid nodes so it is smooth) form the
 *   large-scale gain −PL + SF (dB) of that condition's paths. SF is the SF component of the LSP
 *   field, so it carries 38.901's cross-correlations with DS, ASD, ASA and K; those are defined
 *   for SF as a gain (a positive SF means more received power).
 *
 * - Indoor users (`indoorFraction`, default 0): 38.901 §7.4.3 O2I penetration loss PL_tw + 0.5
 *   d_2D-in + N(0, σ_P²) (low- or high-loss model) on every path, fixed over the track, and the LOS
 *   probability evaluated at the outdoor distance d_2D − d_2D-in.
 *
 * Simplifications (documented in the config notes): one K-factor per segment (the LOS path
 * amplitude √(K_R/(K_R+1)) is fixed within a segment), no user-to-user correlation of
 * scatterers, isotropic single-polarised paths (the element pattern and polarisation are applied
 * on top, antenna.ts), no blockage; indoor users keep the outdoor
 * LOS/NLOS LSPs and shadow fading (38.901's separate O2I LSP column is not implemented).
 */
import { normalQuantile } from "../core/normal.ts";
import type { Rng } from "../core/random.ts";
import type { DrawnClusters, LosAngles } from "./clusters.ts";
import { drawUmiClusters } from "./clusters.ts";
import type { Fade, MovingPath, ScattererCluster, UserPaths } from "./engine.ts";
import { fadeWeight, losPath } from "./engine.ts";
import type { Vec3 } from "./geometry.ts";
import { anglesOf } from "./geometry.ts";
import { LspField, lspsFromNormals } from "./lsp.ts";
import type { Trajectory } from "./mobility.ts";
import type { O2iModel } from "./pathloss.ts";
import {
  O2I_SIGMA_DB,
  o2iThroughWallLossDb,
  umiIndoorDistance,
  umiLosPathLossDb,
  umiLosProbability,
  umiNlosPathLossDb,
} from "./pathloss.ts";
import type { BounceModel } from "./scatterers.ts";
import { placeCluster } from "./scatterers.ts";
import { UMI_LOS, UMI_NLOS } from "./umi-tables.ts";

/** Parameters of the UMi scenario (the `umi` block of a channel config). */
export interface UmiParams {
  /** Parameter table identifier (only `tr38901-v17-umi-street-canyon`). */
  readonly table: string;
  /** BS height (m); the BS array reference sits at (0, 0, bsHeight). */
  readonly bsHeight: number;
  /** UE height (m). */
  readonly ueHeight: number;
  /** Users start and stay in rMin ≤ d_2D ≤ rMax (m). */
  readonly rMin: number;
  readonly rMax: number;
  /** Propagation condition: `auto` (spatially consistent P_LOS), or forced `los` / `nlos`. */
  readonly condition: "auto" | "los" | "nlos";
  /** Correlation distance of the LOS/NLOS state process (m). */
  readonly losCorrDistance: number;
  /** Large-scale grid step and cross-fade length Δg (m). */
  readonly crossFade: number;
  /** Mean cluster visibility length in LOS and NLOS (m). */
  readonly visibilityLos: number;
  readonly visibilityNlos: number;
  /** Ray-to-geometry model (scatterers.ts); `double` keeps the drawn AoD and AoA. */
  readonly bounce: BounceModel;
  /** NLOS absolute delay offset Δτ_0 range [lo, hi] in ns (one draw per NLOS segment). */
  readonly nlosDelayOffsetNs: readonly [number, number];
  /** Minimum UE–scatterer distance (m). */
  readonly minScattererDistance: number;
  /** Apply the 38.901 LSP cross-correlations (false: independent LSPs). */
  readonly crossCorrelation: boolean;
  /** Include shadow fading in the large-scale factor. */
  readonly shadowing: boolean;
  /**
   * Probability that a user is indoors (38.901 §7.4.3 outdoor-to-indoor; 38.901's UMi evaluations
   * use 0.8). An indoor user gets the O2I penetration loss on all its paths and its LOS
   * probability at the outdoor distance d_2D − d_2D-in; its small-scale LSPs stay the outdoor ones.
   */
  readonly indoorFraction: number;
  /** O2I penetration model of indoor users: 38.901 `low`- or `high`-loss building. */
  readonly o2iLoss: O2iModel;
  /**
   * BS sites of a hexagonal layout: 1 (default, single cell), 7 or 19 (the centre site at the
   * origin and 1 or 2 rings); users move around the centre site, every site is a cell.
   */
  readonly sites: number;
  /** Inter-site distance of the layout (m; 38.901 UMi: 200 m). */
  readonly interSiteDistance: number;
}

/** Random streams a user's UMi scenario draws from (one per component). */
export interface UmiStreams {
  /** LOS/NLOS state process. */
  readonly los: Rng;
  /** LSP fields of the two conditions. */
  readonly lspLos: Rng;
  readonly lspNlos: Rng;
  /**
   * Independent streams by label for cluster draws (`seg<i>/set`, `seg<i>/slot<n>`), so that a
   * longer track only appends clusters and never changes the earlier ones.
   */
  readonly stream: (label: string) => Rng;
}

/** A user's UMi paths with per-sample diagnostics. */
export interface UmiUserResult {
  readonly paths: UserPaths;
  /** 1 where the LOS condition dominates (LOS-state fade weight² ≥ 1/2), per sample. */
  readonly los: Uint8Array;
  /** Large-scale gain −PL + SF in dB of the dominating condition, per sample (SF is a gain). */
  readonly pathGainDb: Float64Array;
  /** Number of clusters created over the track (initial sets and replacements). */
  readonly clustersCreated: number;
  /** Whether the user is indoors, its indoor distance d_2D-in (m) and O2I loss (dB, 0 outdoors). */
  readonly indoor: boolean;
  readonly indoorDistance: number;
  readonly o2iLossDb: number;
}

/** Position on the trajectory at travelled distance s (linear interpolation; clamped). */
function positionAt(tr: Trajectory, s: number): Vec3 {
  const S = tr.s;
  const T = S.length;
  if (s <= S[0]!) return [tr.pos[0]!, tr.pos[1]!, tr.pos[2]!];
  if (s >= S[T - 1]!) return [tr.pos[3 * T - 3]!, tr.pos[3 * T - 2]!, tr.pos[3 * T - 1]!];
  let lo = 0;
  let hi = T - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (S[mid]! < s) lo = mid;
    else hi = mid;
  }
  const f = (s - S[lo]!) / Math.max(S[hi]! - S[lo]!, 1e-300);
  return [0, 1, 2].map((c) => tr.pos[3 * lo + c]! + f * (tr.pos[3 * hi + c]! - tr.pos[3 * lo + c]!)) as unknown as Vec3;
}

function losAnglesDeg(b: Vec3, u: Vec3): LosAngles {
  const dep = anglesOf([u[0] - b[0], u[1] - b[1], u[2] - b[2]]);
  const arr = anglesOf([b[0] - u[0], b[1] - u[1], b[2] - u[2]]);
  const r = 180 / Math.PI;
  return { aod: dep.azimuth * r, zod: dep.zenith * r, aoa: arr.azimuth * r, zoa: arr.zenith * r };
}

/**
 * Build one user's UMi paths along its trajectory.
 * @param tr - trajectory (z should equal ueHeight)
 * @param fcGHz - carrier frequency
 * @param pathLoss - apply path loss and shadowing (false: large-scale factors 1, Σ P = 1)
 */
export function buildUmiUser(streams: UmiStreams, tr: Trajectory, fcGHz: number, p: UmiParams, pathLoss: boolean): UmiUserResult {
  const T = tr.s.length;
  const b: Vec3 = [0, 0, p.bsHeight];
  const sEnd = tr.s[T - 1]!;
  const dg = p.crossFade;
  const J = Math.floor(sEnd / dg) + 2; // nodes 0 … J−1 cover [0, sEnd] with one to spare
  const d2At = (u: Vec3): number => Math.hypot(u[0] - b[0], u[1] - b[1]);

  // Outdoor-to-indoor (38.901 §7.4.3.1): one draw per user from its own stream (always the same
  // four numbers, so the fraction and model never change the other streams).
  const o2i = streams.stream("o2i");
  const indoorDraw = o2i.uniform();
  const dIn = umiIndoorDistance(o2i.uniform(), o2i.uniform());
  const o2iNormal = o2i.normal();
  const indoor = indoorDraw < p.indoorFraction;
  const o2iLossDb = indoor ? o2iThroughWallLossDb(p.o2iLoss, fcGHz) + 0.5 * dIn + O2I_SIGMA_DB[p.o2iLoss] * o2iNormal : 0;
  const dOut = (u: Vec3): number => (indoor ? Math.max(d2At(u) - dIn, 0) : d2At(u));

  // LOS state and LSP normals at the grid nodes.
  const losNode = new Uint8Array(J);
  const xLos: Float64Array[] = [];
  const xNlos: Float64Array[] = [];
  const fLos = new LspField(UMI_LOS, true, streams.lspLos, p.crossCorrelation);
  const fNlos = new LspField(UMI_NLOS, false, streams.lspNlos, p.crossCorrelation);
  const rhoLos = Math.exp(-dg / p.losCorrDistance);
  let z = streams.los.normal();
  for (let j = 0; j < J; j++) {
    if (j > 0) {
      z = rhoLos * z + Math.sqrt(1 - rhoLos * rhoLos) * streams.los.normal();
      fLos.advance(dg);
      fNlos.advance(dg);
    }
    const u = positionAt(tr, j * dg);
    losNode[j] = p.condition === "los" ? 1 : p.condition === "nlos" ? 0 : z < normalQuantile(umiLosProbability(dOut(u))) ? 1 : 0;
    xLos.push(fLos.normals());
    xNlos.push(fNlos.normals());
  }
  const normalsAt = (xs: Float64Array[], s: number): Float64Array => {
    const j = Math.min(Math.max(Math.floor(s / dg), 0), J - 2);
    const f = Math.min(Math.max(s / dg - j, 0), 1);
    const a = xs[j]!;
    const c = xs[j + 1]!;
    return a.map((v, i) => v + f * (c[i]! - v));
  };

  // Segments of constant state: [fadeIn start, fadeOut start).
  const segments: { los: boolean; start: number; end: number }[] = [];
  let cur = { los: losNode[0] === 1, start: -Infinity, end: Infinity };
  for (let j = 1; j < J; j++) {
    if ((losNode[j] === 1) !== cur.los) {
      cur.end = (j - 1) * dg;
      segments.push(cur);
      cur = { los: losNode[j] === 1, start: (j - 1) * dg, end: Infinity };
    }
  }
  segments.push(cur);

  const moving: MovingPath[] = [];
  const clusters: ScattererCluster[] = [];
  const losFades: Fade[] = [];
  let created = 0;
  const LOS_IDX = 0;
  const NLOS_IDX = 1;

  for (let si = 0; si < segments.length; si++) {
    const seg = segments[si]!;
    const setRng = streams.stream(`seg${si}/set`);
    const table = seg.los ? UMI_LOS : UMI_NLOS;
    const born = Math.max(seg.start, 0);
    const offset = seg.los ? 0 : 1e-9 * (p.nlosDelayOffsetNs[0] + (p.nlosDelayOffsetNs[1] - p.nlosDelayOffsetNs[0]) * setRng.uniform());
    const lsIdx = seg.los ? LOS_IDX : NLOS_IDX;
    const visibility = seg.los ? p.visibilityLos : p.visibilityNlos;
    const drawAt = (rng: Rng, s: number): { set: DrawnClusters; u: Vec3 } => {
      const u = positionAt(tr, s);
      const d2 = d2At(u);
      const lsp = lspsFromNormals(table, seg.los, normalsAt(seg.los ? xLos : xNlos, s), fcGHz, d2, p.bsHeight, p.ueHeight);
      return { set: drawUmiClusters(rng, table, seg.los, lsp, losAnglesDeg(b, u), d2), u };
    };
    const first = drawAt(setRng, born);
    if (seg.los) {
      const fade: Fade = { fadeIn: seg.start, fadeOut: seg.end, ramp: dg };
      moving.push(losPath(b, Math.sqrt(first.set.losPower), LOS_IDX, fade));
      losFades.push(fade);
    }
    const nSlots = first.set.clusters.length;
    for (let n = 0; n < nSlots; n++) {
      const slotRng = streams.stream(`seg${si}/slot${n}`);
      let birth = seg.start;
      let set = first;
      for (;;) {
        const life = -visibility * Math.log(1 - slotRng.uniform());
        const bornAt = Math.max(birth, 0);
        const death = Math.min(bornAt + life, seg.end);
        const cl = set.set.clusters[n % set.set.clusters.length]!;
        clusters.push(
          placeCluster(slotRng, cl, b, set.u, {
            bounce: p.bounce,
            delayOffset: offset,
            minDistance: p.minScattererDistance,
            largeScale: lsIdx,
            fade: { fadeIn: birth, fadeOut: death, ramp: dg },
          }),
        );
        created++;
        if (death >= seg.end || death > sEnd) break;
        birth = death;
        set = drawAt(slotRng, death);
      }
    }
  }

  // Large-scale factors per sample and diagnostics.
  const lsLos = new Float64Array(T);
  const lsNlos = new Float64Array(T);
  const los = new Uint8Array(T);
  const gainDb = new Float64Array(T);
  const sfLosSigma = UMI_LOS.shadowFadingDb;
  const sfNlosSigma = UMI_NLOS.shadowFadingDb;
  for (let t = 0; t < T; t++) {
    const u: Vec3 = [tr.pos[3 * t]!, tr.pos[3 * t + 1]!, tr.pos[3 * t + 2]!];
    const d2 = d2At(u);
    const s = tr.s[t]!;
    const sfL = p.shadowing ? sfLosSigma * normalsAt(xLos, s)[0]! : 0;
    const sfN = p.shadowing ? sfNlosSigma * normalsAt(xNlos, s)[0]! : 0;
    // SF is a gain (dB): a positive SF raises the received power. Its 38.901 cross-correlations
    // (LOS DS–SF −0.4, SF–K +0.5; NLOS DS–SF −0.7) are defined with that sign.
    const gL = -umiLosPathLossDb(d2, p.bsHeight, p.ueHeight, fcGHz) + sfL - o2iLossDb;
    const gN = -umiNlosPathLossDb(d2, p.bsHeight, p.ueHeight, fcGHz) + sfN - o2iLossDb;
    lsLos[t] = pathLoss ? 10 ** (gL / 20) : 1;
    lsNlos[t] = pathLoss ? 10 ** (gN / 20) : 1;
    let wl = 0;
    for (const f of losFades) wl = Math.max(wl, fadeWeight(f, s));
    los[t] = wl * wl >= 0.5 ? 1 : 0;
    gainDb[t] = los[t] ? gL : gN;
  }
  return {
    paths: { moving, clusters, largeScale: [lsLos, lsNlos] },
    los,
    pathGainDb: gainDb,
    clustersCreated: created,
    indoor,
    indoorDistance: indoor ? dIn : 0,
    o2iLossDb,
  };
}
