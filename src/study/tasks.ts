/**
 * What one cell runs: the study's task with the cell's options, returning the task's JSON document
 * (a plain, JSON-serialisable value).
 *
 * - `predict`: `runPrediction(options)` (the document `liquidwave predict --json` prints).
 * - `beamform`: `runBeamform(options)` (the document `liquidwave beamform --json` prints).
 * - `experiment`: `runExperiment(name, options)` (an ExperimentResult; no files are written).
 */
import { fail } from "../core/errors.ts";
import {
  beamformConfigSchema,
  EXPERIMENTS,
  parseBeamformConfig,
  runExperiment,
  runPrediction,
  parsePredictionConfig,
} from "../experiments/index.ts";
import { runBeamformWithData } from "../node/beamform.ts";
import type { StudyTask } from "./schema.ts";

/** Everything a worker (thread or machine) needs to run one cell. */
export interface TaskSpec {
  readonly task: StudyTask;
  readonly experiment?: string;
  readonly options: Record<string, unknown>;
}

/** Options of `runExperiment` a study may set (progress callbacks are the runner's). */
const EXPERIMENT_KEYS = ["quick", "seed", "algorithms", "samples", "restarts", "lagdIterations"];

/** Round-trip through JSON: what a results line will hold (NaN and Infinity become null). */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

/** Run one cell's task. */
export async function runTask(spec: TaskSpec): Promise<unknown> {
  switch (spec.task) {
    case "predict":
      return plain(runPrediction(spec.options));
    case "beamform":
      return plain(await beamformCell(spec.options));
    case "experiment":
      return plain(runExperiment(spec.experiment!, spec.options));
  }
}

/**
 * Check the options of every cell before anything runs, so a typo fails at once with one line
 * (instead of once per cell, in the middle of a study).
 */
export async function checkTaskOptions(
  task: StudyTask,
  experiment: string | undefined,
  cells: readonly Record<string, unknown>[],
): Promise<void> {
  const where = `study (task ${task})`;
  if (task === "predict") {
    for (const o of cells) parsePredictionConfig(o);
    return;
  }
  const known = task === "beamform" ? beamformOptionNames() : EXPERIMENT_KEYS;
  if (task === "experiment" && !(experiment! in EXPERIMENTS))
    fail(where, `study.experiment: unknown experiment '${experiment}', valid options are ${Object.keys(EXPERIMENTS).join(", ")}`);
  for (const o of cells) {
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) fail(where, `option '${k}' is not an option of ${task} (valid options: ${known.join(", ")})`);
    }
  }
}

/** Option names of the beamform task: the keys of the library's schema. */
function beamformOptionNames(): string[] {
  return Object.keys(beamformConfigSchema.shape);
}

/** A beamform cell: `runBeamform`, with the dataset file loaded first when `data` names one (as the CLI does). */
function beamformCell(options: Record<string, unknown>): Promise<unknown> {
  return runBeamformWithData(parseBeamformConfig(options));
}
