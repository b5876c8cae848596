/**
 * Predictors by name, as the experiment and the CLI select them (`--models hold,wiener,cfc`).
 */
import { checkOneOf, fail } from "../core/errors.ts";
import { AutoregressivePredictor } from "./autoregressive.ts";
import { EspritPredictor } from "./esprit.ts";
import { ExtrapolationPredictor } from "./extrapolation.ts";
import { HoldPredictor } from "./hold.ts";
import { KalmanPredictor } from "./kalman.ts";
import { DEFAULT_BASE, LEARNED_BASES, LEARNED_KINDS, LearnedPredictor, type LearnedBase, type LearnedKind } from "./learned.ts";
import type { Predictor } from "./predictor.ts";
import { RidgePredictor } from "./ridge.ts";
import { WienerPredictor } from "./wiener.ts";

export const CLASSICAL_PREDICTORS = ["hold", "linear", "ar", "wiener", "wiener-est", "wiener-train", "kalman", "ridge", "esprit"] as const;
/**
 * Learned models on a classical base other than the default sample-and-hold (they learn its
 * residual): `<kind>+ridge`, `<kind>+esprit`, `<kind>+wiener-est` (e.g. `ltc+wiener-est`), `<kind>+kalman`
 * (needs the true f_D, as `kalman` does).
 */
export const HYBRID_PREDICTORS = LEARNED_KINDS.flatMap((k) =>
  LEARNED_BASES.filter((b) => b !== DEFAULT_BASE).map((b) => `${k}+${b}` as const),
);
export const PREDICTOR_NAMES = [...CLASSICAL_PREDICTORS, ...LEARNED_KINDS, ...HYBRID_PREDICTORS] as const;
export type PredictorName = (typeof PREDICTOR_NAMES)[number];

/** Settings the predictors draw on (each reads its own). */
export interface PredictorSettings {
  /** True maximum Doppler, Hz (wiener, kalman); null when unknown. */
  readonly dopplerHz: number | null;
  readonly linear?: { degree?: number; span?: number };
  readonly ar?: { order?: number };
  readonly kalman?: { order?: number; loading?: number };
  readonly ridge?: { ridge?: number };
  readonly esprit?: { order?: number; rows?: number };
  readonly learned?: {
    epochs?: number;
    batchSize?: number;
    learningRate?: number;
    patience?: number;
    seed?: number;
    maxTrainWindows?: number;
    sizes?: Partial<Record<LearnedKind, number>>;
    /** Elapsed time per Δt fed to the liquid models, per kind (default: DEFAULT_TIME_SCALES of learned.ts). */
    timeScales?: Partial<Record<LearnedKind, number | "auto">>;
  };
}

/** Build the predictor called `name`. */
export function createPredictor(name: string, s: PredictorSettings): Predictor {
  const where = "createPredictor";
  const n = checkOneOf(where, "model", name, PREDICTOR_NAMES);
  const needFd = (): number => {
    if (s.dopplerHz === null) {
      fail(where, `'${n}' needs the true maximum Doppler f_D: give it (--doppler-hz, or --speed with a known carrier) or use 'wiener-est'`);
    }
    return s.dopplerHz;
  };
  switch (n) {
    case "hold":
      return new HoldPredictor();
    case "linear":
      return new ExtrapolationPredictor(s.linear ?? {});
    case "ar":
      return new AutoregressivePredictor(s.ar ?? {});
    case "wiener":
      return new WienerPredictor({ dopplerHz: needFd() });
    case "wiener-est":
      return new WienerPredictor({ estimate: "window" });
    case "wiener-train":
      return new WienerPredictor({ estimate: "train" });
    case "kalman":
      return new KalmanPredictor({ dopplerHz: needFd(), ...s.kalman });
    case "ridge":
      return new RidgePredictor(s.ridge ?? {});
    case "esprit":
      return new EspritPredictor(s.esprit ?? {});
    default: {
      const l = s.learned ?? {};
      const [kind, base] = n.split("+") as [LearnedKind, LearnedBase | undefined];
      const size = l.sizes?.[kind];
      const timeScale = l.timeScales?.[kind];
      return new LearnedPredictor({
        kind,
        epochs: l.epochs,
        batchSize: l.batchSize,
        learningRate: l.learningRate,
        patience: l.patience,
        seed: l.seed,
        maxTrainWindows: l.maxTrainWindows,
        ...(base !== undefined ? { base } : {}),
        ...(base === "kalman" ? { kalman: { dopplerHz: needFd(), ...s.kalman } } : {}),
        ...(size !== undefined ? { size } : {}),
        ...(timeScale !== undefined ? { timeScale } : {}),
      });
    }
  }
}
