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
 */
import { f64, f64x2, i32, v128, type Expr, type Local } from "../expr.ts";
import type { FuncRef, ModuleBuilder } from "../module.ts";
import { kernelSignature } from "../signatures.ts";
import { madd, type KernelContext } from "./context.ts";

const ZERO = f64x2.const(0, 0);

export function emitGemmNT(mod: ModuleBuilder, ctx: KernelContext): FuncRef {
  return mod.function("gemmNT", kernelSignature("gemmNT"), (f) => {
    const [a, b, c, m, k, n, accumulate, bias] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local];
    const i0 = f.local("i32", "i0"),
      j0 = f.local("i32", "j0"),
      p = f.local("i32", "p");
    const kb = f.local("i32", "kBytes"),
      kEven = f.local("i32", "kEvenBytes");
    const pa = f.locals("i32", 2, "pa"),
      pb = f.locals("i32", 4, "pb");
    const acc = f.locals("v128", 8, "acc"),
      av = f.locals("v128", 2, "av"),
      bv = f.local("v128", "bv");
    const s = f.local("v128", "s"),
      t = f.local("f64", "t"),
      cAddr = f.local("i32", "cAddr");
    f.set(kb, i32.shl(k.get(), i32.const(3)));
    f.set(kEven, i32.shl(i32.and(k.get(), i32.const(-2)), i32.const(3)));

    const tile = (mr: number, nr: number) => {
      for (let ii = 0; ii < mr; ii++) f.set(pa[ii]!, i32.add(a.get(), i32.mul(i32.add(i0.get(), i32.const(ii)), kb.get())));
      for (let jj = 0; jj < nr; jj++) f.set(pb[jj]!, i32.add(b.get(), i32.mul(i32.add(j0.get(), i32.const(jj)), kb.get())));
      for (let q = 0; q < mr * 4; q++) f.set(acc[q]!, ZERO);
      const step = (load: (addr: Expr) => Expr) => {
        for (let ii = 0; ii < mr; ii++) f.set(av[ii]!, load(i32.add(pa[ii]!.get(), p.get())));
        for (let jj = 0; jj < nr; jj++) {
          f.set(bv, load(i32.add(pb[jj]!.get(), p.get())));
          for (let ii = 0; ii < mr; ii++) f.set(acc[ii * 4 + jj]!, madd(ctx, av[ii]!.get(), bv.get(), acc[ii * 4 + jj]!.get()));
        }
      };
      f.for(p, i32.const(0), kEven.get(), 16, () => step((addr) => v128.load(addr)));
      // Odd k: one more element with a zero upper lane.
      f.if(i32.and(k.get(), i32.const(1)), () => {
        f.set(p, kEven.get());
        step((addr) => v128.load64_zero(addr));
      });
      // Fold lanes and store row by row: pairs of columns as one vector, a last odd column alone.
      for (let ii = 0; ii < mr; ii++) {
        f.set(cAddr, i32.add(c.get(), i32.shl(i32.add(i32.mul(i32.add(i0.get(), i32.const(ii)), n.get()), j0.get()), i32.const(3))));
        for (let jj = 0; jj + 1 < nr; jj += 2) {
          const x = acc[ii * 4 + jj]!.get(),
            y = acc[ii * 4 + jj + 1]!.get();
          f.set(s, f64x2.add(f64x2.interleaveLo(x, y), f64x2.interleaveHi(x, y)));
          f.if(bias.get(), () => f.set(s, f64x2.add(s.get(), v128.load(bias.get(), jj * 8))));
          f.if(accumulate.get(), () => f.set(s, f64x2.add(v128.load(cAddr.get(), jj * 8), s.get())));
          f.do(v128.store(cAddr.get(), s.get(), jj * 8));
        }
        if (nr % 2 === 1) {
          const jj = nr - 1;
          const x = acc[ii * 4 + jj]!;
          f.set(t, f64.add(f64x2.extract_lane(x.get(), 0), f64x2.extract_lane(x.get(), 1)));
          f.if(bias.get(), () => f.set(t, f64.add(t.get(), f64.load(bias.get(), jj * 8))));
          f.if(accumulate.get(), () => f.set(t, f64.add(f64.load(cAddr.get(), jj * 8), t.get())));
          f.do(f64.store(cAddr.get(), t.get(), jj * 8));
        }
      }
    };

    const rows = (nr: number) => {
      f.set(i0, i32.const(0));
      f.block((done) =>
        f.loop((next) => {
          f.brIf(done, i32.gt_s(i32.add(i0.get(), i32.const(2)), m.get()));
          tile(2, nr);
          f.set(i0, i32.add(i0.get(), i32.const(2)));
          f.br(next);
        }),
      );
      f.if(i32.and(m.get(), i32.const(1)), () => tile(1, nr));
    };

    // The bias pointer walks with the column block (loads above use offset 0 + jj·8).
    const biasBase = f.local("i32", "biasBase");
    f.set(biasBase, bias.get());
    const setBias = () => f.if(biasBase.get(), () => f.set(bias, i32.add(biasBase.get(), i32.shl(j0.get(), i32.const(3)))));
    f.set(j0, i32.const(0));
    f.block((done) =>
      f.loop((next) => {
        f.brIf(done, i32.gt_s(i32.add(j0.get(), i32.const(4)), n.get()));
        setBias();
        rows(4);
        f.set(j0, i32.add(j0.get(), i32.const(4)));
        f.br(next);
      }),
    );
    const left = () => i32.sub(n.get(), j0.get());
    // At most one of these runs (0 ≤ left < 4); each handles the whole remainder.
    f.if(i32.eq(left(), i32.const(3)), () => {
      setBias();
      rows(3);
    });
    f.if(i32.eq(left(), i32.const(2)), () => {
      setBias();
      rows(2);
    });
    f.if(i32.eq(left(), i32.const(1)), () => {
      setBias();
      rows(1);
    });
  });
}

export function emitGemmNN(mod: ModuleBuilder, ctx: KernelContext): FuncRef {
  return mod.function("gemmNN", kernelSignature("gemmNN"), (f) => {
    const [a, as0, as1, b, c, m, k, n, accumulate] = f.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local];
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
    f.set(s0, i32.shl(as0.get(), i32.const(3)));
    f.set(s1, i32.shl(as1.get(), i32.const(3)));
    f.set(nb, i32.shl(n.get(), i32.const(3)));

    /** mr rows × nv vectors (half: one column in lane 0). */
    const tile = (mr: number, nv: number, half: boolean) => {
      for (let ii = 0; ii < mr; ii++) f.set(pa[ii]!, i32.add(a.get(), i32.mul(i32.add(i0.get(), i32.const(ii)), s0.get())));
      f.set(pbRow, i32.add(b.get(), i32.shl(j0.get(), i32.const(3))));
      for (let q = 0; q < mr * 2; q++) f.set(acc[q]!, ZERO);
      f.for(p, i32.const(0), k.get(), 1, () => {
        for (let vv = 0; vv < nv; vv++) f.set(bv[vv]!, half ? v128.load64_zero(pbRow.get()) : v128.load(pbRow.get(), vv * 16));
        for (let ii = 0; ii < mr; ii++) {
          f.set(sa, v128.load64_splat(pa[ii]!.get()));
          for (let vv = 0; vv < nv; vv++) f.set(acc[ii * 2 + vv]!, madd(ctx, sa.get(), bv[vv]!.get(), acc[ii * 2 + vv]!.get()));
          f.set(pa[ii]!, i32.add(pa[ii]!.get(), s1.get()));
        }
        f.set(pbRow, i32.add(pbRow.get(), nb.get()));
      });
      for (let ii = 0; ii < mr; ii++) {
        f.set(cAddr, i32.add(c.get(), i32.shl(i32.add(i32.mul(i32.add(i0.get(), i32.const(ii)), n.get()), j0.get()), i32.const(3))));
        for (let vv = 0; vv < nv; vv++) {
          const x = acc[ii * 2 + vv]!;
          if (half) {
            f.if(accumulate.get(), () => f.set(x, f64x2.add(v128.load64_zero(cAddr.get()), x.get())));
            f.do(v128.store64_lane(cAddr.get(), x.get(), 0));
          } else {
            f.if(accumulate.get(), () => f.set(x, f64x2.add(v128.load(cAddr.get(), vv * 16), x.get())));
            f.do(v128.store(cAddr.get(), x.get(), vv * 16));
          }
        }
      }
    };

    const cols = (mr: number) => {
      f.set(j0, i32.const(0));
      f.block((done) =>
        f.loop((next) => {
          f.brIf(done, i32.gt_s(i32.add(j0.get(), i32.const(4)), n.get()));
          tile(mr, 2, false);
          f.set(j0, i32.add(j0.get(), i32.const(4)));
          f.br(next);
        }),
      );
      f.if(i32.ge_s(i32.sub(n.get(), j0.get()), i32.const(2)), () => {
        tile(mr, 1, false);
        f.set(j0, i32.add(j0.get(), i32.const(2)));
      });
      f.if(i32.ge_s(i32.sub(n.get(), j0.get()), i32.const(1)), () => tile(mr, 1, true));
    };

    f.set(i0, i32.const(0));
    f.block((done) =>
      f.loop((next) => {
        f.brIf(done, i32.gt_s(i32.add(i0.get(), i32.const(4)), m.get()));
        cols(4);
        f.set(i0, i32.add(i0.get(), i32.const(4)));
        f.br(next);
      }),
    );
    const left = () => i32.sub(m.get(), i0.get());
    f.if(i32.eq(left(), i32.const(3)), () => cols(3));
    f.if(i32.eq(left(), i32.const(2)), () => cols(2));
    f.if(i32.eq(left(), i32.const(1)), () => cols(1));
  });
}
