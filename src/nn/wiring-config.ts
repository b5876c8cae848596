/**
 * Wirings inside model configs. A model config stores its wiring as a wiring config (see
 * `wirings/config.ts`: FullyConnected, Random, NCP, AutoNCP with their seeds, or explicit
 * matrices; `LayeredWiring` for explicit matrices with layers, e.g. imported from ncps), always
 * built for the model's input size.
 */
import { fail } from "../core/errors.ts";
import { wiringFromConfig, wiringToConfig, type WiringConfig } from "../wirings/config.ts";
import { LayeredWiring, type LayeredWiringConfig } from "../wirings/layered.ts";
import { Wiring } from "../wirings/wiring.ts";

/** Build (and `build(inputSize)`) the wiring a model config describes. */
export function buildWiringFromConfig(cfg: Record<string, unknown>, inputSize: number): Wiring {
  const where = "buildWiring";
  const w = cfg["class"] === "LayeredWiring" ? LayeredWiring.fromConfig(cfg as never) : wiringFromConfig(cfg);
  if (w.inputDim === null) w.build(inputSize);
  else if (w.inputDim !== inputSize) fail(where, `wiring was built for ${w.inputDim} inputs, model has ${inputSize}`);
  return w;
}

/** What a model accepts as its wiring: a wiring object or a wiring config (as stored in files). */
export type WiringSpec = Wiring | WiringConfig | LayeredWiringConfig;

/**
 * The wiring config a model stores: a config is kept as given; a wiring object becomes its config
 * (class, arguments and seed; explicit matrices with layers for a {@link LayeredWiring}).
 */
export function modelWiringConfig(w: WiringSpec, where: string): Record<string, unknown> {
  if (w instanceof LayeredWiring) return w.toConfig() as unknown as Record<string, unknown>;
  if (w instanceof Wiring) return wiringToConfig(w) as unknown as Record<string, unknown>;
  if (w === null || typeof w !== "object" || Array.isArray(w)) fail(where, `wiring must be a Wiring or a wiring config, got ${String(w)}`);
  return w as unknown as Record<string, unknown>;
}
