/**
 * Closed-form linear precoders: MRT, ZF, regularised ZF and block diagonalisation (BD) with
 * water-filling. Every one returns a precoder V of shape M × (K·d) with `||V||_F^2 = P` exactly
 * (rescaled at the end), and every one is computed in the row space of the channel, `V = H^H X`,
 * from the N × N Gram matrix `H H^H` (cost O(N^2 M) once, then O(N^3)).
 *
 * Streams: with d = Nk ("full") each receive antenna is a virtual user (the usual multi-user MIMO
 * treatment, docs/beamforming.md §4). With d < Nk user k is served on its d dominant
 * eigenmodes: its rows are replaced by the effective rows `u_{k,i}^H H_k`, u_{k,i} the dominant
 * left singular vectors of H_k ("ZF on dominant eigenmodes").
 *
 * Rank-deficient channels (e.g. rank-one users of few-path mmWave channels): inverses of Gram
 * matrices are pseudo-inverses with the relative eigenvalue threshold 1e-12, so streams that the
 * channel cannot carry get zero power instead of unbounded gain; ZF then no longer nulls all
 * interference exactly, which the rate formula accounts for.
 */
import { fail } from "../core/errors.ts";
import { chermitian, cmat, type CMat } from "../core/linalg/cmat.ts";
import { cmatmul, cmatmulAH } from "../core/linalg/matmul.ts";
import { ceigh, cpinvHermitian } from "../core/linalg/eigh.ts";
import { cinvHpd } from "../core/linalg/cholesky.ts";
import { scaleToPower, waterFilling } from "./power.ts";
import { resolveStreams, resolveSystem, type ChannelSample, type SystemParams } from "./system.ts";

/** Options shared by the closed-form precoders. */
export interface PrecoderOptions {
  /** Streams per user d (1..Nk) or "full" (= Nk). Default 1. */
  readonly streams?: number | "full";
}

/** Power allocation of ZF and BD streams. */
export type PowerAllocation = "equal" | "waterfilling";

/**
 * The stream-selection matrix E (S × N, S = K·d): block k holds the d dominant left singular
 * vectors of H_k as rows (`u^H`), or the identity when d = Nk. Effective rows are `E H`.
 * @param ch - channel sample, H of shape N × M
 * @param d - streams per user, 1..Nk
 * @returns E, K·d × N, complex
 */
export function streamSelector(ch: ChannelSample, d: number): CMat {
  const { K, Nk, N } = ch;
  const S = K * d;
  const e = cmat(S, N);
  const hh = ch.gram;
  for (let k = 0; k < K; k++) {
    if (d === Nk) {
      for (let i = 0; i < Nk; i++) e.re[(k * Nk + i) * N + k * Nk + i] = 1;
      continue;
    }
    const blk = cmat(Nk, Nk);
    for (let a = 0; a < Nk; a++) {
      for (let b = 0; b < Nk; b++) {
        blk.re[a * Nk + b] = hh.re[(k * Nk + a) * N + k * Nk + b]!;
        blk.im[a * Nk + b] = hh.im[(k * Nk + a) * N + k * Nk + b]!;
      }
    }
    const u = ceigh(blk).vectors!;
    for (let i = 0; i < d; i++) {
      const col = Nk - 1 - i; // descending
      for (let a = 0; a < Nk; a++) {
        // row (k d + i) of E = u_col^H placed on user k's columns
        e.re[(k * d + i) * N + k * Nk + a] = u.re[a * Nk + col]!;
        e.im[(k * d + i) * N + k * Nk + a] = -u.im[a * Nk + col]!;
      }
    }
  }
  return e;
}

/** `E Hh E^H` (S × S), the Gram matrix of the effective rows. */
function effectiveGram(ch: ChannelSample, e: CMat): CMat {
  const t = cmatmul(e, ch.gram); // E Hh
  // (E Hh) E^H
  const s = cmat(e.rows, e.rows);
  const n = e.cols;
  for (let i = 0; i < e.rows; i++) {
    for (let j = 0; j < e.rows; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        const xr = t.re[i * n + k]!,
          xi = t.im[i * n + k]!;
        const yr = e.re[j * n + k]!,
          yi = e.im[j * n + k]!;
        sr += xr * yr + xi * yi;
        si += xi * yr - xr * yi;
      }
      s.re[i * e.rows + j] = sr;
      s.im[i * e.rows + j] = si;
    }
  }
  return s;
}

/** `V = H^H (E^H Y)` for a coefficient matrix Y (S × S) on the effective rows. */
function precoderFromEffective(ch: ChannelSample, e: CMat, y: CMat): CMat {
  return cmatmulAH(ch.H, cmatmulAH(e, y));
}

/**
 * Maximum-ratio transmission (matched filter): `V = beta H^H` for d = Nk, or
 * `V_k = beta H_k^H [u_{k,1} .. u_{k,d}]` on the dominant eigenmodes, with one common beta so that
 * `||V||_F^2 = P`.
 * @param ch - channel sample
 * @returns V, shape [M, K·d]
 */
export function mrt(ch: ChannelSample, sys: SystemParams, opts: PrecoderOptions = {}): CMat {
  const rs = resolveSystem(sys, ch.K, "mrt");
  const d = resolveStreams(opts.streams, ch.Nk, "mrt");
  const e = streamSelector(ch, d);
  const v = cmatmulAH(ch.H, chermitian(e)); // H^H E^H
  return scaleToPower(v, rs.power, "mrt");
}

/**
 * Zero-forcing (channel inversion): `W = Heff^H (Heff Heff^H)^+` on the S = K·d effective rows,
 * columns normalised to unit norm, stream i sent with power p_i. Stream gain `g_i = 1/||w_i||^2`
 * (interference-free when Heff has full row rank); equal power `p_i = P / S` (default) or
 * water-filling on `g_i / sigma^2`.
 * Closed-form check (i.i.d. CN(0,1), d = Nk): per-stream SNR `(P/S)(M - S + 1)/sigma^2` on average.
 * @returns V, shape [M, K·d], `||V||_F^2 = P`
 */
export function zf(ch: ChannelSample, sys: SystemParams, opts: PrecoderOptions & { powerAllocation?: PowerAllocation } = {}): CMat {
  const rs = resolveSystem(sys, ch.K, "zf");
  const d = resolveStreams(opts.streams, ch.Nk, "zf");
  const e = streamSelector(ch, d);
  const g = effectiveGram(ch, e);
  const { pinv } = cpinvHermitian(g);
  // column i of W has squared norm (G^+ G G^+)_ii = (G^+)_ii for an exact pseudo-inverse
  const S = g.rows;
  const gains = new Float64Array(S);
  for (let i = 0; i < S; i++) {
    const nrm2 = pinv.re[i * S + i]!;
    gains[i] = nrm2 > 0 ? 1 / nrm2 : 0;
  }
  const powers = allocate(gains, rs.power, rs.sigma2, opts.powerAllocation ?? "equal", "zf");
  // Y = G^+ diag(sqrt(p_i) / ||w_i||) = G^+ diag(sqrt(p_i g_i))
  for (let i = 0; i < S; i++) {
    for (let j = 0; j < S; j++) {
      const f = Math.sqrt(powers[j]! * gains[j]!);
      pinv.re[i * S + j]! *= f;
      pinv.im[i * S + j]! *= f;
    }
  }
  return scaleToPower(precoderFromEffective(ch, e, pinv), rs.power, "zf");
}

function allocate(gains: Float64Array, power: number, sigma2: number, how: PowerAllocation, where: string): Float64Array {
  let active = 0;
  for (const g of gains) if (g > 0) active++;
  if (active === 0) fail(where, "no stream has a positive gain (channel rank 0 for this precoder)");
  if (how === "equal") return gains.map((g) => (g > 0 ? power / active : 0));
  if (how === "waterfilling")
    return waterFilling(
      gains.map((g) => g / sigma2),
      power,
    );
  return fail(where, `unknown power allocation '${how as string}', valid options are 'equal', 'waterfilling'`);
}

/**
 * Regularised ZF (MMSE / transmit-Wiener precoder): `V = beta Heff^H (Heff Heff^H + a I)^{-1}` with
 * `a = S (sigma^2 / P + errorVariance)` (S = K·d virtual users; the error term is the robust
 * regulariser for CSI with per-entry error variance sigma_e^2, default 0), beta so that
 * `||V||_F^2 = P`.
 * @returns V, shape [M, K·d]
 */
export function rzf(
  ch: ChannelSample,
  sys: SystemParams,
  opts: PrecoderOptions & { errorVariance?: number; regularization?: number } = {},
): CMat {
  const rs = resolveSystem(sys, ch.K, "rzf");
  const d = resolveStreams(opts.streams, ch.Nk, "rzf");
  const ev = opts.errorVariance ?? 0;
  if (!(ev >= 0) || !Number.isFinite(ev)) fail("rzf", `errorVariance must be a finite number >= 0, got ${opts.errorVariance}`);
  const e = streamSelector(ch, d);
  const g = effectiveGram(ch, e);
  const S = g.rows;
  const a = opts.regularization ?? S * (rs.sigma2 / rs.power + ev);
  if (!(a > 0) || !Number.isFinite(a)) fail("rzf", `regularization must be a finite number > 0, got ${a}`);
  for (let i = 0; i < S; i++) g.re[i * S + i]! += a;
  return scaleToPower(precoderFromEffective(ch, e, cinvHpd(g)), rs.power, "rzf");
}

/**
 * Block diagonalisation (Spencer, Swindlehurst, Haardt 2004) with water-filling.
 *
 * User k transmits in the null space of the other users' channel `Ht_k`: with the projector
 * `P_k = I - Ht_k^H (Ht_k Ht_k^H)^+ Ht_k`, the effective channel `H_k P_k` has the SVD
 * `U_k S_k V_k^H`, and its right singular vectors are `v_i = P_k H_k^H u_i / s_i`. All of this is
 * N-dimensional: `P_k H_k^H = H^H C_k` with `C_k` = [I on user k's rows; -(Hh_oo)^+ Hh_ok on the
 * others], and `H_k P_k H_k^H = Hh_kk - Hh_ko (Hh_oo)^+ Hh_ok` (a Schur complement, Nk × Nk).
 * Power: water-filling over the d strongest modes of every user (gains `s_i^2 / sigma^2`), or equal.
 * Needs `M >= N` for every user to have an Nk-dimensional null space; modes with zero gain get no
 * power.
 * @returns V, shape [M, K·d], `||V||_F^2 = P`; interference-free (`H_j V_k = 0`, j != k) when the
 *   other users' channels have full row rank.
 */
export function bd(ch: ChannelSample, sys: SystemParams, opts: PrecoderOptions & { powerAllocation?: PowerAllocation } = {}): CMat {
  const rs = resolveSystem(sys, ch.K, "bd");
  const d = resolveStreams(opts.streams, ch.Nk, "bd");
  const { K, Nk, N } = ch;
  const hh = ch.gram;
  const S = K * d;
  const dirs = cmat(N, S); // columns: C_k u_i / s_i (unit-norm directions in V-space)
  const gains = new Float64Array(S);
  const other = N - Nk;
  for (let k = 0; k < K; k++) {
    const ids: number[] = [];
    for (let r = 0; r < N; r++) if (r < k * Nk || r >= (k + 1) * Nk) ids.push(r);
    // Hh_oo^+ and Hh_ok
    const hoo = cmat(other, other);
    const hok = cmat(other, Nk);
    for (let a = 0; a < other; a++) {
      for (let b = 0; b < other; b++) {
        hoo.re[a * other + b] = hh.re[ids[a]! * N + ids[b]!]!;
        hoo.im[a * other + b] = hh.im[ids[a]! * N + ids[b]!]!;
      }
      for (let b = 0; b < Nk; b++) {
        hok.re[a * Nk + b] = hh.re[ids[a]! * N + k * Nk + b]!;
        hok.im[a * Nk + b] = hh.im[ids[a]! * N + k * Nk + b]!;
      }
    }
    const t = other > 0 ? cmatmul(cpinvHermitian(hoo).pinv, hok) : cmat(0, Nk); // (Hh_oo)^+ Hh_ok
    // Schur complement Q = Hh_kk - Hh_ok^H t
    const q = cmat(Nk, Nk);
    const corr = other > 0 ? cmatmulAH(hok, t) : cmat(Nk, Nk);
    for (let a = 0; a < Nk; a++) {
      for (let b = 0; b < Nk; b++) {
        q.re[a * Nk + b] = hh.re[(k * Nk + a) * N + k * Nk + b]! - corr.re[a * Nk + b]!;
        q.im[a * Nk + b] = hh.im[(k * Nk + a) * N + k * Nk + b]! - corr.im[a * Nk + b]!;
      }
    }
    const { values, vectors } = ceigh(q);
    const u = vectors!;
    const top = Math.max(values[Nk - 1]!, 0);
    const scaleRef = Math.max(...Array.from({ length: Nk }, (_, a) => hh.re[(k * Nk + a) * N + k * Nk + a]!));
    for (let i = 0; i < d; i++) {
      const col = Nk - 1 - i;
      const s2 = values[col]!;
      const stream = k * d + i;
      // a mode with (relative) zero gain lies in the other users' row space: unusable
      if (!(s2 > 1e-12 * Math.max(top, scaleRef))) continue;
      gains[stream] = s2;
      const inv = 1 / Math.sqrt(s2);
      // C_k u = [u on user k's rows; -t u on the others]
      for (let a = 0; a < Nk; a++) {
        dirs.re[(k * Nk + a) * S + stream] = u.re[a * Nk + col]! * inv;
        dirs.im[(k * Nk + a) * S + stream] = u.im[a * Nk + col]! * inv;
      }
      for (let a = 0; a < other; a++) {
        let sr = 0;
        let si = 0;
        for (let b = 0; b < Nk; b++) {
          const xr = t.re[a * Nk + b]!,
            xi = t.im[a * Nk + b]!;
          const yr = u.re[b * Nk + col]!,
            yi = u.im[b * Nk + col]!;
          sr += xr * yr - xi * yi;
          si += xr * yi + xi * yr;
        }
        dirs.re[ids[a]! * S + stream] = -sr * inv;
        dirs.im[ids[a]! * S + stream] = -si * inv;
      }
    }
  }
  if (!gains.some((g) => g > 0)) {
    fail(
      "bd",
      `no user has a usable null space: block diagonalisation needs M > (K-1)·Nk = ${(K - 1) * Nk} for full-rank channels, got M = ${ch.M}`,
    );
  }
  const powers = allocate(gains, rs.power, rs.sigma2, opts.powerAllocation ?? "waterfilling", "bd");
  for (let r = 0; r < N; r++) {
    for (let s = 0; s < S; s++) {
      const f = Math.sqrt(powers[s]!);
      dirs.re[r * S + s]! *= f;
      dirs.im[r * S + s]! *= f;
    }
  }
  return scaleToPower(cmatmulAH(ch.H, dirs), rs.power, "bd");
}
