/**
 * Issue 13's acceptance: on the demo's prediction scenario at its quick size (umi-6ghz, 20 dB,
 * 20 past → 5 ahead, seed 1: exactly the `runPrediction` config of `liquidwave demo --quick`), LTC
 * and both NCP variants beat sample-and-hold at every step. One in-process run serves every
 * assertion.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoPredictionConfig } from "../../src/experiments/demo.ts";
import { runPrediction } from "../../src/experiments/prediction.ts";

const config = demoPredictionConfig(true, 1);
const result = runPrediction({ ...config, models: ["hold", "ltc", "ncp", "ltc-ncp"] });
const hold = result.models.find((m) => m.name === "hold")!;

for (const name of ["ltc", "ncp", "ltc-ncp"]) {
  test(`${name} has a lower NMSE than sample-and-hold at every step of the demo's quick scenario`, () => {
    const m = result.models.find((r) => r.name === name);
    assert.ok(m, `${name} ran`);
    m.nmseDb.forEach((v, k) =>
      assert.ok(v < hold.nmseDb[k]!, `${name} step ${k + 1}: ${v.toFixed(2)} dB vs hold ${hold.nmseDb[k]!.toFixed(2)} dB`),
    );
  });
}
