/**
 * GEMM kernels on f64x2, generated for every edge tile so that any m, k, n (batch 1 included)
 * runs vectorised code.
 *
 * - `gemmNT`: C[m, n] (+)= A[m, k]·B[n, k]ᵀ (+ bias[n]). Dot-product form: both operands are
 *   contiguous along k, so a 2×4 tile of C keeps 8 two-lane partial sums over k (pairs of k), and
 *   the lanes are folded at the end (odd k: the last element is loaded with a zero upper lane).
 *   Column blocks are the outer loop so the 4 rows of B stay in L1 while all of A streams past.
 * - `gemmNN`: C[m, n] (+)= A[m, k]·B[k, n] with A read through element strides (as0, as1), so Aᵀ
 *   costs nothing. Rank-1 (axpy) form: a 4×4 tile of C in 8 registers, per k one splat of A(i, p)
 *   per row and two vector loads of B's row; odd n ends with a half-vector column.
 *
 * Register budget (x64 has 16 xmm, V8 keeps one as scratch): 8 accumulators + operands ≤ 15.
 * Measured on the CfC shapes: these tiles run at ~10 GMAC/s with FMA (~85 % of the f64x2 FMA
 * peak); 2×5/2×6 and 5×4/6×4 tiles are 30-50 % slower (spills), and unrolling k or specialising
 * on constant shapes gains ≤ 5 % (V8 schedules straight-line code poorly).
 * All pointers are byte addresses in the heap; strides and sizes are element counts.
 *
 * One generator per product serves both number formats ({@link GemmFormat}): float64 on f64x2
 * (`gemmNT`, `gemmNN`, as above) and float32 on f32x4 (`gemmNT32`, `gemmNN32`): the same tiles
 * with four lanes, so gemmNT's partial sums run over quads of k (the last k mod 4 one at a time)
 * and fold four lanes per column, and gemmNN's tiles are 4×8 (two four-lane vectors per row),
 * then 4×4, then single columns.
 */
import { f32, f32x4, f64, f64x2, i32, v128, type Expr, type Local } from "../expr.ts";
import type { FuncRef, FunctionBuilder, ModuleBuilder } from "../module.ts";
import { kernelSignature, type KernelName } from "../signatures.ts";
import { madd, type KernelContext } from "./context.ts";

/** What differs between the float64 and float32 products. */
export interface GemmFormat {
  readonly nt: KernelName;
  readonly nn: KernelName;
  /** Lanes per vector (2 or 4) and log₂ of the element size in bytes (3 or 2). */
  readonly lanes: 2 | 4;
  readonly shift: 3 | 2;
  readonly zero: Expr;
  madd(ctx: KernelContext, a: Expr, b: Expr, c: Expr): Expr;
  add(a: Expr, b: Expr): Expr;
  /** One element in lane 0, the others zero / store lane 0. */
  loadOne(addr: Expr): Expr;
  storeOne(addr: Expr, v: Expr): Expr;
  /** An element splatted over all lanes. */
  loadSplat(addr: Expr): Expr;
}

export const GEMM_F64: GemmFormat = {
  nt: "gemmNT",
  nn: "gemmNN",
  lanes: 2,
  shift: 3,
  zero: f64x2.const(0, 0),
  madd,
  add: f64x2.add,
  loadOne: (a) => v128.load64_zero(a),
  storeOne: (a, v) => v128.store64_lane(a, v, 0),
  loadSplat: (a) => v128.load64_splat(a),
};

export const GEMM_F32: GemmFormat = {
  nt: "gemmNT32",
  nn: "gemmNN32",
  lanes: 4,
  shift: 2,
  zero: f32x4.const(0),
  madd: (ctx, a, b, c) => (ctx.fma ? f32x4.relaxed_madd(a, b, c) : f32x4.add(f32x4.mul(a, b), c)),
  add: f32x4.add,
  loadOne: (a) => v128.load32_zero(a),
  storeOne: (a, v) => v128.store32_lane(a, v, 0),
  loadSplat: (a) => v128.load32_splat(a),
};

/** `for (x = 0; x + step <= end; x += step) body()`. */
function blocks(f: FunctionBuilder, x: Local, step: number, end: Local, body: () => void): void {
  f.set(x, i32.const(0));
  f.block((done) =>
    f.loop((next) => {
      f.brIf(done, i32.gt_s(i32.add(x.get(), i32.const(step)), end.get()));
      body();
      f.set(x, i32.add(x.get(), i32.const(step)));
      f.br(next);
    }),
  );
}

export function emitGemmNT(mod: ModuleBuilder, ctx: KernelContext, G: GemmFormat = GEMM_F64): FuncRef {
  const sh = G.shift,
    eb = 1 << sh;
  return mod.function(G.nt, kernelSignature(G.nt), (f) => {
    const [a, b, c, m, k, n, accumulate, bias] = f.args(8);
    const i0 = f.local("i32", "i0"),
      j0 = f.local("i32", "j0"),
      p = f.local("i32", "p");
    const kb = f.local("i32", "kBytes"),
      kVec = f.local("i32", "kVecBytes");
    const pa = f.locals("i32", 2, "pa"),
      pb = f.locals("i32", 4, "pb");
    const acc = f.locals("v128", 8, "acc"),
      av = f.locals("v128", 2, "av"),
      bv = f.local("v128", "bv");
    const s = f.local("v128", "s"),
      t = G.lanes === 2 ? f.local("f64", "t") : f.local("f32", "t"),
      cAddr = f.local("i32", "cAddr");
    f.set(kb, i32.shl(k.get(), i32.const(sh)));
    // Bytes of k covered by whole vectors (pairs of k in float64, quads in float32).
    f.set(kVec, i32.shl(i32.and(k.get(), i32.const(-G.lanes)), i32.const(sh)));

    const tile = (mr: number, nr: number) => {
      for (let ii = 0; ii < mr; ii++) f.set(pa[ii]!, i32.add(a.get(), i32.mul(i32.add(i0.get(), i32.const(ii)), kb.get())));
      for (let jj = 0; jj < nr; jj++) f.set(pb[jj]!, i32.add(b.get(), i32.mul(i32.add(j0.get(), i32.const(jj)), kb.get())));
      for (let q = 0; q < mr * 4; q++) f.set(acc[q]!, G.zero);
      const step = (load: (addr: Expr) => Expr) => {
        for (let ii = 0; ii < mr; ii++) f.set(av[ii]!, load(i32.add(pa[ii]!.get(), p.get())));
        for (let jj = 0; jj < nr; jj++) {
          f.set(bv, load(i32.add(pb[jj]!.get(), p.get())));
          for (let ii = 0; ii < mr; ii++) f.set(acc[ii * 4 + jj]!, G.madd(ctx, av[ii]!.get(), bv.get(), acc[ii * 4 + jj]!.get()));
        }
      };
      f.for(p, i32.const(0), kVec.get(), 16, () => step((addr) => v128.load(addr)));
      if (G.lanes === 2) {
        // Odd k: one more element with a zero upper lane.
        f.if(i32.and(k.get(), i32.const(1)), () => {
          f.set(p, kVec.get());
          step(G.loadOne);
        });
      } else f.for(p, kVec.get(), kb.get(), eb, () => step(G.loadOne)); // the last k mod 4, one at a time
      for (let ii = 0; ii < mr; ii++) {
        f.set(cAddr, i32.add(c.get(), i32.shl(i32.add(i32.mul(i32.add(i0.get(), i32.const(ii)), n.get()), j0.get()), i32.const(sh))));
        let jj = 0;
        if (G.lanes === 2)
          // float64: pairs of columns folded into one vector.
          for (; jj + 1 < nr; jj += 2) {
            const x = acc[ii * 4 + jj]!.get(),
              y = acc[ii * 4 + jj + 1]!.get();
            f.set(s, f64x2.add(f64x2.interleaveLo(x, y), f64x2.interleaveHi(x, y)));
            f.if(bias.get(), () => f.set(s, f64x2.add(s.get(), v128.load(bias.get(), jj * 8))));
            f.if(accumulate.get(), () => f.set(s, f64x2.add(v128.load(cAddr.get(), jj * 8), s.get())));
            f.do(v128.store(cAddr.get(), s.get(), jj * 8));
          }
        // Remaining columns one by one: the lanes summed as a scalar.
        for (; jj < nr; jj++) {
          const x = acc[ii * 4 + jj]!;
          const off = jj * eb;
          if (G.lanes === 2) {
            f.set(t, f64.add(f64x2.extract_lane(x.get(), 0), f64x2.extract_lane(x.get(), 1)));
            f.if(bias.get(), () => f.set(t, f64.add(t.get(), f64.load(bias.get(), off))));
            f.if(accumulate.get(), () => f.set(t, f64.add(f64.load(cAddr.get(), off), t.get())));
            f.do(f64.store(cAddr.get(), t.get(), off));
          } else {
            // (l0 + l1) + (l2 + l3)
            f.set(s, x.get());
            const lane = (q: 0 | 1 | 2 | 3) => f32x4.extract_lane(s.get(), q);
            f.set(t, f32.add(f32.add(lane(0), lane(1)), f32.add(lane(2), lane(3))));
            f.if(bias.get(), () => f.set(t, f32.add(t.get(), f32.load(bias.get(), off))));
            f.if(accumulate.get(), () => f.set(t, f32.add(f32.load(cAddr.get(), off), t.get())));
            f.do(f32.store(cAddr.get(), t.get(), off));
          }
        }
      }
    };

    const rows = (nr: number) => {
      blocks(f, i0, 2, m, () => tile(2, nr));
      f.if(i32.and(m.get(), i32.const(1)), () => tile(1, nr));
    };

    // The bias pointer walks with the column block (loads above use offset 0 + jj·element size).
    const biasBase = f.local("i32", "biasBase");
    f.set(biasBase, bias.get());
    const setBias = () => f.if(biasBase.get(), () => f.set(bias, i32.add(biasBase.get(), i32.shl(j0.get(), i32.const(sh)))));
    blocks(f, j0, 4, n, () => {
      setBias();
      rows(4);
    });
    const left = () => i32.sub(n.get(), j0.get());
    // At most one of these runs (0 ≤ left < 4); each handles the whole remainder.
    for (const nr of [3, 2, 1])
      f.if(i32.eq(left(), i32.const(nr)), () => {
        setBias();
        rows(nr);
      });
  });
}

export function emitGemmNN(mod: ModuleBuilder, ctx: KernelContext, G: GemmFormat = GEMM_F64): FuncRef {
  const sh = G.shift,
    W = G.lanes; // columns per vector; a full tile is two vectors wide
  return mod.function(G.nn, kernelSignature(G.nn), (f) => {
    const [a, as0, as1, b, c, m, k, n, accumulate] = f.args(9);
    const i0 = f.local("i32", "i0"),
      j0 = f.local("i32", "j0"),
      p = f.local("i32", "p");
    const s0 = f.local("i32", "rowStrideBytes"),
      s1 = f.local("i32", "colStrideBytes"),
      nb = f.local("i32", "nBytes");
    const pa = f.locals("i32", 4, "pa"),
      pbRow = f.local("i32", "pbRow"),
      cAddr = f.local("i32", "cAddr");
    const acc = f.locals("v128", 8, "acc"),
      bv = f.locals("v128", 2, "bv"),
      sa = f.local("v128", "splatA");
    f.set(s0, i32.shl(as0.get(), i32.const(sh)));
    f.set(s1, i32.shl(as1.get(), i32.const(sh)));
    f.set(nb, i32.shl(n.get(), i32.const(sh)));

    /** mr rows × nv vectors (one: a single column in lane 0). */
    const tile = (mr: number, nv: number, one: boolean) => {
      for (let ii = 0; ii < mr; ii++) f.set(pa[ii]!, i32.add(a.get(), i32.mul(i32.add(i0.get(), i32.const(ii)), s0.get())));
      f.set(pbRow, i32.add(b.get(), i32.shl(j0.get(), i32.const(sh))));
      for (let q = 0; q < mr * 2; q++) f.set(acc[q]!, G.zero);
      f.for(p, i32.const(0), k.get(), 1, () => {
        for (let vv = 0; vv < nv; vv++) f.set(bv[vv]!, one ? G.loadOne(pbRow.get()) : v128.load(pbRow.get(), vv * 16));
        for (let ii = 0; ii < mr; ii++) {
          f.set(sa, G.loadSplat(pa[ii]!.get()));
          for (let vv = 0; vv < nv; vv++) f.set(acc[ii * 2 + vv]!, G.madd(ctx, sa.get(), bv[vv]!.get(), acc[ii * 2 + vv]!.get()));
          f.set(pa[ii]!, i32.add(pa[ii]!.get(), s1.get()));
        }
        f.set(pbRow, i32.add(pbRow.get(), nb.get()));
      });
      for (let ii = 0; ii < mr; ii++) {
        f.set(cAddr, i32.add(c.get(), i32.shl(i32.add(i32.mul(i32.add(i0.get(), i32.const(ii)), n.get()), j0.get()), i32.const(sh))));
        for (let vv = 0; vv < nv; vv++) {
          const x = acc[ii * 2 + vv]!;
          if (one) {
            f.if(accumulate.get(), () => f.set(x, G.add(G.loadOne(cAddr.get()), x.get())));
            f.do(G.storeOne(cAddr.get(), x.get()));
          } else {
            f.if(accumulate.get(), () => f.set(x, G.add(v128.load(cAddr.get(), vv * 16), x.get())));
            f.do(v128.store(cAddr.get(), x.get(), vv * 16));
          }
        }
      }
    };

    const cols = (mr: number) => {
      blocks(f, j0, 2 * W, n, () => tile(mr, 2, false));
      f.if(i32.ge_s(i32.sub(n.get(), j0.get()), i32.const(W)), () => {
        tile(mr, 1, false);
        f.set(j0, i32.add(j0.get(), i32.const(W)));
      });
      if (W === 2) f.if(i32.ge_s(i32.sub(n.get(), j0.get()), i32.const(1)), () => tile(mr, 1, true));
      else
        f.block((done) =>
          f.loop((next) => {
            f.brIf(done, i32.ge_s(j0.get(), n.get()));
            tile(mr, 1, true);
            f.set(j0, i32.add(j0.get(), i32.const(1)));
            f.br(next);
          }),
        );
    };

    blocks(f, i0, 4, m, () => cols(4));
    const left = () => i32.sub(m.get(), i0.get());
    for (const mr of [3, 2, 1]) f.if(i32.eq(left(), i32.const(mr)), () => cols(mr));
  });
}
