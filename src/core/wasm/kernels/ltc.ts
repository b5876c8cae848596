/**
 * LTC step kernels: the K fused semi-implicit Euler unfolds of one time step (forward), and their
 * exact reverse (backward), for every batch row. The maths is `LtcCell`'s (cells/ltc.ts):
 *
 *   a_s = W_s σ(σ_s (v_src − μ_s)),  num_j = Σ_{s→j} a_s E_s,  den_j = Σ_{s→j} a_s
 *   v'_j = (c_j v_j + g_L,j v_leak,j + num_j + numS_j) / (c_j + g_L,j + den_j + denS_j + ε)
 *
 * Vectorisation: synapses are grouped by destination, two synapses of the same destination per
 * f64x2, in *pair records* of {@link SYN_RECORD_BYTES} bytes: [σ₀ σ₁ | μ₀ μ₁ | W₀ W₁ | E₀ E₁ |
 * src₀ src₁ (i32 byte offsets) | pad]. One pointer walks the records with constant offsets, which
 * keeps the hot loop within the 15 usable xmm and ~12 general registers. The two presynaptic
 * potentials are a two-lane gather; num_j/den_j are two-lane partial sums folded once per
 * destination. A destination's records with consecutive sources (src₁ = src₀ + 1: all of them in
 * a dense wiring) come first, so they gather with one vector load and scatter with one vector
 * read-modify-write. A destination with an odd synapse count ends with a half record: its second
 * lane's parameters are zero and its potential is loaded as 0, so it contributes exactly nothing.
 * Gradients accumulate in records of {@link GRAD_RECORD_BYTES}: [σ̄ | μ̄ | W̄ | Ē], two lanes each.
 * Cost stays proportional to the synapse count, and both lanes are used at batch 1.
 *
 * The cell passes two i32 descriptor tables: {@link LTC_DESC} (sizes, parameter and gradient
 * records, scratch) and {@link LTC_CACHE} (the buffers of one step cache).
 */
import { f64, f64x2, i32, v128, type Expr, type Local } from "../expr.ts";
import type { FuncRef, FunctionBuilder, ModuleBuilder } from "../module.ts";
import { hsum, madd, nmadd, pairs, splat, type KernelContext, type Lanes } from "./context.ts";
import { emitSigmoid, emitSigmoidOfNegFast } from "./vmath.ts";

export const SYN_RECORD_BYTES = 80;
export const GRAD_RECORD_BYTES = 64;
/** Byte offsets inside a pair record. */
export const REC = { sigma: 0, mu: 16, w: 32, e: 48, src: 64 } as const;
/** Byte offsets inside a gradient record. */
export const GREC = { sigma: 0, mu: 16, w: 32, e: 48 } as const;

/** Field numbers of the cell descriptor (i32 words). */
export const LTC_DESC = {
  N: 0, I: 1, M: 2, K: 3,
  // per destination: first pair record and synapse count; the records; their gradients
  synPair: 4, synLen: 5, synRec: 6, synGrad: 7, nSynPairs: 8,
  sensPair: 9, sensLen: 10, sensRec: 11, sensGrad: 12, nSensPairs: 13,
  gL: 14, vleak: 15, cm: 16, iw: 17, ib: 18, ow: 19, ob: 20,
  gGL: 21, gVleak: 22, gCm: 23, gIw: 24, gIb: 25, gOw: 26, gOb: 27,
  gv: 28, gvn: 29, dvSyn: 30, gNumS: 31, gDenS: 32, gc: 33, gxt: 34,
  synAdj: 35, sensAdj: 36,
} as const;
export const LTC_DESC_WORDS = 37;

/**
 * Field numbers of the cache descriptor. `sensSig` is [B, 2·nSensPairs] and `sig` is
 * [K, B, 2·nSynPairs] in record order (two lanes per record).
 */
export const LTC_CACHE = { xt: 0, sensSig: 1, numS: 2, denS: 3, cmt: 4, vs: 5, dens: 6, sig: 7, y: 8, h: 9 } as const;
export const LTC_CACHE_WORDS = 10;

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
const x8 = (e: Expr): Expr => i32.shl(e, i32.const(3));
const x4 = (e: Expr): Expr => i32.shl(e, i32.const(2));

/** f64 at byte address base + 8·index. */
const ld = (base: Local, index: Local): Expr => f64.load(i32.add(base.get(), x8(index.get())));

/** How a record's two sources are laid out: consecutive, arbitrary, or only lane 0 (half). */
type Kind = "adjacent" | "general" | "half";

/** The two presynaptic values of the record at `rec`, read from `row` (lane 1 = 0 when half). */
function gather(kind: Kind, row: Local, rec: Local): Expr {
  const src0 = i32.add(row.get(), i32.load(rec.get(), REC.src));
  if (kind === "adjacent") return v128.load(src0);
  const lane0 = v128.load64_zero(src0);
  return kind === "half" ? lane0 : v128.load64_lane(i32.add(row.get(), i32.load(rec.get(), REC.src + 4)), lane0, 1);
}

/**
 * Walk the pair records of destination j: `body(kind)` once per record, with `rec`, `store`
 * (and `grad`, if given) advanced by their record sizes: the adjacent records, the general ones,
 * then a half record for an odd count.
 */
function walkRun(f: FunctionBuilder, j: Local, run: { pair: Local; len: Local; adj: Local; rec: Local; grad?: Local },
  v: { rec: Local; store: Local; storeBase: Local; grad: Local | null; end: Local; len: Local }, body: (kind: Kind) => void): void {
  const { rec, store, grad, end, len } = v;
  const pair = i32.load(add(run.pair.get(), x4(j.get())));
  f.set(len, i32.load(add(run.len.get(), x4(j.get()))));
  f.set(rec, i32.add(run.rec.get(), i32.mul(pair, i32.const(SYN_RECORD_BYTES))));
  f.set(store, i32.add(v.storeBase.get(), i32.shl(pair, i32.const(4))));
  if (grad && run.grad) f.set(grad, i32.add(run.grad.get(), i32.mul(pair, i32.const(GRAD_RECORD_BYTES))));
  const adjacent = i32.load(add(run.adj.get(), x4(j.get())));
  const records = (kind: Kind) => f.block((done) => f.loop((next) => {
    f.brIf(done, i32.ge_u(rec.get(), end.get()));
    body(kind);
    f.set(rec, i32.add(rec.get(), i32.const(SYN_RECORD_BYTES)));
    f.set(store, i32.add(store.get(), i32.const(16)));
    if (grad) f.set(grad, i32.add(grad.get(), i32.const(GRAD_RECORD_BYTES)));
    f.br(next);
  }));
  f.set(end, i32.add(rec.get(), i32.mul(adjacent, i32.const(SYN_RECORD_BYTES))));
  records("adjacent");
  // The rest: len − 2·adjacent synapses in whole records, and a half one if that is odd.
  f.set(len, i32.sub(len.get(), i32.shl(adjacent, i32.const(1))));
  f.set(end, i32.add(rec.get(), i32.mul(i32.shr_u(len.get(), i32.const(1)), i32.const(SYN_RECORD_BYTES))));
  records("general");
  f.if(i32.and(len.get(), i32.const(1)), () => body("half"));
}

export function emitLtcKernels(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  // (desc, cacheDesc, x, h, dt, B, eps)
  const forward = mod.function("ltcForward", { params: ["i32", "i32", "i32", "i32", "i32", "i32", "f64"], results: [] }, (f) => {
    const [desc, cdesc, x, h, dt, B, eps] = f.params as [Local, Local, Local, Local, Local, Local, Local];
    const d = readDesc(f, desc, LTC_DESC), c = readDesc(f, cdesc, LTC_CACHE);
    const r = f.local("i32", "r"), u = f.local("i32", "u"), j = f.local("i32", "j"), kk = f.local("i32", "k");
    const rec = f.local("i32", "rec"), store = f.local("i32", "store"), end = f.local("i32", "end"), len = f.local("i32", "len");
    const rowN = f.local("i32", "rowN"), rowI = f.local("i32", "rowI"), xtRow = f.local("i32", "xtRow");
    const vin = f.local("i32", "vin"), vout = f.local("i32", "vout"), sigRow = f.local("i32", "sigRow");
    const BN8 = f.local("i32", "BN8");
    const t = f.local("f64", "t"), kdt = f.local("f64", "kdt"), cj = f.local("f64", "cj"), den = f.local("f64", "den");
    const accN = f.local("v128", "accN"), accD = f.local("v128", "accD"), maxArg = f.local("v128", "maxAbsArg");
    const negArg = f.local("v128", "negArg"), arg = f.local("v128", "arg"), sg = f.local("v128", "sg"), a = f.local("v128", "a");
    f.set(BN8, x8(i32.mul(B.get(), d.N.get())));

    /**
     * num_j, den_j of destination j into accN/accD, storing σ per synapse. The run is computed
     * with the unchecked exp while tracking max |argument|; if that exceeds the fast range, the
     * run is redone with the checked σ (its inputs are untouched, so the redo is exact).
     */
    const synapses = (run: { pair: Local; len: Local; adj: Local; rec: Local }, row: Local, storeBase: Local) => {
      const once = (checked: boolean) => {
        f.set(accN, splat(0));
        f.set(accD, splat(0));
        walkRun(f, j, run, { rec, store, storeBase, grad: null, end, len }, (kind) => {
          // −σ_s(v − μ_s) = σ_s(μ_s − v): exactly the negated argument of σ.
          f.set(negArg, f64x2.mul(v128.load(rec.get(), REC.sigma), f64x2.sub(v128.load(rec.get(), REC.mu), gather(kind, row, rec))));
          if (checked) {
            f.set(arg, f64x2.neg(negArg.get()));
            emitSigmoid(f, ctx, arg, sg);
          } else {
            // pmax drops a NaN argument, which the fast path handles (NaN in, NaN out).
            f.set(maxArg, f64x2.pmax(maxArg.get(), f64x2.abs(negArg.get())));
            emitSigmoidOfNegFast(f, ctx, negArg.get(), sg);
          }
          f.do(v128.store(store.get(), sg.get()));
          f.set(a, f64x2.mul(v128.load(rec.get(), REC.w), sg.get()));
          f.set(accN, madd(ctx, a.get(), v128.load(rec.get(), REC.e), accN.get()));
          f.set(accD, f64x2.add(accD.get(), a.get()));
        });
      };
      f.set(maxArg, splat(0));
      once(false);
      f.if(v128.any_true(f64x2.gt(maxArg.get(), splat(708))), () => once(true));
    };
    const synRun = { pair: d.synPair, len: d.synLen, adj: d.synAdj, rec: d.synRec };
    const sensRun = { pair: d.sensPair, len: d.sensLen, adj: d.sensAdj, rec: d.sensRec };

    f.for(r, i32.const(0), B.get(), 1, () => {
      f.set(t, ld(dt, r));
      f.set(rowN, x8(i32.mul(r.get(), d.N.get())));
      f.set(rowI, x8(i32.mul(r.get(), d.I.get())));
      f.set(xtRow, i32.add(c.xt.get(), rowI.get()));
      // Input mapping x̃ = x·w_in + b_in (ones and zeros when a mapping is off).
      pairs(f, kk, i32.const(0), d.I.get(), (L: Lanes) => {
        const kb = x8(kk.get());
        const v = f64x2.add(f64x2.mul(L.load(add(x.get(), rowI.get(), kb)), L.load(i32.add(d.iw.get(), kb))), L.load(i32.add(d.ib.get(), kb)));
        f.do(L.store(i32.add(xtRow.get(), kb), v));
      });
      // Sensory synapses: constant over the unfolds.
      f.set(sigRow, i32.add(c.sensSig.get(), i32.shl(i32.mul(r.get(), d.nSensPairs.get()), i32.const(4))));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        synapses(sensRun, xtRow, sigRow);
        f.do(f64.store(add(c.numS.get(), rowN.get(), x8(j.get())), hsum(accN.get())));
        f.do(f64.store(add(c.denS.get(), rowN.get(), x8(j.get())), hsum(accD.get())));
      });
      // c = C·K/Δt, and v₀ = h.
      f.set(kdt, f64.div(f64.convert_i32_s(d.K.get()), t.get()));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(f64.store(add(c.cmt.get(), rowN.get(), x8(j.get())), f64.mul(ld(d.cm, j), kdt.get())));
        f.do(f64.store(add(c.vs.get(), rowN.get(), x8(j.get())), f64.load(add(h.get(), rowN.get(), x8(j.get())))));
      });
      f.for(u, i32.const(0), d.K.get(), 1, () => {
        f.set(vin, add(c.vs.get(), i32.mul(u.get(), BN8.get()), rowN.get()));
        f.set(vout, i32.add(vin.get(), BN8.get()));
        f.set(sigRow, i32.add(c.sig.get(), i32.shl(i32.mul(i32.add(i32.mul(u.get(), B.get()), r.get()), d.nSynPairs.get()), i32.const(4))));
        f.for(j, i32.const(0), d.N.get(), 1, () => {
          synapses(synRun, vin, sigRow);
          const jb = x8(j.get());
          f.set(cj, f64.load(add(c.cmt.get(), rowN.get(), jb)));
          const num = f64.add(f64.add(f64.mul(cj.get(), f64.load(i32.add(vin.get(), jb))), f64.mul(ld(d.gL, j), ld(d.vleak, j))),
            f64.add(hsum(accN.get()), f64.load(add(c.numS.get(), rowN.get(), jb))));
          f.set(den, f64.add(f64.add(f64.add(cj.get(), ld(d.gL, j)), f64.add(hsum(accD.get()), f64.load(add(c.denS.get(), rowN.get(), jb)))), eps.get()));
          f.do(f64.store(add(c.dens.get(), i32.sub(vin.get(), c.vs.get()), jb), den.get()));
          f.do(f64.store(i32.add(vout.get(), jb), f64.div(num, den.get())));
        });
      });
      // New state and output mapping y = v·w_out + b_out on the first M neurons.
      f.set(vin, add(c.vs.get(), i32.mul(d.K.get(), BN8.get()), rowN.get()));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(f64.store(add(c.h.get(), rowN.get(), x8(j.get())), f64.load(i32.add(vin.get(), x8(j.get())))));
      });
      f.for(j, i32.const(0), d.M.get(), 1, () => {
        const y = f64.add(f64.mul(f64.load(i32.add(vin.get(), x8(j.get()))), ld(d.ow, j)), ld(d.ob, j));
        f.do(f64.store(add(c.y.get(), x8(i32.mul(r.get(), d.M.get())), x8(j.get())), y));
      });
    });
  });

  // (desc, cacheDesc, x, dt, dy|0, dhNew, dx, dh, B)
  const backward = mod.function("ltcBackward", { params: Array(9).fill("i32"), results: [] }, (f) => {
    const [desc, cdesc, x, dt, dy, dhNew, dx, dh, B] = f.params as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local, Local];
    const d = readDesc(f, desc, LTC_DESC), c = readDesc(f, cdesc, LTC_CACHE);
    const r = f.local("i32", "r"), u = f.local("i32", "u"), j = f.local("i32", "j");
    const rec = f.local("i32", "rec"), store = f.local("i32", "store"), grad = f.local("i32", "grad"), end = f.local("i32", "end"), len = f.local("i32", "len");
    const rowN = f.local("i32", "rowN"), rowI = f.local("i32", "rowI"), xtRow = f.local("i32", "xtRow");
    const vin = f.local("i32", "vin"), vout = f.local("i32", "vout"), sigRow = f.local("i32", "sigRow"), dRow = f.local("i32", "dRow");
    const BN8 = f.local("i32", "BN8");
    const g = f.local("f64", "g"), kdt = f.local("f64", "kdt");
    const nb = f.local("v128", "nb"), db = f.local("v128", "db"), gvv = f.local("v128", "gv"), dd = f.local("v128", "d");
    const sg = f.local("v128", "sg"), w = f.local("v128", "w"), sgm = f.local("v128", "sigma"), abar = f.local("v128", "abar");
    const ub = f.local("v128", "ub"), dv = f.local("v128", "dv");
    f.set(BN8, x8(i32.mul(B.get(), d.N.get())));

    /** arr[jb] += delta on whole or half vectors. */
    const accAt = (L: Lanes, arr: Local, jb: Expr, delta: Expr) => {
      f.do(L.store(i32.add(arr.get(), jb), f64x2.add(L.load(i32.add(arr.get(), jb)), delta)));
    };
    /** grad record field = update(old value). */
    const accRec = (field: number, update: (old: Expr) => Expr) => {
      f.do(v128.store(grad.get(), update(v128.load(grad.get(), field)), field));
    };
    /** Zero n f64 at `arr`. */
    const zero = (arr: Local, n: Local) => pairs(f, j, i32.const(0), n.get(), (L) => f.do(L.store(i32.add(arr.get(), x8(j.get())), splat(0))));

    /**
     * Backward of destination j's synapses given n̄_j, d̄_j (splatted in nb, db):
     * ā = n̄ E + d̄,  Ē += n̄ a,  W̄ += ā σ,  ū = ā W σ(1 − σ),  σ̄ += ū (v − μ),  μ̄ −= ū σ_s,
     * and v̄_src += ū σ_s, scattered lane by lane.
     */
    const synapses = (run: { pair: Local; len: Local; adj: Local; rec: Local; grad: Local }, row: Local, storeBase: Local, dvOut: Local) => {
      walkRun(f, j, run, { rec, store, storeBase, grad, end, len }, (kind) => {
        f.set(sg, v128.load(store.get()));
        f.set(w, v128.load(rec.get(), REC.w));
        f.set(sgm, v128.load(rec.get(), REC.sigma));
        f.set(abar, madd(ctx, nb.get(), v128.load(rec.get(), REC.e), db.get()));
        accRec(GREC.e, (old) => madd(ctx, nb.get(), f64x2.mul(w.get(), sg.get()), old));
        accRec(GREC.w, (old) => madd(ctx, abar.get(), sg.get(), old));
        f.set(ub, f64x2.mul(f64x2.mul(f64x2.mul(abar.get(), w.get()), sg.get()), f64x2.sub(splat(1), sg.get())));
        accRec(GREC.sigma, (old) => madd(ctx, ub.get(), f64x2.sub(gather(kind, row, rec), v128.load(rec.get(), REC.mu)), old));
        accRec(GREC.mu, (old) => nmadd(ctx, ub.get(), sgm.get(), old));
        f.set(dv, f64x2.mul(ub.get(), sgm.get()));
        const at0 = i32.add(dvOut.get(), i32.load(rec.get(), REC.src));
        if (kind === "adjacent") {
          f.do(v128.store(at0, f64x2.add(v128.load(at0), dv.get())));
          return;
        }
        for (const lane of kind === "half" ? [0 as const] : [0 as const, 1 as const]) {
          // Lane by lane: the two synapses of a record have different sources, but even equal
          // ones would both be counted.
          const at = lane === 0 ? at0 : i32.add(dvOut.get(), i32.load(rec.get(), REC.src + 4));
          f.do(f64.store(at, f64.add(f64.load(at), f64x2.extract_lane(dv.get(), lane))));
        }
      });
    };
    const synRun = { pair: d.synPair, len: d.synLen, adj: d.synAdj, rec: d.synRec, grad: d.synGrad };
    const sensRun = { pair: d.sensPair, len: d.sensLen, adj: d.sensAdj, rec: d.sensRec, grad: d.sensGrad };

    f.for(r, i32.const(0), B.get(), 1, () => {
      f.set(rowN, x8(i32.mul(r.get(), d.N.get())));
      f.set(rowI, x8(i32.mul(r.get(), d.I.get())));
      f.set(xtRow, i32.add(c.xt.get(), rowI.get()));
      // v̄ = ∂L/∂h' (+ the output mapping's share of ∂L/∂y on the motor neurons).
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(f64.store(i32.add(d.gv.get(), x8(j.get())), f64.load(add(dhNew.get(), rowN.get(), x8(j.get())))));
      });
      f.if(dy.get(), () => {
        f.set(vin, add(c.vs.get(), i32.mul(d.K.get(), BN8.get()), rowN.get()));
        f.for(j, i32.const(0), d.M.get(), 1, () => {
          const jb = x8(j.get());
          f.set(g, f64.load(add(dy.get(), x8(i32.mul(r.get(), d.M.get())), jb)));
          f.do(f64.store(i32.add(d.gOw.get(), jb), f64.add(ld(d.gOw, j), f64.mul(g.get(), f64.load(i32.add(vin.get(), jb))))));
          f.do(f64.store(i32.add(d.gOb.get(), jb), f64.add(ld(d.gOb, j), g.get())));
          f.do(f64.store(i32.add(d.gv.get(), jb), f64.add(ld(d.gv, j), f64.mul(g.get(), ld(d.ow, j)))));
        });
      });
      zero(d.gNumS, d.N);
      zero(d.gDenS, d.N);
      zero(d.gc, d.N);
      // Unfolds in reverse.
      f.set(u, i32.sub(d.K.get(), i32.const(1)));
      f.block((done) => f.loop((next) => {
        f.brIf(done, i32.lt_s(u.get(), i32.const(0)));
        f.set(vin, add(c.vs.get(), i32.mul(u.get(), BN8.get()), rowN.get()));
        f.set(vout, i32.add(vin.get(), BN8.get()));
        f.set(dRow, i32.add(c.dens.get(), i32.sub(vin.get(), c.vs.get())));
        // Per neuron: n̄ = v̄/d, d̄ = −v̄ v'/d, then the leak, capacitance and sensory sums.
        pairs(f, j, i32.const(0), d.N.get(), (L) => {
          const jb = x8(j.get());
          f.set(gvv, L.load(i32.add(d.gv.get(), jb)));
          f.set(dd, L.load(i32.add(dRow.get(), jb)));
          f.set(nb, f64x2.div(gvv.get(), dd.get()));
          f.set(db, f64x2.div(f64x2.mul(f64x2.neg(gvv.get()), L.load(i32.add(vout.get(), jb))), dd.get()));
          f.do(L.store(i32.add(d.gvn.get(), jb), nb.get()));
          accAt(L, d.gc, jb, f64x2.add(f64x2.mul(nb.get(), L.load(i32.add(vin.get(), jb))), db.get()));
          accAt(L, d.gGL, jb, f64x2.add(f64x2.mul(nb.get(), L.load(i32.add(d.vleak.get(), jb))), db.get()));
          accAt(L, d.gVleak, jb, f64x2.mul(nb.get(), L.load(i32.add(d.gL.get(), jb))));
          accAt(L, d.gNumS, jb, nb.get());
          accAt(L, d.gDenS, jb, db.get());
          f.do(L.store(i32.add(d.gv.get(), jb), db.get()));
        });
        zero(d.dvSyn, d.N);
        f.set(sigRow, i32.add(c.sig.get(), i32.shl(i32.mul(i32.add(i32.mul(u.get(), B.get()), r.get()), d.nSynPairs.get()), i32.const(4))));
        f.for(j, i32.const(0), d.N.get(), 1, () => {
          f.set(nb, v128.load64_splat(i32.add(d.gvn.get(), x8(j.get()))));
          f.set(db, v128.load64_splat(i32.add(d.gv.get(), x8(j.get()))));
          synapses(synRun, vin, sigRow, d.dvSyn);
        });
        // v̄ for the previous unfold: direct path c·n̄ plus the synaptic path.
        pairs(f, j, i32.const(0), d.N.get(), (L) => {
          const jb = x8(j.get());
          f.do(L.store(i32.add(d.gv.get(), jb), f64x2.add(f64x2.mul(L.load(add(c.cmt.get(), rowN.get(), jb)), L.load(i32.add(d.gvn.get(), jb))), L.load(i32.add(d.dvSyn.get(), jb)))));
        });
        f.set(u, i32.sub(u.get(), i32.const(1)));
        f.br(next);
      }));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(f64.store(add(dh.get(), rowN.get(), x8(j.get())), ld(d.gv, j)));
      });
      // c = f₊(C)·K/Δt
      f.set(kdt, f64.div(f64.convert_i32_s(d.K.get()), ld(dt, r)));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(f64.store(i32.add(d.gCm.get(), x8(j.get())), f64.add(ld(d.gCm, j), f64.mul(ld(d.gc, j), kdt.get()))));
      });
      // Sensory synapses with n̄, d̄ summed over the unfolds; x̃ gradient scattered into gxt.
      zero(d.gxt, d.I);
      f.set(sigRow, i32.add(c.sensSig.get(), i32.shl(i32.mul(r.get(), d.nSensPairs.get()), i32.const(4))));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.set(nb, v128.load64_splat(i32.add(d.gNumS.get(), x8(j.get()))));
        f.set(db, v128.load64_splat(i32.add(d.gDenS.get(), x8(j.get()))));
        synapses(sensRun, xtRow, sigRow, d.gxt);
      });
      // Input mapping: dx = x̄̃·w_in, w̄_in += x̄̃·x, b̄_in += x̄̃.
      f.for(j, i32.const(0), d.I.get(), 1, () => {
        const jb = x8(j.get());
        f.set(g, ld(d.gxt, j));
        f.do(f64.store(add(dx.get(), rowI.get(), jb), f64.mul(g.get(), ld(d.iw, j))));
        f.do(f64.store(i32.add(d.gIw.get(), jb), f64.add(ld(d.gIw, j), f64.mul(g.get(), f64.load(add(x.get(), rowI.get(), jb))))));
        f.do(f64.store(i32.add(d.gIb.get(), jb), f64.add(ld(d.gIb, j), g.get())));
      });
    });
  });
  return { forward, backward };
}
