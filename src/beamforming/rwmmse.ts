/**
 * R-WMMSE (Zhao, Lu, Liu, Dai, Wang, "Rethinking WMMSE: can its complexity scale linearly with the
 * number of BS antennas?", IEEE TSP 71, 2023): WMMSE restricted to the row space of the channel,
 * `V = H^H X`, with the power constraint handled by scale invariance instead of a multiplier.
 *
 * Two facts: every stationary point has `V_k` in range(H^H), and at the optimum the power is
 * tight, so the problem is equivalent to the unconstrained, scale-invariant one in which sigma^2 is
 * replaced by `(sigma^2 / P) tr(V V^H)`; any solution is rescaled to power P. With `Hh = H H^H`
 * (N × N, once per sample), `H_k V_j = (Hh X)_kj` and `tr(V V^H) = tr(X^H Hh X) = t`:
 *
 *     U_k, W_k  = the MMSE receiver and weight at G = Hh X with noise (sigma^2 / P) t
 *     eta       = (sigma^2 / P) sum_k alpha_k tr(U_k W_k U_k^H)
 *     X         = Ubar (Wbar Ubar^H Hh Ubar + eta I)^{-1} Wbar,
 *                 Ubar = blkdiag(U_k), Wbar = blkdiag(alpha_k W_k)
 *
 * (the WMMSE precoder step with mu -> eta and the push-through identity; the (K·d) × (K·d) system
 * is solved as written, which stays valid for zero weights). Output `V = sqrt(P / t) H^H X`.
 * Per iteration O(N^2 K d + (K d)^3), independent of M; in total linear in M. It converges to a
 * stationary point of the same sum-rate problem (usually a different one from Shi's WMMSE).
 */
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { chermitian, cmat, crealInner, type CMat } from "../core/linalg/cmat.ts";
import { cmatmul, cmatmulAH } from "../core/linalg/matmul.ts";
import { csolve } from "../core/linalg/lu.ts";
import { mmseStep } from "./mmse-step.ts";
import { streamSelector } from "./precoders.ts";
import { userRates } from "./rate.ts";
import { precoderPower, scaleToPower } from "./power.ts";
import { baseStreams, resolveStreams, resolveSystem, type ChannelSample, type SystemParams } from "./system.ts";
import { resolveStop, type IterativeResult, type StopOptions } from "./wmmse.ts";

/** Options of {@link rwmmse}. */
export interface RwmmseOptions extends StopOptions {
  /** Streams per user (1..Nk) or "full"; default 1. Ignored for a given init. */
  readonly streams?: number | "full";
  /**
   * Initial base matrix: `"random"` (default: i.i.d. CN(0,1) X, each user's X_k scaled so that
   * `tr(Hh X_k X_k^H) = P/K`, as in the public R-WMMSE code), `"mf"` (X selects each user's own
   * rows: V_k proportional to H_k^H, or to its dominant eigenmodes when d < Nk), or an N × K·d matrix.
   */
  readonly init?: "random" | "mf" | CMat;
  readonly rng?: Rng;
}

/** {@link IterativeResult} plus the base matrix of the output, `V = H^H X`. */
export interface RwmmseResult extends IterativeResult {
  /** Base matrix scaled so that `V = H^H X` exactly (power P). */
  readonly X: CMat;
}

function initialBase(ch: ChannelSample, power: number, d: number, init: "random" | "mf", rng: Rng): CMat {
  const { K, N } = ch;
  const S = K * d;
  let x = cmat(N, S);
  if (init === "random") {
    rng.fillComplexNormal(x.re, x.im);
  } else if (init === "mf") {
    // X = E^H with E the stream selector: the user's own antennas (d = Nk) or its top-d eigenmodes.
    x = chermitian(streamSelector(ch, d));
  } else {
    fail("rwmmse", `unknown init '${init as string}', valid options are 'random', 'mf' or a matrix`);
  }
  const hx = cmatmul(ch.gram, x);
  if (init === "random") {
    for (let k = 0; k < K; k++) {
      let p = 0;
      for (let i = 0; i < N; i++) {
        for (let j = k * d; j < (k + 1) * d; j++) p += x.re[i * S + j]! * hx.re[i * S + j]! + x.im[i * S + j]! * hx.im[i * S + j]!;
      }
      const c = Math.sqrt(power / K / p);
      for (let i = 0; i < N; i++) {
        for (let j = k * d; j < (k + 1) * d; j++) {
          x.re[i * S + j]! *= c;
          x.im[i * S + j]! *= c;
        }
      }
    }
  } else {
    const c = Math.sqrt(power / crealInner(x, hx));
    for (let i = 0; i < x.re.length; i++) {
      x.re[i]! *= c;
      x.im[i]! *= c;
    }
  }
  return x;
}

/**
 * R-WMMSE on one channel sample.
 * @param ch - the channel the transmitter knows
 * @returns precoder at power P, its base matrix X, rates on `ch`, iterations, rate history
 * @param sys - noise variance σ², power budget P (same linear unit), user weights
 * @param opts - streams, initialisation, stopping rule
 */
export function rwmmse(ch: ChannelSample, sys: SystemParams, opts: RwmmseOptions = {}): RwmmseResult {
  const where = "rwmmse";
  const rs = resolveSystem(sys, ch.K, where);
  const stop = resolveStop(opts, where);
  const init = opts.init ?? "random";
  let d: number;
  let x: CMat;
  if (typeof init === "object") {
    d = baseStreams(ch, init, where);
    x = { rows: init.rows, cols: init.cols, re: init.re.slice(), im: init.im.slice() };
  } else {
    d = resolveStreams(opts.streams, ch.Nk, where);
    x = initialBase(ch, rs.power, d, init, opts.rng ?? new Rng(0));
  }
  const { K, Nk } = ch;
  const S = K * d;
  const hh = ch.gram;
  const ratio = rs.sigma2 / rs.power;
  let hx = cmatmul(hh, x);
  let t = crealInner(x, hx);
  if (!(t > 0)) fail(where, "the initial precoder H^H X is zero");
  let st = mmseStep(hx, K, Nk, d, ratio * t, rs.weights);
  const history = [st.objective];
  let prev = st.objective;
  let iterations = 0;
  let converged = false;
  for (let it = 1; it <= stop.maxIter; it++) {
    // eta = (sigma^2/P) sum alpha_k tr(U_k W_k U_k^H); Wbar = blkdiag(alpha_k W_k)
    const wbar = cmat(S, S);
    let eta = 0;
    for (let k = 0; k < K; k++) {
      const a = rs.weights[k]!;
      const wk = st.w[k]!;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          wbar.re[(k * d + i) * S + k * d + j] = a * wk.re[i * d + j]!;
          wbar.im[(k * d + i) * S + k * d + j] = a * wk.im[i * d + j]!;
        }
      }
    }
    // tr(U_k W_k U_k^H) summed with weights = Re tr(Ubar Wbar Ubar^H)
    const uw = cmatmul(st.ubar, wbar);
    eta = ratio * crealInner(st.ubar, uw);
    if (!(eta > 0)) fail(where, "all receivers vanished (zero weights or a zero channel)");
    // M = Wbar (Ubar^H Hh Ubar) + eta I ; X = Ubar M^{-1} Wbar
    const q = cmatmulAH(st.ubar, cmatmul(hh, st.ubar));
    const m = cmatmul(wbar, q);
    for (let i = 0; i < S; i++) m.re[i * S + i]! += eta;
    x = cmatmul(st.ubar, csolve(m, wbar));
    hx = cmatmul(hh, x);
    t = crealInner(x, hx);
    if (!(t > 0)) fail(where, "the precoder collapsed to zero");
    st = mmseStep(hx, K, Nk, d, ratio * t, rs.weights);
    history.push(st.objective);
    iterations = it;
    const delta = Math.abs(st.objective - prev);
    if (delta <= stop.absTol || delta <= stop.relTol * Math.abs(prev)) {
      converged = true;
      break;
    }
    prev = st.objective;
  }
  const c = Math.sqrt(rs.power / t);
  for (let i = 0; i < x.re.length; i++) {
    x.re[i]! *= c;
    x.im[i]! *= c;
  }
  const v = scaleToPower(cmatmulAH(ch.H, x), rs.power, where);
  const r = userRates(ch, v, rs);
  return {
    V: v,
    X: x,
    rates: r.rates,
    sumRate: r.sumRate,
    power: precoderPower(v),
    iterations,
    converged,
    history: Float64Array.from(history),
  };
}
