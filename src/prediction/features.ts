/**
 * From windows to the real tensors of the learned models, and back.
 *
 * - Per-window RMS normalisation: s_w = √(Σ_{p,m} |y_w(p, m)|² / (P M)) over the window's noisy
 *   inputs only (never the targets: that would leak the future); inputs and targets are divided
 *   by s_w and predictions multiplied back. Path loss and slow fading then do not matter.
 * - Real/imaginary stacking: each time step's M complex values become 2M reals
 *   [Re h_0 … Re h_{M−1}, Im h_0 … Im h_{M−1}].
 * - Targets flattened step-major: [F, 2M] → F·2M (direct multi-step output).
 * - Elapsed times per input step in units of Δt (the first step's is 1), for the liquid models'
 *   timespans and, with irregular sampling, as an extra input feature for the others.
 */
import { fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import type { Tensor } from "../core/tensor.ts";
import type { WindowSet } from "./windows.ts";

/** RMS of each window's inputs, shape [n]; 1 for an all-zero window (nothing to scale). */
export function windowScales(ws: WindowSet): Float64Array {
  const per = ws.history * ws.antennas;
  const out = new Float64Array(ws.count);
  for (let w = 0; w < ws.count; w++) {
    let s = 0;
    for (let i = w * per; i < (w + 1) * per; i++) s += ws.inputs.re[i]! ** 2 + ws.inputs.im[i]! ** 2;
    out[w] = s > 0 ? Math.sqrt(s / per) : 1;
  }
  return out;
}

/** Elapsed time before each input step in units of Δt, shape [n, P] (first step: 1). */
export function elapsedSteps(ws: WindowSet): Tensor {
  const { count: n, history: P, horizon: F } = ws;
  const out = new Float64Array(n * P);
  for (let w = 0; w < n; w++) {
    out[w * P] = 1;
    for (let j = 1; j < P; j++) out[w * P + j] = (ws.times[w * (P + F) + j]! - ws.times[w * (P + F) + j - 1]!) / ws.dt;
  }
  return { shape: [n, P], data: out };
}

/**
 * Normalised, stacked inputs of the sequence models.
 * @param timeFeature - append the elapsed time (units of Δt) as one more feature per step
 * @returns shape [n, P, 2M] (or [n, P, 2M + 1])
 */
export function sequenceInputs(ws: WindowSet, scales: Float64Array, timeFeature = false): Tensor {
  const { count: n, history: P, antennas: M } = ws;
  const I = 2 * M + (timeFeature ? 1 : 0);
  const out = new Float64Array(n * P * I);
  const el = timeFeature ? elapsedSteps(ws).data : null;
  for (let w = 0; w < n; w++) {
    const inv = 1 / scales[w]!;
    for (let p = 0; p < P; p++) {
      const src = (w * P + p) * M;
      const dst = (w * P + p) * I;
      for (let m = 0; m < M; m++) {
        out[dst + m] = ws.inputs.re[src + m]! * inv;
        out[dst + M + m] = ws.inputs.im[src + m]! * inv;
      }
      if (el) out[dst + 2 * M] = el[w * P + p]!;
    }
  }
  return { shape: [n, P, I], data: out };
}

/** The same features flattened per window for the MLP: shape [n, P·I]. */
export function flatInputs(ws: WindowSet, scales: Float64Array, timeFeature = false): Tensor {
  const t = sequenceInputs(ws, scales, timeFeature);
  return { shape: [t.shape[0]!, t.shape[1]! * t.shape[2]!], data: t.data };
}

/** Normalised, stacked targets, shape [n, F·2M] (step-major, then Re/Im, then antenna). */
export function stackedTargets(ws: WindowSet, scales: Float64Array): Tensor {
  const { count: n, horizon: F, antennas: M } = ws;
  const out = new Float64Array(n * F * 2 * M);
  for (let w = 0; w < n; w++) {
    const inv = 1 / scales[w]!;
    for (let k = 0; k < F; k++) {
      const src = (w * F + k) * M;
      const dst = (w * F + k) * 2 * M;
      for (let m = 0; m < M; m++) {
        out[dst + m] = ws.targets.re[src + m]! * inv;
        out[dst + M + m] = ws.targets.im[src + m]! * inv;
      }
    }
  }
  return { shape: [n, F * 2 * M], data: out };
}

/**
 * Undo {@link stackedTargets}: stacked normalised predictions [n, F·2M] back to complex
 * channels [n, F, M] in the windows' original scale.
 */
export function unstackPredictions(pred: Tensor, scales: Float64Array, horizon: number, antennas: number): ComplexTensor {
  const n = scales.length;
  const F = horizon,
    M = antennas;
  if (pred.shape.length !== 2 || pred.shape[0] !== n || pred.shape[1] !== F * 2 * M) {
    fail("unstackPredictions", `predictions have shape ${formatShape(pred.shape)}, expected [${n}, ${F * 2 * M}]`);
  }
  const re = new Float64Array(n * F * M),
    im = new Float64Array(n * F * M);
  for (let w = 0; w < n; w++) {
    const s = scales[w]!;
    for (let k = 0; k < F; k++) {
      const src = (w * F + k) * 2 * M;
      const dst = (w * F + k) * M;
      for (let m = 0; m < M; m++) {
        re[dst + m] = pred.data[src + m]! * s;
        im[dst + m] = pred.data[src + M + m]! * s;
      }
    }
  }
  return { shape: [n, F, M], re, im };
}
