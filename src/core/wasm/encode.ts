/**
 * Byte-level encodings of the WebAssembly binary format (WebAssembly core specification §5.2): LEB128 integers,
 * little-endian floats and length-prefixed vectors. Everything the assembler writes goes through
 * a {@link ByteSink}.
 */

/** A growable byte buffer. */
export class ByteSink {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  private n = 0;

  get length(): number {
    return this.n;
  }

  byte(b: number): this {
    if (this.n === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = b & 0xff;
    return this;
  }

  bytes(bs: ArrayLike<number>): this {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]!);
    return this;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`u32 out of range: ${v}`);
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer (values ≥ 2^31 are taken modulo 2^32, as i32.const does). */
  i32(v: number): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) throw new RangeError(`i32 out of range: ${v}`);
    return this.sleb(BigInt(v | 0));
  }

  /** Signed LEB128 of a 64-bit integer (two's complement for values ≥ 2^63). */
  i64(v: bigint): this {
    return this.sleb(BigInt.asIntN(64, v));
  }

  private sleb(v: bigint): this {
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n; // arithmetic shift on BigInt
      const done = (v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  /** IEEE-754 binary64, little-endian. */
  f64(v: number): this {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, v, true);
    return this.bytes(new Uint8Array(dv.buffer));
  }

  /** A name: byte length then UTF-8. */
  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).bytes(b);
  }

  /** The bytes written so far (a copy). */
  toBytes(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.n);
  }
}
