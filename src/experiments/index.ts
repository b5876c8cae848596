/**
 * One home for the experiments: functions from a validated config (with its seed) to plain data.
 * Browser-safe (no file I/O: callers load datasets, e.g. with `loadChannelDataset` from `io/`).
 *
 * - `runPrediction` (`liquidwave predict`): the channel-prediction case study.
 * - `runBeamform` (`liquidwave beamform`): beamformers over one channel trajectory.
 * - `runExperiment(name)` (`liquidwave experiment`): the papers' figures ({@link ExperimentResult};
 *   the CLI writes them as JSON, CSV, SVG/PNG through `report/`): `power-sweep`, `cee-sweep`,
 *   `dynamic`, `complexity`, and the improvement study `glnn-variants`.
 * - `runDemo` (`liquidwave demo`): both case studies at laptop size.
 *
 * Options use the CLI flags' names in camelCase (`powerDbm`, `userAntennas`, `cee`, ...).
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
export * from "./prediction.ts";
export * from "./beamform.ts";
export { runDemo, DEMO_PREDICTION_MODELS, DEMO_BEAMFORMING_ALGORITHMS } from "./demo.ts";
export type { DemoOptions, DemoResult } from "./demo.ts";

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
