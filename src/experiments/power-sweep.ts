/**
 * `power-sweep` (GLNN paper Fig. 3): sum SE vs the transmit power budget under perfect CSI, on the
 * street-canyon trajectory. Every point runs each algorithm over the same channel samples, online
 * learners from scratch (the whole run is their warm-up, as in the reference code).
 */
import { commonOptions, defaultScenario, makeScenario, powerNote, r4, runAt, sweepSeries } from "./common.ts";
import type { ExperimentOptions, ExperimentResult } from "./types.ts";

export const POWER_SWEEP_ALGORITHMS = ["glnn", "lstm", "lagd", "wmmse", "rwmmse", "zf", "rzf", "mrt", "upper"];

/** Options of {@link powerSweep}. */
export interface PowerSweepOptions extends ExperimentOptions {
  /** Power budgets in dBm (default 0, 5, 10, 15, 20; quick 0, 10, 20). */
  readonly powersDbm?: readonly number[];
}

export function powerSweep(o: PowerSweepOptions = {}): ExperimentResult {
  const c = commonOptions(o, { algorithms: POWER_SWEEP_ALGORITHMS, samples: 500, quickSamples: 12 });
  const powers = [...(o.powersDbm ?? (c.quick ? [0, 10, 20] : [0, 5, 10, 15, 20]))];
  const scenario = defaultScenario(c.samples, c.seed, null, 64, c.preset);
  const sc = makeScenario(scenario);
  const { series, results } = sweepSeries(powers, c.algorithms, (p) => {
    c.progress(`power-sweep: P = ${p} dBm`);
    return runAt(sc, p, c.algorithms, { seed: c.seed, restarts: c.restarts });
  });
  const ref = series.find((s) => s.name === "wmmse");
  const rows = series.map((s) => [
    s.label,
    ...s.y.map(r4),
    ...(ref ? [r4((100 * s.y[s.y.length >> 1]!) / ref.y[ref.y.length >> 1]!)] : []),
    s.equalPower ? "yes" : "NO",
  ]);
  return {
    name: "power-sweep",
    title: "Sum SE vs transmit power (perfect CSI)",
    xLabel: "transmit power P (dBm)",
    yLabel: "sum SE (bit/s/Hz)",
    config: {
      scenario,
      powersDbm: powers,
      noiseDbm: 0,
      csi: "perfect",
      algorithms: c.algorithms,
      restarts: c.restarts,
      lagdIterations: c.lagdIterations,
      seed: c.seed,
    },
    series,
    table: {
      header: [
        "algorithm",
        ...powers.map((p) => `SE @ ${p} dBm`),
        ...(ref ? [`% of WMMSE @ ${powers[powers.length >> 1]} dBm`] : []),
        "within budget",
      ],
      rows,
      caption: `Mean sum SE over ${c.samples} samples, perfect CSI, K = 4, Nk = 2, M = 64, noise 0 dBm`,
    },
    notes: [
      powerNote(results),
      `Channels: simulator preset ${c.preset} (per-user normalised), speed phases 6/15/30 m/s, seed ${c.seed}.`,
      `upper = best-known precoder on perfect CSI: the best of ZF, RZF, MRT, BD, WMMSE from each of them and ${c.restarts} random-start WMMSE runs, raised per sample to any algorithm of the run that scored higher (the paper's bound is the best of random-start WMMSE runs only).`,
      "wmmse = the better of WMMSE from ZF and from RZF, each run to a relative sum-rate change of 1e-6 (at most 1000 iterations; cap hits are in the JSON).",
      ...sc.notes,
    ],
  };
}
