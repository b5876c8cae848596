/**
 * `DIR/results.jsonl`: one line per finished cell, `{ "cell": {grid values}, "ms": wall time,
 * "result": {...} }`.
 *
 * Each line is appended with one `write` of the whole line on a file opened with O_APPEND, then
 * fsync'd, so a finished cell is on disk before the next one is reported. A process killed in the
 * middle of a write can at most leave a torn last line (no newline at the end): opening the file
 * for a resume cuts it off, so it is neither counted nor kept. A bad line before the last one is
 * not a crash artefact and is an error naming it.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../core/errors.ts";
import { canonicalJson } from "./schema.ts";

export interface ResultLine {
  readonly cell: Record<string, unknown>;
  /** Wall time of the cell (a timing field). */
  readonly ms?: number;
  readonly result: unknown;
}

export const RESULTS_FILE = "results.jsonl";

/** Parse the finished lines of a results file (read only; a torn last line is ignored). */
export function readResults(dir: string): { lines: ResultLine[]; tornBytes: number } {
  const path = join(dir, RESULTS_FILE);
  if (!existsSync(path)) return { lines: [], tornBytes: 0 };
  const text = readFileSync(path, "utf8");
  const end = text.lastIndexOf("\n") + 1;
  const lines: ResultLine[] = [];
  const rows = text.slice(0, end).split("\n");
  rows.pop();
  rows.forEach((row, i) => {
    let doc: ResultLine;
    try {
      doc = JSON.parse(row) as ResultLine;
    } catch {
      fail("study results", `${path} line ${i + 1} is not valid JSON (the file was edited or damaged)`);
    }
    if (doc === null || typeof doc !== "object" || typeof doc.cell !== "object" || !("result" in doc))
      fail("study results", `${path} line ${i + 1} has no cell and result`);
    lines.push(doc);
  });
  return { lines, tornBytes: Buffer.byteLength(text) - Buffer.byteLength(text.slice(0, end)) };
}

/** The appending side of a results file. */
export class ResultsWriter {
  readonly path: string;
  private fd: number;

  /** Open `DIR/results.jsonl` for appending, first cutting off a torn last line. */
  constructor(dir: string) {
    this.path = join(dir, RESULTS_FILE);
    if (existsSync(this.path)) {
      const { tornBytes } = readResults(dir);
      if (tornBytes > 0) {
        const size = readFileSync(this.path).length;
        truncateSync(this.path, size - tornBytes);
      }
    }
    this.fd = openSync(this.path, "a");
  }

  /** Append one line atomically and make it durable. */
  append(line: ResultLine): void {
    const buf = Buffer.from(JSON.stringify(line) + "\n", "utf8");
    const n = writeSync(this.fd, buf, 0, buf.length);
    if (n !== buf.length) fail("study results", `short write to ${this.path} (${n} of ${buf.length} bytes; disk full?)`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The cell key of a results line (same as the grid's). */
export function lineKey(line: ResultLine): string {
  return canonicalJson(line.cell);
}
