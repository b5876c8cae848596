/** Validation of plain-data configs with zod schemas, reported as one LiquidwaveError line. */
import type { z } from "zod";
import { fail } from "./errors.ts";

/**
 * Parse `value` with `schema`; on failure throw one line naming each offending path, e.g.
 * `buildModel: config.units: expected a positive integer, got -3`.
 */
export function parseConfig<S extends z.ZodType>(where: string, schema: S, value: unknown, root = "config"): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const parts = r.error.issues.slice(0, 3).map((iss) => {
    const path = [root, ...iss.path.map(String)].join(".");
    let got = "";
    if ("input" in iss && iss.input !== undefined) {
      const s = JSON.stringify(iss.input);
      got = `, got ${s && s.length > 40 ? s.slice(0, 37) + "..." : s}`;
    }
    return `${path}: ${iss.message}${got}`;
  });
  fail(where, parts.join("; "));
}
