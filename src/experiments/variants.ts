/**
 * `glnn-variants`: the improvement study. The GLNN loop with principled changes, one option at a
 * time and in combination, against WMMSE and the classical references, on the dynamic protocol
 * (speed-phase trajectory, CEE -10 dB, P = 10 dBm, all at equal power). What each token means:
 * see `beamforming/learned.ts`.
 */
import { trajectoryExperiment, type DynamicOptions } from "./dynamic.ts";
import type { ExperimentResult } from "./types.ts";

export const GLNN_VARIANTS = [
  "glnn",
  "lstm",
  "glnn:net=cfc",
  "glnn:net=ltc",
  "glnn:steps=10",
  "glnn:chain",
  "glnn:norm-in:scale-out",
  "glnn:chain:norm-in:scale-out",
  "glnn:warm",
  "glnn:warm:chain:norm-in:scale-out",
  "glnn:per-user:chain:norm-in:scale-out",
  "glnn:init=rzf",
  "glnn:init=rzf:chain:norm-in:scale-out",
  "glnn:warm:chain:norm-in:scale-out:init=rzf",
  "glnn:net=gd:warm:chain:norm-in:scale-out",
  "wmmse",
  "wmmse-track",
  "rzf",
  "zf",
];

export function glnnVariants(o: DynamicOptions = {}): ExperimentResult {
  return trajectoryExperiment("glnn-variants", "GLNN variants along the speed-phase trajectory", GLNN_VARIANTS, o);
}
