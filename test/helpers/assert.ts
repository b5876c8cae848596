/** Numerical assertions shared by the test suite. */
import assert from "node:assert/strict";

/**
 * Assert `actual` ≈ `expected` elementwise: |a - e| <= atol + rtol * |e|.
 * The message names the worst element, so a failure says where and by how much.
 */
export function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-9, atol = 1e-12, label = "" }: { rtol?: number; atol?: number; label?: string } = {},
): void {
  assert.equal(actual.length, expected.length, `${label} length ${actual.length} vs ${expected.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    assert.fail(
      `${label} not close at index ${worst}: actual ${actual[worst]}, expected ${expected[worst]} ` +
        `(|diff| ${Math.abs(actual[worst]! - expected[worst]!)}, rtol ${rtol}, atol ${atol})`,
    );
  }
}

/** Relative error in the max norm: max |a − b| over max |b| (0/0 = 0); lengths must agree. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, `maxRelErr: lengths ${a.length} and ${b.length}`);
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return den === 0 ? num : num / den;
}

/** Relative error ||a - b|| / max(||b||, tiny) in the 2-norm. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
}

/**
 * Central finite-difference gradient of a scalar function of `x` (modified in place and restored).
 * Step h scaled to |x_i|, so large and small entries are both probed well.
 */
export function numericalGradient(f: () => number, x: Float64Array | Float32Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    const step = h * Math.max(1, Math.abs(x0));
    x[i] = x0 + step;
    const fp = f();
    x[i] = x0 - step;
    const fm = f();
    x[i] = x0;
    g[i] = (fp - fm) / (2 * step);
  }
  return g;
}
