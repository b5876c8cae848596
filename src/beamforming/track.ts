/**
 * A tracking beamformer (`rwmmse-track`): R-WMMSE warm-started from the previous slot's solution,
 * a few iterations per slot, restarted from RZF when the warm start is worse on the new channel
 * (docs/beamforming.md §6.1). Single stream per user (d = 1, the GLNN setting), any Nk.
 *
 * Per slot, with the known channel H (N × M, N = K·Nk) and its Gram matrix Hh = H Hᴴ (the only
 * O(N² M) step besides the output V = c Hᴴ X), everything runs on N × K base matrices X:
 *
 * - the previous slot's X, the RZF base X_rzf = Eᴴ (Q + a I)⁻¹ with Q = E Hh Eᴴ (K × K; E selects
 *   each user's dominant receive direction e_k, the top eigenvector of its Nk × Nk Gram block,
 *   a = K σ²/P) and the ZF base (a → 0, equal power per stream, from the same Q) are scored on
 *   the new channel; the best one starts the iterations;
 * - each R-WMMSE iteration (rwmmse.ts, d = 1): G = Hh X, t = Re tr(Xᴴ G), s² = (σ²/P) t;
 *   per user C_{−k} = Σ_{j≠k} g_kj g_kjᴴ + s² I (Nk × Nk), w_k = 1 + g_kkᴴ C_{−k}⁻¹ g_kk,
 *   u_k = C_{−k}⁻¹ g_kk / w_k; then X = Ū (W̄ Ūᴴ Hh Ū + η I)⁻¹ W̄ with η = (σ²/P) Σ α_k w_k ‖u_k‖²;
 * - the output is the best X seen (start or iterate) by the rate Σ α_k log₂ w_k, scaled to power P.
 *
 * Optional channel smoothing: the design uses Ĥ_s(t) = β Ĥ_s(t−1) + (1 − β) Ĥ(t) with a fixed
 * β = `smoothing`, or with `smoothing: "auto"` the steady-state Kalman filter of an AR(1) channel
 * whose slot-to-slot correlation ρ is estimated from the estimates and whose error variance r is
 * the known CSI error (`csiErrorDb`, the CEE relative to the channel power, as robust WMMSE is
 * given it): with c_0 = E|ĥ(t)|² and d_L = ½ E|ĥ(t) − ĥ(t−L)|² = r + S (1 − ρ_L) pooled over all
 * entries (L = 4 slots, forgetting factor 0.99 over slots), r = c̄_0 ε / (1 + ε) (ε = 10^(CEE/10),
 * c̄_0 the mean of |ĥ|² over all slots so far: the error is relative to the long-term channel
 * power), S = c_0 − r, ρ_L = 1 − (d_L − r) / S, and the AR(1) model that decorrelates as much at
 * lag L, ρ = 1 − (1 − ρ_L) / L (a lag-1 fit over-smooths: a smooth channel decorrelates
 * quadratically in the lag, an AR(1) linearly); the gain κ = P⁻ / (P⁻ + r) with P⁻ the positive
 * root of P⁻² + (r (1 − ρ²) − q) P⁻ − q r = 0,
 * q = (1 − ρ²) S; and Ĥ_s(t) = ρ (1 − κ) Ĥ_s(t−1) + κ Ĥ(t) (κ ≥ 0.05). Without a CSI error
 * (perfect CSI) κ = 1: no smoothing. (Estimating r from the estimates alone is not possible when
 * consecutive slots decorrelate: white channel and white error look alike; a Clarke-model fit
 * tried first over-smoothed umi-28ghz at 30 m/s.)
 * All buffers are allocated once per tracker; a slot allocates nothing when the caller passes
 * the output matrix (`step(ch, out)`).
 */
import { fail } from "../core/errors.ts";
import { cmat, type CMat } from "../core/linalg/cmat.ts";
import { gemmNN, gemmNT } from "../core/gemm.ts";
import { heapF64, heapSubview } from "../core/wasm/alloc.ts";
import { type ChannelSample, resolveSystem, type SystemParams } from "./system.ts";

/** Options of {@link RwmmseTracker}. */
export interface RwmmseTrackOptions {
  /** R-WMMSE iterations per slot (default 2). */
  readonly iterations?: number;
  /**
   * Exponential smoothing β ∈ [0, 1) of the channel over slots (default 0: none), or `"auto"`:
   * the Kalman smoother of the estimated slot correlation and the known CSI error (module header),
   * or a {@link SmoothingChooser} that sets the same smoother's gain per slot from the same
   * statistics (`smooth=liquid`, smooth-liquid.ts). The tracker does not own the chooser.
   */
  readonly smoothing?: number | "auto" | SmoothingChooser;
  /** CSI error power relative to the channel power, dB (the CEE), for `"auto"`; absent = perfect CSI. */
  readonly csiErrorDb?: number;
}

/** One slot's design. */
export interface TrackDesign {
  /** Precoder, M × K, ‖V‖_F² = P (the caller's `out` when one was passed). */
  readonly V: CMat;
  /** Weighted sum rate on the design channel (bit/s/Hz). */
  readonly sumRate: number;
  /** Iterations run. */
  readonly iterations: number;
  /** Whether this slot started from RZF or ZF (the warm start was worse or absent). */
  readonly restarted: boolean;
  /** Smoothing constant β used in this slot (0 without smoothing). */
  readonly smoothing: number;
}

/** Lag (slots) at which `smoothing: "auto"` measures the channel's decorrelation. */
const AUTO_LAG = 4;
/** Forgetting factor of the slot-to-slot correlation estimates of `smoothing: "auto"` (about 100 slots). */
const AUTO_FORGET = 0.99;
/** Largest 1 − κ of the Kalman rule (keeps at least 5 % of the newest estimate). */
const AUTO_MAX_BETA = 0.95;

/**
 * The steady-state Kalman smoothing constant β = 1 − κ for an AR(1) channel of power S and
 * slot-to-slot correlation ρ observed with error variance r (module header). Returns 0 when
 * r ≤ 0 (nothing to average out) and at most {@link AUTO_MAX_BETA}.
 * @param rho - correlation ρ ∈ [0, 1] of consecutive slots
 * @param S - channel power per entry (> 0)
 * @param r - error variance per entry (same unit as S)
 */
export function kalmanSmoothing(rho: number, S: number, r: number): number {
  if (!(r > 0) || !(S > 0)) return 0;
  const q = Math.max(1 - rho * rho, 0) * S;
  const b = r * (1 - rho * rho) - q;
  const pm = 0.5 * (-b + Math.sqrt(b * b + 4 * q * r));
  const kappa = pm / (pm + r);
  return Math.min(Math.max(1 - kappa, 0), AUTO_MAX_BETA);
}

/**
 * What `smoothing: "auto"` measured on one slot's estimate (all powers per entry, the unit of |ĥ|²).
 * Before the lag-L statistics exist (slot < L), ρ = 1 and `keep` = 0 (no smoothing).
 */
export interface SlotStatistics {
  /** Slot index since the last reset (0 = the first estimate). */
  readonly slot: number;
  /** AR(1) correlation ρ of consecutive slots (from the lag-L fit, module header). */
  readonly rho: number;
  /** Error variance r = c̄_0 ε / (1 + ε). */
  readonly r: number;
  /** Channel power S = max(c̄_0 − r, 0) the Kalman rule uses. */
  readonly S: number;
  /** The rule's 1 − κ ({@link kalmanSmoothing}; 0 before slot L or without a CSI error). */
  readonly keep: number;
  /** ½ mean |ĥ(t) − ĥ(t−1)|² of this slot (0 at slot 0; computed only when asked for). */
  readonly lag1: number;
  /** ½ mean |ĥ(t) − ĥ(t−L)|² of this slot (0 before slot L). */
  readonly lagL: number;
  /** The pooled d_L = ½ E|ĥ(t) − ĥ(t−L)|² (forgetting factor 0.99; 0 before slot L). */
  readonly pooledL: number;
  /** c_0 of this slot, mean |ĥ|². */
  readonly power: number;
  /** c̄_0, the mean of |ĥ|² over all slots so far. */
  readonly meanPower: number;
}

/**
 * The running statistics of `smoothing: "auto"` (module header): per slot, the pooled moments of
 * the estimates and the rule's gain. Keeps the last L estimates (N × M each).
 */
export class AutoSmoothingStatistics {
  private ring: CMat[] | null = null;
  private seen = 0;
  private readonly corr = new Float64Array(5);
  private readonly errorRatio: number;
  private readonly withLag1: boolean;

  /**
   * @param csiErrorDb - the CEE (dB, error power relative to the channel power); undefined = perfect CSI
   * @param withLag1 - also measure the lag-1 difference {@link SlotStatistics.lag1} (one more pass)
   */
  constructor(csiErrorDb: number | undefined, withLag1 = false) {
    if (csiErrorDb !== undefined && !Number.isFinite(csiErrorDb))
      fail("AutoSmoothingStatistics", `csiErrorDb must be a finite number of dB, got ${csiErrorDb}`);
    this.errorRatio = csiErrorDb === undefined ? 0 : 10 ** (csiErrorDb / 10);
    this.withLag1 = withLag1;
  }

  /** Forget every estimate (the next one is slot 0). */
  reset(): void {
    this.seen = 0;
    this.corr.fill(0);
  }

  /**
   * Take the next estimate and return the slot's statistics.
   * @param H - the estimate Ĥ(t), N × M (a new shape restarts the statistics)
   */
  update(H: CMat): SlotStatistics {
    const n = H.re.length;
    const hr = H.re;
    const hi = H.im;
    const L = AUTO_LAG;
    if (!this.ring || this.ring[0]!.re.length !== n) {
      this.ring = Array.from({ length: L }, () => cmat(H.rows, H.cols));
      this.seen = 0;
    }
    const slot = this.seen % L; // the estimate of L slots ago (once seen ≥ L), overwritten below
    let out: SlotStatistics;
    if (this.seen === 0) {
      this.corr.fill(0);
      let c0 = 0;
      for (let i = 0; i < n; i++) c0 += hr[i]! * hr[i]! + hi[i]! * hi[i]!;
      out = { slot: 0, rho: 1, r: 0, S: 0, keep: 0, lag1: 0, lagL: 0, pooledL: 0, power: c0 / n, meanPower: c0 / n };
    } else {
      const c = this.corr;
      let c0 = 0;
      for (let i = 0; i < n; i++) c0 += hr[i]! * hr[i]! + hi[i]! * hi[i]!;
      c[3]! += c0 / n; // the long-term mean power (no forgetting) sets the error variance
      c[4]! += 1;
      let lagL = 0;
      if (this.seen >= L) {
        let dL = 0;
        const pr = this.ring[slot]!.re;
        const pi = this.ring[slot]!.im;
        for (let i = 0; i < n; i++) {
          const dr = hr[i]! - pr[i]!;
          const di = hi[i]! - pi[i]!;
          dL += dr * dr + di * di;
        }
        lagL = (0.5 * dL) / n;
        const f = AUTO_FORGET;
        c[0] = f * c[0]! + c0 / n;
        c[1] = f * c[1]! + (0.5 * dL) / n;
        c[2] = f * c[2]! + 1;
      }
      let lag1 = 0;
      if (this.withLag1) {
        const prev = this.ring[(this.seen - 1) % L]!;
        let d1 = 0;
        for (let i = 0; i < n; i++) {
          const dr = hr[i]! - prev.re[i]!;
          const di = hi[i]! - prev.im[i]!;
          d1 += dr * dr + di * di;
        }
        lag1 = (0.5 * d1) / n;
      }
      const e = this.errorRatio;
      const meanPower = c[3]! / c[4]!;
      const r = (meanPower * e) / (1 + e);
      let rho = 1;
      if (c[2]! > 0) {
        const m0 = c[0]! / c[2]!;
        const half = c[1]! / c[2]!; // ½ E|ĥ(t) − ĥ(t−L)|² = r + S (1 − ρ_L)
        const S = m0 - r;
        const rhoL = S > 0 ? Math.min(Math.max(1 - (half - r) / S, 0), 1) : 0;
        rho = Math.max(1 - (1 - rhoL) / L, 0); // the AR(1) with the same decorrelation at lag L
      }
      const S = Math.max(meanPower - r, 0);
      // until the lag-L statistics exist, no smoothing
      const keep = this.seen >= L ? kalmanSmoothing(rho, S, r) : 0; // 1 − κ
      out = {
        slot: this.seen,
        rho,
        r,
        S,
        keep,
        lag1,
        lagL,
        pooledL: c[2]! > 0 ? c[1]! / c[2]! : 0,
        power: c0 / n,
        meanPower,
      };
    }
    this.ring[slot]!.re.set(hr);
    this.ring[slot]!.im.set(hi);
    this.seen++;
    return out;
  }
}

/**
 * Sets the gain of the `"auto"` smoother per slot (1 − κ_t, the weight kept on the prediction
 * ρ Ĥ_s(t−1)) from the slot's {@link SlotStatistics}; it may carry state across slots.
 */
export interface SmoothingChooser {
  /** 1 − κ_t ∈ [0, 1) for this slot; called once per slot in time order, slot 0 included (its value is not used there). */
  keep(stats: SlotStatistics): number;
  /** Forget the slots seen (called by the tracker's reset). */
  reset(): void;
  /** Whether {@link SlotStatistics.lag1} must be measured. */
  readonly needsLag1: boolean;
}

/** R-WMMSE tracker over the slots of one trajectory (state: the previous base matrix). */
export class RwmmseTracker {
  readonly K: number;
  readonly Nk: number;
  readonly iterations: number;
  /** Fixed β, or NaN for `"auto"` (and a chooser). */
  readonly smoothing: number;
  private readonly auto: boolean;
  private readonly sigma2: number;
  private readonly power: number;
  private readonly weights: Float64Array;
  private readonly N: number;
  // buffers (planar complex)
  private readonly hh: CMat;
  private readonly g: CMat;
  private readonly xa: CMat;
  private readonly xb: CMat;
  private readonly prev: CMat;
  private readonly e: CMat; // N × 1 stacked dominant directions e_k
  private readonly u: CMat; // N × 1 stacked u_k
  private readonly w: Float64Array;
  private readonly q: CMat; // K × K: Eᴴ-weighted Gram Q = E Hh Eᴴ
  private readonly sys: CMat; // K × (2K): [A | B] of the K × K solves
  private hs: CMat | null = null;
  // real forms for the two O(N M) products (on the WebAssembly heap when available, so they run
  // in the SIMD gemm kernels): S = [[Hr, Hi], [Hi, −Hr]] (2N × 2M), Hh = S [Hr, Hi]ᵀ (2N × N),
  // A = [[Xrᵀ, Xiᵀ], [Xiᵀ, −Xrᵀ]] (2K × 2N, columns interleaved), Vᵀ = A S_top (2K × M)
  private sBuf: Float64Array | null = null;
  private readonly gBuf: Float64Array;
  private readonly aBuf: Float64Array;
  // Hh in real form [[Re, −Im], [Im, Re]] (2N × 2N); the N × K matrices X and G are planar views on
  // one buffer each, [Xr; Xi] (2N × K row-major), so G = Hh X is one gemm without packing
  private readonly hReal: Float64Array;
  private readonly stacked = new Map<CMat, Float64Array>();
  private vBuf: Float64Array | null = null;
  // "auto": the pooled statistics of the estimates, and the optional chooser of the gain
  private readonly stats: AutoSmoothingStatistics;
  private readonly chooser: SmoothingChooser | null;
  private readonly small: { cr: Float64Array; ci: Float64Array; yr: Float64Array; yi: Float64Array };
  private hasPrev = false;
  /** t = Re tr(Xᴴ Hh X) of the last rate() call. */
  private lastT = 0;

  /**
   * @param shape - users K and antennas per user Nk
   * @param sys - noise variance σ², power budget P (same linear unit), user weights
   */
  constructor(shape: { K: number; Nk: number }, sys: SystemParams, opts: RwmmseTrackOptions = {}) {
    const where = "RwmmseTracker";
    const { K, Nk } = shape;
    const rs = resolveSystem(sys, K, where);
    this.iterations = opts.iterations ?? 2;
    if (!Number.isInteger(this.iterations) || this.iterations < 0 || this.iterations > 1000)
      fail(where, `iterations must be an integer in [0, 1000], got ${opts.iterations}`);
    const sm = opts.smoothing;
    this.chooser = typeof sm === "object" && sm !== null ? sm : null;
    this.auto = sm === "auto" || this.chooser !== null;
    this.smoothing = this.auto ? Number.NaN : ((sm as number | undefined) ?? 0);
    if (!this.auto && !(this.smoothing >= 0 && this.smoothing < 1))
      fail(where, `smoothing must be in [0, 1) or 'auto', got ${opts.smoothing}`);
    if (opts.csiErrorDb !== undefined && !Number.isFinite(opts.csiErrorDb))
      fail(where, `csiErrorDb must be a finite number of dB, got ${opts.csiErrorDb}`);
    this.stats = new AutoSmoothingStatistics(opts.csiErrorDb, this.chooser?.needsLag1 ?? false);
    this.K = K;
    this.Nk = Nk;
    this.N = K * Nk;
    this.sigma2 = rs.sigma2;
    this.power = rs.power;
    this.weights = rs.weights;
    const N = this.N;
    this.hh = cmat(N, N);
    this.hReal = heapF64(4 * N * N);
    const planar = (): CMat => {
      const buf = heapF64(2 * N * K);
      const m: CMat = { rows: N, cols: K, re: heapSubview(buf, 0, N * K), im: heapSubview(buf, N * K, 2 * N * K) };
      this.stacked.set(m, buf);
      return m;
    };
    this.g = planar();
    this.xa = planar();
    this.xb = planar();
    this.prev = planar();
    this.e = cmat(N, 1);
    this.u = cmat(N, 1);
    this.w = new Float64Array(K);
    this.q = cmat(K, K);
    this.sys = cmat(K, 2 * K);
    this.gBuf = heapF64(2 * N * N);
    this.aBuf = heapF64(4 * K * N);
    this.small = { cr: new Float64Array(Nk * Nk), ci: new Float64Array(Nk * Nk), yr: new Float64Array(Nk), yi: new Float64Array(Nk) };
  }

  /** Forget the previous slot (the next one starts from RZF; smoothing and its estimates restart). */
  reset(): void {
    this.hasPrev = false;
    this.hs = null;
    this.stats.reset();
    this.chooser?.reset();
  }

  /**
   * Design the precoder of the next slot.
   * @param ch - the channel the transmitter knows, H of shape N × M (N = K·Nk)
   * @param out - optional M × K matrix to write V into (no allocation per slot); a new one otherwise
   * @returns V (M × K, power P), its rate on the design channel, iterations, restart flag, β used
   */
  step(ch: ChannelSample, out?: CMat): TrackDesign {
    const { K, Nk, N } = this;
    if (ch.K !== K || ch.Nk !== Nk)
      fail("RwmmseTracker.step", `channel has K = ${ch.K}, Nk = ${ch.Nk}; the tracker was built for K = ${K}, Nk = ${Nk}`);
    const M = ch.M;
    if (out && (out.rows !== M || out.cols !== K))
      fail("RwmmseTracker.step", `output matrix is ${out.rows} x ${out.cols}, expected ${M} x ${K}`);
    let H = ch.H;
    let beta = this.smoothing;
    if (this.auto) {
      const chosen = this.autoSmooth(H);
      H = chosen.H;
      beta = chosen.beta;
    } else if (beta > 0) {
      if (!this.hs || this.hs.cols !== M) this.hs = { rows: N, cols: M, re: H.re.slice(), im: H.im.slice() };
      else {
        const sr = this.hs.re;
        const si = this.hs.im;
        const hr = H.re;
        const hi = H.im;
        const a = 1 - beta;
        for (let i = 0; i < sr.length; i++) {
          sr[i] = beta * sr[i]! + a * hr[i]!;
          si[i] = beta * si[i]! + a * hi[i]!;
        }
      }
      H = this.hs;
    }
    this.gram(H);
    // starts: RZF and ZF bases from the same directions and Q (the better into xb); previous in prev
    this.directions();
    this.baseFromQ(this.xb, (K * this.sigma2) / this.power, false);
    let rate = this.rate(this.xb);
    this.baseFromQ(this.xa, 0, true);
    const rz = this.rate(this.xa);
    if (rz > rate) {
      copyInto(this.xa, this.xb);
      rate = rz;
    }
    let cur = this.xb;
    let restarted = true;
    // whether u, w, g in the buffers belong to `cur` (the last rate() call was on its content)
    let fresh = false;
    if (this.hasPrev) {
      const r = this.rate(this.prev);
      if (r >= rate) {
        copyInto(this.prev, this.xa);
        cur = this.xa;
        rate = r;
        restarted = false;
        fresh = true;
      }
    }
    let best = cur;
    let bestRate = rate;
    let other = cur === this.xa ? this.xb : this.xa;
    let it = 0;
    if (this.iterations > 0 && !fresh) {
      this.rate(cur); // u, w at the start
      fresh = true;
    }
    for (; it < this.iterations; it++) {
      this.update(other);
      const r = this.rate(other); // leaves u, w at the new iterate
      if (!(r > bestRate)) {
        it++;
        fresh = false; // the buffers hold the rejected iterate
        break; // no gain (converged to round-off): keep the best, untouched in `cur`
      }
      best = other;
      bestRate = r;
      other = cur;
      cur = best;
    }
    copyInto(best, this.prev);
    this.hasPrev = true;
    const V = out ?? cmat(M, K);
    this.precoderInto(best, V, fresh ? this.lastT : this.power0(best));
    return { V, sumRate: bestRate, iterations: it, restarted, smoothing: beta };
  }

  /**
   * `smoothing: "auto"` (module header), or a chooser: update the pooled correlations with this
   * estimate ({@link SlotStatistics}), then the Kalman step Ĥ_s ← ρ (1 − κ) Ĥ_s + κ Ĥ with the
   * rule's κ or the chooser's. Returns the smoothed channel and its weight on the past, ρ (1 − κ).
   */
  private autoSmooth(H: CMat): { H: CMat; beta: number } {
    const n = H.re.length;
    if (!this.hs || this.hs.re.length !== n) {
      this.hs = cmat(H.rows, H.cols);
      this.stats.reset();
    }
    const hs = this.hs;
    const st = this.stats.update(H);
    if (st.slot === 0) {
      hs.re.set(H.re);
      hs.im.set(H.im);
      this.chooser?.keep(st);
      return { H: hs, beta: 0 };
    }
    const keep = this.chooser ? this.chooser.keep(st) : st.keep; // 1 − κ
    const a = st.rho * keep;
    const b = 1 - keep;
    const sr = hs.re;
    const si = hs.im;
    const hr = H.re;
    const hi = H.im;
    for (let i = 0; i < n; i++) {
      sr[i] = a * sr[i]! + b * hr[i]!;
      si[i] = a * si[i]! + b * hi[i]!;
    }
    return { H: hs, beta: a };
  }

  /** Sum rate at base X on the current Gram matrix; leaves g = Hh X, u_k, w_k in the buffers. */
  private rate(x: CMat): number {
    const { K, Nk, N, g, u, w } = this;
    this.hhTimes(x);
    const gr = g.re;
    const gi = g.im;
    const xr0 = x.re;
    const xi0 = x.im;
    let t = 0;
    for (let i = 0; i < N * K; i++) t += xr0[i]! * gr[i]! + xi0[i]! * gi[i]!;
    this.lastT = t;
    if (!(t > 0)) return -Infinity;
    const s2 = (this.sigma2 / this.power) * t;
    let sum = 0;
    const { cr, ci, yr, yi } = this.small;
    for (let k = 0; k < K; k++) {
      const r0 = k * Nk;
      let q = 0;
      if (Nk === 1) {
        // C_{-k} is the scalar Σ_{j≠k} |g_kj|² + s²
        let c = s2;
        for (let j = 0; j < K; j++) if (j !== k) c += gr[r0 * K + j]! ** 2 + gi[r0 * K + j]! ** 2;
        const gkr = gr[r0 * K + k]!;
        const gki = gi[r0 * K + k]!;
        q = (gkr * gkr + gki * gki) / c;
        yr[0] = gkr / c;
        yi[0] = gki / c;
      } else {
        // C_{-k} (Hermitian, full)
        for (let a = 0; a < Nk; a++) {
          for (let b = 0; b <= a; b++) {
            let sr = 0;
            let si = 0;
            const oa = (r0 + a) * K;
            const ob = (r0 + b) * K;
            for (let j = 0; j < K; j++) {
              if (j === k) continue;
              const xr = gr[oa + j]!;
              const xi = gi[oa + j]!;
              const zr = gr[ob + j]!;
              const zi = gi[ob + j]!;
              sr += xr * zr + xi * zi;
              si += xi * zr - xr * zi;
            }
            if (a === b) {
              cr[a * Nk + a] = sr + s2;
              ci[a * Nk + a] = 0;
            } else {
              cr[a * Nk + b] = sr;
              ci[a * Nk + b] = si;
              cr[b * Nk + a] = sr;
              ci[b * Nk + a] = -si;
            }
          }
        }
        for (let a = 0; a < Nk; a++) {
          yr[a] = gr[(r0 + a) * K + k]!;
          yi[a] = gi[(r0 + a) * K + k]!;
        }
        // y <- C_{-k}^{-1} g_kk (2 × 2: the adjugate; larger: Cholesky in place on cr/ci, lower)
        if (Nk === 2) {
          const c00 = cr[0]!;
          const c11 = cr[3]!;
          const br = cr[2]!; // C[1, 0] = conj(C[0, 1])
          const bi = ci[2]!;
          const det = c00 * c11 - (br * br + bi * bi);
          const y0r = yr[0]!;
          const y0i = yi[0]!;
          const y1r = yr[1]!;
          const y1i = yi[1]!;
          // C⁻¹ = [[c11, −C01], [−C10, c00]] / det, C01 = conj(C10) = (br, −bi)
          yr[0] = (c11 * y0r - (br * y1r + bi * y1i)) / det;
          yi[0] = (c11 * y0i - (br * y1i - bi * y1r)) / det;
          yr[1] = (c00 * y1r - (br * y0r - bi * y0i)) / det;
          yi[1] = (c00 * y1i - (br * y0i + bi * y0r)) / det;
        } else cholSolveSmall(cr, ci, yr, yi, Nk);
        for (let a = 0; a < Nk; a++) q += gr[(r0 + a) * K + k]! * yr[a]! + gi[(r0 + a) * K + k]! * yi[a]!;
      }
      const wk = 1 + q;
      w[k] = wk;
      for (let a = 0; a < Nk; a++) {
        u.re[r0 + a] = yr[a]! / wk;
        u.im[r0 + a] = yi[a]! / wk;
      }
      sum += this.weights[k]! * Math.log(wk);
    }
    return sum / Math.LN2;
  }

  /** Q_ij = v_iᴴ Hh[block i, block j] v_j for the stacked per-user vectors v (N × 1), into `out` with row stride `ld`. */
  private blockForm(v: CMat, out: CMat, ld: number): void {
    const { K, Nk, N, hh } = this;
    const hr = hh.re;
    const hi = hh.im;
    const vr = v.re;
    const vi = v.im;
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        let qr = 0;
        let qi = 0;
        for (let b = 0; b < Nk; b++) {
          const ujr = vr[j * Nk + b]!;
          const uji = vi[j * Nk + b]!;
          for (let a = 0; a < Nk; a++) {
            const o = (i * Nk + a) * N + j * Nk + b;
            const pr = hr[o]! * ujr - hi[o]! * uji;
            const pi = hr[o]! * uji + hi[o]! * ujr;
            const uir = vr[i * Nk + a]!;
            const uii = vi[i * Nk + a]!;
            qr += uir * pr + uii * pi;
            qi += uir * pi - uii * pr;
          }
        }
        out.re[i * ld + j] = qr;
        out.im[i * ld + j] = qi;
      }
    }
  }

  /** X = blkdiag(v_k) Z with Z the right half of the solved system (X[k·Nk + a, j] = v_k[a] Z[k, j]). */
  private expand(v: CMat, out: CMat): void {
    const { K, Nk, sys } = this;
    const K2 = 2 * K;
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < Nk; a++) {
        const ur = v.re[k * Nk + a]!;
        const ui = v.im[k * Nk + a]!;
        const o = (k * Nk + a) * K;
        for (let j = 0; j < K; j++) {
          const zr = sys.re[k * K2 + K + j]!;
          const zi = sys.im[k * K2 + K + j]!;
          out.re[o + j] = ur * zr - ui * zi;
          out.im[o + j] = ur * zi + ui * zr;
        }
      }
    }
  }

  /** One R-WMMSE base update from the u, w in the buffers, into `out`. */
  private update(out: CMat): void {
    const { K, Nk, u, w, sys } = this;
    const alpha = this.weights;
    const ratio = this.sigma2 / this.power;
    let eta = 0;
    for (let k = 0; k < K; k++) {
      let n2 = 0;
      for (let a = 0; a < Nk; a++) n2 += u.re[k * Nk + a]! ** 2 + u.im[k * Nk + a]! ** 2;
      eta += alpha[k]! * w[k]! * n2;
    }
    eta *= ratio;
    // system rows: α_i w_i Q_ij + η δ_ij | α_i w_i δ_ij, Q_ij = u_iᴴ Hh[block i, block j] u_j
    const K2 = 2 * K;
    sys.re.fill(0);
    sys.im.fill(0);
    this.blockForm(u, sys, K2);
    for (let i = 0; i < K; i++) {
      const wi = alpha[i]! * w[i]!;
      for (let j = 0; j < K; j++) {
        sys.re[i * K2 + j]! *= wi;
        sys.im[i * K2 + j]! *= wi;
      }
      sys.re[i * K2 + i]! += eta;
      sys.re[i * K2 + K + i] = wi;
    }
    gaussJordan(sys, K);
    this.expand(u, out);
  }

  /**
   * Each user's dominant receive direction e_k (top eigenvector of its Gram block; closed form for
   * Nk ≤ 2, power iteration otherwise) into `e`, and Q = E Hh Eᴴ (K × K) into `q`.
   */
  private directions(): void {
    const { K, Nk, N, hh, e } = this;
    const hr = hh.re;
    const hi = hh.im;
    for (let k = 0; k < K; k++) {
      const r0 = k * Nk;
      if (Nk === 1) {
        e.re[r0] = 1;
        e.im[r0] = 0;
      } else if (Nk === 2) {
        // [[a, b], [b*, d]]: top eigenvalue λ = (a+d)/2 + sqrt(((a−d)/2)² + |b|²); vector (b, λ − a) or (λ − d, b*)
        const a = hr[r0 * N + r0]!;
        const d = hr[(r0 + 1) * N + r0 + 1]!;
        const br = hr[r0 * N + r0 + 1]!;
        const bi = hi[r0 * N + r0 + 1]!;
        const half = 0.5 * (a - d);
        const lam = 0.5 * (a + d) + Math.sqrt(half * half + br * br + bi * bi);
        let v0r: number;
        let v0i: number;
        let v1r: number;
        if (a >= d) {
          // (λ − d, b*): first entry is the larger one
          v0r = lam - d;
          v0i = 0;
          v1r = br;
          e.im[r0 + 1] = -bi;
        } else {
          v0r = br;
          v0i = bi;
          v1r = lam - a;
          e.im[r0 + 1] = 0;
        }
        let n2 = v0r * v0r + v0i * v0i + v1r * v1r + e.im[r0 + 1]! ** 2;
        if (!(n2 > 0)) {
          v0r = 1;
          v0i = 0;
          v1r = 0;
          e.im[r0 + 1] = 0;
          n2 = 1;
        }
        const inv = 1 / Math.sqrt(n2);
        e.re[r0] = v0r * inv;
        e.im[r0] = v0i * inv;
        e.re[r0 + 1] = v1r * inv;
        e.im[r0 + 1]! *= inv;
      } else {
        // power iteration on the Nk × Nk Gram block from a fixed start (1, 0.5, …, 0.5)
        for (let a = 0; a < Nk; a++) {
          e.re[r0 + a] = a === 0 ? 1 : 0.5;
          e.im[r0 + a] = 0;
        }
        const { yr: vr, yi: vi } = this.small;
        for (let rep = 0; rep < 12; rep++) {
          let n2 = 0;
          for (let a = 0; a < Nk; a++) {
            let sr = 0;
            let si = 0;
            for (let b = 0; b < Nk; b++) {
              const o = (r0 + a) * N + r0 + b;
              const xr = e.re[r0 + b]!;
              const xi = e.im[r0 + b]!;
              sr += hr[o]! * xr - hi[o]! * xi;
              si += hr[o]! * xi + hi[o]! * xr;
            }
            vr[a] = sr;
            vi[a] = si;
            n2 += sr * sr + si * si;
          }
          const inv = 1 / Math.sqrt(n2 || 1);
          for (let a = 0; a < Nk; a++) {
            e.re[r0 + a] = vr[a]! * inv;
            e.im[r0 + a] = vi[a]! * inv;
          }
        }
      }
    }
    this.blockForm(e, this.q, K);
  }

  /**
   * RZF (or ZF) base in the row space from the directions and Q of {@link directions}:
   * X = Eᴴ (Q + a I)⁻¹ with a = `reg` (ZF: a vanishing 1e-10 of the mean gain keeps the K × K
   * solve defined, and each stream is then scaled to equal power).
   */
  private baseFromQ(out: CMat, reg: number, zeroForcing: boolean): void {
    const { K, N, hh, q, sys, e } = this;
    const K2 = 2 * K;
    if (zeroForcing) {
      let tr = 0;
      for (let i = 0; i < N; i++) tr += hh.re[i * N + i]!;
      reg = (1e-10 * tr) / N;
    }
    sys.re.fill(0);
    sys.im.fill(0);
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        sys.re[i * K2 + j] = q.re[i * K + j]! + (i === j ? reg : 0);
        sys.im[i * K2 + j] = q.im[i * K + j]!;
      }
      sys.re[i * K2 + K + i] = 1;
    }
    gaussJordan(sys, K);
    if (zeroForcing) {
      // equal power per stream: column j of Z scaled so that z_jᴴ Q z_j = 1
      for (let j = 0; j < K; j++) {
        let p = 0;
        for (let i = 0; i < K; i++) {
          let sr = 0;
          let si = 0;
          for (let l = 0; l < K; l++) {
            const zr = sys.re[l * K2 + K + j]!;
            const zi = sys.im[l * K2 + K + j]!;
            sr += q.re[i * K + l]! * zr - q.im[i * K + l]! * zi;
            si += q.re[i * K + l]! * zi + q.im[i * K + l]! * zr;
          }
          p += sys.re[i * K2 + K + j]! * sr + sys.im[i * K2 + K + j]! * si;
        }
        const c = p > 0 ? 1 / Math.sqrt(p) : 0;
        for (let i = 0; i < K; i++) {
          sys.re[i * K2 + K + j]! *= c;
          sys.im[i * K2 + K + j]! *= c;
        }
      }
    }
    this.expand(e, out);
  }

  /** Hh = H Hᴴ into `hh` through the real form S (module buffers): one gemm of 2N × 2M by 2M × N. */
  private gram(H: CMat): void {
    const { N, hh } = this;
    const M = H.cols;
    if (!this.sBuf || this.sBuf.length !== 4 * N * M) {
      this.sBuf = heapF64(4 * N * M);
      this.vBuf = heapF64(2 * this.K * M);
    }
    const S = this.sBuf;
    const hr = H.re;
    const hi = H.im;
    const M2 = 2 * M;
    const low = N * M2;
    for (let n = 0; n < N; n++) {
      const o = n * M2;
      const h0 = n * M;
      for (let m = 0; m < M; m++) {
        const r = hr[h0 + m]!;
        const i = hi[h0 + m]!;
        S[o + m] = r;
        S[o + M + m] = i;
        S[low + o + m] = i;
        S[low + o + M + m] = -r;
      }
    }
    const G = this.gBuf;
    gemmNT(S, 0, S, 0, G, 0, 2 * N, M2, N, false);
    const or = hh.re;
    const oi = hh.im;
    const R = this.hReal;
    const N2 = 2 * N;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j <= i; j++) {
        const r = G[i * N + j]!;
        const im = i === j ? 0 : G[(N + i) * N + j]!;
        or[i * N + j] = r;
        oi[i * N + j] = im;
        or[j * N + i] = r;
        oi[j * N + i] = -im;
        // real form: [[Re, −Im], [Im, Re]]
        R[i * N2 + j] = r;
        R[j * N2 + i] = r;
        R[(N + i) * N2 + N + j] = r;
        R[(N + j) * N2 + N + i] = r;
        R[i * N2 + N + j] = -im;
        R[j * N2 + N + i] = im;
        R[(N + i) * N2 + j] = im;
        R[(N + j) * N2 + i] = -im;
      }
    }
  }

  /** g = Hh X for one of the planar base buffers, as one real gemm [Gr; Gi] = Hh_real [Xr; Xi]. */
  private hhTimes(x: CMat): void {
    const N2 = 2 * this.N;
    gemmNN(this.hReal, 0, N2, 1, this.stacked.get(x)!, 0, this.stacked.get(this.g)!, 0, N2, N2, this.K, false);
  }

  /** t = Re tr(Xᴴ Hh X), the transmit power of V = Hᴴ X. */
  private power0(x: CMat): number {
    const { K, N, g } = this;
    this.hhTimes(x);
    let t = 0;
    for (let i = 0; i < N * K; i++) t += x.re[i]! * g.re[i]! + x.im[i]! * g.im[i]!;
    return t;
  }

  /**
   * V = c Hᴴ X with ‖V‖_F² = P (c = √(P / t), t = Re tr(Xᴴ Hh X)), into `v` (M × K), through the real
   * form: Vᵀ = A S_top with S_top read as the 2N × M matrix of rows Hr_0, Hi_0, Hr_1, … (one gemm).
   */
  private precoderInto(x: CMat, v: CMat, t: number): void {
    const { K, N } = this;
    const M = v.rows;
    const xr = x.re;
    const xi = x.im;
    const c = Math.sqrt(this.power / t);
    const A = this.aBuf;
    const N2 = 2 * N;
    for (let j = 0; j < K; j++) {
      const top = j * N2;
      const bot = (K + j) * N2;
      for (let n = 0; n < N; n++) {
        const r = xr[n * K + j]!;
        const i = xi[n * K + j]!;
        A[top + 2 * n] = r;
        A[top + 2 * n + 1] = i;
        A[bot + 2 * n] = i;
        A[bot + 2 * n + 1] = -r;
      }
    }
    const VT = this.vBuf!;
    gemmNN(A, 0, N2, 1, this.sBuf!, 0, VT, 0, 2 * K, N2, M, false);
    const vr = v.re;
    const vi = v.im;
    for (let j = 0; j < K; j++) {
      const top = j * M;
      const bot = (K + j) * M;
      for (let m = 0; m < M; m++) {
        vr[m * K + j] = c * VT[top + m]!;
        vi[m * K + j] = c * VT[bot + m]!;
      }
    }
  }
}

function copyInto(a: CMat, b: CMat): void {
  b.re.set(a.re);
  b.im.set(a.im);
}

/** Solve C y = y in place for a small Hermitian positive-definite C (overwritten by its Cholesky factor). */
function cholSolveSmall(cr: Float64Array, ci: Float64Array, yr: Float64Array, yi: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = cr[j * n + j]!;
    for (let k = 0; k < j; k++) d -= cr[j * n + k]! ** 2 + ci[j * n + k]! ** 2;
    const l = Math.sqrt(Math.max(d, 1e-300));
    cr[j * n + j] = l;
    ci[j * n + j] = 0;
    for (let i = j + 1; i < n; i++) {
      let sr = cr[i * n + j]!;
      let si = ci[i * n + j]!;
      for (let k = 0; k < j; k++) {
        // L_ik conj(L_jk)
        const ar = cr[i * n + k]!;
        const ai = ci[i * n + k]!;
        const br = cr[j * n + k]!;
        const bi = ci[j * n + k]!;
        sr -= ar * br + ai * bi;
        si -= ai * br - ar * bi;
      }
      cr[i * n + j] = sr / l;
      ci[i * n + j] = si / l;
    }
  }
  // forward: L z = y
  for (let i = 0; i < n; i++) {
    let sr = yr[i]!;
    let si = yi[i]!;
    for (let k = 0; k < i; k++) {
      const lr = cr[i * n + k]!;
      const li = ci[i * n + k]!;
      sr -= lr * yr[k]! - li * yi[k]!;
      si -= lr * yi[k]! + li * yr[k]!;
    }
    yr[i] = sr / cr[i * n + i]!;
    yi[i] = si / cr[i * n + i]!;
  }
  // backward: Lᴴ y = z
  for (let i = n - 1; i >= 0; i--) {
    let sr = yr[i]!;
    let si = yi[i]!;
    for (let k = i + 1; k < n; k++) {
      // (Lᴴ)_ik = conj(L_ki)
      const lr = cr[k * n + i]!;
      const li = -ci[k * n + i]!;
      sr -= lr * yr[k]! - li * yi[k]!;
      si -= lr * yi[k]! + li * yr[k]!;
    }
    yr[i] = sr / cr[i * n + i]!;
    yi[i] = si / cr[i * n + i]!;
  }
}

/** Gauss–Jordan with partial pivoting on the K × 2K system [A | B] in place; the right half becomes A⁻¹ B. */
function gaussJordan(s: CMat, K: number): void {
  const W = 2 * K;
  for (let c = 0; c < K; c++) {
    let p = c;
    let best = -1;
    for (let r = c; r < K; r++) {
      const m = s.re[r * W + c]! ** 2 + s.im[r * W + c]! ** 2;
      if (m > best) {
        best = m;
        p = r;
      }
    }
    if (p !== c) {
      for (let j = 0; j < W; j++) {
        const tr = s.re[c * W + j]!;
        const ti = s.im[c * W + j]!;
        s.re[c * W + j] = s.re[p * W + j]!;
        s.im[c * W + j] = s.im[p * W + j]!;
        s.re[p * W + j] = tr;
        s.im[p * W + j] = ti;
      }
    }
    const pr = s.re[c * W + c]!;
    const pi = s.im[c * W + c]!;
    const den = pr * pr + pi * pi || 1e-300;
    const ir = pr / den;
    const ii = -pi / den;
    for (let j = c; j < W; j++) {
      const xr = s.re[c * W + j]!;
      const xi = s.im[c * W + j]!;
      s.re[c * W + j] = xr * ir - xi * ii;
      s.im[c * W + j] = xr * ii + xi * ir;
    }
    for (let r = 0; r < K; r++) {
      if (r === c) continue;
      const fr = s.re[r * W + c]!;
      const fi = s.im[r * W + c]!;
      if (fr === 0 && fi === 0) continue;
      for (let j = c; j < W; j++) {
        const xr = s.re[c * W + j]!;
        const xi = s.im[c * W + j]!;
        s.re[r * W + j]! -= fr * xr - fi * xi;
        s.im[r * W + j]! -= fr * xi + fi * xr;
      }
    }
  }
}
