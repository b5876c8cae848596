/**
 * The study file: a task, its base options and a grid of values to sweep (YAML or JSON).
 *
 * ```yaml
 * task: beamform
 * base: { preset: o1-28ghz, antennas: 16, users: 2, userAntennas: 2, samples: 40, algorithms: [zf, wmmse], cee: -10 }
 * grid: { seed: [1, 2, 3, 4], powerDbm: [0, 10] }
 * ```
 *
 * Option names are the library's (the CLI flags in camelCase). A grid key may be a dotted path
 * into a nested option (e.g. `channel.speed` for `predict`).
 */
import { z } from "zod";
import { fail } from "../core/errors.ts";
import { readJsonOrYamlFile } from "../core/fs.ts";
import { parseConfig } from "../core/validate.ts";

export const STUDY_TASKS = ["predict", "beamform", "experiment"] as const;
export type StudyTask = (typeof STUDY_TASKS)[number];

/** A JSON value a grid may take (scalars, lists and objects of them). */
const gridValue = z.json();

export const studySchema = z
  .object({
    /** Optional name, shown in the report. */
    name: z.string().min(1).optional(),
    task: z.enum(STUDY_TASKS),
    /** Which experiment, with `task: experiment` (e.g. `power-sweep`). */
    experiment: z.string().min(1).optional(),
    /** Options shared by every cell. */
    base: z.record(z.string(), z.json()).default({}),
    /** Values to sweep: every combination is one cell (one run of the task). */
    grid: z.record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, "expected an option name or a dotted path"),
      z.array(gridValue).min(1, "expected a non-empty list of values"),
    ),
  })
  .strict();

export type Study = z.output<typeof studySchema>;

/** Validate a parsed study document; every error is one line naming the field. */
export function parseStudy(doc: unknown, where = "study"): Study {
  const s = parseConfig(where, studySchema, doc, "study");
  if (s.task === "experiment" && s.experiment === undefined)
    fail(where, "study.experiment: task 'experiment' needs the experiment's name, e.g. experiment: power-sweep");
  if (s.task !== "experiment" && s.experiment !== undefined)
    fail(where, `study.experiment: only for task 'experiment', got task '${s.task}'`);
  if (Object.keys(s.grid).length === 0) fail(where, "study.grid: expected at least one key, got {}");
  for (const [key, values] of Object.entries(s.grid)) {
    const top = key.split(".")[0]!;
    if (key in s.base || (top !== key && top in s.base && typeof s.base[top] !== "object"))
      fail(where, `study.grid.${key}: also set in study.base; give it in one place`);
    const seen = new Set<string>();
    for (const v of values) {
      const k = canonicalJson(v);
      if (seen.has(k)) fail(where, `study.grid.${key}: the value ${k} is listed twice`);
      seen.add(k);
    }
    if (key === "seed" && values.some((v) => typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)) {
      fail(where, `study.grid.seed: expected non-negative integers, got ${JSON.stringify(values)}`);
    }
  }
  if (
    s.base["seed"] !== undefined &&
    (typeof s.base["seed"] !== "number" || !Number.isSafeInteger(s.base["seed"]) || (s.base["seed"] as number) < 0)
  ) {
    fail(where, `study.base.seed: expected a non-negative integer, got ${JSON.stringify(s.base["seed"])}`);
  }
  return s;
}

/** Read and validate a study file (.yaml/.yml or .json). */
export function readStudyFile(path: string): Study {
  const where = `study ${path}`;
  return parseStudy(readJsonOrYamlFile(path, where), where);
}

/** JSON with object keys sorted at every level: equal values give equal strings. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
