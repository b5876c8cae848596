/**
 * Models: the public classes ({@link CfC}, {@link LTC}, {@link LSTM}, {@link GRU}, {@link MLP}, in
 * the style of ncps's `CfC(input_size, units | wiring, ...)`) and their plain-JSON configs. The two
 * are views of one model: a class turns its constructor arguments into a config and builds from it
 * ({@link assemble}); {@link buildModel}(config) validates a config and calls the class. A config
 * plus a seed fully determines a model's initial weights, bit for bit.
 *
 * | type        | model                                                       | input → output          |
 * |-------------|-------------------------------------------------------------|-------------------------|
 * | `cfc`       | CfC with a dense backbone (ncps `CfC(input, units, …)`)      | [B, L, I] → [B, L, H/P] |
 * | `wired-cfc` | CfC over a wiring (ncps `CfC(input, AutoNCP(…))`)            | [B, L, I] → [B, L, M/P] |
 * | `ltc`       | LTC over a wiring (ncps `LTC(input, wiring)`)                | [B, L, I] → [B, L, M/P] |
 * | `lstm`      | LSTM baseline (ncps LSTMCell, forget bias 1)                | [B, L, I] → [B, L, H/P] |
 * | `gru`       | GRU baseline (PyTorch GRUCell)                              | [B, L, I] → [B, L, H/P] |
 * | `mlp`       | dense MLP on the flattened window                           | [B, F] → [B, O]         |
 * | `transformer` | Transformer encoder read out at the last step (nn/transformer.ts) | [B, L, I] → [B, O] |
 *
 * (P = `projSize` when set; with `returnSequences: false` the time axis is dropped.)
 */
import { z } from "zod";
import { DTYPES, type DType } from "../core/dtype.ts";
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { HeapArena } from "../core/wasm/arena.ts";
import { asTensor, type TensorLike } from "../core/tensor.ts";
import type { Tensor } from "../core/tensor.ts";
import { parseConfig } from "../core/validate.ts";
import { ACTIVATIONS, type Activation } from "../cells/activations.ts";
import { CfCCell, CFC_MODES, type CfCMode } from "../cells/cfc.ts";
import { GruCell } from "../cells/gru.ts";
import { Linear } from "../cells/linear.ts";
import { LstmCell } from "../cells/lstm.ts";
import { LtcCell, LTC_MAPPINGS, type LtcMapping } from "../cells/ltc.ts";
import { WiredCfCCell } from "../cells/wired-cfc.ts";
import type { RecurrentCell } from "../cells/cell.ts";
import type { Param } from "../cells/param.ts";
import { FullyConnected } from "../wirings/fully-connected.ts";
import type { Wiring } from "../wirings/wiring.ts";
import { buildWiringFromConfig, modelWiringConfig, type WiringSpec } from "./wiring-config.ts";
import { Mlp } from "./mlp.ts";
import { TransformerNet } from "./transformer.ts";
import { SequenceModel, type SequenceOutput } from "./sequence.ts";

const posInt = z.number().int().positive();
/**
 * Number format of the model's memory and kernels: `"float64"` (default, the ncps-exact path) or
 * `"float32"` (f32x4 kernels, PyTorch-float32 accuracy; see core/dtype.ts).
 */
const dtypeSchema = z.enum(DTYPES).optional();
const sequenceOptions = {
  inputSize: posInt,
  returnSequences: z.boolean().optional(),
  dtype: dtypeSchema,
};
const wiringSchema = z.record(z.string(), z.unknown());

export const modelConfigSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("cfc"),
      ...sequenceOptions,
      units: posInt,
      mode: z.enum(CFC_MODES).optional(),
      activation: z.enum(ACTIVATIONS).optional(),
      backboneUnits: z.number().int().min(0).optional(),
      backboneLayers: z.number().int().min(0).optional(),
      backboneDropout: z.number().min(0).max(0.999).optional(),
      projSize: posInt.nullable().optional(),
      mixedMemory: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("wired-cfc"),
      ...sequenceOptions,
      wiring: wiringSchema,
      mode: z.enum(CFC_MODES).optional(),
      projSize: posInt.nullable().optional(),
      mixedMemory: z.boolean().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("ltc"),
      ...sequenceOptions,
      wiring: wiringSchema,
      inputMapping: z.enum(LTC_MAPPINGS).optional(),
      outputMapping: z.enum(LTC_MAPPINGS).optional(),
      odeUnfolds: posInt.optional(),
      epsilon: z.number().min(0).optional(),
      implicitParamConstraints: z.boolean().optional(),
      mixedMemory: z.boolean().optional(),
      // liquidwave extension (ncps's LTC has none): a Linear head on the motor outputs.
      projSize: posInt.nullable().optional(),
    })
    .strict(),
  z.object({ type: z.literal("lstm"), ...sequenceOptions, hiddenSize: posInt, projSize: posInt.nullable().optional() }).strict(),
  z.object({ type: z.literal("gru"), ...sequenceOptions, hiddenSize: posInt, projSize: posInt.nullable().optional() }).strict(),
  z
    .object({
      type: z.literal("mlp"),
      inputSize: posInt,
      hidden: z.array(posInt),
      outputSize: posInt,
      activation: z.enum(ACTIVATIONS).optional(),
      dtype: dtypeSchema,
    })
    .strict(),
  z
    .object({
      type: z.literal("transformer"),
      inputSize: posInt,
      outputSize: posInt,
      /** Model width d (default 32; a multiple of heads). */
      dModel: posInt.optional(),
      /** Attention heads (default 4). */
      heads: posInt.optional(),
      /** Encoder layers (default 2). */
      layers: posInt.optional(),
      /** Feed-forward width (default 2·dModel). */
      ffSize: posInt.optional(),
      /** Base of the positional frequencies (default 100). */
      positionBase: z.number().gt(1).optional(),
      /** The Transformer runs in float64 only. */
      dtype: z.literal("float64", { error: "the transformer runs in float64 only" }).optional(),
    })
    .strict(),
]);

export type ModelConfig = z.infer<typeof modelConfigSchema>;
/** A model config as written by a user (optional fields may be omitted). */
export type ModelConfigInput = z.input<typeof modelConfigSchema>;
export type SequenceModelConfig = Exclude<ModelConfig, { type: "mlp" | "transformer" }>;
export type MlpConfig = Extract<ModelConfig, { type: "mlp" }>;
export type TransformerConfig = Extract<ModelConfig, { type: "transformer" }>;

/** Validate a model config (one error line naming the offending field). */
export function parseModelConfig(value: unknown, where = "buildModel"): ModelConfig {
  return parseConfig(where, modelConfigSchema, value);
}

/**
 * The one builder behind every model: the recurrent network a (validated) config describes, with
 * weights initialised from `seed` (ncps's init distributions, drawn from liquidwave's seeded
 * generator).
 */
function assembleSequence(config: SequenceModelConfig, seed: number): SequenceModel {
  const rng = new Rng(seed).fork("init");
  let cell: RecurrentCell;
  let mixed: LstmCell | null = null;
  let projSize: number | null = null;
  switch (config.type) {
    case "cfc": {
      const c = new CfCCell({
        inputSize: config.inputSize,
        hiddenSize: config.units,
        mode: config.mode,
        activation: config.activation,
        backboneUnits: config.backboneUnits,
        backboneLayers: config.backboneLayers,
        backboneDropout: config.backboneDropout,
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
        units: w.units,
        inputSize: config.inputSize,
        motorSize: w.outputDim ?? w.units,
        adjacency: w.adjacency,
        sensoryAdjacency: w.sensoryAdjacency!,
        inputMapping: config.inputMapping,
        outputMapping: config.outputMapping,
        odeUnfolds: config.odeUnfolds,
        epsilon: config.epsilon,
        implicitParamConstraints: config.implicitParamConstraints,
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
  return new SequenceModel({ cell, mixedMemory: mixed, proj, returnSequences: config.returnSequences ?? true });
}

/** Options every model class takes. */
export interface ModelOptions {
  /** Seed of the weight initialisation (and of CfC dropout); default 0. */
  seed?: number;
  /**
   * Number format of parameters, gradients and kernels: `"float64"` (default; ncps-exact) or
   * `"float32"` (f32x4 kernels, about 1e-6 relative rounding per operation). Inputs and outputs
   * stay float64 arrays either way. Recorded in the config (and so in saved models).
   */
  dtype?: DType;
}

/** Options of the recurrent models. */
export interface SequenceOptions extends ModelOptions {
  /** Output every step ([B, L, O], default) or the last step only ([B, O]). */
  returnSequences?: boolean;
}

/** Options of {@link RecurrentModel.forward}. */
export interface ModelForwardOptions {
  /**
   * Elapsed time per sample and step, `[B, L]` or `[B, L, 1]` (any unit, consistent with
   * training), finite and >= 0; all ones if omitted. Nested number arrays are accepted.
   */
  timespans?: TensorLike | null;
  /** Initial state `[B, S]` (S = {@link RecurrentModel.stateSize}); zeros if omitted. */
  initialState?: TensorLike | null;
  /** Initial LSTM cell state `[B, S]` (mixed memory only). */
  initialCell?: TensorLike | null;
  /** Also return the state after every step, `[B, L, S]`. */
  returnHidden?: boolean;
}

const FORWARD_OPTIONS: readonly string[] = ["timespans", "initialState", "initialCell", "returnHidden"];

function checkSeedOption(where: string, seed: unknown): number {
  if (seed === undefined) return 0;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0)
    fail(where, `seed must be a non-negative integer, got ${String(seed)}`);
  return seed;
}

/** The option names of a model type: its config fields (minus type and sizes) and `seed`. */
function optionNames(type: ModelConfig["type"], exclude: readonly string[]): string[] {
  const variant = modelConfigSchema.options.find((o) => o.shape.type.value === type)!;
  return ["seed", ...Object.keys(variant.shape).filter((k) => k !== "type" && !exclude.includes(k))];
}

/** Options minus `seed`, checked to be a plain object with known keys only. */
function configOptions(
  where: string,
  options: unknown,
  types: readonly ModelConfig["type"][],
  sizes: readonly string[],
): { seed: number; rest: Record<string, unknown> } {
  if (options === undefined) return { seed: 0, rest: {} };
  if (options === null || typeof options !== "object" || Array.isArray(options))
    fail(where, `options must be an object, got ${String(options)}`);
  const valid = [...new Set(types.flatMap((t) => optionNames(t, sizes)))];
  for (const k of Object.keys(options)) if (!valid.includes(k)) fail(where, `unknown option '${k}' (valid options: ${valid.join(", ")})`);
  const { seed, ...rest } = options as Record<string, unknown>;
  return { seed: checkSeedOption(where, seed), rest };
}

/**
 * What every model class shares: the network built on the model's own heap arena (in the model's
 * number format), the seed, and disposal. A failed build releases the arena before rethrowing.
 */
abstract class ArenaModel<N> {
  /** The seed its weights were initialised from. */
  readonly seed: number;
  readonly net: N;
  /**
   * The heap memory this model owns: parameters, gradients, caches and scratch. Released by
   * {@link dispose}; never by the garbage collector.
   */
  readonly memory: HeapArena;

  protected constructor(where: string, seed: number, dtype: DType, build: () => N) {
    this.seed = seed;
    this.memory = new HeapArena(where, null, dtype);
    try {
      this.net = this.memory.run(build);
    } catch (e) {
      this.memory.dispose();
      throw e;
    }
  }

  /** True after {@link dispose}. */
  get disposed(): boolean {
    return this.memory.disposed;
  }

  /** Number format of the model's parameters and kernels (see {@link ModelOptions.dtype}). */
  get dtype(): DType {
    return this.memory.dtype;
  }

  /**
   * Release the model's heap memory now (parameters, gradients, caches, scratch). Afterwards any
   * use of the model (forward, params, fit) is a one-line error, and parameter arrays obtained
   * earlier must not be used. Idempotent. `using model = new CfC(…)` calls it at scope exit.
   */
  dispose(): void {
    this.memory.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * A recurrent model: a cell run over time by the sequence wrapper (time loop, per-sample Δt,
 * mixed memory, projection), with its config. Subclasses are the public model classes.
 */
export abstract class RecurrentModel<C extends SequenceModelConfig = SequenceModelConfig> extends ArenaModel<SequenceModel> {
  readonly kind = "sequence" as const;
  /** The plain-JSON config this model is built from (`buildModel(config, { seed })` rebuilds it). */
  readonly config: C;
  /** The sequence wrapper (cell, mixed memory, projection); for training loops and tests. */
  declare readonly net: SequenceModel;

  protected constructor(where: string, config: unknown, seed: number) {
    const c = parseConfig(where, modelConfigSchema, config, "options") as C;
    super(where, seed, c.dtype ?? "float64", () => assembleSequence(c, seed));
    this.config = c;
  }

  /** Input features I. */
  get inputSize(): number {
    return this.net.inputSize;
  }
  /** Output features O (the projection size, the motor neurons of a wiring, or the units). */
  get outputSize(): number {
    return this.net.outputSize;
  }
  /** State size S. */
  get stateSize(): number {
    return this.net.stateSize;
  }
  /** Every parameter (ncps state-dict names and order), sharing the model's buffers. */
  get params(): readonly Param[] {
    this.memory.check("params");
    return this.net.params;
  }
  /** Number of trainable scalars. */
  get parameterCount(): number {
    return this.net.params.reduce((n, p) => n + (p.trainable ? p.value.length : 0), 0);
  }

  /**
   * Run the model over a batch of sequences (no gradient tape).
   * @param input - `[B, L, I]`, finite (a Tensor or nested number arrays)
   * @returns output `[B, L, O]` (or `[B, O]` with `returnSequences: false`), finalState `[B, S]`,
   *   finalCell `[B, S]` (mixed memory) and, with `returnHidden`, hiddenSequence `[B, L, S]`
   */
  forward(input: TensorLike, options: ModelForwardOptions = {}): SequenceOutput {
    const where = `${this.constructor.name}.forward`;
    const o = options;
    if (o === null || typeof o !== "object" || Array.isArray(o)) fail(where, `options must be an object, got ${String(o)}`);
    for (const k of Object.keys(o))
      if (!FORWARD_OPTIONS.includes(k)) fail(where, `unknown option '${k}' (valid options: ${FORWARD_OPTIONS.join(", ")})`);
    return this.net.forward(asTensor(input, where, "input"), {
      timespans: o.timespans == null ? null : asTensor(o.timespans, where, "timespans"),
      initialState: o.initialState == null ? null : asTensor(o.initialState, where, "initialState"),
      initialCell: o.initialCell == null ? null : asTensor(o.initialCell, where, "initialCell"),
      returnHidden: o.returnHidden ?? false,
    });
  }
}

/** Options of {@link CfC}: ncps's keyword arguments in camelCase. */
export interface CfCOptions extends SequenceOptions {
  /** `"default"` (gated), `"pure"` (closed-form solution only) or `"no_gate"`. */
  mode?: CfCMode;
  /** Backbone activation (dense CfC only); default `"lecun_tanh"`. */
  activation?: Activation;
  /** Backbone width (dense CfC only; 0 = no backbone); default 128. */
  backboneUnits?: number;
  /** Backbone depth (dense CfC only); default 1. */
  backboneLayers?: number;
  /** Backbone dropout in [0, 1) (dense CfC only); default 0. */
  backboneDropout?: number;
  /** A Linear projection of every output to this size. */
  projSize?: number | null;
  /** ncps mixed memory: an LSTM cell in front of the CfC cell at every step. */
  mixedMemory?: boolean;
}

const DENSE_ONLY = ["activation", "backboneUnits", "backboneLayers", "backboneDropout"] as const;

/**
 * Closed-form continuous-time network (Hasani et al., Nature Machine Intelligence 2022), as ncps's
 * `CfC(input_size, units, ...)`: with a number of units a dense CfC with a backbone, with a
 * {@link Wiring} a wired CfC (one CfC layer per wiring layer, as ncps's `WiredCfCCell`).
 *
 * Shapes: input `[B, L, I]`, timespans `[B, L]`, output `[B, L, O]` with O = `projSize`, or the
 * wiring's motor neurons, or `units`.
 * @example
 * ```ts
 * const model = new CfC(3, new AutoNCP(16, 2, { seed: 1 }), { seed: 7 });
 * const { output } = model.forward(x, { timespans: dt }); // [B, L, 2]
 * ```
 */
export class CfC extends RecurrentModel<Extract<SequenceModelConfig, { type: "cfc" | "wired-cfc" }>> {
  /**
   * @param inputSize - input features I
   * @param units - hidden units (dense CfC), or a wiring or wiring config (wired CfC; built for
   *   `inputSize` inside the model, the object passed in is not modified)
   * @param options - see {@link CfCOptions}; unknown options are a one-line error
   */
  constructor(inputSize: number, units: number | WiringSpec, options?: CfCOptions) {
    const where = "CfC";
    const { seed, rest } = configOptions(where, options, ["cfc", "wired-cfc"], ["inputSize", "units", "wiring"]);
    if (typeof units === "object" && units !== null) {
      for (const k of DENSE_ONLY) if (rest[k] !== undefined) fail(where, `option '${k}' applies to a dense CfC only (units is a wiring)`);
      super(where, { type: "wired-cfc", inputSize, wiring: modelWiringConfig(units, where), ...rest }, seed);
    } else super(where, { type: "cfc", inputSize, units, ...rest }, seed);
  }
}

/** Options of {@link LTC}: ncps's keyword arguments in camelCase. */
export interface LTCOptions extends SequenceOptions {
  /** Input mapping before the synapses: `"affine"` (default), `"linear"` or `"none"`. */
  inputMapping?: LtcMapping;
  /** Output mapping of the motor neurons: `"affine"` (default), `"linear"` or `"none"`. */
  outputMapping?: LtcMapping;
  /** Solver unfolds per step (fused semi-implicit Euler); default 6. */
  odeUnfolds?: number;
  /** Added to the denominator of the solver update; default 1e-8. */
  epsilon?: number;
  /** Positivity by softplus (true, default) or by clipping after each update (false). */
  implicitParamConstraints?: boolean;
  /** ncps mixed memory: an LSTM cell in front of the LTC cell at every step. */
  mixedMemory?: boolean;
  /** liquidwave extension: a Linear projection of every output to this size. */
  projSize?: number | null;
}

/**
 * Liquid time-constant network (Hasani et al., AAAI 2021), as ncps's `LTC(input_size, units,
 * ...)`: with a number of units a fully connected wiring of that size (all neurons are outputs),
 * with a {@link Wiring} that wiring.
 *
 * Shapes: input `[B, L, I]`, timespans `[B, L]` (the ODE's elapsed time per step), output
 * `[B, L, M]` with M the wiring's motor neurons (or `projSize`).
 * @example `new LTC(3, new FullyConnected(8, 2), { seed: 7, odeUnfolds: 6 })`
 */
export class LTC extends RecurrentModel<Extract<SequenceModelConfig, { type: "ltc" }>> {
  /**
   * @param inputSize - input features I
   * @param units - neurons (a `FullyConnected(units)` wiring, as ncps), or a wiring or wiring config
   * @param options - see {@link LTCOptions}; unknown options are a one-line error
   */
  constructor(inputSize: number, units: number | WiringSpec, options?: LTCOptions) {
    const where = "LTC";
    const { seed, rest } = configOptions(where, options, ["ltc"], ["inputSize", "wiring"]);
    const wiring = typeof units === "number" ? new FullyConnected(units) : units;
    super(where, { type: "ltc", inputSize, wiring: modelWiringConfig(wiring, where), ...rest }, seed);
  }
}

/** Options of {@link LSTM} and {@link GRU}. */
export interface GatedOptions extends SequenceOptions {
  /** A Linear projection of every output to this size. */
  projSize?: number | null;
}

/**
 * LSTM baseline (ncps's LSTMCell: gates i, f (bias +1), g, o) over time.
 * Shapes: input `[B, L, I]`, output `[B, L, H]` (or `[B, L, projSize]`); timespans are accepted
 * and ignored (a discrete-time model).
 */
export class LSTM extends RecurrentModel<Extract<SequenceModelConfig, { type: "lstm" }>> {
  /**
   * @param inputSize - input features I
   * @param hiddenSize - hidden units H
   * @param options - see {@link GatedOptions}
   */
  constructor(inputSize: number, hiddenSize: number, options?: GatedOptions) {
    const { seed, rest } = configOptions("LSTM", options, ["lstm"], ["inputSize", "hiddenSize"]);
    super("LSTM", { type: "lstm", inputSize, hiddenSize, ...rest }, seed);
  }
}

/**
 * GRU baseline (PyTorch's GRUCell equations) over time.
 * Shapes: input `[B, L, I]`, output `[B, L, H]` (or `[B, L, projSize]`); timespans are ignored.
 */
export class GRU extends RecurrentModel<Extract<SequenceModelConfig, { type: "gru" }>> {
  /**
   * @param inputSize - input features I
   * @param hiddenSize - hidden units H
   * @param options - see {@link GatedOptions}
   */
  constructor(inputSize: number, hiddenSize: number, options?: GatedOptions) {
    const { seed, rest } = configOptions("GRU", options, ["gru"], ["inputSize", "hiddenSize"]);
    super("GRU", { type: "gru", inputSize, hiddenSize, ...rest }, seed);
  }
}

/** Options of {@link MLP}. */
export interface MLPOptions extends ModelOptions {
  /** Hidden-layer activation; default `"relu"`. */
  activation?: Activation;
}

/**
 * A dense multilayer perceptron on flattened inputs: `[B, F] → [B, O]` (an input `[B, ...]` with
 * F features in total is accepted).
 */
/** What a feed-forward network (the MLP's, the Transformer's) offers its model class. */
interface FeedForwardNet {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly params: Param[];
  init(rng: Rng): void;
}

/**
 * The shared body of the feed-forward model classes: the network built on the model's own heap
 * arena and initialised from `seed`, disposal, sizes and parameters.
 */
abstract class FeedForwardModel<N extends FeedForwardNet> extends ArenaModel<N> {
  protected constructor(where: string, seed: number, build: () => N, dtype: DType = "float64") {
    super(where, seed, dtype, build);
    this.net.init(new Rng(seed).fork("init"));
  }

  get inputSize(): number {
    return this.net.inputSize;
  }
  get outputSize(): number {
    return this.net.outputSize;
  }
  get params(): readonly Param[] {
    this.memory.check("params");
    return this.net.params;
  }
  get parameterCount(): number {
    return this.net.params.reduce((n, p) => n + p.value.length, 0);
  }
}

export class MLP extends FeedForwardModel<Mlp> {
  readonly kind = "mlp" as const;
  readonly config: MlpConfig;

  /**
   * @param inputSize - input features F
   * @param hidden - widths of the hidden layers
   * @param outputSize - outputs O
   * @param options - see {@link MLPOptions}
   */
  constructor(inputSize: number, hidden: readonly number[], outputSize: number, options?: MLPOptions) {
    const where = "MLP";
    const { seed, rest } = configOptions(where, options, ["mlp"], ["inputSize", "hidden", "outputSize"]);
    const c = parseConfig(
      where,
      modelConfigSchema,
      { type: "mlp", inputSize, hidden: Array.isArray(hidden) ? [...hidden] : hidden, outputSize, ...rest },
      "options",
    ) as MlpConfig;
    super(where, seed, () => new Mlp(c.inputSize, c.hidden, c.outputSize, c.activation ?? "relu"), c.dtype ?? "float64");
    this.config = c;
  }

  /**
   * @param input - `[B, F]` (or `[B, ...]` with F features per sample), finite
   * @returns output `[B, O]`
   */
  forward(input: TensorLike): { output: Tensor } {
    this.memory.check("forward");
    return { output: this.net.forward(asTensor(input, "MLP.forward", "input")) };
  }
}

/** Options of {@link Transformer}. */
export interface TransformerOptions extends ModelOptions {
  /** Model width d (default 32; a multiple of `heads`). */
  dModel?: number;
  /** Attention heads (default 4). */
  heads?: number;
  /** Encoder layers (default 2). */
  layers?: number;
  /** Feed-forward width (default 2·dModel). */
  ffSize?: number;
  /** Base of the positional frequencies ω_i = base^{−2i/d} (default 100). */
  positionBase?: number;
}

/**
 * A small Transformer encoder over a window, read out at its last step (nn/transformer.ts):
 * input `[B, L, I]`, optional elapsed times `[B, L]` (they set the continuous-time positional
 * encoding), output `[B, O]`.
 */
export class Transformer extends FeedForwardModel<TransformerNet> {
  readonly kind = "transformer" as const;
  readonly config: TransformerConfig;

  /**
   * @param inputSize - input features per step I
   * @param outputSize - outputs O
   * @param options - see {@link TransformerOptions}
   */
  constructor(inputSize: number, outputSize: number, options?: TransformerOptions) {
    const where = "Transformer";
    const { seed, rest } = configOptions(where, options, ["transformer"], ["inputSize", "outputSize"]);
    const c = parseConfig(
      where,
      modelConfigSchema,
      { type: "transformer", inputSize, outputSize, ...rest },
      "options",
    ) as TransformerConfig;
    const dModel = c.dModel ?? 32;
    super(
      where,
      seed,
      () =>
        new TransformerNet({
          inputSize: c.inputSize,
          outputSize: c.outputSize,
          dModel,
          heads: c.heads ?? 4,
          layers: c.layers ?? 2,
          ffSize: c.ffSize ?? 2 * dModel,
          positionBase: c.positionBase ?? 100,
        }),
    );
    this.config = c;
  }

  /**
   * @param input - `[B, L, I]`, finite
   * @param options.timespans - `[B, L]` elapsed time before each step (all ones if omitted)
   * @returns output `[B, O]`
   */
  forward(input: TensorLike, options: { timespans?: TensorLike | null } = {}): { output: Tensor } {
    const where = "Transformer.forward";
    this.memory.check("forward");
    const ts = options.timespans == null ? null : asTensor(options.timespans, where, "timespans");
    return { output: this.net.forward(asTensor(input, where, "input"), { timespans: ts }) };
  }
}

/** Any model: the recurrent classes, the MLP and the Transformer. `kind` tells them apart. */
export type Model = CfC | LTC | LSTM | GRU | MLP | Transformer;

/**
 * Build a model from its config (validated; one error line naming the field) and initialise its
 * weights from `seed`. The same model as the class constructors: `buildModel({ type: "cfc",
 * inputSize: 3, units: 8 }, { seed: 7 })` equals `new CfC(3, 8, { seed: 7 })` bit for bit.
 * @param config - a {@link ModelConfigInput}: `cfc`, `wired-cfc`, `ltc`, `lstm`, `gru` or `mlp`
 */
export function buildModel(config: ModelConfigInput, { seed = 0 }: { seed?: number } = {}): Model {
  const c = parseModelConfig(config);
  const where = "buildModel";
  checkSeedOption(where, seed);
  const { type: _type, inputSize, ...o } = c as ModelConfig & Record<string, unknown>;
  switch (c.type) {
    case "cfc": {
      const { units, ...rest } = o as Record<string, unknown>;
      return new CfC(inputSize, units as number, { ...stripNull(rest), seed });
    }
    case "wired-cfc":
    case "ltc": {
      const { wiring, ...rest } = o as Record<string, unknown>;
      const w = wiring as unknown as WiringSpec;
      return c.type === "ltc" ? new LTC(inputSize, w, { ...stripNull(rest), seed }) : new CfC(inputSize, w, { ...stripNull(rest), seed });
    }
    case "lstm":
    case "gru": {
      const { hiddenSize, ...rest } = o as Record<string, unknown>;
      return c.type === "lstm"
        ? new LSTM(inputSize, hiddenSize as number, { ...stripNull(rest), seed })
        : new GRU(inputSize, hiddenSize as number, { ...stripNull(rest), seed });
    }
    case "mlp":
      return new MLP(inputSize, c.hidden, c.outputSize, {
        ...(c.activation ? { activation: c.activation } : {}),
        ...(c.dtype ? { dtype: c.dtype } : {}),
        seed,
      });
    case "transformer": {
      const { outputSize, ...rest } = o as Record<string, unknown>;
      return new Transformer(inputSize, outputSize as number, { ...stripNull(rest), seed });
    }
  }
}

/** Drop undefined entries (zod output may carry them) so they do not reach strict option checks. */
function stripNull(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
