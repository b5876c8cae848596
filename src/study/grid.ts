/**
 * Grid expansion: every combination of the grid's values is one cell, in a fixed order (the grid's
 * keys as written, the last one varying fastest). A cell is identified by its key (the canonical
 * JSON of its grid values, independent of the order of the keys) and carries its own seed, a
 * function of its grid values only, never of the order the cells run in.
 */
import { canonicalJson, type Study } from "./schema.ts";

export interface Cell {
  /** The grid values of this cell, keyed as in the study file. */
  readonly values: Record<string, unknown>;
  /** Stable identity: canonical JSON of `values`. */
  readonly key: string;
  /** The seed the task runs with. */
  readonly seed: number;
}

/** 32-bit FNV-1a of a string (stable across machines and versions). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The seed of a cell: its `seed` grid value when the grid sweeps seeds (so replicates share their
 * channels across the other grid values: common random numbers); otherwise a hash of the base
 * seed and the cell key, so cells differ from each other but not between runs.
 */
export function cellSeed(values: Record<string, unknown>, baseSeed: number): number {
  if (typeof values["seed"] === "number") return values["seed"];
  return fnv1a(`${baseSeed}|${canonicalJson(values)}`) % 2_147_483_647;
}

/** Every cell of the study's grid. */
export function expandGrid(study: Study): Cell[] {
  const keys = Object.keys(study.grid);
  const baseSeed = typeof study.base["seed"] === "number" ? study.base["seed"] : 0;
  const cells: Cell[] = [];
  const idx = keys.map(() => 0);
  for (;;) {
    const values: Record<string, unknown> = {};
    keys.forEach((k, j) => (values[k] = study.grid[k]![idx[j]!]));
    cells.push({ values, key: canonicalJson(values), seed: cellSeed(values, baseSeed) });
    let j = keys.length - 1;
    while (j >= 0 && ++idx[j]! === study.grid[keys[j]!]!.length) idx[j--] = 0;
    if (j < 0) return cells;
  }
}

/** The task options of a cell: the base, the grid values (dotted keys set nested fields), the seed. */
export function cellOptions(study: Study, cell: Cell): Record<string, unknown> {
  const opts = structuredClone(study.base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(cell.values)) {
    const path = k.split(".");
    let o = opts;
    for (const p of path.slice(0, -1)) {
      if (o[p] === null || typeof o[p] !== "object" || Array.isArray(o[p])) o[p] = {};
      o = o[p] as Record<string, unknown>;
    }
    o[path[path.length - 1]!] = structuredClone(v);
  }
  opts["seed"] = cell.seed;
  return opts;
}
