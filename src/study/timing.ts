/**
 * Which fields of a result are measured times. They differ from run to run, so they are left out
 * whenever results are compared (determinism: 1 vs N workers, resumed vs uninterrupted) and from
 * the summary's metrics. The one list of them lives here.
 */

/** Timing field names of the tasks' JSON documents. */
export const TIMING_KEYS: ReadonlySet<string> = new Set([
  "ms", // results.jsonl: wall time of the cell
  "msPerSample", // beamform, experiments: design time per sample
  "usPerPrediction", // predict: time per predicted window
  "trainSeconds", // predict: fit time
  "seconds",
  "elapsedMs",
  "machine", // beamform, complexity: host and load averages where the times were measured
]);

/** Names that read as a time by their unit: `ms…`, `us…`, `…Ms`, `…Us`, `…Seconds`. */
const TIMING_PATTERN = /^(ms|us|ns)([A-Z].*)?$|[a-z](Ms|Us|Ns|Seconds)$/;

/** Whether a field name is a measured time. */
export function isTimingKey(key: string): boolean {
  return TIMING_KEYS.has(key) || TIMING_PATTERN.test(key);
}

/** A deep copy of `value` without its timing fields. */
export function stripTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTimings);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!isTimingKey(k)) out[k] = stripTimings(v);
    return out;
  }
  return value;
}
