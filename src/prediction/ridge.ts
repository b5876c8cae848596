/**
 * Ridge least-squares linear predictor trained on windows, all antennas jointly: the empirical
 * space–time LMMSE predictor.
 *
 * With x_w = vec(y_w / s_w) ∈ C^{P M} (normalised inputs, time-major) and t_w = vec(h_w / s_w) ∈
 * C^{F M} (normalised future channel), stacked as rows of X [N, P M] and T [N, F M],
 *
 *   W = (Xᴴ X + λ I)⁻¹ Xᴴ T,   λ = ridge · tr(Xᴴ X) / (P M),      ĥ_w = s_w · (x_wᵀ W),
 *
 * a complex linear map (a linear-activation MLP on the real/imaginary stacking would learn the
 * same map, or its widely-linear superset). Trained on enough windows it matches the Wiener-J0
 * predictor on Clarke-like channels (docs/prediction.md §4.7) and additionally exploits spatial
 * correlation. Needs regular sampling (the taps belong to fixed lags).
 */
import { checkNumber, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { cgramAH, cmatmulAH, cmatOf, csolveHpd, type CMat } from "../core/linalg/index.ts";
import { windowScales } from "./features.ts";
import { emptyPrediction, type Predictor } from "./predictor.ts";
import { requireRegular, type WindowSet } from "./windows.ts";

export interface RidgeOptions {
  /** Relative regularisation λ / (tr(XᴴX)/(P M)) (default 1e-4). */
  readonly ridge?: number;
}

/** Scaled design matrix [n, per] of windows' planar data (each row divided by its window scale). */
function scaledRows(re: Float64Array, im: Float64Array, n: number, per: number, scales: Float64Array): CMat {
  const r = new Float64Array(n * per),
    i = new Float64Array(n * per);
  for (let w = 0; w < n; w++) {
    const inv = 1 / scales[w]!;
    for (let j = w * per; j < (w + 1) * per; j++) {
      r[j] = re[j]! * inv;
      i[j] = im[j]! * inv;
    }
  }
  return cmatOf(n, per, r, i);
}

export class RidgePredictor implements Predictor {
  readonly name: string;
  readonly ridge: number;
  /** W [P M, F M], complex; null until fitted. */
  private weights: CMat | null = null;
  private shape: [number, number, number] | null = null;

  constructor(options: RidgeOptions = {}, name = "ridge") {
    this.ridge = checkNumber("RidgePredictor", "ridge", options.ridge ?? 1e-4, 0);
    this.name = name;
  }

  fit(train: WindowSet): void {
    requireRegular(train, "RidgePredictor.fit");
    const { count: n, history: P, horizon: F, antennas: M } = train;
    if (n === 0) fail("RidgePredictor.fit", "no training windows");
    const s = windowScales(train);
    const X = scaledRows(train.inputs.re, train.inputs.im, n, P * M, s);
    const T = scaledRows(train.targets.re, train.targets.im, n, F * M, s);
    const G = cgramAH(X); // XᴴX [PM, PM]
    const d = P * M;
    let tr = 0;
    for (let i = 0; i < d; i++) tr += G.re[i * d + i]!;
    const lambda = Math.max(this.ridge * (tr / d), 1e-12 * (tr / d) || 1e-300);
    for (let i = 0; i < d; i++) G.re[i * d + i]! += lambda;
    const XhT = cmatmulAH(X, T); // [PM, FM]
    this.weights = csolveHpd(G, XhT);
    this.shape = [P, F, M];
  }

  parameterCount(): number {
    return this.weights ? 2 * this.weights.re.length : 0;
  }

  predict(ws: WindowSet): ComplexTensor {
    if (!this.weights || !this.shape) fail("RidgePredictor.predict", "not fitted: call fit() on training windows first");
    requireRegular(ws, "RidgePredictor.predict");
    const [P, F, M] = this.shape;
    if (ws.history !== P || ws.horizon !== F || ws.antennas !== M) {
      fail(
        "RidgePredictor.predict",
        `trained for history ${P}, horizon ${F}, ${M} antennas; got ${ws.history}, ${ws.horizon}, ${ws.antennas}`,
      );
    }
    const out = emptyPrediction(ws);
    const W = this.weights;
    const din = P * M,
      dout = F * M;
    const { re: yr, im: yi } = ws.inputs;
    // No normalisation needed at prediction time: the map is linear, ĥ = s (x/s)ᵀ W = xᵀ W.
    for (let w = 0; w < ws.count; w++) {
      const o = w * dout;
      for (let i = 0; i < din; i++) {
        const xr = yr[w * din + i]!,
          xi = yi[w * din + i]!;
        const row = i * dout;
        for (let j = 0; j < dout; j++) {
          const wr = W.re[row + j]!,
            wi = W.im[row + j]!;
          out.re[o + j]! += xr * wr - xi * wi;
          out.im[o + j]! += xr * wi + xi * wr;
        }
      }
    }
    return out;
  }
}
