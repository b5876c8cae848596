import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expandGrid, cellOptions } from "../../src/study/grid.ts";
import { parseStudy, readStudyFile } from "../../src/study/schema.ts";
import { checkTaskOptions } from "../../src/study/tasks.ts";
import { describe, studentTQuantile } from "../../src/study/stats.ts";
import { readResults, ResultsWriter } from "../../src/study/results.ts";
import { prepareStudyDir } from "../../src/study/dir.ts";
import { summarizeStudy, flattenMetrics } from "../../src/study/summary.ts";
import { writeStudyReport } from "../../src/study/report.ts";
import { isTimingKey, stripTimings } from "../../src/study/timing.ts";
import { SMALL_STUDY, tempDir, writeStudy } from "./helpers.ts";
import { DEMO_STUDIES } from "../../src/experiments/demo.ts";

test("grid expansion gives every combination in grid order, with keys and seeds that depend only on the grid values", () => {
  const s = parseStudy({ task: "beamform", base: { preset: "rayleigh" }, grid: { seed: [3, 1], powerDbm: [0, 10, 20] } });
  const cells = expandGrid(s);
  assert.equal(cells.length, 6);
  assert.deepEqual(
    cells.map((c) => c.values),
    [
      { seed: 3, powerDbm: 0 },
      { seed: 3, powerDbm: 10 },
      { seed: 3, powerDbm: 20 },
      { seed: 1, powerDbm: 0 },
      { seed: 1, powerDbm: 10 },
      { seed: 1, powerDbm: 20 },
    ],
  );
  assert.deepEqual(
    cells.map((c) => c.seed),
    [3, 3, 3, 1, 1, 1],
  );
  assert.equal(cells[1]!.key, '{"powerDbm":10,"seed":3}');
  // the same cell in a grid written in another key order has the same key
  const swapped = expandGrid(parseStudy({ task: "beamform", grid: { powerDbm: [10], seed: [3] } }));
  assert.equal(swapped[0]!.key, cells[1]!.key);
  // without a seed in the grid each cell gets its own seed from its values (and the base seed)
  const noSeed = expandGrid(parseStudy({ task: "beamform", base: { seed: 5 }, grid: { powerDbm: [0, 10] } }));
  assert.notEqual(noSeed[0]!.seed, noSeed[1]!.seed);
  assert.deepEqual(
    expandGrid(parseStudy({ task: "beamform", grid: { powerDbm: [10, 0] }, base: { seed: 5 } })).map((c) => c.seed),
    [noSeed[1]!.seed, noSeed[0]!.seed],
  );
  // dotted keys set nested options; the cell's seed is always set
  const p = parseStudy({ task: "predict", base: { channel: { preset: "clarke" } }, grid: { "channel.speed": [2, 4] } });
  const o = cellOptions(p, expandGrid(p)[1]!);
  assert.deepEqual(o["channel"], { preset: "clarke", speed: 4 });
  assert.equal(typeof o["seed"], "number");
});

test("a bad study file fails with one line naming the field and the value", () => {
  const cases: [unknown, RegExp][] = [
    [{ task: "bf", grid: { seed: [1] } }, /study\.task: .*got "bf"/],
    [{ task: "beamform", grid: { seed: [] } }, /study\.grid\.seed: expected a non-empty list/],
    [{ task: "beamform", grid: { seed: [1, -2] } }, /study\.grid\.seed: expected non-negative integers, got \[1,-2\]/],
    [{ task: "beamform", grid: { powerDbm: [0, 0] } }, /study\.grid\.powerDbm: the value 0 is listed twice/],
    [{ task: "beamform", base: { powerDbm: 3 }, grid: { powerDbm: [0] } }, /study\.grid\.powerDbm: also set in study\.base/],
    [{ task: "experiment", grid: { seed: [1] } }, /study\.experiment: task 'experiment' needs/],
    [{ task: "beamform", grid: { seed: [1] }, extra: 1 }, /Unrecognized key: "extra"/],
    [{ task: "beamform", grid: {} }, /study\.grid: expected at least one key/],
  ];
  for (const [doc, re] of cases) {
    assert.throws(
      () => parseStudy(doc),
      (e: Error) => {
        assert.match(e.message, re);
        assert.ok(!e.message.includes("\n"), e.message);
        return true;
      },
    );
  }
});

test("the 97.5 % Student-t quantile matches the printed tables", () => {
  const table: [number, number][] = [
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [9, 2.262],
    [10, 2.228],
    [20, 2.086],
    [30, 2.042],
    [120, 1.98],
  ];
  for (const [df, t] of table)
    assert.ok(Math.abs(studentTQuantile(0.975, df) - t) < 5e-4, `df ${df}: ${studentTQuantile(0.975, df)} vs ${t}`);
  assert.ok(Math.abs(studentTQuantile(0.995, 4) - 4.604) < 5e-4);
  assert.ok(Math.abs(studentTQuantile(0.025, 4) + 2.776) < 5e-4);
  assert.ok(Math.abs(studentTQuantile(0.975, 1e7) - 1.95996) < 1e-4);
});

test("summary statistics match hand-computed means, deviations and confidence intervals", async () => {
  // values 1, 2, 3, 4: mean 2.5, std sqrt(5/3) = 1.290994, half-width 3.182446 * 1.290994 / 2 = 2.054260
  const d = describe([1, 2, 3, 4]);
  assert.equal(d.n, 4);
  assert.equal(d.mean, 2.5);
  assert.ok(Math.abs(d.std! - 1.2909944) < 1e-6);
  assert.ok(Math.abs(d.halfWidth! - 2.0542603) < 1e-6);
  assert.ok(Math.abs(d.ci95![0] - 0.4457397) < 1e-6 && Math.abs(d.ci95![1] - 4.5542603) < 1e-6);
  const one = describe([7]);
  assert.deepEqual([one.mean, one.std, one.ci95], [7, null, null]);

  // a study folder written by hand: two groups (powerDbm 0 and 10) of three seeds
  const dir = tempDir("summary");
  const study = parseStudy({ task: "beamform", base: { preset: "rayleigh" }, grid: { seed: [1, 2, 3], powerDbm: [0, 10] } });
  prepareStudyDir(dir, study, writeStudy(dir, study, "source.yaml"));
  const w = new ResultsWriter(dir);
  const se: Record<number, number[]> = { 0: [2, 4, 6], 10: [10, 11, 15] };
  for (const p of [10, 0])
    for (const seed of [3, 1, 2])
      w.append({
        cell: { seed, powerDbm: p },
        ms: 12.5,
        result: { config: { seed }, algorithms: [{ name: "zf", seMean: se[p]![seed - 1]!, msPerSample: 3 }] },
      });
  w.close();
  const s = summarizeStudy(dir);
  assert.deepEqual(s.groupKeys, ["powerDbm"]);
  assert.deepEqual(
    s.groups.map((g) => [g.cell, g.n, g.seeds]),
    [
      [{ powerDbm: 0 }, 3, [1, 2, 3]],
      [{ powerDbm: 10 }, 3, [1, 2, 3]],
    ],
  );
  assert.deepEqual(Object.keys(s.groups[0]!.metrics), ["algorithms[zf].seMean"]);
  const g10 = s.groups[1]!.metrics["algorithms[zf].seMean"]!;
  // 10, 11, 15: mean 12, std sqrt(7) = 2.645751, t(0.975, 2) = 4.302653, half-width 6.572411
  assert.equal(g10.mean, 12);
  assert.ok(Math.abs(g10.std! - 2.6457513) < 1e-6);
  assert.ok(Math.abs(g10.halfWidth! - 6.5724106) < 1e-5, String(g10.halfWidth));

  // the report: a page, one figure with error bars, and the summary as CSV
  const page = await writeStudyReport(dir, s);
  assert.match(readFileSync(page, "utf8"), /seMean/);
  assert.match(readFileSync(join(dir, "report", "metric-1-seMean.vl.json"), "utf8"), /errorbar/);
  const row = readFileSync(join(dir, "report", "summary.csv"), "utf8")
    .split("\n")[2]!
    .split(",");
  assert.deepEqual(row.slice(0, 4), ["10", "algorithms[zf].seMean", "3", "12"]);
  [2.6457513, 12 - 6.5724106, 12 + 6.5724106].forEach((v, i) => assert.ok(Math.abs(Number(row[4 + i]) - v) < 1e-5, row.join(",")));
});

test("timing fields are recognised by name and left out of comparisons and metrics", () => {
  for (const k of ["ms", "msPerSample", "usPerPrediction", "trainSeconds", "seconds", "designMs"]) assert.ok(isTimingKey(k), k);
  for (const k of ["seMean", "maxPowerDbm", "nmseDb", "samples", "msg", "items"]) assert.ok(!isTimingKey(k), k);
  assert.deepEqual(stripTimings({ ms: 1, result: { a: [{ msPerSample: 2, se: 3 }] } }), { result: { a: [{ se: 3 }] } });
  assert.deepEqual(
    [...flattenMetrics({ config: { x: 1 }, models: [{ name: "cfc", nmseDb: [-1, -2], trainSeconds: 4 }] }).keys()],
    ["models[cfc].nmseDb[0]", "models[cfc].nmseDb[1]"],
  );
  // experiment tables: rows by name, columns by label, timing columns left out
  const table = {
    header: ["algorithm", "SE all", "ms/sample"],
    rows: [
      ["zf", 3.5, 0.2],
      ["wmmse", 4, 1.5],
    ],
    caption: "c",
  };
  assert.deepEqual(stripTimings({ table }), {
    table: {
      caption: "c",
      header: ["algorithm", "SE all"],
      rows: [
        ["zf", 3.5],
        ["wmmse", 4],
      ],
    },
  });
  assert.deepEqual(
    [...flattenMetrics({ table }).entries()],
    [
      ["table[zf].SE all", 3.5],
      ["table[wmmse].SE all", 4],
    ],
  );
});

test("a torn last line of results.jsonl is cut off when the study resumes and is never counted", () => {
  const dir = tempDir("torn");
  const w = new ResultsWriter(dir);
  w.append({ cell: { seed: 1 }, result: { v: 1 } });
  w.append({ cell: { seed: 2 }, result: { v: 2 } });
  w.close();
  const path = join(dir, "results.jsonl");
  const whole = readFileSync(path, "utf8");
  appendFileSync(path, '{"cell":{"seed":3},"result":{"v"');
  assert.equal(readResults(dir).lines.length, 2);
  assert.ok(readResults(dir).tornBytes > 0);
  const again = new ResultsWriter(dir);
  assert.equal(readFileSync(path, "utf8"), whole);
  again.append({ cell: { seed: 3 }, result: { v: 3 } });
  again.close();
  assert.deepEqual(
    readResults(dir).lines.map((l) => l.cell["seed"]),
    [1, 2, 3],
  );
  // damage before the last line is not a crash artefact: an error naming the line
  writeFileSync(path, 'garbage\n{"cell":{},"result":1}\n');
  assert.throws(() => readResults(dir), /results\.jsonl line 1 is not valid JSON/);
});

test("a changed study file in the same folder is an error naming the changed field; the same study resumes", () => {
  const dir = tempDir("changed");
  const study = parseStudy(SMALL_STUDY);
  assert.equal(prepareStudyDir(dir, study, writeStudy(dir, SMALL_STUDY, "a.yaml")).resumed, false);
  assert.equal(prepareStudyDir(dir, study, writeStudy(dir, SMALL_STUDY, "a.yaml")).resumed, true);
  const changed = parseStudy({ ...SMALL_STUDY, grid: { ...SMALL_STUDY.grid, powerDbm: [0, 5, 20] } });
  assert.throws(
    () => prepareStudyDir(dir, changed, writeStudy(dir, changed, "b.yaml")),
    /holds a different study \(from a\.yaml; study\.grid\.powerDbm changed\)/,
  );
});

test("every study file in studies/ (the demo's among them) is valid, options included", async () => {
  const dir = join(import.meta.dirname, "../../studies");
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  for (const f of Object.values(DEMO_STUDIES)) assert.ok(files.includes(f.replace("studies/", "")), `${f} exists`);
  assert.ok(files.length >= 13, `${files.length} study files`);
  for (const f of files) {
    const s = readStudyFile(join(dir, f));
    await checkTaskOptions(
      s.task,
      s.experiment,
      expandGrid(s).map((c) => cellOptions(s, c)),
    );
  }
});
