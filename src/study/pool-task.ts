/** The task file of the worker-thread pool (piscina): one call runs one cell. */
import { runTask, type TaskSpec } from "./tasks.ts";

/** Run one cell; `ms` is its own run time (not the time it waited for a thread). */
export default async function runCell(spec: TaskSpec): Promise<{ result: unknown; ms: number }> {
  const t0 = performance.now();
  const result = await runTask(spec);
  return { result, ms: performance.now() - t0 };
}
