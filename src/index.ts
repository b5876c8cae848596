/**
 * liquidwave: liquid neural networks (LTC, CfC, Neural Circuit Policies) for wireless
 * communications. This root entry holds the models, wirings, training and tensors; it is
 * browser-safe (no `node:` module is reached from it). Other entries by concept:
 * `liquidwave/channel` (the channel simulator), `liquidwave/beamforming`,
 * `liquidwave/prediction`, `liquidwave/experiments`, and `liquidwave/node` (files: models,
 * datasets, reports).
 *
 * @example
 * ```js
 * import { CfC, AutoNCP, fit } from "liquidwave";
 * const model = new CfC(3, new AutoNCP(16, 2, { seed: 1 }), { seed: 7 });
 * const { output } = model.forward(x, { timespans: dt }); // x [B, L, 3], dt [B, L] → [B, L, 2]
 * fit(model, { inputs: x, targets: y, timespans: dt }, { epochs: 3, learningRate: 1e-2 });
 * ```
 * @packageDocumentation
 */
export { VERSION } from "./version.ts";
export { ready } from "./core/wasm/runtime.ts";
export { HeapArena, HeapFullError, heapStats, setHeapLimit } from "./core/wasm/alloc.ts";
export { LiquidwaveError } from "./core/errors.ts";

// Tensors and the seeded generator.
export { tensor, zeros, full, clone, reshape, fromNested, toNested, asTensor, isTensor, sizeOf, maxAbsDiff } from "./core/tensor.ts";
export type { Tensor, TensorLike, NestedNumbers } from "./core/tensor.ts";
export { complexTensor, complexZeros, complexClone } from "./core/complex.ts";
export type { ComplexTensor } from "./core/complex.ts";
export { Rng } from "./core/random.ts";

// Models.
export { CfC, LTC, LSTM, GRU, MLP, Transformer, RecurrentModel, buildModel, parseModelConfig, modelConfigSchema } from "./nn/models.ts";
export type {
  Model,
  ModelConfig,
  ModelConfigInput,
  SequenceModelConfig,
  MlpConfig,
  ModelOptions,
  SequenceOptions,
  CfCOptions,
  LTCOptions,
  GatedOptions,
  MLPOptions,
  TransformerConfig,
  TransformerOptions,
  ModelForwardOptions,
} from "./nn/models.ts";
export type { SequenceOutput } from "./nn/sequence.ts";
export type { WiringSpec } from "./nn/wiring-config.ts";
export { CFC_MODES, type CfCMode } from "./cells/cfc.ts";
export { LTC_MAPPINGS, type LtcMapping } from "./cells/ltc.ts";
export { ACTIVATIONS, type Activation } from "./cells/activations.ts";
export type { Param } from "./cells/param.ts";

// Saving as JSON, and ncps interoperability.
export { modelToJSON, modelFromJSON, MODEL_FORMAT } from "./nn/serialize.ts";
export type { ModelDocument } from "./nn/serialize.ts";
export type { NamedTensor } from "./nn/parameters.ts";
export { importNcpsModel } from "./nn/ncps-import.ts";
export { verifyNcpsDocument } from "./nn/ncps-verify.ts";
export type { CaseReport, RunReport, Comparison, VerifyOptions } from "./nn/ncps-verify.ts";

// Wirings.
export { Wiring, type NeuronType, type WiringMatricesConfig } from "./wirings/wiring.ts";
export { FullyConnected, type FullyConnectedOptions } from "./wirings/fully-connected.ts";
export { Random, type RandomOptions } from "./wirings/random.ts";
export { NCP, AutoNCP, type NcpArgs, type NcpOptions, type AutoNcpOptions } from "./wirings/ncp.ts";
export { LayeredWiring, type LayeredWiringConfig } from "./wirings/layered.ts";
export { wiringToConfig, wiringFromConfig, WIRING_CLASSES } from "./wirings/config.ts";
export type { WiringConfig, WiringClass, FullyConnectedConfig, RandomConfig, NcpConfig, AutoNcpConfig } from "./wirings/config.ts";
export { wiringToDot } from "./wirings/export-dot.ts";
export { wiringToSvg, type SvgOptions } from "./wirings/export-svg.ts";

// Training.
export { fit, predict, evaluate, toDataset } from "./training/fit.ts";
export type { Dataset, DatasetLike, FitOptions, FitResult, EpochLog } from "./training/fit.ts";
export { adam } from "./training/adam.ts";
export type { Adam, AdamOptions, AdamState, OwnedAdamState } from "./training/adam.ts";
export { mseLoss } from "./training/loss.ts";
export { clipGradNorm } from "./training/clip.ts";
