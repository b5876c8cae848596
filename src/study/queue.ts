/**
 * Studies across machines: the coordinator (`study run --queue redis://HOST:PORT`) puts the cells
 * on a BullMQ queue in Redis; any number of `study worker --queue ...` processes, on any machines,
 * run them on their own thread pools and hand the results back through Redis; the coordinator
 * appends them to results.jsonl like the local runner, so resume and summary work the same.
 *
 * A job is self-contained (task, options with the cell's seed, the liquidwave version) and its id
 * is a hash of that content: re-running the coordinator finds jobs already queued, running or done
 * instead of adding them twice. A worker killed mid-cell stops renewing its lock; once the lock has
 * expired (30 s by default, `--lock-seconds`), another worker's stalled-job check puts the cell
 * back on the queue (twice at most; a cell that kills its worker three times fails).
 */
import { createHash } from "node:crypto";
import { Queue, QueueEvents, UnrecoverableError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { fail, LiquidwaveError } from "../core/errors.ts";
import { VERSION } from "../version.ts";
import { createPool } from "./pool.ts";
import { describeCell, type CellJob, type Executor } from "./runner.ts";
import { canonicalJson } from "./schema.ts";
import type { TaskSpec } from "./tasks.ts";

/** The queue every coordinator and worker uses (jobs carry everything else). */
export const QUEUE_NAME = "liquidwave-study";
/** How long a connection attempt may take before Redis counts as unreachable. */
const CONNECT_TIMEOUT_MS = 3000;
/** Finished jobs stay in Redis this long (a coordinator that died can still collect them). */
const KEEP_SECONDS = 7 * 24 * 3600;

interface JobData {
  readonly spec: TaskSpec;
  readonly version: string;
  readonly cell: string;
}
type JobResult = { result: unknown; ms: number };

/** Check a `--queue` URL (`redis://[user:password@]host[:port][/db]` or `rediss://`). */
export function checkQueueUrl(url: string, where: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    fail(where, `--queue must be a URL like redis://HOST:PORT, got '${url}'`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") fail(where, `--queue must start with redis:// or rediss://, got '${url}'`);
  if (!u.hostname) fail(where, `--queue has no host, got '${url}'`);
  return url;
}

/** A URL without its password, for messages. */
function safeUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

/**
 * Connect to Redis, or fail within a few seconds with one line saying it is unreachable. The
 * client reconnects for up to ~20 s after a lost connection, then gives up (`onLost`).
 */
async function connect(url: string, where: string, onLost?: (message: string) => void): Promise<Redis> {
  let gaveUp = false;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => {
      if (times > 20) {
        gaveUp = true;
        return null;
      }
      return 1000;
    },
  });
  let lastError: NodeJS.ErrnoException | null = null;
  client.on("error", (e: NodeJS.ErrnoException) => (lastError = e)); // reported through connect() and onLost
  client.on("end", () => {
    if (gaveUp) onLost?.(`${where}: lost the connection to Redis at ${safeUrl(url)}`);
  });
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS + 500).unref(),
      ),
    ]);
    await client.ping();
  } catch (e) {
    client.disconnect();
    const err = (lastError ?? e) as NodeJS.ErrnoException;
    fail(where, `cannot reach Redis at ${safeUrl(url)} (${err.code ?? err.message}); is redis-server running there? (see README, Studies)`);
  }
  return client;
}

/** Check that Redis answers at `url` (one error line within a few seconds if not). */
export async function probeRedis(url: string, where: string): Promise<void> {
  (await connect(url, where)).disconnect();
}

/** The job id of a cell: a hash of everything the job runs. */
function jobId(data: JobData): string {
  return createHash("sha256").update(canonicalJson(data)).digest("hex").slice(0, 40);
}

/** The coordinator's executor: cells go on the queue; results come back from the workers. */
export function queueExecutor(url: string, o: { onWarning?: (message: string) => void } = {}): Executor {
  const where = "study run";
  return async (jobs, onDone) => {
    if (jobs.length === 0) return;
    let lost: (e: Error) => void = () => {};
    const lostPromise = new Promise<never>((_, reject) => (lost = reject));
    lostPromise.catch(() => {});
    const onLost = (m: string) => lost(new LiquidwaveError(where, m.replace(/^study run: /, "")));
    const client = await connect(url, where, onLost);
    const eventsClient = await connect(url, where, onLost);
    const queue = new Queue<JobData, JobResult>(QUEUE_NAME, { connection: client });
    const events = new QueueEvents(QUEUE_NAME, { connection: eventsClient });
    try {
      await events.waitUntilReady();
      const byId = new Map<string, CellJob>();
      const toAdd: {
        name: string;
        data: JobData;
        opts: { jobId: string; attempts: number; removeOnComplete: { age: number }; removeOnFail: { age: number } };
      }[] = [];
      const waiting: Promise<void>[] = [];
      // the first failed cell (or a failed append) ends the wait; other cells stay on the queue
      // and a later run collects them
      let stopped = false;
      let stop: (e: unknown) => void = () => {};
      const stopPromise = new Promise<never>((_, reject) => {
        stop = (e) => {
          if (stopped) return;
          stopped = true;
          reject(e);
        };
      });
      stopPromise.catch(() => {});
      const deliver = (cell: CellJob, r: JobResult) => {
        if (stopped) return;
        try {
          onDone(cell, r.result, r.ms);
        } catch (e) {
          stop(e);
        }
      };
      const collect = (job: Job<JobData, JobResult>, cell: CellJob) =>
        job.waitUntilFinished(events).then(
          (r: JobResult) => deliver(cell, r),
          (e: Error) => stop(new LiquidwaveError(where, `cell ${describeCell(cell.cell)} failed on a worker: ${e.message}`)),
        );
      for (const cell of jobs) {
        const data: JobData = { spec: cell.spec, version: VERSION, cell: cell.cell.key };
        const id = jobId(data);
        byId.set(id, cell);
        const old = (await queue.getJob(id)) as Job<JobData, JobResult> | undefined;
        if (old) {
          const state = await old.getState();
          if (state === "completed") {
            deliver(cell, old.returnvalue);
            continue;
          }
          if (state !== "failed" && state !== "unknown") {
            waiting.push(collect(old, cell));
            continue;
          }
          await old.remove();
        }
        toAdd.push({
          name: "cell",
          data,
          opts: { jobId: id, attempts: 1, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } },
        });
      }
      for (const job of await queue.addBulk(toAdd)) waiting.push(collect(job as Job<JobData, JobResult>, byId.get(job.id!)!));
      if ((await queue.getWorkersCount()) === 0)
        o.onWarning?.(
          `no study worker is connected to ${safeUrl(url)} yet: start some with liquidwave study worker --queue ${safeUrl(url)}`,
        );
      await Promise.race([Promise.all(waiting), lostPromise, stopPromise]);
    } finally {
      await events.close().catch(() => {});
      await queue.close().catch(() => {});
      client.disconnect();
      eventsClient.disconnect();
    }
  };
}

export interface WorkerOptions {
  /** Cells run at once (threads of this worker's pool). */
  readonly concurrency: number;
  /**
   * How long a cell's lock lasts without renewal, ms (default 30 000): the cell of a crashed worker
   * goes back to the queue after about this long (plus as long again until a stalled check).
   */
  readonly lockMs?: number;
  /** Ends the worker (finishing the cells in progress). */
  readonly signal?: AbortSignal;
  /** A log line per event (started, cell done, cell failed). */
  readonly log?: (message: string) => void;
}

/** Serve the queue until `signal` aborts: each job runs on this process's thread pool. */
export async function runWorker(url: string, o: WorkerOptions): Promise<{ done: number; failed: number }> {
  const where = "study worker";
  const log = o.log ?? (() => {});
  let lostError: Error | null = null;
  let wake: () => void = () => {};
  const client = await connect(url, where, (m) => {
    lostError = new LiquidwaveError(where, m.replace(/^study worker: /, ""));
    wake();
  });
  const pool = createPool(o.concurrency);
  let done = 0;
  let failed = 0;
  const worker = new Worker<JobData, JobResult>(
    QUEUE_NAME,
    async (job) => {
      if (job.data.version !== VERSION)
        throw new UnrecoverableError(
          `the job is from liquidwave ${job.data.version}, this worker runs ${VERSION}: run the same version on every machine`,
        );
      try {
        return (await pool.run(job.data.spec)) as JobResult;
      } catch (e) {
        // bad input fails the same way on every machine: no retry
        throw new UnrecoverableError((e as Error).message ?? String(e));
      }
    },
    {
      connection: client,
      concurrency: o.concurrency,
      autorun: false,
      maxStalledCount: 2,
      ...(o.lockMs !== undefined ? { lockDuration: o.lockMs, stalledInterval: o.lockMs } : {}),
    },
  );
  worker.on("active", (job) => log(`${where}: cell ${job.data.cell} started`));
  worker.on("completed", (job) => {
    done++;
    log(`${where}: cell ${job.data.cell} done in ${(job.returnvalue.ms / 1000).toFixed(2)} s`);
  });
  worker.on("failed", (job, err) => {
    failed++;
    log(`${where}: cell ${job?.data.cell ?? "?"} failed: ${err.message}`);
  });
  worker.on("error", (err) => log(`${where}: ${err.message}`));
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
    if (o.signal?.aborted) resolve();
    o.signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  log(`${where}: serving ${QUEUE_NAME} on ${safeUrl(url)} with ${o.concurrency} thread${o.concurrency === 1 ? "" : "s"}`);
  const running = worker.run();
  await stopped;
  log(`${where}: stopping (finishing the cells in progress)`);
  await worker.close();
  await running.catch(() => {});
  await pool.destroy();
  client.disconnect();
  if (lostError) throw lostError;
  return { done, failed };
}
