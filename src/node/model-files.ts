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
  writeFileAtomic(path, encodeModel(model, meta));
}

/**
 * The text of a model file (`liquidwave-model/1` JSON, one line), as {@link saveModel} writes it.
 * @param meta - free-form metadata stored with the model
 */
export function encodeModel(model: Model, meta: Record<string, unknown> = {}): string {
  return JSON.stringify(modelToJSON(model, meta));
}

/**
 * Read and validate a model file. Every error is one line that starts with the file's path:
 * `<path>: cannot read the model file (no such file or directory)`, `<path>: not valid JSON (...)`,
 * `<path>: format must be 'liquidwave-model/1', ...`, `<path>: parameter 'w' ...`.
 * @param path - a `liquidwave-model/1` JSON (or YAML) file
 */
export function loadModel(path: string): Model {
  return modelFromJSON(readJsonOrYamlFile(path, path, "the model file"), path);
}
