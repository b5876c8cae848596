/**
 * A tracking beamformer (`rwmmse-track`): R-WMMSE warm-started from the previous slot's solution,
 * a few iterations per slot, restarted from RZF when the warm start is worse on the new channel
 * (docs/beamforming.md §6.1). Single stream per user (d = 1, the GLNN setting), any Nk.
 *
 * Per slot, with the known channel H (N × M, N = K·Nk) and its Gram matrix Hh = H Hᴴ (the only
 * O(N² M) step), everything runs on N × K base matrices X (V = c Hᴴ X):
 *
 * - the previous slot's X, the RZF base X_rzf = Eᴴ (E Hh Eᴴ + a I)⁻¹ (E selects each user's
 *   dominant receive direction, a = K σ²/P) and the ZF base (a → 0, equal power per stream)
 *   are scored on the new channel; the best one starts the iterations;
 * - each R-WMMSE iteration (rwmmse.ts, d = 1): G = Hh X, t = Re tr(Xᴴ G), s² = (σ²/P) t;
 *   per user C_{−k} = Σ_{j≠k} g_kj g_kjᴴ + s² I (Nk × Nk), w_k = 1 + g_kkᴴ C_{−k}⁻¹ g_kk,
 *   u_k = C_{−k}⁻¹ g_kk / w_k; then X = Ū (W̄ Ūᴴ Hh Ū + η I)⁻¹ W̄ with η = (σ²/P) Σ α_k w_k ‖u_k‖²;
 * - the output is the best X seen (start or iterate) by the rate Σ α_k log₂ w_k, scaled to power P.
 *
 * Optional channel smoothing: the design uses Ĥ_s(t) = β Ĥ_s(t−1) + (1 − β) Ĥ(t) (β = `smoothing`).
 * All buffers are allocated once per tracker; a slot allocates only the output precoder.
 */
import { fail } from "../core/errors.ts";
import { cmat, type CMat } from "../core/linalg/cmat.ts";
import { type ChannelSample, resolveSystem, type SystemParams } from "./system.ts";

/** Options of {@link RwmmseTracker}. */
export interface RwmmseTrackOptions {
  /** R-WMMSE iterations per slot (default 2). */
  readonly iterations?: number;
  /** Exponential smoothing β ∈ [0, 1) of the channel over slots (default 0: none). */
  readonly smoothing?: number;
}

/** One slot's design. */
export interface TrackDesign {
  /** Precoder, M × K, ‖V‖_F² = P. */
  readonly V: CMat;
  /** Weighted sum rate on the design channel (bit/s/Hz). */
  readonly sumRate: number;
  /** Iterations run. */
  readonly iterations: number;
  /** Whether this slot started from RZF or ZF (the warm start was worse or absent). */
  readonly restarted: boolean;
}

/** R-WMMSE tracker over the slots of one trajectory (state: the previous base matrix). */
export class RwmmseTracker {
  readonly K: number;
  readonly Nk: number;
  readonly iterations: number;
  readonly smoothing: number;
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
  private readonly u: CMat; // N × 1 stacked u_k
  private readonly w: Float64Array;
  private readonly sys: CMat; // K × (2K): [W̄ Q + η I | W̄]
  private hs: CMat | null = null;
  private readonly small: { cr: Float64Array; ci: Float64Array; yr: Float64Array; yi: Float64Array };
  private hasPrev = false;

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
    this.smoothing = opts.smoothing ?? 0;
    if (!(this.smoothing >= 0 && this.smoothing < 1)) fail(where, `smoothing must be in [0, 1), got ${opts.smoothing}`);
    this.K = K;
    this.Nk = Nk;
    this.N = K * Nk;
    this.sigma2 = rs.sigma2;
    this.power = rs.power;
    this.weights = rs.weights;
    const N = this.N;
    this.hh = cmat(N, N);
    this.g = cmat(N, K);
    this.xa = cmat(N, K);
    this.xb = cmat(N, K);
    this.prev = cmat(N, K);
    this.u = cmat(N, 1);
    this.w = new Float64Array(K);
    this.sys = cmat(K, 2 * K);
    this.small = { cr: new Float64Array(Nk * Nk), ci: new Float64Array(Nk * Nk), yr: new Float64Array(Nk), yi: new Float64Array(Nk) };
  }

  /** Forget the previous slot (the next one starts from RZF). */
  reset(): void {
    this.hasPrev = false;
    this.hs = null;
  }

  /**
   * Design the precoder of the next slot.
   * @param ch - the channel the transmitter knows, H of shape N × M (N = K·Nk)
   * @returns V (M × K, power P), its rate on the design channel, iterations, restart flag
   */
  step(ch: ChannelSample): TrackDesign {
    const { K, Nk, N } = this;
    if (ch.K !== K || ch.Nk !== Nk)
      fail("RwmmseTracker.step", `channel has K = ${ch.K}, Nk = ${ch.Nk}; the tracker was built for K = ${K}, Nk = ${Nk}`);
    const M = ch.M;
    let H = ch.H;
    if (this.smoothing > 0) {
      const b = this.smoothing;
      if (!this.hs || this.hs.cols !== M) this.hs = { rows: N, cols: M, re: H.re.slice(), im: H.im.slice() };
      else {
        const s = this.hs;
        for (let i = 0; i < s.re.length; i++) {
          s.re[i] = b * s.re[i]! + (1 - b) * H.re[i]!;
          s.im[i] = b * s.im[i]! + (1 - b) * H.im[i]!;
        }
      }
      H = this.hs;
    }
    gramInto(H, this.hh);
    // starts: RZF and ZF bases (the better into xb); previous solution in prev
    this.rzfBase(this.xb);
    let rate = this.rate(this.xb);
    this.rzfBase(this.xa, true);
    equalColumnPower(this.xa, this.hh, this.g);
    const rz = this.rate(this.xa);
    if (rz > rate) {
      copyInto(this.xa, this.xb);
      rate = rz;
    }
    let cur = this.xb;
    let restarted = true;
    if (this.hasPrev) {
      const r = this.rate(this.prev);
      if (r >= rate) {
        copyInto(this.prev, this.xa);
        cur = this.xa;
        rate = r;
        restarted = false;
      }
    }
    let best = cur;
    let bestRate = rate;
    let other = cur === this.xa ? this.xb : this.xa;
    let it = 0;
    if (this.iterations > 0) this.rate(cur); // u, w at the start
    for (; it < this.iterations; it++) {
      this.update(other);
      const r = this.rate(other); // leaves u, w at the new iterate
      if (!(r > bestRate)) {
        it++;
        break; // no gain (converged to round-off): keep the best, untouched in `cur`
      }
      best = other;
      bestRate = r;
      other = cur;
      cur = best;
    }
    copyInto(best, this.prev);
    this.hasPrev = true;
    return { V: this.precoder(H, best), sumRate: bestRate, iterations: it, restarted };
  }

  /** Sum rate at base X on the current Gram matrix; leaves g = Hh X, u_k, w_k in the buffers. */
  private rate(x: CMat): number {
    const { K, Nk, N, hh, g, u, w } = this;
    matmulInto(hh, x, g);
    let t = 0;
    for (let i = 0; i < N * K; i++) t += x.re[i]! * g.re[i]! + x.im[i]! * g.im[i]!;
    if (!(t > 0)) return -Infinity;
    const s2 = (this.sigma2 / this.power) * t;
    let sum = 0;
    const { cr, ci, yr, yi } = this.small;
    for (let k = 0; k < K; k++) {
      const r0 = k * Nk;
      // C_{-k} (Hermitian, full)
      for (let a = 0; a < Nk; a++) {
        for (let b = 0; b <= a; b++) {
          let sr = 0;
          let si = 0;
          for (let j = 0; j < K; j++) {
            if (j === k) continue;
            const xr = g.re[(r0 + a) * K + j]!;
            const xi = g.im[(r0 + a) * K + j]!;
            const zr = g.re[(r0 + b) * K + j]!;
            const zi = g.im[(r0 + b) * K + j]!;
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
        yr[a] = g.re[(r0 + a) * K + k]!;
        yi[a] = g.im[(r0 + a) * K + k]!;
      }
      // y <- C_{-k}^{-1} g_kk (Cholesky in place on cr/ci, lower)
      cholSolveSmall(cr, ci, yr, yi, Nk);
      let q = 0;
      for (let a = 0; a < Nk; a++) q += g.re[(r0 + a) * K + k]! * yr[a]! + g.im[(r0 + a) * K + k]! * yi[a]!;
      const wk = 1 + q;
      w[k] = wk;
      for (let a = 0; a < Nk; a++) {
        u.re[r0 + a] = yr[a]! / wk;
        u.im[r0 + a] = yi[a]! / wk;
      }
      sum += this.weights[k]! * Math.log2(wk);
    }
    return sum;
  }

  /** One R-WMMSE base update from the u, w in the buffers, into `out`. */
  private update(out: CMat): void {
    const { K, Nk, hh, u, w, sys } = this;
    const alpha = this.weights;
    const ratio = this.sigma2 / this.power;
    let eta = 0;
    for (let k = 0; k < K; k++) {
      let n2 = 0;
      for (let a = 0; a < Nk; a++) n2 += u.re[k * Nk + a]! ** 2 + u.im[k * Nk + a]! ** 2;
      eta += alpha[k]! * w[k]! * n2;
    }
    eta *= ratio;
    // Q_ij = u_iᴴ Hh[block i, block j] u_j; system rows: α_i w_i Q_ij + η δ_ij | α_i w_i δ_ij
    const K2 = 2 * K;
    sys.re.fill(0);
    sys.im.fill(0);
    for (let i = 0; i < K; i++) {
      const wi = alpha[i]! * w[i]!;
      for (let j = 0; j < K; j++) {
        let qr = 0;
        let qi = 0;
        for (let b = 0; b < Nk; b++) {
          // (Hh u_j) restricted to block i, row a, then conj(u_i[a]) times it
          const ujr = u.re[j * Nk + b]!;
          const uji = u.im[j * Nk + b]!;
          for (let a = 0; a < Nk; a++) {
            const hr = hh.re[(i * Nk + a) * this.N + j * Nk + b]!;
            const hi = hh.im[(i * Nk + a) * this.N + j * Nk + b]!;
            const vr = hr * ujr - hi * uji;
            const vi = hr * uji + hi * ujr;
            const uir = u.re[i * Nk + a]!;
            const uii = u.im[i * Nk + a]!;
            qr += uir * vr + uii * vi;
            qi += uir * vi - uii * vr;
          }
        }
        sys.re[i * K2 + j] = wi * qr + (i === j ? eta : 0);
        sys.im[i * K2 + j] = wi * qi;
      }
      sys.re[i * K2 + K + i] = wi;
    }
    gaussJordan(sys, K);
    // X = Ū Z with Z = the right half (K × K): X[k·Nk + a, j] = u_k[a] Z[k, j]
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < Nk; a++) {
        const ur = u.re[k * Nk + a]!;
        const ui = u.im[k * Nk + a]!;
        for (let j = 0; j < K; j++) {
          const zr = sys.re[k * K2 + K + j]!;
          const zi = sys.im[k * K2 + K + j]!;
          out.re[(k * Nk + a) * K + j] = ur * zr - ui * zi;
          out.im[(k * Nk + a) * K + j] = ur * zi + ui * zr;
        }
      }
    }
  }

  /**
   * RZF in the row space: user k's effective row e_kᴴ H_k with e_k the dominant eigenvector of its
   * Gram block (power iteration), X = Eᴴ (E Hh Eᴴ + a I)⁻¹ with a = K σ²/P.
   */
  private rzfBase(out: CMat, zeroForcing = false): void {
    const { K, Nk, N, hh, u, sys } = this;
    for (let k = 0; k < K; k++) {
      const r0 = k * Nk;
      // power iteration on the Nk × Nk Gram block from a fixed start (1, 0.5, …, 0.5)
      for (let a = 0; a < Nk; a++) {
        u.re[r0 + a] = a === 0 ? 1 : 0.5;
        u.im[r0 + a] = 0;
      }
      for (let rep = 0; rep < (Nk === 1 ? 0 : 12); rep++) {
        let n2 = 0;
        const { yr: vr, yi: vi } = this.small;
        for (let a = 0; a < Nk; a++) {
          let sr = 0;
          let si = 0;
          for (let b = 0; b < Nk; b++) {
            const hr = hh.re[(r0 + a) * N + r0 + b]!;
            const hi = hh.im[(r0 + a) * N + r0 + b]!;
            const xr = u.re[r0 + b]!;
            const xi = u.im[r0 + b]!;
            sr += hr * xr - hi * xi;
            si += hr * xi + hi * xr;
          }
          vr[a] = sr;
          vi[a] = si;
          n2 += sr * sr + si * si;
        }
        const inv = 1 / Math.sqrt(n2 || 1);
        for (let a = 0; a < Nk; a++) {
          u.re[r0 + a] = vr[a]! * inv;
          u.im[r0 + a] = vi[a]! * inv;
        }
      }
    }
    const K2 = 2 * K;
    let tr = 0;
    for (let i = 0; i < N; i++) tr += hh.re[i * N + i]!;
    // ZF: a vanishing regulariser (relative 1e-10 of the mean gain) keeps the K × K solve defined
    const reg = zeroForcing ? (1e-10 * tr) / N : (K * this.sigma2) / this.power;
    sys.re.fill(0);
    sys.im.fill(0);
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        let qr = 0;
        let qi = 0;
        for (let a = 0; a < Nk; a++) {
          for (let b = 0; b < Nk; b++) {
            const hr = hh.re[(i * Nk + a) * N + j * Nk + b]!;
            const hi = hh.im[(i * Nk + a) * N + j * Nk + b]!;
            const ujr = u.re[j * Nk + b]!;
            const uji = u.im[j * Nk + b]!;
            const vr = hr * ujr - hi * uji;
            const vi = hr * uji + hi * ujr;
            const uir = u.re[i * Nk + a]!;
            const uii = u.im[i * Nk + a]!;
            qr += uir * vr + uii * vi;
            qi += uir * vi - uii * vr;
          }
        }
        sys.re[i * K2 + j] = qr + (i === j ? reg : 0);
        sys.im[i * K2 + j] = qi;
      }
      sys.re[i * K2 + K + i] = 1;
    }
    gaussJordan(sys, K);
    for (let k = 0; k < K; k++) {
      for (let a = 0; a < Nk; a++) {
        const ur = u.re[k * Nk + a]!;
        const ui = u.im[k * Nk + a]!;
        for (let j = 0; j < K; j++) {
          const zr = sys.re[k * K2 + K + j]!;
          const zi = sys.im[k * K2 + K + j]!;
          out.re[(k * Nk + a) * K + j] = ur * zr - ui * zi;
          out.im[(k * Nk + a) * K + j] = ur * zi + ui * zr;
        }
      }
    }
  }

  /** V = c Hᴴ X with ‖V‖_F² = P (c from t = Re tr(Xᴴ Hh X)). */
  private precoder(H: CMat, x: CMat): CMat {
    const { K, N, hh, g } = this;
    const M = H.cols;
    matmulInto(hh, x, g);
    let t = 0;
    for (let i = 0; i < N * K; i++) t += x.re[i]! * g.re[i]! + x.im[i]! * g.im[i]!;
    const c = Math.sqrt(this.power / t);
    const v = cmat(M, K);
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < M; m++) {
        const hr = H.re[n * M + m]!;
        const hi = -H.im[n * M + m]!; // conj
        for (let j = 0; j < K; j++) {
          const xr = x.re[n * K + j]!;
          const xi = x.im[n * K + j]!;
          v.re[m * K + j]! += c * (hr * xr - hi * xi);
          v.im[m * K + j]! += c * (hr * xi + hi * xr);
        }
      }
    }
    return v;
  }
}

/** Hh = H Hᴴ (N × N), Hermitian, into `out`. */
function gramInto(h: CMat, out: CMat): void {
  const N = h.rows;
  const M = h.cols;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j <= i; j++) {
      let sr = 0;
      let si = 0;
      const oi = i * M;
      const oj = j * M;
      for (let m = 0; m < M; m++) {
        const ar = h.re[oi + m]!;
        const ai = h.im[oi + m]!;
        const br = h.re[oj + m]!;
        const bi = h.im[oj + m]!;
        sr += ar * br + ai * bi;
        si += ai * br - ar * bi;
      }
      out.re[i * N + j] = sr;
      out.im[i * N + j] = si;
      out.re[j * N + i] = sr;
      out.im[j * N + i] = -si;
    }
  }
}

/** out = A X (A n × n, X n × K). */
function matmulInto(a: CMat, x: CMat, out: CMat): void {
  const n = a.rows;
  const K = x.cols;
  out.re.fill(0);
  out.im.fill(0);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < n; l++) {
      const ar = a.re[i * n + l]!;
      const ai = a.im[i * n + l]!;
      for (let j = 0; j < K; j++) {
        const xr = x.re[l * K + j]!;
        const xi = x.im[l * K + j]!;
        out.re[i * K + j]! += ar * xr - ai * xi;
        out.im[i * K + j]! += ar * xi + ai * xr;
      }
    }
  }
}

/** Scale each column x_j so that its precoder column Hᴴ x_j has unit norm (x_jᴴ Hh x_j = 1): equal power per stream. */
function equalColumnPower(x: CMat, hh: CMat, g: CMat): void {
  matmulInto(hh, x, g);
  const K = x.cols;
  for (let j = 0; j < K; j++) {
    let p = 0;
    for (let i = 0; i < x.rows; i++) p += x.re[i * K + j]! * g.re[i * K + j]! + x.im[i * K + j]! * g.im[i * K + j]!;
    const c = p > 0 ? 1 / Math.sqrt(p) : 0;
    for (let i = 0; i < x.rows; i++) {
      x.re[i * K + j]! *= c;
      x.im[i * K + j]! *= c;
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
