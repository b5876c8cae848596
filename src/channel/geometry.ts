/**
 * 3-D geometry conventions (docs/channel.md §1.1): global frame with x, y horizontal and z up (m);
 * azimuth φ measured from +x counter-clockwise, zenith θ from +z (θ = 90° is the horizon).
 * Vectors are plain `[x, y, z]` triples or strided Float64Array entries.
 */

/** A point or vector in the global frame, metres. */
export type Vec3 = readonly [number, number, number];

/** Unit vector r̂(θ, φ) = [sin θ cos φ, sin θ sin φ, cos θ] (angles in radians). */
export function unitVector(zenith: number, azimuth: number): [number, number, number] {
  const s = Math.sin(zenith);
  return [s * Math.cos(azimuth), s * Math.sin(azimuth), Math.cos(zenith)];
}

/** Azimuth in (−π, π] and zenith in [0, π] (radians) of a non-zero vector. */
export function anglesOf(v: Vec3): { azimuth: number; zenith: number } {
  const r = Math.hypot(v[0], v[1], v[2]);
  return { azimuth: Math.atan2(v[1], v[0]), zenith: Math.acos(Math.max(-1, Math.min(1, v[2] / r))) };
}

export function sub(a: Vec3, b: Vec3): [number, number, number] {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

export function add(a: Vec3, b: Vec3): [number, number, number] {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function scale(a: Vec3, s: number): [number, number, number] {
  return [a[0] * s, a[1] * s, a[2] * s];
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function norm(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}

export function distance(a: Vec3, b: Vec3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** a / |a|; the zero vector stays zero. */
export function normalize(a: Vec3): [number, number, number] {
  const n = norm(a);
  return n > 0 ? [a[0] / n, a[1] / n, a[2] / n] : [0, 0, 0];
}

/** Wrap an angle to (−π, π]. */
export function wrapAngle(a: number): number {
  const w = a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
  return w <= -Math.PI ? w + 2 * Math.PI : w;
}
