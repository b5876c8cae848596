/**
 * Errors that users see. Every message names the function (or command) that raised it and the
 * offending value, in one line, so that a CLI can print it as is and exit 1.
 */

/** An error caused by bad input (shapes, values, files, options); never a bug in liquidwave. */
export class LiquidwaveError extends Error {
  /** The function or command that rejected the input, e.g. `"cfc.forward"`. */
  readonly where: string;
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = "LiquidwaveError";
    this.where = where;
  }
}

/** Throw a {@link LiquidwaveError}; typed `never` so it can end an expression. */
export function fail(where: string, message: string): never {
  throw new LiquidwaveError(where, message);
}

/** Render a shape as `[2, 3, 4]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Check that `actual` matches `expected`, where `null` in `expected` accepts any extent.
 * @throws LiquidwaveError naming `where`, `name`, the expected and the actual shape.
 */
export function checkShape(where: string, name: string, actual: readonly number[], expected: readonly (number | null)[]): void {
  const ok = actual.length === expected.length && expected.every((e, i) => e === null || e === actual[i]);
  if (!ok) {
    const want = `[${expected.map((e) => (e === null ? "*" : String(e))).join(", ")}]`;
    fail(where, `${name} has shape ${formatShape(actual)}, expected ${want}`);
  }
}

/**
 * Check that every entry of `data` is finite.
 * @throws LiquidwaveError naming the first non-finite value and its flat index.
 */
export function checkFinite(where: string, name: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) fail(where, `${name} contains ${v} at flat index ${i}`);
  }
}

/** Check that `value` is one of `allowed` and narrow its type. */
export function checkOneOf<T extends string>(where: string, name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    fail(where, `unknown ${name} '${value}', valid options are ${allowed.map((a) => `'${a}'`).join(", ")}`);
  }
  return value as T;
}

/** Check that `value` is an integer in [min, max]. */
export function checkInt(where: string, name: string, value: number, min = -Infinity, max = Infinity): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    fail(where, `${name} must be an integer ${range}, got ${value}`);
  }
  return value;
}

/** Check that `value` is a finite number in [min, max] (inclusive unless stated). */
export function checkNumber(where: string, name: string, value: number, min = -Infinity, max = Infinity): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    fail(where, `${name} must be a finite number in [${min}, ${max}], got ${value}`);
  }
  return value;
}
