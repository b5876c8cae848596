/**
 * GELU x·Φ(x) and its backward Φ(x) + x·φ(x) (docs/cells.md §9). float64: the reference's erf
 * series and Math.exp lane by lane, so its bits; float32: Φ from a fitted erfc, both tails accurate.
 */
import { f32x4, f64x2, i32, v128, type Local } from "../expr.ts";
import type { FuncRef, FunctionBuilder, ModuleBuilder } from "../module.ts";
import type { KernelContext } from "./context.ts";
import { emitMap } from "./elementwise.ts";
import { emitExp32 } from "./f32.ts";
import { F32 } from "./format.ts";

// The reference's constants, computed by the same expressions (core/special.ts, cells/activations.ts).
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const c2 = (v: number) => f64x2.const(v, v);
const c4 = (v: number) => f32x4.const(v);

/** Math.exp of both lanes (the imported scalar function). */
function exp2Lanes(f: FunctionBuilder, ctx: KernelContext, x: Local, out: Local): void {
  const e = (lane: 0 | 1) => f.call(ctx.scalarExp, f64x2.extract_lane(x.get(), lane));
  f.set(out, f64x2.replace_lane(f64x2.splat(e(0)), e(1), 1));
}

/** out = erf(x·√½) of core/special.ts, bit for bit, on f64x2. */
function emitErfHalfSqrt2(f: FunctionBuilder, ctx: KernelContext, x: Local, out: Local): void {
  const u = f.local("v128", "u"),
    ax = f.local("v128", "ax"),
    x2 = f.local("v128", "x2"),
    twoX2 = f.local("v128", "twoX2"),
    term = f.local("v128", "term"),
    sum = f.local("v128", "sum"),
    ns = f.local("v128", "ns"),
    odd = f.local("v128", "odd"),
    active = f.local("v128", "active"),
    e = f.local("v128", "e"),
    k = f.local("i32", "k");
  f.set(u, f64x2.mul(x.get(), c2(SQRT1_2)));
  f.set(ax, f64x2.abs(u.get()));
  f.set(x2, f64x2.mul(ax.get(), ax.get()));
  f.set(twoX2, f64x2.mul(c2(2), x2.get()));
  f.set(term, ax.get());
  f.set(sum, ax.get());
  f.set(ns, ax.get());
  // Lanes still summing: 0 < |u| < 6. NaN is the reference's early return; at u = ±0 its series
  // runs 199 terms of 0, which leaves sum = 0 as here (and keeps a zero padding lane out).
  f.set(active, v128.and(f64x2.lt(ax.get(), c2(6)), f64x2.gt(ax.get(), c2(0))));
  f.set(odd, c2(3));
  f.set(k, i32.const(1));
  // for (n = 1; n < 200; n++) { term *= (2·x2)/(2n + 1); sum += term; if (term < sum·1e−17) break; }
  f.block((done) =>
    f.loop((next) => {
      f.brIf(done, i32.eqz(v128.any_true(active.get())));
      f.brIf(done, i32.ge_s(k.get(), i32.const(200)));
      // term and sum run on in every lane (a stopped lane's only shrink: term decreases once
      // 2n + 1 > 2·x2); the sum of a lane is taken while it is active, so the loop-carried
      // chain is one multiply and one add, not the compare as well.
      f.set(term, f64x2.mul(term.get(), f64x2.div(twoX2.get(), odd.get())));
      f.set(ns, f64x2.add(ns.get(), term.get()));
      f.set(sum, v128.bitselect(ns.get(), sum.get(), active.get()));
      f.set(active, v128.andnot(active.get(), f64x2.lt(term.get(), f64x2.mul(ns.get(), c2(1e-17)))));
      f.set(odd, f64x2.add(odd.get(), c2(2)));
      f.set(k, i32.add(k.get(), i32.const(1)));
      f.br(next);
    }),
  );
  // r = (2/√π·e^{−x2})·sum, sign of u; ±1 where |u| ≥ 6.
  const nx2 = f.local("v128", "nx2");
  f.set(nx2, f64x2.neg(x2.get()));
  exp2Lanes(f, ctx, nx2, e);
  f.set(out, f64x2.mul(f64x2.mul(c2(TWO_OVER_SQRT_PI), e.get()), sum.get()));
  f.set(out, v128.bitselect(f64x2.neg(out.get()), out.get(), f64x2.lt(u.get(), c2(0))));
  const unit = v128.bitselect(c2(1), c2(-1), f64x2.gt(u.get(), c2(0)));
  f.set(out, v128.bitselect(unit, out.get(), f64x2.ge(ax.get(), c2(6))));
}

function emitGelu64(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  // gelu = (½·x)·(1 + erf(x√½))
  const forward = emitMap(mod, "vgelu", 1, (f, [x], out) => {
    const erf = f.local("v128", "erf");
    emitErfHalfSqrt2(f, ctx, x!, erf);
    f.set(out, f64x2.mul(f64x2.mul(c2(0.5), x!.get()), f64x2.add(c2(1), erf.get())));
  });
  // dPre = dOut·(½(1 + erf(x√½)) + (x/√(2π))·exp((−½x)·x))
  const backward = emitMap(mod, "vgeluBack", 2, (f, [x, g], out) => {
    const erf = f.local("v128", "erf"),
      arg = f.local("v128", "arg"),
      e = f.local("v128", "e");
    emitErfHalfSqrt2(f, ctx, x!, erf);
    f.set(arg, f64x2.mul(f64x2.mul(c2(-0.5), x!.get()), x!.get()));
    exp2Lanes(f, ctx, arg, e);
    const phi = f64x2.mul(c2(0.5), f64x2.add(c2(1), erf.get()));
    f.set(out, f64x2.mul(g!.get(), f64x2.add(phi, f64x2.mul(f64x2.mul(x!.get(), c2(INV_SQRT_2PI)), e.get()))));
  });
  return { gelu: forward, geluBack: backward };
}

/** erfcx(a) ≈ t·R(t), t = 1/(1 + a/2); R fitted for relative error on [0, 10] (4e−8; ~4e−7 in float32), constant term first. */
const ERFCX_P = 0.5;
const ERFCX_R = [
  0.2820864278, 0.2823751878, 0.2431041964, 0.2026870288, -0.02663055293, 0.2780807182, -0.4872172201, 0.2845858536, -0.05907168253,
];

/** Φ(x) into `phi` and e^{−x²/2} into `e`, on f32x4. */
function emitPhi32(f: FunctionBuilder, x: Local, phi: Local, e: Local): void {
  const na2 = f.local("v128", "na2"),
    t = f.local("v128", "t"),
    half = f.local("v128", "halfErfc");
  f.set(na2, f32x4.mul(f32x4.mul(x.get(), x.get()), c4(-0.5)));
  emitExp32(f, na2, e);
  f.set(t, f32x4.div(c4(1), f32x4.add(c4(1), f32x4.mul(f32x4.abs(x.get()), c4(ERFCX_P * SQRT1_2)))));
  let r = c4(ERFCX_R[ERFCX_R.length - 1]!);
  for (let q = ERFCX_R.length - 2; q >= 0; q--) r = f32x4.add(c4(ERFCX_R[q]!), f32x4.mul(t.get(), r));
  // ½·erfc(|x|/√2) = ½·e·t·R(t)
  f.set(half, f32x4.mul(f32x4.mul(e.get(), c4(0.5)), f32x4.mul(t.get(), r)));
  f.set(phi, v128.bitselect(f32x4.sub(c4(1), half.get()), half.get(), f32x4.gt(x.get(), c4(0))));
}

function emitGelu32(mod: ModuleBuilder): Record<string, FuncRef> {
  const forward = emitMap(
    mod,
    "vgelu32",
    1,
    (f, [x], out) => {
      const phi = f.local("v128", "phi"),
        e = f.local("v128", "e");
      emitPhi32(f, x!, phi, e);
      f.set(out, f32x4.mul(x!.get(), phi.get()));
    },
    F32,
  );
  const backward = emitMap(
    mod,
    "vgeluBack32",
    2,
    (f, [x, g], out) => {
      const phi = f.local("v128", "phi"),
        e = f.local("v128", "e");
      emitPhi32(f, x!, phi, e);
      f.set(out, f32x4.mul(g!.get(), f32x4.add(phi.get(), f32x4.mul(f32x4.mul(x!.get(), c4(INV_SQRT_2PI)), e.get()))));
    },
    F32,
  );
  return { gelu32: forward, geluBack32: backward };
}

export function emitGeluKernels(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  return { ...emitGelu64(mod, ctx), ...emitGelu32(mod) };
}
