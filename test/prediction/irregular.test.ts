/**
 * Irregular sampling (issue 13): the Kalman predictor runs on the Δt grid and skips the updates at
 * unobserved points; a model that refuses the window set is skipped with its reason, not a failed run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runPrediction } from "../../src/experiments/prediction.ts";

test("on irregular windows (gaps 1..3) the Kalman filter is within 2 dB of the exact Wiener-J0 predictor and far better than hold; ridge is skipped with its reason", () => {
  const r = runPrediction({
    channel: { preset: "clarke", users: 12, samples: 600 },
    models: ["hold", "wiener", "kalman", "ridge"],
    maxGap: 3,
    seed: 3,
  });
  assert.equal(r.config.regular, false);
  const by = Object.fromEntries(r.models.map((m) => [m.name, m]));
  assert.deepEqual(Object.keys(by), ["hold", "wiener", "kalman"]);
  assert.equal(r.skipped?.length, 1);
  assert.equal(r.skipped![0]!.name, "ridge");
  assert.match(r.skipped![0]!.reason, /^RidgePredictor.fit: needs regularly sampled windows/);
  // Wiener-J0 with the true f_D is the LMMSE predictor at the actual sample times (the oracle);
  // the AR(8) Kalman model approximates the same correlation on the grid
  for (let k = 0; k < 5; k++) {
    assert.ok(
      by.kalman!.nmseDb[k]! < by.hold!.nmseDb[k]! - 3,
      `step ${k + 1}: kalman ${by.kalman!.nmseDb[k]} vs hold ${by.hold!.nmseDb[k]}`,
    );
    assert.ok(
      by.kalman!.nmseDb[k]! < by.wiener!.nmseDb[k]! + 2,
      `step ${k + 1}: kalman ${by.kalman!.nmseDb[k]} vs wiener ${by.wiener!.nmseDb[k]}`,
    );
  }
});
