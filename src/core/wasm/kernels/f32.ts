/**
 * float32 kernels on f32x4 (four lanes per vector, twice the f64x2 kernels' width): the matrix
 * products, exp/σ/tanh and Adam, for the float32 mode. Layouts and argument conventions are those
 * of the float64 kernels (gemm.ts, elementwise.ts, optim.ts) with 4-byte elements.
 *
 * exp on f32x4 (relative error ≲ 2 ulp of float32 on the clamped range):
 *   x ← clamp(x, −87, 88)  (so 2ⁿ below stays a normal float32; exp(−87) ≈ 1.6e−38, exp(88) ≈ 1.7e38),
 *   n = round(x·log₂e),  r = x − n·c_hi − n·c_lo  with c_hi + c_lo = ln 2 and n·c_hi exact,
 *   e^r − 1 ≈ q(r) = r + r²/2! + … + r⁷/7!  (|r| ≤ ln2/2: the first omitted term is < 6e−9),
 *   exp(x) = s + s·q with s = 2ⁿ assembled in the exponent bits ((n + 127) ≪ 23).
 * σ(x) = 1/(1 + exp(−x)). tanh(x) = sign(x)·m/(m + 2) with m = e^{2|x|} − 1 = (s − 1) + s·q, which
 * keeps full relative accuracy near 0 (no 1 − e cancellation); |x| is clamped at 9, where tanh
 * rounds to 1 in float32.
 * Outside the clamped range the results are those at the clamp (vexp32 of 100 is exp(88), not ∞);
 * σ and tanh are exact there to float32 rounding.
 */
import { f32, f32x4, i32, i32x4, v128, type Expr, type Local } from "../expr.ts";
import type { FuncRef, FunctionBuilder, ModuleBuilder } from "../module.ts";
import { kernelSignature, type KernelName } from "../signatures.ts";
import { gateLoop, quads, type KernelContext, type VectorLoop } from "./context.ts";
import { emitGemmNN, emitGemmNT, GEMM_F32 } from "./gemm.ts";

const c4 = (v: number) => f32x4.const(v);

const LOG2E = Math.LOG2E;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 16 significant bits, so n·LN2_HI is exact for |n| ≤ 2⁸. */
const LN2_HI = 0.693145751953125;
const LN2_LO = Math.LN2 - LN2_HI;

/** 1.5·2²³: adding it rounds a float32 of magnitude < 2²² to an integer held in the low mantissa bits. */
const MAGIC = 12582912;

/**
 * s = 2ⁿ and q ≈ e^r − 1 for x = n·ln2 + r (x already clamped to [−87, 88]). n is found with the
 * magic-number rounding (t = x·log₂e + 1.5·2²³ holds n in its low bits, so nf = t − 1.5·2²³ exactly
 * and bits(2ⁿ) = (bits(t) + 127) ≪ 23: the magic's own bits vanish in the shift), avoiding the
 * float-to-int conversion and rounding instructions that V8 expands into long sequences.
 */
function expParts(f: FunctionBuilder, x: Expr, s: Local, q: Local): void {
  const t = f.local("v128", "t"),
    nf = f.local("v128", "nf"),
    r = f.local("v128", "r");
  f.set(t, f32x4.add(f32x4.mul(x, c4(LOG2E)), c4(MAGIC)));
  f.set(nf, f32x4.sub(t.get(), c4(MAGIC)));
  f.set(r, f32x4.sub(f32x4.sub(x, f32x4.mul(nf.get(), c4(LN2_HI))), f32x4.mul(nf.get(), c4(LN2_LO))));
  // q = r(1 + r(1/2 + r(1/6 + r(1/24 + r(1/120 + r(1/720 + r/5040))))))
  let poly: Expr = c4(1 / 5040);
  for (const coef of [1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1]) poly = f32x4.add(c4(coef), f32x4.mul(r.get(), poly));
  f.set(q, f32x4.mul(r.get(), poly));
  f.set(s, i32x4.shl(i32x4.add(t.get(), i32x4.const(127)), i32.const(23)));
}

/** out = exp(x) on f32x4 (see the header). */
export function emitExp32(f: FunctionBuilder, x: Local, out: Local): void {
  const s = f.local("v128", "s"),
    q = f.local("v128", "q");
  const xc = f.local("v128", "xc");
  // pmax/pmin: one instruction each (a NaN input stays NaN: both compare false).
  f.set(xc, f32x4.pmin(f32x4.pmax(x.get(), c4(-87)), c4(88)));
  expParts(f, xc.get(), s, q);
  f.set(out, f32x4.add(s.get(), f32x4.mul(s.get(), q.get())));
}

/** out = σ(x) = 1/(1 + exp(−x)). */
export function emitSigmoid32(f: FunctionBuilder, x: Local, out: Local): void {
  const nx = f.local("v128", "nx");
  f.set(nx, f32x4.neg(x.get()));
  emitExp32(f, nx, out);
  f.set(out, f32x4.div(c4(1), f32x4.add(c4(1), out.get())));
}

/** out = tanh(x) = sign(x)·m/(m + 2), m = e^{2|x|} − 1. */
export function emitTanh32(f: FunctionBuilder, x: Local, out: Local): void {
  const s = f.local("v128", "s"),
    q = f.local("v128", "q"),
    mm = f.local("v128", "m");
  const ax = f.local("v128", "ax");
  f.set(ax, f32x4.mul(c4(2), f32x4.pmin(f32x4.abs(x.get()), c4(9))));
  expParts(f, ax.get(), s, q);
  f.set(mm, f32x4.add(f32x4.sub(s.get(), c4(1)), f32x4.mul(s.get(), q.get())));
  f.set(out, f32x4.div(mm.get(), f32x4.add(mm.get(), c4(2))));
  f.set(out, v128.or(out.get(), v128.and(x.get(), i32x4.const(-2147483648))));
}

/**
 * Coefficients c₂…c₆ of e^r ≈ 1 + r + r²·(c₂ + c₃r + c₄r² + c₅r³ + c₆r⁴) on |r| ≤ ln2/2: a
 * minimax fit of the relative error (3.8e−9 in exact arithmetic with these float32-rounded values,
 * far below the float32 rounding unit 6e−8), one degree fewer than the Taylor polynomial above.
 */
const EXP_MINIMAX = [0.4999999403953552, 0.1666652113199234, 0.04166838899254799, 0.008368710055947304, 0.001381461275741458];

/** a·b + c on f32x4: fused when the context allows it. */
export function madd32(ctx: KernelContext, a: Expr, b: Expr, c: Expr): Expr {
  return ctx.fma ? f32x4.relaxed_madd(a, b, c) : f32x4.add(f32x4.mul(a, b), c);
}

/** c − a·b on f32x4: fused when the context allows it. */
export function nmadd32(ctx: KernelContext, a: Expr, b: Expr, c: Expr): Expr {
  return ctx.fma ? f32x4.relaxed_nmadd(a, b, c) : f32x4.sub(c, f32x4.mul(a, b));
}

/**
 * out = exp(x) for hot loops (the LTC synapse σ): {@link emitExp32}'s clamp and range reduction,
 * with fused multiply-adds where the context allows them and the degree-6 minimax polynomial
 * {@link EXP_MINIMAX} (≈15 vector operations instead of ≈25), and the exponent bias folded into
 * the rounding constant. Measured ≤ 0.98 ulp from Math.exp on [−87, 88], σ ≤ 2.2 ulp
 * (test/cells/ltc-f32.test.ts).
 */
export function emitExpFast32(f: FunctionBuilder, ctx: KernelContext, x: Expr, out: Local): void {
  const xc = f.local("v128", "xc"),
    t = f.local("v128", "t"),
    nf = f.local("v128", "nf"),
    r = f.local("v128", "r");
  f.set(xc, f32x4.pmin(f32x4.pmax(x, c4(-87)), c4(88)));
  // The exponent bias rides in the magic number: t holds n + 127 in its low bits, nf = n exactly.
  f.set(t, madd32(ctx, xc.get(), c4(LOG2E), c4(MAGIC + 127)));
  f.set(nf, f32x4.sub(t.get(), c4(MAGIC + 127)));
  f.set(r, madd32(ctx, nf.get(), c4(-LN2_HI), xc.get()));
  f.set(r, madd32(ctx, nf.get(), c4(-LN2_LO), r.get()));
  let poly: Expr = c4(EXP_MINIMAX[4]!);
  for (let k = 3; k >= 0; k--) poly = madd32(ctx, r.get(), poly, c4(EXP_MINIMAX[k]!));
  // q = r + r²·P(r) ≈ e^r − 1; exp = s + s·q with s = 2ⁿ.
  f.set(out, madd32(ctx, f32x4.mul(r.get(), r.get()), poly, r.get()));
  f.set(t, i32x4.shl(t.get(), i32.const(23)));
  f.set(out, madd32(ctx, t.get(), out.get(), t.get()));
}

/** out = σ(x) = 1/(1 + exp(−x)) given −x, with {@link emitExpFast32}. */
export function emitSigmoidOfNeg32(f: FunctionBuilder, ctx: KernelContext, negX: Expr, out: Local): void {
  emitExpFast32(f, ctx, negX, out);
  f.set(out, f32x4.div(c4(1), f32x4.add(c4(1), out.get())));
}

/** (src, dst, n) map on float32, four elements at a time. */
function emitMap32(mod: ModuleBuilder, name: KernelName, body: (f: FunctionBuilder, x: Local, out: Local) => void): FuncRef {
  return mod.function(name, kernelSignature(name), (f) => {
    const [src, dst, n] = f.args(3);
    const j = f.local("i32", "j"),
      x = f.local("v128", "x"),
      out = f.local("v128", "out"),
      at = f.local("i32", "at");
    quads(f, j, i32.const(0), n.get(), (Q) => {
      f.set(at, i32.shl(j.get(), i32.const(2)));
      f.set(x, Q.load(i32.add(src.get(), at.get())));
      body(f, x, out);
      f.do(Q.store(i32.add(dst.get(), at.get()), out.get()));
    });
  });
}

/** Adam in float32 (same update and argument order as adamStep; scalars rounded to float32). */
function emitAdam32(mod: ModuleBuilder): FuncRef {
  return mod.function("adamStep32", kernelSignature("adamStep32"), (f) => {
    const [p, g, m, v, n, b1, c1, b2, c2, step, sqrtBc2, eps, lrWd] = f.args(13);
    const j = f.local("i32", "j"),
      at = f.local("i32", "at");
    const sc = [b1, c1, b2, c2, step, sqrtBc2, eps, lrWd].map((src) => {
      const l = f.local("v128");
      f.set(l, f32x4.splat(f32.demote_f64(src!.get())));
      return l;
    });
    const [vb1, vc1, vb2, vc2, vstep, vbc, veps, vwd] = sc as [Local, Local, Local, Local, Local, Local, Local, Local];
    const gi = f.local("v128"),
      pi = f.local("v128"),
      mi = f.local("v128"),
      si = f.local("v128");
    quads(f, j, i32.const(0), n!.get(), (Q) => {
      f.set(at, i32.shl(j.get(), i32.const(2)));
      const ptr = (base: Local) => i32.add(base.get(), at.get());
      f.set(gi, Q.load(ptr(g!)));
      f.set(pi, Q.load(ptr(p!)));
      f.set(pi, f32x4.sub(pi.get(), f32x4.mul(vwd.get(), pi.get()))); // lrWd = 0: unchanged
      f.set(mi, f32x4.add(f32x4.mul(vb1.get(), Q.load(ptr(m!))), f32x4.mul(vc1.get(), gi.get())));
      f.set(si, f32x4.add(f32x4.mul(vb2.get(), Q.load(ptr(v!))), f32x4.mul(f32x4.mul(vc2.get(), gi.get()), gi.get())));
      f.do(Q.store(ptr(m!), mi.get()));
      f.do(Q.store(ptr(v!), si.get()));
      const denom = f32x4.add(f32x4.div(f32x4.sqrt(si.get()), vbc.get()), veps.get());
      f.do(Q.store(ptr(p!), f32x4.sub(pi.get(), f32x4.mul(vstep.get(), f32x4.div(mi.get(), denom)))));
    });
  });
}

/** f32x4 rows (format.ts `F32` cannot be imported here: format.ts imports this module). */
const FLOAT32_LOOP: VectorLoop = { shift: 2, loop: quads };

/** LSTM gates in float32: the loop of LstmCell.forwardHC (same operation order). */
function emitLstmGates32(mod: ModuleBuilder): FuncRef {
  return mod.function("lstmGates32", kernelSignature("lstmGates32"), (f) => {
    const [z, zr, cPrev, cand, gi, gf, go, cOut, tc, hOut, B, H, forgetBias] = f.args(13);
    const fb = f.local("v128", "forgetBias");
    f.set(fb, f32x4.splat(f32.demote_f64(forgetBias!.get())));
    const x = f.local("v128", "x"),
      vc = f.local("v128", "cand"),
      vi = f.local("v128", "gi"),
      vf = f.local("v128", "gf"),
      vo = f.local("v128", "go"),
      cn = f.local("v128", "cn"),
      t = f.local("v128", "tc");
    gateLoop(f, FLOAT32_LOOP, B!, H!, 4, (Q, at, gAt, Hb) => {
      const pre = (q: number) => {
        const off = i32.add(gAt.get(), i32.mul(Hb.get(), i32.const(q)));
        return f32x4.add(Q.load(i32.add(z!.get(), off)), Q.load(i32.add(zr!.get(), off)));
      };
      f.set(x, pre(0));
      emitTanh32(f, x, vc);
      f.set(x, pre(1));
      emitSigmoid32(f, x, vi);
      f.set(x, f32x4.add(pre(2), fb.get()));
      emitSigmoid32(f, x, vf);
      f.set(x, pre(3));
      emitSigmoid32(f, x, vo);
      f.set(cn, f32x4.add(f32x4.mul(Q.load(i32.add(cPrev!.get(), at.get())), vf.get()), f32x4.mul(vc.get(), vi.get())));
      emitTanh32(f, cn, t);
      const put = (p: Local, v: Local) => f.do(Q.store(i32.add(p.get(), at.get()), v.get()));
      put(cand!, vc);
      put(gi!, vi);
      put(gf!, vf);
      put(go!, vo);
      put(cOut!, cn);
      put(tc!, t);
      f.do(Q.store(i32.add(hOut!.get(), at.get()), f32x4.mul(t.get(), vo.get())));
    });
  });
}

/** GRU gates in float32: the loop of GruCell.forward (same operation order). */
function emitGruGates32(mod: ModuleBuilder): FuncRef {
  return mod.function("gruGates32", kernelSignature("gruGates32"), (f) => {
    const [gi, gh, h, rr, zz, nn, hOut, B, H] = f.args(9);
    const x = f.local("v128", "x"),
      r = f.local("v128", "r"),
      z = f.local("v128", "z"),
      n = f.local("v128", "n");
    gateLoop(f, FLOAT32_LOOP, B!, H!, 3, (Q, at, gAt, Hb) => {
      const ld = (p: Local, q: number) => Q.load(i32.add(p.get(), i32.add(gAt.get(), i32.mul(Hb.get(), i32.const(q)))));
      f.set(x, f32x4.add(ld(gi!, 0), ld(gh!, 0)));
      emitSigmoid32(f, x, r);
      f.set(x, f32x4.add(ld(gi!, 1), ld(gh!, 1)));
      emitSigmoid32(f, x, z);
      f.set(x, f32x4.add(ld(gi!, 2), f32x4.mul(r.get(), ld(gh!, 2))));
      emitTanh32(f, x, n);
      f.do(Q.store(i32.add(rr!.get(), at.get()), r.get()));
      f.do(Q.store(i32.add(zz!.get(), at.get()), z.get()));
      f.do(Q.store(i32.add(nn!.get(), at.get()), n.get()));
      // (1 − z)·n + z·h
      const hv = Q.load(i32.add(h!.get(), at.get()));
      f.do(Q.store(i32.add(hOut!.get(), at.get()), f32x4.add(f32x4.mul(f32x4.sub(c4(1), z.get()), n.get()), f32x4.mul(z.get(), hv))));
    });
  });
}

export function emitF32Kernels(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  return {
    gemmNT32: emitGemmNT(mod, ctx, GEMM_F32),
    gemmNN32: emitGemmNN(mod, ctx, GEMM_F32),
    exp32: emitMap32(mod, "vexp32", emitExp32),
    sigmoid32: emitMap32(mod, "vsigmoid32", emitSigmoid32),
    tanh32: emitMap32(mod, "vtanh32", emitTanh32),
    adam32: emitAdam32(mod),
    lstmGates32: emitLstmGates32(mod),
    gruGates32: emitGruGates32(mod),
  };
}
