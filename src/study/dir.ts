/**
 * The study folder: `study.json` (the validated study, the liquidwave version, the source file's
 * name), a verbatim copy of the study file, and `results.jsonl`. Running a study into a folder
 * that holds a different study is an error; the same study resumes.
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { fail } from "../core/errors.ts";
import { readJsonOrYamlFile, writeFileAtomic } from "../core/fs.ts";
import { VERSION } from "../version.ts";
import { canonicalJson, parseStudy, type Study } from "./schema.ts";

export const MANIFEST_FILE = "study.json";

export interface Manifest {
  readonly liquidwave: string;
  readonly source: string;
  readonly study: Study;
}

/** The first field (dotted path) where two values differ, or null. */
export function firstDifference(a: unknown, b: unknown, path = "study"): string | null {
  if (canonicalJson(a) === canonicalJson(b)) return null;
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return path;
}

/** Read `DIR/study.json`, or null when the folder holds no study yet. */
export function readManifest(dir: string, where = "study"): Manifest | null {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return null;
  const doc = readJsonOrYamlFile(path, where) as Partial<Manifest>;
  if (!doc || typeof doc !== "object" || !doc.study) fail(where, `${path} is not a study manifest`);
  return { liquidwave: String(doc.liquidwave), source: String(doc.source), study: parseStudy(doc.study, where) };
}

/**
 * Prepare DIR for `study`: a new folder gets the manifest and a copy of the file; a folder holding
 * the same study is reused (resume); one holding another study is an error naming the first
 * changed field. Returns whether this resumes, and a warning when the version differs.
 */
export function prepareStudyDir(dir: string, study: Study, file: string): { resumed: boolean; warning?: string } {
  const where = "study run";
  mkdirSync(dir, { recursive: true });
  const old = readManifest(dir, where);
  if (old) {
    const diff = firstDifference(old.study, study);
    if (diff)
      fail(
        where,
        `${dir} holds a different study (from ${old.source}; ${diff} changed): use a new --out folder, or restore the study file`,
      );
    return {
      resumed: true,
      ...(old.liquidwave !== VERSION
        ? { warning: `${dir} was started with liquidwave ${old.liquidwave}, this is ${VERSION}: results of the two versions may differ` }
        : {}),
    };
  }
  if (existsSync(join(dir, "results.jsonl")))
    fail(where, `${dir} has a results.jsonl but no ${MANIFEST_FILE}: not a study folder of this tool`);
  const copy = join(dir, `study${extname(file) || ".yaml"}`);
  if (resolve(copy) !== resolve(file)) copyFileSync(file, copy);
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify({ liquidwave: VERSION, source: basename(file), study }, null, 2) + "\n");
  return { resumed: false };
}
