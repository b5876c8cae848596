/**
 * Elementwise kernels: exp, σ, the CfC backbone activations and their backward, and the small
 * vector helpers the layers need (masked weights, bias gradients). Each is generated from a
 * two-lane body by {@link emitMap}, which also handles an odd length with a half vector.
 *
 * Arithmetic follows the JavaScript reference operation by operation (same order, no fusing), so
 * the only differences are those of exp itself.
 */
import { f64x2, i32, v128, type Local } from "../expr.ts";
import type { FunctionBuilder, FuncRef, ModuleBuilder } from "../module.ts";
import { kernelSignature, type KernelName } from "../signatures.ts";
import { splat, type KernelContext } from "./context.ts";
import { emitExp, emitSigmoid, emitTanh } from "./vmath.ts";

/**
 * A function (in₀, …, in_{arity−1}, out, n) computing out[i] = body(in₀[i], …) for i < n, two
 * elements at a time. All pointers are byte addresses; `out` may alias an input.
 */
export function emitMap(
  mod: ModuleBuilder,
  name: KernelName,
  arity: number,
  body: (f: FunctionBuilder, xs: Local[], out: Local) => void,
): FuncRef {
  const sig = kernelSignature(name);
  if (sig.params.length !== arity + 2)
    throw new Error(`emitMap ${name}: arity ${arity} needs ${arity + 2} parameters, KERNEL_SIGNATURES has ${sig.params.length}`);
  return mod.function(name, sig, (f) => {
    const ins = f.params.slice(0, arity),
      dst = f.params[arity]!,
      n = f.params[arity + 1]!;
    const i = f.local("i32", "i"),
      end = f.local("i32", "end");
    const xs = Array.from({ length: arity }, (_, q) => f.local("v128", `x${q}`)),
      out = f.local("v128", "out");
    f.set(end, i32.shl(i32.and(n.get(), i32.const(-2)), i32.const(3)));
    f.for(i, i32.const(0), end.get(), 16, () => {
      ins.forEach((p, q) => f.set(xs[q]!, v128.load(i32.add(p.get(), i.get()))));
      body(f, xs, out);
      f.do(v128.store(i32.add(dst.get(), i.get()), out.get()));
    });
    f.if(i32.and(n.get(), i32.const(1)), () => {
      ins.forEach((p, q) => f.set(xs[q]!, v128.load64_zero(i32.add(p.get(), end.get()))));
      body(f, xs, out);
      f.do(v128.store64_lane(i32.add(dst.get(), end.get()), out.get(), 0));
    });
  });
}

const LECUN_A = 1.7159,
  LECUN_B = 0.666;

export function emitElementwise(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  return {
    exp: emitMap(mod, "vexp", 1, (f, [x], out) => emitExp(f, ctx, x!, out)),
    sigmoid: emitMap(mod, "vsigmoid", 1, (f, [x], out) => emitSigmoid(f, ctx, x!, out)),
    tanh: emitMap(mod, "vtanh", 1, (f, [x], out) => emitTanh(f, ctx, x!, out)),
    // φ(x) = 1.7159·tanh(0.666·x)
    lecunTanh: emitMap(mod, "vlecunTanh", 1, (f, [x], out) => {
      f.set(x!, f64x2.mul(splat(LECUN_B), x!.get()));
      emitTanh(f, ctx, x!, out);
      f.set(out, f64x2.mul(splat(LECUN_A), out.get()));
    }),
    relu: emitMap(mod, "vrelu", 1, (f, [x], out) => f.set(out, v128.and(x!.get(), f64x2.gt(x!.get(), splat(0))))),
    silu: emitMap(mod, "vsilu", 1, (f, [x], out) => {
      emitSigmoid(f, ctx, x!, out);
      f.set(out, f64x2.mul(x!.get(), out.get()));
    }),
    // Backward (out = φ(pre), dOut) → dPre.
    lecunTanhBack: emitMap(mod, "vlecunTanhBack", 2, (f, [y, g], out) => {
      const t = f64x2.div(y!.get(), splat(LECUN_A));
      f.set(y!, f64x2.sub(splat(1), f64x2.mul(t, f64x2.div(y!.get(), splat(LECUN_A)))));
      f.set(out, f64x2.mul(f64x2.mul(f64x2.mul(g!.get(), splat(LECUN_A)), splat(LECUN_B)), y!.get()));
    }),
    tanhBack: emitMap(mod, "vtanhBack", 2, (f, [y, g], out) =>
      f.set(out, f64x2.mul(g!.get(), f64x2.sub(splat(1), f64x2.mul(y!.get(), y!.get())))),
    ),
    // (pre, dOut) → dPre
    reluBack: emitMap(mod, "vreluBack", 2, (f, [x, g], out) => f.set(out, v128.and(g!.get(), f64x2.gt(x!.get(), splat(0))))),
    siluBack: emitMap(mod, "vsiluBack", 2, (f, [x, g], out) => {
      const s = f.local("v128", "s");
      emitSigmoid(f, ctx, x!, s);
      // dOut·s·(1 + x·(1 − s))
      f.set(out, f64x2.mul(f64x2.mul(g!.get(), s.get()), f64x2.add(splat(1), f64x2.mul(x!.get(), f64x2.sub(splat(1), s.get())))));
    }),
    // out = a ⊙ b (masked weights)
    mul: emitMap(mod, "vmul", 2, (f, [a, b], out) => f.set(out, f64x2.mul(a!.get(), b!.get()))),
    // out = c + a ⊙ b (masked weight gradient: g += tmp ⊙ mask)
    addMul: emitMap(mod, "vaddMul", 3, (f, [c, a, b], out) => f.set(out, f64x2.add(c!.get(), f64x2.mul(a!.get(), b!.get())))),
  };
}
