import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";

test("the same seed gives the same stream, bit for bit", () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 1000; i++) assert.equal(a.uniform(), b.uniform());
  assert.notEqual(new Rng(43).uniform(), new Rng(42).uniform());
});

test("forked streams are reproducible and differ by label", () => {
  const x = new Rng(7).fork("channel").uniform();
  assert.equal(new Rng(7).fork("channel").uniform(), x);
  assert.notEqual(new Rng(7).fork("init").uniform(), x);
});

test("uniform draws have mean 1/2 and variance 1/12 within 5 sigma", () => {
  const r = new Rng(1);
  const n = 200000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
  }
  const mean = s / n;
  assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n), `mean ${mean}`);
  assert.ok(Math.abs(s2 / n - mean * mean - 1 / 12) < 1e-3);
});

test("normal draws have mean 0, variance 1 and the Gaussian fourth moment", () => {
  const r = new Rng(2);
  const n = 200000;
  let s = 0;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
    s4 += z ** 4;
  }
  assert.ok(Math.abs(s / n) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(s2 / n - 1) < 5 * Math.sqrt(2 / n));
  assert.ok(Math.abs(s4 / n - 3) < 5 * Math.sqrt(96 / n));
});

test("int(n) is uniform over 0..n-1 (chi-square) and rejects bad n", () => {
  const r = new Rng(3);
  const counts = new Array(7).fill(0);
  const n = 70000;
  for (let i = 0; i < n; i++) counts[r.int(7)]++;
  const chi2 = counts.reduce((acc, c) => acc + (c - n / 7) ** 2 / (n / 7), 0);
  assert.ok(chi2 < 22.5, `chi2 ${chi2}`); // p = 0.001 at 6 dof
  assert.throws(() => r.int(0), /Rng.int/);
  assert.throws(() => new Rng(-1), /seed/);
});

test("complex normals CN(0, v) have E|z|^2 = v", () => {
  const r = new Rng(4);
  const re = new Float64Array(100000);
  const im = new Float64Array(100000);
  r.fillComplexNormal(re, im, 2.5);
  let p = 0;
  for (let i = 0; i < re.length; i++) p += re[i]! ** 2 + im[i]! ** 2;
  assert.ok(Math.abs(p / re.length - 2.5) < 0.05);
});

test("forks of forks depend on the root seed and on every label", () => {
  const v = (r: Rng) => r.uniform();
  assert.notEqual(v(new Rng(1).fork("x").fork("y")), v(new Rng(2).fork("x").fork("y")));
  assert.notEqual(v(new Rng(1).fork("x").fork("y")), v(new Rng(1).fork("x").fork("z")));
  assert.equal(v(new Rng(1).fork("x").fork("y")), v(new Rng(1).fork("x").fork("y")));
  // Seeds that differ only above 32 bits give different streams.
  assert.notEqual(v(new Rng(5)), v(new Rng(5 + 2 ** 32)));
  assert.notEqual(v(new Rng(5).fork("a")), v(new Rng(5 + 2 ** 32).fork("a")));
  // 20000 labels: no two forks start with the same 64 random bits.
  const seen = new Set<string>();
  const root = new Rng(9);
  for (let i = 0; i < 20000; i++) {
    const r = root.fork(`user-${i}`);
    seen.add(`${r.nextUint32()}:${r.nextUint32()}`);
  }
  assert.equal(seen.size, 20000);
});
