/**
 * Downlink MU-MIMO system model (single cell, sum-power constraint):
 *
 *     y_k = H_k sum_j V_j s_j + n_k,   H_k in C^{Nk x M},  V_k in C^{M x d},
 *     E[s_j s_j^H] = I,  n_k ~ CN(0, sigma^2 I),  sum_k tr(V_k V_k^H) <= P.
 *
 * A base station with M antennas serves K users with Nk antennas each (N = K·Nk), d streams per
 * user (the GLNN papers use d = 1; d = Nk is the "full" multi-stream option). Precoders are stored
 * as one matrix `V = [V_1, ..., V_K]` of shape M × (K·d); with d = 1 this is GLNN's `W = [w_1..w_K]`.
 * In the row space of the channel a precoder is `V = H^H X` with X of shape N × (K·d).
 */
import { checkFinite, fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { checkCMatFinite, cmatRows, cmatSlice, type CMat } from "../core/linalg/cmat.ts";
import { cgram } from "../core/linalg/matmul.ts";
import { ceigh, type Eigh } from "../core/linalg/eigh.ts";

/** Noise, power budget and user weights (linear units; P and sigma^2 in the same unit). */
export interface SystemParams {
  /** Noise variance per receive antenna, sigma^2 > 0. */
  readonly sigma2: number;
  /** Sum power budget P > 0. */
  readonly power: number;
  /** User weights alpha_k >= 0, length K (default all 1). */
  readonly weights?: readonly number[] | Float64Array;
}

/** {@link SystemParams} checked, with the weights expanded to length K. */
export interface ResolvedSystem {
  readonly sigma2: number;
  readonly power: number;
  readonly weights: Float64Array;
}

/**
 * Check a system description against K users.
 * @throws LiquidwaveError for sigma^2 <= 0, P <= 0, non-finite values, wrong number of weights or
 *   a negative weight (the rates are log-dets of `sigma^2 I + ...`, which need sigma^2 > 0).
 */
export function resolveSystem(sys: SystemParams, K: number, where = "beamforming"): ResolvedSystem {
  if (typeof sys.sigma2 !== "number" || !Number.isFinite(sys.sigma2) || !(sys.sigma2 > 0)) {
    fail(where, `noise variance sigma2 must be a finite number > 0, got ${sys.sigma2}`);
  }
  if (typeof sys.power !== "number" || !Number.isFinite(sys.power) || !(sys.power > 0)) {
    fail(where, `power budget P must be a finite number > 0, got ${sys.power}`);
  }
  const weights = new Float64Array(K).fill(1);
  if (sys.weights !== undefined) {
    if (sys.weights.length !== K) fail(where, `weights has ${sys.weights.length} entries, expected K = ${K}`);
    checkFinite(where, "weights", sys.weights);
    for (let k = 0; k < K; k++) {
      if (!(sys.weights[k]! >= 0)) fail(where, `weight of user ${k} must be >= 0, got ${sys.weights[k]}`);
      weights[k] = sys.weights[k]!;
    }
  }
  return { sigma2: sys.sigma2, power: sys.power, weights };
}

/** dBm to a linear value in mW (so that P and sigma^2 given in dBm share a unit). */
export function dbmToLinear(dbm: number): number {
  return 10 ** (dbm / 10);
}

/**
 * One channel realisation: the stacked matrix `H = [H_1; ...; H_K]` (N × M) with cached products
 * that several algorithms share (the Gram matrix `H H^H` and its eigendecomposition).
 */
export class ChannelSample {
  /** Users. */
  readonly K: number;
  /** Receive antennas per user. */
  readonly Nk: number;
  /** Base-station antennas. */
  readonly M: number;
  /** Total receive antennas K·Nk. */
  readonly N: number;
  /** Stacked channel, N × M (row `k·Nk + i` is antenna i of user k). */
  readonly H: CMat;
  private gramCache: CMat | null = null;
  private gramEigCache: Eigh | null = null;

  /**
   * @param h - stacked channel, N × M, complex planar (not copied)
   * @param K - number of users (N must be a multiple of K)
   * @throws LiquidwaveError on a non-finite entry or an all-zero channel.
   */
  constructor(h: CMat, K: number, where = "ChannelSample") {
    if (!Number.isInteger(K) || K < 1 || h.rows % K !== 0 || h.rows === 0 || h.cols === 0) {
      fail(where, `channel of ${h.rows} x ${h.cols} cannot hold K = ${K} users with equal antenna counts`);
    }
    checkCMatFinite(where, "channel H", h);
    let energy = 0;
    for (let i = 0; i < h.re.length; i++) energy += h.re[i]! * h.re[i]! + h.im[i]! * h.im[i]!;
    if (!(energy > 0)) fail(where, "channel has no energy (all entries are zero): no user can be served");
    this.K = K;
    this.N = h.rows;
    this.Nk = h.rows / K;
    this.M = h.cols;
    this.H = h;
  }

  /** `H_k`, a view of rows `k·Nk .. (k+1)·Nk - 1` (Nk × M). */
  user(k: number): CMat {
    return cmatRows(this.H, k * this.Nk, this.Nk);
  }

  /** Gram matrix `H H^H` (N × N, Hermitian PSD), computed once. */
  get gram(): CMat {
    if (!this.gramCache) this.gramCache = cgram(this.H);
    return this.gramCache;
  }

  /** Eigendecomposition of `H H^H` (ascending), computed once. */
  get gramEig(): Eigh {
    if (!this.gramEigCache) this.gramEigCache = ceigh(this.gram);
    return this.gramEigCache;
  }

  /** Numerical rank of H from the Gram spectrum (eigenvalues above `1e-12 · max`). */
  get rank(): number {
    const v = this.gramEig.values;
    const top = v[v.length - 1]!;
    let r = 0;
    for (const x of v) if (x > 1e-12 * top) r++;
    return r;
  }
}

/**
 * A channel sample from a complex tensor of shape [K, Nk, M] (no copy).
 * @param h - channel, shape [K, Nk, M], complex planar
 */
export function channelSample(h: ComplexTensor): ChannelSample {
  if (h.shape.length !== 3) fail("channelSample", `channel must have shape [K, Nk, M], got ${formatShape(h.shape)}`);
  const [K, Nk, M] = h.shape as [number, number, number];
  return new ChannelSample(cmatSlice(h, 0, K * Nk, M), K, "channelSample");
}

/**
 * Sample `t` of a trajectory of shape [T, K, Nk, M] (no copy).
 * @param h - channel trajectory, shape [T, K, Nk, M], complex planar
 * @param t - time index in [0, T)
 */
export function trajectorySample(h: ComplexTensor, t: number): ChannelSample {
  if (h.shape.length !== 4) fail("trajectorySample", `trajectory must have shape [T, K, Nk, M], got ${formatShape(h.shape)}`);
  const [T, K, Nk, M] = h.shape as [number, number, number, number];
  if (!Number.isInteger(t) || t < 0 || t >= T) fail("trajectorySample", `time index ${t} is out of range [0, ${T})`);
  return new ChannelSample(cmatSlice(h, t, K * Nk, M), K, `trajectorySample(t = ${t})`);
}

/**
 * Check a stream count against Nk.
 * @returns d in [1, Nk]
 */
export function resolveStreams(streams: number | "full" | undefined, Nk: number, where = "beamforming"): number {
  if (streams === undefined) return 1;
  if (streams === "full") return Nk;
  if (!Number.isInteger(streams) || streams < 1 || streams > Nk) {
    fail(where, `streams per user must be an integer in [1, Nk = ${Nk}] or 'full', got ${streams}`);
  }
  return streams;
}

/**
 * Check that a precoder has M rows and K·d columns; returns d.
 * @param ch - channel sample, H of shape N × M
 * @param v - precoder, expected M × K·d
 * @returns streams per user d
 */
export function precoderStreams(ch: ChannelSample, v: CMat, where: string, name = "precoder V"): number {
  if (v.rows !== ch.M || v.cols % ch.K !== 0 || v.cols === 0) {
    fail(where, `${name} is ${v.rows} x ${v.cols}, expected ${ch.M} x (K·d) with K = ${ch.K}`);
  }
  const d = v.cols / ch.K;
  if (d > ch.Nk) fail(where, `${name} has ${d} streams per user, more than Nk = ${ch.Nk}`);
  return d;
}

/**
 * Check that a base matrix X has N rows and K·d columns; returns d.
 * @param ch - channel sample, H of shape N × M
 * @param x - base matrix, expected N × K·d
 * @returns streams per user d
 */
export function baseStreams(ch: ChannelSample, x: CMat, where: string): number {
  if (x.rows !== ch.N || x.cols % ch.K !== 0 || x.cols === 0) {
    fail(where, `base matrix X is ${x.rows} x ${x.cols}, expected ${ch.N} x (K·d) with K = ${ch.K}`);
  }
  const d = x.cols / ch.K;
  if (d > ch.Nk) fail(where, `base matrix X has ${d} streams per user, more than Nk = ${ch.Nk}`);
  return d;
}
