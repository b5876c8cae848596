/**
 * The seeded random-number generator used everywhere in liquidwave (initialisation, data,
 * channels, Monte Carlo). xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32: fast on
 * 32-bit integer arithmetic, which is what V8 does best, and bit-for-bit reproducible across
 * machines. Independent streams come from {@link Rng.fork}, which hashes a label into a new seed,
 * so adding draws to one component never shifts the numbers of another.
 *
 * (The numpy-compatible MT19937 / PCG64 generators needed for ncps wirings live in `wirings/`.)
 */
import { fail } from "./errors.ts";

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a hash of a string to 32 bits (labels for forked streams). */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seeded generator. Same seed -> same sequence, bit for bit. */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spare: number | null = null;
  /** The 64-bit key of this stream (two 32-bit words); forks derive their keys from it. */
  private k0 = 0;
  private k1 = 0;

  /** @param seed - a non-negative safe integer. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) fail("Rng", `seed must be a non-negative safe integer, got ${seed}`);
    this.setKey(seed >>> 0, Math.floor(seed / 4294967296) >>> 0);
  }

  /** Seed the state from a 64-bit key: splitmix32 over both key words. */
  private setKey(k0: number, k1: number): void {
    this.k0 = k0;
    this.k1 = k1;
    const st = { s: (k0 ^ fmix32(k1 ^ 0x27d4eb2d)) | 0 };
    this.a = splitmix32(st) ^ k1;
    this.b = splitmix32(st);
    this.c = splitmix32(st) ^ fmix32(k1 + 0x9e3779b9);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    this.spare = null;
  }

  /**
   * An independent generator for the component called `label`: its 64-bit key is a hash of this
   * generator's key and the label, so forks of forks stay distinct and stream collisions need
   * ~2^32 labels. Forking does not consume draws from this generator.
   */
  fork(label: string): Rng {
    const h = hashLabel(label);
    const r = new Rng(0);
    const x0 = fmix32(this.k0 ^ fmix32(h ^ 0x5bd1e995));
    const x1 = fmix32(this.k1 ^ fmix32(x0 + h + 0x68e31da4));
    r.setKey(fmix32(x0 ^ Math.imul(this.k1, 0x9e3779b1)), x1);
    return r;
  }

  /**
   * The generator's whole state (for checkpoints): {@link Rng.setState} on any Rng continues the
   * same sequence bit for bit.
   */
  getState(): number[] {
    return [this.a, this.b, this.c, this.d, this.k0, this.k1, this.spare ?? Number.NaN];
  }

  /** Restore a state from {@link Rng.getState} (checked: seven numbers, the spare normal or NaN). */
  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 7 || !state.slice(0, 6).every((v) => Number.isInteger(v) && Math.abs(v) <= 4294967295)) {
      fail("Rng.setState", `state must be 6 32-bit integers and a number, got ${JSON.stringify(state)?.slice(0, 80)}`);
    }
    [this.a, this.b, this.c, this.d, this.k0, this.k1] = state.slice(0, 6).map((v) => v | 0) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    this.k0 >>>= 0;
    this.k1 >>>= 0;
    const sp = state[6]!;
    this.spare = typeof sp === "number" && Number.isFinite(sp) ? sp : null;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  uniformRange(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n) (unbiased, by rejection). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) fail("Rng.int", `n must be an integer in [1, 2^32], got ${n}`);
    if (n === 4294967296) return this.nextUint32();
    const limit = 4294967296 - (4294967296 % n);
    let v: number;
    do v = this.nextUint32();
    while (v >= limit);
    return v % n;
  }

  /** Standard normal N(0, 1) by the Marsaglia polar method (pairs cached). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Fill `out` with U(lo, hi). */
  fillUniform<T extends Float64Array | Float32Array>(out: T, lo = 0, hi = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * this.uniform();
    return out;
  }

  /** Fill `out` with N(mean, std^2). */
  fillNormal(out: Float64Array, mean = 0, std = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /**
   * Fill planar (re, im) with circularly-symmetric complex normals CN(0, variance):
   * re, im ~ N(0, variance / 2) independently.
   */
  fillComplexNormal(re: Float64Array, im: Float64Array, variance = 1): void {
    const s = Math.sqrt(variance / 2);
    for (let i = 0; i < re.length; i++) {
      re[i] = s * this.normal();
      im[i] = s * this.normal();
    }
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(arr: T[] | Int32Array | Float64Array): void {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = t as never;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
