/**
 * Complex tensors in planar layout: separate real and imaginary Float64Arrays, row-major.
 * Planar storage keeps inner loops on plain typed arrays (no interleaving arithmetic) and lets
 * real-only code read `re` directly.
 */
import { fail, formatShape } from "./errors.ts";
import { sizeOf } from "./tensor.ts";

/** A dense complex128 tensor. `re.length === im.length === size(shape)`. */
export interface ComplexTensor {
  readonly shape: readonly number[];
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Wrap planar data as a complex tensor, checking sizes. */
export function complexTensor(re: Float64Array, im: Float64Array, shape: readonly number[]): ComplexTensor {
  const n = sizeOf(shape);
  if (re.length !== n || im.length !== n) {
    fail("complexTensor", `re/im have ${re.length}/${im.length} elements but shape ${formatShape(shape)} needs ${n}`);
  }
  return { shape: [...shape], re, im };
}

/** A complex tensor of zeros. */
export function complexZeros(shape: readonly number[]): ComplexTensor {
  const n = sizeOf(shape);
  return { shape: [...shape], re: new Float64Array(n), im: new Float64Array(n) };
}

/** A deep copy. */
export function complexClone(t: ComplexTensor): ComplexTensor {
  return { shape: [...t.shape], re: t.re.slice(), im: t.im.slice() };
}

/** Mean of |z|^2 over all entries. */
export function meanPower(t: ComplexTensor): number {
  let s = 0;
  for (let i = 0; i < t.re.length; i++) s += t.re[i]! * t.re[i]! + t.im[i]! * t.im[i]!;
  return t.re.length === 0 ? 0 : s / t.re.length;
}
