/** Every command of the CLI, registered in the order `--help` lists them. */
import type { Command } from "commander";
import { registerBench } from "./bench.ts";
import { registerWiring } from "./wiring.ts";

export function registerAll(program: Command): void {
  registerBench(program);
  registerWiring(program);
}
