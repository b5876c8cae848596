/** Shared bits of the study tests: a small beamform study and results compared without timings. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { canonicalJson } from "../../src/study/schema.ts";
import { stripTimings } from "../../src/study/timing.ts";

export const BIN = join(import.meta.dirname, "../../bin/liquidwave.mjs");

/** 12 small cells (~0.1 s each): 4 seeds x 3 powers of a Rayleigh MU-MIMO downlink. */
export const SMALL_STUDY = {
  task: "beamform",
  base: { preset: "rayleigh", antennas: 8, users: 2, userAntennas: 2, samples: 8, algorithms: ["zf", "wmmse"], cee: -10 },
  grid: { seed: [1, 2, 3, 4], powerDbm: [0, 5, 10] },
};

const made: string[] = [];
process.once("exit", () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `lw-study-${prefix}-`));
  made.push(d);
  return d;
}

/** Write a study file (YAML) into `dir`; returns its path. */
export function writeStudy(dir: string, doc: unknown, name = "study.yaml"): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(doc));
  return path;
}

/** The lines of DIR/results.jsonl without timings, canonical and sorted (a set of lines). */
export function resultSet(dir: string): string[] {
  const text = readFileSync(join(dir, "results.jsonl"), "utf8");
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => canonicalJson(stripTimings(JSON.parse(l))))
    .sort();
}
