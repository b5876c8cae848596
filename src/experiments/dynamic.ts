/**
 * `dynamic` (GLNN paper Fig. 5): per-sample sum SE along one trajectory with speed phases
 * 6 / 15 / 30 m/s over 700 / 600 / 500 slots, CEE -10 dB, P = 10 dBm, no warm-up for the learned
 * methods (they start from scratch at slot 0 and learn online). Series are trailing moving averages
 * (the paper smooths too); the raw per-sample values are kept in the JSON.
 */
import { commonOptions, dbm, defaultScenario, makeScenario, movingAverage, powerNote, r4, runAt } from "./common.ts";
import type { ExperimentOptions, ExperimentResult, ExperimentSeries } from "./types.ts";

export const DYNAMIC_ALGORITHMS = ["glnn", "glnn:legacy", "lstm", "lagd", "wmmse", "wmmse-track", "rzf", "upper"];

/** Options of {@link dynamicExperiment}. */
export interface DynamicOptions extends ExperimentOptions {
  readonly ceeDb?: number;
  readonly powerDbm?: number;
  /** Moving-average window (default 50; quick 10). */
  readonly window?: number;
}

export function dynamicExperiment(o: DynamicOptions = {}): ExperimentResult {
  return trajectoryExperiment("dynamic", "Sum SE along the speed-phase trajectory", DYNAMIC_ALGORITHMS, o);
}

/** The dynamic protocol with any algorithm list (shared with the GLNN-variants study). */
export function trajectoryExperiment(name: string, title: string, defaults: string[], o: DynamicOptions): ExperimentResult {
  const c = commonOptions(o, { algorithms: defaults, samples: 1800, quickSamples: 54 });
  const ceeDb = o.ceeDb ?? -10;
  const powerDbm = o.powerDbm ?? 10;
  const window = o.window ?? (c.quick ? 10 : 50);
  const scenario = defaultScenario(c.samples, c.seed, ceeDb, 64, c.preset);
  c.progress(`${name}: generating ${c.samples} samples`);
  const sc = makeScenario(scenario);
  const results = c.algorithms.map((a) => {
    c.progress(`${name}: ${a}`);
    return runAt(sc, powerDbm, [a], { seed: c.seed, restarts: c.restarts, ceeDb })[0]!;
  });
  const x = Array.from({ length: c.samples }, (_, t) => t);
  const series: ExperimentSeries[] = results.map((r) => ({
    name: r.name,
    label: r.label,
    x,
    y: movingAverage(r.perSample, window),
    raw: r.perSample,
    maxPowerDbm: [dbm(r.maxPower)],
    msPerSample: [r.msPerSample],
    equalPower: r.equalPower,
  }));
  const bounds: [number, number][] = [];
  let start = 0;
  for (const n of scenario.slots) {
    bounds.push([start, start + n]);
    start += n;
  }
  const mean = (a: number[], lo: number, hi: number) => a.slice(lo, hi).reduce((s, v) => s + v, 0) / (hi - lo);
  const wm = results.find((r) => r.name === "wmmse");
  return {
    name,
    title: `${title} (CEE ${ceeDb} dB, P = ${powerDbm} dBm)`,
    xLabel: "time slot",
    yLabel: `sum SE, moving average over ${window} slots (bit/s/Hz)`,
    config: {
      scenario,
      powerDbm,
      noiseDbm: 0,
      ceeDb,
      window,
      algorithms: c.algorithms,
      restarts: c.restarts,
      lagdIterations: c.lagdIterations,
      seed: c.seed,
    },
    series,
    table: {
      header: [
        "algorithm",
        ...scenario.speeds.map((v, i) => `SE ${v} m/s (slots ${bounds[i]![0]}-${bounds[i]![1] - 1})`),
        "SE all",
        ...(wm ? ["% of WMMSE"] : []),
        "max power dBm",
        "ms/sample",
      ],
      rows: results.map((r) => [
        r.label,
        ...bounds.map(([lo, hi]) => r4(mean(r.perSample, lo, hi))),
        r4(r.seMean),
        ...(wm ? [r4((100 * r.seMean) / wm.seMean)] : []),
        r4(dbm(r.maxPower)),
        r4(r.msPerSample),
      ]),
      caption: `Mean sum SE per speed phase over one trajectory of ${c.samples} slots (designed on H_est, scored on H)`,
    },
    notes: [
      powerNote(results),
      `Channels: simulator preset ${c.preset}, speeds ${scenario.speeds.join("/")} m/s over ${scenario.slots.join("/")} slots, CEE ${ceeDb} dB, seed ${c.seed}.`,
      "Learned methods start from scratch at slot 0 (no warm-up) and learn online; glnn:legacy is the reference code's power normalisation (transmit power P·||H^H X||_F, far above the budget) shown only to reproduce its rising SE curve; wmmse-track = WMMSE warm-started from the previous slot with 3 iterations per slot; upper = the best-known precoder on perfect CSI (closed forms, WMMSE from each, random restarts; raised to any algorithm of the run).",
      "Timings are wall-clock on a shared machine (preliminary).",
    ],
  };
}
