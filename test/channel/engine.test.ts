import { test } from "node:test";
import assert from "node:assert/strict";
import { accumulateRays, fadeWeight } from "../../src/channel/engine.ts";
import { Rng } from "../../src/core/random.ts";

test("accumulateRays equals a naive triple loop for every parity of Nk and M (1e-12)", () => {
  const rng = new Rng(1);
  for (const [count, Nk, M, R] of [
    [3, 2, 64, 20],
    [2, 1, 7, 5],
    [4, 3, 5, 1],
    [1, 4, 1, 9],
    [2, 5, 9, 3],
  ] as const) {
    const xRe = rng.fillNormal(new Float64Array(count * Nk * R));
    const xIm = rng.fillNormal(new Float64Array(count * Nk * R));
    const aRe = rng.fillNormal(new Float64Array(M * R));
    const aIm = rng.fillNormal(new Float64Array(M * R));
    const size = count * Nk * M + 7;
    const oRe = rng.fillNormal(new Float64Array(size));
    const oIm = rng.fillNormal(new Float64Array(size));
    const eRe = oRe.slice();
    const eIm = oIm.slice();
    const bases = Int32Array.from({ length: count }, (_, b) => 7 + (count - 1 - b) * Nk * M);
    accumulateRays(count, Nk, M, R, xRe, xIm, aRe, aIm, oRe, oIm, bases);
    for (let b = 0; b < count; b++) {
      for (let n = 0; n < Nk; n++) {
        for (let m = 0; m < M; m++) {
          let sr = 0;
          let si = 0;
          for (let r = 0; r < R; r++) {
            const x = (b * Nk + n) * R + r;
            sr += xRe[x]! * aRe[m * R + r]! - xIm[x]! * aIm[m * R + r]!;
            si += xRe[x]! * aIm[m * R + r]! + xIm[x]! * aRe[m * R + r]!;
          }
          eRe[bases[b]! + n * M + m] += sr;
          eIm[bases[b]! + n * M + m] += si;
        }
      }
    }
    for (let i = 0; i < size; i++)
      assert.ok(Math.abs(oRe[i]! - eRe[i]!) < 1e-12 && Math.abs(oIm[i]! - eIm[i]!) < 1e-12, `${count}x${Nk}x${M}x${R} at ${i}`);
  }
});

test("cross-fades: sin/cos amplitude ramps whose powers add up to one", () => {
  const old = { fadeIn: -Infinity, fadeOut: 10, ramp: 2 };
  const fresh = { fadeIn: 10, fadeOut: Infinity, ramp: 2 };
  for (const s of [9, 10, 10.5, 11, 11.7, 12, 13]) {
    assert.ok(Math.abs(fadeWeight(old, s) ** 2 + fadeWeight(fresh, s) ** 2 - 1) < 1e-15, `s = ${s}`);
  }
  assert.equal(fadeWeight(old, 12), 0);
  assert.equal(fadeWeight(fresh, 10), 0);
  assert.equal(fadeWeight({ fadeIn: 0, fadeOut: 1, ramp: 2 }, 1.5), Math.sin(Math.PI * 0.375) * Math.cos(Math.PI * 0.125));
});
