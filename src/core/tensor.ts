/**
 * Real tensors: a row-major (C-order) Float64Array with a shape. No strides, no views: every
 * tensor owns its buffer, so kernels can index it with plain arithmetic.
 */
import { checkFinite, fail, formatShape } from "./errors.ts";

/** A dense float64 tensor, row-major. `data.length === size(shape)`. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Wrap `data` as a tensor of `shape`, checking that the sizes agree. */
export function tensor(data: Float64Array | readonly number[], shape: readonly number[]): Tensor {
  const arr = data instanceof Float64Array ? data : Float64Array.from(data);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) fail("tensor", `invalid shape ${formatShape(shape)}`);
  if (arr.length !== sizeOf(shape)) {
    fail("tensor", `data has ${arr.length} elements but shape ${formatShape(shape)} needs ${sizeOf(shape)}`);
  }
  return { shape: [...shape], data: arr };
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor {
  return tensor(new Float64Array(sizeOf(shape)), shape);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number): Tensor {
  return tensor(new Float64Array(sizeOf(shape)).fill(value), shape);
}

/** A deep copy. */
export function clone(t: Tensor): Tensor {
  return { shape: [...t.shape], data: t.data.slice() };
}

/** Same data, new shape of equal size. */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  if (sizeOf(shape) !== t.data.length) {
    fail("reshape", `cannot reshape ${formatShape(t.shape)} to ${formatShape(shape)}`);
  }
  return { shape: [...shape], data: t.data };
}

/**
 * Build a tensor from nested JS arrays (`[[1, 2], [3, 4]]` -> shape [2, 2]).
 * @throws LiquidwaveError if the nesting is ragged or holds a non-number.
 */
export function fromNested(nested: unknown, where = "fromNested"): Tensor {
  const shape: number[] = [];
  let probe: unknown = nested;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const out = new Float64Array(sizeOf(shape));
  let k = 0;
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof node !== "number") fail(where, `expected a number at depth ${depth}, got ${JSON.stringify(node)}`);
      out[k++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      fail(where, `ragged nested array at depth ${depth} (expected length ${shape[depth]})`);
    }
    for (const child of node) walk(child, depth + 1);
  };
  walk(nested, 0);
  return { shape, data: out };
}

/** Nested arrays of numbers, any depth (`[[1, 2], [3, 4]]`). */
export type NestedNumbers = number | readonly NestedNumbers[];

/** What the public API accepts where it needs a tensor: a {@link Tensor} or nested number arrays. */
export type TensorLike = Tensor | readonly NestedNumbers[];

/** True for a {@link Tensor} (an object with a `shape` array and a Float64Array `data`). */
export function isTensor(x: unknown): x is Tensor {
  return (
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    Array.isArray((x as Tensor).shape) &&
    (x as Tensor).data instanceof Float64Array
  );
}

/**
 * A {@link TensorLike} as a Tensor (nested arrays are copied; a Tensor is checked and returned).
 * @throws LiquidwaveError naming `where` and `name` for anything else, ragged nesting or a
 *   Tensor whose data length does not match its shape
 */
export function asTensor(x: TensorLike, where: string, name: string): Tensor {
  if (Array.isArray(x)) return fromNested(x, `${where} (${name})`);
  if (isTensor(x)) {
    if (x.data.length !== sizeOf(x.shape))
      fail(where, `${name} has ${x.data.length} elements but shape ${formatShape(x.shape)} needs ${sizeOf(x.shape)}`);
    return x;
  }
  fail(where, `${name} must be a tensor or nested number arrays, got ${x === null ? "null" : typeof x}`);
}

/** A tensor as nested number arrays (the inverse of {@link fromNested}). */
export function toNested(t: Tensor): NestedNumbers {
  if (t.shape.length === 0) return t.data[0]!;
  const build = (depth: number, offset: number): NestedNumbers[] => {
    const n = t.shape[depth]!;
    const stride = sizeOf(t.shape.slice(depth + 1));
    const out: NestedNumbers[] = [];
    for (let i = 0; i < n; i++) out.push(depth === t.shape.length - 1 ? t.data[offset + i]! : build(depth + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}

/** Throw if the tensor holds NaN or Inf. */
export function checkTensorFinite(where: string, name: string, t: Tensor): void {
  checkFinite(where, name, t.data);
}

/** Largest |a - b| over two equal-size arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) fail("maxAbsDiff", `lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = d; // NaN propagates as the maximum
  }
  return m;
}

/** Rows `indices` of `t` along the first axis, as a new tensor [indices.length, ...]. */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const row = t.shape.length === 0 ? 1 : sizeOf(t.shape.slice(1));
  const out = new Float64Array(indices.length * row);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (!(r >= 0 && r < (t.shape[0] ?? 0))) fail("takeRows", `row ${r} out of range [0, ${t.shape[0]})`);
    out.set(t.data.subarray(r * row, r * row + row), i * row);
  }
  return { shape: [indices.length, ...t.shape.slice(1)], data: out };
}

/** Slice [start, end) along axis 1 of a [B, L, ...] tensor (a window of time steps). */
export function sliceTime(t: Tensor, start: number, end: number): Tensor {
  const [B, L] = t.shape as [number, number];
  if (!(t.shape.length >= 2 && 0 <= start && start < end && end <= L)) {
    fail("sliceTime", `cannot take steps [${start}, ${end}) of shape ${formatShape(t.shape)}`);
  }
  const inner = sizeOf(t.shape.slice(2));
  const len = end - start;
  const out = new Float64Array(B * len * inner);
  for (let b = 0; b < B; b++) out.set(t.data.subarray((b * L + start) * inner, (b * L + end) * inner), b * len * inner);
  return { shape: [B, len, ...t.shape.slice(2)], data: out };
}
