/**
 * Where CLI output goes: exactly one JSON document on stdout with `--json`, human tables on
 * stdout otherwise, logs and progress on stderr.
 */
export { writeFileAtomic } from "../core/fs.ts";

/** Print one JSON document on stdout. */
export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
}

/** A log line on stderr (never pollutes a `--json` stdout). */
export function info(message: string): void {
  process.stderr.write(message + "\n");
}

/** Render rows as an aligned text table. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === "number" ? formatNumber(c) : c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => String(r[j] ?? "").length)));
  const line = (r: readonly (string | number)[]) =>
    r.map((c, j) => (j === 0 ? String(c).padEnd(widths[j]!) : String(c).padStart(widths[j]!))).join("  ");
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/** Four significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6)) return x.toExponential(3);
  return Number(x.toPrecision(4)).toString();
}
