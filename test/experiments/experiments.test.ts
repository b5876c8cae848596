import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { EXPERIMENTS, movingAverage, runExperiment, type ExperimentResult } from "../../src/experiments/index.ts";
import { writeExperiment } from "../../src/report/experiment.ts";
import { runCliInProcess } from "../cli/cli-helpers.ts";

const BIN = join(import.meta.dirname, "../../bin/liquidwave.mjs");
const dir = mkdtempSync(join(tmpdir(), "lw-exp-"));

/** The series without the wall-clock fields (which differ from run to run). */
function numbers(r: ExperimentResult) {
  return r.series.map((s) => ({ name: s.name, x: s.x, y: s.y, raw: s.raw, p: s.maxPowerDbm }));
}

function checkFiles(r: ExperimentResult, files: string[]): void {
  assert.deepEqual(
    files.map((f) => f.slice(f.lastIndexOf("/") + 1)),
    [`${r.name}.json`, `${r.name}.csv`, `${r.name}-table.csv`, `${r.name}.vl.json`, `${r.name}.svg`, `${r.name}.png`],
  );
  const doc = JSON.parse(readFileSync(files[0]!, "utf8"));
  assert.equal(doc.name, r.name);
  assert.deepEqual(doc.files, files);
  assert.equal(doc.series.length, r.series.length);
  const csv = readFileSync(files[1]!, "utf8").trimEnd().split("\n");
  assert.equal(csv[0], "series,label,x,y,y_std,raw,max_power_dbm,ms_per_sample,equal_power");
  assert.equal(
    csv.length - 1,
    r.series.reduce((n, s) => n + s.x.length, 0),
    "one CSV row per point",
  );
  for (const line of csv.slice(1)) assert.ok(!/NaN|undefined/.test(line), line);
  const table = readFileSync(files[2]!, "utf8").trimEnd().split("\n");
  assert.equal(table.length, r.table.rows.length + 1);
  const svg = readFileSync(files[4]!, "utf8");
  assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);
  assert.match(svg, new RegExp(r.series[0]!.label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").slice(0, 10)), "the legend names the series");
  const png = readFileSync(files[5]!);
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
}

test("every beamforming experiment runs quick, gives finite equal-power series and writes well-formed JSON, CSV, SVG and PNG", async () => {
  for (const name of ["power-sweep", "cee-sweep", "dynamic", "complexity"]) {
    const r = runExperiment(name, { quick: true, samples: name === "dynamic" ? 18 : 3, lagdIterations: 10 });
    assert.equal(r.name, name);
    assert.ok(r.series.length >= 5, `${name}: ${r.series.length} series`);
    for (const s of r.series) {
      assert.equal(s.x.length, s.y.length);
      assert.ok(s.y.every(Number.isFinite), `${name}/${s.name}`);
      if (s.name === "wmmse-naive") {
        // the naive bisection returns its last mid-point: feasible only to ~1e-5 dB, and flagged
        assert.ok(
          s.maxPowerDbm!.every((p) => p < 10 + 1e-3),
          `${s.maxPowerDbm}`,
        );
      } else if (name !== "dynamic" || s.name !== "glnn:legacy") assert.equal(s.equalPower, true, `${name}/${s.name} power`);
    }
    if (name === "dynamic") {
      const legacy = r.series.find((s) => s.name === "glnn:legacy")!;
      assert.equal(legacy.equalPower, false);
      assert.match(legacy.label, /NOT the budget P/);
      assert.match(r.notes[0]!, /^NOT at equal power: glnn:legacy/);
    } else if (name === "complexity")
      assert.match(
        r.notes[0]!,
        /^(All algorithms at equal transmit power|NOT at equal power: wmmse-naive \(max [\d.e-]+ dB over the budget\) exceed)/,
      );
    else assert.match(r.notes[0]!, /^All algorithms at equal transmit power/);
    const files = await writeExperiment(r, join(dir, name));
    checkFiles(r, files);
  }
});

test("an experiment is deterministic for its seed (timings aside) and the seed changes the channels", () => {
  const a = runExperiment("dynamic", { quick: true, samples: 9, algorithms: ["glnn", "wmmse", "rzf"] });
  const b = runExperiment("dynamic", { quick: true, samples: 9, algorithms: ["glnn", "wmmse", "rzf"] });
  const c = runExperiment("dynamic", { quick: true, samples: 9, algorithms: ["glnn", "wmmse", "rzf"], seed: 2 });
  assert.deepEqual(numbers(a), numbers(b));
  assert.notDeepEqual(numbers(a), numbers(c));
  assert.deepEqual(
    a.table.rows.map((r) => r.slice(0, 5)),
    b.table.rows.map((r) => r.slice(0, 5)),
  );
});

test("the moving average is the trailing mean (shorter at the start)", () => {
  assert.deepEqual(movingAverage([1, 2, 3, 4, 5], 2), [1, 1.5, 2.5, 3.5, 4.5]);
  assert.deepEqual(movingAverage([4], 10), [4]);
});

test("liquidwave experiment --quick --json prints one document with name, series and files; bad names are one clear error", () => {
  const out = join(dir, "cli");
  const r = spawnSync(
    process.execPath,
    [
      BIN,
      "experiment",
      "power-sweep",
      "--quick",
      "--samples",
      "2",
      "--lagd-iterations",
      "5",
      "--algorithms",
      "glnn,lagd,zf",
      "--out",
      out,
      "--json",
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.name, "power-sweep");
  assert.deepEqual(
    doc.series.map((s: { name: string }) => s.name),
    ["glnn", "lagd:iters=5", "zf"],
  );
  assert.equal(doc.files.length, 6);
  assert.deepEqual(JSON.parse(readFileSync(join(out, "power-sweep.json"), "utf8")).series, doc.series);
  const bad = spawnSync(process.execPath, [BIN, "experiment", "nope", "--quick"], { encoding: "utf8" });
  assert.equal(bad.status, 1);
  assert.equal(bad.stderr, `liquidwave: experiment: unknown experiment 'nope', valid options are ${Object.keys(EXPERIMENTS).join(", ")}\n`);
  const badAlg = spawnSync(process.execPath, [BIN, "experiment", "dynamic", "--quick", "--algorithms", "glnn:turbo"], { encoding: "utf8" });
  assert.equal(badAlg.status, 1);
  assert.match(badAlg.stderr, /^liquidwave: algorithm: unknown option 'turbo' for glnn in 'glnn:turbo'\n$/);
  assert.equal(badAlg.stdout, "");
});

test("experiment options are one schema for the library and the CLI: bad values name the option, its value and its limit", async () => {
  assert.throws(() => runExperiment("dynamic", { samples: 0 }), {
    message: "experiment: config.samples: must be >= 1 and <= 1000000000, got 0",
  });
  assert.throws(() => runExperiment("power-sweep", { powersDbm: [0, 500] }), {
    message: "experiment: config.powersDbm[1]: must be >= -200 and <= 200, got 500",
  });
  assert.throws(() => runExperiment("dynamic", { turbo: 1 } as never), { message: "experiment: config.turbo: unknown option" });
  const r = await runCliInProcess(["experiment", "dynamic", "--samples", "0"]);
  assert.equal(r.code, 1);
  assert.equal(r.err, "liquidwave: experiment: --samples must be >= 1 and <= 1000000000, got 0\n");
  assert.equal(r.out, "");
});
