import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseStudy } from "../../src/study/schema.ts";
import { runStudy } from "../../src/study/runner.ts";
import { prepareStudyDir } from "../../src/study/dir.ts";
import { readJsonOrYamlFile } from "../../src/core/fs.ts";
import { runCliInProcess } from "../cli/cli-helpers.ts";
import { BIN, SMALL_STUDY, resultSet, tempDir, writeStudy } from "./helpers.ts";

const work = tempDir("run");
const file = writeStudy(work, SMALL_STUDY);
const study = parseStudy(SMALL_STUDY);

/** The reference: the study on one worker thread, uninterrupted. */
let reference: string[] | null = null;
async function referenceSet(): Promise<string[]> {
  if (!reference) {
    const dir = join(work, "one");
    await runStudy(study, file, dir, { workers: 1 });
    reference = resultSet(dir);
  }
  return reference;
}

function finishedLines(dir: string): number {
  const path = join(dir, "results.jsonl");
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").length - 1 : 0;
}

test("1 and 2 worker threads give identical results, timings aside", async () => {
  const one = await referenceSet();
  const dir = join(work, "two");
  const r = await runStudy(study, file, dir, { workers: 2 });
  assert.deepEqual(r, { total: 12, skipped: 0, ran: 12 });
  assert.equal(one.length, 12);
  assert.deepEqual(resultSet(dir), one);
  // the seed of each cell is its grid value
  for (const line of one) {
    const l = JSON.parse(line);
    assert.equal(l.result.config.seed, l.cell.seed);
    assert.equal(l.result.config.powerDbm, l.cell.powerDbm);
  }
});

test("a study run killed with SIGKILL at a random point, then resumed, gives the same lines as an uninterrupted run", {
  timeout: 120_000,
}, async () => {
  const expected = await referenceSet();
  const dir = join(work, "killed");
  const child = spawn(process.execPath, [BIN, "study", "run", file, "--out", dir, "--workers", "2", "--quiet"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  // wait for the first finished cell, then a random further moment within the run
  const delay = Math.floor(Math.random() * 600);
  const t0 = Date.now();
  while (finishedLines(dir) < 1 && child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, delay));
  child.kill("SIGKILL");
  await exited;
  const before = finishedLines(dir);
  assert.ok(before >= 1, `no cell finished before the kill: ${stderr}`);
  const resumed = spawnSync(process.execPath, [BIN, "study", "run", file, "--out", dir, "--workers", "2", "--quiet"], {
    encoding: "utf8",
    timeout: 90_000,
  });
  assert.equal(resumed.status, 0, resumed.stderr);
  const skipped = Number(/(\d+) skipped/.exec(resumed.stderr)?.[1]);
  assert.ok(skipped >= before, `killed after ${delay} ms with ${before} lines; resume skipped ${skipped}: ${resumed.stderr}`);
  assert.deepEqual(resultSet(dir), expected, `killed ${delay} ms after the first cell`);
});

test("study run into a folder holding another study exits 1 with one line; a typo in an option exits 1; a missing --out exits 2", async () => {
  const dir = join(work, "other");
  const first = writeStudy(work, { ...SMALL_STUDY, grid: { seed: [1], powerDbm: [5] } }, "first.yaml");
  prepareStudyDir(dir, parseStudy(readJsonOrYamlFile(first, "test")), first);
  const changed = writeStudy(work, { ...SMALL_STUDY, grid: { seed: [1], powerDbm: [0] } }, "changed.yaml");
  const r = await runCliInProcess(["study", "run", changed, "--out", dir]);
  assert.equal(r.code, 1);
  assert.equal(r.err.trim().split("\n").length, 1, r.err);
  assert.match(r.err, /^liquidwave: study run: .* holds a different study \(from first\.yaml; study\.grid\.powerDbm changed\)/);
  const bad = writeStudy(work, { ...SMALL_STUDY, base: { ...SMALL_STUDY.base, antena: 4 } }, "typo.yaml");
  const t = await runCliInProcess(["study", "run", bad, "--out", join(work, "typo")]);
  assert.equal(t.code, 1);
  assert.match(t.err, /^liquidwave: study \(task beamform\): option 'antena' is not an option of beamform/);
  const u = await runCliInProcess(["study", "run", file]);
  assert.equal(u.code, 2);
  assert.match(u.err, /--out/);
});
