/**
 * Reading the `ncps-golden/1` document (docs/formats.md §4.1): an ncps model's class, constructor,
 * effective config, wiring matrices, parameters by state-dict name, and reference runs. Nested
 * values may be JSON or Python-literal strings (as the reference generator writes them).
 */
import { fail } from "../core/errors.ts";
import { maybePythonLiteral } from "../core/python-literal.ts";
import { fromNested, sizeOf, type Tensor } from "../core/tensor.ts";

export type Json = Record<string, unknown>;

/** `value` as an object (parsing a Python-literal string if needed), or an error naming `what`. */
export function asObject(value: unknown, where: string, what: string): Json {
  const v = maybePythonLiteral(value, where);
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail(where, `${what} must be an object, got ${describe(v)}`);
  return v as Json;
}

/** An optional field as an object, or null. */
export function asObjectOrNull(value: unknown, where: string, what: string): Json | null {
  const v = maybePythonLiteral(value, where);
  return v === null || v === undefined || v === "None" ? null : asObject(v, where, what);
}

export function asNumber(value: unknown, where: string, what: string): number {
  const v = maybePythonLiteral(value, where);
  if (typeof v !== "number" || !Number.isFinite(v)) fail(where, `${what} must be a finite number, got ${describe(v)}`);
  return v;
}

export function asString(value: unknown, where: string, what: string): string {
  if (typeof value !== "string") fail(where, `${what} must be a string, got ${describe(value)}`);
  return value;
}

export function asBool(value: unknown, where: string, what: string): boolean {
  const v = maybePythonLiteral(value, where);
  if (typeof v !== "boolean") fail(where, `${what} must be a boolean, got ${describe(v)}`);
  return v;
}

/** A `{shape, data}` tensor (data row-major, or nested lists) as a float64 Tensor, validated. */
export function asTensor(value: unknown, where: string, what: string): Tensor {
  const o = asObject(value, where, what);
  const shape = maybePythonLiteral(o["shape"], where);
  const data = maybePythonLiteral(o["data"], where);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fail(where, `${what}.shape must be a list of non-negative integers, got ${describe(shape)}`);
  }
  if (!Array.isArray(data)) fail(where, `${what}.data must be a list, got ${describe(data)}`);
  const flat = data.length > 0 && Array.isArray(data[0]) ? fromNested(data, where).data : data;
  const n = sizeOf(shape as number[]);
  if (flat.length !== n) fail(where, `${what} has ${flat.length} values for shape [${(shape as number[]).join(", ")}] (${n})`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = flat[i];
    if (typeof v !== "number") fail(where, `${what}.data[${i}] is not a number: ${describe(v)}`);
    out[i] = v;
  }
  return { shape: shape as number[], data: out };
}

export function describe(v: unknown): string {
  const s = typeof v === "string" ? `'${v}'` : JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + "..." : s;
}
