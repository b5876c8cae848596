/**
 * numpy's `SeedSequence` (O'Neill's seed_seq hashing, pool size 4) for a non-negative integer
 * entropy, producing the words that seed `PCG64` (`default_rng(seed)`). All arithmetic is
 * modulo 2^32 (Math.imul, `>>> 0`).
 */
import { fail } from "../../core/errors.ts";

const POOL_SIZE = 4;
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;

/** Little-endian 32-bit words of a non-negative integer ([0] for 0), like numpy's coercion. */
export function entropyWords(seed: number | bigint): number[] {
  let n = typeof seed === "bigint" ? seed : Number.isSafeInteger(seed) ? BigInt(seed) : -1n;
  if (n < 0n) fail("SeedSequence", `seed must be a non-negative integer (at most 2^53 - 1 as a number, or a bigint), got ${String(seed)}`);
  if (n === 0n) return [0];
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words;
}

function mix(x: number, y: number): number {
  let r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
  r = (r ^ (r >>> XSHIFT)) >>> 0;
  return r;
}

/** A SeedSequence with no spawn key, seeded from one integer. */
export class SeedSequence {
  /** The 4-word mixed entropy pool. */
  readonly pool: Uint32Array;

  constructor(seed: number | bigint) {
    const entropy = entropyWords(seed);
    let hashConst = INIT_A;
    const hashmix = (value: number): number => {
      let v = (value ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_A) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      return (v ^ (v >>> XSHIFT)) >>> 0;
    };
    const pool = new Uint32Array(POOL_SIZE);
    for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < entropy.length ? entropy[i]! : 0);
    // Mix every word into every other, so late entropy words affect early pool words.
    for (let s = 0; s < POOL_SIZE; s++) {
      for (let d = 0; d < POOL_SIZE; d++) {
        if (s !== d) pool[d] = mix(pool[d]!, hashmix(pool[s]!));
      }
    }
    // Entropy beyond the pool size is mixed into every pool word.
    for (let s = POOL_SIZE; s < entropy.length; s++) {
      for (let d = 0; d < POOL_SIZE; d++) pool[d] = mix(pool[d]!, hashmix(entropy[s]!));
    }
    this.pool = pool;
  }

  /** `generate_state(nWords, uint32)`. (Pairs of words, little-endian, give the uint64 form.) */
  generateState(nWords: number): Uint32Array {
    if (!Number.isInteger(nWords) || nWords < 0)
      fail("SeedSequence.generateState", `number of words must be a non-negative integer, got ${nWords}`);
    const out = new Uint32Array(nWords);
    let hashConst = INIT_B;
    for (let i = 0; i < nWords; i++) {
      let v = (this.pool[i % POOL_SIZE]! ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      out[i] = (v ^ (v >>> XSHIFT)) >>> 0;
    }
    return out;
  }
}
