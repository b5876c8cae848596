/**
 * Statistics of a channel time series H [T, ...] (time first; every other axis is an entry,
 * e.g. [T, K, Nk, M]): power, temporal autocorrelation, Doppler, coherence time, K-factor.
 *
 * - Autocorrelation over lags ℓ (ratio of sums over all entries e and times t):
 *     ρ(ℓ) = Σ_{e,t} h_e(t+ℓ) h_e*(t) / √(Σ_{e,t} |h_e(t)|² · Σ_{e,t} |h_e(t+ℓ)|²),  t = 0 … T−1−ℓ;
 *   `autocorrelation` is Re ρ(ℓ) (for isotropic scattering → J0(2π f_D ℓΔt)), and
 *   `autocorrelationAbs` is |ρ(ℓ)|.
 * - Clarke-equivalent maximum Doppler `dopplerHz` = J0⁻¹(Re ρ(1)) / (2π Δt) (exact for the
 *   Clarke spectrum; for a single path of Doppler ν it gives ≈ √2 |ν|); null when Re ρ(1) < 0.3
 *   (sampling too coarse to tell).
 * - `meanDopplerHz` = arg ρ(1)/(2πΔt) and rms spread `dopplerSpreadHz` = √(2(1 − |ρ(1)|))/(2πΔt)
 *   (small-Δt expansions of ρ(Δt) ≈ e^{j2πν̄Δt}(1 − 2π²σ_ν²Δt²)).
 * - `doppler99Hz`: the smallest f with 99 % of the Doppler power spectrum in [−f, f], from the
 *   average Hann-windowed periodogram of all entries (zero-padded to a power of two).
 * - `coherenceTimeS`: the first lag where |ρ| falls below 0.5 (linear interpolation), null if it
 *   never does within the lags computed.
 * - Per user (index k of axis 1, e.g. users of [T, K, Nk, M]; the whole tensor when H has one
 *   axis): `perUser` holds each user's own ρ_k(ℓ) over that user's entries, and from it the same
 *   coherence time (|ρ_k| = 0.5), rms Doppler spread and Clarke-equivalent Doppler as above.
 *   The pooled ρ weights users by power, so one slow strong user dominates it; the per-user
 *   figures and `perUserSummary` (median, 10th and 90th percentiles over users) show the spread.
 *   A user whose |ρ_k| stays above 0.5 over all computed lags (e.g. a Ricean user with K > 0 dB,
 *   whose LOS term alone keeps |ρ_k| ≥ K/(K+1)) has coherence time null: in the percentiles it
 *   ranks as longer than every finite value, and a percentile that falls on such users is null
 *   (`beyondMaxLag` counts them).
 * - `kFactorDb`: median over entries of the moment estimate K = √(G_a² − G_v)/(G_a − √(G_a² − G_v))
 *   with G_a = mean |h|², G_v = var |h|² (Greenstein et al. 1999); −Infinity when G_v ≥ G_a²
 *   (Rayleigh-like or worse). Meaningful over tracks where the large-scale gain is constant.
 */
import type { ComplexTensor } from "../core/complex.ts";
import { besselJ0Inverse } from "../core/bessel.ts";
import { fail, formatShape } from "../core/errors.ts";
import { fftInPlace, nextPow2 } from "./fft.ts";

/** Options of {@link channelStats}. */
export interface ChannelStatsOptions {
  /** Sample interval Δt in s (needed for every figure in Hz or s). */
  readonly dt?: number;
  /** Largest lag in samples (default min(T − 1, 100)). */
  readonly maxLag?: number;
  /** Skip the Doppler spectrum (its FFTs dominate the cost on big tensors). */
  readonly spectrum?: boolean;
}

/** Median and 10th / 90th percentiles over users (null where the percentile falls on a missing value). */
export interface UserPercentiles {
  readonly median: number | null;
  readonly p10: number | null;
  readonly p90: number | null;
  /** Users without a value (coherence: |ρ_k| never fell below 0.5 within maxLag). */
  readonly beyondMaxLag: number;
}

/** Per-user temporal statistics (arrays indexed by user). */
export interface PerUserStats {
  readonly coherenceTimeS: (number | null)[];
  readonly dopplerSpreadHz: (number | null)[];
  readonly dopplerHz: (number | null)[];
}

/** What {@link channelStats} reports (the `liquidwave channel stats` JSON document). */
export interface ChannelStats {
  readonly shape: number[];
  /** Mean |h|² over all entries, and in dB. */
  readonly meanPower: number;
  readonly meanPowerDb: number;
  /** Mean |h|² per index of axis 1 (users for [T, K, Nk, M]). */
  readonly perUserPower: number[];
  readonly dt: number | null;
  readonly lags: number[];
  readonly lagsS: number[] | null;
  readonly autocorrelation: number[];
  readonly autocorrelationAbs: number[];
  readonly dopplerHz: number | null;
  readonly meanDopplerHz: number | null;
  readonly dopplerSpreadHz: number | null;
  readonly doppler99Hz: number | null;
  readonly coherenceTimeS: number | null;
  readonly kFactorDb: number | null;
  /** Per-user coherence time and Doppler (null without dt). */
  readonly perUser: PerUserStats | null;
  /** Median and 10th / 90th percentiles of the per-user figures over users (null without dt). */
  readonly perUserSummary: {
    readonly users: number;
    readonly coherenceTimeS: UserPercentiles;
    readonly dopplerSpreadHz: UserPercentiles;
  } | null;
}

/**
 * Complex lag-ℓ correlation ρ(ℓ) for ℓ = 0..maxLag.
 * @param H - channel time series, shape [T, ...] (time first), complex planar
 * @param maxLag - largest lag ℓ in samples
 * @returns ρ(ℓ) for ℓ = 0..maxLag, planar, each of length maxLag + 1 (dimensionless)
 */
export function temporalAutocorrelation(H: ComplexTensor, maxLag: number): { re: Float64Array; im: Float64Array } {
  const T = H.shape[0]!;
  const E = H.re.length / T;
  const re = new Float64Array(maxLag + 1);
  const im = new Float64Array(maxLag + 1);
  // Per-time power, for the normalisation of each lag.
  const pw = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let p = 0;
    for (let e = t * E; e < (t + 1) * E; e++) p += H.re[e]! * H.re[e]! + H.im[e]! * H.im[e]!;
    pw[t] = p;
  }
  const prefix = new Float64Array(T + 1);
  for (let t = 0; t < T; t++) prefix[t + 1] = prefix[t]! + pw[t]!;
  for (let l = 0; l <= maxLag; l++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t + l < T; t++) {
      const a = t * E;
      const b = (t + l) * E;
      for (let e = 0; e < E; e++) {
        const xr = H.re[b + e]!;
        const xi = H.im[b + e]!;
        const yr = H.re[a + e]!;
        const yi = H.im[a + e]!;
        sr += xr * yr + xi * yi;
        si += xi * yr - xr * yi;
      }
    }
    const p0 = prefix[T - l]! - prefix[0]!;
    const p1 = prefix[T]! - prefix[l]!;
    const den = Math.sqrt(p0 * p1);
    re[l] = den > 0 ? sr / den : NaN;
    im[l] = den > 0 ? si / den : NaN;
  }
  return { re, im };
}

/**
 * Average Doppler power spectrum of all entries: Hann-windowed periodograms, zero-padded to
 * N = nextPow2(T), in fftshift order with frequencies f_i = (i − N/2)/(NΔt).
 * @param H - channel time series, shape [T, ...] (time first), complex planar
 * @param dt - sampling interval Δt, s
 * @returns frequencies [N] in Hz and the average power spectral density [N] (linear, per bin)
 */
export function dopplerSpectrum(H: ComplexTensor, dt: number): { freqs: Float64Array; psd: Float64Array } {
  const T = H.shape[0]!;
  const E = H.re.length / T;
  const N = nextPow2(T);
  const psd = new Float64Array(N);
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  const win = Float64Array.from({ length: T }, (_, t) => (T === 1 ? 1 : 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / (T - 1))));
  for (let e = 0; e < E; e++) {
    re.fill(0);
    im.fill(0);
    for (let t = 0; t < T; t++) {
      re[t] = H.re[t * E + e]! * win[t]!;
      im[t] = H.im[t * E + e]! * win[t]!;
    }
    fftInPlace(re, im);
    for (let i = 0; i < N; i++) psd[(i + N / 2) % N] += re[i]! * re[i]! + im[i]! * im[i]!;
  }
  const freqs = Float64Array.from({ length: N }, (_, i) => (i - N / 2) / (N * dt));
  return { freqs, psd };
}

/** Coherence time: first lag where |ρ| falls below 0.5 (linear interpolation), null if never. */
function coherenceOf(abs: ArrayLike<number>, maxLag: number, dt: number): number | null {
  for (let l = 1; l <= maxLag; l++) {
    if (abs[l]! < 0.5) {
      const f = (abs[l - 1]! - 0.5) / (abs[l - 1]! - abs[l]!);
      return (l - 1 + f) * dt;
    }
  }
  return null;
}

/**
 * Percentile p ∈ [0, 1] of values with nulls ranked above every number (linear interpolation
 * between order statistics; null if it touches a null).
 */
function percentileWithMissing(xs: (number | null)[], p: number): number | null {
  const s = xs.map((x) => (x === null ? Infinity : x)).sort((a, b) => a - b);
  const i = p * (s.length - 1);
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  if (!Number.isFinite(s[hi]!)) return null;
  return s[lo]! + (i - lo) * (s[hi]! - s[lo]!);
}

function percentiles(xs: (number | null)[]): UserPercentiles {
  return {
    median: percentileWithMissing(xs, 0.5),
    p10: percentileWithMissing(xs, 0.1),
    p90: percentileWithMissing(xs, 0.9),
    beyondMaxLag: xs.filter((x) => x === null).length,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Statistics of a channel time series.
 * @param H - complex tensor, time on axis 0 (e.g. [T, K, Nk, M])
 * @throws LiquidwaveError for fewer than 2 samples, non-finite values or a bad option
 */
export function channelStats(H: ComplexTensor, opts: ChannelStatsOptions = {}): ChannelStats {
  const where = "channelStats";
  if (H.shape.length < 1 || H.shape[0]! < 2) fail(where, `need a time axis with at least 2 samples, got shape ${formatShape(H.shape)}`);
  const T = H.shape[0]!;
  const E = H.re.length / T;
  for (let i = 0; i < H.re.length; i++) {
    if (!Number.isFinite(H.re[i]!) || !Number.isFinite(H.im[i]!)) fail(where, `H has a non-finite entry at flat index ${i}`);
  }
  const dt = opts.dt ?? null;
  if (dt !== null && !(dt > 0 && Number.isFinite(dt))) fail(where, `dt must be a positive number of seconds, got ${dt}`);
  const maxLag = opts.maxLag ?? Math.min(T - 1, 100);
  if (!Number.isInteger(maxLag) || maxLag < 1 || maxLag > T - 1) fail(where, `maxLag must be an integer in [1, ${T - 1}], got ${maxLag}`);

  let total = 0;
  for (let i = 0; i < H.re.length; i++) total += H.re[i]! * H.re[i]! + H.im[i]! * H.im[i]!;
  const meanPower = total / H.re.length;
  const K = H.shape.length >= 2 ? H.shape[1]! : 1;
  const per = E / K;
  const perUser = new Array<number>(K).fill(0);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < per; i++) {
        const j = t * E + k * per + i;
        perUser[k] += H.re[j]! * H.re[j]! + H.im[j]! * H.im[j]!;
      }
    }
  }
  const perUserPower = perUser.map((p) => p / (T * per));

  const rho = temporalAutocorrelation(H, maxLag);
  const lags = Array.from({ length: maxLag + 1 }, (_, l) => l);
  const abs = lags.map((l) => Math.hypot(rho.re[l]!, rho.im[l]!));
  const coherence = dt !== null ? coherenceOf(abs, maxLag, dt) : null;
  const r1 = rho.re[1]!;
  const a1 = abs[1]!;
  const clarkeDoppler = (re1: number, d: number): number | null =>
    re1 >= 0.3 ? besselJ0Inverse(Math.min(1, re1)) / (2 * Math.PI * d) : null;
  const rmsSpread = (abs1: number, d: number): number => Math.sqrt(Math.max(0, 2 * (1 - Math.min(1, abs1)))) / (2 * Math.PI * d);
  const dopplerHz = dt !== null ? clarkeDoppler(r1, dt) : null;
  const meanDopplerHz = dt !== null ? Math.atan2(rho.im[1]!, rho.re[1]!) / (2 * Math.PI * dt) : null;
  const dopplerSpreadHz = dt !== null ? rmsSpread(a1, dt) : null;

  let userStats: PerUserStats | null = null;
  if (dt !== null) {
    const coh: (number | null)[] = [];
    const spread: (number | null)[] = [];
    const dop: (number | null)[] = [];
    for (let k = 0; k < K; k++) {
      let sub: ComplexTensor;
      if (K === 1) sub = H;
      else {
        const re = new Float64Array(T * per);
        const im = new Float64Array(T * per);
        for (let t = 0; t < T; t++) {
          re.set(H.re.subarray(t * E + k * per, t * E + (k + 1) * per), t * per);
          im.set(H.im.subarray(t * E + k * per, t * E + (k + 1) * per), t * per);
        }
        sub = { shape: [T, per], re, im };
      }
      const rk = temporalAutocorrelation(sub, maxLag);
      const ak = Array.from({ length: maxLag + 1 }, (_, l) => Math.hypot(rk.re[l]!, rk.im[l]!));
      const ok = Number.isFinite(ak[1]!);
      coh.push(ok ? coherenceOf(ak, maxLag, dt) : null);
      spread.push(ok ? rmsSpread(ak[1]!, dt) : null);
      dop.push(ok ? clarkeDoppler(rk.re[1]!, dt) : null);
    }
    userStats = { coherenceTimeS: coh, dopplerSpreadHz: spread, dopplerHz: dop };
  }

  let doppler99Hz: number | null = null;
  if (dt !== null && opts.spectrum !== false) {
    const { freqs, psd } = dopplerSpectrum(H, dt);
    const N = psd.length;
    const sum = psd.reduce((a, b) => a + b, 0);
    if (sum > 0) {
      // Grow a symmetric band around f = 0 until it holds 99 % of the power.
      let acc = psd[N / 2]!;
      let i = 0;
      while (acc < 0.99 * sum && i < N / 2) {
        i++;
        acc += psd[N / 2 + i] ?? 0;
        acc += psd[N / 2 - i] ?? 0;
      }
      doppler99Hz = Math.abs(freqs[N / 2 + Math.min(i, N / 2 - 1)]!);
    }
  }

  const ks: number[] = [];
  for (let e = 0; e < E; e++) {
    let s1 = 0;
    let s2 = 0;
    for (let t = 0; t < T; t++) {
      const p = H.re[t * E + e]! ** 2 + H.im[t * E + e]! ** 2;
      s1 += p;
      s2 += p * p;
    }
    const ga = s1 / T;
    const gv = s2 / T - ga * ga;
    if (!(ga > 0)) continue;
    const root = ga * ga - gv;
    ks.push(root > 0 ? 10 * Math.log10(Math.sqrt(root) / (ga - Math.sqrt(root))) : -Infinity);
  }
  const kFactorDb = ks.length ? median(ks) : null;

  return {
    shape: [...H.shape],
    meanPower,
    meanPowerDb: 10 * Math.log10(meanPower),
    perUserPower,
    dt,
    lags,
    lagsS: dt !== null ? lags.map((l) => l * dt) : null,
    autocorrelation: Array.from(rho.re),
    autocorrelationAbs: abs,
    dopplerHz,
    meanDopplerHz,
    dopplerSpreadHz,
    doppler99Hz,
    coherenceTimeS: coherence,
    kFactorDb,
    perUser: userStats,
    perUserSummary: userStats
      ? { users: K, coherenceTimeS: percentiles(userStats.coherenceTimeS), dopplerSpreadHz: percentiles(userStats.dopplerSpreadHz) }
      : null,
  };
}
