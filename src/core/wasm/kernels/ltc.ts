/**
 * LTC step kernels: the K fused semi-implicit Euler unfolds of one time step (forward), and their
 * exact reverse (backward), for every batch row. The maths is `LtcCell`'s (cells/ltc.ts):
 *
 *   a_s = W_s σ(σ_s (v_src − μ_s)),  num_j = Σ_{s→j} a_s E_s,  den_j = Σ_{s→j} a_s
 *   v'_j = (c_j v_j + g_L,j v_leak,j + num_j + numS_j) / (c_j + g_L,j + den_j + denS_j + ε)
 *
 * One generator, two number formats ({@link Format}): `ltcForward`/`ltcBackward` on f64x2 (the
 * ncps-exact float64 path) and `ltcForward32`/`ltcBackward32` on f32x4 (the float32 mode).
 *
 * Vectorisation: synapses are grouped by destination, one synapse of the same destination per
 * lane (two per f64x2, four per f32x4), in *records* of {@link SYN_RECORD_BYTES} bytes whose
 * fields are one vector each: [σ | μ | W | E | src (i32 byte offsets, one per lane) | W·E]
 * (float64 pair records: [σ₀ σ₁ | μ₀ μ₁ | W₀ W₁ | E₀ E₁ | src₀ src₁ pad | W₀E₀ W₁E₁]; float32
 * quad records: [σ₀..σ₃ | … | src₀..src₃ | W₀E₀..W₃E₃]). W·E lets the forward accumulate num and
 * den with one FMA each. One pointer walks the records with constant offsets, which keeps the hot
 * loop within ~12 general registers (and, in float64, the 15 usable xmm; the float32 exp's
 * constants make V8 spill a few, measured harmless: a two-pass variant without the spills was
 * no faster). The presynaptic potentials are a lane
 * gather; num_j/den_j are per-lane partial sums folded once per destination. A destination's
 * records with consecutive sources (src_l = src₀ + l: all of them in a dense wiring) come first,
 * so they gather with one vector load and scatter with one vector read-modify-write.
 * The last record of a destination whose synapse count is not a multiple of the lane count is
 * partial, its spare lanes having zero parameters. float64: a half record whose lane 1 potential
 * is loaded as 0. float32: a general record whose spare lanes repeat lane 0's source; with σ = μ =
 * W = E = 0 they add exactly 0 to num, den and every gradient (W = 0 gives ū = 0, so their share
 * of v̄ is 0 too) as long as the repeated potential is finite (an infinite one would make them
 * NaN where float64 stays finite; the update is a weighted mean of v, v_leak and E, so a finite
 * state does not reach ∞, and the sequence layer rejects non-finite states).
 * Gradients accumulate in records of {@link GRAD_RECORD_BYTES}: [σ̄ | μ̄ | W̄ | Ē], one vector each.
 * Cost stays proportional to the synapse count, and all lanes are used at batch 1.
 *
 * σ: float64 uses the table exp of vmath.ts (fast path, a destination redone with the checked σ
 * when an argument leaves its range); float32 the FMA minimax exp of f32.ts (clamped, no redo).
 * The forward stores every σ(…) in the cache and the backward reuses it (no exp in the backward).
 *
 * The cell passes two i32 descriptor tables: {@link LTC_DESC} (sizes, parameter and gradient
 * records, scratch) and {@link LTC_CACHE} (the buffers of one step cache). Every float buffer they
 * point to is in the kernel's format.
 */
import { f32, f32x4, f64, f64x2, i32, v128, type Expr, type Local } from "../expr.ts";
import type { FuncRef, FunctionBuilder, ModuleBuilder } from "../module.ts";
import { kernelSignature } from "../signatures.ts";
import { hsum, madd, nmadd, type KernelContext, type Lanes } from "./context.ts";
import { emitSigmoidOfNeg32, madd32, nmadd32 } from "./f32.ts";
import { F32, F64, kernelName, type Format } from "./format.ts";
import { emitSigmoid, emitSigmoidOfNegFast } from "./vmath.ts";

export const SYN_RECORD_BYTES = 96;
export const GRAD_RECORD_BYTES = 64;
/** Byte offsets inside a record (one 16-byte vector per field; src holds one i32 per lane). */
export const REC = { sigma: 0, mu: 16, w: 32, e: 48, src: 64, wE: 80 } as const;
/** Byte offsets inside a gradient record. */
export const GREC = { sigma: 0, mu: 16, w: 32, e: 48 } as const;

/** Field numbers of the cell descriptor (i32 words). */
export const LTC_DESC = {
  N: 0,
  I: 1,
  M: 2,
  K: 3,
  // per destination: first record and synapse count; the records; their gradients; record count
  synFirst: 4,
  synLen: 5,
  synRec: 6,
  synGrad: 7,
  nSynRecs: 8,
  sensFirst: 9,
  sensLen: 10,
  sensRec: 11,
  sensGrad: 12,
  nSensRecs: 13,
  gL: 14,
  vleak: 15,
  cm: 16,
  iw: 17,
  ib: 18,
  ow: 19,
  ob: 20,
  gGL: 21,
  gVleak: 22,
  gCm: 23,
  gIw: 24,
  gIb: 25,
  gOw: 26,
  gOb: 27,
  gxt: 28,
  // per destination: how many of its records come first with consecutive sources
  synAdj: 29,
  sensAdj: 30,
} as const;
export const LTC_DESC_WORDS = 31;

/**
 * Field numbers of the cache descriptor. `sensSig` is [B, lanes·nSensRecs] and `sig` is
 * [K, B, lanes·nSynRecs] in record order (16 bytes per record: 2 float64 or 4 float32 lanes); the
 * backward's scratch (v̄, n̄, synaptic v̄, Σn̄, Σd̄, c̄) is [B, N] each.
 */
export const LTC_CACHE = {
  xt: 0,
  sensSig: 1,
  numS: 2,
  denS: 3,
  cmt: 4,
  vs: 5,
  dens: 6,
  sig: 7,
  y: 8,
  h: 9,
  gv: 10,
  gvn: 11,
  dvSyn: 12,
  gNumS: 13,
  gDenS: 14,
  gc: 15,
} as const;
export const LTC_CACHE_WORDS = 16;

type Fields<T> = { [K in keyof T]: Local };

/** Read every descriptor word into a local. */
function readDesc<T extends Record<string, number>>(f: FunctionBuilder, desc: Local, layout: T): Fields<T> {
  const out = {} as Record<string, Local>;
  for (const [name, word] of Object.entries(layout)) {
    const l = f.local("i32", name);
    f.set(l, i32.load(desc.get(), 4 * word));
    out[name] = l;
  }
  return out as Fields<T>;
}

const add = (...xs: Expr[]): Expr => xs.reduce((a, b) => i32.add(a, b));
const x4 = (e: Expr): Expr => i32.shl(e, i32.const(2));

type Lane = 0 | 1 | 2 | 3;

/**
 * What the generator needs of a number format beyond {@link Format}: lanes per vector, the scalar
 * and vector instructions, (fused) multiply-adds, the horizontal sum and the lane loads.
 */
interface LtcFormat {
  readonly F: Format;
  readonly lanes: 2 | 4;
  readonly scalar: "f64" | "f32";
  readonly s: Pick<typeof f64, "load" | "store" | "add" | "mul" | "div" | "convert_i32_s">;
  readonly v: Pick<typeof f64x2, "add" | "sub" | "mul" | "div" | "neg">;
  extract(v: Expr, lane: Lane): Expr;
  madd(ctx: KernelContext, a: Expr, b: Expr, c: Expr): Expr;
  nmadd(ctx: KernelContext, a: Expr, b: Expr, c: Expr): Expr;
  /** Sum of the lanes as a scalar. */
  hsum(v: Expr): Expr;
  /** One element at addr in every lane. */
  loadSplat(addr: Expr): Expr;
  /** One element at addr in lane 0, the others zero; and lane `l` of v replaced from addr. */
  loadFirst(addr: Expr): Expr;
  loadLane(addr: Expr, v: Expr, l: Lane): Expr;
}

const LTC64: LtcFormat = {
  F: F64,
  lanes: 2,
  scalar: "f64",
  s: f64,
  v: f64x2,
  extract: (v, l) => f64x2.extract_lane(v, l as 0 | 1),
  madd,
  nmadd,
  hsum,
  loadSplat: (a) => v128.load64_splat(a),
  loadFirst: (a) => v128.load64_zero(a),
  loadLane: (a, v, l) => v128.load64_lane(a, v, l as 0 | 1),
};

const LTC32: LtcFormat = {
  F: F32,
  lanes: 4,
  scalar: "f32",
  s: f32,
  v: f32x4,
  extract: (v, l) => f32x4.extract_lane(v, l),
  madd: madd32,
  nmadd: nmadd32,
  hsum: (v) =>
    f32.add(f32.add(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), f32.add(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3))),
  loadSplat: (a) => v128.load32_splat(a),
  loadFirst: (a) => v128.load32_zero(a),
  loadLane: (a, v, l) => v128.load32_lane(a, v, l),
};

/**
 * How a record's sources are laid out: consecutive, arbitrary, or (float64) only lane 0. float32
 * partial records are general ones (their spare lanes repeat lane 0's source).
 */
type Kind = "adjacent" | "general" | "half";

/** Source byte offsets of a record: read from it, or from locals holding them. */
type Sources = Local | Local[];
const srcOf = (src: Sources, lane: Lane): Expr => (Array.isArray(src) ? src[lane]!.get() : i32.load(src.get(), REC.src + 4 * lane));

/** The presynaptic values of a record's lanes, read from `row` (lane 1 = 0 when half). */
function gather(T: LtcFormat, kind: Kind, row: Expr, src: Sources): Expr {
  const src0 = i32.add(row, srcOf(src, 0));
  if (kind === "adjacent") return v128.load(src0);
  let v = T.loadFirst(src0);
  if (kind === "half") return v;
  for (let l = 1; l < T.lanes; l++) v = T.loadLane(i32.add(row, srcOf(src, l as Lane)), v, l as Lane);
  return v;
}

/**
 * Walk the records of destination j: `body(kind)` once per record, with `rec`, `store` (and
 * `grad`, if given) advanced by their record sizes: the adjacent records, the general ones, then
 * (float64) a half record for an odd count.
 */
function walkRun(
  f: FunctionBuilder,
  T: LtcFormat,
  j: Local,
  run: { first: Local; len: Local; adj: Local; rec: Local; grad?: Local },
  v: { rec: Local; store: Local; storeBase: Local; grad: Local | null; end: Local; len: Local },
  body: (kind: Kind) => void,
): void {
  const { rec, store, grad, end, len } = v;
  const first = i32.load(add(run.first.get(), x4(j.get())));
  f.set(len, i32.load(add(run.len.get(), x4(j.get()))));
  f.set(rec, i32.add(run.rec.get(), i32.mul(first, i32.const(SYN_RECORD_BYTES))));
  f.set(store, i32.add(v.storeBase.get(), i32.shl(first, i32.const(4))));
  if (grad && run.grad) f.set(grad, i32.add(run.grad.get(), i32.mul(first, i32.const(GRAD_RECORD_BYTES))));
  const adjacent = i32.load(add(run.adj.get(), x4(j.get())));
  const records = (kind: Kind) =>
    f.block((done) =>
      f.loop((next) => {
        f.brIf(done, i32.ge_u(rec.get(), end.get()));
        body(kind);
        f.set(rec, i32.add(rec.get(), i32.const(SYN_RECORD_BYTES)));
        f.set(store, i32.add(store.get(), i32.const(16)));
        if (grad) f.set(grad, i32.add(grad.get(), i32.const(GRAD_RECORD_BYTES)));
        f.br(next);
      }),
    );
  f.set(end, i32.add(rec.get(), i32.mul(adjacent, i32.const(SYN_RECORD_BYTES))));
  records("adjacent");
  if (T.lanes === 2) {
    // The rest: len − 2·adjacent synapses in whole records, and a half one if that is odd.
    f.set(len, i32.sub(len.get(), i32.shl(adjacent, i32.const(1))));
    f.set(end, i32.add(rec.get(), i32.mul(i32.shr_u(len.get(), i32.const(1)), i32.const(SYN_RECORD_BYTES))));
    records("general");
    f.if(i32.and(len.get(), i32.const(1)), () => body("half"));
  } else {
    // The rest: len − 4·adjacent synapses in ⌈·/4⌉ general records (the last possibly partial).
    f.set(len, i32.sub(len.get(), i32.shl(adjacent, i32.const(2))));
    f.set(end, i32.add(rec.get(), i32.mul(i32.shr_u(i32.add(len.get(), i32.const(3)), i32.const(2)), i32.const(SYN_RECORD_BYTES))));
    records("general");
  }
}

export function emitLtcKernels(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  const k64 = emitLtcFamily(mod, ctx, LTC64),
    k32 = emitLtcFamily(mod, ctx, LTC32);
  return { ...k64, forward32: k32.forward!, backward32: k32.backward! };
}

/** `ltcForward`/`ltcBackward` in format T (float32 names carry the suffix 32). */
function emitLtcFamily(mod: ModuleBuilder, ctx: KernelContext, T: LtcFormat): Record<string, FuncRef> {
  const { F, s: S, v: V } = T;
  const splat = F.splat;
  const name = (base: string) => kernelName(base, F);
  /** Element index → byte offset. */
  const xs = (e: Expr): Expr => i32.shl(e, i32.const(F.shift));
  /** Element at byte address base + size·index. */
  const ld = (base: Local, index: Local): Expr => S.load(i32.add(base.get(), xs(index.get())));

  // (desc, cacheDesc, x, h, dt, B, eps)
  const forward = mod.function(name("ltcForward"), kernelSignature(name("ltcForward")), (f) => {
    const [desc, cdesc, x, h, dt, B, eps] = f.args(7);
    const d = readDesc(f, desc, LTC_DESC),
      c = readDesc(f, cdesc, LTC_CACHE);
    const r = f.local("i32", "r"),
      u = f.local("i32", "u"),
      j = f.local("i32", "j"),
      kk = f.local("i32", "k");
    const rec = f.local("i32", "rec"),
      store = f.local("i32", "store"),
      end = f.local("i32", "end"),
      len = f.local("i32", "len");
    const rowN = f.local("i32", "rowN"),
      rowI = f.local("i32", "rowI"),
      xtRow = f.local("i32", "xtRow");
    const vin = f.local("i32", "vin"),
      vout = f.local("i32", "vout"),
      sigRow = f.local("i32", "sigRow");
    const BN8 = f.local("i32", "BNbytes");
    const t = f.local(T.scalar, "t"),
      kdt = f.local(T.scalar, "kdt"),
      cj = f.local(T.scalar, "cj"),
      den = f.local(T.scalar, "den");
    const accN = f.local("v128", "accN"),
      accD = f.local("v128", "accD"),
      maxArg = f.local("v128", "maxAbsArg");
    const negArg = f.local("v128", "negArg"),
      arg = f.local("v128", "arg"),
      sg = f.local("v128", "sg");
    f.set(BN8, xs(i32.mul(B.get(), d.N.get())));
    // ε in the kernel's format (float64: the parameter itself).
    let epsS = eps.get();
    if (T.scalar === "f32") {
      const e32 = f.local("f32", "eps32");
      f.set(e32, f32.demote_f64(eps.get()));
      epsS = e32.get();
    }

    /**
     * num_j, den_j of destination j into accN/accD, storing σ per synapse. float64: the run is
     * computed with the unchecked exp while tracking max |argument|; if that exceeds the fast
     * range, the run is redone with the checked σ (its inputs are untouched, so the redo is exact).
     * float32: one pass (the exp clamps its argument).
     */
    const synapses = (run: { first: Local; len: Local; adj: Local; rec: Local }, row: Local, storeBase: Local) => {
      const once = (checked: boolean) => {
        f.set(accN, splat(0));
        f.set(accD, splat(0));
        walkRun(f, T, j, run, { rec, store, storeBase, grad: null, end, len }, (kind) => {
          // −σ_s(v − μ_s) = σ_s(μ_s − v): exactly the negated argument of σ.
          f.set(negArg, V.mul(v128.load(rec.get(), REC.sigma), V.sub(v128.load(rec.get(), REC.mu), gather(T, kind, row.get(), rec))));
          if (T.lanes === 4) emitSigmoidOfNeg32(f, ctx, negArg.get(), sg);
          else if (checked) {
            f.set(arg, f64x2.neg(negArg.get()));
            emitSigmoid(f, ctx, arg, sg);
          } else {
            // pmax drops a NaN argument, which the fast path handles (NaN in, NaN out).
            f.set(maxArg, f64x2.pmax(maxArg.get(), f64x2.abs(negArg.get())));
            emitSigmoidOfNegFast(f, ctx, negArg.get(), sg);
          }
          f.do(v128.store(store.get(), sg.get()));
          // num += σ·(W E), den += σ·W
          f.set(accN, T.madd(ctx, sg.get(), v128.load(rec.get(), REC.wE), accN.get()));
          f.set(accD, T.madd(ctx, sg.get(), v128.load(rec.get(), REC.w), accD.get()));
        });
      };
      if (T.lanes === 4) return once(false);
      f.set(maxArg, splat(0));
      once(false);
      f.if(v128.any_true(f64x2.gt(maxArg.get(), splat(708))), () => once(true));
    };
    const synRun = { first: d.synFirst, len: d.synLen, adj: d.synAdj, rec: d.synRec };
    const sensRun = { first: d.sensFirst, len: d.sensLen, adj: d.sensAdj, rec: d.sensRec };

    f.for(r, i32.const(0), B.get(), 1, () => {
      f.set(t, ld(dt, r));
      f.set(rowN, xs(i32.mul(r.get(), d.N.get())));
      f.set(rowI, xs(i32.mul(r.get(), d.I.get())));
      f.set(xtRow, i32.add(c.xt.get(), rowI.get()));
      // Input mapping x̃ = x·w_in + b_in (ones and zeros when a mapping is off).
      F.loop(f, kk, i32.const(0), d.I.get(), (L: Lanes) => {
        const kb = xs(kk.get());
        const v = V.add(V.mul(L.load(add(x.get(), rowI.get(), kb)), L.load(i32.add(d.iw.get(), kb))), L.load(i32.add(d.ib.get(), kb)));
        f.do(L.store(i32.add(xtRow.get(), kb), v));
      });
      // Sensory synapses: constant over the unfolds.
      f.set(sigRow, i32.add(c.sensSig.get(), i32.shl(i32.mul(r.get(), d.nSensRecs.get()), i32.const(4))));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        synapses(sensRun, xtRow, sigRow);
        f.do(S.store(add(c.numS.get(), rowN.get(), xs(j.get())), T.hsum(accN.get())));
        f.do(S.store(add(c.denS.get(), rowN.get(), xs(j.get())), T.hsum(accD.get())));
      });
      // c = C·K/Δt, and v₀ = h.
      f.set(kdt, S.div(S.convert_i32_s(d.K.get()), t.get()));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(S.store(add(c.cmt.get(), rowN.get(), xs(j.get())), S.mul(ld(d.cm, j), kdt.get())));
        f.do(S.store(add(c.vs.get(), rowN.get(), xs(j.get())), S.load(add(h.get(), rowN.get(), xs(j.get())))));
      });
      f.for(u, i32.const(0), d.K.get(), 1, () => {
        f.set(vin, add(c.vs.get(), i32.mul(u.get(), BN8.get()), rowN.get()));
        f.set(vout, i32.add(vin.get(), BN8.get()));
        f.set(sigRow, i32.add(c.sig.get(), i32.shl(i32.mul(i32.add(i32.mul(u.get(), B.get()), r.get()), d.nSynRecs.get()), i32.const(4))));
        f.for(j, i32.const(0), d.N.get(), 1, () => {
          synapses(synRun, vin, sigRow);
          const jb = xs(j.get());
          f.set(cj, S.load(add(c.cmt.get(), rowN.get(), jb)));
          const num = S.add(
            S.add(S.mul(cj.get(), S.load(i32.add(vin.get(), jb))), S.mul(ld(d.gL, j), ld(d.vleak, j))),
            S.add(T.hsum(accN.get()), S.load(add(c.numS.get(), rowN.get(), jb))),
          );
          f.set(
            den,
            S.add(S.add(S.add(cj.get(), ld(d.gL, j)), S.add(T.hsum(accD.get()), S.load(add(c.denS.get(), rowN.get(), jb)))), epsS),
          );
          f.do(S.store(add(c.dens.get(), i32.sub(vin.get(), c.vs.get()), jb), den.get()));
          f.do(S.store(i32.add(vout.get(), jb), S.div(num, den.get())));
        });
      });
      // New state and output mapping y = v·w_out + b_out on the first M neurons.
      f.set(vin, add(c.vs.get(), i32.mul(d.K.get(), BN8.get()), rowN.get()));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(S.store(add(c.h.get(), rowN.get(), xs(j.get())), S.load(i32.add(vin.get(), xs(j.get())))));
      });
      f.for(j, i32.const(0), d.M.get(), 1, () => {
        const y = S.add(S.mul(S.load(i32.add(vin.get(), xs(j.get()))), ld(d.ow, j)), ld(d.ob, j));
        f.do(S.store(add(c.y.get(), xs(i32.mul(r.get(), d.M.get())), xs(j.get())), y));
      });
    });
  });

  // (desc, cacheDesc, x, dt, dy|0, dhNew, dx, dh, B)
  const backward = mod.function(name("ltcBackward"), kernelSignature(name("ltcBackward")), (f) => {
    const [desc, cdesc, x, dt, dy, dhNew, dx, dh, B] = f.args(9);
    const d = readDesc(f, desc, LTC_DESC),
      c = readDesc(f, cdesc, LTC_CACHE);
    const r = f.local("i32", "r"),
      u = f.local("i32", "u"),
      j = f.local("i32", "j"),
      e = f.local("i32", "e");
    const rec = f.local("i32", "rec"),
      store = f.local("i32", "store"),
      grad = f.local("i32", "grad"),
      end = f.local("i32", "end"),
      len = f.local("i32", "len");
    const rowN = f.local("i32", "rowN"),
      rowI = f.local("i32", "rowI"),
      xtRow = f.local("i32", "xtRow");
    const vin = f.local("i32", "vin"),
      vout = f.local("i32", "vout"),
      sigRow = f.local("i32", "sigRow"),
      dRow = f.local("i32", "dRow");
    const BN8 = f.local("i32", "BNbytes"),
      N8 = f.local("i32", "Nbytes"),
      sigStride = f.local("i32", "sigStride");
    // Row walk inside a record: byte offset of row r in [B, N] arrays, and its σ in the store;
    // n̄, d̄ of the current destination j (row 0).
    const rb = f.local("i32", "rowBase"),
      so = f.local("i32", "sigAt");
    const gvnJ = f.local("i32", "gvnJ"),
      gvJ = f.local("i32", "gvJ");
    const g = f.local(T.scalar, "g"),
      kdt = f.local(T.scalar, "kdt");
    const nb = f.local("v128", "nb"),
      db = f.local("v128", "db"),
      gvv = f.local("v128", "gv"),
      dd = f.local("v128", "d");
    const sg = f.local("v128", "sg"),
      w = f.local("v128", "w"),
      sgm = f.local("v128", "sigma"),
      mu = f.local("v128", "mu"),
      ev = f.local("v128", "E");
    const abar = f.local("v128", "abar"),
      ub = f.local("v128", "ub"),
      dv = f.local("v128", "dv");
    const gE = f.local("v128", "gE"),
      gW = f.local("v128", "gW"),
      gS = f.local("v128", "gSigma"),
      gM = f.local("v128", "gMu");
    f.set(N8, xs(d.N.get()));
    f.set(BN8, i32.mul(B.get(), N8.get()));

    /** arr[at] += delta on whole vectors or single lanes. */
    const accAt = (L: Lanes, arr: Local, at: Expr, delta: Expr) => {
      f.do(L.store(i32.add(arr.get(), at), V.add(L.load(i32.add(arr.get(), at)), delta)));
    };
    /** Zero n elements at `arr`. */
    const zero = (arr: Local, n: Expr) => F.loop(f, e, i32.const(0), n, (L) => f.do(L.store(i32.add(arr.get(), xs(e.get())), splat(0))));
    const src = f.locals("i32", T.lanes, "src");
    /** Scatter dv into `row` at the record's sources (lane by lane unless consecutive). */
    const scatter = (kind: Kind, row: Expr) => {
      const at0 = i32.add(row, src[0]!.get());
      if (kind === "adjacent") {
        const a = f.local("i32", "at");
        f.set(a, at0);
        f.do(v128.store(a.get(), V.add(v128.load(a.get()), dv.get())));
        return;
      }
      const lanes = kind === "half" ? 1 : T.lanes;
      for (let lane = 0; lane < lanes; lane++) {
        // Lane by lane: the synapses of a record have different sources, but even equal ones
        // (float32 spare lanes) would each be counted.
        const a = f.local("i32", "at");
        f.set(a, lane === 0 ? at0 : i32.add(row, src[lane]!.get()));
        f.do(S.store(a.get(), S.add(S.load(a.get()), T.extract(dv.get(), lane as Lane))));
      }
    };
    /**
     * One synapse record for one batch row, given n̄, d̄ of its destination (splatted in nb, db),
     * σ(…) in sg and the record's σ, μ, W, E in registers:
     * ā = n̄ E + d̄,  Ē += n̄ W σ,  W̄ += ā σ,  ū = ā W σ(1 − σ),  σ̄ += ū (v − μ),  μ̄ −= ū σ_s,
     * and v̄_src += ū σ_s.
     */
    const recordRow = (kind: Kind, vRow: Expr, dvRow: Expr) => {
      f.set(abar, T.madd(ctx, nb.get(), ev.get(), db.get()));
      f.set(gE, T.madd(ctx, nb.get(), V.mul(w.get(), sg.get()), gE.get()));
      f.set(gW, T.madd(ctx, abar.get(), sg.get(), gW.get()));
      f.set(ub, V.mul(V.mul(V.mul(abar.get(), w.get()), sg.get()), V.sub(splat(1), sg.get())));
      f.set(gS, T.madd(ctx, ub.get(), V.sub(gather(T, kind, vRow, src), mu.get()), gS.get()));
      f.set(gM, T.nmadd(ctx, ub.get(), sgm.get(), gM.get()));
      f.set(dv, V.mul(ub.get(), sgm.get()));
      scatter(kind, dvRow);
    };
    const addRec = (field: number, acc: Local) => f.do(v128.store(grad.get(), V.add(v128.load(grad.get(), field), acc.get()), field));
    const loadRecord = () => {
      // Source offsets in locals: the row loop's scatter stores keep the engine from hoisting loads.
      for (let lane = 0; lane < T.lanes; lane++) f.set(src[lane]!, i32.load(rec.get(), REC.src + 4 * lane));
      f.set(w, v128.load(rec.get(), REC.w));
      f.set(sgm, v128.load(rec.get(), REC.sigma));
      f.set(mu, v128.load(rec.get(), REC.mu));
      f.set(ev, v128.load(rec.get(), REC.e));
      for (const a of [gE, gW, gS, gM]) f.set(a, splat(0));
    };
    const storeRecord = () => {
      addRec(GREC.e, gE);
      addRec(GREC.w, gW);
      addRec(GREC.sigma, gS);
      addRec(GREC.mu, gM);
    };
    const synRun = { first: d.synFirst, len: d.synLen, adj: d.synAdj, rec: d.synRec, grad: d.synGrad };
    const sensRun = { first: d.sensFirst, len: d.sensLen, adj: d.sensAdj, rec: d.sensRec, grad: d.sensGrad };

    // v̄ = ∂L/∂h' (+ the output mapping's share of ∂L/∂y on the motor neurons), all rows.
    f.for(e, i32.const(0), i32.mul(B.get(), d.N.get()), 1, () => {
      f.do(S.store(i32.add(c.gv.get(), xs(e.get())), S.load(i32.add(dhNew.get(), xs(e.get())))));
    });
    f.if(dy.get(), () =>
      f.for(r, i32.const(0), B.get(), 1, () => {
        f.set(rowN, i32.mul(r.get(), N8.get()));
        f.set(vin, add(c.vs.get(), i32.mul(d.K.get(), BN8.get()), rowN.get()));
        f.for(j, i32.const(0), d.M.get(), 1, () => {
          const jb = xs(j.get());
          f.set(g, S.load(add(dy.get(), xs(i32.mul(r.get(), d.M.get())), jb)));
          f.do(S.store(i32.add(d.gOw.get(), jb), S.add(ld(d.gOw, j), S.mul(g.get(), S.load(i32.add(vin.get(), jb))))));
          f.do(S.store(i32.add(d.gOb.get(), jb), S.add(ld(d.gOb, j), g.get())));
          f.do(S.store(add(c.gv.get(), rowN.get(), jb), S.add(S.load(add(c.gv.get(), rowN.get(), jb)), S.mul(g.get(), ld(d.ow, j)))));
        });
      }),
    );
    zero(c.gNumS, i32.mul(B.get(), d.N.get()));
    zero(c.gDenS, i32.mul(B.get(), d.N.get()));
    zero(c.gc, i32.mul(B.get(), d.N.get()));
    f.set(sigStride, i32.shl(d.nSynRecs.get(), i32.const(4)));

    // Unfolds in reverse, all batch rows together.
    f.set(u, i32.sub(d.K.get(), i32.const(1)));
    f.block((done) =>
      f.loop((next) => {
        f.brIf(done, i32.lt_s(u.get(), i32.const(0)));
        f.set(vin, i32.add(c.vs.get(), i32.mul(u.get(), BN8.get())));
        f.set(vout, i32.add(vin.get(), BN8.get()));
        f.set(dRow, i32.add(c.dens.get(), i32.mul(u.get(), BN8.get())));
        // Per neuron: n̄ = v̄/d, d̄ = −v̄ v'/d, then the leak, capacitance and sensory sums.
        f.for(r, i32.const(0), B.get(), 1, () => {
          f.set(rowN, i32.mul(r.get(), N8.get()));
          F.loop(f, j, i32.const(0), d.N.get(), (L) => {
            const jb = xs(j.get()),
              at = i32.add(rowN.get(), jb);
            f.set(gvv, L.load(i32.add(c.gv.get(), at)));
            f.set(dd, L.load(i32.add(dRow.get(), at)));
            f.set(nb, V.div(gvv.get(), dd.get()));
            f.set(db, V.div(V.mul(V.neg(gvv.get()), L.load(i32.add(vout.get(), at))), dd.get()));
            f.do(L.store(i32.add(c.gvn.get(), at), nb.get()));
            accAt(L, c.gc, at, V.add(V.mul(nb.get(), L.load(i32.add(vin.get(), at))), db.get()));
            accAt(L, d.gGL, jb, V.add(V.mul(nb.get(), L.load(i32.add(d.vleak.get(), jb))), db.get()));
            accAt(L, d.gVleak, jb, V.mul(nb.get(), L.load(i32.add(d.gL.get(), jb))));
            accAt(L, c.gNumS, at, nb.get());
            accAt(L, c.gDenS, at, db.get());
            f.do(L.store(i32.add(c.gv.get(), at), db.get()));
          });
        });
        zero(c.dvSyn, i32.mul(B.get(), d.N.get()));
        // Synapses: each record's parameters once, then every batch row; gradients in registers.
        f.set(sigRow, i32.add(c.sig.get(), i32.mul(i32.mul(u.get(), B.get()), sigStride.get())));
        f.for(j, i32.const(0), d.N.get(), 1, () => {
          f.set(gvnJ, i32.add(c.gvn.get(), xs(j.get())));
          f.set(gvJ, i32.add(c.gv.get(), xs(j.get())));
          walkRun(f, T, j, synRun, { rec, store, storeBase: sigRow, grad, end, len }, (kind) => {
            loadRecord();
            f.set(so, store.get());
            f.set(rb, i32.const(0));
            f.while(i32.lt_u(rb.get(), BN8.get()), () => {
              f.set(nb, T.loadSplat(i32.add(gvnJ.get(), rb.get())));
              f.set(db, T.loadSplat(i32.add(gvJ.get(), rb.get())));
              f.set(sg, v128.load(so.get()));
              recordRow(kind, i32.add(vin.get(), rb.get()), i32.add(c.dvSyn.get(), rb.get()));
              f.set(rb, i32.add(rb.get(), N8.get()));
              f.set(so, i32.add(so.get(), sigStride.get()));
            });
            storeRecord();
          });
        });
        // v̄ for the previous unfold: direct path c·n̄ plus the synaptic path (all rows).
        F.loop(f, e, i32.const(0), i32.mul(B.get(), d.N.get()), (L) => {
          const at = xs(e.get());
          f.do(
            L.store(
              i32.add(c.gv.get(), at),
              V.add(V.mul(L.load(i32.add(c.cmt.get(), at)), L.load(i32.add(c.gvn.get(), at))), L.load(i32.add(c.dvSyn.get(), at))),
            ),
          );
        });
        f.set(u, i32.sub(u.get(), i32.const(1)));
        f.br(next);
      }),
    );

    // Per row: the state gradient, the capacitance, the sensory synapses and the input mapping.
    f.for(r, i32.const(0), B.get(), 1, () => {
      f.set(rowN, i32.mul(r.get(), N8.get()));
      f.set(rowI, xs(i32.mul(r.get(), d.I.get())));
      f.set(xtRow, i32.add(c.xt.get(), rowI.get()));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(S.store(add(dh.get(), rowN.get(), xs(j.get())), S.load(add(c.gv.get(), rowN.get(), xs(j.get())))));
      });
      // c = f₊(C)·K/Δt
      f.set(kdt, S.div(S.convert_i32_s(d.K.get()), ld(dt, r)));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(
          S.store(
            i32.add(d.gCm.get(), xs(j.get())),
            S.add(ld(d.gCm, j), S.mul(S.load(add(c.gc.get(), rowN.get(), xs(j.get()))), kdt.get())),
          ),
        );
      });
      // Sensory synapses with n̄, d̄ summed over the unfolds; x̃ gradient scattered into gxt.
      zero(d.gxt, d.I.get());
      f.set(sigRow, i32.add(c.sensSig.get(), i32.shl(i32.mul(r.get(), d.nSensRecs.get()), i32.const(4))));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.set(nb, T.loadSplat(add(c.gNumS.get(), rowN.get(), xs(j.get()))));
        f.set(db, T.loadSplat(add(c.gDenS.get(), rowN.get(), xs(j.get()))));
        walkRun(f, T, j, sensRun, { rec, store, storeBase: sigRow, grad, end, len }, (kind) => {
          loadRecord();
          f.set(sg, v128.load(store.get()));
          recordRow(kind, xtRow.get(), d.gxt.get());
          storeRecord();
        });
      });
      // Input mapping: dx = x̄̃·w_in, w̄_in += x̄̃·x, b̄_in += x̄̃.
      f.for(j, i32.const(0), d.I.get(), 1, () => {
        const jb = xs(j.get());
        f.set(g, ld(d.gxt, j));
        f.do(S.store(add(dx.get(), rowI.get(), jb), S.mul(g.get(), ld(d.iw, j))));
        f.do(S.store(i32.add(d.gIw.get(), jb), S.add(ld(d.gIw, j), S.mul(g.get(), S.load(add(x.get(), rowI.get(), jb))))));
        f.do(S.store(i32.add(d.gIb.get(), jb), S.add(ld(d.gIb, j), g.get())));
      });
    });
  });
  return { forward, backward };
}
