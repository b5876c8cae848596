/**
 * Model configurations (plain JSON, validated) and the factory that builds and initialises a model
 * from one. A config plus a seed fully determines a model's initial weights, bit for bit.
 *
 * | type        | model                                                       | input → output          |
 * |-------------|-------------------------------------------------------------|-------------------------|
 * | `cfc`       | CfC with a dense backbone (ncps `CfC(input, units, …)`)      | [B, L, I] → [B, L, H/P] |
 * | `wired-cfc` | CfC over a wiring (ncps `CfC(input, AutoNCP(…))`)            | [B, L, I] → [B, L, M/P] |
 * | `ltc`       | LTC over a wiring (ncps `LTC(input, wiring)`)                | [B, L, I] → [B, L, M/P] |
 * | `lstm`      | LSTM baseline (ncps LSTMCell, forget bias 1)                | [B, L, I] → [B, L, H/P] |
 * | `gru`       | GRU baseline (PyTorch GRUCell)                              | [B, L, I] → [B, L, H/P] |
 * | `mlp`       | dense MLP on the flattened window                           | [B, F] → [B, O]         |
 *
 * (P = `projSize` when set; with `returnSequences: false` the time axis is dropped.)
 */
import { z } from "zod";
import { Rng } from "../core/random.ts";
import { parseConfig } from "../core/validate.ts";
import { ACTIVATIONS } from "../cells/activations.ts";
import { CfCCell, CFC_MODES } from "../cells/cfc.ts";
import { GruCell } from "../cells/gru.ts";
import { Linear } from "../cells/linear.ts";
import { LstmCell } from "../cells/lstm.ts";
import { LtcCell, LTC_MAPPINGS } from "../cells/ltc.ts";
import { WiredCfCCell } from "../cells/wired-cfc.ts";
import type { RecurrentCell } from "../cells/cell.ts";
import { buildWiringFromConfig } from "./wiring-config.ts";
import { Mlp } from "./mlp.ts";
import { SequenceModel } from "./sequence.ts";

const posInt = z.number().int().positive();
const sequenceOptions = {
  inputSize: posInt,
  returnSequences: z.boolean().optional(),
};
const wiringSchema = z.record(z.string(), z.unknown());

export const modelConfigSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("cfc"), ...sequenceOptions, units: posInt,
    mode: z.enum(CFC_MODES).optional(), activation: z.enum(ACTIVATIONS).optional(),
    backboneUnits: z.number().int().min(0).optional(), backboneLayers: z.number().int().min(0).optional(),
    backboneDropout: z.number().min(0).max(0.999).optional(),
    projSize: posInt.nullable().optional(), mixedMemory: z.boolean().optional(),
  }).strict(),
  z.object({
    type: z.literal("wired-cfc"), ...sequenceOptions, wiring: wiringSchema,
    mode: z.enum(CFC_MODES).optional(), projSize: posInt.nullable().optional(), mixedMemory: z.boolean().optional(),
  }).strict(),
  z.object({
    type: z.literal("ltc"), ...sequenceOptions, wiring: wiringSchema,
    inputMapping: z.enum(LTC_MAPPINGS).optional(), outputMapping: z.enum(LTC_MAPPINGS).optional(),
    odeUnfolds: posInt.optional(), epsilon: z.number().min(0).optional(),
    implicitParamConstraints: z.boolean().optional(), mixedMemory: z.boolean().optional(),
    // liquidwave extension (ncps's LTC has none): a Linear head on the motor outputs.
    projSize: posInt.nullable().optional(),
  }).strict(),
  z.object({ type: z.literal("lstm"), ...sequenceOptions, hiddenSize: posInt, projSize: posInt.nullable().optional() }).strict(),
  z.object({ type: z.literal("gru"), ...sequenceOptions, hiddenSize: posInt, projSize: posInt.nullable().optional() }).strict(),
  z.object({
    type: z.literal("mlp"), inputSize: posInt, hidden: z.array(posInt), outputSize: posInt,
    activation: z.enum(ACTIVATIONS).optional(),
  }).strict(),
]);

export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type SequenceModelConfig = Exclude<ModelConfig, { type: "mlp" }>;

/** A built model: the recurrent wrapper or the MLP, with the config that made it. */
export type Model =
  | { readonly kind: "sequence"; readonly config: SequenceModelConfig; readonly net: SequenceModel }
  | { readonly kind: "mlp"; readonly config: Extract<ModelConfig, { type: "mlp" }>; readonly net: Mlp };

/** Validate a model config (one error line naming the offending field). */
export function parseModelConfig(value: unknown, where = "buildModel"): ModelConfig {
  return parseConfig(where, modelConfigSchema, value);
}

/**
 * Build a model from its config and initialise its weights from `seed` (ncps's init
 * distributions, drawn from liquidwave's seeded generator).
 */
export function buildModel(configIn: unknown, { seed = 0 }: { seed?: number } = {}): Model {
  const config = parseModelConfig(configIn);
  const rng = new Rng(seed).fork("init");
  if (config.type === "mlp") {
    const net = new Mlp(config.inputSize, config.hidden, config.outputSize, config.activation ?? "relu");
    net.init(rng);
    return { kind: "mlp", config, net };
  }
  let cell: RecurrentCell;
  let mixed: LstmCell | null = null;
  let projSize: number | null = null;
  switch (config.type) {
    case "cfc": {
      const c = new CfCCell({
        inputSize: config.inputSize, hiddenSize: config.units, mode: config.mode, activation: config.activation,
        backboneUnits: config.backboneUnits, backboneLayers: config.backboneLayers, backboneDropout: config.backboneDropout,
      });
      c.init(rng);
      c.dropoutRng = new Rng(seed).fork("dropout");
      cell = c;
      projSize = config.projSize ?? null;
      break;
    }
    case "wired-cfc": {
      const w = buildWiringFromConfig(config.wiring, config.inputSize);
      const c = new WiredCfCCell({ inputSize: config.inputSize, wiring: w, mode: config.mode });
      c.init(rng);
      cell = c;
      projSize = config.projSize ?? null;
      break;
    }
    case "ltc": {
      const w = buildWiringFromConfig(config.wiring, config.inputSize);
      const c = new LtcCell({
        units: w.units, inputSize: config.inputSize, motorSize: w.outputDim ?? w.units,
        adjacency: w.adjacency, sensoryAdjacency: w.sensoryAdjacency!,
        inputMapping: config.inputMapping, outputMapping: config.outputMapping, odeUnfolds: config.odeUnfolds,
        epsilon: config.epsilon, implicitParamConstraints: config.implicitParamConstraints,
      });
      c.init(rng);
      cell = c;
      projSize = config.projSize ?? null;
      break;
    }
    case "lstm": {
      const c = new LstmCell(config.inputSize, config.hiddenSize);
      c.init(rng);
      cell = c;
      projSize = config.projSize ?? null;
      break;
    }
    case "gru": {
      const c = new GruCell(config.inputSize, config.hiddenSize);
      c.init(rng);
      cell = c;
      projSize = config.projSize ?? null;
      break;
    }
  }
  if ("mixedMemory" in config && config.mixedMemory) {
    mixed = new LstmCell(config.inputSize, cell.stateSize);
    mixed.init(rng);
  }
  let proj: Linear | null = null;
  if (projSize !== null) {
    proj = Linear.simple(cell.outputSize, projSize);
    proj.initDefault(rng);
  }
  const net = new SequenceModel({ cell, mixedMemory: mixed, proj, returnSequences: config.returnSequences ?? true });
  return { kind: "sequence", config, net };
}
