/**
 * Channel-prediction latency: one prediction = one window of P = 20 past samples of an M = 4
 * antenna channel → F = 5 future samples (the case-study task), batch 1, as a receiver would run
 * it per slot. The learned models are timed with freshly initialised weights (training does not
 * change the cost); classical ones after any per-pattern filter is cached (steady state).
 * Reported per call, so `medianMs × 1000` is µs per prediction.
 */
import { Rng } from "../core/random.ts";
import { EspritPredictor } from "../prediction/esprit.ts";
import { KalmanPredictor } from "../prediction/kalman.ts";
import { LearnedPredictor, type LearnedKind } from "../prediction/learned.ts";
import type { Predictor } from "../prediction/predictor.ts";
import { RidgePredictor } from "../prediction/ridge.ts";
import { makeTrajectory } from "../prediction/trajectories.ts";
import { WienerPredictor } from "../prediction/wiener.ts";
import { makeWindows, type WindowSet } from "../prediction/windows.ts";
import type { BenchCase } from "./suite.ts";

const P = 20,
  F = 5,
  M = 4,
  DT = 1e-3;

/** Windows of a random channel (the values do not matter for timing). */
function windows(n: number, seed: number): WindowSet {
  const rng = new Rng(seed);
  const T = n * (P + F);
  const h = { shape: [T, M], re: rng.fillNormal(new Float64Array(T * M)), im: rng.fillNormal(new Float64Array(T * M)) };
  return makeWindows([makeTrajectory(0, 0, h, "bench")], { history: P, horizon: F, dt: DT, snrDb: 20, rng });
}

function predictCase(name: string, description: string, make: () => Predictor): BenchCase {
  return {
    name,
    description: `${description}; one window P=${P}, M=${M} -> F=${F}, batch 1`,
    setup: () => {
      const p = make();
      p.fit(windows(64, 1), windows(16, 2));
      const one = windows(1, 3);
      return () => void p.predict(one);
    },
  };
}

function learned(kind: LearnedKind): () => Predictor {
  // One epoch on 64 windows: the weights only need to exist.
  return () => new LearnedPredictor({ kind, epochs: 1 });
}

export function predictionCases(): BenchCase[] {
  return [
    predictCase("predict-wiener-us", "Wiener-J0 filter (cached), per antenna", () => new WienerPredictor({ dopplerHz: 40 })),
    predictCase(
      "predict-wiener-est-us",
      "Wiener with f_D estimated on the window (J0 fit + 20x20 solve)",
      () => new WienerPredictor({ estimate: "window" }),
    ),
    predictCase("predict-kalman-us", "Kalman filter, AR(8) Clarke state model", () => new KalmanPredictor({ dopplerHz: 40 })),
    predictCase("predict-ridge-us", "ridge-LS space-time filter 80 -> 20 complex taps", () => new RidgePredictor()),
    predictCase("predict-esprit-us", "ESPRIT d=4 (11x11 Hermitian eig, 4x4 eig, LS amplitudes)", () => new EspritPredictor()),
    predictCase("predict-mlp-us", "MLP 160 -> 128 -> 128 -> 40 (tanh)", learned("mlp")),
    predictCase("predict-gru-us", "GRU(32) -> Linear 40", learned("gru")),
    predictCase("predict-lstm-us", "LSTM(32) -> Linear 40", learned("lstm")),
    predictCase("predict-cfc-us", "CfC(32, backbone 64) -> Linear 40", learned("cfc")),
    predictCase("predict-ltc-us", "LTC(16, fully connected, 6 unfolds) -> Linear 40", learned("ltc")),
    predictCase("predict-ncp-us", "CfC over AutoNCP(32, 11 motor) -> Linear 40", learned("ncp")),
  ];
}
