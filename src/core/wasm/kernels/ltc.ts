/**
 * LTC step kernels: the K fused semi-implicit Euler unfolds of one time step (forward), and their
 * exact reverse (backward), for every batch row. The maths is `LtcCell`'s (cells/ltc.ts):
 *
 *   a_s = W_s σ(σ_s (v_src − μ_s)),  num_j = Σ_{s→j} a_s E_s,  den_j = Σ_{s→j} a_s
 *   v'_j = (c_j v_j + g_L,j v_leak,j + num_j + numS_j) / (c_j + g_L,j + den_j + denS_j + ε)
 *
 * Vectorisation: synapses are grouped by destination, two synapses of the same destination per
 * f64x2, in *pair records* of {@link SYN_RECORD_BYTES} bytes: [σ₀ σ₁ | μ₀ μ₁ | W₀ W₁ | E₀ E₁ |
 * src₀ src₁ (i32 byte offsets) | pad | W₀E₀ W₁E₁] (W·E lets the forward accumulate num and den
 * with one FMA each). One pointer walks the records with constant offsets, which
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
import { kernelSignature } from "../signatures.ts";
import { hsum, madd, nmadd, pairs, splat, type KernelContext, type Lanes } from "./context.ts";
import { emitSigmoid, emitSigmoidOfNegFast } from "./vmath.ts";

export const SYN_RECORD_BYTES = 96;
export const GRAD_RECORD_BYTES = 64;
/** Byte offsets inside a pair record. */
export const REC = { sigma: 0, mu: 16, w: 32, e: 48, src: 64, wE: 80 } as const;
/** Byte offsets inside a gradient record. */
export const GREC = { sigma: 0, mu: 16, w: 32, e: 48 } as const;

/** Field numbers of the cell descriptor (i32 words). */
export const LTC_DESC = {
  N: 0,
  I: 1,
  M: 2,
  K: 3,
  // per destination: first pair record and synapse count; the records; their gradients
  synPair: 4,
  synLen: 5,
  synRec: 6,
  synGrad: 7,
  nSynPairs: 8,
  sensPair: 9,
  sensLen: 10,
  sensRec: 11,
  sensGrad: 12,
  nSensPairs: 13,
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
  synAdj: 29,
  sensAdj: 30,
} as const;
export const LTC_DESC_WORDS = 31;

/**
 * Field numbers of the cache descriptor. `sensSig` is [B, 2·nSensPairs] and `sig` is
 * [K, B, 2·nSynPairs] in record order (two lanes per record); the backward's scratch (v̄, n̄,
 * synaptic v̄, Σn̄, Σd̄, c̄) is [B, N] each.
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
const x8 = (e: Expr): Expr => i32.shl(e, i32.const(3));
const x4 = (e: Expr): Expr => i32.shl(e, i32.const(2));

/** f64 at byte address base + 8·index. */
const ld = (base: Local, index: Local): Expr => f64.load(i32.add(base.get(), x8(index.get())));

/** How a record's two sources are laid out: consecutive, arbitrary, or only lane 0 (half). */
type Kind = "adjacent" | "general" | "half";

/** Source byte offsets of a record: read from it, or from locals holding them. */
type Sources = Local | [Local, Local];
const srcOf = (src: Sources, lane: 0 | 1): Expr => (Array.isArray(src) ? src[lane].get() : i32.load(src.get(), REC.src + 4 * lane));

/** The two presynaptic values of a record, read from `row` (lane 1 = 0 when half). */
function gather(kind: Kind, row: Expr, src: Sources): Expr {
  const src0 = i32.add(row, srcOf(src, 0));
  if (kind === "adjacent") return v128.load(src0);
  const lane0 = v128.load64_zero(src0);
  return kind === "half" ? lane0 : v128.load64_lane(i32.add(row, srcOf(src, 1)), lane0, 1);
}

/**
 * Walk the pair records of destination j: `body(kind)` once per record, with `rec`, `store`
 * (and `grad`, if given) advanced by their record sizes: the adjacent records, the general ones,
 * then a half record for an odd count.
 */
function walkRun(
  f: FunctionBuilder,
  j: Local,
  run: { pair: Local; len: Local; adj: Local; rec: Local; grad?: Local },
  v: { rec: Local; store: Local; storeBase: Local; grad: Local | null; end: Local; len: Local },
  body: (kind: Kind) => void,
): void {
  const { rec, store, grad, end, len } = v;
  const pair = i32.load(add(run.pair.get(), x4(j.get())));
  f.set(len, i32.load(add(run.len.get(), x4(j.get()))));
  f.set(rec, i32.add(run.rec.get(), i32.mul(pair, i32.const(SYN_RECORD_BYTES))));
  f.set(store, i32.add(v.storeBase.get(), i32.shl(pair, i32.const(4))));
  if (grad && run.grad) f.set(grad, i32.add(run.grad.get(), i32.mul(pair, i32.const(GRAD_RECORD_BYTES))));
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
  // The rest: len − 2·adjacent synapses in whole records, and a half one if that is odd.
  f.set(len, i32.sub(len.get(), i32.shl(adjacent, i32.const(1))));
  f.set(end, i32.add(rec.get(), i32.mul(i32.shr_u(len.get(), i32.const(1)), i32.const(SYN_RECORD_BYTES))));
  records("general");
  f.if(i32.and(len.get(), i32.const(1)), () => body("half"));
}

export function emitLtcKernels(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  // (desc, cacheDesc, x, h, dt, B, eps)
  const forward = mod.function("ltcForward", kernelSignature("ltcForward"), (f) => {
    const [desc, cdesc, x, h, dt, B, eps] = f.params as [Local, Local, Local, Local, Local, Local, Local];
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
    const BN8 = f.local("i32", "BN8");
    const t = f.local("f64", "t"),
      kdt = f.local("f64", "kdt"),
      cj = f.local("f64", "cj"),
      den = f.local("f64", "den");
    const accN = f.local("v128", "accN"),
      accD = f.local("v128", "accD"),
      maxArg = f.local("v128", "maxAbsArg");
    const negArg = f.local("v128", "negArg"),
      arg = f.local("v128", "arg"),
      sg = f.local("v128", "sg");
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
          f.set(negArg, f64x2.mul(v128.load(rec.get(), REC.sigma), f64x2.sub(v128.load(rec.get(), REC.mu), gather(kind, row.get(), rec))));
          if (checked) {
            f.set(arg, f64x2.neg(negArg.get()));
            emitSigmoid(f, ctx, arg, sg);
          } else {
            // pmax drops a NaN argument, which the fast path handles (NaN in, NaN out).
            f.set(maxArg, f64x2.pmax(maxArg.get(), f64x2.abs(negArg.get())));
            emitSigmoidOfNegFast(f, ctx, negArg.get(), sg);
          }
          f.do(v128.store(store.get(), sg.get()));
          // num += σ·(W E), den += σ·W
          f.set(accN, madd(ctx, sg.get(), v128.load(rec.get(), REC.wE), accN.get()));
          f.set(accD, madd(ctx, sg.get(), v128.load(rec.get(), REC.w), accD.get()));
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
        const v = f64x2.add(
          f64x2.mul(L.load(add(x.get(), rowI.get(), kb)), L.load(i32.add(d.iw.get(), kb))),
          L.load(i32.add(d.ib.get(), kb)),
        );
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
          const num = f64.add(
            f64.add(f64.mul(cj.get(), f64.load(i32.add(vin.get(), jb))), f64.mul(ld(d.gL, j), ld(d.vleak, j))),
            f64.add(hsum(accN.get()), f64.load(add(c.numS.get(), rowN.get(), jb))),
          );
          f.set(
            den,
            f64.add(
              f64.add(f64.add(cj.get(), ld(d.gL, j)), f64.add(hsum(accD.get()), f64.load(add(c.denS.get(), rowN.get(), jb)))),
              eps.get(),
            ),
          );
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
  const backward = mod.function("ltcBackward", kernelSignature("ltcBackward"), (f) => {
    const [desc, cdesc, x, dt, dy, dhNew, dx, dh, B] = f.params as Local[] as [
      Local,
      Local,
      Local,
      Local,
      Local,
      Local,
      Local,
      Local,
      Local,
    ];
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
    const BN8 = f.local("i32", "BN8"),
      N8 = f.local("i32", "N8"),
      sigStride = f.local("i32", "sigStride");
    // Row walk inside a record: byte offset of row r in [B, N] arrays, and its σ in the store;
    // n̄, d̄ of the current destination j (row 0).
    const rb = f.local("i32", "rowBase"),
      so = f.local("i32", "sigAt");
    const gvnJ = f.local("i32", "gvnJ"),
      gvJ = f.local("i32", "gvJ");
    const g = f.local("f64", "g"),
      kdt = f.local("f64", "kdt");
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
    f.set(N8, x8(d.N.get()));
    f.set(BN8, i32.mul(B.get(), N8.get()));

    /** arr[at] += delta on whole or half vectors. */
    const accAt = (L: Lanes, arr: Local, at: Expr, delta: Expr) => {
      f.do(L.store(i32.add(arr.get(), at), f64x2.add(L.load(i32.add(arr.get(), at)), delta)));
    };
    /** Zero n f64 at `arr`. */
    const zero = (arr: Local, n: Expr) => pairs(f, e, i32.const(0), n, (L) => f.do(L.store(i32.add(arr.get(), x8(e.get())), splat(0))));
    const src = f.locals("i32", 2, "src") as [Local, Local];
    /** Scatter dv into `row` at the record's sources (lane by lane unless consecutive). */
    const scatter = (kind: Kind, row: Expr) => {
      const at0 = i32.add(row, src[0].get());
      if (kind === "adjacent") {
        const a = f.local("i32", "at");
        f.set(a, at0);
        f.do(v128.store(a.get(), f64x2.add(v128.load(a.get()), dv.get())));
        return;
      }
      for (const lane of kind === "half" ? [0 as const] : [0 as const, 1 as const]) {
        // Lane by lane: the two synapses of a record have different sources, but even equal
        // ones would both be counted.
        const a = f.local("i32", "at");
        f.set(a, lane === 0 ? at0 : i32.add(row, src[1].get()));
        f.do(f64.store(a.get(), f64.add(f64.load(a.get()), f64x2.extract_lane(dv.get(), lane))));
      }
    };
    /**
     * One synapse record for one batch row, given n̄, d̄ of its destination (splatted in nb, db),
     * σ(…) in sg and the record's σ, μ, W, E in registers:
     * ā = n̄ E + d̄,  Ē += n̄ W σ,  W̄ += ā σ,  ū = ā W σ(1 − σ),  σ̄ += ū (v − μ),  μ̄ −= ū σ_s,
     * and v̄_src += ū σ_s.
     */
    const recordRow = (kind: Kind, vRow: Expr, dvRow: Expr) => {
      f.set(abar, madd(ctx, nb.get(), ev.get(), db.get()));
      f.set(gE, madd(ctx, nb.get(), f64x2.mul(w.get(), sg.get()), gE.get()));
      f.set(gW, madd(ctx, abar.get(), sg.get(), gW.get()));
      f.set(ub, f64x2.mul(f64x2.mul(f64x2.mul(abar.get(), w.get()), sg.get()), f64x2.sub(splat(1), sg.get())));
      f.set(gS, madd(ctx, ub.get(), f64x2.sub(gather(kind, vRow, src), mu.get()), gS.get()));
      f.set(gM, nmadd(ctx, ub.get(), sgm.get(), gM.get()));
      f.set(dv, f64x2.mul(ub.get(), sgm.get()));
      scatter(kind, dvRow);
    };
    const addRec = (field: number, acc: Local) => f.do(v128.store(grad.get(), f64x2.add(v128.load(grad.get(), field), acc.get()), field));
    const loadRecord = () => {
      // Source offsets in locals: the row loop's scatter stores keep the engine from hoisting loads.
      f.set(src[0], i32.load(rec.get(), REC.src));
      f.set(src[1], i32.load(rec.get(), REC.src + 4));
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
    const synRun = { pair: d.synPair, len: d.synLen, adj: d.synAdj, rec: d.synRec, grad: d.synGrad };
    const sensRun = { pair: d.sensPair, len: d.sensLen, adj: d.sensAdj, rec: d.sensRec, grad: d.sensGrad };

    // v̄ = ∂L/∂h' (+ the output mapping's share of ∂L/∂y on the motor neurons), all rows.
    f.for(e, i32.const(0), i32.mul(B.get(), d.N.get()), 1, () => {
      f.do(f64.store(i32.add(c.gv.get(), x8(e.get())), f64.load(i32.add(dhNew.get(), x8(e.get())))));
    });
    f.if(dy.get(), () =>
      f.for(r, i32.const(0), B.get(), 1, () => {
        f.set(rowN, i32.mul(r.get(), N8.get()));
        f.set(vin, add(c.vs.get(), i32.mul(d.K.get(), BN8.get()), rowN.get()));
        f.for(j, i32.const(0), d.M.get(), 1, () => {
          const jb = x8(j.get());
          f.set(g, f64.load(add(dy.get(), x8(i32.mul(r.get(), d.M.get())), jb)));
          f.do(f64.store(i32.add(d.gOw.get(), jb), f64.add(ld(d.gOw, j), f64.mul(g.get(), f64.load(i32.add(vin.get(), jb))))));
          f.do(f64.store(i32.add(d.gOb.get(), jb), f64.add(ld(d.gOb, j), g.get())));
          f.do(
            f64.store(add(c.gv.get(), rowN.get(), jb), f64.add(f64.load(add(c.gv.get(), rowN.get(), jb)), f64.mul(g.get(), ld(d.ow, j)))),
          );
        });
      }),
    );
    zero(c.gNumS, i32.mul(B.get(), d.N.get()));
    zero(c.gDenS, i32.mul(B.get(), d.N.get()));
    zero(c.gc, i32.mul(B.get(), d.N.get()));
    f.set(sigStride, i32.shl(d.nSynPairs.get(), i32.const(4)));

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
          pairs(f, j, i32.const(0), d.N.get(), (L) => {
            const jb = x8(j.get()),
              at = i32.add(rowN.get(), jb);
            f.set(gvv, L.load(i32.add(c.gv.get(), at)));
            f.set(dd, L.load(i32.add(dRow.get(), at)));
            f.set(nb, f64x2.div(gvv.get(), dd.get()));
            f.set(db, f64x2.div(f64x2.mul(f64x2.neg(gvv.get()), L.load(i32.add(vout.get(), at))), dd.get()));
            f.do(L.store(i32.add(c.gvn.get(), at), nb.get()));
            accAt(L, c.gc, at, f64x2.add(f64x2.mul(nb.get(), L.load(i32.add(vin.get(), at))), db.get()));
            accAt(L, d.gGL, jb, f64x2.add(f64x2.mul(nb.get(), L.load(i32.add(d.vleak.get(), jb))), db.get()));
            accAt(L, d.gVleak, jb, f64x2.mul(nb.get(), L.load(i32.add(d.gL.get(), jb))));
            accAt(L, c.gNumS, at, nb.get());
            accAt(L, c.gDenS, at, db.get());
            f.do(L.store(i32.add(c.gv.get(), at), db.get()));
          });
        });
        zero(c.dvSyn, i32.mul(B.get(), d.N.get()));
        // Synapses: each record's parameters once, then every batch row; gradients in registers.
        f.set(sigRow, i32.add(c.sig.get(), i32.mul(i32.mul(u.get(), B.get()), sigStride.get())));
        f.for(j, i32.const(0), d.N.get(), 1, () => {
          f.set(gvnJ, i32.add(c.gvn.get(), x8(j.get())));
          f.set(gvJ, i32.add(c.gv.get(), x8(j.get())));
          walkRun(f, j, synRun, { rec, store, storeBase: sigRow, grad, end, len }, (kind) => {
            loadRecord();
            f.set(so, store.get());
            f.set(rb, i32.const(0));
            f.while(i32.lt_u(rb.get(), BN8.get()), () => {
              f.set(nb, v128.load64_splat(i32.add(gvnJ.get(), rb.get())));
              f.set(db, v128.load64_splat(i32.add(gvJ.get(), rb.get())));
              f.set(sg, v128.load(so.get()));
              recordRow(kind, i32.add(vin.get(), rb.get()), i32.add(c.dvSyn.get(), rb.get()));
              f.set(rb, i32.add(rb.get(), N8.get()));
              f.set(so, i32.add(so.get(), sigStride.get()));
            });
            storeRecord();
          });
        });
        // v̄ for the previous unfold: direct path c·n̄ plus the synaptic path (all rows).
        pairs(f, e, i32.const(0), i32.mul(B.get(), d.N.get()), (L) => {
          const at = x8(e.get());
          f.do(
            L.store(
              i32.add(c.gv.get(), at),
              f64x2.add(f64x2.mul(L.load(i32.add(c.cmt.get(), at)), L.load(i32.add(c.gvn.get(), at))), L.load(i32.add(c.dvSyn.get(), at))),
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
      f.set(rowI, x8(i32.mul(r.get(), d.I.get())));
      f.set(xtRow, i32.add(c.xt.get(), rowI.get()));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(f64.store(add(dh.get(), rowN.get(), x8(j.get())), f64.load(add(c.gv.get(), rowN.get(), x8(j.get())))));
      });
      // c = f₊(C)·K/Δt
      f.set(kdt, f64.div(f64.convert_i32_s(d.K.get()), ld(dt, r)));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.do(
          f64.store(
            i32.add(d.gCm.get(), x8(j.get())),
            f64.add(ld(d.gCm, j), f64.mul(f64.load(add(c.gc.get(), rowN.get(), x8(j.get()))), kdt.get())),
          ),
        );
      });
      // Sensory synapses with n̄, d̄ summed over the unfolds; x̃ gradient scattered into gxt.
      zero(d.gxt, d.I.get());
      f.set(sigRow, i32.add(c.sensSig.get(), i32.shl(i32.mul(r.get(), d.nSensPairs.get()), i32.const(4))));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.set(nb, v128.load64_splat(add(c.gNumS.get(), rowN.get(), x8(j.get()))));
        f.set(db, v128.load64_splat(add(c.gDenS.get(), rowN.get(), x8(j.get()))));
        walkRun(f, j, sensRun, { rec, store, storeBase: sigRow, grad, end, len }, (kind) => {
          loadRecord();
          f.set(sg, v128.load(store.get()));
          recordRow(kind, xtRow.get(), d.gxt.get());
          storeRecord();
        });
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
