/**
 * `glnn-variants`: the improvement study. The GLNN loop with principled changes, one option at a
 * time and in combination, against WMMSE and the classical references, on the dynamic protocol
 * (speed-phase trajectory, CEE -10 dB, P = 10 dBm, all at equal power). What each token means:
 * see `beamforming/learned.ts`.
 */
import { trajectoryExperiment, type DynamicOptions } from "./dynamic.ts";
import type { ExperimentResult } from "./types.ts";

export const GLNN_VARIANTS = [
  // the reference loop (correct power), its legacy normalisation (NOT equal power), other networks
  "glnn",
  "glnn:legacy",
  "lstm",
  "glnn:net=cfc",
  "glnn:net=ltc",
  // one change at a time
  "glnn:steps=10",
  "glnn:chain",
  "glnn:norm-in:scale-out",
  "glnn:warm",
  "glnn:per-user",
  "glnn:init=rzf",
  // combinations
  "glnn:chain:norm-in:scale-out",
  "glnn:warm:chain:norm-in:scale-out",
  "glnn:warm:chain:norm-in:scale-out:best",
  "glnn:warm:chain:norm-in:scale-out:lr=0.003",
  "glnn:warm:chain:norm-in:scale-out:decay=0.999",
  "glnn:warm:chain:norm-in:scale-out:per-user:best",
  "glnn:warm:chain:norm-in:scale-out:gd-base:zero-out:best",
  "glnn:warm:chain:norm-in:scale-out:per-user:best:steps=5",
  "lstm:warm:chain:norm-in:scale-out:best",
  // learned refinement of a closed-form start (RZF, ZF) every sample
  "glnn:init=rzf:chain:norm-in:scale-out:zero-out",
  "glnn:init=rzf:chain:norm-in:scale-out:zero-out:per-user",
  "glnn:init=zf:chain:norm-in:scale-out:zero-out:per-user:best",
  // ablations without a network: fixed-step gradient descent in the same loop
  "glnn:net=gd:warm:chain:norm-in:scale-out",
  "glnn:net=gd:warm:chain:norm-in:scale-out:precond",
  "glnn:net=gd:init=rzf:chain:norm-in:scale-out:best",
  // classical references
  "wmmse",
  "wmmse-track",
  "rzf",
  "zf",
];

export function glnnVariants(o: DynamicOptions = {}): ExperimentResult {
  return trajectoryExperiment("glnn-variants", "GLNN variants along the speed-phase trajectory", GLNN_VARIANTS, o);
}
