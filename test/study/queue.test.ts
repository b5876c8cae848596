import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { parseStudy } from "../../src/study/schema.ts";
import { runStudy } from "../../src/study/runner.ts";
import { runCliInProcess } from "../cli/cli-helpers.ts";
import { BIN, SMALL_STUDY, resultSet, tempDir, writeStudy } from "./helpers.ts";

const QUEUE_STUDY = { ...SMALL_STUDY, base: { ...SMALL_STUDY.base, samples: 30 }, grid: { seed: [1, 2, 3], powerDbm: [0, 10] } };
const work = tempDir("queue");
const file = writeStudy(work, QUEUE_STUDY);
const hasRedis = spawnSync("redis-server", ["--version"], { encoding: "utf8" }).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

/** Spawn a process that is killed at the end of the file whatever happens. */
function start(cmd: string, args: string[]): { child: ChildProcess; out: () => string; exit: Promise<number | null> } {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, out: () => out, exit };
}

/** Wait until `cond` holds, polling; fails after `ms`. */
async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM, then SIGKILL if it has not ended within `ms`; resolves to the exit code. */
async function stop(p: { child: ChildProcess; exit: Promise<number | null> }, ms = 15_000): Promise<number | null> {
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), ms);
  const code = await p.exit;
  clearTimeout(timer);
  return code;
}

test("an unreachable Redis is one clear error line within seconds, for study run and study worker", async () => {
  const port = await freePort();
  const t0 = Date.now();
  const r = await runCliInProcess(["study", "run", file, "--out", join(work, "unreachable"), "--queue", `redis://127.0.0.1:${port}`]);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`^liquidwave: study run: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
  const w = await runCliInProcess(["study", "worker", "--queue", `redis://127.0.0.1:${port}`]);
  assert.equal(w.code, 1);
  assert.match(w.err, /^liquidwave: study worker: cannot reach Redis/);
  assert.ok(Date.now() - t0 < 15_000, `${Date.now() - t0} ms`);
  const bad = await runCliInProcess(["study", "worker", "--queue", "http://x"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--queue must start with redis:\/\/ or rediss:\/\/, got 'http:\/\/x'/);
});

test("two study workers on a real redis-server give the same results as the local pool, also when one is killed mid-cell", {
  timeout: 120_000,
}, async (t) => {
  if (!hasRedis) {
    if (process.env["CI"]) assert.fail("redis-server is not installed (apt-get install redis-server; .ci/run installs it)");
    t.skip("redis-server is not installed: apt-get install redis-server");
    return;
  }
  const localDir = join(work, "local");
  const local = runStudy(parseStudy(QUEUE_STUDY), file, localDir, { workers: 2 });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const redis = start("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
  try {
    await waitFor(() => /Ready to accept connections/.test(redis.out()), 15_000, "redis-server");
    const worker = () => start(process.execPath, [BIN, "study", "worker", "--queue", url, "--concurrency", "1", "--lock-seconds", "2"]);
    const workers = [worker(), worker()];
    const dir = join(work, "queued");
    const coordinator = start(process.execPath, [BIN, "study", "run", file, "--out", dir, "--queue", url, "--quiet"]);
    // kill the first worker in the middle of a cell (after its first); a third worker joins
    const count = (re: RegExp) => (workers[0]!.out().match(re) ?? []).length;
    await waitFor(
      () => (count(/ done in /g) >= 1 && count(/ started/g) > count(/ done in /g)) || coordinator.child.exitCode !== null,
      60_000,
      "the first worker's second cell",
    );
    workers[0]!.child.kill("SIGKILL");
    await workers[0]!.exit;
    const killedDone = count(/ done in /g);
    const inFlight = count(/ started/g) > killedDone;
    workers.push(worker());
    await waitFor(() => /serving/.test(workers[2]!.out()), 60_000, "the third worker");
    const timer = setTimeout(() => coordinator.child.kill("SIGKILL"), 90_000);
    const code = await coordinator.exit;
    clearTimeout(timer);
    assert.equal(code, 0, coordinator.out());
    // a cell that fails on a worker fails the run with one line naming the cell and the reason
    const bad = writeStudy(
      work,
      { task: "beamform", base: { data: join(work, "missing.npz"), algorithms: ["zf"] }, grid: { seed: [1] } },
      "bad.yaml",
    );
    const failed = await runCliInProcess(["study", "run", bad, "--out", join(work, "bad"), "--queue", url, "--quiet"]);
    assert.equal(failed.code, 1);
    assert.match(failed.err, /^liquidwave: study run: cell \{"seed":1\} failed on a worker: loadChannelDataset: no such file/m);
    const codes = await Promise.all(workers.slice(1).map((w) => stop(w)));
    assert.deepEqual(codes, [0, 0], workers.map((w) => w.out()).join("\n"));
    const done = workers.slice(1).map((w) => Number(/stopped after (\d+) cells/.exec(w.out())?.[1] ?? NaN));
    // Every cell was run by some worker. The killed worker's last "done" line can be lost with its
    // pipe (SIGKILL right after the result reached Redis), so its count is a lower bound.
    assert.ok(
      killedDone + done[0]! + done[1]! >= 5 && done[0]! + done[1]! >= 1,
      `cells per worker: ${killedDone} (killed), ${done.join(", ")}`,
    );
    t.diagnostic(
      `first worker killed ${inFlight ? "in the middle of a cell" : "between cells"}; cells per worker ${killedDone}, ${done.join(", ")}`,
    );
    await local;
    assert.deepEqual(resultSet(dir), resultSet(localDir));
    // a second run of the coordinator on the same folder has nothing left to do
    const again = await runCliInProcess(["study", "run", file, "--out", dir, "--queue", url, "--quiet"]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, /0 cells run, 6 skipped/);
  } finally {
    await stop(redis, 5000);
  }
});
