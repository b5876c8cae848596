/**
 * The benchmark suite: every area contributes its cases here. Names say model and workload.
 */
import { beamformingCases } from "./beamforming.ts";
import { glnnCases } from "./glnn.ts";
import { channelCases } from "./channel.ts";
import { ioCases } from "./io.ts";
import { lnnCases } from "./lnn.ts";
import { predictionCases } from "./prediction.ts";
import type { BenchCase } from "./suite.ts";

export function allCases(): BenchCase[] {
  return [...lnnCases(), ...channelCases(), ...predictionCases(), ...beamformingCases(), ...glnnCases(), ...ioCases()];
}
