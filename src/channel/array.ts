/**
 * Antenna arrays: uniform linear (ULA) and uniform planar (UPA) arrays of isotropic elements,
 * at any spacing and orientation, and their steering vectors.
 *
 * Convention (docs/channel.md §1.2): element m sits at p_m = p_0 + i1·d·û1 + i2·d·û2 (d in wavelengths,
 * û1, û2 unit axes; a ULA has only û1), with m = i1·N2 + i2 (row-major over [N1, N2]). For a
 * direction r̂ pointing from the array towards the path's interaction point,
 *
 *     a(r̂)_m = exp( j·2π·(p_m − p_0)·r̂ / λ ) = z1^{i1} · z2^{i2},   z_i = exp( j·2π·d·(û_i·r̂) ),
 *
 * unit-modulus entries, ‖a‖² = M. With the path phase exp(−j2πD/λ), an element displaced towards
 * r̂ shortens its path, so both link ends contribute a(r̂) and H = Σ g a_r a_tᵀ (plain transpose).
 */
import { checkInt, checkNumber, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import type { Vec3 } from "./geometry.ts";
import { dot, norm } from "./geometry.ts";

/** Geometry of a ULA or UPA, positions in wavelengths relative to element 0. */
export interface ArrayGeometry {
  readonly type: "ula" | "upa";
  /** Element counts: ULA [N1], UPA [N1, N2] (N1 along `axis`, N2 along `axis2`). */
  readonly shape: readonly number[];
  /** Element spacing in wavelengths (both axes). */
  readonly spacing: number;
  /** Unit vector of the first array axis. */
  readonly axis: Vec3;
  /** Unit vector of the second axis (UPA only), orthogonal to `axis`. */
  readonly axis2?: Vec3;
}

function unitAxis(where: string, name: string, v: Vec3): Vec3 {
  if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== "number" || !Number.isFinite(x))) {
    fail(where, `${name} must be a finite [x, y, z] vector, got ${JSON.stringify(v)}`);
  }
  const n = norm(v);
  if (!(n > 0)) fail(where, `${name} must be non-zero, got ${JSON.stringify(v)}`);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/**
 * A uniform linear array.
 * @param n - number of elements M ≥ 1
 * @param options - spacing and axis
 * @param options.spacing - element spacing in wavelengths (default 0.5)
 * @param options.axis - array axis (normalised; default +x)
 */
export function ula(n: number, { spacing = 0.5, axis = [1, 0, 0] as Vec3 } = {}): ArrayGeometry {
  checkInt("ula", "number of elements", n, 1);
  checkNumber("ula", "spacing", spacing, 0);
  return { type: "ula", shape: [n], spacing, axis: unitAxis("ula", "axis", axis) };
}

/**
 * A uniform planar array of n1 × n2 elements (element m = i1·n2 + i2).
 * @param n1 - elements along the first axis
 * @param n2 - elements along the second axis
 * @param options - spacing and axes
 * @param options.axis - first axis (default +x); options.axis2 - second axis (default +z,
 *   i.e. a vertical panel); the two must be orthogonal
 */
export function upa(n1: number, n2: number, { spacing = 0.5, axis = [1, 0, 0] as Vec3, axis2 = [0, 0, 1] as Vec3 } = {}): ArrayGeometry {
  checkInt("upa", "elements along axis", n1, 1);
  checkInt("upa", "elements along axis2", n2, 1);
  checkNumber("upa", "spacing", spacing, 0);
  const a1 = unitAxis("upa", "axis", axis);
  const a2 = unitAxis("upa", "axis2", axis2);
  if (Math.abs(dot(a1, a2)) > 1e-9)
    fail("upa", `axis and axis2 must be orthogonal, got ${JSON.stringify(axis)} and ${JSON.stringify(axis2)}`);
  return { type: "upa", shape: [n1, n2], spacing, axis: a1, axis2: a2 };
}

/** Number of elements of an array. */
export function arraySize(a: ArrayGeometry): number {
  return a.shape.reduce((p, n) => p * n, 1);
}

/** Element positions relative to element 0, in wavelengths, [M, 3] row-major. */
export function elementPositions(a: ArrayGeometry): Float64Array {
  const m = arraySize(a);
  const out = new Float64Array(3 * m);
  const n2 = a.shape[1] ?? 1;
  const ax2 = a.axis2 ?? [0, 0, 0];
  for (let i = 0; i < m; i++) {
    const i1 = Math.floor(i / n2);
    const i2 = i % n2;
    for (let c = 0; c < 3; c++) out[3 * i + c] = a.spacing * (i1 * a.axis[c]! + i2 * ax2[c]!);
  }
  return out;
}

// Re-anchor geometric recurrences with exact sin/cos this often, bounding the rounding drift of
// z^k to ~RESYNC ulp however long the array.
const RESYNC = 32;

/** Fill out[off + k·stride] = exp(j·k·w), k = 0..n−1, by recurrence with periodic re-anchoring. */
function geometric(w: number, n: number, re: Float64Array, im: Float64Array, off: number, stride: number): void {
  const cr = Math.cos(w);
  const ci = Math.sin(w);
  let zr = 1;
  let zi = 0;
  for (let k = 0; k < n; k++) {
    if (k % RESYNC === 0 && k > 0) {
      zr = Math.cos(k * w);
      zi = Math.sin(k * w);
    }
    re[off + k * stride] = zr;
    im[off + k * stride] = zi;
    const t = zr * cr - zi * ci;
    zi = zr * ci + zi * cr;
    zr = t;
  }
}

/**
 * Write the steering vector a(r̂) (M entries) into planar buffers at `offset`.
 * @param a - the array
 * @param dir - unit direction from the array towards the path (need not be normalised exactly;
 *   the projection on the axes is used as is)
 * @param re - real parts, receives M entries from `offset`
 * @param im - imaginary parts, same layout
 * @param offset - first index written (default 0)
 */
export function steeringVectorInto(a: ArrayGeometry, dir: Vec3, re: Float64Array, im: Float64Array, offset = 0): void {
  const w1 = 2 * Math.PI * a.spacing * dot(a.axis, dir);
  const n1 = a.shape[0]!;
  if (a.type === "ula") {
    geometric(w1, n1, re, im, offset, 1);
    return;
  }
  const n2 = a.shape[1]!;
  const w2 = 2 * Math.PI * a.spacing * dot(a.axis2!, dir);
  // Row i1 = z1^{i1} · (z2^0 .. z2^{n2−1}): write the z2 powers into row 0, then scale.
  geometric(w2, n2, re, im, offset, 1);
  for (let i1 = 1; i1 < n1; i1++) {
    const cr = Math.cos(i1 * w1);
    const ci = Math.sin(i1 * w1);
    const o = offset + i1 * n2;
    for (let i2 = 0; i2 < n2; i2++) {
      const xr = re[offset + i2]!;
      const xi = im[offset + i2]!;
      re[o + i2] = xr * cr - xi * ci;
      im[o + i2] = xr * ci + xi * cr;
    }
  }
}

/**
 * The steering vector a(r̂) as a complex tensor of shape [M].
 * @param a - the array (M elements)
 * @param dir - unit direction [x, y, z] from the array towards the path
 * @returns a(r̂), shape [M], complex planar, unit-modulus entries
 */
export function steeringVector(a: ArrayGeometry, dir: Vec3): ComplexTensor {
  const m = arraySize(a);
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  steeringVectorInto(a, dir, re, im, 0);
  return { shape: [m], re, im };
}
