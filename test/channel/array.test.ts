import { test } from "node:test";
import assert from "node:assert/strict";
import { arraySize, elementPositions, steeringVector, ula, upa } from "../../src/channel/array.ts";
import { unitVector } from "../../src/channel/geometry.ts";
import type { Vec3 } from "../../src/channel/geometry.ts";
import { Rng } from "../../src/core/random.ts";

/** a(r̂)_m = exp(j 2π p_m·r̂) by direct evaluation (positions in wavelengths). */
function direct(pos: Float64Array, r: Vec3): { re: number[]; im: number[] } {
  const re: number[] = [];
  const im: number[] = [];
  for (let m = 0; m < pos.length / 3; m++) {
    const ph = 2 * Math.PI * (pos[3 * m]! * r[0] + pos[3 * m + 1]! * r[1] + pos[3 * m + 2]! * r[2]);
    re.push(Math.cos(ph));
    im.push(Math.sin(ph));
  }
  return { re, im };
}

test("ULA steering at broadside is all ones and has squared norm M", () => {
  const a = steeringVector(ula(64), [0, 1, 0]);
  for (let m = 0; m < 64; m++) {
    assert.ok(Math.abs(a.re[m]! - 1) < 1e-15 && Math.abs(a.im[m]!) < 1e-15, `a[${m}] = ${a.re[m]} + j${a.im[m]}`);
  }
  const b = steeringVector(ula(64), unitVector(1.1, 0.4));
  let n2 = 0;
  for (let m = 0; m < 64; m++) n2 += b.re[m]! ** 2 + b.im[m]! ** 2;
  assert.ok(Math.abs(n2 - 64) < 1e-12);
});

test("steering vectors by recurrence equal the direct formula exp(j2π p_m·r) to 1e-12, ULA and UPA, any spacing", () => {
  const rng = new Rng(7);
  const arrays = [
    ula(256, { spacing: 0.5, axis: [0, 1, 0] }),
    ula(33, { spacing: 0.37, axis: [1, 1, 0] }),
    upa(8, 16, { spacing: 0.5 }),
    upa(5, 7, { spacing: 0.8, axis: [0, 1, 0], axis2: [1, 0, 0] }),
  ];
  for (const arr of arrays) {
    const pos = elementPositions(arr);
    for (let i = 0; i < 20; i++) {
      const r = unitVector(Math.PI * rng.uniform(), 2 * Math.PI * rng.uniform());
      const a = steeringVector(arr, r);
      const d = direct(pos, r);
      for (let m = 0; m < arraySize(arr); m++) {
        assert.ok(Math.abs(a.re[m]! - d.re[m]!) < 1e-12 && Math.abs(a.im[m]! - d.im[m]!) < 1e-12, `${arr.type} ${arr.shape} element ${m}`);
      }
    }
  }
});

test("a ULA's beam pattern has nulls every 2/M in sin ψ (λ/2 spacing)", () => {
  const M = 16;
  const arr = ula(M, { axis: [1, 0, 0] });
  const a0 = steeringVector(arr, [0, 1, 0]);
  for (let k = 1; k < M / 2; k++) {
    // ψ measured from broadside (+y) towards the axis: û·r̂ = sin ψ.
    const s = (2 * k) / M;
    const a = steeringVector(arr, [s, Math.sqrt(1 - s * s), 0]);
    let re = 0;
    let im = 0;
    for (let m = 0; m < M; m++) {
      re += a0.re[m]! * a.re[m]! + a0.im[m]! * a.im[m]!;
      im += a0.re[m]! * a.im[m]! - a0.im[m]! * a.re[m]!;
    }
    assert.ok(Math.hypot(re, im) < 1e-12, `|a(0)ᴴa(ψ)| at sin ψ = ${s}: ${Math.hypot(re, im)}`);
  }
});

test("array constructors reject bad sizes and non-orthogonal UPA axes with one clear line", () => {
  assert.throws(() => ula(0), /ula: number of elements must be an integer >= 1, got 0/);
  assert.throws(() => ula(4, { axis: [0, 0, 0] }), /ula: axis must be non-zero/);
  assert.throws(() => upa(4, 4, { axis: [1, 0, 0], axis2: [1, 1, 0] }), /upa: axis and axis2 must be orthogonal/);
});
