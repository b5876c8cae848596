import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./cli-helpers.ts";

test("demo --quick --json runs both case studies and writes the report", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "lw-demo-")), "out");
  const r = runCli(["demo", "--quick", "--out", dir, "--json"], { timeoutMs: 300000 });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.report, join(dir, "report.html"));
  assert.ok(existsSync(doc.report));
  for (const f of ["prediction-nmse.svg", "prediction-nmse.png", "prediction.csv", "dynamic.svg", "dynamic.png", "dynamic.json"])
    assert.ok(existsSync(join(dir, f)), f);
  const names = doc.prediction.models.map((m: { name: string }) => m.name);
  for (const n of ["hold", "wiener", "cfc", "ltc", "ncp"]) assert.ok(names.includes(n), n);
  for (const m of doc.prediction.models) assert.equal(m.nmseDb.length, 5);
  const algs = doc.beamforming.series.map((s: { name: string }) => s.name);
  for (const n of ["glnn", "wmmse"]) assert.ok(algs.includes(n), n);
  // Equal power: every reported maximum transmit power is within the 10 dBm budget.
  for (const s of doc.beamforming.series) assert.ok(s.maxPowerDbm[0] <= 10 + 1e-6, `${s.name} ${s.maxPowerDbm[0]}`);
});
