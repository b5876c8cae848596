import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { verifyNcpsDocument } from "../../src/nn/ncps-verify.ts";

const dir = new URL("../fixtures/ncps/", import.meta.url);
const index = JSON.parse(readFileSync(new URL("index.json", dir), "utf8")) as { cases: { case: string; file: string }[] };

for (const { case: name, file } of index.cases) {
  test(`golden case ${name} reproduces outputs, states and gradients to 1e-9 relative`, () => {
    const doc = JSON.parse(readFileSync(new URL(file, dir), "utf8"));
    const report = verifyNcpsDocument(doc);
    for (const run of report.runs) {
      const bad = Object.entries(run.gradientDetail).filter(([, c]) => c.failures > 0).map(([k, c]) => `${k} (max abs ${c.maxAbsErr.toExponential(2)})`);
      assert.ok(run.pass, `${name}/${run.name}: outputs ${run.outputs.maxAbsErr.toExponential(2)}, states ${run.states.maxAbsErr.toExponential(2)}, gradients ${run.gradients.maxAbsErr.toExponential(2)}; failing: ${bad.join(", ")}`);
      assert.ok(run.outputs.count > 0 && run.states.count > 0 && run.gradients.count > 0, "something was compared");
    }
    assert.equal(report.runs.length, 2, "regular and irregular runs");
  });
}
