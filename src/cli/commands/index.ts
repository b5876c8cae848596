/** Every command of the CLI, registered in the order `--help` lists them. */
import type { Command } from "commander";
import { registerBench } from "./bench.ts";
import { registerData } from "./data.ts";
import { registerBeamform } from "./beamform.ts";

export function registerAll(program: Command): void {
  registerBench(program);
  registerData(program);
  registerBeamform(program);
}
