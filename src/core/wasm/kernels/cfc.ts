/**
 * CfC kernels: the fused epilogue of the packed heads and its backward, and the bias-gradient
 * column sum. With the heads P = [f1 | f2 | t_a | t_b] (each [B, H], packed per row as [B, 4H]):
 *
 *   g1 = tanh f1,  g2 = tanh f2,  s = σ(t_a·Δt + t_b)
 *   default:  h' = g1·(1 − s) + s·g2          no_gate:  h' = g1 + s·g2
 *
 * Backward with ḡ = ∂L/∂h' (+ ∂L/∂y):
 *   default:  ∂g1 = ḡ(1 − s), ∂g2 = ḡ s, ∂s = ḡ(g2 − g1);   no_gate: ∂g1 = ḡ, ∂g2 = ḡ s, ∂s = ḡ g2
 *   ∂f1 = ∂g1(1 − g1²), ∂f2 = ∂g2(1 − g2²), ∂t_b = ∂s·s(1 − s), ∂t_a = ∂t_b·Δt.
 *
 * The operation order is the JavaScript reference's (CfCCell), so only tanh/σ round differently.
 */
import { f32x4, f64x2, i32, v128, type Expr, type Local } from "../expr.ts";
import type { FuncRef, FunctionBuilder, ModuleBuilder } from "../module.ts";
import { kernelSignature } from "../signatures.ts";
import type { KernelContext, Lanes } from "./context.ts";
import { F32, F64, kernelName, type Format } from "./format.ts";

/** Per-row loop: r over [0, B), with the byte offsets of row r in the [B, H] and [B, 4H] arrays. */
function rows(f: FunctionBuilder, F: Format, B: Local, H: Local, body: (r: Local, rowH: Local, row4H: Local) => void): void {
  const r = f.local("i32", "r"),
    rowH = f.local("i32", "rowH"),
    row4H = f.local("i32", "row4H");
  f.for(r, i32.const(0), B.get(), 1, () => {
    f.set(rowH, i32.shl(i32.mul(r.get(), H.get()), i32.const(F.shift)));
    f.set(row4H, i32.shl(rowH.get(), i32.const(2)));
    body(r, rowH, row4H);
  });
}

export function emitCfcKernels(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  const k64 = emitCfcFamily(mod, ctx, F64),
    k32 = emitCfcFamily(mod, ctx, F32);
  return {
    ...k64,
    heads32: k32.heads!,
    headsBack32: k32.headsBack!,
    colSumAdd32: k32.colSumAdd!,
    ...emitCfcPure(mod, ctx, F64),
    ...emitCfcPure(mod, ctx, F32),
  };
}

/**
 * CfC `pure` mode, both formats:
 *
 *   e = exp(−Δt·(|w_τ| + |f1|)),  h' = A − A·e·f1
 *   ∂f1 = −ḡ·A·e·(1 − Δt·|f1|),  ∂A += ḡ·(1 − e·f1),  ∂w_τ += ḡ·A·e·f1·Δt·sign(w_τ)
 *
 * in CfCCell's operation order; f1 is the first H columns of the head rows (stride nH). float64
 * (`cfcPure`, `cfcPureBack`) reproduces the JavaScript loop bit for bit: exp is the imported
 * Math.exp (lane by lane) and sign is Math.sign's (±0 and NaN pass through); float32 (`…32`) uses
 * the f32x4 exp.
 */
function emitCfcPure(mod: ModuleBuilder, ctx: KernelContext, F: Format): Record<string, FuncRef> {
  const { v } = F,
    c = F.splat,
    sh = i32.const(F.shift);
  const f64 = F === F64;
  const neg = f64 ? f64x2.neg : f32x4.neg,
    abs = f64 ? f64x2.abs : f32x4.abs,
    lt = f64 ? f64x2.lt : f32x4.lt;
  const exp = (f: FunctionBuilder, x: Local, out: Local) => {
    if (!f64) return F.exp(f, ctx, x, out);
    const e = (lane: 0 | 1) => f.call(ctx.scalarExp, f64x2.extract_lane(x.get(), lane));
    f.set(out, f64x2.replace_lane(f64x2.splat(e(0)), e(1), 1));
  };
  const forwardName = kernelName("cfcPure", F),
    backwardName = kernelName("cfcPureBack", F);
  const forward = mod.function(forwardName, kernelSignature(forwardName), (f) => {
    const [P, dt, wTau, A, e, h, B, H, nH] = f.args(9);
    const r = f.local("i32", "r"),
      j = f.local("i32", "j"),
      jb = f.local("i32", "jb"),
      rowP = f.local("i32", "rowP"),
      rowH = f.local("i32", "rowH");
    const t = f.local("v128", "dt"),
      f1 = f.local("v128", "f1"),
      x = f.local("v128", "x"),
      ej = f.local("v128", "e"),
      a = f.local("v128", "A");
    f.for(r, i32.const(0), B.get(), 1, () => {
      f.set(t, v.splat(F.loadScalar(i32.add(dt.get(), i32.shl(r.get(), sh)))));
      f.set(rowP, i32.add(P.get(), i32.shl(i32.mul(r.get(), nH.get()), sh)));
      f.set(rowH, i32.shl(i32.mul(r.get(), H.get()), sh));
      F.loop(f, j, i32.const(0), H.get(), (L: Lanes) => {
        f.set(jb, i32.shl(j.get(), sh));
        f.set(f1, L.load(i32.add(rowP.get(), jb.get())));
        f.set(a, L.load(i32.add(A.get(), jb.get())));
        // (−Δt)·(|w_τ| + |f1|)
        f.set(x, v.mul(neg(t.get()), v.add(abs(L.load(i32.add(wTau.get(), jb.get()))), abs(f1.get()))));
        exp(f, x, ej);
        f.do(L.store(i32.add(i32.add(e.get(), rowH.get()), jb.get()), ej.get()));
        f.do(L.store(i32.add(i32.add(h.get(), rowH.get()), jb.get()), v.sub(a.get(), v.mul(v.mul(a.get(), ej.get()), f1.get()))));
      });
    });
  });
  const backward = mod.function(backwardName, kernelSignature(backwardName), (f) => {
    const [P, dt, wTau, A, e, dhNew, dy, dP, gA, gwt, B, H, nH] = f.args(13);
    const r = f.local("i32", "r"),
      j = f.local("i32", "j"),
      jb = f.local("i32", "jb"),
      rowP = f.local("i32", "rowP"),
      rowH = f.local("i32", "rowH");
    const t = f.local("v128", "dt"),
      g = f.local("v128", "g"),
      f1 = f.local("v128", "f1"),
      ej = f.local("v128", "e"),
      a = f.local("v128", "A"),
      w = f.local("v128", "w"),
      ga = f.local("v128", "gA");
    const variant = (withDy: boolean) =>
      f.for(r, i32.const(0), B.get(), 1, () => {
        f.set(t, v.splat(F.loadScalar(i32.add(dt.get(), i32.shl(r.get(), sh)))));
        f.set(rowP, i32.shl(i32.mul(r.get(), nH.get()), sh));
        f.set(rowH, i32.shl(i32.mul(r.get(), H.get()), sh));
        F.loop(f, j, i32.const(0), H.get(), (L: Lanes) => {
          f.set(jb, i32.shl(j.get(), sh));
          const at = (base: Local, row: Local) => i32.add(i32.add(base.get(), row.get()), jb.get());
          // ḡ = ∂h' + (∂y or 0): the reference adds 0 when ∂y is absent
          f.set(g, v.add(L.load(at(dhNew, rowH)), withDy ? L.load(at(dy, rowH)) : c(0)));
          f.set(f1, L.load(at(P, rowP)));
          f.set(ej, L.load(at(e, rowH)));
          f.set(a, L.load(i32.add(A.get(), jb.get())));
          f.set(w, L.load(i32.add(wTau.get(), jb.get())));
          // dP = ((−g·A)·e)·(1 − Δt·|f1|)
          f.do(L.store(at(dP, rowP), v.mul(v.mul(v.mul(neg(g.get()), a.get()), ej.get()), v.sub(c(1), v.mul(t.get(), abs(f1.get()))))));
          // gA += g·(1 − e·f1)
          f.set(ga, v.add(L.load(i32.add(gA.get(), jb.get())), v.mul(g.get(), v.sub(c(1), v.mul(ej.get(), f1.get())))));
          f.do(L.store(i32.add(gA.get(), jb.get()), ga.get()));
          // gw += ((((g·A)·e)·f1)·Δt)·sign(w), sign as Math.sign (±0, NaN unchanged)
          const sign = v128.bitselect(c(1), v128.bitselect(c(-1), w.get(), lt(w.get(), c(0))), v.gt(w.get(), c(0)));
          const term = v.mul(v.mul(v.mul(v.mul(v.mul(g.get(), a.get()), ej.get()), f1.get()), t.get()), sign);
          f.do(L.store(i32.add(gwt.get(), jb.get()), v.add(L.load(i32.add(gwt.get(), jb.get())), term)));
        });
      });
    f.if(
      dy.get(),
      () => variant(true),
      () => variant(false),
    );
  });
  return { [`pure${F.suffix}`]: forward, [`pureBack${F.suffix}`]: backward };
}

/** The CfC kernels of one number format (float32 names carry the suffix 32). */
function emitCfcFamily(mod: ModuleBuilder, ctx: KernelContext, F: Format): Record<string, FuncRef> {
  const { v } = F,
    splat = F.splat,
    sh = i32.const(F.shift);
  const name = (base: string) => kernelName(base, F);
  // (P, dt, g1, g2, ti, h, B, H, gate)
  const heads = mod.function(name("cfcHeads"), kernelSignature(name("cfcHeads")), (f) => {
    const [P, dt, g1, g2, ti, h, B, H, gate] = f.args(9);
    const t = f.local("v128", "dt"),
      j = f.local("i32", "j"),
      pj = f.local("i32", "pj"),
      oj = f.local("i32", "oj");
    const H8 = f.local("i32", "H8");
    const xa = f.local("v128", "xa"),
      xb = f.local("v128", "xb"),
      xs = f.local("v128", "xs");
    const a = f.local("v128", "a"),
      b = f.local("v128", "b"),
      s = f.local("v128", "s");
    f.set(H8, i32.shl(H.get(), sh));
    const variant = (gated: boolean) =>
      rows(f, F, B, H, (r, rowH, row4H) => {
        f.set(t, v.splat(F.loadScalar(i32.add(dt.get(), i32.shl(r.get(), sh)))));
        F.loop(f, j, i32.const(0), H.get(), (L: Lanes) => {
          f.set(pj, i32.add(i32.add(P.get(), row4H.get()), i32.shl(j.get(), sh)));
          f.set(oj, i32.add(rowH.get(), i32.shl(j.get(), sh)));
          const head = (q: number): Expr => L.load(i32.add(pj.get(), i32.mul(H8.get(), i32.const(q))));
          f.set(xa, head(0));
          f.set(xb, head(1));
          f.set(xs, v.add(v.mul(head(2), t.get()), head(3)));
          F.tanh(f, ctx, xa, a);
          F.tanh(f, ctx, xb, b);
          F.sigmoid(f, ctx, xs, s);
          f.do(L.store(i32.add(g1.get(), oj.get()), a.get()));
          f.do(L.store(i32.add(g2.get(), oj.get()), b.get()));
          f.do(L.store(i32.add(ti.get(), oj.get()), s.get()));
          const out = gated
            ? v.add(v.mul(a.get(), v.sub(splat(1), s.get())), v.mul(s.get(), b.get()))
            : v.add(a.get(), v.mul(s.get(), b.get()));
          f.do(L.store(i32.add(h.get(), oj.get()), out));
        });
      });
    f.if(
      gate.get(),
      () => variant(true),
      () => variant(false),
    );
  });

  // (g1, g2, ti, dhNew, dy|0, dt, dP, B, H, gate)
  const headsBack = mod.function(name("cfcHeadsBack"), kernelSignature(name("cfcHeadsBack")), (f) => {
    const [g1, g2, ti, dhNew, dy, dt, dP, B, H, gate] = f.args(10);
    const t = f.local("v128", "dt"),
      j = f.local("i32", "j"),
      pj = f.local("i32", "pj"),
      oj = f.local("i32", "oj");
    const H8 = f.local("i32", "H8");
    const g = f.local("v128", "g"),
      a = f.local("v128", "a"),
      b = f.local("v128", "b"),
      s = f.local("v128", "s");
    const da = f.local("v128", "da"),
      ds = f.local("v128", "ds"),
      dpre = f.local("v128", "dpre");
    f.set(H8, i32.shl(H.get(), sh));
    const variant = (gated: boolean, withDy: boolean) =>
      rows(f, F, B, H, (r, rowH, row4H) => {
        f.set(t, v.splat(F.loadScalar(i32.add(dt.get(), i32.shl(r.get(), sh)))));
        F.loop(f, j, i32.const(0), H.get(), (L: Lanes) => {
          f.set(pj, i32.add(i32.add(dP.get(), row4H.get()), i32.shl(j.get(), sh)));
          f.set(oj, i32.add(rowH.get(), i32.shl(j.get(), sh)));
          f.set(g, L.load(i32.add(dhNew.get(), oj.get())));
          if (withDy) f.set(g, v.add(g.get(), L.load(i32.add(dy.get(), oj.get()))));
          f.set(a, L.load(i32.add(g1.get(), oj.get())));
          f.set(b, L.load(i32.add(g2.get(), oj.get())));
          f.set(s, L.load(i32.add(ti.get(), oj.get())));
          f.set(da, gated ? v.mul(g.get(), v.sub(splat(1), s.get())) : g.get());
          f.set(ds, gated ? v.mul(g.get(), v.sub(b.get(), a.get())) : v.mul(g.get(), b.get()));
          f.set(dpre, v.mul(v.mul(ds.get(), s.get()), v.sub(splat(1), s.get())));
          const at = (q: number) => i32.add(pj.get(), i32.mul(H8.get(), i32.const(q)));
          f.do(L.store(at(0), v.mul(da.get(), v.sub(splat(1), v.mul(a.get(), a.get())))));
          // db = ḡ·s
          f.do(L.store(at(1), v.mul(v.mul(g.get(), s.get()), v.sub(splat(1), v.mul(b.get(), b.get())))));
          f.do(L.store(at(2), v.mul(dpre.get(), t.get())));
          f.do(L.store(at(3), dpre.get()));
        });
      });
    f.if(
      gate.get(),
      () =>
        f.if(
          dy.get(),
          () => variant(true, true),
          () => variant(true, false),
        ),
      () =>
        f.if(
          dy.get(),
          () => variant(false, true),
          () => variant(false, false),
        ),
    );
  });

  // gb[j] += Σ_r dy[r, j], rows in order (as the JavaScript loop): (dy, gb, B, n)
  const colSumAdd = mod.function(name("colSumAdd"), kernelSignature(name("colSumAdd")), (f) => {
    const [dy, gb, B, n] = f.args(4);
    const r = f.local("i32", "r"),
      j = f.local("i32", "j"),
      row = f.local("i32", "row");
    f.for(r, i32.const(0), B.get(), 1, () => {
      f.set(row, i32.add(dy.get(), i32.shl(i32.mul(r.get(), n.get()), sh)));
      F.loop(f, j, i32.const(0), n.get(), (L) => {
        const jb = i32.shl(j.get(), sh);
        f.do(L.store(i32.add(gb.get(), jb), v.add(L.load(i32.add(gb.get(), jb)), L.load(i32.add(row.get(), jb)))));
      });
    });
  });
  return { heads, headsBack, colSumAdd };
}
