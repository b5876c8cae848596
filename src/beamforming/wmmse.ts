/**
 * WMMSE for the MIMO broadcast channel under a sum-power constraint (Shi, Razaviyayn, Luo, He,
 * IEEE TSP 59(9), 2011), with three exact-or-faithful precoder-step solvers and a robust variant.
 *
 * Each iteration: receivers and weights at the current precoder (see mmse-step.ts), then
 *
 *     V = (A + mu I)^{-1} B,   A = H^H D H = sum_j alpha_j H_j^H U_j W_j U_j^H H_j,
 *                              B = H^H Y,  B_k = alpha_k H_k^H U_k W_k,
 *
 * with mu >= 0 the multiplier of `||V||_F^2 <= P` (mu = 0 and the minimum-norm solution when the
 * constraint is inactive, which it is for many early iterations when M > N). The sum rate is
 * non-decreasing over iterations (block-coordinate descent on the weighted-MSE problem).
 *
 * Solvers of the precoder step (same iterates up to the bisection tolerance):
 * - `"subspace"` (default): exact, in the N-dimensional row space of H. With `H H^H = E G E^H`
 *   (rank r), `L = E_r G_r^{1/2}` (N × r) and `H^H = F L^H` (F orthonormal, M × r):
 *   `V = F (L^H D L + mu I)^{-1} L^H Y`, so one r × r eigendecomposition per iteration and an exact
 *   bisection on `p(mu) = sum_m phi_m / (lambda_m + mu)^2`; the precoder is `V = H^H X`,
 *   `X = E_r G_r^{-1/2} z`. Cost O(N^3) per iteration plus O(N^2 M) once (docs/beamforming.md §5.2).
 * - `"eig"`: the textbook M × M form: eigendecompose A once per iteration, same bisection
 *   (O(M^3) per iteration; the paper-style timing baseline done right, docs/beamforming.md §5.2). The
 *   eigenvectors are used through their action on the M × K·d right-hand side (Householder
 *   reflectors and QL rotations applied to it, see `ceighApply`), which skips their O(M^3)
 *   accumulation: the tridiagonalisation remains the dominant cost.
 * - `"naive"`: the bisection of the public MATLAB code the GLNN authors' group published:
 *   `mu` in [0, 10], an M × M Cholesky solve per bisection step, stop when the bracket is below
 *   1e-5 or after 100 steps, and keep the last mid-point (which may exceed P very slightly, and
 *   silently caps mu at 10 when a larger multiplier is needed; `result.power` shows it). For timing
 *   comparisons with that code.
 *
 * Robust variant (`errorVariance = s^2 > 0`, or one `s_k^2` per user): the channel known to the
 * transmitter is an estimate, `H_k = Hhat_k + E_k` with E_k independent of Hhat and i.i.d.
 * CN(0, s_k^2) entries. Minimising the expected weighted MSE `E_E[sum_k alpha_k tr(W_k E_k)]`
 * instead of the nominal one: the expected received covariance of user k is
 *
 *     E[H_k V V^H H_k^H] = Hhat_k V V^H Hhat_k^H + s_k^2 tr(V V^H) I,
 *
 * (the cross terms vanish because E has zero mean; `E[E_k A E_k^H] = s_k^2 tr(A) I` for i.i.d.
 * entries), so the expected MSE of user k is the nominal MSE on Hhat with the noise variance
 * `sigma^2` replaced by `sigma^2 + s_k^2 ||V||_F^2` in the receiver and weight steps, and, since
 * `sum_k alpha_k s_k^2 ||V||_F^2 tr(W_k U_k^H U_k)` is `||V||_F^2` times a constant, the precoder
 * step gains the diagonal loading `L = sum_k alpha_k s_k^2 tr(U_k W_k U_k^H)`:
 *
 *     V = (A + L I + mu I)^{-1} B.
 *
 * Each step still minimises the (now expected) objective exactly, so the iteration stays monotone
 * in the robust objective `sum_k alpha_k log det W_k`, which is the rate with the CSI error treated
 * as extra Gaussian noise (a standard lower bound on the rate with imperfect CSI). s = 0 gives plain
 * WMMSE. When the error model is instead `Hhat = H + E` (error added to the true channel, the CEE
 * convention of the channel simulator), use {@link lmmseCsiModel} first.
 */
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { cmat, chermitianizeInPlace, type CMat } from "../core/linalg/cmat.ts";
import { cmatmul, cmatmulAH } from "../core/linalg/matmul.ts";
import { ceighApply } from "../core/linalg/eigh.ts";
import { cholSolve, tryCholesky } from "../core/linalg/cholesky.ts";
import { csolve } from "../core/linalg/lu.ts";
import { mmseStep, powerMultiplier, precoderStepTerms, type MmseStep } from "./mmse-step.ts";
import { bd, mrt, rzf, zf } from "./precoders.ts";
import { precoderPower, scaleToPower } from "./power.ts";
import { userRates } from "./rate.ts";
import { ChannelSample, precoderStreams, resolveStreams, resolveSystem, type ResolvedSystem, type SystemParams } from "./system.ts";

/** Precoder-step solver of {@link wmmse}. */
export type WmmseSolver = "subspace" | "eig" | "naive";

/** Initial precoder: random (WMMSE-RI), matched filter, ZF, RZF, BD, or a given M × K·d matrix. */
export type WmmseInit = "random" | "mf" | "zf" | "rzf" | "bd" | CMat;

/** Stopping rule shared by the iterative algorithms. */
export interface StopOptions {
  /** Iteration cap (default 100). */
  readonly maxIter?: number;
  /** Stop when `|R(t) - R(t-1)| <= relTol · |R(t-1)|` (default 1e-3, the public MATLAB codes' rule). */
  readonly relTol?: number;
  /** ... or when `|R(t) - R(t-1)| <= absTol` (default 0; Shi's rule on sum log det W_k). */
  readonly absTol?: number;
}

/** Options of {@link wmmse}. */
export interface WmmseOptions extends StopOptions {
  /** Streams per user d (1..Nk) or "full"; default 1 (the GLNN setting). Ignored for a given init. */
  readonly streams?: number | "full";
  readonly solver?: WmmseSolver;
  /** Default "random". */
  readonly init?: WmmseInit;
  /** Random source of the random init (default `new Rng(0)`). */
  readonly rng?: Rng;
  /** CSI error variance per entry for the robust variant: one s^2 for all users or s_k^2 per user (default 0). */
  readonly errorVariance?: number | ArrayLike<number>;
  /** Upper end of the naive bisection bracket (default 10). */
  readonly naiveMuMax?: number;
  /** Bracket width at which the naive bisection stops (default 1e-5). */
  readonly naiveTol?: number;
  /** Rescale the output to power exactly P (never lowers the rate); default false (the algorithm as published). */
  readonly fillPower?: boolean;
}

/** Result of an iterative beamformer. */
export interface IterativeResult {
  /** Precoder, M × K·d. */
  readonly V: CMat;
  /** Unweighted per-user rates on the channel the algorithm was given (bit/s/Hz). */
  readonly rates: Float64Array;
  /** Weighted sum rate on that channel. */
  readonly sumRate: number;
  /** `||V||_F^2`. */
  readonly power: number;
  /** Precoder updates performed. */
  readonly iterations: number;
  /** Whether the stopping tolerance was met before the cap. */
  readonly converged: boolean;
  /**
   * The algorithm's objective after each update, starting with the initial precoder (length
   * iterations + 1): the sum rate, or for the robust variant its lower bound.
   */
  readonly history: Float64Array;
}

/** Check stop options; returns defaults filled in. */
export function resolveStop(o: StopOptions, where: string): { maxIter: number; relTol: number; absTol: number } {
  const maxIter = o.maxIter ?? 100;
  const relTol = o.relTol ?? 1e-3;
  const absTol = o.absTol ?? 0;
  if (!Number.isInteger(maxIter) || maxIter < 0) fail(where, `maxIter must be an integer >= 0, got ${o.maxIter}`);
  if (!(relTol >= 0) || !Number.isFinite(relTol)) fail(where, `relTol must be a finite number >= 0, got ${o.relTol}`);
  if (!(absTol >= 0) || !Number.isFinite(absTol)) fail(where, `absTol must be a finite number >= 0, got ${o.absTol}`);
  return { maxIter, relTol, absTol };
}

/**
 * Initial precoder of WMMSE.
 * - `"random"`: V_k with i.i.d. CN(0, 1) entries, each user scaled to power P/K (WMMSE-RI as in
 *   the public MATLAB code);
 * - `"mf"`: matched filter on the d dominant eigenmodes of each user, jointly scaled to P;
 * - `"zf"`, `"rzf"`, `"bd"`: the closed-form precoders (docs/beamforming.md §5.2; a good practice is to
 *   start from both and keep the better).
 * @param ch - channel sample, H of shape N × M
 * @param rs - resolved system (σ², P, weights)
 * @param d - streams per user
 * @returns V, M × K·d, complex
 */
export function initialPrecoder(
  ch: ChannelSample,
  rs: ResolvedSystem,
  d: number,
  init: "random" | "mf" | "zf" | "rzf" | "bd",
  rng: Rng,
): CMat {
  if (init === "mf") return mrt(ch, rs, { streams: d });
  if (init === "zf") return zf(ch, rs, { streams: d });
  if (init === "rzf") return rzf(ch, rs, { streams: d });
  if (init === "bd") return bd(ch, rs, { streams: d });
  if (init !== "random") fail("wmmse", `unknown init '${init as string}', valid options are 'random', 'mf', 'zf', 'rzf', 'bd' or a matrix`);
  const S = ch.K * d;
  const v = cmat(ch.M, S);
  rng.fillComplexNormal(v.re, v.im);
  for (let k = 0; k < ch.K; k++) {
    let p = 0;
    for (let i = 0; i < ch.M; i++) {
      for (let j = k * d; j < (k + 1) * d; j++) p += v.re[i * S + j]! ** 2 + v.im[i * S + j]! ** 2;
    }
    const c = Math.sqrt(rs.power / ch.K / p);
    for (let i = 0; i < ch.M; i++) {
      for (let j = k * d; j < (k + 1) * d; j++) {
        v.re[i * S + j]! *= c;
        v.im[i * S + j]! *= c;
      }
    }
  }
  return v;
}

/** Row-space factors of the channel for the subspace solver: `L = E_r G_r^{1/2}` and `E_r G_r^{-1/2}`. */
function rowSpaceFactors(ch: ChannelSample): { L: CMat; Linv: CMat } {
  const { values, vectors } = ch.gramEig;
  const N = ch.N;
  const top = values[N - 1]!;
  const idx: number[] = [];
  for (let m = N - 1; m >= 0; m--) if (values[m]! > 1e-12 * top) idx.push(m);
  const r = idx.length;
  const L = cmat(N, r);
  const Linv = cmat(N, r);
  for (let c = 0; c < r; c++) {
    const m = idx[c]!;
    const s = Math.sqrt(values[m]!);
    for (let i = 0; i < N; i++) {
      const er = vectors!.re[i * N + m]!;
      const ei = vectors!.im[i * N + m]!;
      L.re[i * r + c] = er * s;
      L.im[i * r + c] = ei * s;
      Linv.re[i * r + c] = er / s;
      Linv.im[i * r + c] = ei / s;
    }
  }
  return { L, Linv };
}

/**
 * Solve `min tr(V^H A V) - 2 Re tr(V^H B)` s.t. `||V||^2 <= P` through the eigendecomposition of
 * the Hermitian PSD matrix A (any size): `V = Q diag(1/(lambda + mu)) Q^H B`.
 */
function eigenPrecoderStep(a: CMat, b: CMat, power: number): CMat {
  // eigenvalues, Q^H B and the map Y -> Q Y, without forming Q (see ceighApply)
  const { values, projected: pt, expand } = ceighApply(a, b);
  const n = a.rows;
  const S = b.cols;
  const phi = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    let s = 0;
    for (let j = 0; j < S; j++) s += pt.re[m * S + j]! ** 2 + pt.im[m * S + j]! ** 2;
    phi[m] = s;
  }
  const { mu, keep } = powerMultiplier(values, phi, power);
  for (let m = 0; m < n; m++) {
    const f = keep[m] ? 1 / (values[m]! + mu) : 0;
    for (let j = 0; j < S; j++) {
      pt.re[m * S + j]! *= f;
      pt.im[m * S + j]! *= f;
    }
  }
  return expand(pt);
}

/**
 * WMMSE (Shi et al. 2011) on one channel sample. Run it on the estimated channel and score it on
 * the true one with `evaluate.ts` (`runOnEstimate`).
 * @param ch - the channel the transmitter knows
 * @param sys - noise variance, power budget, weights
 * @returns precoder, rates on `ch`, power, iterations, objective history
 * @param opts - streams, solver, initialisation, stopping rule, robust error variance
 */
export function wmmse(ch: ChannelSample, sys: SystemParams, opts: WmmseOptions = {}): IterativeResult {
  const where = "wmmse";
  const rs = resolveSystem(sys, ch.K, where);
  const stop = resolveStop(opts, where);
  const solver = opts.solver ?? "subspace";
  if (solver !== "subspace" && solver !== "eig" && solver !== "naive") {
    fail(where, `unknown solver '${solver as string}', valid options are 'subspace', 'eig', 'naive'`);
  }
  const s2e = perUserVariance(opts.errorVariance ?? 0, ch.K, where);
  const robust = s2e.some((x) => x > 0);
  const init = opts.init ?? "random";
  let v0: CMat;
  let d: number;
  if (typeof init === "object") {
    d = precoderStreams(ch, init, where, "initial precoder");
    v0 = init;
  } else {
    d = resolveStreams(opts.streams, ch.Nk, where);
    v0 = initialPrecoder(ch, rs, d, init, opts.rng ?? new Rng(0));
  }
  const { K, Nk } = ch;
  const muMax = opts.naiveMuMax ?? 10;
  const naiveTol = opts.naiveTol ?? 1e-5;
  if (!(muMax > 0) || !(naiveTol > 0)) fail(where, `naiveMuMax and naiveTol must be > 0, got ${muMax}, ${naiveTol}`);

  let v: CMat | null = v0;
  let x: CMat | null = null;
  let g = cmatmul(ch.H, v0);
  let pw = precoderPower(v0);
  const factors = solver === "subspace" ? rowSpaceFactors(ch) : null;
  const noiseOf = (power: number): Float64Array => s2e.map((x) => rs.sigma2 + x * power);
  let st: MmseStep = mmseStep(g, K, Nk, d, robust ? noiseOf(pw) : rs.sigma2, rs.weights);
  const history = [st.objective];
  let prev = st.objective;
  let iterations = 0;
  let converged = false;
  for (let it = 1; it <= stop.maxIter; it++) {
    const { D, Y, rhoPerUser } = precoderStepTerms(st, K, Nk, d, rs.weights);
    let load = 0;
    for (let k = 0; k < K; k++) load += s2e[k]! * rhoPerUser[k]!;
    if (solver === "subspace") {
      const { L, Linv } = factors!;
      const smat = cmatmulAH(L, cmatmul(D, L)); // L^H D L
      chermitianizeInPlace(smat);
      for (let i = 0; i < smat.rows; i++) smat.re[i * smat.rows + i]! += load;
      const yt = cmatmulAH(L, Y); // L^H Y
      const z = eigenPrecoderStep(smat, yt, rs.power);
      x = cmatmul(Linv, z);
      g = cmatmul(L, z); // H H^H X = L z
      pw = 0;
      for (let i = 0; i < z.re.length; i++) pw += z.re[i]! ** 2 + z.im[i]! ** 2;
      v = null;
    } else {
      const a = cmatmulAH(ch.H, cmatmul(D, ch.H)); // H^H D H
      chermitianizeInPlace(a);
      for (let i = 0; i < a.rows; i++) a.re[i * a.rows + i]! += load;
      const b = cmatmulAH(ch.H, Y); // H^H Y
      v = solver === "eig" ? eigenPrecoderStep(a, b, rs.power) : naiveBisection(a, b, rs.power, muMax, naiveTol);
      g = cmatmul(ch.H, v);
      pw = precoderPower(v);
    }
    st = mmseStep(g, K, Nk, d, robust ? noiseOf(pw) : rs.sigma2, rs.weights);
    history.push(st.objective);
    iterations = it;
    const delta = Math.abs(st.objective - prev);
    if (delta <= stop.absTol || delta <= stop.relTol * Math.abs(prev)) {
      converged = true;
      break;
    }
    prev = st.objective;
  }
  let out = v ?? cmatmulAH(ch.H, x!);
  if (v === v0) out = { rows: v0.rows, cols: v0.cols, re: v0.re.slice(), im: v0.im.slice() };
  if (opts.fillPower) scaleToPower(out, rs.power, where);
  const r = userRates(ch, out, rs);
  return {
    V: out,
    rates: r.rates,
    sumRate: r.sumRate,
    power: precoderPower(out),
    iterations,
    converged,
    history: Float64Array.from(history),
  };
}

function perUserVariance(v: number | ArrayLike<number>, K: number, where: string): Float64Array {
  const out = new Float64Array(K);
  if (typeof v === "number") out.fill(v);
  else {
    if (v.length !== K) fail(where, `errorVariance has ${v.length} entries, expected one or K = ${K}`);
    for (let k = 0; k < K; k++) out[k] = v[k]!;
  }
  for (let k = 0; k < K; k++) {
    if (!(out[k]! >= 0) || !Number.isFinite(out[k]!))
      fail(where, `errorVariance must be a finite number >= 0, got ${out[k]}${typeof v === "number" ? "" : ` for user ${k}`}`);
  }
  return out;
}

/** The FenghaoZhu-style bisection: re-solve `(A + mu I) V = B` at every mid-point. */
function naiveBisection(a: CMat, b: CMat, power: number, muMax: number, tol: number): CMat {
  let lo = 0;
  let hi = muMax;
  let v: CMat | null = null;
  const n = a.rows;
  const am = cmat(n, n);
  for (let step = 0; step < 100; step++) {
    const mid = 0.5 * (lo + hi);
    am.re.set(a.re);
    am.im.set(a.im);
    for (let i = 0; i < n; i++) am.re[i * n + i]! += mid;
    const l = tryCholesky(am);
    v = l ? cholSolve(l, b) : csolve(am, b);
    if (precoderPower(v) > power) lo = mid;
    else hi = mid;
    if (hi - lo < tol) break;
  }
  return v!;
}

/**
 * The CSI model for the robust WMMSE when the estimate is the true channel plus independent error,
 * `Hhat_k = H_k + E_k` (E_k i.i.d. CN(0, c g_k) with c = 10^(CEE/10), g_k the mean power per entry
 * of user k's channel; the channel simulator's convention): the linear MMSE estimate of H given
 * Hhat and its error are, entry by entry,
 *
 *     H_k = a Hhat_k + E'_k,   a = g_k / (g_k + c g_k) = 1 / (1 + c),
 *     E'_k ⊥ Hhat_k with variance  g_k c g_k / (g_k + c g_k) = c g_k / (1 + c),
 *
 * which is the `H = Hc + E'` form that {@link wmmse} with `errorVariance` expects. g_k comes from
 * the mean power of the estimate, `p_k = (1 + c) g_k`: pass the long-term per-user mean power of
 * the estimate over a trajectory (`estimatePower`), or let it be measured on this sample. (This
 * treats the entries of a user's channel as equally strong, an approximation for structured
 * channels.)
 * @param hest - estimated channel sample
 * @param ceeDb - channel-estimation error in dB (e.g. -10)
 * @param estimatePower - mean |hhat|^2 per entry: one number, or one per user (default: measured per user on `hest`)
 * @returns the scaled estimate `a Hhat` and the per-user posterior error variances
 */
export function lmmseCsiModel(
  hest: ChannelSample,
  ceeDb: number,
  estimatePower?: number | ArrayLike<number>,
): { channel: ChannelSample; errorVariance: Float64Array } {
  if (!Number.isFinite(ceeDb)) fail("lmmseCsiModel", `CEE must be a finite number of dB, got ${ceeDb}`);
  const { K, Nk, M } = hest;
  const h = hest.H;
  const p = new Float64Array(K);
  if (estimatePower === undefined) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let i = k * Nk * M; i < (k + 1) * Nk * M; i++) s += h.re[i]! ** 2 + h.im[i]! ** 2;
      p[k] = s / (Nk * M);
    }
  } else {
    const v = typeof estimatePower === "number" ? new Float64Array(K).fill(estimatePower) : Float64Array.from(estimatePower);
    if (v.length !== K) fail("lmmseCsiModel", `estimatePower has ${v.length} entries, expected one or K = ${K}`);
    for (let k = 0; k < K; k++) {
      if (!(v[k]! >= 0) || !Number.isFinite(v[k]!))
        fail("lmmseCsiModel", `estimatePower of user ${k} must be a finite number >= 0, got ${v[k]}`);
      p[k] = v[k]!;
    }
  }
  const c = 10 ** (ceeDb / 10);
  const a = 1 / (1 + c);
  const scaled = cmat(h.rows, h.cols);
  for (let i = 0; i < h.re.length; i++) {
    scaled.re[i] = a * h.re[i]!;
    scaled.im[i] = a * h.im[i]!;
  }
  const errorVariance = p.map((pk) => (c * pk) / ((1 + c) * (1 + c)));
  return { channel: new ChannelSample(scaled, K, "lmmseCsiModel"), errorVariance };
}

/**
 * Best of R runs of WMMSE from independent random initialisations (the GLNN "upper bound" when run on perfect CSI).
 * @param ch - channel sample, H of shape N × M
 * @param sys - noise variance σ², power budget P (same linear unit), user weights
 * @param restarts - number of random-start runs R ≥ 1
 * @returns the best run (V is M × K·d, rates in bit/s/Hz) and every run's sum rate [R]
 */
export function wmmseBestOf(
  ch: ChannelSample,
  sys: SystemParams,
  restarts: number,
  opts: WmmseOptions = {},
): IterativeResult & { all: Float64Array } {
  if (!Number.isInteger(restarts) || restarts < 1) fail("wmmseBestOf", `restarts must be an integer >= 1, got ${restarts}`);
  if (typeof opts.init === "object") fail("wmmseBestOf", "restarts need a random init, not a given matrix");
  const rng = opts.rng ?? new Rng(0);
  let best: IterativeResult | null = null;
  const all = new Float64Array(restarts);
  for (let r = 0; r < restarts; r++) {
    const res = wmmse(ch, sys, { ...opts, init: "random", rng: rng.fork(`restart-${r}`) });
    all[r] = res.sumRate;
    if (!best || res.sumRate > best.sumRate) best = res;
  }
  return { ...best!, all };
}

/**
 * WMMSE from several deterministic initialisations (e.g. ZF and RZF), keeping the run with the
 * highest objective on the channel it was given. WMMSE is monotone, so the result is at least as
 * good as every closed-form start on that channel (docs/beamforming.md §5.2).
 * @param ch - the channel the transmitter knows, H of shape N × M
 * @param sys - noise variance σ², power budget P (same linear unit), user weights
 * @param inits - initialisations to run (at least one)
 * @returns the best run (V is M × K·d, rates in bit/s/Hz), the initialisation it came from, and
 *   the iterations summed over all runs (`iterationsTotal`, the cost) and whether every run converged
 */
export function wmmseMultiStart(
  ch: ChannelSample,
  sys: SystemParams,
  inits: readonly ("random" | "mf" | "zf" | "rzf" | "bd")[],
  opts: WmmseOptions = {},
): IterativeResult & { init: string; iterationsTotal: number; allConverged: boolean } {
  if (inits.length === 0) fail("wmmseMultiStart", "inits must name at least one initialisation, got none");
  let best: IterativeResult | null = null;
  let from = inits[0]!;
  let total = 0;
  let all = true;
  for (const init of inits) {
    const r = wmmse(ch, sys, { ...opts, init });
    total += r.iterations;
    all &&= r.converged;
    if (!best || r.history[r.history.length - 1]! > best.history[best.history.length - 1]!) {
      best = r;
      from = init;
    }
  }
  return { ...best!, init: from, iterationsTotal: total, allConverged: all };
}
