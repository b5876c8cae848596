/**
 * Studies: a task (predict, beamform, an experiment) over a grid of options, run on a pool of
 * worker threads or across machines through a BullMQ queue, resumable, summarised with Student-t
 * confidence intervals. The CLI's `liquidwave study ...` is a thin layer over these.
 */
export { studySchema, parseStudy, readStudyFile, canonicalJson, STUDY_TASKS, type Study, type StudyTask } from "./schema.ts";
export { expandGrid, cellOptions, cellSeed, type Cell } from "./grid.ts";
export { runStudy, localExecutor, type Executor, type CellJob, type RunStudyOptions, type RunStudyReport } from "./runner.ts";
export { queueExecutor, runWorker, probeRedis, checkQueueUrl, QUEUE_NAME, type WorkerOptions } from "./queue.ts";
export { readResults, ResultsWriter, RESULTS_FILE, type ResultLine } from "./results.ts";
export { summarizeStudy, flattenMetrics, type StudySummary, type SummaryGroup } from "./summary.ts";
export { writeStudyReport, summaryRows } from "./report.ts";
export { describe as describeSample, studentTQuantile, studentTCdf, incompleteBeta, type MetricStats } from "./stats.ts";
export { TIMING_KEYS, isTimingKey, stripTimings } from "./timing.ts";
export { runTask, type TaskSpec } from "./tasks.ts";
export {
  regimeTables,
  regimeMarkdown,
  verdictOf,
  isLiquidModel,
  isClassicalModel,
  type RegimeTable,
  type RegimeRow,
  type Verdict,
} from "./regimes.ts";
