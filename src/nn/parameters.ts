/**
 * Parameters by name: the exchange format of saved models and ncps exports.
 * Each entry is `{ name, shape, data }` with data row-major.
 */
import { fail, formatShape } from "../core/errors.ts";
import type { Param } from "../cells/param.ts";
import { asObject, asString, asTensor, describe } from "./ncps-format.ts";

export interface NamedTensor {
  name: string;
  shape: number[];
  requires_grad: boolean;
  data: number[];
}

/** Parameters as plain JSON entries (in model order). */
export function dumpNamedParameters(params: readonly Param[]): NamedTensor[] {
  return params.map((p) => ({ name: p.name, shape: [...p.shape], requires_grad: p.trainable, data: Array.from(p.value) }));
}

/**
 * Copy parameters given by name into `params`. Every parameter must be present with the right
 * shape and finite values, no unknown name may appear, and fixed (non-trainable) parameters —
 * wiring masks — must equal the model's own.
 */
export function loadNamedParameters(params: readonly Param[], entries: unknown, where: string): void {
  if (!Array.isArray(entries)) fail(where, `parameters must be a list, got ${describe(entries)}`);
  const byName = new Map(params.map((p) => [p.name, p]));
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const e = asObject(entry, where, `parameters[${i}]`);
    const name = asString(e["name"], where, `parameters[${i}].name`);
    const p = byName.get(name);
    if (!p) fail(where, `unknown parameter '${name}' (model has ${[...byName.keys()].join(", ")})`);
    if (seen.has(name)) fail(where, `parameter '${name}' appears twice`);
    seen.add(name);
    const t = asTensor(e, where, `parameter '${name}'`);
    if (t.shape.length !== p.shape.length || t.shape.some((d, k) => d !== p.shape[k])) {
      fail(where, `parameter '${name}' has shape ${formatShape(t.shape)}, model expects ${formatShape(p.shape)}`);
    }
    for (let k = 0; k < t.data.length; k++) {
      if (!Number.isFinite(t.data[k]!)) fail(where, `parameter '${name}' contains ${t.data[k]} at flat index ${k}`);
    }
    if (!p.trainable) {
      for (let k = 0; k < t.data.length; k++) {
        if (t.data[k] !== p.value[k])
          fail(where, `fixed parameter '${name}' differs from the wiring at flat index ${k}: file ${t.data[k]}, wiring ${p.value[k]}`);
      }
    } else p.value.set(t.data);
  });
  const missing = [...byName.keys()].filter((n) => !seen.has(n));
  if (missing.length > 0) fail(where, `missing parameters: ${missing.join(", ")}`);
}
