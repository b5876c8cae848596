/**
 * The benchmark suite: every area contributes its cases here. Names say model and workload.
 */
import type { BenchCase } from "./suite.ts";
import { ioCases } from "./io.ts";
import { channelCases } from "./channel.ts";

export function allCases(): BenchCase[] {
  return [...ioCases(), ...channelCases()];
}
