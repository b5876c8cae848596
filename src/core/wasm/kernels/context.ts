/**
 * What every kernel generator shares: whether to emit fused multiply-adds (relaxed SIMD), where
 * the constant tables live in the heap, and the imported scalar fallbacks.
 */
import { f64, f64x2, i32, v128, type Expr, type Local } from "../expr.ts";
import type { FuncRef, FunctionBuilder } from "../module.ts";

export interface KernelContext {
  /** Emit f64x2.relaxed_madd (one rounding where the CPU has FMA) instead of mul + add. */
  readonly fma: boolean;
  /** Heap address of the exp table (see `vmath.ts`). */
  readonly expTable: number;
  /** Imported scalar exp (Math.exp) for the rare lanes outside the fast range. */
  readonly scalarExp: FuncRef;
}

/** a·b + c on f64x2: fused when the context allows it. */
export function madd(ctx: KernelContext, a: Expr, b: Expr, c: Expr): Expr {
  return ctx.fma ? f64x2.relaxed_madd(a, b, c) : f64x2.add(f64x2.mul(a, b), c);
}

/** c − a·b on f64x2: fused when the context allows it. */
export function nmadd(ctx: KernelContext, a: Expr, b: Expr, c: Expr): Expr {
  return ctx.fma ? f64x2.relaxed_nmadd(a, b, c) : f64x2.sub(c, f64x2.mul(a, b));
}

/** Splat of a scalar f64 constant. */
export const splat = (v: number): Expr => f64x2.const(v, v);

/** How a loop body touches memory: whole vectors, or lane 0 only (the odd last element). */
export interface Lanes {
  readonly half: boolean;
  load(addr: Expr, offset?: number): Expr;
  store(addr: Expr, v: Expr, offset?: number): Expr;
}
export const FULL: Lanes = { half: false, load: (a, o = 0) => v128.load(a, o), store: (a, v, o = 0) => v128.store(a, v, o) };
/** Loads zero the upper lane (so it holds harmless zeros), stores write lane 0 only. */
export const HALF: Lanes = {
  half: true,
  load: (a, o = 0) => v128.load64_zero(a, o),
  store: (a, v, o = 0) => v128.store64_lane(a, v, 0, o),
};

/**
 * `for (j = from; j < to; j += 2) body(FULL)`, then `body(HALF)` at j = to − 1 if one element is
 * left. `j` is an element index; `from`/`to` must be cheap to re-evaluate (locals or constants).
 */
export function pairs(f: FunctionBuilder, j: Local, from: Expr, to: Expr, body: (lanes: Lanes) => void): void {
  f.set(j, from);
  f.block((done) =>
    f.loop((next) => {
      f.brIf(done, i32.gt_s(i32.add(j.get(), i32.const(2)), to));
      body(FULL);
      f.set(j, i32.add(j.get(), i32.const(2)));
      f.br(next);
    }),
  );
  f.if(i32.lt_s(j.get(), to), () => body(HALF));
}

/** One float32 element in lane 0 (the others zero on load, untouched on store). */
export const ONE32: Lanes = {
  half: true,
  load: (a, o = 0) => v128.load32_zero(a, o),
  store: (a, v, o = 0) => v128.store32_lane(a, v, 0, o),
};

/**
 * The float32 counterpart of {@link pairs}: `for (j = from; j + 4 <= to; j += 4) body(FULL)`, then
 * `body(ONE32)` for each of the last (to − from) mod 4 elements.
 */
export function quads(f: FunctionBuilder, j: Local, from: Expr, to: Expr, body: (lanes: Lanes) => void): void {
  f.set(j, from);
  f.block((done) =>
    f.loop((next) => {
      f.brIf(done, i32.gt_s(i32.add(j.get(), i32.const(4)), to));
      body(FULL);
      f.set(j, i32.add(j.get(), i32.const(4)));
      f.br(next);
    }),
  );
  f.block((done) =>
    f.loop((next) => {
      f.brIf(done, i32.ge_s(j.get(), to));
      body(ONE32);
      f.set(j, i32.add(j.get(), i32.const(1)));
      f.br(next);
    }),
  );
}

/** Sum of the two lanes of a v128 as an f64. */
export function hsum(v: Expr): Expr {
  return f64.add(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

/** What a row loop needs of a number format (format.ts `Format` has both). */
export interface VectorLoop {
  /** log₂ of the element size in bytes. */
  readonly shift: number;
  /** Whole vectors over [from, to), then the leftover elements ({@link pairs} or {@link quads}). */
  loop(f: FunctionBuilder, j: Local, from: Expr, to: Expr, body: (lanes: Lanes) => void): void;
}

/**
 * Rows r of [B, H] outputs whose gate rows are `gates`·H wide: calls `body` with the byte offset
 * of element (r, j) in the [B, H] arrays (`at`) and of gate 0's element in the gate rows (`gAt`),
 * and `Hb` = H in bytes (gate q is at gAt + q·Hb). Used by the LSTM/GRU gate kernels of both
 * formats (forward gates in f32.ts, backward gates in gates.ts).
 */
export function gateLoop(
  f: FunctionBuilder,
  F: VectorLoop,
  B: Local,
  H: Local,
  gates: number,
  body: (L: Lanes, at: Local, gAt: Local, Hb: Local) => void,
): void {
  const r = f.local("i32", "r"),
    j = f.local("i32", "j"),
    at = f.local("i32", "at"),
    gAt = f.local("i32", "gAt"),
    Hb = f.local("i32", "Hb"),
    rowH = f.local("i32", "rowH"),
    rowG = f.local("i32", "rowG");
  const sh = i32.const(F.shift);
  f.set(Hb, i32.shl(H.get(), sh));
  f.for(r, i32.const(0), B.get(), 1, () => {
    f.set(rowH, i32.mul(r.get(), Hb.get()));
    f.set(rowG, i32.mul(rowH.get(), i32.const(gates)));
    F.loop(f, j, i32.const(0), H.get(), (L) => {
      f.set(at, i32.add(rowH.get(), i32.shl(j.get(), sh)));
      f.set(gAt, i32.add(rowG.get(), i32.shl(j.get(), sh)));
      body(L, at, gAt, Hb);
    });
  });
}
