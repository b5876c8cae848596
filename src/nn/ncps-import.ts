/**
 * Build a liquidwave model from an ncps model exported in the `ncps-golden/1`
 * format (docs/formats.md §4.1): class and constructor, effective config, the wiring matrices the
 * model used, and the parameters by PyTorch state-dict name. Every parameter name and shape is
 * checked; fixed masks must agree with the wiring.
 */
import type { DType } from "../core/dtype.ts";
import { fail, formatShape } from "../core/errors.ts";
import { maybePythonLiteral } from "../core/python-literal.ts";
import { CFC_MODES, type CfCMode } from "../cells/cfc.ts";
import { ACTIVATIONS, type Activation } from "../cells/activations.ts";
import type { LtcMapping } from "../cells/ltc.ts";
import { asBool, asNumber, asObject, asObjectOrNull, asString, asTensor, describe, type Json } from "./ncps-format.ts";
import { buildModel, type Model, type SequenceModelConfig } from "./models.ts";
import { loadNamedParameters } from "./parameters.ts";

/** The wiring as stored in the document: matrices plus layer structure. */
export interface NcpsWiringData {
  className: string;
  units: number;
  inputDim: number;
  outputDim: number;
  adjacency: Int8Array;
  sensoryAdjacency: Int8Array;
  layers: number[][];
  raw: Json;
}

/** ncps's names for its backbone activation modules. */
const ACTIVATION_MODULES: Record<string, Activation> = { LeCun: "lecun_tanh", Tanh: "tanh", ReLU: "relu", GELU: "gelu", SiLU: "silu" };

function int8(t: { data: Float64Array }, where: string, what: string): Int8Array {
  const out = new Int8Array(t.data.length);
  t.data.forEach((v, i) => {
    if (v !== -1 && v !== 0 && v !== 1) fail(where, `${what}[${i}] must be -1, 0 or 1, got ${v}`);
    out[i] = v;
  });
  return out;
}

/** Read the document's wiring object (matrices, layers), or null. */
export function readNcpsWiring(doc: Json, where: string): NcpsWiringData | null {
  const w = asObjectOrNull(doc["wiring"], where, "wiring");
  if (!w) return null;
  const units = asNumber(w["units"], where, "wiring.units");
  const adjT = asTensor(w["adjacency_matrix"], where, "wiring.adjacency_matrix");
  const sT = asTensor(w["sensory_adjacency_matrix"], where, "wiring.sensory_adjacency_matrix");
  if (adjT.shape.length !== 2 || adjT.shape[0] !== units || adjT.shape[1] !== units) {
    fail(where, `wiring.adjacency_matrix has shape ${formatShape(adjT.shape)}, expected [${units}, ${units}]`);
  }
  if (sT.shape.length !== 2 || sT.shape[1] !== units)
    fail(where, `wiring.sensory_adjacency_matrix has shape ${formatShape(sT.shape)}, expected [I, ${units}]`);
  const layersRaw = maybePythonLiteral(w["layers"], where);
  const layers: number[][] = Array.isArray(layersRaw) ? (layersRaw as number[][]) : [Array.from({ length: units }, (_, i) => i)];
  if (!layers.every((l) => Array.isArray(l) && l.every((i) => Number.isInteger(i))))
    fail(where, `wiring.layers must be lists of neuron ids, got ${describe(layersRaw)}`);
  return {
    className: asString(w["class"], where, "wiring.class"),
    units,
    inputDim: sT.shape[0]!,
    outputDim: asNumber(w["output_dim"], where, "wiring.output_dim"),
    adjacency: int8(adjT, where, "wiring.adjacency_matrix"),
    sensoryAdjacency: int8(sT, where, "wiring.sensory_adjacency_matrix"),
    layers,
    raw: w,
  };
}

function ctorValue(ctor: Json, key: string): unknown {
  return maybePythonLiteral(ctor[key]);
}

/**
 * The liquidwave model config equivalent to an ncps model described by an `ncps-golden/1`
 * document (its wiring carried as explicit matrices and layers).
 */
export function ncpsModelConfig(docIn: unknown, where = "importNcpsModel"): SequenceModelConfig {
  const doc = asObject(docIn, where, "document");
  if (doc["format"] !== "ncps-golden/1") fail(where, `format must be 'ncps-golden/1', got ${describe(doc["format"])}`);
  const model = asObject(doc["model"], where, "model");
  const config = asObject(doc["config"], where, "config");
  const ctor = asObject(model["ctor"], where, "model.ctor");
  const cls = asString(model["class"], where, "model.class");
  const inputSize = asNumber(ctor["input_size"], where, "model.ctor.input_size");
  const mixedMemory = asBool(model["mixed_memory"] ?? config["mixed_memory"] ?? false, where, "model.mixed_memory");
  if (model["batch_first"] !== undefined && model["batch_first"] !== true) fail(where, "only batch_first = true models are supported");
  const returnSequences =
    model["return_sequences"] === undefined ? true : asBool(model["return_sequences"], where, "model.return_sequences");
  const wiring = readNcpsWiring(doc, where);
  const wiringConfig = () => {
    if (!wiring) fail(where, `a ${cls} document with a wiring needs its wiring matrices`);
    if (wiring.inputDim !== inputSize) fail(where, `wiring input dim ${wiring.inputDim} differs from input_size ${inputSize}`);
    return {
      class: "LayeredWiring",
      units: wiring.units,
      outputDim: wiring.outputDim,
      inputDim: wiring.inputDim,
      adjacency: Array.from(wiring.adjacency),
      sensoryAdjacency: Array.from(wiring.sensoryAdjacency),
      layers: wiring.layers,
    };
  };
  const projRaw = maybePythonLiteral(config["proj_size"] ?? ctorValue(ctor, "proj_size") ?? null);
  const projSize = projRaw === null || projRaw === undefined ? null : asNumber(projRaw, where, "config.proj_size");

  if (cls === "LTC") {
    // ncps applies the mapping only for "affine"/"linear"; any other value (None, "identity", a
    // typo) silently means identity (docs/cells.md §2.4). The parameter-name check then confirms
    // the document agrees (no input_w/output_w present).
    const mapping = (key: string): LtcMapping => {
      const v = key in config ? maybePythonLiteral(config[key]) : key in ctor ? ctorValue(ctor, key) : "affine";
      if (v === "affine" || v === "linear") return v;
      if (v !== null && v !== undefined && typeof v !== "string") fail(where, `config.${key} must be a string or None, got ${describe(v)}`);
      return "none";
    };
    return {
      type: "ltc",
      inputSize,
      returnSequences,
      mixedMemory,
      wiring: wiringConfig(),
      inputMapping: mapping("input_mapping"),
      outputMapping: mapping("output_mapping"),
      odeUnfolds: asNumber(config["ode_unfolds"] ?? 6, where, "config.ode_unfolds"),
      epsilon: asNumber(config["epsilon"] ?? 1e-8, where, "config.epsilon"),
      implicitParamConstraints: asBool(config["implicit_param_constraints"] ?? true, where, "config.implicit_param_constraints"),
    };
  }
  if (cls !== "CfC") fail(where, `model.class must be 'LTC' or 'CfC', got ${describe(cls)}`);
  const mode = (config["mode"] ?? ctorValue(ctor, "mode") ?? "default") as string;
  if (!(CFC_MODES as readonly string[]).includes(mode))
    fail(where, `unknown CfC mode ${describe(mode)}, valid options are ${CFC_MODES.join(", ")}`);
  const wired = config["wired"] === undefined ? wiring !== null : asBool(config["wired"], where, "config.wired");
  if (wired) {
    return { type: "wired-cfc", inputSize, returnSequences, mixedMemory, projSize, mode: mode as CfCMode, wiring: wiringConfig() };
  }
  const actModule = config["backbone_activation_module"];
  let activation: string = (ctorValue(ctor, "activation") as string | undefined) ?? "lecun_tanh";
  if (typeof actModule === "string") {
    const a = ACTIVATION_MODULES[actModule];
    if (!a) fail(where, `unknown backbone activation module ${describe(actModule)}`);
    activation = a;
  }
  if (!(ACTIVATIONS as readonly string[]).includes(activation))
    fail(where, `unknown activation ${describe(activation)}, valid options are ${ACTIVATIONS.join(", ")}`);
  return {
    type: "cfc",
    inputSize,
    returnSequences,
    mixedMemory,
    projSize,
    mode: mode as CfCMode,
    activation: activation as Activation,
    units: asNumber(ctorValue(ctor, "units"), where, "model.ctor.units"),
    backboneUnits: asNumber(config["backbone_units"] ?? ctorValue(ctor, "backbone_units") ?? 128, where, "config.backbone_units"),
    backboneLayers: asNumber(config["backbone_layers"] ?? ctorValue(ctor, "backbone_layers") ?? 1, where, "config.backbone_layers"),
    backboneDropout: asNumber(ctorValue(ctor, "backbone_dropout") ?? config["backbone_dropout"] ?? 0, where, "model.ctor.backbone_dropout"),
  };
}

/**
 * Build the model described by an `ncps-golden/1` document and load its parameters by name.
 * @param dtype - number format of the built model; `"float32"` rounds the document's parameters
 *   to float32 (as loading a float64 state dict into a float32 ncps model does)
 */
export function importNcpsModel(docIn: unknown, where = "importNcpsModel", dtype: DType = "float64"): Model {
  const doc = asObject(docIn, where, "document");
  const config = ncpsModelConfig(doc, where);
  const model = buildModel(dtype === "float64" ? config : { ...config, dtype });
  loadNamedParameters(model.net.params, doc["parameters"], where);
  return model;
}
