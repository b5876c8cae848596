/**
 * The papers' experiments as functions from a validated config (with its seed) to plain data
 * ({@link ExperimentResult}); the CLI writes them (JSON, CSV, SVG/PNG) through `report/`.
 *
 * Beamforming (GLNN case study): `power-sweep`, `cee-sweep`, `dynamic`, `complexity`, and the
 * improvement study `glnn-variants`.
 */
import { fail } from "../core/errors.ts";
import { ceeSweep } from "./cee-sweep.ts";
import { complexityExperiment } from "./complexity.ts";
import { dynamicExperiment } from "./dynamic.ts";
import { powerSweep } from "./power-sweep.ts";
import { glnnVariants } from "./variants.ts";
import type { ExperimentOptions, ExperimentResult } from "./types.ts";

export * from "./types.ts";
export { powerSweep, POWER_SWEEP_ALGORITHMS } from "./power-sweep.ts";
export { ceeSweep, CEE_SWEEP_ALGORITHMS } from "./cee-sweep.ts";
export { dynamicExperiment, trajectoryExperiment, DYNAMIC_ALGORITHMS } from "./dynamic.ts";
export { complexityExperiment, COMPLEXITY_ALGORITHMS } from "./complexity.ts";
export { glnnVariants, GLNN_VARIANTS } from "./variants.ts";
export { movingAverage, defaultScenario, makeScenario } from "./common.ts";

/** Experiments by name. */
export const EXPERIMENTS: Readonly<Record<string, (o: ExperimentOptions) => ExperimentResult>> = {
  "power-sweep": powerSweep,
  "cee-sweep": ceeSweep,
  dynamic: dynamicExperiment,
  complexity: complexityExperiment,
  "glnn-variants": glnnVariants,
};

/** Run an experiment by name. */
export function runExperiment(name: string, opts: ExperimentOptions = {}): ExperimentResult {
  const f = EXPERIMENTS[name];
  if (!f) fail("experiment", `unknown experiment '${name}', valid options are ${Object.keys(EXPERIMENTS).join(", ")}`);
  return f(opts);
}

// Channel prediction (case study 1), run as the CLI's `predict` runs it.
export { runPrediction, parsePredictionConfig, predictionConfigSchema } from "../prediction/experiment.ts";
export type { PredictionConfig, PredictionConfigInput, PredictionResult, ModelResult } from "../prediction/experiment.ts";
