/**
 * A pool of worker threads (piscina) running cells. From a checkout the task file is TypeScript,
 * so the threads load tsx first (bin/liquidwave.mjs registers tsx in the main thread only, and
 * worker threads do not inherit that); the compiled package runs the .js file as is.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import type { TaskSpec } from "./tasks.ts";

export interface CellPool {
  run(spec: TaskSpec): Promise<{ result: unknown; ms: number }>;
  destroy(): Promise<void>;
}

/** Default worker count: every core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

export function createPool(threads: number): CellPool {
  const ts = import.meta.url.endsWith(".ts");
  const filename = fileURLToPath(new URL(ts ? "./pool-task.ts" : "./pool-task.js", import.meta.url));
  // Only what the threads need (the parent's own flags, e.g. node --test's, may not apply to a thread).
  const execArgv = ts ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href] : [];
  const pool = new Piscina({ filename, minThreads: threads, maxThreads: threads, idleTimeout: 60_000, execArgv });
  return {
    run: (spec) => pool.run(spec) as Promise<{ result: unknown; ms: number }>,
    destroy: () => pool.destroy(),
  };
}
