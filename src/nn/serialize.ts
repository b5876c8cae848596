/**
 * Save and load models: a versioned JSON document (`liquidwave-model/1`) holding the model config
 * (including its wiring), every parameter by name, and free-form metadata. Loading validates the
 * format, the config, every parameter name, shape and value, and the wiring masks.
 */
import { fail } from "../core/errors.ts";
import { readJsonOrYamlFile as readJsonFile, writeFileAtomic } from "../core/fs.ts";
import { asObject, describe } from "./ncps-format.ts";
import { buildModel, parseModelConfig, type Model } from "./models.ts";
import { dumpNamedParameters, loadNamedParameters, type NamedTensor } from "./parameters.ts";

export const MODEL_FORMAT = "liquidwave-model/1";

export interface ModelDocument {
  format: typeof MODEL_FORMAT;
  config: Model["config"];
  parameters: NamedTensor[];
  meta: Record<string, unknown>;
}

/** The model as a JSON-able document. */
export function modelToDocument(model: Model, meta: Record<string, unknown> = {}): ModelDocument {
  return { format: MODEL_FORMAT, config: model.config, parameters: dumpNamedParameters(model.net.params), meta };
}

/** Rebuild a model from a document (validated). */
export function modelFromDocument(docIn: unknown, where = "loadModel"): Model {
  const doc = asObject(docIn, where, "model document");
  if (doc["format"] !== MODEL_FORMAT) fail(where, `format must be '${MODEL_FORMAT}', got ${describe(doc["format"])}`);
  const model = buildModel(parseModelConfig(doc["config"], where));
  loadNamedParameters(model.net.params, doc["parameters"], where);
  return model;
}

/** Write a model file atomically. */
export function saveModel(path: string, model: Model, meta: Record<string, unknown> = {}): void {
  writeFileAtomic(path, JSON.stringify(modelToDocument(model, meta)));
}

/** Read a model file. */
export function loadModel(path: string): Model {
  const where = "loadModel";
  const doc = readJsonFile(path, where);
  return modelFromDocument(doc, where);
}
