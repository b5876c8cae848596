/**
 * LSTM and GRU gate backward, both formats from one generator (docs/cells.md §9): products, sums
 * and differences in the JavaScript loops' order without fused multiply-adds, so float64 gives the
 * loops' bits (LstmCell.backwardHC, GruCell.backward).
 */
import { i32, type Expr, type Local } from "../expr.ts";
import type { FuncRef, ModuleBuilder } from "../module.ts";
import { kernelSignature } from "../signatures.ts";
import { gateLoop, type KernelContext } from "./context.ts";
import { F32, F64, kernelName, type Format } from "./format.ts";

/** (cand, gi, gf, go, tc, cPrev, dhOut, dcOut|0, dz, dc, B, H) */
function emitLstmBack(mod: ModuleBuilder, F: Format): FuncRef {
  const name = kernelName("lstmGatesBack", F);
  const { v } = F,
    one = () => F.splat(1);
  return mod.function(name, kernelSignature(name), (f) => {
    const [cand, gi, gf, go, tc, cPrev, dhOut, dcOut, dz, dc, B, H] = f.args(12);
    const [vc, vi, vf, vo, vt, dho, dcn] = f.locals("v128", 7, "v");
    const variant = (withDc: boolean) =>
      gateLoop(f, F, B, H, 4, (L, at, gAt, Hb) => {
        const ld = (p: Local) => L.load(i32.add(p.get(), at.get()));
        f.set(vc, ld(cand));
        f.set(vi, ld(gi));
        f.set(vf, ld(gf));
        f.set(vo, ld(go));
        f.set(vt, ld(tc));
        f.set(dho, ld(dhOut));
        // ((∂h'·o)·(1 − t·t)), then ∂c' + that (+0 when absent, as the reference's `0 + …`)
        const fromH = v.mul(v.mul(dho.get(), vo.get()), v.sub(one(), v.mul(vt.get(), vt.get())));
        f.set(dcn, v.add(withDc ? ld(dcOut) : F.splat(0), fromH));
        const put = (q: number, e: Expr) => f.do(L.store(i32.add(i32.add(dz.get(), gAt.get()), i32.mul(Hb.get(), i32.const(q))), e));
        put(0, v.mul(v.mul(dcn.get(), vi.get()), v.sub(one(), v.mul(vc.get(), vc.get()))));
        put(1, v.mul(v.mul(v.mul(dcn.get(), vc.get()), vi.get()), v.sub(one(), vi.get())));
        put(2, v.mul(v.mul(v.mul(dcn.get(), ld(cPrev)), vf.get()), v.sub(one(), vf.get())));
        put(3, v.mul(v.mul(v.mul(dho.get(), vt.get()), vo.get()), v.sub(one(), vo.get())));
        f.do(L.store(i32.add(dc.get(), at.get()), v.mul(dcn.get(), vf.get())));
      });
    f.if(
      dcOut.get(),
      () => variant(true),
      () => variant(false),
    );
  });
}

/** (gh, h, r, z, n, dhNew, dy|0, dgi, dgh, dh, B, H) */
function emitGruBack(mod: ModuleBuilder, F: Format): FuncRef {
  const name = kernelName("gruGatesBack", F);
  const { v } = F,
    one = () => F.splat(1);
  return mod.function(name, kernelSignature(name), (f) => {
    const [gh, h, rr, zz, nn, dhNew, dy, dgi, dgh, dh, B, H] = f.args(12);
    const [g, r, z, n, dn, dz, dr] = f.locals("v128", 7, "v");
    const variant = (withDy: boolean) =>
      gateLoop(f, F, B, H, 3, (L, at, gAt, Hb) => {
        const ld = (p: Local) => L.load(i32.add(p.get(), at.get()));
        const gate = (p: Local, q: number) => i32.add(i32.add(p.get(), gAt.get()), i32.mul(Hb.get(), i32.const(q)));
        f.set(g, v.add(ld(dhNew), withDy ? ld(dy) : F.splat(0)));
        f.set(r, ld(rr));
        f.set(z, ld(zz));
        f.set(n, ld(nn));
        f.set(dn, v.mul(v.mul(g.get(), v.sub(one(), z.get())), v.sub(one(), v.mul(n.get(), n.get()))));
        f.set(dz, v.mul(v.mul(v.mul(g.get(), v.sub(ld(h), n.get())), z.get()), v.sub(one(), z.get())));
        f.set(dr, v.mul(v.mul(v.mul(dn.get(), L.load(gate(gh, 2))), r.get()), v.sub(one(), r.get())));
        f.do(L.store(gate(dgi, 0), dr.get()));
        f.do(L.store(gate(dgi, 1), dz.get()));
        f.do(L.store(gate(dgi, 2), dn.get()));
        f.do(L.store(gate(dgh, 0), dr.get()));
        f.do(L.store(gate(dgh, 1), dz.get()));
        f.do(L.store(gate(dgh, 2), v.mul(dn.get(), r.get())));
        f.do(L.store(i32.add(dh.get(), at.get()), v.mul(g.get(), z.get())));
      });
    f.if(
      dy.get(),
      () => variant(true),
      () => variant(false),
    );
  });
}

export function emitGateKernels(mod: ModuleBuilder, _ctx: KernelContext): Record<string, FuncRef> {
  return {
    lstmGatesBack: emitLstmBack(mod, F64),
    lstmGatesBack32: emitLstmBack(mod, F32),
    gruGatesBack: emitGruBack(mod, F64),
    gruGatesBack32: emitGruBack(mod, F32),
  };
}
