import { test } from "node:test";
import assert from "node:assert/strict";
import { besselJ0 } from "../../src/core/special.ts";

test("besselJ0 matches tabulated values to 1e-15 on both sides of the method switch at 25", () => {
  // References: scipy.special.j0 (Cephes, double precision), printed with repr.
  const table: [number, number][] = [
    [0, 1], [1e-8, 1], [0.1, 0.99750156206604], [0.5, 0.938469807240813], [1, 0.7651976865579665],
    [2, 0.22389077914123562], [3, -0.2600519549019335], [5, -0.1775967713143383], [7.5, 0.2663396578803784],
    [10, -0.24593576445134832], [12, 0.04768931079683335], [15, -0.014224472826780597], [20, 0.16702466434058322],
    [24.9, 0.08324596835301536], [25, 0.09626678327595801], [25.1, 0.10827567149994938], [30, -0.08636798358104031],
    [50, 0.055812327669252086], [100, 0.01998585030422333], [1000, 0.02478668615242003], [1e5, -0.001719201116238339],
  ];
  for (const [x, want] of table) {
    assert.ok(Math.abs(besselJ0(x) - want) <= 1e-15, `J0(${x}) = ${besselJ0(x)} vs ${want}`);
    assert.equal(besselJ0(-x), besselJ0(x), `J0 is even at ${x}`);
  }
});

test("besselJ0 vanishes at its first zeros and handles NaN and infinity", () => {
  for (const z of [2.404825557695773, 5.520078110286311, 8.653727912911013]) assert.ok(Math.abs(besselJ0(z)) < 1e-15, `J0(${z})`);
  assert.ok(Number.isNaN(besselJ0(NaN)));
  assert.equal(besselJ0(Infinity), 0);
});

test("besselJ0 gives the Clarke correlations of the prediction spec (6 GHz, 2 m/s, Δt = 1 ms)", () => {
  // f_D = v f_c / c = 40.03 Hz: ρ(k) = 0.984, 0.938, 0.863, 0.763, 0.642 to the three printed
  // digits (prediction.md §4, channel.md §4.3), and 2(1 − ρ) = −15.0, −9.0, −5.6, −3.2, −1.5 dB.
  const fd = (2 * 6e9) / 299792458;
  const rho = [1, 2, 3, 4, 5].map((k) => besselJ0(2 * Math.PI * fd * k * 1e-3));
  [0.984, 0.938, 0.863, 0.763, 0.642].forEach((r, i) => assert.ok(Math.abs(rho[i]! - r) <= 5e-4, `ρ(${i + 1}) = ${rho[i]}`));
  const holdDb = rho.map((r) => 10 * Math.log10(2 * (1 - r)));
  [-15.0, -9.0, -5.6, -3.2, -1.5].forEach((d, i) => assert.ok(Math.abs(holdDb[i]! - d) <= 0.05, `hold ${i + 1}: ${holdDb[i]} dB`));
});
