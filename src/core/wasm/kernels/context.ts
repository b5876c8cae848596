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
