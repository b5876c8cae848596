/**
 * Wirings inside model configs. A model config stores its wiring as a wiring config (see
 * `wirings/`), always built for the model's input size, so the saved file reproduces the exact
 * synapses even without the random draws.
 */
import { fail } from "../core/errors.ts";
import { LayeredWiring } from "../wirings/layered.ts";
import { Wiring } from "../wirings/wiring.ts";

/** Build (and `build(inputSize)`) the wiring a model config describes. */
export function buildWiringFromConfig(cfg: Record<string, unknown>, inputSize: number): Wiring {
  const where = "buildWiring";
  let w: Wiring;
  if (cfg["class"] === "Wiring") w = Wiring.fromMatrices(cfg as never);
  else if (cfg["class"] === "LayeredWiring") w = LayeredWiring.fromConfig(cfg as never);
  else fail(where, `unknown wiring class '${String(cfg["class"])}'`);
  if (w.inputDim === null) w.build(inputSize);
  else if (w.inputDim !== inputSize) fail(where, `wiring was built for ${w.inputDim} inputs, model has ${inputSize}`);
  return w;
}

/** Neuron ids per layer, in layer order. */
export function wiringLayers(w: Wiring): number[][] {
  return Array.from({ length: w.numLayers }, (_, l) => w.neuronsOfLayer(l));
}
