import { test } from "node:test";
import assert from "node:assert/strict";
import { erf } from "../../src/core/special.ts";

test("erf matches tabulated values (Abramowitz & Stegun 7.1, high-precision references)", () => {
  // Reference values: correctly rounded erf (as printed by CPython math.erf, which agrees with mpmath).
  const table: [number, number][] = [
    [0, 0],
    [1e-10, 1.1283791670955126e-10],
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [3, 0.9999779095030014],
    [4, 0.9999999845827421],
    [5.5, 0.9999999999999927],
  ];
  for (const [x, want] of table) {
    assert.ok(Math.abs(erf(x) - want) <= 4e-16 * Math.max(Math.abs(want), 1e-300) + 1e-300, `erf(${x}) = ${erf(x)} vs ${want}`);
    assert.ok(erf(-x) === -erf(x), `erf is odd at ${x}`);
  }
  assert.equal(erf(10), 1);
  assert.ok(Number.isNaN(erf(NaN)));
});
