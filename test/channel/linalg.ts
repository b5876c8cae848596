/**
 * Test-only linear algebra: singular values of a small complex matrix through the eigenvalues
 * of its Gram matrix G = A Aᴴ, computed by cyclic Jacobi rotations on the real symmetric
 * embedding [[Re G, −Im G], [Im G, Re G]] (each eigenvalue of G appears twice).
 */

/** Eigenvalues of a real symmetric matrix (row-major, n × n), ascending. */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const m = a.slice();
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p]!;
          const akq = m[k * n + q]!;
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k]!;
          const aqk = m[q * n + k]!;
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => m[i * n + i]!).sort();
}

/** Singular values (descending) of the complex r × c matrix at `offset` of planar data, r ≤ c. */
export function singularValues(re: Float64Array, im: Float64Array, offset: number, r: number, c: number): Float64Array {
  const n = 2 * r;
  const e = new Float64Array(n * n);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      let gr = 0;
      let gi = 0;
      for (let k = 0; k < c; k++) {
        const ar = re[offset + i * c + k]!;
        const ai = im[offset + i * c + k]!;
        const br = re[offset + j * c + k]!;
        const bi = im[offset + j * c + k]!;
        gr += ar * br + ai * bi;
        gi += ai * br - ar * bi;
      }
      e[i * n + j] = gr;
      e[(i + r) * n + (j + r)] = gr;
      e[(i + r) * n + j] = gi;
      e[i * n + (j + r)] = -gi;
    }
  }
  const ev = symmetricEigenvalues(e, n);
  const out = new Float64Array(r);
  for (let i = 0; i < r; i++) out[i] = Math.sqrt(Math.max(0, ev[n - 1 - 2 * i]!));
  return out;
}

/** Median of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The q-quantile (0..1) of numbers, by linear interpolation. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const i = Math.floor(pos);
  return i + 1 < s.length ? s[i]! + (pos - i) * (s[i + 1]! - s[i]!) : s[i]!;
}
