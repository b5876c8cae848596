import { test } from "node:test";
import { Rng } from "../../src/core/random.ts";
import {
  caddDiagInPlace,
  cclone,
  chermitian,
  cgram,
  cinv,
  clogDet,
  cmat,
  cmatmul,
  crealInner,
  vjpGram,
  vjpHermitian,
  vjpInverse,
  vjpLogAbsDet,
  vjpMatmul,
  vjpRealTrace,
  ctrace,
  type CMat,
} from "../../src/core/linalg/index.ts";
import { assertAllClose, numericalGradient } from "../helpers/assert.ts";

function rand(rng: Rng, m: number, n: number): CMat {
  const a = cmat(m, n);
  rng.fillComplexNormal(a.re, a.im);
  return a;
}

/**
 * Check a conjugate-Wirtinger cotangent `abar` of the real loss `f(a)` against central finite
 * differences: dL/dRe(a_ij) = 2 Re(abar_ij), dL/dIm(a_ij) = 2 Im(abar_ij).
 */
function checkCotangent(a: CMat, f: () => number, abar: CMat, label: string, rtol = 1e-6): void {
  const gRe = numericalGradient(f, a.re, 1e-6);
  const gIm = numericalGradient(f, a.im, 1e-6);
  const scale = Math.max(...abar.re.map(Math.abs), ...abar.im.map(Math.abs));
  assertAllClose(
    gRe,
    abar.re.map((v) => 2 * v),
    { rtol, atol: 1e-7 * scale, label: `${label} (re)` },
  );
  assertAllClose(
    gIm,
    abar.im.map((v) => 2 * v),
    { rtol, atol: 1e-7 * scale, label: `${label} (im)` },
  );
}

/** L(Y) = Re tr(C^H Y), whose cotangent is Ybar = C / 2. */
function probe(c: CMat): { loss: (y: CMat) => number; ybar: CMat } {
  const ybar = cclone(c);
  for (let i = 0; i < ybar.re.length; i++) {
    ybar.re[i]! *= 0.5;
    ybar.im[i]! *= 0.5;
  }
  return { loss: (y) => crealInner(c, y), ybar };
}

test("the matmul rule Abar = Ybar B^H, Bbar = A^H Ybar matches finite differences", () => {
  const rng = new Rng(31);
  const a = rand(rng, 3, 4);
  const b = rand(rng, 4, 2);
  const { loss, ybar } = probe(rand(rng, 3, 2));
  const g = vjpMatmul(a, b, ybar);
  checkCotangent(a, () => loss(cmatmul(a, b)), g.a, "A");
  checkCotangent(b, () => loss(cmatmul(a, b)), g.b, "B");
});

test("the inverse rule Abar = -Y^H Ybar Y^H matches finite differences", () => {
  const rng = new Rng(32);
  const a = caddDiagInPlace(rand(rng, 4, 4), 3);
  const { loss, ybar } = probe(rand(rng, 4, 4));
  checkCotangent(a, () => loss(cinv(a)), vjpInverse(cinv(a), ybar), "inverse");
});

test("the Gram rule Abar = (Ybar + Ybar^H) A matches finite differences", () => {
  const rng = new Rng(33);
  const a = rand(rng, 3, 5);
  const { loss, ybar } = probe(rand(rng, 3, 3));
  checkCotangent(a, () => loss(cgram(a)), vjpGram(a, ybar), "gram");
});

test("the log|det| rule Abar = (sbar/2) A^{-H} matches finite differences, for general and HPD matrices", () => {
  const rng = new Rng(34);
  const a = caddDiagInPlace(rand(rng, 4, 4), 1);
  const c = 1.7;
  checkCotangent(a, () => c * clogDet(a).logAbs, vjpLogAbsDet(a, c), "log|det| general");
  const g = rand(rng, 2, 6);
  const h = caddDiagInPlace(cgram(g), 1);
  checkCotangent(h, () => c * clogDet(h).logAbs, vjpLogAbsDet(h, c), "log det HPD");
});

test("the Hermitian and real-trace rules match finite differences", () => {
  const rng = new Rng(35);
  const a = rand(rng, 3, 2);
  const { loss, ybar } = probe(rand(rng, 2, 3));
  checkCotangent(a, () => loss(chermitian(a)), vjpHermitian(ybar), "hermitian");
  const s = rand(rng, 3, 3);
  checkCotangent(s, () => -2.5 * ctrace(s)[0], vjpRealTrace(3, -2.5), "re trace");
});

test("chained rules give the gradient of log det(I + A A^H / s) (a rate-like loss) through A", () => {
  const rng = new Rng(36);
  const a = rand(rng, 2, 5);
  const s = 0.7;
  const f = () => {
    const c = cgram(a);
    for (let i = 0; i < c.re.length; i++) {
      c.re[i]! /= s;
      c.im[i]! /= s;
    }
    caddDiagInPlace(c, 1);
    return clogDet(c).logAbs;
  };
  // forward pieces
  const c = cgram(a);
  for (let i = 0; i < c.re.length; i++) {
    c.re[i]! /= s;
    c.im[i]! /= s;
  }
  caddDiagInPlace(c, 1);
  const cbar = vjpLogAbsDet(c, 1); // through log|det|
  for (let i = 0; i < cbar.re.length; i++) {
    cbar.re[i]! /= s; // through the 1/s scaling (the +I has no input)
    cbar.im[i]! /= s;
  }
  const abar = vjpGram(a, cbar);
  checkCotangent(a, f, abar, "chain");
});
