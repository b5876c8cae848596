/**
 * Training checkpoints on disk: `DIR/checkpoint.json`, a `liquidwave-checkpoint/1` document
 * written atomically (a crash or a kill at any point leaves the previous checkpoint whole). Floats
 * are stored as base64 of their IEEE-754 bytes (little-endian), so NaN, -0 and every last bit
 * survive; a fingerprint of the model config, the data and the training options makes `--resume`
 * refuse a checkpoint of another run.
 */
import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../core/errors.ts";
import { readJsonOrYamlFile, writeFileAtomic } from "../core/fs.ts";
import type { FitCheckpoint } from "../training/fit.ts";

export const CHECKPOINT_FORMAT = "liquidwave-checkpoint/1";
export const CHECKPOINT_FILE = "checkpoint.json";

function f64ToB64(values: Float64Array | Float32Array): string {
  // A copy (the source may live on a WebAssembly heap); float32 values (a float32 model) widen
  // exactly and round back exactly when a run resumes.
  const le = new Float64Array(values);
  return Buffer.from(le.buffer, le.byteOffset, le.byteLength).toString("base64");
}

function b64ToF64(s: unknown, where: string, field: string): Float64Array {
  if (typeof s !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) fail(where, `${field} must be a base64 string`);
  const bytes = Buffer.from(s, "base64");
  if (bytes.length % 8 !== 0) fail(where, `${field} holds ${bytes.length} bytes, not a whole number of float64`);
  const out = new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function f64List(v: unknown, where: string, field: string): Float64Array[] {
  if (!Array.isArray(v)) fail(where, `${field} must be a list`);
  return v.map((s, k) => b64ToF64(s, where, `${field}[${k}]`));
}

function intList(v: unknown, where: string, field: string, n?: number): number[] {
  if (!Array.isArray(v) || (n !== undefined && v.length !== n) || !v.every((x) => Number.isSafeInteger(x))) {
    fail(where, `${field} must be a list of${n !== undefined ? ` ${n}` : ""} integers`);
  }
  return v as number[];
}

/** The checkpoint path in a checkpoint folder. */
export function checkpointPath(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}

/**
 * Write `DIR/checkpoint.json` atomically.
 * @param fingerprint - identifies the run (model config, data, options); checked by {@link loadCheckpoint}
 */
export function saveCheckpoint(dir: string, cp: FitCheckpoint, fingerprint: string): void {
  const doc = {
    format: CHECKPOINT_FORMAT,
    fingerprint,
    epoch: cp.epoch,
    params: cp.params.map(f64ToB64),
    adam: { count: cp.adam.count, mu: cp.adam.mu.map(f64ToB64), nu: cp.adam.nu.map(f64ToB64) },
    shuffleRng: f64ToB64(Float64Array.from(cp.shuffleRng)),
    dropoutRng: cp.dropoutRng ? f64ToB64(Float64Array.from(cp.dropoutRng)) : null,
    order: cp.order,
    history: cp.history,
    best: f64ToB64(Float64Array.of(cp.best)),
    bestEpoch: cp.bestEpoch,
    bestWeights: cp.bestWeights ? cp.bestWeights.map(f64ToB64) : null,
    stoppedEarly: cp.stoppedEarly,
  };
  writeFileAtomic(checkpointPath(dir), JSON.stringify(doc));
}

/**
 * Read `DIR/checkpoint.json`, or null when there is none yet.
 * @throws LiquidwaveError if it is malformed or belongs to another run (fingerprint differs)
 */
export function loadCheckpoint(dir: string, fingerprint: string): FitCheckpoint | null {
  const path = checkpointPath(dir);
  if (!existsSync(path)) return null;
  const where = `checkpoint ${path}`;
  if (!lstatSync(path).isFile()) fail(where, "is not a regular file");
  const d = readJsonOrYamlFile(path, where) as Record<string, unknown>;
  if (d === null || typeof d !== "object" || d["format"] !== CHECKPOINT_FORMAT) fail(where, `format must be '${CHECKPOINT_FORMAT}'`);
  if (d["fingerprint"] !== fingerprint) {
    fail(where, "was written by a run with another model config, data or training options; use a new --checkpoint folder");
  }
  const adam = d["adam"] as Record<string, unknown> | null;
  if (adam === null || typeof adam !== "object") fail(where, "adam must be an object");
  const epoch = d["epoch"];
  if (!Number.isSafeInteger(epoch) || (epoch as number) < 0) fail(where, `epoch must be a non-negative integer, got ${String(epoch)}`);
  if (!Number.isSafeInteger(adam["count"])) fail(where, "adam.count must be an integer");
  const rngState = (v: unknown, field: string) => {
    const a = Array.from(b64ToF64(v, where, field));
    if (a.length !== 7) fail(where, `${field} must hold 7 numbers, got ${a.length}`);
    return a;
  };
  const history = d["history"];
  if (!Array.isArray(history)) fail(where, "history must be a list");
  const best = b64ToF64(d["best"], where, "best");
  if (best.length !== 1) fail(where, "best must hold one number");
  if (!Number.isSafeInteger(d["bestEpoch"])) fail(where, "bestEpoch must be an integer");
  return {
    epoch: epoch as number,
    params: f64List(d["params"], where, "params"),
    adam: { count: adam["count"] as number, mu: f64List(adam["mu"], where, "adam.mu"), nu: f64List(adam["nu"], where, "adam.nu") },
    shuffleRng: rngState(d["shuffleRng"], "shuffleRng"),
    dropoutRng: d["dropoutRng"] == null ? null : rngState(d["dropoutRng"], "dropoutRng"),
    order: intList(d["order"], where, "order"),
    history: history as FitCheckpoint["history"],
    best: best[0]!,
    bestEpoch: d["bestEpoch"] as number,
    bestWeights: d["bestWeights"] == null ? null : f64List(d["bestWeights"], where, "bestWeights"),
    stoppedEarly: d["stoppedEarly"] === true,
  };
}
