/**
 * What a model config will allocate, computed from its sizes before anything is built, so that a
 * 127-byte model file or config asking for billions of weights is one error line (with the size
 * and the limit) instead of an allocator abort. An upper bound: every parameter counted with its
 * gradient and Adam's two moments, wirings with their dense masks.
 */
import { checkBudget } from "../core/budget.ts";
import type { ModelConfig } from "./models.ts";

/** Neurons of a wiring config (any class), or 0 when unknown (the wiring reader checks it). */
function wiringUnits(w: Record<string, unknown>): number {
  const n = (k: string) => (typeof w[k] === "number" && Number.isFinite(w[k]) ? (w[k] as number) : 0);
  return Math.max(n("units"), n("interNeurons") + n("commandNeurons") + n("motorNeurons"));
}

/** Parameters of a config: an upper bound (no wiring is built). */
export function modelParameterBound(config: ModelConfig): number {
  const I = config.inputSize;
  switch (config.type) {
    case "cfc": {
      const H = config.units;
      const bu = config.backboneUnits ?? 128;
      const bl = config.backboneLayers ?? 1;
      const width = bl > 0 && bu > 0 ? bu : I + H;
      const P = config.projSize ?? 0;
      const mixed = config.mixedMemory ? 4 * (I + 2 * H + 1) * H : 0;
      return (I + H + 1) * bu + Math.max(bl - 1, 0) * (bu + 1) * bu + 4 * (width + 1) * H + (H + 1) * P + mixed;
    }
    case "wired-cfc":
    case "ltc": {
      const N = wiringUnits(config.wiring);
      const P = config.projSize ?? 0;
      const mixed = config.mixedMemory ? 4 * (I + 2 * N + 1) * N : 0;
      // Dense masks N x N and I x N per parameter kind (at most ~10 kinds), the projection.
      return 10 * N * N + 10 * I * N + 10 * N + (N + 1) * P + mixed;
    }
    case "lstm":
    case "gru": {
      const H = config.hiddenSize;
      return 4 * (I + H + 1) * H + (H + 1) * (config.projSize ?? 0);
    }
    case "transformer": {
      const d = config.dModel ?? 32;
      const f = config.ffSize ?? 2 * d;
      const perLayer = 4 * d * d + 4 * d + 2 * d * f + f + d + 4 * d;
      return (I + 1) * d + (config.layers ?? 2) * perLayer + 2 * d + (d + 1) * config.outputSize;
    }
    case "mlp": {
      let total = 0;
      let a = I;
      for (const b of [...config.hidden, config.outputSize]) {
        total += (a + 1) * b;
        a = b;
      }
      return total;
    }
  }
}

/**
 * Refuse a config whose parameters (float64, with gradient and Adam moments) exceed the memory limit.
 * @throws LiquidwaveError naming `where`, the model type, the parameter bound, the size and the limit
 */
export function checkModelBudget(config: ModelConfig, where: string): void {
  const p = modelParameterBound(config);
  checkBudget(where, `a ${config.type} model of up to ${p} parameters (values, gradients and Adam state)`, p * 8 * 4);
}
