/**
 * The memory budget: every reader and constructor computes what it is about to allocate from
 * declared sizes (elements × bytes, inflated sizes, parameter counts, simulator work) and calls
 * {@link checkBudget} first, so that a tiny hostile file or an in-range flag ends in one error
 * line instead of a V8 out-of-memory abort.
 *
 * The limit: {@link setMemoryLimit} (the CLI's `--max-memory`), else the environment variable
 * `LIQUIDWAVE_MAX_MEMORY` (bytes, or a number with a K/M/G/T suffix), else half the host's free
 * memory at the first check (Node), floored at 256 MiB; 4 GiB off Node. Browser-safe: no `node:`
 * import.
 */
import { fail } from "./errors.ts";
import { envVar, nodeBuiltin } from "./platform.ts";

let explicit: number | null = null;
let defaultLimit: number | null = null;

const UNITS: Record<string, number> = { "": 1, B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * Parse a size such as `512M`, `2G`, `1.5GiB` or `1000000` into bytes.
 * @throws LiquidwaveError naming `where` and the text
 */
export function parseSize(text: string, where: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  const v = m ? Number(m[1]) * UNITS[m[2]!.toUpperCase()]! : Number.NaN;
  if (!m || !Number.isFinite(v) || v < 1) fail(where, `expected a size such as 512M or 2G, got '${text}'`);
  return Math.floor(v);
}

/** Set the limit in bytes (null: back to the default). */
export function setMemoryLimit(bytes: number | null): void {
  explicit = bytes;
}

/** The current limit in bytes. */
export function memoryLimit(): number {
  if (explicit !== null) return explicit;
  const env = envVar("LIQUIDWAVE_MAX_MEMORY");
  if (env !== undefined && env !== "") return parseSize(env, "LIQUIDWAVE_MAX_MEMORY");
  if (defaultLimit === null) {
    const os = nodeBuiltin<{ freemem: () => number }>("node:os");
    defaultLimit = os ? Math.max(256 * 2 ** 20, Math.floor(os.freemem() / 2)) : 4 * 2 ** 30;
  }
  return defaultLimit;
}

/** Bytes as `1.5 GiB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toPrecision(3)} ${units[u]}`;
}

/**
 * Refuse an allocation of `bytes` above the limit (or not a finite number).
 * @param where - the function, command or file reading, named in the message
 * @param what - what would be allocated, e.g. `variable 'H' [1e4, 1e4] float64`
 * @throws LiquidwaveError `<where>: <what> needs <size>, above the memory limit <limit> (--max-memory ...)`
 */
export function checkBudget(where: string, what: string, bytes: number): void {
  const limit = memoryLimit();
  if (!(bytes <= limit)) {
    fail(
      where,
      `${what} needs ${formatBytes(bytes)}, above the memory limit of ${formatBytes(limit)} (raise it with --max-memory or LIQUIDWAVE_MAX_MEMORY)`,
    );
  }
}

let heapLimit: number | null = null;

/**
 * Like {@link checkBudget}, for plain JavaScript arrays, sets and objects, which live on V8's
 * heap: the limit is also at most half of V8's heap size limit (the process aborts when the heap
 * is full, whatever the free memory).
 */
export function checkHeapBudget(where: string, what: string, bytes: number): void {
  if (heapLimit === null) {
    const v8 = nodeBuiltin<{ getHeapStatistics: () => { heap_size_limit: number } }>("node:v8");
    heapLimit = v8 ? Math.floor(v8.getHeapStatistics().heap_size_limit / 2) : 2 ** 30;
  }
  const limit = Math.min(memoryLimit(), heapLimit);
  if (!(bytes <= limit)) {
    fail(
      where,
      `${what} needs ${formatBytes(bytes)} of JavaScript heap, above the limit of ${formatBytes(limit)} (the heap, or --max-memory)`,
    );
  }
}
