/**
 * Where CLI output goes: exactly one JSON document on stdout with `--json`, human tables on
 * stdout otherwise, logs and progress on stderr.
 */
import { writeFileAtomic, writeFileAtomicAsync } from "../core/fs.ts";
import { fail } from "../core/errors.ts";

export { writeFileAtomic };

/** The `--out` value that writes the file to standard output instead of a file. */
export const STDOUT_OUT = "-";

/**
 * Where `--out -` bytes go: standard output (synchronous on Linux for files, pipes and TTYs).
 * Tests replace `write` to capture binary output in-process.
 */
export const stdoutSink: { write: (chunk: Uint8Array | string) => void } = {
  write: (chunk) => {
    process.stdout.write(chunk);
  },
};

/**
 * Write a command's single output file: `-` writes it to standard output, anything else is
 * written atomically (see {@link writeFileAtomicAsync}: Ctrl-C or SIGTERM during the write
 * removes the temporary file, then ends the process).
 * @param out - the `--out` value: a file path or `-`
 * @param data - text (UTF-8) or bytes, or chunks written in order
 */
export async function writeOutput(out: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  if (out !== STDOUT_OUT) {
    await writeFileAtomicAsync(out, data);
    return;
  }
  if (typeof data === "string" || data instanceof Uint8Array) stdoutSink.write(data);
  else for (const chunk of data) stdoutSink.write(chunk);
}

/**
 * With `--out -` the file takes standard output: `--json` cannot print there too (one line
 * naming both), and the human summary goes to stderr (the stream returned).
 * @param where - the command, e.g. `data convert`
 * @returns the stream for the human summary lines
 */
export function summaryStream(where: string, out: string | undefined, json: boolean | undefined): NodeJS.WritableStream {
  if (out !== STDOUT_OUT) return process.stdout;
  if (json) fail(where, "--out - writes the file to stdout, so --json cannot print there too; give --out FILE or drop --json");
  return process.stderr;
}

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
