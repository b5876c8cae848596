/**
 * Shared machinery of the predictors that are a real linear filter of each antenna's samples,
 * ĥ_m(τ_k) = Σ_i W[k, i] y_m(τ_i) (extrapolation, Wiener, Kalman in steady form): the filter
 * depends only on the window's sample times (and the noise level), so it is computed once per
 * distinct time pattern and cached.
 */
import { fail } from "../core/errors.ts";
import { cmatOf, csolveHpd } from "../core/linalg/index.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { emptyPrediction } from "./predictor.ts";
import type { WindowSet } from "./windows.ts";

/**
 * Solve the real symmetric positive-definite system A X = B (A [n, n], B [n, r], row-major) by
 * Cholesky (the complex kernel with zero imaginary parts).
 * @throws LiquidwaveError naming `where` if A is not numerically positive definite
 */
export function solveSpd(where: string, a: Float64Array, b: Float64Array, n: number, r: number): Float64Array {
  try {
    return csolveHpd(cmatOf(n, n, a, new Float64Array(n * n)), cmatOf(n, r, b, new Float64Array(n * r))).re;
  } catch {
    fail(where, `the ${n} x ${n} normal matrix is not positive definite (degenerate sample times or zero regularisation)`);
  }
}

/** Times of window w relative to its last input, in units of Δt: inputs [P] then targets [F]. */
export function windowTimes(ws: WindowSet, w: number): Float64Array {
  const L = ws.history + ws.horizon;
  const out = new Float64Array(L);
  for (let i = 0; i < L; i++) out[i] = ws.times[w * L + i]! / ws.dt;
  return out;
}

/**
 * Apply per-window real filters W [F, P] to every antenna.
 * @param filterOf - W for window w (row-major [F, P]); called once per window, may cache
 * @returns predictions [n, F, M]
 */
export function applyLinearFilters(ws: WindowSet, filterOf: (w: number) => Float64Array): ComplexTensor {
  const { count: n, history: P, horizon: F, antennas: M } = ws;
  const out = emptyPrediction(ws);
  const { re: yr, im: yi } = ws.inputs;
  for (let w = 0; w < n; w++) {
    const W = filterOf(w);
    for (let k = 0; k < F; k++) {
      const dst = (w * F + k) * M;
      for (let i = 0; i < P; i++) {
        const c = W[k * P + i]!;
        if (c === 0) continue;
        const src = (w * P + i) * M;
        for (let m = 0; m < M; m++) {
          out.re[dst + m]! += c * yr[src + m]!;
          out.im[dst + m]! += c * yi[src + m]!;
        }
      }
    }
  }
  return out;
}

/** A small cache of filters keyed by a string (time pattern, noise level, …). */
export class FilterCache {
  private readonly map = new Map<string, Float64Array>();
  constructor(private readonly limit = 4096) {}
  get(key: string, make: () => Float64Array): Float64Array {
    let f = this.map.get(key);
    if (!f) {
      f = make();
      if (this.map.size >= this.limit) this.map.clear();
      this.map.set(key, f);
    }
    return f;
  }
  /** Number of distinct filters held. */
  get size(): number {
    return this.map.size;
  }
}

/** Cache key of a window's time pattern (exact, in units of Δt) plus extra numbers. */
export function timesKey(times: Float64Array, ...extra: number[]): string {
  return `${Array.from(times).join(",")}|${extra.join(",")}`;
}
