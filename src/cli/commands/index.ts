/** Every command of the CLI, registered in the order `--help` lists them. */
import type { Command } from "commander";
import { registerBench } from "./bench.ts";
import { registerChannel } from "./channel.ts";
import { registerData } from "./data.ts";

export function registerAll(program: Command): void {
  registerBench(program);
  registerChannel(program);
  registerData(program);
}
