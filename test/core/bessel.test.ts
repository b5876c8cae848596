import { test } from "node:test";
import assert from "node:assert/strict";
import { BESSEL_J0_FIRST_ZERO, besselJ0, besselJ0Inverse, besselJ1 } from "../../src/core/bessel.ts";
import { normalQuantile } from "../../src/core/normal.ts";

// Reference values: scipy.special.j0 / j1 (scipy 1.17.1, double precision), covering the
// power-series (|x| ≤ 4), Miller (4 < |x| ≤ 25) and Hankel (|x| > 25) regimes and their borders.
const REF: [x: number, j0: number, j1: number][] = [
  [0, 1.0, 0.0],
  [1e-8, 1.0, 5.000000000000001e-9],
  [0.5, 0.938469807240813, 0.24226845767487387],
  [1, 0.7651976865579665, 0.44005058574493355],
  [2, 0.22389077914123562, 0.5767248077568734],
  [2.404825557695773, -9.586882554916807e-17, 0.5191474972894666],
  [3, -0.2600519549019335, 0.33905895852593654],
  [3.8317059702075125, -0.402759395702553, -9.335846914555864e-17],
  [4, -0.3971498098638473, -0.06604332802354912],
  [5, -0.1775967713143383, -0.3275791375914653],
  [7.5, 0.2663396578803784, 0.13524842757970554],
  [10, -0.24593576445134832, 0.04347274616886141],
  [12.5, 0.14688405470042093, -0.16548380461475956],
  [15, -0.014224472826780597, 0.20510403861352278],
  [20, 0.16702466434058322, 0.0668331241758502],
  [24.9, 0.08324596835301536, -0.1348556995314088],
  [25.1, 0.10827567149994938, -0.11463478413442246],
  [30, -0.08636798358104031, -0.11875106261662305],
  [50, 0.055812327669252086, -0.09751182812517509],
  [100, 0.01998585030422333, -0.0771453520141123],
  [1000, 0.02478668615242003, 0.00472831190708902],
  [-3.3, -0.34429626039888467, -0.22066345298524112],
];

test("J0 and J1 match scipy to 1e-15 absolute in every regime", () => {
  for (const [x, j0, j1] of REF) {
    assert.ok(Math.abs(besselJ0(x) - j0) <= 1e-15, `J0(${x}) = ${besselJ0(x)}, scipy ${j0}`);
    assert.ok(Math.abs(besselJ1(x) - j1) <= 1e-15, `J1(${x}) = ${besselJ1(x)}, scipy ${j1}`);
  }
});

test("J0 is even, J1 odd, and J0' = −J1 by central differences", () => {
  for (const x of [0.3, 3.7, 11.2, 40.5]) {
    assert.equal(besselJ0(-x), besselJ0(x));
    assert.equal(besselJ1(-x), -besselJ1(x));
    const h = 1e-5;
    const d = (besselJ0(x + h) - besselJ0(x - h)) / (2 * h);
    assert.ok(Math.abs(d + besselJ1(x)) < 1e-9, `J0'(${x}) = ${d}, −J1 = ${-besselJ1(x)}`);
  }
});

test("J0 satisfies Bessel's equation x²y'' + xy' + x²y = 0 numerically across the regime borders", () => {
  for (const x of [3.99, 4.01, 24.99, 25.01, 60]) {
    const h = 1e-4;
    const y = besselJ0(x);
    const y1 = (besselJ0(x + h) - besselJ0(x - h)) / (2 * h);
    const y2 = (besselJ0(x + h) - 2 * y + besselJ0(x - h)) / (h * h);
    assert.ok(Math.abs(x * x * y2 + x * y1 + x * x * y) < 1e-4 * x * x, `residual at ${x}`);
  }
});

test("besselJ0Inverse inverts J0 on its first lobe and rejects values outside [0, 1]", () => {
  for (const y of [1, 0.999, 0.9, 0.642, 0.5, 0.1, 0]) {
    const x = besselJ0Inverse(y);
    assert.ok(x >= 0 && x <= BESSEL_J0_FIRST_ZERO + 1e-15);
    assert.ok(Math.abs(besselJ0(x) - y) < 1e-15, `J0(J0⁻¹(${y})) = ${besselJ0(x)}`);
  }
  assert.ok(Number.isNaN(besselJ0Inverse(-0.1)));
  assert.ok(Number.isNaN(besselJ0Inverse(1.1)));
});

test("special values: NaN propagates, J(±∞) = 0", () => {
  assert.ok(Number.isNaN(besselJ0(NaN)));
  assert.equal(besselJ0(Infinity), 0);
  assert.equal(besselJ1(-Infinity), 0);
});

// scipy.stats.norm.ppf reference values.
const PPF: [number, number][] = [
  [1e-6, -4.753424308822899],
  [0.001, -3.090232306167813],
  [0.02, -2.053748910631823],
  [0.02425, -1.972961051311885],
  [0.1, -1.2815515655446004],
  [0.134, -1.1076800921478],
  [0.3, -0.5244005127080409],
  [0.5, 0],
  [0.52, 0.05015358346473367],
  [0.77, 0.7388468491852137],
  [0.975, 1.959963984540054],
  [0.999999, 4.753424308817087],
];

test("normalQuantile matches scipy's norm.ppf within 1.2e-9 relative", () => {
  for (const [p, x] of PPF) {
    const q = normalQuantile(p);
    assert.ok(Math.abs(q - x) <= 1.2e-9 * Math.max(1, Math.abs(x)), `Φ⁻¹(${p}) = ${q}, scipy ${x}`);
  }
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  assert.throws(() => normalQuantile(1.5), /normalQuantile: p must be in \[0, 1\], got 1.5/);
});
