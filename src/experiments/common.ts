/**
 * What the beamforming experiments share: the channel trajectory (the simulator's `umi-28ghz`
 * 38.901 UMi street canyon by default, or the specular-only `o1-28ghz` canyon, a DeepMIMO O1
 * look-alike at 28 GHz; per-user normalised), the system (noise
 * 0 dBm, power in dBm), algorithm lists and the runner that turns beamformer results into series.
 */
import type { ComplexTensor } from "../core/complex.ts";
import { fail } from "../core/errors.ts";
import { generateChannel } from "../channel/index.ts";
import { dbmToLinear } from "../beamforming/system.ts";
import { checkAlgorithms } from "../beamforming/learned.ts";
import { runBeamformers, type BeamformerResult, type BeamformerRunOptions } from "../beamforming/run.ts";
import type { BeamformingPreset, ExperimentOptions } from "./types.ts";

/** Channel scenario of an experiment. */
export interface ScenarioConfig {
  readonly preset: BeamformingPreset;
  readonly users: number;
  readonly userAntennas: number;
  readonly antennas: number;
  readonly samples: number;
  /** Speed phases (m/s) and their lengths (samples); one phase = constant speed. */
  readonly speeds: number[];
  readonly slots: number[];
  /** CSI error in dB, or null for perfect CSI. */
  readonly ceeDb: number | null;
  readonly seed: number;
}

/** The paper's setting: K = 4, Nk = 2, M = 64, speed phases 6/15/30 m/s over 700/600/500 slots. */
export function defaultScenario(
  samples: number,
  seed: number,
  ceeDb: number | null,
  antennas = 64,
  preset: BeamformingPreset = "umi-28ghz",
): ScenarioConfig {
  // the paper's phase proportions 7:6:5 over any length
  const a = Math.round((samples * 7) / 18);
  const b = Math.round((samples * 6) / 18);
  // very short runs drop the phases that would get no sample
  const phases = [
    [6, a],
    [15, b],
    [30, samples - a - b],
  ].filter(([, n]) => n! > 0);
  return {
    preset,
    users: 4,
    userAntennas: 2,
    antennas,
    samples,
    speeds: phases.map((p) => p[0]!),
    slots: phases.map((p) => p[1]!),
    ceeDb,
    seed,
  };
}

/** A generated scenario: true channel, estimate (if any), the simulator's notes. */
export interface Scenario {
  readonly H: ComplexTensor;
  readonly Hest: ComplexTensor | undefined;
  readonly notes: string[];
}

/** Generate the channels of a scenario (the CEE never changes H: the simulator forks its streams). */
export function makeScenario(s: ScenarioConfig): Scenario {
  if (s.slots.some((n) => n < 1)) fail("experiment", `every speed phase needs at least one sample, got slots ${s.slots.join("/")}`);
  const sim = generateChannel({
    preset: s.preset,
    seed: s.seed,
    samples: s.samples,
    users: s.users,
    userAntennas: s.userAntennas,
    antennas: s.antennas,
    speeds: s.speeds,
    slots: s.slots,
    ...(s.ceeDb !== null ? { cee: s.ceeDb } : {}),
  });
  return { H: sim.H, Hest: s.ceeDb !== null ? sim.Hest : undefined, notes: sim.meta.notes };
}

/** Noise power of every experiment (dBm); σ² = 1 mW as in the paper (σ² = 0 dBm). */
export const NOISE_DBM = 0;

/** The system at a power budget in dBm. */
export function systemAt(powerDbm: number): { sigma2: number; power: number } {
  return { sigma2: dbmToLinear(NOISE_DBM), power: dbmToLinear(powerDbm) };
}

/** Resolve common options into the values an experiment uses. */
export function commonOptions(o: ExperimentOptions, defaults: { algorithms: string[]; samples: number; quickSamples: number }) {
  const quick = o.quick ?? false;
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0) fail("experiment", `seed must be an integer >= 0, got ${o.seed}`);
  const samples = o.samples ?? (quick ? defaults.quickSamples : defaults.samples);
  if (!Number.isInteger(samples) || samples < 1) fail("experiment", `samples must be an integer >= 1, got ${o.samples}`);
  const restarts = o.restarts ?? (quick ? 2 : 10);
  if (!Number.isInteger(restarts) || restarts < 1) fail("experiment", `restarts must be an integer >= 1, got ${o.restarts}`);
  const lagdIterations = o.lagdIterations ?? (quick ? 50 : 500);
  if (!Number.isInteger(lagdIterations) || lagdIterations < 1)
    fail("experiment", `lagdIterations must be an integer >= 1, got ${o.lagdIterations}`);
  const algorithms = checkAlgorithms((o.algorithms ?? defaults.algorithms).map((a) => withLagdIterations(a, lagdIterations)));
  const preset: BeamformingPreset = o.preset ?? "umi-28ghz";
  return { quick, seed, samples, restarts, lagdIterations, algorithms, preset, progress: o.onProgress ?? (() => undefined) };
}

/** `lagd` without an explicit `iters=` gets the experiment's iteration count. */
function withLagdIterations(spec: string, iters: number): string {
  if (spec.split(":")[0] !== "lagd" || /(^|:)iters=/.test(spec)) return spec;
  return iters === 500 ? spec : `${spec}:iters=${iters}`;
}

/** Run algorithms on a scenario at one power (thin wrapper that fixes the options). */
export function runAt(sc: Scenario, powerDbm: number, algorithms: readonly string[], opts: BeamformerRunOptions): BeamformerResult[] {
  return runBeamformers(sc.H, sc.Hest, systemAt(powerDbm), algorithms, opts);
}

/** 10 log10(x). */
export function dbm(x: number): number {
  return 10 * Math.log10(x);
}

/** Trailing moving average with window w (shorter at the start). */
export function movingAverage(y: readonly number[], w: number): number[] {
  const out: number[] = [];
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    s += y[i]!;
    if (i >= w) s -= y[i - w]!;
    out.push(s / Math.min(i + 1, w));
  }
  return out;
}

/** The note every beamforming experiment carries about power. */
export function powerNote(results: readonly BeamformerResult[]): string {
  // worst excess over the budget per algorithm (sweeps hold one result per point)
  const over = new Map<string, number>();
  for (const r of results) if (!r.equalPower) over.set(r.name, Math.max(over.get(r.name) ?? 0, r.maxPower / r.powerBudget));
  return over.size === 0
    ? "All algorithms at equal transmit power: every precoder satisfies ||V||_F^2 <= P (GLNN variants use the correct normalisation sqrt(P)/||H^H X||_F)."
    : `NOT at equal power: ${[...over].map(([name, ratio]) => `${name} (max ${Number(dbm(ratio).toPrecision(2))} dB over the budget)`).join(", ")} exceed the budget; compare them only with that in mind.`;
}

/** A table cell with 4 significant digits. */
export function r4(x: number): number {
  return Number(x.toPrecision(4));
}

/**
 * Series of a sweep: for each point x, run every algorithm (fresh learners per point) and collect
 * mean SE, its spread, the largest transmit power and the time per sample.
 * @param run - results of all algorithms at point x, in the order of `algorithms`
 */
export function sweepSeries(points: readonly number[], algorithms: readonly string[], run: (x: number) => BeamformerResult[]) {
  const acc = algorithms.map((name) => ({
    name,
    label: name,
    x: [] as number[],
    y: [] as number[],
    yStd: [] as number[],
    maxPowerDbm: [] as number[],
    msPerSample: [] as number[],
    equalPower: true,
  }));
  const all: BeamformerResult[] = [];
  for (const x of points) {
    const res = run(x);
    res.forEach((r, i) => {
      const s = acc[i]!;
      s.label = r.label;
      s.x.push(x);
      s.y.push(r.seMean);
      s.yStd.push(r.seStd);
      s.maxPowerDbm.push(dbm(r.maxPower));
      s.msPerSample.push(r.msPerSample);
      s.equalPower &&= r.equalPower;
      all.push(r);
    });
  }
  return { series: acc, results: all };
}
