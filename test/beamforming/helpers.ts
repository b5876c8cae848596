/** Channel generators and checks shared by the beamforming tests. */
import { Rng } from "../../src/core/random.ts";
import { cmat, type CMat } from "../../src/core/linalg/cmat.ts";
import { ChannelSample } from "../../src/beamforming/system.ts";
import { numericalGradient } from "../helpers/assert.ts";

/** i.i.d. CN(0, 1) channel, K users × Nk antennas × M. */
export function iidChannel(rng: Rng, K: number, Nk: number, M: number): ChannelSample {
  const h = cmat(K * Nk, M);
  rng.fillComplexNormal(h.re, h.im);
  return new ChannelSample(h, K);
}

/**
 * Few-path geometric channel (lambda/2 ULAs): `H_k = sqrt(1/L) sum_l g_l a_r(phi_l) a_t(theta_l)^H`,
 * g ~ CN(0,1), AoD ~ U(-60°, 60°), AoA ~ U(-90°, 90°). L = 1 gives rank-one users.
 */
export function geometricChannel(rng: Rng, K: number, Nk: number, M: number, L: number): ChannelSample {
  const h = cmat(K * Nk, M);
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < L; l++) {
      const gr = (rng.normal() * Math.SQRT1_2) / Math.sqrt(L);
      const gi = (rng.normal() * Math.SQRT1_2) / Math.sqrt(L);
      const aod = ((rng.uniform() * 120 - 60) * Math.PI) / 180;
      const aoa = ((rng.uniform() * 180 - 90) * Math.PI) / 180;
      for (let a = 0; a < Nk; a++) {
        const pr = Math.PI * a * Math.sin(aoa);
        for (let m = 0; m < M; m++) {
          const ph = pr - Math.PI * m * Math.sin(aod); // a_r(phi)_a conj(a_t(theta)_m)
          const c = Math.cos(ph);
          const s = Math.sin(ph);
          h.re[(k * Nk + a) * M + m]! += gr * c - gi * s;
          h.im[(k * Nk + a) * M + m]! += gr * s + gi * c;
        }
      }
    }
  }
  return new ChannelSample(h, K);
}

export function randomMatrix(rng: Rng, rows: number, cols: number, variance = 1): CMat {
  const a = cmat(rows, cols);
  rng.fillComplexNormal(a.re, a.im, variance);
  return a;
}

/**
 * Finite-difference gradient of a real function of a complex matrix, returned in the conjugate-
 * Wirtinger convention: `(dL/dRe + i dL/dIm) / 2`.
 */
export function wirtingerFD(x: CMat, f: () => number, h = 1e-6): CMat {
  const gr = numericalGradient(f, x.re, h);
  const gi = numericalGradient(f, x.im, h);
  const out = cmat(x.rows, x.cols);
  for (let i = 0; i < gr.length; i++) {
    out.re[i] = gr[i]! / 2;
    out.im[i] = gi[i]! / 2;
  }
  return out;
}

export function mean(a: readonly number[]): number {
  return a.reduce((s, x) => s + x, 0) / a.length;
}

export function std(a: readonly number[]): number {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1));
}
