/** Small argument checks shared by the wiring constructors (one-line errors naming the value). */
import { fail } from "../core/errors.ts";

/** A seed: integer in [0, max]. */
export function checkSeed(where: string, name: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    const range = max === 0xffffffff ? "[0, 2^32 - 1]" : `[0, ${max}]`;
    fail(where, `${name} must be an integer in ${range}, got ${String(value)}`);
  }
  return value;
}

/** An integer count in [min, max]. */
export function checkCount(where: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER, why = ""): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    fail(where, `${name} must be an integer ${range}${why}, got ${String(value)}`);
  }
  return value;
}

/** numpy's `round` for one float: round half to even. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * An options object of a public constructor: undefined → `{}`; anything but a plain object, or an
 * unknown key, is a one-line error naming the key and the valid ones (typos fail loudly in JS).
 */
export function checkOptions<T extends object>(where: string, value: unknown, allowed: readonly (keyof T & string)[]): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(where, `options must be an object, got ${String(value)}`);
  for (const key of Object.keys(value)) {
    if (!(allowed as readonly string[]).includes(key)) fail(where, `unknown option '${key}' (valid options: ${allowed.join(", ")})`);
  }
  return value as Partial<T>;
}
