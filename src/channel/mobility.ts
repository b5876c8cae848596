/**
 * User mobility: speed schedules and trajectories sampled every Δt.
 *
 * Every model advances the position exactly, u(t+Δt) = u(t) + v(t)·Δt·ê(t), with a unit heading
 * ê(t) that evolves continuously (never redrawn per sample, which would make the Doppler process
 * depend on the sampling rate; docs/channel.md §6). The travelled distance s(t) = Σ v Δt is kept:
 * cluster birth/death and large-scale processes are functions of s, not of t.
 */
import { checkInt, checkNumber, fail } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import type { Vec3 } from "./geometry.ts";

/** A user's track: T samples. */
export interface Trajectory {
  /** Positions u(t), [T, 3] row-major, m. */
  readonly pos: Float64Array;
  /** Unit heading ê(t) of the motion from sample t to t+1, [T, 3]. */
  readonly heading: Float64Array;
  /** Speed v(t) in m/s used from sample t to t+1, [T]. */
  readonly speed: Float64Array;
  /** Travelled distance s(t) in m, s(0) = 0, [T]. */
  readonly s: Float64Array;
}

/**
 * Per-sample speeds from a schedule: `speeds[i]` for `slots[i]` consecutive samples (e.g.
 * 6, 15, 30 m/s for 700, 600, 500 slots), optionally with a raised-cosine ramp of `rampS`
 * seconds centred on each phase boundary (0: a step change).
 * @param samples - T; must equal Σ slots when slots are given
 * @returns v[t], m/s
 */
export function speedSchedule(
  samples: number,
  dt: number,
  speeds: readonly number[],
  slots: readonly number[] | null,
  rampS = 0,
): Float64Array {
  const where = "speedSchedule";
  checkInt(where, "samples", samples, 1);
  if (speeds.length === 0) fail(where, "speeds must not be empty");
  speeds.forEach((v, i) => checkNumber(where, `speeds[${i}]`, v, 0));
  const v = new Float64Array(samples);
  if (slots === null) {
    if (speeds.length !== 1) fail(where, `${speeds.length} speeds need slots (one count per speed), got none`);
    return v.fill(speeds[0]!);
  }
  if (slots.length !== speeds.length) fail(where, `${speeds.length} speeds but ${slots.length} slot counts; give one count per speed`);
  slots.forEach((n, i) => checkInt(where, `slots[${i}]`, n, 1));
  const total = slots.reduce((a, b) => a + b, 0);
  if (total !== samples) fail(where, `slots add up to ${total} samples but samples = ${samples}`);
  // v(t) = v_0 + Σ_b (v_{b+1} − v_b)·step(t − T_b): a sum of (possibly smoothed) steps at the
  // phase boundaries T_b, evaluated at mid-slot times; overlapping ramps superpose.
  const boundaries: number[] = [];
  let acc = 0;
  for (let i = 0; i < slots.length - 1; i++) {
    acc += slots[i]!;
    boundaries.push(acc);
  }
  for (let k = 0; k < samples; k++) {
    const tk = (k + 0.5) * dt;
    let vk = speeds[0]!;
    boundaries.forEach((b, i) => {
      const x = rampS > 0 ? (tk - b * dt) / rampS + 0.5 : tk >= b * dt ? 1 : 0;
      const w = x <= 0 ? 0 : x >= 1 ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * x);
      vk += (speeds[i + 1]! - speeds[i]!) * w;
    });
    v[k] = vk;
  }
  return v;
}

function allocate(T: number): { pos: Float64Array; heading: Float64Array; s: Float64Array } {
  return { pos: new Float64Array(3 * T), heading: new Float64Array(3 * T), s: new Float64Array(T) };
}

/**
 * Straight-line motion at a fixed horizontal heading (azimuth `heading`, rad).
 * @param start - initial position [x, y, z], m
 * @param heading - azimuth of the motion, rad
 * @param speed - speed per sample v[t], m/s, shape [T]
 * @param dt - sampling interval Δt, s
 * @returns positions [T, 3] (m), headings [T, 3], speeds [T] (m/s), travelled distance [T] (m)
 */
export function straightTrajectory(start: Vec3, heading: number, speed: Float64Array, dt: number): Trajectory {
  const T = speed.length;
  const tr = allocate(T);
  const ex = Math.cos(heading);
  const ey = Math.sin(heading);
  for (let t = 0; t < T; t++) {
    // Closed form from the travelled distance: no accumulated rounding along the line.
    const s = t === 0 ? 0 : tr.s[t - 1]! + speed[t - 1]! * dt;
    tr.s[t] = s;
    tr.pos[3 * t] = start[0] + s * ex;
    tr.pos[3 * t + 1] = start[1] + s * ey;
    tr.pos[3 * t + 2] = start[2];
    tr.heading[3 * t] = ex;
    tr.heading[3 * t + 1] = ey;
  }
  return { ...tr, speed };
}

/** Options of {@link randomWalkTrajectory}. */
export interface RandomWalkOptions {
  /** Heading diffusion σ_θ in rad/√s: θ(t+Δt) = θ(t) + σ_θ √Δt n. */
  readonly headingSigma: number;
  /** Keep the user in the annulus rMin ≤ d_2D ≤ rMax around `center` (heading reflected at the border). */
  readonly center?: Vec3;
  readonly rMin?: number;
  readonly rMax?: number;
}

/**
 * Continuous-time correlated random walk at the given speeds: constant speed, Brownian heading
 * (docs/channel.md §6.1). At the annulus border the radial component of the heading is reflected.
 * @param rng - the heading noise stream
 * @param start - initial position [x, y, z], m
 * @param heading0 - initial heading azimuth, rad
 * @param speed - speed per sample v[t], m/s, shape [T]
 * @param dt - sampling interval Δt, s
 * @param opts - heading diffusion σ_θ (rad/√s) and the annulus (centre, r_min, r_max in m)
 * @returns positions [T, 3] (m), headings [T, 3], speeds [T] (m/s), travelled distance [T] (m)
 */
export function randomWalkTrajectory(
  rng: Rng,
  start: Vec3,
  heading0: number,
  speed: Float64Array,
  dt: number,
  opts: RandomWalkOptions,
): Trajectory {
  const T = speed.length;
  const tr = allocate(T);
  const c = opts.center ?? [0, 0, 0];
  const rMin = opts.rMin ?? 0;
  const rMax = opts.rMax ?? Infinity;
  const sd = opts.headingSigma * Math.sqrt(dt);
  let x = start[0];
  let y = start[1];
  let th = heading0;
  let s = 0;
  for (let t = 0; t < T; t++) {
    tr.pos[3 * t] = x;
    tr.pos[3 * t + 1] = y;
    tr.pos[3 * t + 2] = start[2];
    tr.s[t] = s;
    let ex = Math.cos(th);
    let ey = Math.sin(th);
    const step = speed[t]! * dt;
    let nx = x + step * ex;
    let ny = y + step * ey;
    const r = Math.hypot(nx - c[0], ny - c[1]);
    if ((r > rMax || r < rMin) && step > 0) {
      // Reflect the heading off the circle: flip its radial component.
      const rx = (x - c[0]) / Math.max(Math.hypot(x - c[0], y - c[1]), 1e-12);
      const ry = (y - c[1]) / Math.max(Math.hypot(x - c[0], y - c[1]), 1e-12);
      const dr = ex * rx + ey * ry;
      if ((r > rMax && dr > 0) || (r < rMin && dr < 0)) {
        ex -= 2 * dr * rx;
        ey -= 2 * dr * ry;
        th = Math.atan2(ey, ex);
        nx = x + step * ex;
        ny = y + step * ey;
      }
    }
    tr.heading[3 * t] = ex;
    tr.heading[3 * t + 1] = ey;
    x = nx;
    y = ny;
    s += step;
    th += sd * rng.normal();
  }
  return { ...tr, speed };
}

/** Options of {@link streetTrajectory}. */
export interface StreetOptions {
  /** Lane-keeping wander: stationary standard deviation of the lateral offset (m). */
  readonly lateralSigma: number;
  /** Distance scale L of the lane-keeping dynamics (m): lateral correlation length ≈ 2L. */
  readonly lateralLength: number;
  /** Street strip the user stays in: yMin ≤ y ≤ yMax. */
  readonly yMin: number;
  readonly yMax: number;
  /** Allowed range of |x − xRef| (m); the user makes a U-turn at either end. */
  readonly xRef: number;
  readonly xMinAbs: number;
  readonly xMaxAbs: number;
}

/**
 * Vehicular motion along a street running along x (docs/channel.md §6.2): speed v along ±x with a
 * smooth lateral wander. The heading deviation ψ from the street axis follows, per travelled
 * distance s, a critically damped lane-keeping law
 *   dψ = −(ψ + (y − y_lane)/(4L))/L · ds + q dW_s,   dy = sin ψ ds,   q = σ_y / √(2 L³),
 * whose lateral offset y − y_lane is stationary with standard deviation σ_y and, unlike an
 * Ornstein–Uhlenbeck position, has a continuous velocity (no spurious Doppler at fine Δt).
 * @param dir - +1 or −1: initial direction along x
 */
export function streetTrajectory(rng: Rng, start: Vec3, dir: 1 | -1, speed: Float64Array, dt: number, opts: StreetOptions): Trajectory {
  const T = speed.length;
  const tr = allocate(T);
  const L = opts.lateralLength;
  const q = opts.lateralSigma / Math.sqrt(2 * L * L * L);
  const lane = start[1];
  let x = start[0];
  let y = start[1];
  let psi = 0;
  let d: number = dir;
  let s = 0;
  for (let t = 0; t < T; t++) {
    tr.pos[3 * t] = x;
    tr.pos[3 * t + 1] = y;
    tr.pos[3 * t + 2] = start[2];
    tr.s[t] = s;
    const step = speed[t]! * dt;
    const rel = x - opts.xRef;
    // U-turn at the ends of the allowed range (only when heading outwards / inwards).
    if ((Math.abs(rel) >= opts.xMaxAbs && Math.sign(rel) === d) || (Math.abs(rel) <= opts.xMinAbs && Math.sign(rel) === -d)) d = -d;
    const ex = d * Math.cos(psi);
    const ey = Math.sin(psi);
    tr.heading[3 * t] = ex;
    tr.heading[3 * t + 1] = ey;
    x += step * ex;
    y += step * ey;
    if (y < opts.yMin || y > opts.yMax) {
      y = Math.min(opts.yMax, Math.max(opts.yMin, y));
      psi = -psi;
    }
    if (step > 0) psi += (-(psi + (y - lane) / (4 * L)) / L) * step + q * Math.sqrt(step) * rng.normal();
    s += step;
  }
  return { ...tr, speed };
}

/**
 * Quantise positions to a horizontal grid (DeepMIMO-like sampling of a ray-traced user grid):
 * x and y rounded to multiples of `spacing`, z kept. Returns a new trajectory; `s` is unchanged.
 * @param tr - positions [T, 3] in m
 * @param spacing - grid spacing, m
 */
export function quantiseTrajectory(tr: Trajectory, spacing: number): Trajectory {
  const pos = tr.pos.slice();
  for (let i = 0; i < pos.length; i += 3) {
    pos[i] = Math.round(pos[i]! / spacing) * spacing;
    pos[i + 1] = Math.round(pos[i + 1]! / spacing) * spacing;
  }
  return { ...tr, pos };
}
