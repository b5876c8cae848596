/**
 * `complexity` (GLNN paper Fig. 6 / Table I): design time per channel sample vs the number of BS
 * antennas M. Each algorithm first runs on a few untimed samples (JIT warm-up), then on the timed
 * ones; GLNN's time includes its 3 online network updates per sample. WMMSE is timed with all
 * three precoder-step solvers (8 × 8 subspace, M × M eigendecomposition, and the naive fixed-bracket
 * bisection with an M × M solve per step, as in the public MATLAB code the paper's group uses; it
 * returns the last bisection mid-point, so its power can exceed P by ~1e-5 dB, which the notes say).
 */
import type { ComplexTensor } from "../core/complex.ts";
import type { BeamformerResult } from "../beamforming/learned.ts";
import { commonOptions, defaultScenario, makeScenario, powerNote, r4, runAt, type Scenario } from "./common.ts";
import type { ExperimentOptions, ExperimentResult, ExperimentSeries } from "./types.ts";

export const COMPLEXITY_ALGORITHMS = ["glnn", "wmmse", "wmmse-eig", "wmmse-naive", "rwmmse", "zf"];

/** Options of {@link complexityExperiment}. */
export interface ComplexityOptions extends ExperimentOptions {
  /** Antenna counts (default 16, 32, 64, 96, 128, 160; quick 16, 48). */
  readonly antennas?: readonly number[];
  /** Untimed warm-up samples per algorithm and M (default 3; quick 1). */
  readonly warmup?: number;
}

function slice(t: ComplexTensor, start: number, count: number): ComplexTensor {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { shape: [count, ...t.shape.slice(1)], re: t.re.subarray(start * per, (start + count) * per), im: t.im.subarray(start * per, (start + count) * per) };
}

function part(sc: Scenario, start: number, count: number): Scenario {
  return { H: slice(sc.H, start, count), Hest: sc.Hest ? slice(sc.Hest, start, count) : undefined, notes: sc.notes };
}

export function complexityExperiment(o: ComplexityOptions = {}): ExperimentResult {
  const c = commonOptions(o, { algorithms: COMPLEXITY_ALGORITHMS, samples: 20, quickSamples: 3 });
  const antennas = [...(o.antennas ?? (c.quick ? [16, 48] : [16, 32, 64, 96, 128, 160]))];
  const warm = o.warmup ?? (c.quick ? 1 : 3);
  const ceeDb = -10;
  const powerDbm = 10;
  const series: ExperimentSeries[] = c.algorithms.map((name) => ({ name, label: name, x: [], y: [], msPerSample: [], maxPowerDbm: [], equalPower: true }));
  const se: number[][] = c.algorithms.map(() => []);
  const all: BeamformerResult[] = [];
  const iters: number[][] = c.algorithms.map(() => []);
  for (const M of antennas) {
    c.progress(`complexity: M = ${M}`);
    const sc = makeScenario(defaultScenario(warm + c.samples, c.seed, ceeDb, M));
    c.algorithms.forEach((a, i) => {
      if (warm > 0) runAt(part(sc, 0, warm), powerDbm, [a], { seed: c.seed, restarts: c.restarts, ceeDb });
      const r: BeamformerResult = runAt(part(sc, warm, c.samples), powerDbm, [a], { seed: c.seed, restarts: c.restarts, ceeDb })[0]!;
      const s = series[i]! as { x: number[]; y: number[]; msPerSample: number[]; maxPowerDbm: number[]; label: string; equalPower: boolean };
      s.label = r.label;
      s.equalPower &&= r.equalPower;
      all.push(r);
      s.x.push(M);
      s.y.push(r.msPerSample);
      s.msPerSample.push(r.msPerSample);
      s.maxPowerDbm.push(10 * Math.log10(r.maxPower));
      se[i]!.push(r.seMean);
      iters[i]!.push(r.iterationsMean);
    });
  }
  const last = antennas.length - 1;
  const g = c.algorithms.indexOf("glnn");
  const ratioNotes = g < 0 ? [] : c.algorithms.filter((a) => a.startsWith("wmmse")).map((a) => {
    const i = c.algorithms.indexOf(a);
    return `GLNN time / ${a} time at M = ${antennas[last]}: ${((100 * series[g]!.y[last]!) / series[i]!.y[last]!).toFixed(2)} % (the paper reports 1.61 % against its WMMSE).`;
  });
  return {
    name: "complexity",
    title: "Design time per sample vs BS antennas",
    xLabel: "BS antennas M",
    yLabel: "time per sample (ms)",
    logY: true,
    config: { antennas, samples: c.samples, warmup: warm, ceeDb, powerDbm, noiseDbm: 0, algorithms: c.algorithms, seed: c.seed },
    series,
    table: {
      header: ["algorithm", ...antennas.map((M) => `ms @ M=${M}`), ...antennas.map((M) => `SE @ M=${M}`), `iterations @ M=${antennas[last]}`],
      rows: series.map((s, i) => [s.label, ...s.y.map(r4), ...se[i]!.map(r4), r4(iters[i]![last]!)]),
      caption: `Mean wall time of the design per sample over ${c.samples} samples after ${warm} warm-up samples (shared 2-core machine: preliminary)`,
    },
    notes: [
      powerNote(all),
      ...ratioNotes,
      "Times are single-threaded wall clock on a shared machine; compare algorithms within one run only.",
      "GLNN = 3 forward/backward passes of the 30-neuron CfC and 3 Adam steps per sample plus 4 rate/gradient evaluations in the N-dimensional row space (cost independent of M after the Gram matrix H H^H).",
    ],
  };
}
