/**
 * numpy's legacy `RandomState` on the Mersenne Twister MT19937 (Matsumoto & Nishimura 1998),
 * reproduced bit for bit for the operations ncps' NCP wiring uses: integer seeding, bounded
 * integers, `permutation`, `choice` with and without replacement.
 *
 * All arithmetic is on 32-bit words (Math.imul, `>>> 0`); no BigInt needed.
 */
import { fail } from "../../core/errors.ts";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const UINT32_MAX = 0xffffffff;

/** The raw MT19937 bit generator, seeded like `init_genrand(seed)` (numpy's integer seeding). */
export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  /** @param seed - integer in [0, 2^32 - 1], as numpy's `RandomState(seed)` requires. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > UINT32_MAX) {
      fail("MT19937", `seed must be an integer in [0, 2^32 - 1], got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      // 1812433253 * (prev ^ (prev >> 30)) + i  (mod 2^32)
      mt[i] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i) >>> 0;
    }
  }

  /** Regenerate the 624-word block (the "twist"). */
  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = (mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = (mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = (mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    this.pos = 0;
  }

  /** The next tempered 32-bit output (genrand_int32), as a number in [0, 2^32). */
  next32(): number {
    if (this.pos >= N) this.twist();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** Smallest 2^k - 1 that is >= max (0 for max = 0). */
export function maskFor(max: number): number {
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

/**
 * The subset of numpy's legacy `RandomState(seed)` that ncps uses, with identical draws.
 * Bounded integers use masked rejection sampling: v = next32() & mask until v <= max.
 */
export class LegacyRandomState {
  readonly bitGenerator: MT19937;

  constructor(seed: number) {
    this.bitGenerator = new MT19937(seed);
  }

  next32(): number {
    return this.bitGenerator.next32();
  }

  /**
   * Uniform integer in [0, max] by masked rejection; max = 0 returns 0 without consuming.
   * (numpy's `random_interval` and the masked path of legacy `randint` agree for max < 2^32.)
   */
  bounded(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > UINT32_MAX)
      fail("RandomState.bounded", `max must be an integer in [0, 2^32 - 1], got ${max}`);
    if (max === 0) return 0;
    const mask = maskFor(max);
    let v: number;
    do v = (this.bitGenerator.next32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** `randint(0, n)`: uniform integer in [0, n). */
  randint(n: number): number {
    if (!Number.isInteger(n) || n < 1) fail("RandomState.randint", `high must be a positive integer, got ${n}`);
    return this.bounded(n - 1);
  }

  /** `permutation(n)`: Fisher-Yates from the top, j = bounded(i) for i = n-1 .. 1. */
  permutation(n: number): number[] {
    if (!Number.isInteger(n) || n < 0) fail("RandomState.permutation", `n must be a non-negative integer, got ${n}`);
    const a = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i >= 1; i--) {
      const j = this.bounded(i);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }

  /** `choice(list)` (one element, with replacement) = list[randint(0, len)]. */
  choice<T>(list: readonly T[]): T {
    if (list.length === 0) fail("RandomState.choice", "cannot choose from an empty list");
    return list[this.randint(list.length)]!;
  }

  /**
   * `choice(list, size=k, replace=False)` = the first k entries of a full permutation of the
   * indices (so it always consumes n - 1 bounded draws, whatever k is).
   */
  choiceWithoutReplacement<T>(list: readonly T[], k: number): T[] {
    if (!Number.isInteger(k) || k < 0) fail("RandomState.choice", `size must be a non-negative integer, got ${k}`);
    if (k > list.length)
      fail("RandomState.choice", `cannot take a larger sample (${k}) than the population (${list.length}) when replace is False`);
    return this.permutation(list.length)
      .slice(0, k)
      .map((i) => list[i]!);
  }
}
