/**
 * Wirings inside model configs. A model config stores its wiring as a wiring config (see
 * `wirings/config.ts`: FullyConnected, Random, NCP, AutoNCP with their seeds, or explicit
 * matrices; `LayeredWiring` for explicit matrices with layers, e.g. imported from ncps), always
 * built for the model's input size.
 */
import { fail } from "../core/errors.ts";
import { wiringFromConfig } from "../wirings/config.ts";
import { LayeredWiring } from "../wirings/layered.ts";
import type { Wiring } from "../wirings/wiring.ts";

/** Build (and `build(inputSize)`) the wiring a model config describes. */
export function buildWiringFromConfig(cfg: Record<string, unknown>, inputSize: number): Wiring {
  const where = "buildWiring";
  const w = cfg["class"] === "LayeredWiring" ? LayeredWiring.fromConfig(cfg as never) : wiringFromConfig(cfg);
  if (w.inputDim === null) w.build(inputSize);
  else if (w.inputDim !== inputSize) fail(where, `wiring was built for ${w.inputDim} inputs, model has ${inputSize}`);
  return w;
}
