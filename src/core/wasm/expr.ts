/**
 * Typed expressions for the WebAssembly assembler. An {@link Expr} is a tree that knows its value
 * type and how to emit itself in stack order (operands first, then the opcode), so kernels read
 * like arithmetic: `f64x2.add(acc.get(), f64x2.mul(a, b))`. Operand types are checked when the
 * tree is built, so a mistyped kernel fails loudly in TypeScript rather than in validation.
 *
 * Only the opcodes the kernels need are here (WebAssembly core specification §5.4, SIMD §5.4.8 with prefix 0xFD,
 * relaxed SIMD opcodes 0x100+).
 */
import type { ByteSink } from "./encode.ts";

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";
export type ExprType = ValType | "void";

/** Binary codes of the value types. */
export const VALTYPE_CODE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

export interface Expr {
  readonly type: ExprType;
  emit(out: ByteSink): void;
}

/** A local variable (parameters are locals too). */
export class Local {
  constructor(
    readonly index: number,
    readonly type: ValType,
    readonly name: string,
  ) {}
  get(): Expr {
    return { type: this.type, emit: (o) => void o.byte(0x20).u32(this.index) };
  }
}

function check(what: string, args: readonly Expr[], want: readonly ExprType[]): void {
  if (args.length !== want.length) throw new Error(`${what}: ${args.length} operands, expected ${want.length}`);
  args.forEach((a, i) => {
    if (a.type !== want[i]) throw new Error(`${what}: operand ${i} is ${a.type}, expected ${want[i]}`);
  });
}

/** An instruction with fixed opcode bytes and immediates, after its operands. */
function op(
  what: string,
  code: readonly number[],
  type: ExprType,
  args: readonly Expr[],
  want: readonly ExprType[],
  imm?: (o: ByteSink) => void,
): Expr {
  check(what, args, want);
  return {
    type,
    emit(o) {
      for (const a of args) a.emit(o);
      o.bytes(code);
      imm?.(o);
    },
  };
}

/** A SIMD instruction: prefix 0xFD then the opcode as u32 LEB128. */
function simd(
  what: string,
  code: number,
  type: ExprType,
  args: readonly Expr[],
  want: readonly ExprType[],
  imm?: (o: ByteSink) => void,
): Expr {
  check(what, args, want);
  return {
    type,
    emit(o) {
      for (const a of args) a.emit(o);
      o.byte(0xfd).u32(code);
      imm?.(o);
    },
  };
}

/** memarg: alignment exponent (a hint) and constant byte offset. */
function memarg(align: number, offset: number) {
  return (o: ByteSink) => void o.u32(align).u32(offset);
}

const I = "i32",
  L = "i64",
  S = "f32",
  F = "f64",
  V = "v128";
const bin =
  (name: string, code: number, t: ValType, res: ValType = t) =>
  (a: Expr, b: Expr) =>
    op(name, [code], res, [a, b], [t, t]);
const un =
  (name: string, code: number, t: ValType, res: ValType = t) =>
  (a: Expr) =>
    op(name, [code], res, [a], [t]);
const vbin = (name: string, code: number) => (a: Expr, b: Expr) => simd(name, code, V, [a, b], [V, V]);
const vun = (name: string, code: number) => (a: Expr) => simd(name, code, V, [a], [V]);

export const i32 = {
  const: (v: number): Expr => ({ type: I, emit: (o) => void o.byte(0x41).i32(v) }),
  load: (addr: Expr, offset = 0) => op("i32.load", [0x28], I, [addr], [I], memarg(2, offset)),
  store: (addr: Expr, v: Expr, offset = 0) => op("i32.store", [0x36], "void", [addr, v], [I, I], memarg(2, offset)),
  eqz: un("i32.eqz", 0x45, I),
  eq: bin("i32.eq", 0x46, I),
  ne: bin("i32.ne", 0x47, I),
  lt_s: bin("i32.lt_s", 0x48, I),
  lt_u: bin("i32.lt_u", 0x49, I),
  gt_s: bin("i32.gt_s", 0x4a, I),
  gt_u: bin("i32.gt_u", 0x4b, I),
  le_s: bin("i32.le_s", 0x4c, I),
  ge_s: bin("i32.ge_s", 0x4e, I),
  ge_u: bin("i32.ge_u", 0x4f, I),
  add: bin("i32.add", 0x6a, I),
  sub: bin("i32.sub", 0x6b, I),
  mul: bin("i32.mul", 0x6c, I),
  and: bin("i32.and", 0x71, I),
  or: bin("i32.or", 0x72, I),
  shl: bin("i32.shl", 0x74, I),
  shr_s: bin("i32.shr_s", 0x75, I),
  shr_u: bin("i32.shr_u", 0x76, I),
  wrap_i64: un("i32.wrap_i64", 0xa7, L, I),
};

export const i64 = {
  const: (v: bigint): Expr => ({ type: L, emit: (o) => void o.byte(0x42).i64(v) }),
  add: bin("i64.add", 0x7c, L),
  and: bin("i64.and", 0x83, L),
  shl: bin("i64.shl", 0x86, L),
  reinterpret_f64: un("i64.reinterpret_f64", 0xbd, F, L),
};

export const f64 = {
  const: (v: number): Expr => ({ type: F, emit: (o) => void o.byte(0x44).f64(v) }),
  load: (addr: Expr, offset = 0) => op("f64.load", [0x2b], F, [addr], [I], memarg(3, offset)),
  store: (addr: Expr, v: Expr, offset = 0) => op("f64.store", [0x39], "void", [addr, v], [I, F], memarg(3, offset)),
  eq: bin("f64.eq", 0x61, F, I),
  ne: bin("f64.ne", 0x62, F, I),
  lt: bin("f64.lt", 0x63, F, I),
  gt: bin("f64.gt", 0x64, F, I),
  le: bin("f64.le", 0x65, F, I),
  ge: bin("f64.ge", 0x66, F, I),
  abs: un("f64.abs", 0x99, F),
  neg: un("f64.neg", 0x9a, F),
  sqrt: un("f64.sqrt", 0x9f, F),
  add: bin("f64.add", 0xa0, F),
  sub: bin("f64.sub", 0xa1, F),
  mul: bin("f64.mul", 0xa2, F),
  div: bin("f64.div", 0xa3, F),
  min: bin("f64.min", 0xa4, F),
  max: bin("f64.max", 0xa5, F),
  copysign: bin("f64.copysign", 0xa6, F),
  convert_i32_s: un("f64.convert_i32_s", 0xb7, I, F),
  reinterpret_i64: un("f64.reinterpret_i64", 0xbf, L, F),
};

export const f32 = {
  const: (v: number): Expr => ({
    type: S,
    emit: (o) => {
      const dv = new DataView(new ArrayBuffer(4));
      dv.setFloat32(0, v, true);
      o.byte(0x43).bytes(new Uint8Array(dv.buffer));
    },
  }),
  load: (addr: Expr, offset = 0) => op("f32.load", [0x2a], S, [addr], [I], memarg(2, offset)),
  store: (addr: Expr, v: Expr, offset = 0) => op("f32.store", [0x38], "void", [addr, v], [I, S], memarg(2, offset)),
  add: bin("f32.add", 0x92, S),
  sub: bin("f32.sub", 0x93, S),
  mul: bin("f32.mul", 0x94, S),
  div: bin("f32.div", 0x95, S),
  convert_i32_s: un("f32.convert_i32_s", 0xb2, I, S),
  demote_f64: un("f32.demote_f64", 0xb6, F, S),
};

export const v128 = {
  /** v128.const from 16 raw bytes. */
  constBytes(bytes: ArrayLike<number>): Expr {
    if (bytes.length !== 16) throw new Error("v128.const needs 16 bytes");
    return { type: V, emit: (o) => void o.byte(0xfd).u32(0x0c).bytes(bytes) };
  },
  load: (addr: Expr, offset = 0) => simd("v128.load", 0x00, V, [addr], [I], memarg(4, offset)),
  load64_splat: (addr: Expr, offset = 0) => simd("v128.load64_splat", 0x0a, V, [addr], [I], memarg(3, offset)),
  store: (addr: Expr, v: Expr, offset = 0) => simd("v128.store", 0x0b, "void", [addr, v], [I, V], memarg(4, offset)),
  /** Load 8 bytes into lane 0 and zero lane 1. */
  load64_zero: (addr: Expr, offset = 0) => simd("v128.load64_zero", 0x5d, V, [addr], [I], memarg(3, offset)),
  /** Replace 64-bit lane `lane` of `v` by the 8 bytes at addr. */
  load64_lane: (addr: Expr, v: Expr, lane: 0 | 1, offset = 0) =>
    simd("v128.load64_lane", 0x57, V, [addr, v], [I, V], (o) => void o.u32(3).u32(offset).byte(lane)),
  /** Store 64-bit lane `lane` of `v` at addr. */
  store64_lane: (addr: Expr, v: Expr, lane: 0 | 1, offset = 0) =>
    simd("v128.store64_lane", 0x5b, "void", [addr, v], [I, V], (o) => void o.u32(3).u32(offset).byte(lane)),
  load32_splat: (addr: Expr, offset = 0) => simd("v128.load32_splat", 0x09, V, [addr], [I], memarg(2, offset)),
  /** Replace 32-bit lane `lane` of `v` by the 4 bytes at addr. */
  load32_lane: (addr: Expr, v: Expr, lane: 0 | 1 | 2 | 3, offset = 0) =>
    simd("v128.load32_lane", 0x56, V, [addr, v], [I, V], (o) => void o.u32(2).u32(offset).byte(lane)),
  /** Load 4 bytes into lane 0 and zero the other lanes. */
  load32_zero: (addr: Expr, offset = 0) => simd("v128.load32_zero", 0x5c, V, [addr], [I], memarg(2, offset)),
  /** Store 32-bit lane `lane` of `v` at addr. */
  store32_lane: (addr: Expr, v: Expr, lane: 0 | 1 | 2 | 3, offset = 0) =>
    simd("v128.store32_lane", 0x5a, "void", [addr, v], [I, V], (o) => void o.u32(2).u32(offset).byte(lane)),
  not: vun("v128.not", 0x4d),
  and: vbin("v128.and", 0x4e),
  andnot: vbin("v128.andnot", 0x4f),
  or: vbin("v128.or", 0x50),
  xor: vbin("v128.xor", 0x51),
  /** Bits of `a` where `mask` is 1, of `b` where it is 0. */
  bitselect: (a: Expr, b: Expr, mask: Expr) => simd("v128.bitselect", 0x52, V, [a, b, mask], [V, V, V]),
  any_true: (a: Expr) => simd("v128.any_true", 0x53, I, [a], [V]),
  /** i8x16.shuffle with 16 lane indices into the 32 bytes of (a, b). */
  shuffle: (a: Expr, b: Expr, lanes: readonly number[]) => {
    if (lanes.length !== 16 || lanes.some((l) => l < 0 || l > 31)) throw new Error("i8x16.shuffle needs 16 lanes in [0, 32)");
    return simd("i8x16.shuffle", 0x0d, V, [a, b], [V, V], (o) => void o.bytes(lanes));
  },
};

/** 64-bit lane interleaves: [a₀, b₀] and [a₁, b₁]. */
const LO = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HI = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

export const f64x2 = {
  const: (a: number, b: number = a): Expr => {
    const dv = new DataView(new ArrayBuffer(16));
    dv.setFloat64(0, a, true);
    dv.setFloat64(8, b, true);
    return v128.constBytes(new Uint8Array(dv.buffer));
  },
  splat: (a: Expr) => simd("f64x2.splat", 0x14, V, [a], [F]),
  extract_lane: (a: Expr, lane: 0 | 1) => simd("f64x2.extract_lane", 0x21, F, [a], [V], (o) => void o.byte(lane)),
  replace_lane: (a: Expr, x: Expr, lane: 0 | 1) => simd("f64x2.replace_lane", 0x22, V, [a, x], [V, F], (o) => void o.byte(lane)),
  eq: vbin("f64x2.eq", 0x47),
  ne: vbin("f64x2.ne", 0x48),
  lt: vbin("f64x2.lt", 0x49),
  gt: vbin("f64x2.gt", 0x4a),
  le: vbin("f64x2.le", 0x4b),
  ge: vbin("f64x2.ge", 0x4c),
  abs: vun("f64x2.abs", 0xec),
  neg: vun("f64x2.neg", 0xed),
  sqrt: vun("f64x2.sqrt", 0xef),
  add: vbin("f64x2.add", 0xf0),
  sub: vbin("f64x2.sub", 0xf1),
  mul: vbin("f64x2.mul", 0xf2),
  div: vbin("f64x2.div", 0xf3),
  /** IEEE-style min/max: NaN in either operand gives NaN. */
  min: vbin("f64x2.min", 0xf4),
  max: vbin("f64x2.max", 0xf5),
  /** Pseudo-min/max (b < a ? b : a): cheaper, no NaN propagation from b. */
  pmin: vbin("f64x2.pmin", 0xf6),
  pmax: vbin("f64x2.pmax", 0xf7),
  /** Relaxed SIMD: a·b + c, fused or not depending on the hardware (needs the proposal enabled). */
  relaxed_madd: (a: Expr, b: Expr, c: Expr) => simd("f64x2.relaxed_madd", 0x107, V, [a, b, c], [V, V, V]),
  /** Relaxed SIMD: −(a·b) + c, fused or not depending on the hardware. */
  relaxed_nmadd: (a: Expr, b: Expr, c: Expr) => simd("f64x2.relaxed_nmadd", 0x108, V, [a, b, c], [V, V, V]),
  /** [a₀, b₀] */
  interleaveLo: (a: Expr, b: Expr) => v128.shuffle(a, b, LO),
  /** [a₁, b₁] */
  interleaveHi: (a: Expr, b: Expr) => v128.shuffle(a, b, HI),
};

export const f32x4 = {
  const: (v: number): Expr => {
    const dv = new DataView(new ArrayBuffer(16));
    for (let q = 0; q < 4; q++) dv.setFloat32(4 * q, v, true);
    return v128.constBytes(new Uint8Array(dv.buffer));
  },
  splat: (a: Expr) => simd("f32x4.splat", 0x13, V, [a], [S]),
  extract_lane: (a: Expr, lane: 0 | 1 | 2 | 3) => simd("f32x4.extract_lane", 0x1f, S, [a], [V], (o) => void o.byte(lane)),
  lt: vbin("f32x4.lt", 0x43),
  gt: vbin("f32x4.gt", 0x44),
  nearest: vun("f32x4.nearest", 0x6a),
  abs: vun("f32x4.abs", 0xe0),
  neg: vun("f32x4.neg", 0xe1),
  sqrt: vun("f32x4.sqrt", 0xe3),
  add: vbin("f32x4.add", 0xe4),
  sub: vbin("f32x4.sub", 0xe5),
  mul: vbin("f32x4.mul", 0xe6),
  div: vbin("f32x4.div", 0xe7),
  min: vbin("f32x4.min", 0xe8),
  max: vbin("f32x4.max", 0xe9),
  /** Pseudo-min/max (b < a ? b : a), one instruction. */
  pmin: vbin("f32x4.pmin", 0xea),
  pmax: vbin("f32x4.pmax", 0xeb),
  /** Relaxed SIMD: a·b + c, fused or not depending on the hardware. */
  relaxed_madd: (a: Expr, b: Expr, c: Expr) => simd("f32x4.relaxed_madd", 0x105, V, [a, b, c], [V, V, V]),
  /** Relaxed SIMD: −(a·b) + c, fused or not depending on the hardware. */
  relaxed_nmadd: (a: Expr, b: Expr, c: Expr) => simd("f32x4.relaxed_nmadd", 0x106, V, [a, b, c], [V, V, V]),
  convert_i32x4_s: vun("f32x4.convert_i32x4_s", 0xfa),
};

export const i32x4 = {
  const: (v: number): Expr => {
    const dv = new DataView(new ArrayBuffer(16));
    for (let q = 0; q < 4; q++) dv.setInt32(4 * q, v, true);
    return v128.constBytes(new Uint8Array(dv.buffer));
  },
  shl: (a: Expr, n: Expr) => simd("i32x4.shl", 0xab, V, [a, n], [V, I]),
  add: vbin("i32x4.add", 0xae),
  trunc_sat_f32x4_s: vun("i32x4.trunc_sat_f32x4_s", 0xf8),
};

export const i64x2 = {
  const: (a: bigint, b: bigint = a): Expr => {
    const dv = new DataView(new ArrayBuffer(16));
    dv.setBigInt64(0, BigInt.asIntN(64, a), true);
    dv.setBigInt64(8, BigInt.asIntN(64, b), true);
    return v128.constBytes(new Uint8Array(dv.buffer));
  },
  splat: (a: Expr) => simd("i64x2.splat", 0x12, V, [a], [L]),
  extract_lane: (a: Expr, lane: 0 | 1) => simd("i64x2.extract_lane", 0x1d, L, [a], [V], (o) => void o.byte(lane)),
  shl: (a: Expr, n: Expr) => simd("i64x2.shl", 0xcb, V, [a, n], [V, I]),
  shr_u: (a: Expr, n: Expr) => simd("i64x2.shr_u", 0xcd, V, [a, n], [V, I]),
  add: vbin("i64x2.add", 0xce),
  sub: vbin("i64x2.sub", 0xd1),
};

/** Raw call of function `index` (see FunctionBuilder.call for the typed form). */
export function callExpr(index: number, args: readonly Expr[], params: readonly ValType[], result: ExprType): Expr {
  return op(`call ${index}`, [0x10], result, args, params, (o) => void o.u32(index));
}

/** select: `a` if cond ≠ 0 else `b` (both numeric of the same type). */
export function select(a: Expr, b: Expr, cond: Expr): Expr {
  if (a.type !== b.type || a.type === "void") throw new Error(`select: operands ${a.type} and ${b.type}`);
  // v128 needs the typed form `select (result v128)` (0x1C, one type); numbers the plain 0x1B.
  const code = a.type === V ? [0x1c, 0x01, VALTYPE_CODE.v128] : [0x1b];
  return op("select", code, a.type, [a, b, cond], [a.type, a.type, I]);
}
