/**
 * Issue 14's acceptance: a study file of RESULTS.md's "Where liquid models win" section
 * (studies/win-gaps.yaml) runs through the study runner at a reduced size, in-process, and its
 * summary has every row and field the section's tables are made of; the verdict rule against
 * hand-made intervals.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runStudy, type Executor } from "../../src/study/runner.ts";
import { readStudyFile } from "../../src/study/schema.ts";
import { summarizeStudy } from "../../src/study/summary.ts";
import { runTask } from "../../src/study/tasks.ts";
import { regimeMarkdown, regimesCompactMarkdown, regimeTables, verdictOf } from "../../src/study/regimes.ts";
import type { MetricStats } from "../../src/study/stats.ts";
import { tempDir } from "./helpers.ts";

const FILE = join(import.meta.dirname, "../../studies/win-gaps.yaml");

/** Every cell in this thread, one after the other (no worker start-up). */
const inProcess: Executor = async (jobs, onDone) => {
  for (const job of jobs) {
    const t0 = performance.now();
    onDone(job, await runTask(job.spec), performance.now() - t0);
  }
};

test("studies/win-gaps.yaml at a reduced size gives a summary with every row and field of the RESULTS.md tables", async () => {
  const full = readStudyFile(FILE);
  const models = full.base["models"] as string[];
  const study = {
    ...full,
    base: {
      ...full.base,
      channel: { preset: "umi-6ghz", users: 5, samples: 260 },
      epochs: 1,
      sizes: { mlp: 8, gru: 4, lstm: 4, cfc: 4, ltc: 4, ncp: 8 },
    },
    grid: { seed: [1, 2], maxGap: [1, 3] },
  };
  const dir = tempDir("regimes");
  const report = await runStudy(study, FILE, dir, { executor: inProcess });
  assert.equal(report.ran, 4);
  const summary = summarizeStudy(dir);
  assert.deepEqual(summary.groupKeys, ["maxGap"]);
  assert.equal(summary.groups.length, 2);
  for (const g of summary.groups) {
    assert.equal(g.n, 2);
    for (const m of models) {
      for (const field of ["meanNmseDb", "nmseDb[0]", "nmseDb[4]", "params", "vsBestClassicalDb"])
        assert.ok(g.metrics[`models[${m}].${field}`]?.ci95, `maxGap=${g.cell["maxGap"]}: models[${m}].${field} with an interval`);
    }
  }
  const tables = regimeTables(summary, dir);
  assert.deepEqual(
    tables.map((t) => t.label),
    ["maxGap=1", "maxGap=3"],
  );
  for (const t of tables) {
    assert.deepEqual(
      t.rows.map((r) => r.model),
      models,
    );
    assert.ok(["wins", "ties", "loses"].includes(t.verdict));
    assert.ok(t.rows.every((r) => r.usPerPrediction !== null && r.usPerPrediction >= 0));
    const md = regimeMarkdown(t);
    assert.equal(md.split("\n").filter((l) => l.startsWith("| ")).length, models.length + 1);
    assert.ok(md.includes(`alone \`${t.bestLiquid}\` **${t.verdict}**; best hybrid \`${t.bestHybrid}\` **${t.hybridVerdict}**`));
  }
  const compact = regimesCompactMarkdown(tables).split("\n");
  assert.equal(compact.length, 2 + models.length + 3);
  for (const m of models)
    assert.ok(
      compact.some((l) => l.startsWith(`| ${m} | `)),
      m,
    );
  assert.ok(compact.some((l) => l.startsWith("| **liquid alone vs best classical**") && l.includes(tables[1]!.verdict)));
});

test("the verdict is a win only for non-overlapping intervals below, a loss only above, a tie otherwise", () => {
  const s = (lo: number, hi: number): MetricStats => ({ n: 5, mean: (lo + hi) / 2, std: 1, ci95: [lo, hi], halfWidth: (hi - lo) / 2 });
  assert.equal(verdictOf(s(-12, -11), s(-10.9, -9)), "wins");
  assert.equal(verdictOf(s(-9, -8), s(-12, -9.1)), "loses");
  assert.equal(verdictOf(s(-12, -10), s(-10.5, -9)), "ties");
  assert.equal(verdictOf(s(-12, -8), s(-11, -10)), "ties");
});
