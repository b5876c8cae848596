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

/** Column labels of result tables that hold times: `ms/sample`, `µs per prediction`, `train s`. */
const TIMING_LABEL = /\b(ms|us|µs|ns|seconds?|time)\b|µs|\btrain s\b/i;

/** Whether a table column label names a measured time. */
export function isTimingLabel(label: string): boolean {
  return TIMING_LABEL.test(label);
}

/** Whether a field name is a measured time. */
export function isTimingKey(key: string): boolean {
  return TIMING_KEYS.has(key) || TIMING_PATTERN.test(key);
}

/** A result table: `{ header: string[], rows: (string | number)[][] }` (the experiments'). */
export function isTable(v: unknown): v is { header: string[]; rows: unknown[][] } {
  const t = v as { header?: unknown; rows?: unknown };
  return (
    v !== null &&
    typeof v === "object" &&
    Array.isArray(t.header) &&
    t.header.every((h) => typeof h === "string") &&
    Array.isArray(t.rows) &&
    t.rows.every(Array.isArray)
  );
}

/** A deep copy of `value` without its timing fields (and without the timing columns of tables). */
export function stripTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTimings);
  if (isTable(value)) {
    const keep = value.header.map((h) => !isTimingLabel(h));
    const rest = Object.fromEntries(Object.entries(value).filter(([k]) => k !== "header" && k !== "rows"));
    return {
      ...(stripTimings(rest) as object),
      header: value.header.filter((_, j) => keep[j]),
      rows: value.rows.map((r) => r.filter((_, j) => keep[j])),
    };
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!isTimingKey(k)) out[k] = stripTimings(v);
    return out;
  }
  return value;
}
