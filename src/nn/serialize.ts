/**
 * Models as JSON: a versioned document (`liquidwave-model/1`) holding the model config (including
 * its wiring), every parameter by name, and free-form metadata. Reading validates the format, the
 * config, every parameter name, shape and value, and the wiring masks. A document round-trips a
 * model bit for bit (`JSON.stringify` prints the shortest decimal that reads back as the same
 * float64). Paths and files: `liquidwave/node` (`saveModel`, `loadModel`).
 */
import { fail } from "../core/errors.ts";
import { asObject, describe } from "./ncps-format.ts";
import { buildModel, parseModelConfig, type Model } from "./models.ts";
import { checkModelBudget } from "./model-budget.ts";
import { dumpNamedParameters, loadNamedParameters, type NamedTensor } from "./parameters.ts";

export const MODEL_FORMAT = "liquidwave-model/1";

/** A model as plain JSON data. */
export interface ModelDocument {
  format: typeof MODEL_FORMAT;
  config: Model["config"];
  parameters: NamedTensor[];
  meta: Record<string, unknown>;
}

/**
 * The model as a JSON-able document (a snapshot: later training does not change it).
 * @param meta - free-form metadata stored with it (e.g. what it was trained on)
 */
export function modelToJSON(model: Model, meta: Record<string, unknown> = {}): ModelDocument {
  return { format: MODEL_FORMAT, config: model.config, parameters: dumpNamedParameters(model.net.params), meta };
}

/**
 * Rebuild a model from a document (validated: one error line naming the field or parameter).
 * @param doc - a {@link ModelDocument}, e.g. `JSON.parse` of a saved model
 */
export function modelFromJSON(doc: unknown, where = "modelFromJSON"): Model {
  const d = asObject(doc, where, "model document");
  if (d["format"] !== MODEL_FORMAT) fail(where, `format must be '${MODEL_FORMAT}', got ${describe(d["format"])}`);
  const config = parseModelConfig(d["config"], where);
  checkModelBudget(config, where);
  const model = buildModel(config);
  loadNamedParameters(model.net.params, d["parameters"], where);
  return model;
}
