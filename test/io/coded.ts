/**
 * The index code of the io fixtures (tools/fixtures/make_*_fixtures.py): at multi-index
 * (i1, ..., in) the real part is sum_d (i_d + 1) 10^(n-1-d), the imaginary part -(code + 0.5).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import type { DType, NdArray } from "../../src/core/ndarray.ts";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "io");
export const fx = (name: string): string => join(FIXTURES, name);

/** Every file dtype of {@link DType}, in the order the writer round-trip tests use. */
export const FILE_DTYPES: readonly DType[] = [
  "float64",
  "float32",
  "complex128",
  "complex64",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "bool",
];

export function code(idx: readonly number[]): number {
  const n = idx.length;
  let v = 0;
  idx.forEach((i, d) => (v += (i + 1) * 10 ** (n - 1 - d)));
  return v;
}

/** Multi-index of flat C-order position `f` in `shape`. */
export function unravel(f: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = f % shape[d]!;
    f = Math.floor(f / shape[d]!);
  }
  return idx;
}

/** An NdArray filled with the code (C order), for writer round trips. */
export function codedArray(shape: readonly number[], dtype: DType): NdArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const mk = (f: (i: number) => number): NdArray["data"] => {
    switch (dtype) {
      case "float64":
      case "complex128":
        return Float64Array.from({ length: n }, (_, i) => f(i));
      case "float32":
      case "complex64":
        return Float32Array.from({ length: n }, (_, i) => f(i));
      case "int8":
        return Int8Array.from({ length: n }, (_, i) => f(i) % 100);
      case "uint8":
        return Uint8Array.from({ length: n }, (_, i) => f(i) % 100);
      case "bool":
        return Uint8Array.from({ length: n }, (_, i) => f(i) % 2);
      case "int16":
        return Int16Array.from({ length: n }, (_, i) => f(i));
      case "uint16":
        return Uint16Array.from({ length: n }, (_, i) => f(i));
      case "int32":
        return Int32Array.from({ length: n }, (_, i) => -f(i));
      case "uint32":
        return Uint32Array.from({ length: n }, (_, i) => f(i) + 4e9);
      case "int64":
        return BigInt64Array.from({ length: n }, (_, i) => -BigInt(f(i)) * 10n ** 12n);
      case "uint64":
        return BigUint64Array.from({ length: n }, (_, i) => BigInt(f(i)) * 10n ** 15n);
    }
  };
  const re = mk((i) => code(unravel(i, shape)));
  if (dtype === "complex64" || dtype === "complex128") {
    return { shape, dtype, data: re, imag: mk((i) => -(code(unravel(i, shape)) + 0.5)) };
  }
  return { shape, dtype, data: re };
}

/**
 * Assert every element of `a` equals the code at its multi-index (exactly), after any reordering
 * the reader did. `mod` applies to integer fixtures that had to fit 8 bits; `bool` checks code odd.
 */
export function assertCoded(a: NdArray, shape: readonly number[], dtype: DType, { mod }: { mod?: number } = {}): void {
  assert.deepEqual([...a.shape], [...shape], "shape");
  assert.equal(a.dtype, dtype, "dtype");
  const n = shape.reduce((x, y) => x * y, 1);
  assert.equal(a.data.length, n, "length");
  const complex = dtype === "complex64" || dtype === "complex128";
  assert.equal(a.imag !== undefined, complex, "imag presence");
  for (let f = 0; f < n; f++) {
    const idx = unravel(f, shape);
    let want = code(idx);
    if (mod !== undefined) want %= mod;
    if (dtype === "bool") want = want % 2;
    const got = Number(a.data[f]);
    if (got !== want) assert.fail(`element [${idx.join(", ")}] is ${got}, expected ${want}`);
    if (complex && Number(a.imag![f]) !== -(code(idx) + 0.5)) {
      assert.fail(`imag of element [${idx.join(", ")}] is ${Number(a.imag![f])}, expected ${-(code(idx) + 0.5)}`);
    }
  }
}

/** Two NdArrays are identical: shape, dtype, every value (bit-exact, bigint-aware). */
export function assertSameArray(a: NdArray, b: NdArray, label = ""): void {
  assert.deepEqual([...a.shape], [...b.shape], `${label} shape`);
  assert.equal(a.dtype, b.dtype, `${label} dtype`);
  assert.equal(a.data.constructor, b.data.constructor, `${label} storage`);
  assert.deepEqual(Array.from(a.data as ArrayLike<number>), Array.from(b.data as ArrayLike<number>), `${label} data`);
  assert.deepEqual(
    a.imag ? Array.from(a.imag as ArrayLike<number>) : undefined,
    b.imag ? Array.from(b.imag as ArrayLike<number>) : undefined,
    `${label} imag`,
  );
}
