import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { verifyNcpsDocument } from "../../src/nn/ncps-verify.ts";

// Reference documents exported from ncps 1.0.1 (PyTorch, float64) by tools/ncps_export.py: the
// held-back acceptance cases plus broader coverage of options and wirings (see index.json).
const dir = new URL("../fixtures/ncps-extra/", import.meta.url);
const index = JSON.parse(readFileSync(new URL("index.json", dir), "utf8")) as {
  cases: { case: string; file: string; description: string }[];
};

test("the extra ncps index lists distinct cases", () => {
  assert.ok(index.cases.length >= 30, `${index.cases.length} cases`);
  assert.equal(new Set(index.cases.map((c) => c.case)).size, index.cases.length);
});

for (const { case: name, file } of index.cases) {
  test(`ncps case ${name} reproduces outputs, states and gradients to 1e-9 relative, 1e-12 absolute`, () => {
    const doc = JSON.parse(readFileSync(new URL(file, dir), "utf8"));
    const report = verifyNcpsDocument(doc, { rtol: 1e-9, atol: 1e-12 });
    for (const run of report.runs) {
      const bad = Object.entries(run.gradientDetail)
        .filter(([, c]) => c.failures > 0)
        .map(([k, c]) => `${k} (max abs ${c.maxAbsErr.toExponential(2)})`);
      assert.ok(
        run.pass,
        `${name}/${run.name}: outputs ${run.outputs.maxAbsErr.toExponential(2)}, states ${run.states.maxAbsErr.toExponential(2)}, gradients ${run.gradients.maxAbsErr.toExponential(2)}; failing: ${bad.join(", ")}`,
      );
      assert.ok(run.outputs.count > 0 && run.states.count > 0 && run.gradients.count > 0, "something was compared");
    }
    assert.deepEqual(
      report.runs.map((r) => r.name),
      ["regular", "irregular"],
    );
  });
}

function load(file: string): {
  runs: { output: { data: number[] }; grads: Record<string, { data: number[] }> }[];
  model: { ctor: Record<string, unknown> };
  config: Record<string, unknown>;
} {
  return JSON.parse(readFileSync(new URL(file, dir), "utf8"));
}

test("the extra set contains the four held-back acceptance cases", () => {
  const names = new Set(index.cases.map((c) => c.case));
  for (const n of [
    "ltc_fc8_out2_explicit",
    "cfc_pure_autoncp16_out2",
    "cfc_no_gate_autoncp16_out2",
    "cfc_default_u8_mixed_proj4_bb2x16_silu",
  ]) {
    assert.ok(names.has(n), n);
  }
});

test("a reference output or gradient moved just beyond the tolerance is reported", () => {
  const doc = load("ltc_fc8_out2_explicit.json");
  const g = doc.runs[1]!.grads["rnn_cell.cm"]!.data;
  g[3] = g[3]! * (1 + 3e-9) + Math.sign(g[3]!) * 2e-12;
  doc.runs[0]!.output.data[0]! += 1e-9 * Math.abs(doc.runs[0]!.output.data[0]!) + 1e-11;
  const report = verifyNcpsDocument(doc);
  assert.equal(report.pass, false);
  assert.equal(report.runs[0]!.outputs.failures, 1);
  assert.equal(report.runs[0]!.gradients.failures, 0);
  assert.equal(report.runs[1]!.gradientDetail["rnn_cell.cm"]!.failures, 1);
  assert.equal(report.runs[1]!.outputs.failures, 0);
});

test("backbone parameter names follow ncps's Dropout module shift (0, 2, 5), and a mismatch is an error", () => {
  const doc = load("cfc_default_u8_bb3x16_dropout.json");
  assert.ok(verifyNcpsDocument(doc).pass);
  delete doc.model.ctor["backbone_dropout"];
  delete doc.config["backbone_dropout"];
  assert.throws(() => verifyNcpsDocument(doc), /unknown parameter 'rnn_cell\.backbone\.5\.weight'/);
});
