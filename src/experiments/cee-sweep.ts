/**
 * `cee-sweep` (GLNN paper Fig. 4): sum SE vs the channel-estimation error at P = 10 dBm. The
 * transmitter designs on `H_est = H + E` (E i.i.d. CN(0, 10^(CEE/10) × the user's mean power)),
 * the SE is scored on the true H; the true channels are the same at every CEE.
 */
import { bestKnownOverRun, type BeamformerResult } from "../beamforming/run.ts";
import { commonOptions, defaultScenario, makeScenario, powerNote, r4, runAt, sweepSeries } from "./common.ts";
import type { ExperimentOptions, ExperimentResult } from "./types.ts";

export const CEE_SWEEP_ALGORITHMS = ["glnn", "lstm", "lagd", "wmmse", "robust-wmmse", "zf", "rzf", "mrt", "upper"];

/** Options of {@link ceeSweep}. */
export interface CeeSweepOptions extends ExperimentOptions {
  /** CEE points in dB (default -20, -15, -10, -5, 0; quick -20, -10, 0). */
  readonly ceesDb?: readonly number[];
  /** Power budget (default 10 dBm). */
  readonly powerDbm?: number;
}

export function ceeSweep(o: CeeSweepOptions = {}): ExperimentResult {
  const c = commonOptions(o, { algorithms: CEE_SWEEP_ALGORITHMS, samples: 500, quickSamples: 12 });
  const cees = [...(o.ceesDb ?? (c.quick ? [-20, -10, 0] : [-20, -15, -10, -5, 0]))];
  const powerDbm = o.powerDbm ?? 10;
  let upper: BeamformerResult | null = null;
  const { series, results } = sweepSeries(cees, c.algorithms, (cee) => {
    c.progress(`cee-sweep: CEE = ${cee} dB`);
    const sc = makeScenario(defaultScenario(c.samples, c.seed, cee, 64, c.preset));
    // the upper bound's own search runs on perfect CSI (the same at every CEE, computed once); it
    // is then raised per sample to every algorithm of this CEE (a design on the estimate can land
    // on a better stationary point), as in the beamform and dynamic runs
    const others = c.algorithms.filter((a) => a !== "upper");
    const res = runAt(sc, powerDbm, others, { seed: c.seed, restarts: c.restarts, ceeDb: cee });
    if (c.algorithms.includes("upper") && !upper) upper = runAt(sc, powerDbm, ["upper"], { seed: c.seed, restarts: c.restarts })[0]!;
    const raised = upper ? bestKnownOverRun(upper, [upper, ...res]) : null;
    return c.algorithms.map((a) => (a === "upper" ? raised! : res[others.indexOf(a)]!));
  });
  const scenario = defaultScenario(c.samples, c.seed, null, 64, c.preset);
  return {
    name: "cee-sweep",
    title: `Sum SE vs channel-estimation error (P = ${powerDbm} dBm)`,
    xLabel: "CEE (dB)",
    yLabel: "sum SE on the true channel (bit/s/Hz)",
    config: {
      scenario: { ...scenario, ceeDb: cees },
      ceesDb: cees,
      powerDbm,
      noiseDbm: 0,
      algorithms: c.algorithms,
      restarts: c.restarts,
      lagdIterations: c.lagdIterations,
      seed: c.seed,
    },
    series,
    table: {
      header: ["algorithm", ...cees.map((x) => `SE @ CEE ${x} dB`), "within budget"],
      rows: series.map((s) => [s.label, ...s.y.map(r4), s.equalPower ? "yes" : "NO"]),
      caption: `Mean sum SE over ${c.samples} samples, designed on H_est, scored on H; P = ${powerDbm} dBm, noise 0 dBm`,
    },
    notes: [
      powerNote(results),
      "Imperfect CSI: every algorithm designs on H_est and is scored on H; robust-wmmse is given the CEE; upper = the best-known precoder on perfect CSI, raised per sample to any algorithm of the same CEE that scored higher.",
      `Channels: simulator preset ${c.preset} (per-user normalised), speed phases 6/15/30 m/s, seed ${c.seed}.`,
    ],
  };
}
