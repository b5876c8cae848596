/**
 * `complexity` (GLNN paper Fig. 6 / Table I): design time per channel sample vs the number of BS
 * antennas M. Each algorithm first runs on a few untimed samples (JIT warm-up), then on the timed
 * ones, each design timed on its own; the figure shows the median (robust to GC pauses and other
 * jobs on a shared machine), the series' `msPerSample` the mean. GLNN's time includes its 3 online
 * network updates per sample. WMMSE is timed with all
 * three precoder-step solvers (8 × 8 subspace, M × M eigendecomposition, and the naive fixed-bracket
 * bisection with an M × M solve per step, as in the public MATLAB code the paper's group uses; it
 * returns the last bisection mid-point, so its power can exceed P by ~1e-5 dB, which the notes say).
 */
import type { CMat } from "../core/linalg/cmat.ts";
import { Rng } from "../core/random.ts";
import { designAlgorithm, type ClassicalAlgorithm, type CsiSample } from "../beamforming/evaluate.ts";
import { medianIqr } from "../beamforming/trajectory.ts";
import { createOnlineBeamformer, isClassical, parseLearnedSpec } from "../beamforming/learned.ts";
import { precoderPower } from "../beamforming/power.ts";
import { userRates } from "../beamforming/rate.ts";
import { trajectorySample } from "../beamforming/system.ts";
import { commonOptions, dbm, defaultScenario, makeScenario, r4, systemAt, type Scenario } from "./common.ts";
import { machineInfo } from "./machine.ts";
import type { ExperimentOptions, ExperimentResult, ExperimentSeries } from "./types.ts";

export const COMPLEXITY_ALGORITHMS = ["glnn", "wmmse", "wmmse-eig", "wmmse-naive", "rwmmse", "zf"];

/** Options of {@link complexityExperiment}. */
export interface ComplexityOptions extends ExperimentOptions {
  /** Antenna counts (default 16, 32, 64, 96, 128, 160; quick 16, 48). */
  readonly antennas?: readonly number[];
  /** Untimed warm-up samples per algorithm and M (default 10; quick 2). */
  readonly warmup?: number;
}

/** One algorithm on one scenario: per-sample design times (after the warm-up), mean SE, power. */
function timeAlgorithm(name: string, sc: Scenario, warm: number, powerDbm: number, seed: number, restarts: number, ceeDb: number) {
  const sys = systemAt(powerDbm);
  const T = sc.H.shape[0]!;
  const K = sc.H.shape[1]!,
    Nk = sc.H.shape[2]!;
  const online = isClassical(name) ? null : createOnlineBeamformer(parseLearnedSpec(name), { K, Nk }, sys, seed);
  const root = new Rng(seed);
  const times: number[] = [];
  let se = 0,
    iters = 0,
    maxPower = 0;
  for (let t = 0; t < T; t++) {
    const sample: CsiSample = { H: trajectorySample(sc.H, t), ...(sc.Hest ? { Hest: trajectorySample(sc.Hest, t) } : {}) };
    let V: CMat;
    let it: number;
    const t0 = performance.now();
    if (online) {
      const d = online.design(sample, t);
      V = d.V;
      it = d.iterations;
    } else {
      const r = designAlgorithm(name as ClassicalAlgorithm, sample, sys, { rng: root.fork(`${name}/${t}`), restarts, ceeDb });
      V = r.V;
      it = r.iterations;
    }
    const ms = performance.now() - t0; // scoring below, outside the timed region
    if (t < warm) continue;
    times.push(ms);
    se += userRates(sample.H, V, sys).sumRate;
    iters += it;
    maxPower = Math.max(maxPower, precoderPower(V));
  }
  const n = T - warm;
  const { median, iqr } = medianIqr(times);
  return {
    median,
    iqr,
    mean: times.reduce((a, b) => a + b, 0) / n,
    se: se / n,
    iterations: iters / n,
    maxPower,
    equalPower: maxPower <= sys.power * (1 + 1e-9),
    budget: sys.power,
  };
}

export function complexityExperiment(o: ComplexityOptions = {}): ExperimentResult {
  const c = commonOptions(o, { algorithms: COMPLEXITY_ALGORITHMS, samples: 30, quickSamples: 10 });
  const antennas = [...(o.antennas ?? (c.quick ? [16, 48] : [16, 32, 64, 96, 128, 160]))];
  const warm = o.warmup ?? (c.quick ? 2 : 10);
  const ceeDb = -10;
  const powerDbm = 10;
  const series: ExperimentSeries[] = c.algorithms.map((name) => ({
    name,
    label: name,
    x: [],
    y: [],
    msPerSample: [],
    maxPowerDbm: [],
    equalPower: true,
  }));
  const se: number[][] = c.algorithms.map(() => []);
  const iters: number[][] = c.algorithms.map(() => []);
  const iqrs: number[][] = c.algorithms.map(() => []);
  const worst = new Map<string, number>();
  for (const M of antennas) {
    c.progress(`complexity: M = ${M}`);
    const sc = makeScenario(defaultScenario(warm + c.samples, c.seed, ceeDb, M, c.preset));
    c.algorithms.forEach((a, i) => {
      const r = timeAlgorithm(a, sc, warm, powerDbm, c.seed, c.restarts, ceeDb);
      const s = series[i]! as { x: number[]; y: number[]; msPerSample: number[]; maxPowerDbm: number[]; equalPower: boolean };
      s.x.push(M);
      s.y.push(r.median);
      s.msPerSample.push(r.mean);
      s.maxPowerDbm.push(dbm(r.maxPower));
      s.equalPower &&= r.equalPower;
      if (!r.equalPower) worst.set(a, Math.max(worst.get(a) ?? 0, r.maxPower / r.budget));
      se[i]!.push(r.se);
      iters[i]!.push(r.iterations);
      iqrs[i]!.push(r.iqr);
    });
  }
  const last = antennas.length - 1;
  const g = c.algorithms.indexOf("glnn");
  const ratioNotes =
    g < 0
      ? []
      : c.algorithms
          .filter((a) => a.startsWith("wmmse"))
          .map((a) => {
            const i = c.algorithms.indexOf(a);
            return `GLNN time / ${a} time at M = ${antennas[last]}: ${((100 * series[g]!.y[last]!) / series[i]!.y[last]!).toFixed(2)} % (the paper reports 1.61 % against its WMMSE).`;
          });
  return {
    name: "complexity",
    title: "Design time per sample vs BS antennas",
    xLabel: "BS antennas M",
    yLabel: "median design time per sample (ms)",
    logY: true,
    config: {
      antennas,
      samples: c.samples,
      warmup: warm,
      ceeDb,
      powerDbm,
      noiseDbm: 0,
      algorithms: c.algorithms,
      seed: c.seed,
      machine: machineInfo(),
    },
    series,
    table: {
      header: [
        "algorithm",
        ...antennas.map((M) => `median ms @ M=${M}`),
        ...antennas.map((M) => `SE @ M=${M}`),
        `IQR ms @ M=${antennas[last]}`,
        `iterations @ M=${antennas[last]}`,
      ],
      rows: series.map((s, i) => [s.label, ...s.y.map(r4), ...se[i]!.map(r4), r4(iqrs[i]![last]!), r4(iters[i]![last]!)]),
      caption: `Median wall time of the design per sample over ${c.samples} samples after ${warm} warm-up samples (the series' msPerSample hold the means; shared 2-core machine: preliminary)`,
    },
    notes: [
      worst.size === 0
        ? "All algorithms at equal transmit power."
        : `NOT at equal power: ${[...worst].map(([n, r]) => `${n} (max ${Number(dbm(r).toPrecision(2))} dB over the budget)`).join(", ")} exceed the budget; compare them only with that in mind.`,
      ...ratioNotes,
      "Times are single-threaded wall clock of the design only (scoring excluded), after untimed warm-up samples; compare algorithms within one run only.",
      "wmmse = the better of WMMSE from ZF and from RZF, each run to a relative sum-rate change of 1e-6 (its iterations are summed over both starts); wmmse-eig and wmmse-naive start at random (WMMSE-RI) with the same stopping rule.",
      "GLNN = 3 forward/backward passes of the 30-neuron CfC and 3 Adam steps per sample plus 4 rate/gradient evaluations in the N-dimensional row space (cost independent of M after the Gram matrix H H^H).",
    ],
  };
}
