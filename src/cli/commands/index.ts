/** Every command of the CLI, registered in the order `--help` lists them. */
import type { Command } from "commander";
import { registerBeamform } from "./beamform.ts";
import { registerBench } from "./bench.ts";
import { registerChannel } from "./channel.ts";
import { registerData } from "./data.ts";
import { registerDemo } from "./demo.ts";
import { registerModel } from "./model.ts";
import { registerPredict } from "./predict.ts";
import { registerWiring } from "./wiring.ts";
import { registerLab } from "./lab.ts";
import { registerExperiment } from "./experiment.ts";
import { registerStudy } from "./study.ts";

export function registerAll(program: Command): void {
  registerDemo(program);
  registerChannel(program);
  registerData(program);
  registerBeamform(program);
  registerExperiment(program);
  registerStudy(program);
  registerModel(program);
  registerPredict(program);
  registerWiring(program);
  registerBench(program);
  registerLab(program);
}
