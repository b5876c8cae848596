/**
 * Polynomial extrapolation: fit a polynomial of degree q by least squares through the last L
 * observations of each antenna and evaluate it at the future times,
 *
 *   ĥ(τ_k) = v(τ_k)ᵀ (VᵀV)⁻¹ Vᵀ y,   V[i, j] = τ_i^j (i over the last L inputs, j = 0…q),
 *
 * with τ in units of Δt relative to the last input. q = 1, L = 2 is the two-point linear
 * extrapolation ĥ(t + kΔt) = y(t) + k (y(t) − y(t − Δt)). Exact for a slow phase drift, but it
 * amplifies noise ∝ k²: useful only at very high SNR. Works with irregular sampling (the actual
 * times enter V).
 */
import { checkInt, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { applyLinearFilters, FilterCache, solveSpd, timesKey, windowTimes } from "./linear-filter.ts";
import type { Predictor } from "./predictor.ts";
import type { WindowSet } from "./windows.ts";

export interface ExtrapolationOptions {
  /** Polynomial degree q (default 1). */
  readonly degree?: number;
  /** Number of most recent observations fitted, L ≥ q + 1 (default q + 1: interpolation). */
  readonly span?: number;
}

/**
 * The extrapolation filter for one time pattern.
 * @param times - [P + F] in units of Δt (inputs, then targets)
 * @returns W [F, P] row-major (zero outside the last L inputs)
 */
export function extrapolationFilter(times: Float64Array, P: number, F: number, degree: number, span: number): Float64Array {
  const q1 = degree + 1;
  const L = Math.min(span, P);
  // Normal matrix VᵀV [q1, q1] and right-hand sides Vᵀ e_i for the L inputs -> solve for all at once.
  const a = new Float64Array(q1 * q1);
  const b = new Float64Array(q1 * L);
  for (let i = 0; i < L; i++) {
    const t = times[P - L + i]!;
    for (let r = 0; r < q1; r++) {
      for (let c = 0; c < q1; c++) a[r * q1 + c]! += t ** r * t ** c;
      b[r * L + i] = t ** r;
    }
  }
  const coef = solveSpd("extrapolation", a, b, q1, L); // [q1, L]: polynomial coefficients per unit input
  const W = new Float64Array(F * P);
  for (let k = 0; k < F; k++) {
    const t = times[P + k]!;
    for (let i = 0; i < L; i++) {
      let s = 0;
      for (let r = 0; r < q1; r++) s += t ** r * coef[r * L + i]!;
      W[k * P + P - L + i] = s;
    }
  }
  return W;
}

export class ExtrapolationPredictor implements Predictor {
  readonly name: string;
  readonly degree: number;
  readonly span: number;
  private readonly cache = new FilterCache();
  constructor(options: ExtrapolationOptions = {}, name = "linear") {
    this.name = name;
    this.degree = checkInt("ExtrapolationPredictor", "degree", options.degree ?? 1, 0, 8);
    this.span = checkInt("ExtrapolationPredictor", "span", options.span ?? this.degree + 1, this.degree + 1);
  }
  fit(): void {}
  parameterCount(): number {
    return 0;
  }
  predict(ws: WindowSet): ComplexTensor {
    if (ws.history < this.degree + 1)
      fail("ExtrapolationPredictor", `degree ${this.degree} needs at least ${this.degree + 1} past samples, history is ${ws.history}`);
    return applyLinearFilters(ws, (w) => {
      const t = windowTimes(ws, w);
      return this.cache.get(timesKey(t), () => extrapolationFilter(t, ws.history, ws.horizon, this.degree, this.span));
    });
  }
}
