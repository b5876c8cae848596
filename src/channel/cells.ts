/**
 * Several cells (docs/channel.md §3.7): BS sites on a hexagonal grid, the random streams of each
 * site's links, and the serving-cell association.
 *
 * Sites sit at ISD·(q ê₁ + r ê₂) with ê₁ = (cos 30°, sin 30°), ê₂ = (0, 1) for the integer pairs
 * (q, r) of hexagonal distance ≤ 2 from the origin: site 0 at the origin, sites 1–6 (ring 1) at
 * distance ISD, sites 7–18 (ring 2) at √3·ISD and 2·ISD; within a ring the sites are ordered by
 * azimuth from 30° (ring 1) or 0° (ring 2) counter-clockwise. Every site is one cell whose BS
 * array has the configured orientation (no sectorisation).
 */
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import type { Vec3 } from "./geometry.ts";
import type { Trajectory } from "./mobility.ts";

/**
 * Positions of the sites of a hexagonal layout, [n, 3] row-major (z = 0; the BS height is added
 * by the scenario), m.
 * @param n - 1, 7 or 19 sites
 * @param isd - inter-site distance, m (> 0)
 */
export function hexagonalSites(n: number, isd: number): Float64Array {
  if (n !== 1 && n !== 7 && n !== 19) fail("hexagonalSites", `the number of sites must be 1, 7 or 19, got ${n}`);
  if (!(isd > 0 && Number.isFinite(isd))) fail("hexagonalSites", `the inter-site distance must be > 0 m, got ${isd}`);
  const rings = n === 1 ? 0 : n === 7 ? 1 : 2;
  const pts: { ring: number; az: number; x: number; y: number }[] = [];
  const c30 = Math.cos(Math.PI / 6);
  for (let q = -rings; q <= rings; q++) {
    for (let r = -rings; r <= rings; r++) {
      const ring = Math.max(Math.abs(q), Math.abs(r), Math.abs(q + r));
      if (ring > rings) continue;
      const x = isd * q * c30 + 0; // + 0: no negative zeros
      const y = isd * (q * 0.5 + r) + 0;
      let az = Math.atan2(y, x);
      if (az < -1e-9) az += 2 * Math.PI;
      pts.push({ ring, az, x, y });
    }
  }
  pts.sort((a, b) => a.ring - b.ring || a.az - b.az);
  const out = new Float64Array(3 * n);
  pts.forEach((p, i) => {
    out[3 * i] = p.x;
    out[3 * i + 1] = p.y;
  });
  return out;
}

/**
 * The seed whose streams the links of cell c draw from: `seed` itself for cell 0, otherwise a
 * fork of it. The channel from site c to a user is the single-cell simulation with this seed and
 * the user's trajectory seen from the site (translated by −site).
 */
export function cellSeed(seed: number, c: number): number {
  if (c === 0) return seed;
  const r = new Rng(seed).fork(`cell${c}`);
  return Math.floor(r.uniform() * 2 ** 32) * 2 ** 20 + Math.floor(r.uniform() * 2 ** 20);
}

/** A trajectory seen from a site: positions minus (sx, sy, 0), the rest shared. */
export function translateTrajectory(tr: Trajectory, site: Vec3): Trajectory {
  const pos = new Float64Array(tr.pos.length);
  for (let i = 0; i < pos.length; i += 3) {
    pos[i] = tr.pos[i]! - site[0];
    pos[i + 1] = tr.pos[i + 1]! - site[1];
    pos[i + 2] = tr.pos[i + 2]! - site[2];
  }
  return { ...tr, pos };
}

/**
 * Serving cell of each user: the cell with the largest mean large-scale gain over the track.
 * @param gainDb - mean large-scale gain of each link, dB, [C, K] row-major
 * @returns cell index per user, [K]
 */
export function servingCells(gainDb: Float64Array, C: number, K: number): Int32Array {
  const out = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (gainDb[c * K + k]! > gainDb[best * K + k]!) best = c;
    out[k] = best;
  }
  return out;
}
