/** Validation of plain-data configs with zod schemas, reported as one LiquidwaveError line. */
import { z } from "zod";
import { fail } from "./errors.ts";

/** How {@link parseConfig} names the offending field. */
export interface ParseConfigNaming {
  /**
   * Name of the root value in messages (default `"config"`): paths read `config.umi.bounce`,
   * array elements `config.mobility.start[0]`.
   */
  readonly root?: string;
  /**
   * Name a field by its path instead, e.g. the CLI's `(path) => "--" + kebab(path[0])`; the
   * message then follows after a space (`--dt must be > 0 ...`) instead of after `path: `.
   */
  readonly field?: (path: readonly PropertyKey[]) => string;
}

/**
 * A value as messages show it: JSON, except non-finite numbers (`NaN`, `Infinity`), and
 * shortened to 60 characters.
 */
export function showValue(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = undefined;
  }
  if (s === undefined) {
    try {
      s = String(v);
    } catch {
      s = Object.prototype.toString.call(v); // an object without a prototype, holding a BigInt
    }
  }
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}

/** `config.a.b[0]` from a zod issue path. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let s = root;
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s === "" ? String(p) : `.${String(p)}`;
  return s;
}

/**
 * Parse `value` with `schema`; on failure throw one line naming each offending path and value,
 * e.g. `buildModel: config.units: expected a positive integer, got -3`.
 *
 * Messages that already say what they got (they contain `got` or the value) are kept as they
 * are; others get `, got <value>` appended. An unknown key is named by its own path (`config.colour: unknown key`).
 * At most three problems are listed, joined by `; `.
 * @param where - the function (or command) named at the start of the message
 * @param naming - the root name (string, default `"config"`) or a {@link ParseConfigNaming}
 * @throws LiquidwaveError (one line) when `value` does not satisfy `schema`
 * @returns the schema's output (defaults filled in, transforms applied)
 */
export function parseConfig<S extends z.ZodType>(
  where: string,
  schema: S,
  value: unknown,
  naming: string | ParseConfigNaming = "config",
): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const nm: ParseConfigNaming = typeof naming === "string" ? { root: naming } : naming;
  const parts = r.error.issues.slice(0, 3).map((iss) => {
    let path: PropertyKey[] = [...iss.path];
    if (iss.code === "unrecognized_keys") path = [...path, iss.keys.join(", ")];
    let got = "";
    if (iss.code !== "unrecognized_keys" && "input" in iss && iss.input !== undefined) {
      const shown = showValue(iss.input);
      const quoted = typeof iss.input === "string" ? `'${iss.input}'` : shown;
      if (!/\bgot\b/.test(iss.message) && !iss.message.includes(shown) && !iss.message.includes(quoted)) got = `, got ${shown}`;
    }
    const message = `${iss.message}${got}`.replace(/\s*\n\s*/g, " ");
    if (nm.field && path.length > 0) return `${nm.field(path)} ${message}`;
    return `${formatPath(nm.root ?? "config", path)}: ${message}`;
  });
  fail(where, parts.join("; "));
}

/** Options of {@link rangedNumber}. */
export interface RangeOptions {
  /** Reject non-integers. */
  readonly integer?: boolean;
  /** The lower limit itself is excluded (`> min`). */
  readonly exclusiveMin?: boolean;
}

/**
 * A zod schema for a finite number in [min, max] (or (min, max] with `exclusiveMin`), whose
 * messages name the value and the limit: `must be > 0 and <= 3600, got 7200`,
 * `expected an integer, got 2.5`, `expected a finite number, got NaN`.
 */
export function rangedNumber(min = -Infinity, max = Infinity, { integer = false, exclusiveMin = false }: RangeOptions = {}) {
  const range = `must be ${exclusiveMin ? "> " + min : ">= " + min}${max === Infinity ? "" : ` and <= ${max}`}`;
  return z.number({ error: (iss) => `expected a finite number, got ${showValue(iss.input)}` }).check((ctx) => {
    const v = ctx.value;
    if (integer && !Number.isInteger(v)) ctx.issues.push({ code: "custom", message: `expected an integer, got ${showValue(v)}`, input: v });
    else if (v < min || v > max || (exclusiveMin && v === min))
      ctx.issues.push({ code: "custom", message: `${range}, got ${v}`, input: v });
  });
}

/**
 * A zod enum whose message lists the valid options:
 * `unknown value "triple", valid options are 'single', 'double'` (or `missing; valid options are ...`).
 */
export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  const valid = values.map((a) => `'${a}'`).join(", ");
  return z.enum(values, {
    error: (iss) =>
      iss.input === undefined ? `missing; valid options are ${valid}` : `unknown value ${showValue(iss.input)}, valid options are ${valid}`,
  });
}

/** A zod boolean whose message names the value (`expected true or false, got "no"`). */
export function flag() {
  return z.boolean({ error: (iss) => `expected true or false, got ${showValue(iss.input)}` });
}

/**
 * A strict zod object whose fields are all optional (except `required`): unknown keys are named
 * (`config.umi.colour: unknown key (valid keys: ...)`), a non-object says what it got.
 */
export function strictBlock<S extends Record<string, z.ZodType>, R extends keyof S = never>(shape: S, required: readonly R[] = []) {
  const keys = Object.keys(shape).join(", ");
  const fields = Object.fromEntries(
    Object.entries(shape).map(([k, v]) => [k, (required as readonly string[]).includes(k) ? v : v.optional()]),
  );
  return z.strictObject(fields as { [K in keyof S]: K extends R ? S[K] : z.ZodOptional<S[K]> }, {
    error: (iss) =>
      iss.code === "unrecognized_keys" ? `unknown key (valid keys: ${keys})` : `expected an object, got ${showValue(iss.input)}`,
  });
}
