/**
 * numpy's PCG64 bit generator (O'Neill's PCG XSL-RR 128/64) seeded through {@link SeedSequence},
 * i.e. the bit generator of `numpy.random.default_rng(seed)`. The 128-bit LCG state needs BigInt;
 * everything downstream works on 32-bit halves as plain numbers.
 */
import { SeedSequence } from "./seed-sequence.ts";

const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
/** The 128-bit PCG default multiplier. */
const MULTIPLIER = (2549297995355413924n << 64n) + 4865540595714422341n;

export class PCG64 {
  private state = 0n;
  private readonly inc: bigint;
  /** numpy buffers the upper half of a 64-bit draw for the next 32-bit request. */
  private hasUint32 = false;
  private uinteger = 0;
  /** Scratch halves of the last 64-bit output. */
  private lo32 = 0;
  private hi32 = 0;

  /**
   * @param initState - 128-bit initial state (numpy: first two uint64 seed words, high first)
   * @param initSeq - 128-bit stream selector (numpy: last two uint64 seed words, high first)
   */
  constructor(initState: bigint, initSeq: bigint) {
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.step();
    this.state = (this.state + (initState & MASK128)) & MASK128;
    this.step();
  }

  /** `PCG64(seed)` as numpy seeds it: SeedSequence(seed).generate_state(4, uint64). */
  static fromSeed(seed: number | bigint): PCG64 {
    const w = new SeedSequence(seed).generateState(8);
    const u64 = (i: number) => (BigInt(w[2 * i + 1]!) << 32n) | BigInt(w[2 * i]!);
    return new PCG64((u64(0) << 64n) | u64(1), (u64(2) << 64n) | u64(3));
  }

  private step(): void {
    this.state = (this.state * MULTIPLIER + this.inc) & MASK128;
  }

  /** Advance and compute the XSL-RR output into lo32/hi32. */
  private advance(): void {
    this.step();
    const s = this.state;
    const x = ((s >> 64n) ^ s) & MASK64;
    const rot = s >> 122n;
    const out = rot === 0n ? x : ((x >> rot) | (x << (64n - rot))) & MASK64;
    this.lo32 = Number(out & 0xffffffffn);
    this.hi32 = Number(out >> 32n);
  }

  /** The next 64-bit output, as a bigint in [0, 2^64). */
  next64(): bigint {
    this.advance();
    return (BigInt(this.hi32) << 32n) | BigInt(this.lo32);
  }

  /** The next 32-bit output: the low half of a fresh 64-bit draw, then its buffered high half. */
  next32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.advance();
    this.hasUint32 = true;
    this.uinteger = this.hi32;
    return this.lo32;
  }
}
