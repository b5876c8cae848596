/**
 * The summary of a study folder: cells grouped by every grid key except `seed`, and each numeric
 * metric of the results reported as mean, standard deviation, n and a 95 % Student-t confidence
 * interval over the group's cells (its seeds).
 *
 * Metrics are the numbers of a cell's result document, named by their path: objects by key,
 * arrays of objects with a `name` by that name (`algorithms[zf].seMean`), short numeric arrays by
 * index (`models[cfc].nmseDb[0]`), tables (the experiments') by row name and column label
 * (`table[wmmse].SE all`). Left out: timing fields and timing columns (see timing.ts), the `config`
 * the task echoes back (inputs, not outcomes), x coordinates, and per-sample lists.
 */
import { fail } from "../core/errors.ts";
import { readManifest } from "./dir.ts";
import { expandGrid } from "./grid.ts";
import { lineKey, readResults } from "./results.ts";
import { canonicalJson, type Study } from "./schema.ts";
import { describe, type MetricStats } from "./stats.ts";
import { isTable, isTimingKey, isTimingLabel } from "./timing.ts";

/** Subtrees that are not metrics. */
const NOT_METRICS = new Set(["config", "notes", "x", "perSample", "raw"]);
/** Longer numeric arrays are per-sample data, not metrics. */
const MAX_ARRAY_METRIC = 16;

/** The numeric metrics of a result document, by path. */
export function flattenMetrics(doc: unknown): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (v: unknown, path: string): void => {
    if (typeof v === "number") {
      if (Number.isFinite(v)) out.set(path, v);
      return;
    }
    if (isTable(v)) {
      for (const row of v.rows) {
        if (typeof row[0] !== "string") continue;
        row.forEach((c, j) => {
          if (j > 0 && typeof c === "number" && !isTimingLabel(v.header[j] ?? "")) walk(c, `${path}[${row[0]}].${v.header[j]}`);
        });
      }
      return;
    }
    if (Array.isArray(v)) {
      const named = v.every((e) => e !== null && typeof e === "object" && typeof (e as { name?: unknown }).name === "string");
      if (named && new Set(v.map((e) => (e as { name: string }).name)).size === v.length) {
        for (const e of v) walk(e, `${path}[${(e as { name: string }).name}]`);
      } else if (v.every((e) => typeof e === "number")) {
        if (v.length <= MAX_ARRAY_METRIC) v.forEach((e, i) => walk(e, `${path}[${i}]`));
      } else v.forEach((e, i) => walk(e, `${path}[${i}]`));
      return;
    }
    if (v !== null && typeof v === "object") {
      for (const [k, e] of Object.entries(v)) {
        if (NOT_METRICS.has(k) || isTimingKey(k)) continue;
        walk(e, path ? `${path}.${k}` : k);
      }
    }
  };
  walk(doc, "");
  return out;
}

export interface SummaryGroup {
  /** The grid values the group shares (every grid key but seed). */
  readonly cell: Record<string, unknown>;
  /** Finished cells in the group. */
  readonly n: number;
  /** Seeds of those cells. */
  readonly seeds: number[];
  readonly metrics: Record<string, MetricStats>;
}

export interface StudySummary {
  readonly study: Study;
  readonly total: number;
  readonly finished: number;
  /** Grid keys the groups differ by. */
  readonly groupKeys: string[];
  readonly groups: SummaryGroup[];
}

/** Summarise the finished cells of a study folder (any number of them: a running study too). */
export function summarizeStudy(dir: string): StudySummary {
  const where = "study summary";
  const manifest = readManifest(dir, where);
  if (!manifest) fail(where, `${dir} is not a study folder (no study.json)`);
  const study = manifest.study;
  const cells = expandGrid(study);
  const groupKeys = Object.keys(study.grid).filter((k) => k !== "seed");
  const byKey = new Map(readResults(dir).lines.map((l) => [lineKey(l), l]));
  const groups = new Map<string, { cell: Record<string, unknown>; seeds: number[]; metrics: Map<string, number[]> }>();
  let finished = 0;
  // grid order, not completion order: the same folder always gives the same summary
  for (const c of cells) {
    const g = Object.fromEntries(groupKeys.map((k) => [k, c.values[k]]));
    const gk = canonicalJson(g);
    if (!groups.has(gk)) groups.set(gk, { cell: g, seeds: [], metrics: new Map() });
    const line = byKey.get(c.key);
    if (!line) continue;
    finished++;
    const group = groups.get(gk)!;
    group.seeds.push(c.seed);
    for (const [path, v] of flattenMetrics(line.result)) {
      if (!group.metrics.has(path)) group.metrics.set(path, []);
      group.metrics.get(path)!.push(v);
    }
  }
  return {
    study,
    total: cells.length,
    finished,
    groupKeys,
    groups: [...groups.values()].map((g) => ({
      cell: g.cell,
      n: g.seeds.length,
      seeds: g.seeds,
      metrics: Object.fromEntries([...g.metrics].map(([p, vs]) => [p, describe(vs)])),
    })),
  };
}

/** A group's grid values as `powerDbm=10 preset=umi-6ghz` (or `all cells`). */
export function groupLabel(cell: Record<string, unknown>): string {
  const parts = Object.entries(cell).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(" ") : "all cells";
}
