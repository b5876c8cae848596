/**
 * What one cell runs: the study's task with the cell's options, returning the task's JSON document
 * (a plain, JSON-serialisable value).
 *
 * - `predict`: `runPrediction(options)` (the document `liquidwave predict --json` prints).
 * - `beamform`: the document `liquidwave beamform --json` prints (see BEAMFORM ADAPTER below).
 * - `experiment`: `runExperiment(name, options)` (an ExperimentResult; no files are written).
 */
import { Command } from "commander";
import { registerBeamform } from "../cli/commands/beamform.ts";
import { fail, LiquidwaveError } from "../core/errors.ts";
import { EXPERIMENTS, runExperiment, runPrediction, parsePredictionConfig } from "../experiments/index.ts";
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
      return plain(await runBeamformAdapter(spec.options));
    case "experiment":
      return plain(runExperiment(spec.experiment!, spec.options));
  }
}

/**
 * Check the options of every cell before anything runs, so a typo fails at once with one line
 * (instead of once per cell, in the middle of a study).
 */
export async function checkTaskOptions(task: StudyTask, experiment: string | undefined, cells: readonly Record<string, unknown>[]): Promise<void> {
  const where = `study (task ${task})`;
  if (task === "predict") {
    for (const o of cells) parsePredictionConfig(o);
    return;
  }
  const known = task === "beamform" ? await beamformOptionNames() : EXPERIMENT_KEYS;
  if (task === "experiment" && !(experiment! in EXPERIMENTS)) fail(where, `study.experiment: unknown experiment '${experiment}', valid options are ${Object.keys(EXPERIMENTS).join(", ")}`);
  for (const o of cells) {
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) fail(where, `option '${k}' is not an option of ${task} (valid options: ${known.join(", ")})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// BEAMFORM ADAPTER (temporary). Until `runBeamform(config, { dataset? })` from
// src/experiments/beamform.ts is in this branch, a beamform cell runs the `beamform` CLI command
// in-process with `--json` and parses the document it prints. When merging, replace the body of
// runBeamformAdapter with `return runBeamform(options)` and beamformOptionNames with the keys of
// its zod schema; nothing else in src/study depends on how this is done.
// ---------------------------------------------------------------------------------------------

/** Options of the CLI command that are not the task's (output plumbing). */
const BEAMFORM_PLUMBING = new Set(["json", "out", "config"]);

/** A program with only the beamform command (static imports: worker threads load tsx's CommonJS hook only). */
function beamformCommand() {
  const program = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerBeamform(program);
  const cmd = program.commands.find((c) => c.name() === "beamform")!;
  return { program, cmd };
}

async function beamformOptionNames(): Promise<string[]> {
  const { cmd } = beamformCommand();
  return cmd.options.map((o) => o.attributeName()).filter((k) => !BEAMFORM_PLUMBING.has(k));
}

/** An option record as CLI flags: `userAntennas: 2` → `--user-antennas 2`, lists comma-joined. */
function toFlags(options: Record<string, unknown>): string[] {
  const flags: string[] = [];
  for (const [k, v] of Object.entries(options)) {
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (v === true) flags.push(flag);
    else if (v === false || v === null || v === undefined) continue;
    else flags.push(flag, Array.isArray(v) ? v.join(",") : String(v));
  }
  return flags;
}

/**
 * Run `beamform --json` in this thread and return its document. Its stdout and stderr are
 * captured while it runs (a pool thread runs one cell at a time, so nothing else writes then).
 */
async function runBeamformAdapter(options: Record<string, unknown>): Promise<unknown> {
  const where = "study beamform";
  const { program } = beamformCommand();
  let out = "";
  let err = "";
  const ow = process.stdout.write;
  const ew = process.stderr.write;
  process.stdout.write = ((c: string | Uint8Array) => ((out += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((err += String(c)), true)) as typeof process.stderr.write;
  try {
    await program.parseAsync(["beamform", ...toFlags(options), "--json"], { from: "user" });
  } catch (e) {
    if (e instanceof LiquidwaveError) throw e;
    // commander: an unknown option or a bad value
    fail(where, (e as Error).message.replace(/^error: /, ""));
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  try {
    return JSON.parse(out);
  } catch {
    fail(where, `the beamform command printed no JSON document (stderr: ${err.trim().split("\n")[0] ?? ""})`);
  }
}
