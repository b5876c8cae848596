/**
 * The common shape of every channel predictor, classical or learned.
 */
import type { ComplexTensor } from "../core/complex.ts";
import type { WindowSet } from "./windows.ts";

/** Progress of a predictor's training (learned models report one line per epoch). */
export type FitLog = (message: string) => void;

export interface Predictor {
  /** Short name as used on the command line (`hold`, `wiener`, `cfc`, …). */
  readonly name: string;
  /**
   * Learn from training windows (validation windows: early stopping, model selection). A no-op
   * for predictors that work on each window alone.
   */
  fit(train: WindowSet, validation: WindowSet | null, log?: FitLog): void;
  /**
   * Predict the next F samples of every window.
   * @returns shape [n, F, M], complex planar, in the windows' scale
   */
  predict(windows: WindowSet): ComplexTensor;
  /**
   * Real coefficients the predictor keeps after `fit` (trained weights, or filters derived from
   * prior knowledge such as the Wiener taps); 0 for methods that start afresh on every window.
   */
  parameterCount(): number;
}

/** Allocate a prediction tensor [n, F, M]. */
export function emptyPrediction(ws: WindowSet): ComplexTensor {
  const size = ws.count * ws.horizon * ws.antennas;
  return { shape: [ws.count, ws.horizon, ws.antennas], re: new Float64Array(size), im: new Float64Array(size) };
}
