/**
 * The main job (`liquidwave demo`, `npm start`): both case studies of the papers on the built-in
 * simulator, at a size that runs in minutes on a laptop core.
 *
 * 1. Channel prediction (umi-6ghz, 6 GHz, 4-antenna BS, 2 m/s random walks, Δt = 1 ms, input SNR
 *    20 dB): 20 past samples → the next 5; liquid models (CfC, LTC, NCP) against the classical
 *    (hold, Wiener-J0, Kalman, ridge, ESPRIT) and learned (MLP, GRU, LSTM) predictors.
 * 2. Robust beamforming (umi-28ghz 38.901 street canyon, M = 64, K = 4 users × 2 antennas, speed phases
 *    6/15/30 m/s, CEE −10 dB, P = 10 dBm): GLNN (correct power normalisation) and its improved
 *    variant against LSTM in the same loop, LAGD, WMMSE on the estimate, R-ZF and the
 *    best-of-restarts WMMSE bound — all at equal transmit power.
 *
 * Returns plain data; the CLI prints tables and `report/demo.ts` writes the report.
 */
import { runPrediction, type PredictionConfigInput, type PredictionResult } from "./prediction.ts";
import { dynamicExperiment } from "./dynamic.ts";
import type { ExperimentResult } from "./types.ts";

export interface DemoOptions {
  /** Smoke-test sizes (well under a minute). */
  quick?: boolean;
  seed?: number;
  onProgress?: (message: string) => void;
}

export interface DemoResult {
  quick: boolean;
  seed: number;
  prediction: PredictionResult;
  beamforming: ExperimentResult;
}

export const DEMO_PREDICTION_MODELS = ["hold", "wiener", "kalman", "ridge", "esprit", "mlp", "gru", "lstm", "cfc", "ltc", "ncp"] as const;
/**
 * GLNN as published (at equal power), the best GLNN variant of the improvement study (warm start,
 * chained iterates, normalised input, scaled output, per-user encoding, best iterate on the
 * estimate, 5 steps), the LSTM in the same loop, LAGD, and the classical references.
 */
export const DEMO_BEAMFORMING_ALGORITHMS = [
  "glnn",
  "glnn:warm:chain:norm-in:scale-out:per-user:best:steps=5",
  "lstm",
  "lagd",
  "wmmse",
  "rzf",
  "upper",
] as const;

/**
 * The demo's prediction config (umi-6ghz, 20 dB, 20 past → 5 ahead; {@link DEMO_PREDICTION_MODELS}).
 * @param quick - the `--quick` size (12 users × 1000 samples, 4 epochs) instead of 32 × 2000, 20 epochs
 * @param seed - channel drop, split, noise and initialisation seed
 */
export function demoPredictionConfig(quick: boolean, seed: number): PredictionConfigInput {
  return {
    channel: { preset: "umi-6ghz", users: quick ? 12 : 32, samples: quick ? 1000 : 2000 },
    snrDb: 20,
    history: 20,
    horizon: 5,
    models: [...DEMO_PREDICTION_MODELS],
    epochs: quick ? 4 : 20,
    maxTrainWindows: quick ? 600 : 4000,
    maxTestWindows: quick ? 300 : 1500,
    seed,
  };
}

/**
 * The studies behind the demo's findings: the demo runs one seed; these run the same comparisons
 * over 5 seeds with 95 % intervals (`liquidwave study run FILE --out DIR`; the files ship in the
 * package's `studies/` folder), and RESULTS.md reports them.
 */
export const DEMO_STUDIES = {
  prediction: "studies/win-snr.yaml",
  beamforming: "studies/claims-beamforming.yaml",
} as const;

/** The line that says so, printed by the CLI and written into the report. */
export function demoStudiesNote(): string {
  return (
    `One seed. The same comparisons over 5 seeds with 95 % intervals: liquidwave study run ${DEMO_STUDIES.prediction} ` +
    `(prediction regimes) and ${DEMO_STUDIES.beamforming} (beamforming), reported in RESULTS.md.`
  );
}

export function runDemo(o: DemoOptions = {}): DemoResult {
  const quick = o.quick === true;
  const seed = o.seed ?? 1;
  const progress = o.onProgress ?? (() => {});
  progress("prediction: simulating umi-6ghz trajectories and training the predictors");
  const prediction = runPrediction(demoPredictionConfig(quick, seed), { onProgress: progress });
  progress("beamforming: umi-28ghz speed-phase trajectory");
  const beamforming = dynamicExperiment({
    quick,
    seed,
    samples: quick ? undefined : 600,
    algorithms: [...DEMO_BEAMFORMING_ALGORITHMS],
    restarts: quick ? 2 : 5,
    lagdIterations: quick ? 30 : 200,
    onProgress: progress,
  });
  return { quick, seed, prediction, beamforming };
}
