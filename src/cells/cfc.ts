/**
 * Closed-form continuous-time (CfC) cell, ncps PyTorch flavour (Hasani et al., "Closed-form
 * continuous-time neural networks", Nature Machine Intelligence 2022; docs/cells.md §3).
 *
 * With z₀ = [x, h] (input first), the backbone z = φ(… φ(z₀ W₁ᵀ + b₁) …) (or z = z₀ when it has no
 * layers), and linear heads f1, f2, t_a, t_b: F → H:
 *
 *   default:  h' = tanh(f1)·(1 − σ(t_a·Δt + t_b)) + σ(t_a·Δt + t_b)·tanh(f2)
 *   no_gate:  h' = tanh(f1) + σ(t_a·Δt + t_b)·tanh(f2)
 *   pure:     h' = A − A·exp(−Δt·(|w_τ| + |f1|))·f1          (heads: f1 only; A, w_τ of shape [1, H])
 *
 * The output equals the new state. An optional fixed 0/1 mask on ff1/ff2 (shape [H, I + H]) makes
 * this the layer of a wired CfC (see `wired-cfc.ts`).
 */
import { type Floats, isF32 } from "../core/dtype.ts";
import { checkInt, checkNumber, checkOneOf, fail } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import { addr, heapFloat, heapFloatFrom, heapKernelsOf, kernelCalls } from "../core/wasm/alloc.ts";
import { ACTIVATIONS, activate, activateBackward, sigmoid, type Activation } from "./activations.ts";
import type { RecurrentCell, StepCache } from "./cell.ts";
import { Linear } from "./linear.ts";
import { Param } from "./param.ts";

export const CFC_MODES = ["default", "pure", "no_gate"] as const;
export type CfCMode = (typeof CFC_MODES)[number];

export interface CfCCellConfig {
  inputSize: number;
  hiddenSize: number;
  mode?: CfCMode;
  activation?: Activation;
  backboneUnits?: number;
  backboneLayers?: number;
  backboneDropout?: number;
  /**
   * Optional fixed mask for ff1/ff2, [H, I + H] with entries 0/1 (ncps `sparsity_mask`); time heads
   * and backbone stay dense, as in ncps.
   */
  sparsityMask?: Floats | null;
}

interface BackboneLayerCache {
  pre: Floats;
  act: Floats;
  /** Inverted-dropout multipliers (0 or 1/(1−p)), or null when dropout is off for this step. */
  drop: Floats | null;
  out: Floats;
}

export interface CfCCache extends StepCache {
  z0: Floats;
  layers: BackboneLayerCache[];
  heads: Floats;
  g1: Floats;
  g2: Floats;
  ti: Floats;
  e: Floats;
  // backward scratch
  dHeads: Floats;
  dz: Floats[];
  dz0: Floats;
}

export class CfCCell implements RecurrentCell<CfCCache> {
  readonly kind = "CfCCell";
  readonly inputSize: number;
  readonly stateSize: number;
  readonly outputSize: number;
  readonly mode: CfCMode;
  readonly activation: Activation;
  readonly backboneUnits: number;
  readonly backboneLayers: number;
  readonly backboneDropout: number;
  /** Width of the head input: backbone units, or I + H without a backbone. */
  readonly featureSize: number;
  readonly backbone: Linear[];
  /** ff1, ff2, time_a, time_b packed (pure mode: ff1 only). */
  readonly heads: Linear;
  /** Pure mode only: w_tau and A, each [1, H]. */
  readonly wTau: Param | null;
  readonly A: Param | null;
  readonly maskParam: Param | null;
  readonly params: Param[];
  /** Dropout randomness (only used when training with backboneDropout > 0 and ≥ 2 layers). */
  dropoutRng: Rng | null = null;

  constructor(cfg: CfCCellConfig) {
    const where = "CfCCell";
    this.inputSize = checkInt(where, "inputSize", cfg.inputSize, 1);
    const H = checkInt(where, "hiddenSize", cfg.hiddenSize, 1);
    this.stateSize = H;
    this.outputSize = H;
    this.mode = checkOneOf(where, "mode", cfg.mode ?? "default", CFC_MODES);
    this.activation = checkOneOf(where, "activation", cfg.activation ?? "lecun_tanh", ACTIVATIONS);
    this.backboneLayers = checkInt(where, "backboneLayers", cfg.backboneLayers ?? 1, 0);
    // Units are irrelevant without a backbone (ncps reports 0 then).
    this.backboneUnits = checkInt(where, "backboneUnits", cfg.backboneUnits ?? 128, this.backboneLayers > 0 ? 1 : 0);
    this.backboneDropout = checkNumber(where, "backboneDropout", cfg.backboneDropout ?? 0, 0, 0.999);
    const cat = this.inputSize + H;
    this.featureSize = this.backboneLayers > 0 ? this.backboneUnits : cat;
    this.backbone = [];
    for (let l = 0; l < this.backboneLayers; l++) {
      this.backbone.push(Linear.simple(l === 0 ? cat : this.backboneUnits, this.backboneUnits));
    }
    const F = this.featureSize;
    let headMask: Floats | null = null;
    this.maskParam = null;
    if (cfg.sparsityMask) {
      const m = cfg.sparsityMask;
      if (m.length !== H * cat) fail(where, `sparsityMask has ${m.length} entries, expected [${H}, ${cat}] = ${H * cat}`);
      if (this.backboneLayers > 0) fail(where, "a sparsity mask requires backboneLayers = 0 (wired CfC layers have no backbone)");
      for (let i = 0; i < m.length; i++) if (m[i] !== 0 && m[i] !== 1) fail(where, `sparsityMask[${i}] must be 0 or 1, got ${m[i]}`);
      const nHeads = this.mode === "pure" ? 1 : 4;
      headMask = new Float64Array(nHeads * H * F).fill(1);
      headMask.set(m, 0);
      if (nHeads === 4) headMask.set(m, H * F);
      this.maskParam = new Param("sparsity_mask", [H, cat], heapFloatFrom(m), undefined, false);
    }
    const headSpecs =
      this.mode === "pure"
        ? [{ name: "ff1", rows: H }]
        : [
            { name: "ff1", rows: H },
            { name: "ff2", rows: H },
            { name: "time_a", rows: H },
            { name: "time_b", rows: H },
          ];
    this.heads = new Linear(F, headSpecs, { mask: headMask });
    this.wTau = this.mode === "pure" ? new Param("w_tau", [1, H]) : null;
    this.A = this.mode === "pure" ? new Param("A", [1, H]) : null;
    // ncps named_parameters() order: [sparsity_mask], backbone.*, ff1, ff2, time_a, time_b | w_tau, A
    this.params = [
      ...(this.maskParam ? [this.maskParam] : []),
      ...this.backbone.flatMap((lin, l) => lin.params.map((p) => p.prefixed(`backbone.${this.backboneModuleIndex(l)}.`))),
      ...this.heads.params,
      ...(this.wTau && this.A ? [this.wTau, this.A] : []),
    ];
  }

  /** Index of backbone layer l's Linear in ncps's nn.Sequential (Linear, act[, Dropout], ...). */
  private backboneModuleIndex(l: number): number {
    const perLayer = this.backboneDropout > 0 ? 3 : 2;
    // Layer 0 is (Linear, act); later layers are (Linear, act[, Dropout]).
    return l === 0 ? 0 : 2 + (l - 1) * perLayer;
  }

  /**
   * ncps initialisation: PyTorch default init for every Linear, then Xavier-uniform for every 2-D
   * trainable parameter (backbone and head weights, and w_tau, A in pure mode).
   */
  init(rng: Rng): void {
    for (const lin of this.backbone) lin.initDefault(rng);
    this.heads.initDefault(rng);
    for (const lin of this.backbone) lin.initXavier(rng);
    this.heads.initXavier(rng);
    if (this.wTau && this.A) {
      const bound = Math.sqrt(6 / (1 + this.stateSize));
      rng.fillUniform(this.wTau.value, -bound, bound);
      rng.fillUniform(this.A.value, -bound, bound);
    }
  }

  /** Per-step buffers, on the WebAssembly heap so the kernels work in place. */
  createCache(batch: number): CfCCache {
    const H = this.stateSize,
      U = this.backboneUnits,
      cat = this.inputSize + H,
      F = this.featureSize;
    const nHead = this.heads.outFeatures;
    const layers = this.backbone.map((_, l) => {
      const pre = heapFloat(batch * U);
      const act = heapFloat(batch * U);
      const withDrop = l >= 1 && this.backboneDropout > 0;
      return { pre, act, drop: withDrop ? heapFloat(batch * U) : null, out: withDrop ? heapFloat(batch * U) : act };
    });
    const h = heapFloat(batch * H);
    return {
      batch,
      y: h,
      h,
      z0: heapFloat(batch * cat),
      layers,
      heads: heapFloat(batch * nHead),
      g1: heapFloat(batch * H),
      g2: heapFloat(this.mode === "pure" ? 0 : batch * H),
      ti: heapFloat(this.mode === "pure" ? 0 : batch * H),
      e: heapFloat(this.mode === "pure" ? batch * H : 0),
      dHeads: heapFloat(batch * nHead),
      dz: layers.map(() => heapFloat(batch * U)),
      dz0: heapFloat(batch * Math.max(cat, F)),
    };
  }

  forward(x: Floats, h: Floats, dt: Floats, c: CfCCache, training: boolean): void {
    const B = c.batch,
      I = this.inputSize,
      H = this.stateSize,
      cat = I + H;
    const z0 = c.z0;
    // z₀ = [x, h] row by row (plain loops: a subarray per row would allocate in the hot path).
    for (let r = 0; r < B; r++) {
      const o = r * cat,
        xo = r * I,
        ho = r * H;
      for (let i = 0; i < I; i++) z0[o + i] = x[xo + i]!;
      for (let j = 0; j < H; j++) z0[o + I + j] = h[ho + j]!;
    }
    let z = z0;
    for (let l = 0; l < this.backbone.length; l++) {
      const L = c.layers[l]!;
      this.backbone[l]!.forward(z, 0, L.pre, B);
      activate(this.activation, L.pre, L.act, L.pre.length);
      if (L.drop) {
        const p = this.backboneDropout;
        if (training) {
          const rng = this.dropoutRng;
          if (!rng) fail("CfCCell.forward", "backbone dropout in training needs a dropoutRng");
          const keep = 1 / (1 - p);
          for (let i = 0; i < L.drop.length; i++) L.drop[i] = rng.uniform() < p ? 0 : keep;
        } else L.drop.fill(1);
        for (let i = 0; i < L.out.length; i++) L.out[i] = L.act[i]! * L.drop[i]!;
      }
      z = L.out;
    }
    const P = c.heads;
    this.heads.forward(z, 0, P, B);
    const out = c.h;
    const nH = this.heads.outFeatures;
    if (this.mode === "pure") {
      const wt = this.wTau!.value,
        A = this.A!.value,
        e = c.e;
      cfcPureForward(P, dt, wt, A, e, out, B, H, nH);
      return;
    }
    const gate = this.mode === "default";
    const g1 = c.g1,
      g2 = c.g2,
      ti = c.ti;
    const k = dt.length >= B ? heapKernelsOf(P, dt, g1, g2, ti, out) : null;
    if (k) {
      // Fused epilogue: tanh, σ and the interpolation in one pass (kernels/cfc.ts).
      kernelCalls.cfc++;
      (isF32(P) ? k.cfcHeads32 : k.cfcHeads)(addr(P), addr(dt), addr(g1), addr(g2), addr(ti), addr(out), B, H, gate ? 1 : 0);
      return;
    }
    for (let r = 0; r < B; r++) {
      const t = dt[r]!;
      const o = r * nH;
      for (let j = 0; j < H; j++) {
        const a = Math.tanh(P[o + j]!);
        const b = Math.tanh(P[o + H + j]!);
        const s = sigmoid(P[o + 2 * H + j]! * t + P[o + 3 * H + j]!);
        const k = r * H + j;
        g1[k] = a;
        g2[k] = b;
        ti[k] = s;
        out[k] = gate ? a * (1 - s) + s * b : a + s * b;
      }
    }
  }

  backward(_x: Floats, _h: Floats, dt: Floats, c: CfCCache, dy: Floats | null, dhNew: Floats, dx: Floats, dh: Floats): void {
    const B = c.batch,
      I = this.inputSize,
      H = this.stateSize,
      cat = I + H;
    const nH = this.heads.outFeatures;
    const dP = c.dHeads;
    const P = c.heads;
    if (this.mode === "pure") {
      const wt = this.wTau!.value,
        A = this.A!.value,
        e = c.e;
      const gwt = this.wTau!.grad,
        gA = this.A!.grad;
      cfcPureBackward(P, dt, wt, A, e, dhNew, dy, dP, gA, gwt, B, H, nH);
    } else {
      const gate = this.mode === "default";
      const g1 = c.g1,
        g2 = c.g2,
        ti = c.ti;
      const k =
        dt.length >= B && dhNew.length >= B * H && (!dy || dy.length >= B * H) ? heapKernelsOf(g1, g2, ti, dhNew, dy, dt, dP) : null;
      if (k) {
        kernelCalls.cfc++;
        (isF32(g1) ? k.cfcHeadsBack32 : k.cfcHeadsBack)(
          addr(g1),
          addr(g2),
          addr(ti),
          addr(dhNew),
          dy ? addr(dy) : 0,
          addr(dt),
          addr(dP),
          B,
          H,
          gate ? 1 : 0,
        );
      } else
        for (let r = 0; r < B; r++) {
          const t = dt[r]!;
          const o = r * nH;
          for (let j = 0; j < H; j++) {
            const k = r * H + j;
            const g = dhNew[k]! + (dy ? dy[k]! : 0);
            const a = g1[k]!,
              b = g2[k]!,
              s = ti[k]!;
            const da = gate ? g * (1 - s) : g;
            const db = g * s;
            const ds = gate ? g * (b - a) : g * b;
            const dpre = ds * s * (1 - s);
            dP[o + j] = da * (1 - a * a);
            dP[o + H + j] = db * (1 - b * b);
            dP[o + 2 * H + j] = dpre * t;
            dP[o + 3 * H + j] = dpre;
          }
        }
    }
    // Back through the heads and the backbone to dz0 = d[x, h].
    const nb = this.backbone.length;
    const zIn = nb > 0 ? c.layers[nb - 1]!.out : c.z0;
    const dzTop = nb > 0 ? c.dz[nb - 1]! : c.dz0;
    this.heads.backward(zIn, 0, dP, B, dzTop);
    for (let l = nb - 1; l >= 0; l--) {
      const L = c.layers[l]!;
      const dOut = c.dz[l]!;
      if (L.drop) for (let i = 0; i < dOut.length; i++) dOut[i] *= L.drop[i]!;
      // dOut now holds d(act); turn it into d(pre) in place.
      activateBackward(this.activation, L.pre, L.act, dOut, dOut, dOut.length);
      const below = l > 0 ? c.layers[l - 1]!.out : c.z0;
      const dBelow = l > 0 ? c.dz[l - 1]! : c.dz0;
      this.backbone[l]!.backward(below, 0, dOut, B, dBelow);
    }
    const dz0 = c.dz0;
    for (let r = 0; r < B; r++) {
      for (let i = 0; i < I; i++) dx[r * I + i] = dz0[r * cat + i]!;
      for (let j = 0; j < H; j++) dh[r * H + j] = dz0[r * cat + I + j]!;
    }
  }
}

/**
 * CfC pure mode, forward: e = exp(−Δt·(|w_τ| + |f1|)) and h' = A − A·e·f1 for f1 = the first H
 * columns of the head rows P [B, nH]. Heap buffers of one format run the pure-mode kernel
 * (kernels/cfc.ts; float64 gives this loop's bits), anything else the loop.
 */
export function cfcPureForward(
  P: Floats,
  dt: Floats,
  wt: Floats,
  A: Floats,
  e: Floats,
  out: Floats,
  B: number,
  H: number,
  nH: number,
): void {
  const k = dt.length >= B ? heapKernelsOf(P, dt, wt, A, e, out) : null;
  if (k) {
    kernelCalls.cfc++;
    (isF32(P) ? k.cfcPure32 : k.cfcPure)(addr(P), addr(dt), addr(wt), addr(A), addr(e), addr(out), B, H, nH);
    return;
  }
  for (let r = 0; r < B; r++) {
    const t = dt[r]!;
    for (let j = 0; j < H; j++) {
      const f1 = P[r * nH + j]!;
      const ej = Math.exp(-t * (Math.abs(wt[j]!) + Math.abs(f1)));
      e[r * H + j] = ej;
      out[r * H + j] = A[j]! - A[j]! * ej * f1;
    }
  }
}

/**
 * Backward of {@link cfcPureForward} with ḡ = ∂h' + ∂y (dy null = none): writes ∂f1 into the first
 * H columns of dP [B, nH] and adds into ∂A (`gA`) and ∂w_τ (`gwt`), rows in order.
 */
export function cfcPureBackward(
  P: Floats,
  dt: Floats,
  wt: Floats,
  A: Floats,
  e: Floats,
  dhNew: Floats,
  dy: Floats | null,
  dP: Floats,
  gA: Floats,
  gwt: Floats,
  B: number,
  H: number,
  nH: number,
): void {
  const fits = dt.length >= B && dhNew.length >= B * H && (!dy || dy.length >= B * H);
  const k = fits ? heapKernelsOf(P, dt, wt, A, e, dhNew, dy) : null;
  if (k && heapKernelsOf(dP, gA, gwt)) {
    kernelCalls.cfc++;
    (isF32(P) ? k.cfcPureBack32 : k.cfcPureBack)(
      addr(P),
      addr(dt),
      addr(wt),
      addr(A),
      addr(e),
      addr(dhNew),
      dy ? addr(dy) : 0,
      addr(dP),
      addr(gA),
      addr(gwt),
      B,
      H,
      nH,
    );
    return;
  }
  for (let r = 0; r < B; r++) {
    const t = dt[r]!;
    for (let j = 0; j < H; j++) {
      const k = r * H + j;
      const g = dhNew[k]! + (dy ? dy[k]! : 0);
      const f1 = P[r * nH + j]!;
      const ej = e[k]!;
      dP[r * nH + j] = -g * A[j]! * ej * (1 - t * Math.abs(f1));
      gA[j] += g * (1 - ej * f1);
      gwt[j] += g * A[j]! * ej * f1 * t * Math.sign(wt[j]!);
    }
  }
}
