/**
 * The subset of numpy's `Generator` (`default_rng(seed)`, PCG64) that ncps' FullyConnected and
 * Random wirings use, with identical draws: Lemire bounded integers, `integers`, `choice` with
 * replacement, `choice(..., replace=False)` (Floyd's algorithm + shuffle, or a tail shuffle for
 * large populations) and the integer shuffle.
 */
import { checkHeapBudget } from "../../core/budget.ts";
import { fail } from "../../core/errors.ts";
import { PCG64 } from "./pcg64.ts";

const UINT32_MAX = 0xffffffff;

export class NumpyGenerator {
  readonly bitGenerator: PCG64;

  /** `numpy.random.default_rng(seed)` for a non-negative integer seed. */
  constructor(seed: number | bigint) {
    this.bitGenerator = PCG64.fromSeed(seed);
  }

  /**
   * Uniform integer in [0, max] by Lemire's multiply-shift with rejection (numpy's
   * `buffered_bounded_lemire_uint32`); max = 0 returns 0 without consuming.
   */
  bounded(max: number): number {
    if (!Number.isInteger(max) || max < 0 || max > UINT32_MAX)
      fail("Generator.bounded", `max must be an integer in [0, 2^32 - 1], got ${max}`);
    if (max === 0) return 0;
    if (max === UINT32_MAX) return this.bitGenerator.next32();
    const range = max + 1;
    // m = next32 * range is below 2^64, so split it: low 32 bits = leftover, high = result.
    let [hi, lo] = mul32(this.bitGenerator.next32(), range);
    if (lo < range) {
      const threshold = (UINT32_MAX - max) % range;
      while (lo < threshold) [hi, lo] = mul32(this.bitGenerator.next32(), range);
    }
    return hi;
  }

  /** `integers(0, n)`: uniform integer in [0, n). */
  integers(n: number): number {
    if (!Number.isInteger(n) || n < 1) fail("Generator.integers", `high must be a positive integer, got ${n}`);
    return this.bounded(n - 1);
  }

  /** `choice(list)` (one element, with replacement). */
  choice<T>(list: readonly T[]): T {
    if (list.length === 0) fail("Generator.choice", "cannot choose from an empty list");
    return list[this.integers(list.length)]!;
  }

  /** In-place shuffle of data[first..n-1] from the top: j = bounded(i) for i = n-1 .. first. */
  shuffleInt(data: number[], n: number, first: number): void {
    for (let i = n - 1; i >= first; i--) {
      const j = this.bounded(i);
      const t = data[j]!;
      data[j] = data[i]!;
      data[i] = t;
    }
  }

  /**
   * `choice(pop, size=k, replace=False)` (shuffle=True) as indices into [0, pop).
   * For pop <= 10000 or k <= pop // 50: Floyd's algorithm (for j = pop-k .. pop-1 draw
   * v = bounded(j); take v unless already taken, else j) then shuffle the k results; otherwise
   * shuffle the tail of a full index array and return its last k entries.
   */
  choiceIndicesWithoutReplacement(pop: number, k: number): number[] {
    const where = "Generator.choice";
    if (!Number.isInteger(pop) || pop < 0) fail(where, `population must be a non-negative integer, got ${pop}`);
    if (!Number.isInteger(k) || k < 0) fail(where, `size must be a non-negative integer, got ${k}`);
    if (k > pop) fail(where, `cannot take a larger sample (${k}) than the population (${pop}) when replace is False`);
    if (pop > UINT32_MAX) fail(where, `population ${pop} is beyond the 32-bit range supported here`);
    const tail = pop > 10000 && k > Math.floor(pop / 50);
    // Index arrays (8 bytes an entry) and Floyd's set (about 40 bytes an entry) live on the JS heap.
    checkHeapBudget(where, `drawing ${k} of ${pop} without replacement`, tail ? 8 * pop + 8 * k : 48 * k);
    if (tail) {
      const idx = Array.from({ length: pop }, (_, i) => i);
      this.shuffleInt(idx, pop, Math.max(pop - k, 1));
      return idx.slice(pop - k);
    }
    const out: number[] = new Array<number>(k);
    const taken = new Set<number>();
    for (let j = pop - k; j < pop; j++) {
      const v = this.bounded(j);
      const pick = taken.has(v) ? j : v;
      taken.add(pick);
      out[j - pop + k] = pick;
    }
    this.shuffleInt(out, k, 1);
    return out;
  }

  /** `choice(list, size=k, replace=False)` on the elements of a list. */
  choiceWithoutReplacement<T>(list: readonly T[], k: number): T[] {
    return this.choiceIndicesWithoutReplacement(list.length, k).map((i) => list[i]!);
  }
}

/** The exact 64-bit product of two uint32 values as [high 32 bits, low 32 bits]. */
function mul32(a: number, b: number): [number, number] {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const hh = aHi * bHi;
  // Each partial product is < 2^32; sum the middle terms with carries explicitly.
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const lo = (((mid & 0xffff) << 16) | (ll & 0xffff)) >>> 0;
  const hi = hh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 0x10000);
  return [hi >>> 0, lo];
}
