/**
 * Optimiser kernels. Adam in PyTorch's arithmetic, operation for operation as the JavaScript
 * loop in `training/adam.ts` (plain mul/add, correctly rounded sqrt and division), so both paths
 * give bit-identical parameters:
 *
 *   p ← p − (lr·λ)·p   (when lr·λ > 0),   m ← β₁m + (1 − β₁)g,   v ← β₂v + ((1 − β₂)g)g,
 *   p ← p − step·(m / (√v / √(1 − β₂ᵗ) + ε)).
 */
import { f64, f64x2, i32, type Local } from "../expr.ts";
import type { FuncRef, ModuleBuilder } from "../module.ts";
import { kernelSignature } from "../signatures.ts";
import { pairs, type KernelContext } from "./context.ts";

// (p, g, m, v, n, b1, oneMinusB1, b2, oneMinusB2, step, sqrtBc2, eps, lrWd)
export function emitOptimKernels(mod: ModuleBuilder, _ctx: KernelContext): Record<string, FuncRef> {
  const adam = mod.function("adamStep", kernelSignature("adamStep"), (f) => {
    const [p, g, m, v, n, b1, c1, b2, c2, step, sqrtBc2, eps, lrWd] = f.args(13);
    const j = f.local("i32", "j");
    const vb1 = f.local("v128"),
      vc1 = f.local("v128"),
      vb2 = f.local("v128"),
      vc2 = f.local("v128");
    const vstep = f.local("v128"),
      vbc = f.local("v128"),
      veps = f.local("v128"),
      vwd = f.local("v128");
    const gi = f.local("v128"),
      pi = f.local("v128"),
      mi = f.local("v128"),
      si = f.local("v128");
    for (const [dst, src] of [
      [vb1, b1],
      [vc1, c1],
      [vb2, b2],
      [vc2, c2],
      [vstep, step],
      [vbc, sqrtBc2],
      [veps, eps],
      [vwd, lrWd],
    ] as const) {
      f.set(dst, f64x2.splat(src!.get()));
    }
    const body = (decay: boolean) =>
      pairs(f, j, i32.const(0), n!.get(), (L) => {
        const at = (base: Local) => i32.add(base.get(), i32.shl(j.get(), i32.const(3)));
        f.set(gi, L.load(at(g!)));
        f.set(pi, L.load(at(p!)));
        if (decay) f.set(pi, f64x2.sub(pi.get(), f64x2.mul(vwd.get(), pi.get())));
        f.set(mi, f64x2.add(f64x2.mul(vb1.get(), L.load(at(m!))), f64x2.mul(vc1.get(), gi.get())));
        f.set(si, f64x2.add(f64x2.mul(vb2.get(), L.load(at(v!))), f64x2.mul(f64x2.mul(vc2.get(), gi.get()), gi.get())));
        f.do(L.store(at(m!), mi.get()));
        f.do(L.store(at(v!), si.get()));
        const denom = f64x2.add(f64x2.div(f64x2.sqrt(si.get()), vbc.get()), veps.get());
        f.do(L.store(at(p!), f64x2.sub(pi.get(), f64x2.mul(vstep.get(), f64x2.div(mi.get(), denom)))));
      });
    f.if(
      f64.gt(lrWd!.get(), f64.const(0)),
      () => body(true),
      () => body(false),
    );
  });
  return { adam };
}
