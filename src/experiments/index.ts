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
import { parseConfig } from "../core/validate.ts";
import { experimentOptionsSchema, type ExperimentConfigInput, type ExperimentOptions, type ExperimentResult } from "./types.ts";
import { parseNaming, type OptionNaming } from "./options.ts";

export * from "./types.ts";
export { powerSweep, POWER_SWEEP_ALGORITHMS } from "./power-sweep.ts";
export { ceeSweep, CEE_SWEEP_ALGORITHMS } from "./cee-sweep.ts";
export { dynamicExperiment, trajectoryExperiment, DYNAMIC_ALGORITHMS } from "./dynamic.ts";
export { complexityExperiment, COMPLEXITY_ALGORITHMS } from "./complexity.ts";
export { glnnVariants, GLNN_VARIANTS } from "./variants.ts";
export { movingAverage, defaultScenario, makeScenario } from "./common.ts";
export * from "./prediction.ts";
export * from "./beamform.ts";
export { presetOption, libraryNaming } from "./options.ts";
export type { OptionNaming } from "./options.ts";
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

/**
 * Run an experiment by name.
 * @param name - a key of {@link EXPERIMENTS}
 * @param opts - see {@link experimentOptionsSchema} (validated; powers in dBm, CEE in dB) and `onProgress`
 * @param naming - how errors name the function and options (default `experiment`, `config.<name>`; the CLI names its flags)
 * @returns the figure's series, table and notes ({@link ExperimentResult})
 * @throws LiquidwaveError (one line) for an unknown name or a bad option
 */
export function runExperiment(
  name: string,
  opts: ExperimentConfigInput & Pick<ExperimentOptions, "onProgress"> = {},
  naming?: OptionNaming,
): ExperimentResult {
  const f = EXPERIMENTS[name];
  if (!f) fail("experiment", `unknown experiment '${name}', valid options are ${Object.keys(EXPERIMENTS).join(", ")}`);
  const { onProgress, ...rest } = opts;
  const parsed = parseConfig(naming?.where ?? "experiment", experimentOptionsSchema, rest, parseNaming(naming));
  return f({ ...parsed, ...(onProgress ? { onProgress } : {}) });
}
