/**
 * Closed forms for 2 × 2 complex matrices (users with N_k = 2 antennas): determinant, inverse and
 * the log-determinant of a Hermitian positive-definite matrix, without LU or Cholesky overhead.
 *
 * A 2 × 2 HPD matrix is `[[a, b], [conj(b), d]]` with real a, d > 0:
 * `det = a d - |b|^2`, `inv = [[d, -b], [-conj(b), a]] / det`.
 */
import { fail } from "../errors.ts";
import { checkSquare, cmat, type CMat } from "./cmat.ts";

/** Determinant of a general 2 × 2 complex matrix, `[re, im]`. */
export function cdet2(m: CMat): [number, number] {
  if (m.rows !== 2 || m.cols !== 2) fail("cdet2", `expected a 2 x 2 matrix, got ${m.rows} x ${m.cols}`);
  const { re, im } = m;
  return [
    re[0]! * re[3]! - im[0]! * im[3]! - (re[1]! * re[2]! - im[1]! * im[2]!),
    re[0]! * im[3]! + im[0]! * re[3]! - (re[1]! * im[2]! + im[1]! * re[2]!),
  ];
}

/**
 * Log-determinant (natural log) of a 2 × 2 HPD matrix from its real diagonal `a`, `d` and the
 * upper off-diagonal `b = br + i bi`; `-Infinity`-free: returns NaN if the matrix is not PD, so
 * callers can test with `Number.isNaN`.
 */
export function logDet2Hpd(a: number, d: number, br: number, bi: number): number {
  const det = a * d - (br * br + bi * bi);
  return a > 0 && det > 0 ? Math.log(det) : NaN;
}

/**
 * Inverse of a 2 × 2 HPD matrix (result exactly Hermitian).
 * @throws LiquidwaveError if the matrix is not positive definite.
 */
export function cinv2Hpd(m: CMat): CMat {
  checkSquare("cinv2Hpd", m);
  if (m.rows !== 2) fail("cinv2Hpd", `expected a 2 x 2 matrix, got ${m.rows} x ${m.cols}`);
  const a = m.re[0]!;
  const d = m.re[3]!;
  const br = m.re[1]!;
  const bi = m.im[1]!;
  const det = a * d - (br * br + bi * bi);
  if (!(a > 0) || !(det > 0) || !Number.isFinite(det)) fail("cinv2Hpd", `matrix is not positive definite (det ${det})`);
  const out = cmat(2, 2);
  out.re[0] = d / det;
  out.re[3] = a / det;
  out.re[1] = -br / det;
  out.im[1] = -bi / det;
  out.re[2] = -br / det;
  out.im[2] = bi / det;
  return out;
}
