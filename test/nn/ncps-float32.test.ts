/**
 * liquidwave's float32 mode against ncps/PyTorch run in float32 on the same (float32-rounded)
 * weights and inputs: the `ncps-float32/1` documents in test/fixtures/ncps-f32 were made by
 * tools/ncps_float32.py from the float64 reference documents of test/fixtures/ncps*. Each also
 * records how far PyTorch float32 lies from PyTorch float64 (r, ~1e-7..2e-6 relative to the
 * largest magnitude): our float32 results must lie within max(4·r, 2e-6) of ncps's float32 ones,
 * i.e. at the float32 tolerance a PyTorch-vs-PyTorch comparison shows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { asTensor } from "../../src/nn/ncps-format.ts";
import { importNcpsModel } from "../../src/nn/ncps-import.ts";
import { zeroGrads } from "../../src/cells/param.ts";
import { maxRelErr } from "../helpers/assert.ts";

const FIX = join(import.meta.dirname, "../fixtures");
const DIR = join(FIX, "ncps-f32");

interface F32Doc {
  case: string;
  source: string;
  output: { shape: number[]; data: number[] };
  final_state: { shape: number[]; data: number[] };
  grads: Record<string, { shape: number[]; data: number[] }>;
  grad_input: { shape: number[]; data: number[] };
  torch32_vs_torch64: { output: number; final_state: number; grads: number; grad_input: number };
}

for (const file of readdirSync(DIR).filter((f) => f.endsWith(".json"))) {
  const doc = JSON.parse(readFileSync(join(DIR, file), "utf8")) as F32Doc;
  test(`float32 ${doc.case} matches ncps/PyTorch float32 to the PyTorch float32-vs-float64 scale`, () => {
    const srcPath = [join(FIX, "ncps", doc.source), join(FIX, "ncps-extra", doc.source)].find(existsSync);
    assert.ok(srcPath, `source document ${doc.source} not found`);
    const src = JSON.parse(readFileSync(srcPath, "utf8"));
    using model = importNcpsModel(src, "ncps-float32 test", "float32");
    assert.equal(model.dtype, "float32");
    if (model.kind !== "sequence") throw new Error("sequence model expected");
    const run = src.runs.find((r: { name: string }) => r.name === "regular");
    const res = model.net.forward(asTensor(run.input, "test", "input"), { record: true });
    const tol = (r: number) => Math.max(4 * r, 2e-6);
    const r = doc.torch32_vs_torch64;
    const check = (what: string, ours: ArrayLike<number>, ref: ArrayLike<number>, scale: number) => {
      const e = maxRelErr(ours, ref);
      assert.ok(e <= tol(scale), `${what}: ${e.toExponential(2)} vs ncps float32 (allowed ${tol(scale).toExponential(2)})`);
    };
    check("output", res.output.data, doc.output.data, r.output);
    check("final state", res.finalState.data, doc.final_state.data, r.final_state);
    zeroGrads(model.params);
    const back = model.net.backward({ shape: res.output.shape, data: new Float64Array(res.output.data.length).fill(1) });
    check("input gradient", back.dInput.data, doc.grad_input.data, r.grad_input);
    const byName = new Map(model.params.map((p) => [p.name, p]));
    for (const [name, g] of Object.entries(doc.grads)) {
      const p = byName.get(name);
      assert.ok(p, `unknown parameter ${name}`);
      check(`grad ${name}`, p.grad, g.data, r.grads);
    }
  });
}
