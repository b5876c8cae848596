/**
 * The number format a kernel generator emits for: float64 on f64x2 (two lanes, the ncps-exact
 * path) or float32 on f32x4 (four lanes, the float32 mode). Generators written against a
 * {@link Format} (elementwise.ts, cfc.ts) produce both families from one body; the float64 kernels
 * are emitted exactly as before, and the float32 ones carry the suffix `32`
 * (`cfcHeads` → `cfcHeads32`).
 */
import { f32, f32x4, f64, f64x2, type Expr, type Local } from "../expr.ts";
import type { FunctionBuilder } from "../module.ts";
import type { KernelName } from "../signatures.ts";
import { pairs, quads, type KernelContext, type Lanes } from "./context.ts";
import { emitExp32, emitSigmoid32, emitTanh32 } from "./f32.ts";
import { emitExp, emitSigmoid, emitTanh } from "./vmath.ts";

/** The lane-wise operations both vector types share. */
type VecOp = "add" | "sub" | "mul" | "div" | "gt" | "splat";
export type VecOps = Pick<typeof f64x2, VecOp>;

export interface Format {
  /** Appended to kernel names: "" (float64) or "32". */
  readonly suffix: "" | "32";
  /** log₂ of the element size in bytes (3 or 2). */
  readonly shift: 3 | 2;
  /** Lane-wise arithmetic (f64x2 or f32x4). */
  readonly v: VecOps;
  /** A constant in every lane. */
  splat(c: number): Expr;
  /** A scalar element load (for splatting per-row values such as Δt). */
  loadScalar(addr: Expr): Expr;
  /** Whole vectors over [from, to), then the leftover elements with partial lanes. */
  loop(f: FunctionBuilder, j: Local, from: Expr, to: Expr, body: (lanes: Lanes) => void): void;
  exp(f: FunctionBuilder, ctx: KernelContext, x: Local, out: Local): void;
  sigmoid(f: FunctionBuilder, ctx: KernelContext, x: Local, out: Local): void;
  tanh(f: FunctionBuilder, ctx: KernelContext, x: Local, out: Local): void;
}

/** The kernel of `base` in format `F` (`cfcHeads` + `32`). */
export function kernelName(base: string, F: Format): KernelName {
  return `${base}${F.suffix}` as KernelName;
}

export const F64: Format = {
  suffix: "",
  shift: 3,
  v: f64x2,
  splat: (c) => f64x2.const(c, c),
  loadScalar: (a) => f64.load(a),
  loop: pairs,
  exp: emitExp,
  sigmoid: emitSigmoid,
  tanh: emitTanh,
};

export const F32: Format = {
  suffix: "32",
  shift: 2,
  v: f32x4,
  splat: (c) => f32x4.const(c),
  loadScalar: (a) => f32.load(a),
  loop: quads,
  exp: (f, _ctx, x, out) => emitExp32(f, x, out),
  sigmoid: (f, _ctx, x, out) => emitSigmoid32(f, x, out),
  tanh: (f, _ctx, x, out) => emitTanh32(f, x, out),
};
