/**
 * Real matrix products on row-major Floats blocks: the two shapes every dense layer needs.
 *
 * - {@link gemmNT}: C[m, n] (+)= A[m, k] · B[n, k]ᵀ  (forward of `y = x Wᵀ`, weights in PyTorch
 *   [out, in] layout): dot products along contiguous rows, 2×2 register blocked.
 * - {@link gemmNN}: C[m, n] (+)= A[m, k] · B[k, n], A read through strides (as0, as1) so that Aᵀ
 *   needs no copy (backward: dX = dY·W and dW = dYᵀ·X): rank-1 updates along contiguous rows of B
 *   and C, 4 rows of C at a time.
 *
 * When every operand is a view on the WebAssembly heap (`core/wasm/alloc.ts`), the products run
 * in the f64x2 kernels (`core/wasm/kernels/gemm.ts`, ~5-7x faster); otherwise in the JavaScript
 * versions below ({@link gemmNTjs}, {@link gemmNNjs}), which are also the kernels' test oracle.
 * Register blocking matters there: V8 does not vectorise, so reusing each loaded operand for
 * several multiply-adds is what makes them ~2-3x faster than the textbook triple loop.
 */
import { type Floats, isF32 } from "./dtype.ts";
import { fail } from "./errors.ts";
import { kernelCalls } from "./wasm/alloc.ts";
import { wasmRuntime } from "./wasm/runtime.ts";

/** Throw unless element `last` (the largest index an operation touches) exists in `a`. */
function within(where: string, name: string, a: Floats, last: number): void {
  if (last >= a.length) fail(where, `${name} has ${a.length} elements, the product reads index ${last}`);
}

/**
 * C[m, n] = beta·C + A[m, k] · B[n, k]ᵀ (+ bias[n] on every row) with `beta` ∈ {0, 1}.
 * @param a - A, row-major [m, k] starting at `aOff`
 * @param b - B, row-major [n, k] starting at `bOff`
 * @param c - C, row-major [m, n] starting at `cOff`
 * @param bias - optional [n] added to every row of the product
 */
export function gemmNT(
  a: Floats,
  aOff: number,
  b: Floats,
  bOff: number,
  c: Floats,
  cOff: number,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
  bias: Floats | null = null,
): void {
  if (m <= 0 || n <= 0) return;
  const rt = wasmRuntime();
  if (rt && rt.heap.owns(a) && rt.heap.owns(b) && rt.heap.owns(c) && (!bias || rt.heap.owns(bias))) {
    // Out-of-range indices would silently touch other heap blocks: check before the kernel.
    const where = "gemmNT";
    if (k > 0) {
      within(where, "A", a, aOff + m * k - 1);
      within(where, "B", b, bOff + n * k - 1);
    }
    within(where, "C", c, cOff + m * n - 1);
    if (bias) within(where, "bias", bias, n - 1);
    // One element type for all operands (a model's buffers share its dtype): float32 → f32x4.
    const f32 = isF32(a);
    if (f32 === isF32(b) && f32 === isF32(c) && (!bias || f32 === isF32(bias))) {
      kernelCalls.gemm++;
      const e = f32 ? 4 : 8;
      (f32 ? rt.kernels.gemmNT32 : rt.kernels.gemmNT)(
        a.byteOffset + e * aOff,
        b.byteOffset + e * bOff,
        c.byteOffset + e * cOff,
        m,
        k,
        n,
        accumulate ? 1 : 0,
        bias ? bias.byteOffset : 0,
      );
      return;
    }
  }
  gemmNTjs(a, aOff, b, bOff, c, cOff, m, k, n, accumulate);
  if (bias)
    for (let i = 0; i < m; i++) {
      const o = cOff + i * n;
      for (let j = 0; j < n; j++) c[o + j] += bias[j]!;
    }
}

/**
 * C[m, n] = beta·C + A[m, k] · B[k, n] with `beta` ∈ {0, 1}; A(i, p) = a[aOff + i·as0 + p·as1].
 * @param b - B, row-major [k, n] starting at `bOff`
 * @param c - C, row-major [m, n] starting at `cOff`
 */
export function gemmNN(
  a: Floats,
  aOff: number,
  as0: number,
  as1: number,
  b: Floats,
  bOff: number,
  c: Floats,
  cOff: number,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
): void {
  if (m <= 0 || n <= 0) return;
  const rt = wasmRuntime();
  if (rt && rt.heap.owns(a) && rt.heap.owns(b) && rt.heap.owns(c) && as0 >= 0 && as1 >= 0) {
    const where = "gemmNN";
    if (k > 0) {
      within(where, "A", a, aOff + (m - 1) * as0 + (k - 1) * as1);
      within(where, "B", b, bOff + k * n - 1);
    }
    within(where, "C", c, cOff + m * n - 1);
    const f32 = isF32(a);
    if (f32 === isF32(b) && f32 === isF32(c)) {
      kernelCalls.gemm++;
      const e = f32 ? 4 : 8;
      (f32 ? rt.kernels.gemmNN32 : rt.kernels.gemmNN)(
        a.byteOffset + e * aOff,
        as0,
        as1,
        b.byteOffset + e * bOff,
        c.byteOffset + e * cOff,
        m,
        k,
        n,
        accumulate ? 1 : 0,
      );
      return;
    }
  }
  gemmNNjs(a, aOff, as0, as1, b, bOff, c, cOff, m, k, n, accumulate);
}

/** JavaScript {@link gemmNT} (no bias): the fallback and the oracle of the wasm kernel. */
export function gemmNTjs(
  a: Floats,
  aOff: number,
  b: Floats,
  bOff: number,
  c: Floats,
  cOff: number,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = aOff + i * k;
    const a1 = a0 + k;
    const c0 = cOff + i * n;
    const c1 = c0 + n;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const b0 = bOff + j * k;
      const b1 = b0 + k;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p]!,
          x1 = a[a1 + p]!,
          y0 = b[b0 + p]!,
          y1 = b[b1 + p]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      if (accumulate) {
        c[c0 + j] += s00;
        c[c0 + j + 1] += s01;
        c[c1 + j] += s10;
        c[c1 + j + 1] += s11;
      } else {
        c[c0 + j] = s00;
        c[c0 + j + 1] = s01;
        c[c1 + j] = s10;
        c[c1 + j + 1] = s11;
      }
    }
    if (j < n) {
      const b0 = bOff + j * k;
      let s0 = 0,
        s1 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[b0 + p]!;
        s0 += a[a0 + p]! * y;
        s1 += a[a1 + p]! * y;
      }
      if (accumulate) {
        c[c0 + j] += s0;
        c[c1 + j] += s1;
      } else {
        c[c0 + j] = s0;
        c[c1 + j] = s1;
      }
    }
  }
  if (i < m) {
    const a0 = aOff + i * k;
    const c0 = cOff + i * n;
    for (let j = 0; j < n; j++) {
      const b0 = bOff + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p]! * b[b0 + p]!;
      if (accumulate) c[c0 + j] += s;
      else c[c0 + j] = s;
    }
  }
}

/** JavaScript {@link gemmNN}: the fallback and the oracle of the wasm kernel. */
export function gemmNNjs(
  a: Floats,
  aOff: number,
  as0: number,
  as1: number,
  b: Floats,
  bOff: number,
  c: Floats,
  cOff: number,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
): void {
  if (!accumulate) c.fill(0, cOff, cOff + m * n);
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const c0 = cOff + i * n,
      c1 = c0 + n,
      c2 = c1 + n,
      c3 = c2 + n;
    const ar = aOff + i * as0;
    for (let p = 0; p < k; p++) {
      const ap = ar + p * as1;
      const x0 = a[ap]!,
        x1 = a[ap + as0]!,
        x2 = a[ap + 2 * as0]!,
        x3 = a[ap + 3 * as0]!;
      const bp = bOff + p * n;
      for (let j = 0; j < n; j++) {
        const y = b[bp + j]!;
        c[c0 + j] += x0 * y;
        c[c1 + j] += x1 * y;
        c[c2 + j] += x2 * y;
        c[c3 + j] += x3 * y;
      }
    }
  }
  for (; i < m; i++) {
    const c0 = cOff + i * n;
    const ar = aOff + i * as0;
    for (let p = 0; p < k; p++) {
      const x = a[ar + p * as1]!;
      if (x === 0) continue;
      const bp = bOff + p * n;
      for (let j = 0; j < n; j++) c[c0 + j] += x * b[bp + j]!;
    }
  }
}
