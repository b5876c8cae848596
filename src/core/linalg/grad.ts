/**
 * Reverse-mode rules (vector-Jacobian products) for the complex matrix primitives, in the
 * conjugate-Wirtinger convention used throughout liquidwave:
 *
 * for a real scalar loss L and a complex matrix Z, the cotangent is `Zbar = dL/d conj(Z)`, so that
 * `dL = 2 Re tr(Zbar^H dZ)`, i.e. `dL/dRe(Z_ij) = 2 Re(Zbar_ij)` and `dL/dIm(Z_ij) = 2 Im(Zbar_ij)`.
 * (PyTorch's `.grad` of a complex leaf is `dL/dRe + i dL/dIm = 2 Zbar`.)
 *
 * Each rule maps the cotangent of the output to the cotangent(s) of the input(s):
 *
 * | forward                    | backward                                   |
 * |----------------------------|--------------------------------------------|
 * | `Y = A B`                  | `Abar = Ybar B^H`, `Bbar = A^H Ybar`       |
 * | `Y = A^H`                  | `Abar = Ybar^H`                            |
 * | `Y = A^{-1}`               | `Abar = -Y^H Ybar Y^H`                     |
 * | `Y = A A^H`                | `Abar = (Ybar + Ybar^H) A`                 |
 * | `s = log|det A|` (real)    | `Abar = (sbar / 2) A^{-H}`                 |
 * | `s = Re tr(A)` (real)      | `Abar = (sbar / 2) I`                      |
 *
 * These are the pieces the GLNN loss is made of (log-det of the 2 × 2 covariances, their inverses
 * and the channel products); `beamforming/rate.ts` fuses them into a closed form, and the tests
 * check both against finite differences.
 */
import { chermitian, cmat, checkSquare, type CMat } from "./cmat.ts";
import { cmatmul, cmatmulAH, cmatmulBH } from "./matmul.ts";
import { cinv } from "./lu.ts";

/** Cotangents of `Y = A B`. */
export function vjpMatmul(a: CMat, b: CMat, ybar: CMat): { a: CMat; b: CMat } {
  return { a: cmatmulBH(ybar, b), b: cmatmulAH(a, ybar) };
}

/** Cotangent of `Y = A^H`. */
export function vjpHermitian(ybar: CMat): CMat {
  return chermitian(ybar);
}

/**
 * Cotangent of `Y = A^{-1}` given `Y` (the inverse) and `Ybar`.
 * @returns `Abar = -Y^H Ybar Y^H`
 */
export function vjpInverse(y: CMat, ybar: CMat): CMat {
  const t = cmatmulAH(y, ybar); // Y^H Ybar
  const out = cmatmulBH(t, y); // (Y^H Ybar) Y^H
  for (let i = 0; i < out.re.length; i++) {
    out.re[i] = -out.re[i]!;
    out.im[i] = -out.im[i]!;
  }
  return out;
}

/** Cotangent of `Y = A A^H`: `Abar = (Ybar + Ybar^H) A`. */
export function vjpGram(a: CMat, ybar: CMat): CMat {
  checkSquare("vjpGram", ybar, "Ybar");
  const n = ybar.rows;
  const s = cmat(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      s.re[i * n + j] = ybar.re[i * n + j]! + ybar.re[j * n + i]!;
      s.im[i * n + j] = ybar.im[i * n + j]! - ybar.im[j * n + i]!;
    }
  }
  return cmatmul(s, a);
}

/**
 * Cotangent of the real scalar `s = log|det A|` (= `log det A` for HPD A):
 * `Abar = (sbar / 2) A^{-H}`.
 * @param a - square, nonsingular
 * @param sbar - `dL/ds` (real)
 */
export function vjpLogAbsDet(a: CMat, sbar: number): CMat {
  const out = chermitian(cinv(a));
  for (let i = 0; i < out.re.length; i++) {
    out.re[i]! *= 0.5 * sbar;
    out.im[i]! *= 0.5 * sbar;
  }
  return out;
}

/** Cotangent of the real scalar `s = Re tr(A)`: `Abar = (sbar / 2) I`. */
export function vjpRealTrace(n: number, sbar: number): CMat {
  const out = cmat(n, n);
  for (let i = 0; i < n; i++) out.re[i * n + i] = 0.5 * sbar;
  return out;
}
