/**
 * Elementwise kernels: exp, σ, the CfC backbone activations and their backward, and the small
 * vector helpers the layers need (masked weights, bias gradients). Each is generated from a
 * two-lane body by {@link emitMap}, which also handles an odd length with a half vector.
 *
 * Arithmetic follows the JavaScript reference operation by operation (same order, no fusing), so
 * the only differences are those of exp itself.
 */
import { i32, v128, type Local } from "../expr.ts";
import type { FunctionBuilder, FuncRef, ModuleBuilder } from "../module.ts";
import { kernelSignature, type KernelName } from "../signatures.ts";
import type { KernelContext } from "./context.ts";
import { F32, F64, kernelName, type Format } from "./format.ts";

/**
 * A function (in₀, …, in_{arity−1}, out, n) computing out[i] = body(in₀[i], …) for i < n, a
 * vector at a time (float64: two elements, an odd last one in a half vector; float32: four, the
 * last n mod 4 one by one). All pointers are byte addresses; `out` may alias an input.
 */
export function emitMap(
  mod: ModuleBuilder,
  name: KernelName,
  arity: number,
  body: (f: FunctionBuilder, xs: Local[], out: Local) => void,
  F: Format = F64,
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
    if (F !== F64) {
      F.loop(f, i, i32.const(0), n.get(), (L) => {
        f.set(end, i32.shl(i.get(), i32.const(F.shift)));
        ins.forEach((p, q) => f.set(xs[q]!, L.load(i32.add(p.get(), end.get()))));
        body(f, xs, out);
        f.do(L.store(i32.add(dst.get(), end.get()), out.get()));
      });
      return;
    }
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

/** The activation and vector kernels of one format (names suffixed with the format's). */
function emitFamily(mod: ModuleBuilder, ctx: KernelContext, F: Format): Record<string, FuncRef> {
  const { v } = F,
    c = F.splat;
  const map = (base: string, arity: number, body: (f: FunctionBuilder, xs: Local[], out: Local) => void) =>
    emitMap(mod, kernelName(base, F), arity, body, F);
  const out: Record<string, FuncRef> = {
    // φ(x) = 1.7159·tanh(0.666·x)
    lecunTanh: map("vlecunTanh", 1, (f, [x], out) => {
      f.set(x!, v.mul(c(LECUN_B), x!.get()));
      F.tanh(f, ctx, x!, out);
      f.set(out, v.mul(c(LECUN_A), out.get()));
    }),
    relu: map("vrelu", 1, (f, [x], out) => f.set(out, v128.and(x!.get(), v.gt(x!.get(), c(0))))),
    silu: map("vsilu", 1, (f, [x], out) => {
      F.sigmoid(f, ctx, x!, out);
      f.set(out, v.mul(x!.get(), out.get()));
    }),
    // Backward (out = φ(pre), dOut) → dPre.
    lecunTanhBack: map("vlecunTanhBack", 2, (f, [y, g], out) => {
      const t = v.div(y!.get(), c(LECUN_A));
      f.set(y!, v.sub(c(1), v.mul(t, v.div(y!.get(), c(LECUN_A)))));
      f.set(out, v.mul(v.mul(v.mul(g!.get(), c(LECUN_A)), c(LECUN_B)), y!.get()));
    }),
    tanhBack: map("vtanhBack", 2, (f, [y, g], out) => f.set(out, v.mul(g!.get(), v.sub(c(1), v.mul(y!.get(), y!.get()))))),
    // (pre, dOut) → dPre
    reluBack: map("vreluBack", 2, (f, [x, g], out) => f.set(out, v128.and(g!.get(), v.gt(x!.get(), c(0))))),
    siluBack: map("vsiluBack", 2, (f, [x, g], out) => {
      const s = f.local("v128", "s");
      F.sigmoid(f, ctx, x!, s);
      // dOut·s·(1 + x·(1 − s))
      f.set(out, v.mul(v.mul(g!.get(), s.get()), v.add(c(1), v.mul(x!.get(), v.sub(c(1), s.get())))));
    }),
    // out = a ⊙ b (masked weights)
    mul: map("vmul", 2, (f, [a, b], out) => f.set(out, v.mul(a!.get(), b!.get()))),
    // out = c + a ⊙ b (masked weight gradient: g += tmp ⊙ mask)
    addMul: map("vaddMul", 3, (f, [cc, a, b], out) => f.set(out, v.add(cc!.get(), v.mul(a!.get(), b!.get())))),
  };
  return out;
}

export function emitElementwise(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  // exp/σ/tanh maps of float32 are emitted with the f32x4 GEMMs (f32.ts).
  const F = F64;
  return {
    exp: emitMap(mod, "vexp", 1, (f, [x], out) => F.exp(f, ctx, x!, out)),
    sigmoid: emitMap(mod, "vsigmoid", 1, (f, [x], out) => F.sigmoid(f, ctx, x!, out)),
    tanh: emitMap(mod, "vtanh", 1, (f, [x], out) => F.tanh(f, ctx, x!, out)),
    ...emitFamily(mod, ctx, F64),
    ...Object.fromEntries(Object.entries(emitFamily(mod, ctx, F32)).map(([k, fn]) => [`${k}32`, fn])),
  };
}
