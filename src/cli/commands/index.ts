/** Every command of the CLI, registered in the order `--help` lists them. */
import type { Command } from "commander";
import { registerBench } from "./bench.ts";
import { registerModel } from "./model.ts";

export function registerAll(program: Command): void {
  registerModel(program);
  registerBench(program);
}
