/**
 * Model files: {@link saveModel} writes a `liquidwave-model/1` JSON document atomically (a
 * temporary file renamed over the target), {@link loadModel} reads and validates one.
 */
import { readJsonOrYamlFile, writeFileAtomic } from "../core/fs.ts";
import type { Model } from "../nn/models.ts";
import { modelFromJSON, modelToJSON } from "../nn/serialize.ts";

/**
 * Write a model file atomically (the previous file survives a crash mid-write).
 * @param path - destination, e.g. `model.json`
 * @param meta - free-form metadata stored with the model
 */
export function saveModel(path: string, model: Model, meta: Record<string, unknown> = {}): void {
  writeFileAtomic(path, JSON.stringify(modelToJSON(model, meta)));
}

/** Read and validate a model file (one error line naming the file problem or the bad field). */
export function loadModel(path: string): Model {
  const where = "loadModel";
  return modelFromJSON(readJsonOrYamlFile(path, where), where);
}
