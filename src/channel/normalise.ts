/**
 * Channel power normalisation and CSI-error injection on H [T, K, Nk, M] (docs/channel.md §7).
 *
 * Normalisation modes:
 * - `none`: absolute channel gains (path loss and shadowing included where the preset has them;
 *   `rayleigh` and `clarke` have unit power by construction);
 * - `global`: one factor for the whole tensor, mean |h|² over (t, k, n, m) = 1 (keeps the
 *   near–far differences between users);
 * - `per-user`: one factor per user, mean over (t, n, m) of |h_k|² = 1, i.e. E‖H_k‖_F² = Nk·M
 *   (the long-term mean, not per sample: small-scale fading and path-loss variation along the
 *   track stay in the data);
 * - `large-scale`: each sample divided by its local mean power at generation, keeping only the
 *   small-scale fading: 38.901 path loss and shadowing for umi-6ghz (Σ_l P_l = 1), the incoherent
 *   sum Σ_l |α_l|² of the path powers for o1-28ghz; then E‖H_k(t)‖_F² = Nk·M over the path
 *   phases — handled by the scenario builders, not here.
 */
import type { ComplexTensor } from "../core/complex.ts";
import { fail } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";

export const NORMALISE_MODES = ["none", "global", "per-user", "large-scale"] as const;
export type NormaliseMode = (typeof NORMALISE_MODES)[number];

/**
 * Mean |h|² of each user over (t, n, m) of H [T, K, Nk, M] (or [T, F, K, Nk, M] with `lead` = T·F).
 * @param H - channel, shape [T, K, Nk, M] or [T, F, K, Nk, M], complex planar
 * @returns mean |h|² per user, shape [K] (linear)
 */
export function perUserMeanPower(H: ComplexTensor): Float64Array {
  const s = H.shape;
  const K = s[s.length - 3]!;
  const per = s[s.length - 2]! * s[s.length - 1]!;
  const lead = H.re.length / (K * per);
  const out = new Float64Array(K);
  for (let t = 0; t < lead; t++) {
    for (let k = 0; k < K; k++) {
      const o = (t * K + k) * per;
      let acc = 0;
      for (let i = 0; i < per; i++) acc += H.re[o + i]! * H.re[o + i]! + H.im[o + i]! * H.im[o + i]!;
      out[k] += acc;
    }
  }
  for (let k = 0; k < K; k++) out[k] = out[k]! / (lead * per);
  return out;
}

/** Multiply user k's entries of a [.., K, Nk, M] tensor by scale[k], in place. */
export function scaleUsers(H: ComplexTensor, scale: Float64Array): void {
  const s = H.shape;
  const K = s[s.length - 3]!;
  const per = s[s.length - 2]! * s[s.length - 1]!;
  const lead = H.re.length / (K * per);
  for (let t = 0; t < lead; t++) {
    for (let k = 0; k < K; k++) {
      const o = (t * K + k) * per;
      const f = scale[k]!;
      for (let i = 0; i < per; i++) {
        H.re[o + i] = H.re[o + i]! * f;
        H.im[o + i] = H.im[o + i]! * f;
      }
    }
  }
}

/**
 * The amplitude factors that normalise H [T, K, Nk, M] in `mode` (`global` or `per-user`; other
 * modes give 1).
 * @throws LiquidwaveError if a user (or the whole tensor) has zero power
 * @param H - channel, shape [T, K, Nk, M], complex planar
 * @returns amplitude factors, shape [K]
 */
export function normalisationScales(H: ComplexTensor, mode: NormaliseMode): Float64Array {
  const p = perUserMeanPower(H);
  const K = p.length;
  const out = new Float64Array(K).fill(1);
  if (mode === "global") {
    const mean = p.reduce((a, b) => a + b, 0) / K;
    if (!(mean > 0)) fail("normaliseChannel", `the channel has zero mean power (${mean}); cannot normalise`);
    out.fill(1 / Math.sqrt(mean));
  } else if (mode === "per-user") {
    for (let k = 0; k < K; k++) {
      if (!(p[k]! > 0)) fail("normaliseChannel", `user ${k} has zero mean power; cannot normalise per user`);
      out[k] = 1 / Math.sqrt(p[k]!);
    }
  }
  return out;
}

/** Who sets the CSI-error variance: each user's long-term mean power, or the tensor's. */
export type CeeReference = "per-user" | "global";

/**
 * Imperfect CSI Ĥ = H + E with E i.i.d. CN(0, σ_k²), σ_k² = 10^{CEE/10} · P_k, where P_k is the
 * long-term mean |h|² of user k (`per-user`) or of the whole tensor (`global`) — never the
 * instantaneous power, so the error is independent of the fading. Then
 * CEE = 10 log10(E‖H − Ĥ‖² / E‖H‖²) in both cases.
 * @param rng - the error's own stream (so that H does not depend on the CEE)
 * @param ceeDb - channel estimation error in dB (e.g. −10: error power 10 dB below the channel)
 */
export function addCsiError(rng: Rng, H: ComplexTensor, ceeDb: number, reference: CeeReference = "per-user"): ComplexTensor {
  const p = perUserMeanPower(H);
  const K = p.length;
  const ref = reference === "global" ? new Float64Array(K).fill(p.reduce((a, b) => a + b, 0) / K) : p;
  const s = H.shape;
  const per = s[s.length - 2]! * s[s.length - 1]!;
  const lead = H.re.length / (K * per);
  const re = new Float64Array(H.re.length);
  const im = new Float64Array(H.re.length);
  const std = Array.from(ref, (pk) => Math.sqrt((10 ** (ceeDb / 10) * pk) / 2));
  for (let t = 0; t < lead; t++) {
    for (let k = 0; k < K; k++) {
      const o = (t * K + k) * per;
      const sd = std[k]!;
      for (let i = 0; i < per; i++) {
        re[o + i] = H.re[o + i]! + sd * rng.normal();
        im[o + i] = H.im[o + i]! + sd * rng.normal();
      }
    }
  }
  return { shape: [...H.shape], re, im };
}
