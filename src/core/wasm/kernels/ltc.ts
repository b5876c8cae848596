/**
 * LTC step kernels: the K fused semi-implicit Euler unfolds of one time step (forward), and their
 * exact reverse (backward), for every batch row. The maths is `LtcCell`'s (cells/ltc.ts):
 *
 *   a_s = W_s σ(σ_s (v_src − μ_s)),  num_j = Σ_{s→j} a_s E_s,  den_j = Σ_{s→j} a_s
 *   v'_j = (c_j v_j + g_L,j v_leak,j + num_j + numS_j) / (c_j + g_L,j + den_j + denS_j + ε)
 *
 * Vectorisation: synapses are listed by destination (each destination's incoming synapses form a
 * contiguous run), and two synapses of the same destination share an f64x2: their parameters are
 * contiguous loads, the two presynaptic potentials a two-lane gather, and num_j/den_j two-lane
 * partial sums folded once per destination. A run of odd length ends with a half vector whose
 * upper lane loads zeros (σ = μ = W = E = 0, so it contributes exactly nothing and stays finite).
 * This costs in proportion to the synapse count (sparse wirings stay cheap) and uses both lanes
 * at batch 1, unlike vectorising across batch rows.
 *
 * The cell passes two i32 descriptor tables instead of ~50 pointers: {@link LTC_DESC} (sizes,
 * parameters, gradient accumulators, scratch; owned by the cell) and {@link LTC_CACHE} (the
 * per-step buffers of one cache). Source indices are stored pre-multiplied by 8 (byte offsets).
 */
import { f64, f64x2, i32, v128, type Expr, type Local } from "../expr.ts";
import type { FuncRef, FunctionBuilder, ModuleBuilder } from "../module.ts";
import { hsum, madd, pairs, splat, type KernelContext, type Lanes } from "./context.ts";
import { emitSigmoid } from "./vmath.ts";

/** Field numbers of the cell descriptor (i32 words). */
export const LTC_DESC = {
  N: 0, I: 1, M: 2, K: 3,
  synStart: 4, synSrc: 5, synSigma: 6, synMu: 7, synW: 8, synE: 9,
  sensStart: 10, sensSrc: 11, sensSigma: 12, sensMu: 13, sensW: 14, sensE: 15,
  gL: 16, vleak: 17, cm: 18, iw: 19, ib: 20, ow: 21, ob: 22,
  gSynSigma: 23, gSynMu: 24, gSynW: 25, gSynE: 26,
  gSensSigma: 27, gSensMu: 28, gSensW: 29, gSensE: 30,
  gGL: 31, gVleak: 32, gCm: 33, gIw: 34, gIb: 35, gOw: 36, gOb: 37,
  gv: 38, gvn: 39, dvSyn: 40, gNumS: 41, gDenS: 42, gc: 43, gxt: 44,
  nSyn: 45, nSens: 46,
} as const;
export const LTC_DESC_WORDS = 47;

/** Field numbers of the cache descriptor. */
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

/**
 * Two presynaptic values: lane q from `row` + srcBytes[s + q] (lane 1 zero for a half vector).
 */
function gather(L: Lanes, row: Local, srcPtr: Expr): Expr {
  const lane0 = v128.load64_zero(i32.add(row.get(), i32.load(srcPtr, 0)));
  return L.half ? lane0 : v128.load64_lane(i32.add(row.get(), i32.load(srcPtr, 4)), lane0, 1);
}

/** Add the lanes of `v` into the f64s at `row` + srcBytes[s + q] (lane 0 only for a half vector). */
function scatterAdd(f: FunctionBuilder, L: Lanes, row: Local, srcPtr: Local, v: Local): void {
  const one = (lane: 0 | 1) => {
    const addr = i32.add(row.get(), i32.load(srcPtr.get(), 4 * lane));
    // Each lane is its own read-modify-write, so equal sources would still both count.
    f.do(f64.store(addr, f64.add(f64.load(addr), f64x2.extract_lane(v.get(), lane))));
  };
  one(0);
  if (!L.half) one(1);
}

export function emitLtcKernels(mod: ModuleBuilder, ctx: KernelContext): Record<string, FuncRef> {
  // (desc, cacheDesc, x, h, dt, B, eps)
  const forward = mod.function("ltcForward", { params: ["i32", "i32", "i32", "i32", "i32", "i32", "f64"], results: [] }, (f) => {
    const [desc, cdesc, x, h, dt, B, eps] = f.params as [Local, Local, Local, Local, Local, Local, Local];
    const d = readDesc(f, desc, LTC_DESC), c = readDesc(f, cdesc, LTC_CACHE);
    const r = f.local("i32", "r"), u = f.local("i32", "u"), j = f.local("i32", "j"), s = f.local("i32", "s");
    const kk = f.local("i32", "k"), sEnd = f.local("i32", "sEnd");
    const rowN = f.local("i32", "rowN"), rowI = f.local("i32", "rowI"), xtRow = f.local("i32", "xtRow");
    const vin = f.local("i32", "vin"), vout = f.local("i32", "vout"), sigRow = f.local("i32", "sigRow");
    const BN8 = f.local("i32", "BN8");
    const t = f.local("f64", "t"), kdt = f.local("f64", "kdt"), cj = f.local("f64", "cj");
    const accN = f.local("v128", "accN"), accD = f.local("v128", "accD");
    const arg = f.local("v128", "arg"), sg = f.local("v128", "sg"), a = f.local("v128", "a");
    f.set(BN8, x8(i32.mul(B.get(), d.N.get())));

    /** Accumulate the synapses of destination j: run [start[j], start[j+1]) reading `row`. */
    const synapses = (start: Local, src: Local, sig: Local, mu: Local, w: Local, e: Local, row: Local, store: Local) => {
      f.set(accN, splat(0));
      f.set(accD, splat(0));
      f.set(sEnd, i32.load(add(start.get(), x4(j.get())), 4));
      pairs(f, s, i32.load(add(start.get(), x4(j.get()))), sEnd.get(), (L) => {
        const sb = x8(s.get());
        f.set(arg, f64x2.mul(L.load(i32.add(sig.get(), sb)), f64x2.sub(gather(L, row, add(src.get(), x4(s.get()))), L.load(i32.add(mu.get(), sb)))));
        emitSigmoid(f, ctx, arg, sg);
        f.do(L.store(i32.add(store.get(), sb), sg.get()));
        f.set(a, f64x2.mul(L.load(i32.add(w.get(), sb)), sg.get()));
        f.set(accN, madd(ctx, a.get(), L.load(i32.add(e.get(), sb)), accN.get()));
        f.set(accD, f64x2.add(accD.get(), a.get()));
      });
    };

    f.for(r, i32.const(0), B.get(), 1, () => {
      f.set(t, ld(dt, r));
      f.set(rowN, x8(i32.mul(r.get(), d.N.get())));
      f.set(rowI, x8(i32.mul(r.get(), d.I.get())));
      f.set(xtRow, i32.add(c.xt.get(), rowI.get()));
      // Input mapping x̃ = x·w_in + b_in (ones and zeros when a mapping is off).
      pairs(f, kk, i32.const(0), d.I.get(), (L) => {
        const kb = x8(kk.get());
        const v = f64x2.add(f64x2.mul(L.load(add(x.get(), rowI.get(), kb)), L.load(i32.add(d.iw.get(), kb))), L.load(i32.add(d.ib.get(), kb)));
        f.do(L.store(i32.add(xtRow.get(), kb), v));
      });
      // Sensory synapses: constant over the unfolds.
      f.set(sigRow, i32.add(c.sensSig.get(), x8(i32.mul(r.get(), d.nSens.get()))));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        synapses(d.sensStart, d.sensSrc, d.sensSigma, d.sensMu, d.sensW, d.sensE, xtRow, sigRow);
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
        f.set(sigRow, i32.add(c.sig.get(), x8(i32.mul(i32.add(i32.mul(u.get(), B.get()), r.get()), d.nSyn.get()))));
        f.for(j, i32.const(0), d.N.get(), 1, () => {
          synapses(d.synStart, d.synSrc, d.synSigma, d.synMu, d.synW, d.synE, vin, sigRow);
          const jb = x8(j.get());
          f.set(cj, f64.load(add(c.cmt.get(), rowN.get(), jb)));
          const num = f64.add(f64.add(f64.mul(cj.get(), f64.load(i32.add(vin.get(), jb))), f64.mul(ld(d.gL, j), ld(d.vleak, j))),
            f64.add(hsum(accN.get()), f64.load(add(c.numS.get(), rowN.get(), jb))));
          const den = f64.add(f64.add(f64.add(cj.get(), ld(d.gL, j)), f64.add(hsum(accD.get()), f64.load(add(c.denS.get(), rowN.get(), jb)))), eps.get());
          const dd = f.local("f64", "den");
          f.set(dd, den);
          f.do(f64.store(add(c.dens.get(), i32.sub(vin.get(), c.vs.get()), jb), dd.get()));
          f.do(f64.store(i32.add(vout.get(), jb), f64.div(num, dd.get())));
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
    const r = f.local("i32", "r"), u = f.local("i32", "u"), j = f.local("i32", "j"), s = f.local("i32", "s");
    const sEnd = f.local("i32", "sEnd"), srcPtr = f.local("i32", "srcPtr");
    const rowN = f.local("i32", "rowN"), rowI = f.local("i32", "rowI"), xtRow = f.local("i32", "xtRow");
    const vin = f.local("i32", "vin"), vout = f.local("i32", "vout"), sigRow = f.local("i32", "sigRow"), dRow = f.local("i32", "dRow");
    const BN8 = f.local("i32", "BN8");
    const g = f.local("f64", "g"), kdt = f.local("f64", "kdt");
    const nb = f.local("v128", "nb"), db = f.local("v128", "db"), gvv = f.local("v128", "gv"), dd = f.local("v128", "d");
    const sg = f.local("v128", "sg"), w = f.local("v128", "w"), sgm = f.local("v128", "sigma"), abar = f.local("v128", "abar");
    const ub = f.local("v128", "ub"), dv = f.local("v128", "dv");
    f.set(BN8, x8(i32.mul(B.get(), d.N.get())));

    /** v128 read-modify-write: arr[s..] = arr[s..] + delta. */
    const acc = (L: Lanes, arr: Local, sb: Expr, delta: Expr) => {
      f.do(L.store(i32.add(arr.get(), sb), f64x2.add(L.load(i32.add(arr.get(), sb)), delta)));
    };
    /** Zero n f64 at `arr`. */
    const zero = (arr: Local, n: Local) => pairs(f, j, i32.const(0), n.get(), (L) => f.do(L.store(i32.add(arr.get(), x8(j.get())), splat(0))));

    /**
     * Backward of one destination's synapse run given n̄_j, d̄_j (splatted in nb, db):
     * ā = n̄ E + d̄,  Ē += n̄ a,  W̄ += ā σ,  ū = ā W σ(1 − σ),  σ̄ += ū (v − μ),  μ̄ −= ū σ_s,
     * and v̄_src += ū σ_s (scatter).
     */
    const synapses = (start: Local, src: Local, sigma: Local, mu: Local, wArr: Local, e: Local,
      gSigma: Local, gMu: Local, gW: Local, gE: Local, row: Local, stored: Local, dvOut: Local) => {
      f.set(sEnd, i32.load(add(start.get(), x4(j.get())), 4));
      pairs(f, s, i32.load(add(start.get(), x4(j.get()))), sEnd.get(), (L) => {
        const sb = x8(s.get());
        f.set(srcPtr, add(src.get(), x4(s.get())));
        f.set(sg, L.load(i32.add(stored.get(), sb)));
        f.set(w, L.load(i32.add(wArr.get(), sb)));
        f.set(sgm, L.load(i32.add(sigma.get(), sb)));
        f.set(abar, madd(ctx, nb.get(), L.load(i32.add(e.get(), sb)), db.get()));
        acc(L, gE, sb, f64x2.mul(nb.get(), f64x2.mul(w.get(), sg.get())));
        acc(L, gW, sb, f64x2.mul(abar.get(), sg.get()));
        f.set(ub, f64x2.mul(f64x2.mul(f64x2.mul(abar.get(), w.get()), sg.get()), f64x2.sub(splat(1), sg.get())));
        acc(L, gSigma, sb, f64x2.mul(ub.get(), f64x2.sub(gather(L, row, srcPtr.get()), L.load(i32.add(mu.get(), sb)))));
        f.do(L.store(i32.add(gMu.get(), sb), f64x2.sub(L.load(i32.add(gMu.get(), sb)), f64x2.mul(ub.get(), sgm.get()))));
        f.set(dv, f64x2.mul(ub.get(), sgm.get()));
        scatterAdd(f, L, dvOut, srcPtr, dv);
      });
    };

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
          acc(L, d.gc, jb, f64x2.add(f64x2.mul(nb.get(), L.load(i32.add(vin.get(), jb))), db.get()));
          acc(L, d.gGL, jb, f64x2.add(f64x2.mul(nb.get(), L.load(i32.add(d.vleak.get(), jb))), db.get()));
          acc(L, d.gVleak, jb, f64x2.mul(nb.get(), L.load(i32.add(d.gL.get(), jb))));
          acc(L, d.gNumS, jb, nb.get());
          acc(L, d.gDenS, jb, db.get());
          f.do(L.store(i32.add(d.gv.get(), jb), db.get()));
        });
        zero(d.dvSyn, d.N);
        f.set(sigRow, i32.add(c.sig.get(), x8(i32.mul(i32.add(i32.mul(u.get(), B.get()), r.get()), d.nSyn.get()))));
        f.for(j, i32.const(0), d.N.get(), 1, () => {
          f.set(nb, v128.load64_splat(i32.add(d.gvn.get(), x8(j.get()))));
          f.set(db, v128.load64_splat(i32.add(d.gv.get(), x8(j.get()))));
          synapses(d.synStart, d.synSrc, d.synSigma, d.synMu, d.synW, d.synE, d.gSynSigma, d.gSynMu, d.gSynW, d.gSynE, vin, sigRow, d.dvSyn);
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
      f.set(sigRow, i32.add(c.sensSig.get(), x8(i32.mul(r.get(), d.nSens.get()))));
      f.for(j, i32.const(0), d.N.get(), 1, () => {
        f.set(nb, v128.load64_splat(i32.add(d.gNumS.get(), x8(j.get()))));
        f.set(db, v128.load64_splat(i32.add(d.gDenS.get(), x8(j.get()))));
        synapses(d.sensStart, d.sensSrc, d.sensSigma, d.sensMu, d.sensW, d.sensE, d.gSensSigma, d.gSensMu, d.gSensW, d.gSensE, xtRow, sigRow, d.gxt);
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
