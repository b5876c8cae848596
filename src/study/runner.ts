/**
 * Running a study: expand the grid, check every cell's options, prepare the folder, skip the cells
 * already in results.jsonl, run the rest on an executor (the local thread pool, or a BullMQ queue
 * served by `study worker`s) and append each finished cell as one line.
 */
import { LiquidwaveError } from "../core/errors.ts";
import { prepareStudyDir } from "./dir.ts";
import { cellOptions, expandGrid, type Cell } from "./grid.ts";
import { createPool } from "./pool.ts";
import { lineKey, readResults, ResultsWriter, type ResultLine } from "./results.ts";
import type { Study } from "./schema.ts";
import { checkTaskOptions, type TaskSpec } from "./tasks.ts";

/** One cell to run. */
export interface CellJob {
  readonly cell: Cell;
  readonly spec: TaskSpec;
}

/** Runs cells somewhere and reports each result as it arrives (in any order). */
export type Executor = (jobs: readonly CellJob[], onDone: (job: CellJob, result: unknown, ms: number) => void) => Promise<void>;

export interface RunStudyOptions {
  /** Where the cells run (default: a local pool of `workers` threads). */
  readonly executor?: Executor;
  /** Threads of the local pool. */
  readonly workers?: number;
  /** After the options are checked, before the folder is touched (e.g. check that Redis answers). */
  readonly beforeStart?: () => Promise<void>;
  /** Before the first cell: cells in the grid, already finished. */
  readonly onStart?: (total: number, finished: number, resumed: boolean) => void;
  /** After each finished cell. */
  readonly onCell?: (line: ResultLine) => void;
  /** A warning line (e.g. another liquidwave version started this folder). */
  readonly onWarning?: (message: string) => void;
}

export interface RunStudyReport {
  readonly total: number;
  readonly skipped: number;
  readonly ran: number;
}

/** Describe a cell in an error message. */
export function describeCell(cell: Cell): string {
  return cell.key;
}

/**
 * The local executor: a piscina pool of `threads` worker threads. The first failed cell stops the
 * run (the cells in flight are abandoned; the finished ones are already on disk).
 */
export function localExecutor(threads: number): Executor {
  return async (jobs, onDone) => {
    if (jobs.length === 0) return;
    const pool = createPool(Math.max(1, Math.min(threads, jobs.length)));
    let stopped = false;
    try {
      await new Promise<void>((resolve, reject) => {
        let left = jobs.length;
        const stop = (e: unknown) => {
          if (!stopped) reject(e);
          stopped = true;
        };
        for (const job of jobs) {
          pool.run(job.spec).then(
            ({ result, ms }) => {
              if (stopped) return;
              try {
                onDone(job, result, ms);
              } catch (e) {
                return stop(e);
              }
              if (--left === 0) resolve();
            },
            (e: unknown) =>
              stop(new LiquidwaveError("study run", `cell ${describeCell(job.cell)} failed: ${(e as Error)?.message ?? String(e)}`)),
          );
        }
      });
    } finally {
      stopped = true;
      await pool.destroy();
    }
  };
}

/** Run (or resume) a study into `dir`. `file` is the study file, copied into the folder. */
export async function runStudy(study: Study, file: string, dir: string, o: RunStudyOptions = {}): Promise<RunStudyReport> {
  const cells = expandGrid(study);
  const jobs: CellJob[] = cells.map((cell) => ({
    cell,
    spec: {
      task: study.task,
      ...(study.experiment !== undefined ? { experiment: study.experiment } : {}),
      options: cellOptions(study, cell),
    },
  }));
  await checkTaskOptions(
    study.task,
    study.experiment,
    jobs.map((j) => j.spec.options),
  );
  await o.beforeStart?.();
  const { resumed, warning } = prepareStudyDir(dir, study, file);
  if (warning) o.onWarning?.(warning);
  const writer = new ResultsWriter(dir);
  try {
    const finished = new Set(readResults(dir).lines.map(lineKey));
    const pending = jobs.filter((j) => !finished.has(j.cell.key));
    o.onStart?.(cells.length, cells.length - pending.length, resumed);
    const executor = o.executor ?? localExecutor(o.workers ?? 1);
    let ran = 0;
    await executor(pending, (job, result, ms) => {
      if (finished.has(job.cell.key)) return; // a queue may deliver a cell twice
      const line: ResultLine = { cell: job.cell.values, ms: Math.round(ms * 1000) / 1000, result };
      writer.append(line);
      finished.add(job.cell.key);
      ran++;
      o.onCell?.(line);
    });
    return { total: cells.length, skipped: cells.length - pending.length, ran };
  } finally {
    writer.close();
  }
}
