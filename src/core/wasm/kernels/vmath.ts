/**
 * Vectorised exp, sigmoid and tanh on f64x2, accurate to about one ulp.
 *
 * exp(x), table-driven (N = 2⁷ = 128 entries):
 *   n = round(x·N/ln2),  r = x − n·ln2/N  (Cody–Waite: ln2/N = hi + lo, n·hi exact), |r| ≤ ln2/(2N);
 *   n = N·q + j  ⇒  exp(x) = 2^q · 2^(j/N) · e^r.
 * The table holds 2^(j/N) rounded (T_j) and its relative rounding error τ_j = 2^(j/N)/T_j − 1, so
 *   exp(x) = s·(1 + p),  s = 2^q·T_j,  p = τ_j + r + r²/2 + r³/6 + r⁴/24 + r⁵/120,
 * the degree-5 Taylor remainder r⁶/720 < 6e-19 being far below the 1.1e-16 rounding unit. The result
 * s + s·p rounds once at the end, so the error is ≈ 0.5 ulp plus the small rounding of p.
 * s is built in the integer domain: n sits in the low bits of (x·N/ln2 + 1.5·2⁵²), and
 * bits(T_j) − (j ≪ 45) + (n ≪ 45) adds q to the exponent (the table stores bits(T_j) − (j ≪ 45)).
 * Lanes with |x| > 708 or NaN (overflow, subnormal results) take the imported Math.exp.
 *
 * σ(x) = 1 / (1 + exp(−x)) — the same formula as the JavaScript reference.
 * tanh(x) = sign(x)·m/(m + 2), m = e^(2|x|) − 1 computed as (s − 1) + s·p: s − 1 is exact for the
 * table range and p carries r, so small |x| keeps full relative accuracy (no 1 − e cancellation);
 * |x| is clamped at 20 where tanh = 1 in double precision.
 *
 * The constants (ln 2 split, the table) are computed here with BigInt fixed-point arithmetic.
 */
import { f64x2, i32, i64x2, v128, type Expr, type Local } from "../expr.ts";
import type { FunctionBuilder } from "../module.ts";
import { madd, splat, type KernelContext } from "./context.ts";

export const EXP_TABLE_BITS = 7;
const N = 1 << EXP_TABLE_BITS;
const P = 200n; // fixed-point fraction bits of the BigInt constants
const ONE = 1n << P;

function isqrt(v: bigint): bigint {
  if (v < 2n) return v;
  let x = 1n << BigInt(Math.ceil(v.toString(2).length / 2));
  for (;;) {
    const y = (x + v / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** ln 2 = Σ_{k≥1} 1/(k·2^k) in P-bit fixed point. */
function ln2Fixed(): bigint {
  let s = 0n;
  for (let kk = 1n; kk <= P + 8n; kk++) s += ONE / (kk << kk);
  return s;
}

/** Nearest double to a P-bit fixed-point value. */
function toDouble(v: bigint): number {
  return Number(v) / 2 ** Number(P);
}

/** ln2/N split as hi + lo: hi has 32 significant bits so that n·hi is exact for |n| < 2²¹. */
export function ln2Split(): { hi: number; lo: number } {
  const l = ln2Fixed();
  const hiFixed = (l >> (P - 32n)) << (P - 32n);
  return { hi: toDouble(hiFixed) / N, lo: toDouble(l - hiFixed) / N };
}

/**
 * The exp table: for j in [0, N), the 64-bit pattern bits(T_j) − (j ≪ 45) and τ_j (as a double),
 * 16 bytes per entry, where T_j is 2^(j/N) rounded to nearest and τ_j = 2^(j/N)/T_j − 1.
 */
export function expTable(): { bits: BigInt64Array; tail: Float64Array } {
  // Roots 2^(1/2^k), k = 1..7, by integer square roots.
  const roots: bigint[] = [];
  let r = isqrt(2n * ONE * ONE);
  for (let kk = 1; kk <= EXP_TABLE_BITS; kk++) {
    roots.push(r);
    r = isqrt(r * ONE);
  }
  const bits = new BigInt64Array(N),
    tail = new Float64Array(N);
  const dv = new DataView(new ArrayBuffer(8));
  for (let j = 0; j < N; j++) {
    let x = ONE;
    for (let b = 0; b < EXP_TABLE_BITS; b++) if (j & (1 << b)) x = (x * roots[EXP_TABLE_BITS - 1 - b]!) >> P;
    const t = toDouble(x);
    const tFixed = BigInt(t * 2 ** 60) << (P - 60n); // t has ≤ 53 significant bits and t ∈ [1, 2): exact
    tail[j] = toDouble(x - tFixed) / t;
    dv.setFloat64(0, t);
    bits[j] = BigInt.asIntN(64, dv.getBigInt64(0) - (BigInt(j) << 45n));
  }
  return { bits, tail };
}

/** Write the table into the heap at byte address `addr` (16·N bytes). */
export function writeExpTable(memory: SharedArrayBuffer | ArrayBuffer, addr: number): void {
  const { bits, tail } = expTable();
  const dv = new DataView(memory);
  for (let j = 0; j < N; j++) {
    dv.setBigInt64(addr + 16 * j, bits[j]!, true);
    dv.setFloat64(addr + 16 * j + 8, tail[j]!, true);
  }
}
export const EXP_TABLE_BYTES = 16 * N;

const SHIFT = 1.5 * 2 ** 52;
const INV_LN2N = N / Math.LN2;
const SPLIT = ln2Split();

/**
 * exp(x) = s·(1 + p) for lanes with |x| ≤ 708 (the caller checks the range). Returns the
 * locals holding s and p.
 */
function expParts(f: FunctionBuilder, ctx: KernelContext, x: Expr): { s: Local; p: Local } {
  const kd = f.local("v128", "kd"),
    n = f.local("v128", "n"),
    r = f.local("v128", "r");
  const e0 = f.local("v128", "e0"),
    e1 = f.local("v128", "e1"),
    r2 = f.local("v128", "r2");
  const s = f.local("v128", "s"),
    p = f.local("v128", "p"),
    xv = f.local("v128", "x");
  f.set(xv, x);
  f.set(kd, madd(ctx, xv.get(), splat(INV_LN2N), splat(SHIFT))); // n in the low mantissa bits
  f.set(n, f64x2.sub(kd.get(), splat(SHIFT)));
  // r = (x − n·hi) − n·lo; the first product and difference are exact.
  f.set(r, madd(ctx, n.get(), splat(-SPLIT.hi), xv.get()));
  f.set(r, madd(ctx, n.get(), splat(-SPLIT.lo), r.get()));
  // Table entries of both lanes: byte offset (n mod N)·16.
  const entry = (lane: 0 | 1) => i32.and(i32.shl(i32.wrap_i64(i64x2.extract_lane(kd.get(), lane)), i32.const(4)), i32.const((N - 1) << 4));
  f.set(e0, v128.load(entry(0), ctx.expTable));
  f.set(e1, v128.load(entry(1), ctx.expTable));
  f.set(s, i64x2.add(f64x2.interleaveLo(e0.get(), e1.get()), i64x2.shl(kd.get(), i32.const(45))));
  // p = τ + r + r²·(1/2 + r(1/6 + r(1/24 + r/120))) (Horner: one multiply fewer than Estrin)
  f.set(r2, f64x2.mul(r.get(), r.get()));
  let q = madd(ctx, r.get(), splat(1 / 120), splat(1 / 24));
  q = madd(ctx, r.get(), q, splat(1 / 6));
  q = madd(ctx, r.get(), q, splat(0.5));
  f.set(p, madd(ctx, r2.get(), q, f64x2.add(f64x2.interleaveHi(e0.get(), e1.get()), r.get())));
  return { s, p };
}

/** Lanes where the fast exp path is invalid (|x| > 708, ±∞); NaN is fine (it propagates). */
export function expOutOfRange(x: Expr): Expr {
  return f64x2.gt(f64x2.abs(x), splat(708));
}

/** out = exp(x) for lanes the caller knows to be in range (see {@link expOutOfRange}). */
export function emitExpFast(f: FunctionBuilder, ctx: KernelContext, x: Expr, out: Local): void {
  const { s, p } = expParts(f, ctx, x);
  f.set(out, madd(ctx, s.get(), p.get(), s.get()));
}

/** out = exp(x), lane-wise (fast path for |x| ≤ 708, Math.exp otherwise). */
export function emitExp(f: FunctionBuilder, ctx: KernelContext, x: Local, out: Local): void {
  f.if(
    v128.any_true(expOutOfRange(x.get())),
    () => {
      const e = (lane: 0 | 1) => f.call(ctx.scalarExp, f64x2.extract_lane(x.get(), lane));
      f.set(out, f64x2.replace_lane(f64x2.splat(e(0)), e(1), 1));
    },
    () => emitExpFast(f, ctx, x.get(), out),
  );
}

/** out = σ(x) = 1 / (1 + exp(−x)). */
export function emitSigmoid(f: FunctionBuilder, ctx: KernelContext, x: Local, out: Local): void {
  const nx = f.local("v128", "negX");
  f.set(nx, f64x2.neg(x.get()));
  emitExp(f, ctx, nx, out);
  f.set(out, f64x2.div(splat(1), f64x2.add(splat(1), out.get())));
}

/**
 * out = σ(x) given −x (`negX`), without the range check: valid where |x| ≤ 708 or NaN. Callers
 * flag {@link expOutOfRange}(negX) and redo out-of-range work with {@link emitSigmoid}; keeping
 * the imported call out of hot loops spares the register allocator (measured: 20 % of an LTC step).
 */
export function emitSigmoidOfNegFast(f: FunctionBuilder, ctx: KernelContext, negX: Expr, out: Local): void {
  emitExpFast(f, ctx, negX, out);
  f.set(out, f64x2.div(splat(1), f64x2.add(splat(1), out.get())));
}

/** out = tanh(x). */
export function emitTanh(f: FunctionBuilder, ctx: KernelContext, x: Local, out: Local): void {
  const y = f.local("v128", "twoAbsX");
  // pmin(a, b) = b < a ? b : a keeps a NaN in a (one minpd, unlike the IEEE min); 2·|x| ≤ 40
  // keeps the fast exp path valid.
  f.set(y, f64x2.mul(f64x2.pmin(f64x2.abs(x.get()), splat(20)), splat(2)));
  const { s, p } = expParts(f, ctx, y.get());
  const m = f.local("v128", "em1");
  f.set(m, madd(ctx, s.get(), p.get(), f64x2.sub(s.get(), splat(1))));
  f.set(out, f64x2.div(m.get(), f64x2.add(m.get(), splat(2))));
  // tanh is odd: put the sign of x back (the magnitude is ≥ 0).
  f.set(out, v128.or(out.get(), v128.and(x.get(), splat(-0))));
}
