import { z } from "zod";
import { flag, rangedNumber, showValue } from "../core/validate.ts";

/**
 * The plain-data shape every experiment returns: a figure's series plus the config that produced
 * them (with its seed), notes and a summary table. The CLI and the report only move this around;
 * the same config gives the same numbers (timings excepted).
 */

/** One line of a figure. */
export interface ExperimentSeries {
  /** Algorithm spec (e.g. `glnn`, `wmmse`, `glnn:chain:warm`). */
  readonly name: string;
  /** Legend label (says when a series is not at the power budget). */
  readonly label: string;
  readonly x: number[];
  readonly y: number[];
  /** Per-point standard deviation of y over the samples, where meaningful. */
  readonly yStd?: number[];
  /** Largest transmit power used at each point, dBm. */
  readonly maxPowerDbm?: number[];
  /** Design time per sample at each point, ms. */
  readonly msPerSample?: number[];
  /** The raw per-sample values behind a smoothed y (the dynamic experiment). */
  readonly raw?: number[];
  /** Whether every precoder behind the series stayed within the power budget. */
  readonly equalPower?: boolean;
}

/** A summary table (rows of cells). */
export interface ExperimentTable {
  readonly header: string[];
  readonly rows: (string | number)[][];
  readonly caption: string;
}

/** What an experiment returns. */
export interface ExperimentResult {
  readonly name: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** The resolved config (seed included). */
  readonly config: Record<string, unknown>;
  readonly series: ExperimentSeries[];
  readonly table: ExperimentTable;
  /** What the reader must know (channel model, equal power, caveats). */
  readonly notes: string[];
}

/** Options every experiment takes. */
export interface ExperimentOptions {
  /** Small sizes that finish in seconds (smoke runs, tests). */
  readonly quick?: boolean;
  /** Seed of the channels and of every random initialisation (default 1). */
  readonly seed?: number;
  /** Override the algorithm list (classical names or online specs). */
  readonly algorithms?: readonly string[];
  /** Override the number of channel samples (per point or the trajectory length). */
  readonly samples?: number;
  /** Restarts of the `upper` bound (default 10; 2 with quick). */
  readonly restarts?: number;
  /** Iterations of LAGD per sample (default 500; 50 with quick). */
  readonly lagdIterations?: number;
  /** Channel preset of the beamforming experiments (default `umi-28ghz`; `o1-28ghz` the specular canyon). */
  readonly preset?: BeamformingPreset;
  /** Progress callback (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
}

/** Channel presets the beamforming experiments run on. */
export const BEAMFORMING_PRESETS = ["umi-28ghz", "o1-28ghz"] as const;
export type BeamformingPreset = (typeof BEAMFORMING_PRESETS)[number];

/**
 * The options of the papers' experiments (`liquidwave experiment NAME` flags in camelCase, plus
 * each experiment's own sweep points), with their ranges. `onProgress` is passed beside them.
 */
export const experimentOptionsSchema = z.strictObject(
  {
    quick: flag().optional(),
    seed: rangedNumber(0, Number.MAX_SAFE_INTEGER, { integer: true }).optional(),
    algorithms: z
      .array(z.string(), { error: (iss) => `expected a list of algorithm names, got ${showValue(iss.input)}` })
      .min(1, { error: "expected at least one algorithm" })
      .readonly()
      .optional(),
    /** Channel samples per point (sweeps, complexity) or trajectory length (dynamic). */
    samples: rangedNumber(1, 1e9, { integer: true }).optional(),
    restarts: rangedNumber(1, 1e6, { integer: true }).optional(),
    lagdIterations: rangedNumber(1, 1e9, { integer: true }).optional(),
    preset: z
      .enum(["umi-28ghz", "o1-28ghz"], { error: (iss) => `must be one of umi-28ghz, o1-28ghz, got ${showValue(iss.input)}` })
      .optional(),
    /** power-sweep: power budgets, dBm. */
    powersDbm: z.array(rangedNumber(-200, 200)).min(1).readonly().optional(),
    /** cee-sweep: CEE points, dB. */
    ceesDb: z.array(rangedNumber(-300, 100)).min(1).readonly().optional(),
    /** cee-sweep, dynamic: power budget, dBm. */
    powerDbm: rangedNumber(-200, 200).optional(),
    /** dynamic: CEE, dB. */
    ceeDb: rangedNumber(-300, 100).optional(),
    /** dynamic: moving-average window, samples. */
    window: rangedNumber(1, 1e9, { integer: true }).optional(),
    /** complexity: antenna counts M. */
    antennas: z
      .array(rangedNumber(1, 65536, { integer: true }))
      .min(1)
      .readonly()
      .optional(),
    /** complexity: untimed warm-up samples. */
    warmup: rangedNumber(0, 1e6, { integer: true }).optional(),
  },
  { error: (iss) => (iss.code === "unrecognized_keys" ? "unknown option" : `expected an object of options, got ${showValue(iss.input)}`) },
);

/** Experiment options as users write them (see {@link experimentOptionsSchema}). */
export type ExperimentConfigInput = z.input<typeof experimentOptionsSchema>;
