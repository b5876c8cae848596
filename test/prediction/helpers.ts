/**
 * Test channels for the prediction tests: sums of plane waves with constant Doppler, seen by an
 * M-element λ/2 ULA at the BS (the physics of docs/prediction.md §4.8, small enough to reason about).
 *
 * - `dense` (Clarke test mode, docs/channel.md §5): S equal-power sinusoids with arrival angles on a
 *   randomly rotated comb α_s = (2πs + ϑ)/S, so each antenna's ensemble ACF is exactly
 *   J0(2π f_D τ); random phases; a random departure angle per sinusoid couples the antennas.
 * - `sparse`: L paths with random Doppler f_D cos α_l (α_l ~ U(0, 2π)), CN(0, 1/L) gains,
 *   random departure angles.
 * Each user is an independent realisation; E|h_m|² = 1.
 */
import { Rng } from "../../src/core/random.ts";
import type { ChannelDataset } from "../../src/channel/dataset.ts";

export interface MultipathOptions {
  kind: "dense" | "sparse";
  users: number;
  samples: number;
  antennas: number;
  dopplerHz: number;
  dt: number;
  seed: number;
  /** Sinusoids (dense, default 64) or paths (sparse, default 4). */
  paths?: number;
}

export function multipathDataset(o: MultipathOptions): ChannelDataset {
  const { users: K, samples: T, antennas: M } = o;
  const S = o.paths ?? (o.kind === "dense" ? 64 : 4);
  const rng = new Rng(o.seed);
  const re = new Float64Array(T * K * M),
    im = new Float64Array(T * K * M);
  for (let k = 0; k < K; k++) {
    const rot = rng.uniform() * 2 * Math.PI;
    for (let s = 0; s < S; s++) {
      const alpha = o.kind === "dense" ? (2 * Math.PI * s + rot) / S : rng.uniform() * 2 * Math.PI;
      const nu = o.dopplerHz * Math.cos(alpha);
      let gr: number, gi: number;
      if (o.kind === "dense") {
        const ph = rng.uniform() * 2 * Math.PI;
        gr = Math.cos(ph) / Math.sqrt(S);
        gi = Math.sin(ph) / Math.sqrt(S);
      } else {
        gr = rng.normal() * Math.sqrt(0.5 / S);
        gi = rng.normal() * Math.sqrt(0.5 / S);
      }
      const aod = (rng.uniform() - 0.5) * Math.PI;
      const cs = Array.from({ length: M }, (_, m) => Math.cos(Math.PI * m * Math.sin(aod)));
      const sn = Array.from({ length: M }, (_, m) => Math.sin(Math.PI * m * Math.sin(aod)));
      for (let t = 0; t < T; t++) {
        const ph = 2 * Math.PI * nu * t * o.dt;
        const tr = gr * Math.cos(ph) - gi * Math.sin(ph),
          ti = gr * Math.sin(ph) + gi * Math.cos(ph);
        for (let m = 0; m < M; m++) {
          const i = (t * K + k) * M + m;
          re[i]! += tr * cs[m]! - ti * sn[m]!;
          im[i]! += tr * sn[m]! + ti * cs[m]!;
        }
      }
    }
  }
  return {
    H: { shape: [T, K, 1, M], re, im },
    t: Float64Array.from({ length: T }, (_, t) => t * o.dt),
    meta: { source: `test ${o.kind} multipath`, layout: "liquidwave", dt: o.dt, notes: [] },
  };
}
