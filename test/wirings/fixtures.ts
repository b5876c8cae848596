/** Loading the golden fixtures copied into test/fixtures (never /work/shared at test time). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parsePythonLiteral } from "../../src/core/python-literal.ts";

const root = fileURLToPath(new URL("../fixtures/", import.meta.url));

export function loadFixture(rel: string): unknown {
  return JSON.parse(readFileSync(root + rel, "utf8"));
}

/** Values stored as Python repr strings ("{'shape': [8, 8], ...}", "True") become JSON values. */
export function pyValue(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return parsePythonLiteral(v);
  } catch {
    return v;
  }
}

/** A golden matrix {shape, data} (object or repr string) as a flat number array. */
export function matrixData(v: unknown): { shape: number[]; data: number[] } {
  const m = pyValue(v) as { shape: number[]; data: number[] };
  return { shape: m.shape, data: m.data };
}

/** The 8 model golden files of test/fixtures/ncps (their names from index.json). */
export function modelFiles(): string[] {
  const index = loadFixture("ncps/index.json") as { cases: { file: string }[] };
  return index.cases.map((c) => c.file);
}
