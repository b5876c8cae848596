/**
 * A small benchmark runner: each case is timed repeatedly and summarised by its median (robust to
 * the noise of a shared machine), min and max. Tiny workloads are batched so that one sample lasts
 * at least ~1 ms and timer resolution does not dominate; the reported figures are per call.
 */
import { cpus, totalmem, type as osType, release } from "node:os";

/** One benchmark case. `setup` runs once, untimed, and returns the function to time. */
export interface BenchCase {
  /** Name that says model and workload, e.g. `cfc32-train`. */
  readonly name: string;
  /** Short human description (shapes, settings). */
  readonly description: string;
  readonly setup: () => () => void;
}

export interface BenchResult {
  name: string;
  description: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export interface BenchOptions {
  /** Only cases whose name matches. */
  filter?: RegExp;
  /** Target time spent measuring each case (ms). */
  timeMs?: number;
  /** Called before each case starts (progress). */
  onCase?: (name: string, index: number, total: number) => void;
}

/** Describe the machine in the bench JSON document. */
export function machineInfo(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
  };
}

function timeBatch(fn: () => void, reps: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / reps;
}

/** Run one case: warm up, choose a batch size, then sample until the time budget is spent. */
export function runCase(c: BenchCase, timeMs = 1500): BenchResult {
  const fn = c.setup();
  // Warm-up lets the JIT settle: ~15 % of the budget, at least 2 calls (5 for fast cases).
  let reps = 1;
  let per = timeBatch(fn, 1);
  const warmEnd = Date.now() + timeMs * 0.15;
  for (let i = 0; i < (per < 50 ? 5 : 2) || Date.now() < warmEnd; i++) per = timeBatch(fn, reps);
  reps = Math.max(1, Math.ceil(1 / Math.max(per, 1e-6)));
  const samples: number[] = [];
  const end = Date.now() + timeMs;
  // At least 5 samples (3 for cases slower than 0.5 s per call), at most 2000.
  const minSamples = per < 500 ? 5 : 3;
  while (samples.length < minSamples || (Date.now() < end && samples.length < 2000)) samples.push(timeBatch(fn, reps));
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const median = samples.length % 2 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
  return {
    name: c.name,
    description: c.description,
    medianMs: median,
    minMs: samples[0]!,
    maxMs: samples[samples.length - 1]!,
    runs: samples.length * reps,
  };
}

/** Run every case (matching the filter) in order. */
export function runSuite(cases: readonly BenchCase[], opts: BenchOptions = {}): BenchResult[] {
  const selected = cases.filter((c) => !opts.filter || opts.filter.test(c.name));
  return selected.map((c, i) => {
    opts.onCase?.(c.name, i, selected.length);
    return runCase(c, opts.timeMs);
  });
}
