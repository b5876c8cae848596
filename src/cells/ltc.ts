/**
 * Liquid time-constant (LTC) cell, ncps PyTorch flavour (Hasani et al., "Liquid time-constant
 * networks", AAAI 2021; docs/cells.md §2), with the fused semi-implicit ODE solver.
 *
 * Membrane ODE of neuron j (presynaptic i, input feature k):
 *   C_j v̇_j = g_L,j (v_leak,j − v_j) + Σ_i a_ij (E_ij − v_j) + Σ_k s_kj (E^s_kj − v_j),
 *   a_ij = W_ij σ(σ_ij (v_i − μ_ij)),   s_kj = W^s_kj σ(σ^s_kj (x̃_k − μ^s_kj)).
 * One step of Δt is K = `odeUnfolds` IMEX Euler sub-steps (conductances explicit, (E − v) implicit):
 *   v ← (c v + g_L v_leak + Σ_i a_ij E_ij + Σ_k s_kj E^s_kj) / (c + g_L + Σ_i a_ij + Σ_k s_kj + ε),
 *   c = C·K/Δt.
 * Positivity f₊ on g_L, C, W, W^s: softplus ("implicit", the LTC wrapper's default) or identity with
 * clipping after each optimiser step ("explicit", {@link LtcCell.applyConstraints}).
 *
 * Synapses are stored as compact lists (from the wiring's masks, see {@link SynapseTable}), so a
 * sparse NCP wiring costs in proportion to its synapse count, not N². Masked entries never
 * contribute and get zero gradient. A step runs in the WebAssembly kernels
 * (`core/wasm/kernels/ltc.ts`) when the cell, the cache and the step's arrays are on the heap:
 * `ltcForward`/`ltcBackward` (f64x2, pair records) for a float64 cell, `ltcForward32`/
 * `ltcBackward32` (f32x4, quad records) for a float32 one, chosen by the buffers' element type.
 * The JavaScript path below is the fallback and the kernels' test oracle.
 */
import { type Floats, isF32 } from "../core/dtype.ts";
import { checkInt, checkNumber, checkOneOf, fail } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import {
  addr,
  currentDtype,
  heapFloat,
  heapFloatFrom,
  heapI32,
  heapKernels,
  heapKernels32,
  isHeapView,
  kernelCalls,
} from "../core/wasm/alloc.ts";
import { LTC_CACHE, LTC_CACHE_WORDS, LTC_DESC, LTC_DESC_WORDS } from "../core/wasm/kernels/ltc.ts";
import type { Kernels } from "../core/wasm/signatures.ts";
import { sigmoid, softplus } from "./activations.ts";
import type { RecurrentCell, StepCache } from "./cell.ts";
import { SynapseTable } from "./ltc-synapses.ts";
import { Param } from "./param.ts";

export const LTC_MAPPINGS = ["affine", "linear", "none"] as const;
export type LtcMapping = (typeof LTC_MAPPINGS)[number];

export interface LtcCellConfig {
  /** Synapse polarities [N, N] (src-major), entries −1/0/+1: the wiring's adjacency matrix. */
  adjacency: Int8Array | readonly number[];
  /** Sensory synapse polarities [I, N]. */
  sensoryAdjacency: Int8Array | readonly number[];
  units: number;
  inputSize: number;
  /** Number of motor neurons M (the first M state entries are the outputs). */
  motorSize: number;
  inputMapping?: LtcMapping;
  outputMapping?: LtcMapping;
  odeUnfolds?: number;
  epsilon?: number;
  /** Softplus positivity (true) or identity + clipping (false). */
  implicitParamConstraints?: boolean;
}

export interface LtcCache extends StepCache {
  xt: Floats; // mapped input [B, I]
  sensSig: Floats; // σ of sensory synapses [B, lanes·sensoryRecords] (SynapseTable.lane order)
  numS: Floats; // [B, N]
  denS: Floats; // [B, N]
  cmt: Floats; // c = C·K/Δt, [B, N]
  vs: Floats; // v before each unfold and after the last: [(K + 1), B, N]
  dens: Floats; // full denominator per unfold [K, B, N]
  sig: Floats; // σ of each synapse per unfold [K, B, lanes·records] (SynapseTable.lane order)
  num: Floats; // scratch [N]
  den: Floats; // scratch [N]
  // backward scratch
  gv: Floats; // [B, N]
  gvNext: Floats; // [B, N]
  gNumS: Floats; // [B, N]
  gDenS: Floats; // [B, N]
  gc: Floats; // [B, N]
  dvSyn: Floats; // synaptic part of v̄, [B, N] (kernel backward)
  /** Addresses of the buffers above for the step kernels (null when they are off the heap). */
  desc: Int32Array | null;
}

export class LtcCell implements RecurrentCell<LtcCache> {
  readonly kind = "LTCCell";
  readonly inputSize: number;
  readonly stateSize: number;
  readonly outputSize: number;
  readonly motorSize: number;
  readonly inputMapping: LtcMapping;
  readonly outputMapping: LtcMapping;
  readonly odeUnfolds: number;
  readonly epsilon: number;
  readonly implicitParamConstraints: boolean;
  readonly requiresPositiveDt = true;

  readonly gleak: Param;
  readonly vleak: Param;
  readonly cm: Param;
  readonly sigma: Param;
  readonly mu: Param;
  readonly w: Param;
  readonly erev: Param;
  readonly sensorySigma: Param;
  readonly sensoryMu: Param;
  readonly sensoryW: Param;
  readonly sensoryErev: Param;
  readonly sparsityMask: Param;
  readonly sensorySparsityMask: Param;
  readonly inputW: Param | null;
  readonly inputB: Param | null;
  readonly outputW: Param | null;
  readonly outputB: Param | null;
  readonly params: Param[];

  /** Neuron→neuron synapses (sources over N) and input→neuron synapses (sources over I). */
  readonly synapses: SynapseTable;
  readonly sensory: SynapseTable;

  // f₊(g_L), f₊(C) and f₊′, recomputed only where the raw values changed since the last gather.
  private readonly gL: Floats;
  private readonly cmP: Floats;
  private readonly dGL: Floats;
  private readonly dCm: Floats;
  private readonly rawGL: Floats;
  private readonly rawCm: Floats;
  // Per-neuron and mapping gradient accumulators of the kernels.
  private readonly gGL: Floats;
  private readonly gVleak: Floats;
  private readonly gCm: Floats;
  private readonly gMap: [Floats, Floats, Floats, Floats]; // gIw, gIb, gOw, gOb
  /** Kernel descriptor (see LTC_DESC), or null when the buffers are off the heap. */
  private readonly desc: Int32Array | null;
  /** The heap buffers the descriptor points to (held so that they stay allocated). */
  readonly kernelBuffers: readonly (Floats | Int32Array)[];
  /**
   * float32 mode: parameters, gradients, the synapse records (quads: four synapses per f32x4),
   * the per-neuron buffers and the step caches are all float32, and a step runs the f32x4 kernels
   * `ltcForward32`/`ltcBackward32` in place: no float64 copies. The kernel is picked by the
   * buffers' element type; a float64 step array given to a float32 cell (or the reverse) takes the
   * JavaScript path.
   */
  private readonly f32: boolean;

  constructor(cfg: LtcCellConfig) {
    const where = "LtcCell";
    const N = checkInt(where, "units", cfg.units, 1);
    const I = checkInt(where, "inputSize", cfg.inputSize, 1);
    this.stateSize = N;
    this.inputSize = I;
    this.motorSize = checkInt(where, "motorSize", cfg.motorSize, 1, N);
    this.outputSize = this.motorSize;
    this.inputMapping = checkOneOf(where, "inputMapping", cfg.inputMapping ?? "affine", LTC_MAPPINGS);
    this.outputMapping = checkOneOf(where, "outputMapping", cfg.outputMapping ?? "affine", LTC_MAPPINGS);
    this.odeUnfolds = checkInt(where, "odeUnfolds", cfg.odeUnfolds ?? 6, 1);
    this.epsilon = checkNumber(where, "epsilon", cfg.epsilon ?? 1e-8, 0);
    this.implicitParamConstraints = cfg.implicitParamConstraints ?? true;
    const adj = cfg.adjacency,
      sadj = cfg.sensoryAdjacency;
    if (adj.length !== N * N) fail(where, `adjacency has ${adj.length} entries, expected ${N}x${N}`);
    if (sadj.length !== I * N) fail(where, `sensoryAdjacency has ${sadj.length} entries, expected ${I}x${N}`);
    for (let i = 0; i < adj.length; i++)
      if (![-1, 0, 1].includes(adj[i]!)) fail(where, `adjacency[${i}] must be -1, 0 or 1, got ${adj[i]}`);
    for (let i = 0; i < sadj.length; i++)
      if (![-1, 0, 1].includes(sadj[i]!)) fail(where, `sensoryAdjacency[${i}] must be -1, 0 or 1, got ${sadj[i]}`);

    this.gleak = new Param("gleak", [N]);
    this.vleak = new Param("vleak", [N]);
    this.cm = new Param("cm", [N]);
    this.sigma = new Param("sigma", [N, N]);
    this.mu = new Param("mu", [N, N]);
    this.w = new Param("w", [N, N]);
    this.erev = new Param("erev", [N, N], heapFloatFrom(adj));
    this.sensorySigma = new Param("sensory_sigma", [I, N]);
    this.sensoryMu = new Param("sensory_mu", [I, N]);
    this.sensoryW = new Param("sensory_w", [I, N]);
    this.sensoryErev = new Param("sensory_erev", [I, N], heapFloatFrom(sadj));
    this.sparsityMask = new Param("sparsity_mask", [N, N], heapFloatFrom(Array.from(adj, Math.abs)), undefined, false);
    this.sensorySparsityMask = new Param("sensory_sparsity_mask", [I, N], heapFloatFrom(Array.from(sadj, Math.abs)), undefined, false);
    const im = this.inputMapping,
      om = this.outputMapping;
    this.inputW = im === "none" ? null : new Param("input_w", [I], heapFloatFrom(new Float64Array(I).fill(1)));
    this.inputB = im === "affine" ? new Param("input_b", [I]) : null;
    this.outputW = om === "none" ? null : new Param("output_w", [this.motorSize], heapFloatFrom(new Float64Array(this.motorSize).fill(1)));
    this.outputB = om === "affine" ? new Param("output_b", [this.motorSize]) : null;
    this.params = [
      this.gleak,
      this.vleak,
      this.cm,
      this.sigma,
      this.mu,
      this.w,
      this.erev,
      this.sensorySigma,
      this.sensoryMu,
      this.sensoryW,
      this.sensoryErev,
      this.sparsityMask,
      this.sensorySparsityMask,
      ...[this.inputW, this.inputB, this.outputW, this.outputB].filter((p): p is Param => p !== null),
    ];

    // Records and kernel-side buffers in the cell's number format (see the class note on float32).
    this.synapses = new SynapseTable(adj, N, N);
    this.sensory = new SynapseTable(sadj, I, N);
    this.gL = heapFloat(N);
    this.cmP = heapFloat(N);
    this.dGL = new Float64Array(N);
    this.dCm = new Float64Array(N);
    this.rawGL = new Float64Array(N).fill(NaN);
    this.rawCm = new Float64Array(N).fill(NaN);
    this.gGL = heapFloat(N);
    this.gVleak = heapFloat(N);
    this.gCm = heapFloat(N);
    this.gMap = [heapFloat(I), heapFloat(I), heapFloat(this.motorSize), heapFloat(this.motorSize)];
    this.f32 = currentDtype() === "float32";
    [this.desc, this.kernelBuffers] = this.buildDescriptor();
  }

  /**
   * The kernel descriptor: sizes and the addresses of every cell-level buffer, or null when any of
   * them is off the heap (then the JavaScript path runs). Mappings that are off read constant
   * ones/zeros so the kernels have no special cases.
   */
  private buildDescriptor(): [Int32Array | null, (Floats | Int32Array)[]] {
    const N = this.stateSize,
      I = this.inputSize,
      M = this.motorSize;
    const ones = (n: number) => heapFloat(n).fill(1);
    const syn = this.synapses,
      sens = this.sensory;
    const fields: Record<keyof typeof LTC_DESC, Floats | Int32Array | number> = {
      N,
      I,
      M,
      K: this.odeUnfolds,
      synFirst: syn.recordStart,
      synLen: syn.runLength,
      synAdj: syn.adjacentRecords,
      synRec: syn.rec,
      synGrad: syn.grad,
      nSynRecs: syn.records,
      sensFirst: sens.recordStart,
      sensLen: sens.runLength,
      sensAdj: sens.adjacentRecords,
      sensRec: sens.rec,
      sensGrad: sens.grad,
      nSensRecs: sens.records,
      gL: this.gL,
      vleak: this.vleak.value,
      cm: this.cmP,
      iw: this.inputW ? this.inputW.value : ones(I),
      ib: this.inputB ? this.inputB.value : heapFloat(I),
      ow: this.outputW ? this.outputW.value : ones(M),
      ob: this.outputB ? this.outputB.value : heapFloat(M),
      gGL: this.gGL,
      gVleak: this.gVleak,
      gCm: this.gCm,
      gIw: this.gMap[0],
      gIb: this.gMap[1],
      gOw: this.gMap[2],
      gOb: this.gMap[3],
      gxt: heapFloat(I),
    };
    // The descriptor holds bare addresses: the cell keeps the arrays themselves reachable.
    const keep = Object.values(fields).filter((v): v is Floats | Int32Array => typeof v !== "number");
    const desc = heapI32(LTC_DESC_WORDS);
    // Every float buffer on the heap and in the cell's format (the kernels read them in place).
    const sameFormat = keep.every((v) => v instanceof Int32Array || isF32(v) === this.f32);
    if (!isHeapView(desc) || !keep.every(isHeapView) || !sameFormat) return [null, keep];
    for (const [name, v] of Object.entries(fields)) desc[LTC_DESC[name as keyof typeof LTC_DESC]] = typeof v === "number" ? v : addr(v);
    return [desc, keep];
  }

  /** Number of neuron-to-neuron synapses. */
  get synapseCount(): number {
    return this.synapses.count;
  }
  /** Number of input-to-neuron synapses. */
  get sensorySynapseCount(): number {
    return this.sensory.count;
  }

  /** ncps init ranges (raw values): gleak, w, sensory_w U(0.001, 1); vleak U(−0.2, 0.2); cm U(0.4, 0.6); sigma U(3, 8); mu U(0.3, 0.8). */
  init(rng: Rng): void {
    rng.fillUniform(this.gleak.value, 0.001, 1);
    rng.fillUniform(this.vleak.value, -0.2, 0.2);
    rng.fillUniform(this.cm.value, 0.4, 0.6);
    rng.fillUniform(this.sigma.value, 3, 8);
    rng.fillUniform(this.mu.value, 0.3, 0.8);
    rng.fillUniform(this.w.value, 0.001, 1);
    rng.fillUniform(this.sensorySigma.value, 3, 8);
    rng.fillUniform(this.sensoryMu.value, 0.3, 0.8);
    rng.fillUniform(this.sensoryW.value, 0.001, 1);
  }

  /** Explicit mode: clip gleak, cm, w, sensory_w at 0 (call after every optimiser step). */
  applyConstraints(): void {
    if (this.implicitParamConstraints) return;
    for (const p of [this.gleak, this.cm, this.w, this.sensoryW]) {
      const v = p.value;
      for (let i = 0; i < v.length; i++) if (v[i]! < 0) v[i] = 0;
    }
  }

  /**
   * Gather f₊(W), σ, μ, E per synapse into the records, and f₊(g_L), f₊(C) (with f₊′ for
   * the backward). f₊ is re-evaluated only where a raw value differs from the last gather.
   */
  private gather(): void {
    const imp = this.implicitParamConstraints;
    this.synapses.gather(this.w.value, this.sigma.value, this.mu.value, this.erev.value, imp);
    this.sensory.gather(this.sensoryW.value, this.sensorySigma.value, this.sensoryMu.value, this.sensoryErev.value, imp);
    const gl = this.gleak.value,
      cm = this.cm.value;
    for (let j = 0; j < this.stateSize; j++) {
      if (gl[j] !== this.rawGL[j]) {
        this.rawGL[j] = gl[j]!;
        this.gL[j] = imp ? softplus(gl[j]!) : gl[j]!;
        this.dGL[j] = imp ? (gl[j]! > 20 ? 1 : sigmoid(gl[j]!)) : 1;
      }
      if (cm[j] !== this.rawCm[j]) {
        this.rawCm[j] = cm[j]!;
        this.cmP[j] = imp ? softplus(cm[j]!) : cm[j]!;
        this.dCm[j] = imp ? (cm[j]! > 20 ? 1 : sigmoid(cm[j]!)) : 1;
      }
    }
  }

  createCache(batch: number): LtcCache {
    const N = this.stateSize,
      I = this.inputSize,
      K = this.odeUnfolds;
    const BN = batch * N;
    const f = heapFloat;
    const sensLanes = this.sensory.lanes * this.sensory.records,
      synLanes = this.synapses.lanes * this.synapses.records;
    const c: LtcCache = {
      batch,
      y: f(batch * this.motorSize),
      h: f(BN),
      xt: f(batch * I),
      sensSig: f(batch * sensLanes),
      numS: f(BN),
      denS: f(BN),
      cmt: f(BN),
      vs: f((K + 1) * BN),
      dens: f(K * BN),
      sig: f(K * batch * synLanes),
      num: new Float64Array(N),
      den: new Float64Array(N),
      gv: f(BN),
      gvNext: f(BN),
      gNumS: f(BN),
      gDenS: f(BN),
      gc: f(BN),
      dvSyn: f(BN),
      desc: null,
    };
    const desc = heapI32(LTC_CACHE_WORDS);
    const bufs: Record<keyof typeof LTC_CACHE, Floats> = {
      xt: c.xt,
      sensSig: c.sensSig,
      numS: c.numS,
      denS: c.denS,
      cmt: c.cmt,
      vs: c.vs,
      dens: c.dens,
      sig: c.sig,
      y: c.y,
      h: c.h,
      gv: c.gv,
      gvn: c.gvNext,
      dvSyn: c.dvSyn,
      gNumS: c.gNumS,
      gDenS: c.gDenS,
      gc: c.gc,
    };
    if (isHeapView(desc) && Object.values(bufs).every((b) => isHeapView(b) && isF32(b) === this.f32)) {
      for (const [name, b] of Object.entries(bufs)) desc[LTC_CACHE[name as keyof typeof LTC_CACHE]] = addr(b);
      c.desc = desc;
    }
    return c;
  }

  /** Reject Δt ≤ 0 (and NaN) per sample: the solver divides by it. */
  private checkDt(where: string, dt: Floats, B: number): void {
    for (let r = 0; r < B; r++) {
      const t = dt[r]!;
      if (!(t > 0)) fail(where, `elapsed time must be > 0, got ${t} for sample ${r}`);
    }
  }

  forward(x: Floats, h: Floats, dt: Floats, c: LtcCache): void {
    const B = c.batch,
      N = this.stateSize,
      I = this.inputSize;
    this.checkDt("LtcCell.forward", dt, B);
    this.gather();
    const kern = this.desc && c.desc && x.length >= B * I && h.length >= B * N && dt.length >= B ? this.kernels(x, h, dt) : null;
    if (kern) {
      kernelCalls.ltc++;
      (this.f32 ? kern.ltcForward32 : kern.ltcForward)(addr(this.desc!), addr(c.desc!), addr(x), addr(h), addr(dt), B, this.epsilon);
    } else this.forwardJs(x, h, dt, c);
  }

  /** The kernels when every step array is a heap view in the cell's number format, else null. */
  private kernels(a: Floats, b: Floats, c: Floats, d?: Floats | null, e?: Floats, f?: Floats, g?: Floats): Kernels | null {
    return this.f32 ? heapKernels32(a, b, c, d, e, f, g) : heapKernels(a, b, c, d, e, f, g);
  }

  /** JavaScript forward (fallback and oracle of the kernel). */
  private forwardJs(x: Floats, h: Floats, dt: Floats, c: LtcCache): void {
    const B = c.batch,
      N = this.stateSize,
      I = this.inputSize,
      K = this.odeUnfolds,
      M = this.motorSize;
    const iw = this.inputW?.value,
      ib = this.inputB?.value;
    const xt = c.xt;
    for (let r = 0; r < B; r++)
      for (let k = 0; k < I; k++) {
        let v = x[r * I + k]!;
        if (iw) v *= iw[k]!;
        if (ib) v += ib[k]!;
        xt[r * I + k] = v;
      }
    const sens = this.sensory,
      syn = this.synapses;
    const gL = this.gL,
      vleak = this.vleak.value,
      cmP = this.cmP,
      eps = this.epsilon;
    const num = c.num,
      den = c.den;
    const BN = B * N;
    const nSensLanes = sens.lanes * sens.records,
      nSynLanes = syn.lanes * syn.records;
    const { mu: oMu, w: oW, e: oE } = syn.off; // the same offsets in both tables
    for (let r = 0; r < B; r++) {
      const t = dt[r]!;
      // Sensory synapses: constant over the unfolds.
      const o = r * N;
      const numS = c.numS,
        denS = c.denS;
      for (let j = 0; j < N; j++) {
        numS[o + j] = 0;
        denS[o + j] = 0;
      }
      const xo = r * I,
        so = r * nSensLanes;
      const srec = sens.rec;
      for (let s = 0; s < sens.count; s++) {
        const q = sens.slot[s]!;
        const sg = 1 / (1 + Math.exp(-srec[q]! * (xt[xo + sens.src[s]!]! - srec[q + oMu]!)));
        c.sensSig[so + sens.lane[s]!] = sg;
        const a = srec[q + oW]! * sg;
        const j = o + sens.dst[s]!;
        numS[j] += a * srec[q + oE]!;
        denS[j] += a;
      }
      const kdt = K / t;
      for (let j = 0; j < N; j++) c.cmt[o + j] = cmP[j]! * kdt;
      const vs = c.vs;
      for (let j = 0; j < N; j++) vs[o + j] = h[o + j]!;
      const rec = syn.rec;
      for (let u = 0; u < K; u++) {
        const vIn = u * BN + o;
        const vOut = vIn + BN;
        num.fill(0);
        den.fill(0);
        const sigBase = (u * B + r) * nSynLanes;
        for (let s = 0; s < syn.count; s++) {
          const q = syn.slot[s]!;
          const sg = 1 / (1 + Math.exp(-rec[q]! * (vs[vIn + syn.src[s]!]! - rec[q + oMu]!)));
          c.sig[sigBase + syn.lane[s]!] = sg;
          const a = rec[q + oW]! * sg;
          const j = syn.dst[s]!;
          num[j] += a * rec[q + oE]!;
          den[j] += a;
        }
        for (let j = 0; j < N; j++) {
          const cj = c.cmt[o + j]!;
          const n = cj * vs[vIn + j]! + gL[j]! * vleak[j]! + (num[j]! + numS[o + j]!);
          const d = cj + gL[j]! + (den[j]! + denS[o + j]!) + eps;
          c.dens[u * BN + o + j] = d;
          vs[vOut + j] = n / d;
        }
      }
      const vLast = K * BN + o;
      for (let j = 0; j < N; j++) c.h[o + j] = vs[vLast + j]!;
      const ow = this.outputW?.value,
        ob = this.outputB?.value;
      for (let j = 0; j < M; j++) {
        let y = vs[vLast + j]!;
        if (ow) y *= ow[j]!;
        if (ob) y += ob[j]!;
        c.y[r * M + j] = y;
      }
    }
  }

  backward(x: Floats, _h: Floats, dt: Floats, c: LtcCache, dy: Floats | null, dhNew: Floats, dx: Floats, dh: Floats): void {
    // Parameters are gathered again (cheap) in case another forward ran with other values.
    this.gather();
    const B = c.batch,
      N = this.stateSize,
      I = this.inputSize,
      M = this.motorSize;
    this.synapses.zeroGrads();
    this.sensory.zeroGrads();
    const fits =
      x.length >= B * I &&
      dt.length >= B &&
      dhNew.length >= B * N &&
      dx.length >= B * I &&
      dh.length >= B * N &&
      (!dy || dy.length >= B * M);
    const kern = this.desc && c.desc && fits ? this.kernels(x, dt, dhNew, dy, dx, dh) : null;
    if (kern) {
      for (const g of [this.gGL, this.gVleak, this.gCm, ...this.gMap]) g.fill(0);
      kernelCalls.ltc++;
      (this.f32 ? kern.ltcBackward32 : kern.ltcBackward)(
        addr(this.desc!),
        addr(c.desc!),
        addr(x),
        addr(dt),
        dy ? addr(dy) : 0,
        addr(dhNew),
        addr(dx),
        addr(dh),
        B,
      );
      const [gIw, gIb, gOw, gOb] = this.gMap;
      if (this.inputW) addInto(this.inputW.grad, gIw);
      if (this.inputB) addInto(this.inputB.grad, gIb);
      if (this.outputW && dy) addInto(this.outputW.grad, gOw);
      if (this.outputB && dy) addInto(this.outputB.grad, gOb);
      this.scatterGrads(this.gGL, this.gVleak, this.gCm);
    } else this.backwardJs(x, dt, c, dy, dhNew, dx, dh);
  }

  /** JavaScript backward (fallback and oracle of the kernel). */
  private backwardJs(x: Floats, dt: Floats, c: LtcCache, dy: Floats | null, dhNew: Floats, dx: Floats, dh: Floats): void {
    const B = c.batch,
      N = this.stateSize,
      I = this.inputSize,
      K = this.odeUnfolds,
      M = this.motorSize;
    const BN = B * N;
    const syn = this.synapses,
      sens = this.sensory;
    const rec = syn.rec,
      grec = syn.grad;
    const gL = this.gL,
      vleak = this.vleak.value;
    const gGL = new Float64Array(N),
      gVleak = new Float64Array(N),
      gCm = new Float64Array(N);
    const vs = c.vs;
    const ow = this.outputW?.value;
    const gOw = this.outputW?.grad,
      gOb = this.outputB?.grad;
    const nSynLanes = syn.lanes * syn.records,
      nSensLanes = sens.lanes * sens.records;
    const { mu: oMu, w: oW, e: oE } = syn.off; // the same offsets in both tables and gradient records
    const gxt = new Float64Array(I);

    for (let r = 0; r < B; r++) {
      const o = r * N;
      const gv = c.gv.subarray(o, o + N);
      const gvn = c.gvNext.subarray(o, o + N);
      for (let j = 0; j < N; j++) gv[j] = dhNew[o + j]!;
      if (dy) {
        const vLast = K * BN + o;
        for (let j = 0; j < M; j++) {
          const g = dy[r * M + j]!;
          if (gOw) gOw[j] += g * vs[vLast + j]!;
          if (gOb) gOb[j] += g;
          gv[j] += ow ? g * ow[j]! : g;
        }
      }
      const gNumS = c.gNumS.subarray(o, o + N),
        gDenS = c.gDenS.subarray(o, o + N),
        gc = c.gc.subarray(o, o + N);
      gNumS.fill(0);
      gDenS.fill(0);
      gc.fill(0);
      for (let u = K - 1; u >= 0; u--) {
        const vIn = u * BN + o;
        const vOut = vIn + BN;
        const dBase = u * BN + o;
        // n̄ = ḡ/d, d̄ = −ḡ v'/d; reuse gvn for n̄ and compute d̄ on the fly.
        for (let j = 0; j < N; j++) {
          const d = c.dens[dBase + j]!;
          const nb = gv[j]! / d;
          const db = (-gv[j]! * vs[vOut + j]!) / d;
          gvn[j] = nb; // n̄ (temporarily)
          gc[j] += nb * vs[vIn + j]! + db;
          gGL[j] += nb * vleak[j]! + db;
          gVleak[j] += nb * gL[j]!;
          gNumS[j] += nb;
          gDenS[j] += db;
          gv[j] = db; // d̄ (temporarily)
        }
        // Synapses: ā = n̄_j E + d̄_j; accumulate and push into v̄_i (direct term added after).
        const sigBase = (u * B + r) * nSynLanes;
        const dvSyn = c.num; // scratch: synaptic part of v̄ for the previous sub-step
        dvSyn.fill(0);
        for (let s = 0; s < syn.count; s++) {
          const j = syn.dst[s]!,
            q = syn.slot[s]!,
            g = syn.gslot[s]!;
          const nb = gvn[j]!,
            db = gv[j]!;
          const sg = c.sig[sigBase + syn.lane[s]!]!;
          const w = rec[q + oW]!,
            sgm = rec[q]!;
          const a = w * sg;
          const abar = nb * rec[q + oE]! + db;
          grec[g + oE] += nb * a;
          grec[g + oW] += abar * sg;
          const ub = abar * w * sg * (1 - sg);
          const i = syn.src[s]!;
          grec[g] += ub * (vs[vIn + i]! - rec[q + oMu]!);
          grec[g + oMu] -= ub * sgm;
          dvSyn[i] += ub * sgm;
        }
        // ḡ for the previous sub-step: direct path c n̄ plus the synaptic path.
        for (let j = 0; j < N; j++) gv[j] = c.cmt[o + j]! * gvn[j]! + dvSyn[j]!;
      }
      for (let j = 0; j < N; j++) dh[o + j] = gv[j]!;
      // c = f₊(C)·K/Δt
      const kdt = K / dt[r]!;
      for (let j = 0; j < N; j++) gCm[j] += gc[j]! * kdt;
      // Sensory synapses with num̄_s, dēn_s accumulated over the unfolds.
      const xo = r * I,
        so = r * nSensLanes;
      gxt.fill(0);
      const srec = sens.rec,
        sgrec = sens.grad;
      for (let s = 0; s < sens.count; s++) {
        const j = sens.dst[s]!,
          k = sens.src[s]!,
          q = sens.slot[s]!,
          g = sens.gslot[s]!;
        const sg = c.sensSig[so + sens.lane[s]!]!;
        const w = srec[q + oW]!,
          sgm = srec[q]!;
        const a = w * sg;
        const abar = gNumS[j]! * srec[q + oE]! + gDenS[j]!;
        sgrec[g + oE] += gNumS[j]! * a;
        sgrec[g + oW] += abar * sg;
        const ub = abar * w * sg * (1 - sg);
        sgrec[g] += ub * (c.xt[xo + k]! - srec[q + oMu]!);
        sgrec[g + oMu] -= ub * sgm;
        gxt[k] += ub * sgm;
      }
      const iw = this.inputW,
        ib = this.inputB;
      for (let k = 0; k < I; k++) {
        const g = gxt[k]!;
        dx[xo + k] = iw ? g * iw.value[k]! : g;
        if (iw) iw.grad[k] += g * x[xo + k]!;
        if (ib) ib.grad[k] += g;
      }
    }
    this.scatterGrads(gGL, gVleak, gCm);
  }

  /** Add the accumulated gradients into the parameters, chaining through f₊. */
  private scatterGrads(gGL: Floats, gVleak: Floats, gCm: Floats): void {
    this.synapses.scatter(this.w.grad, this.sigma.grad, this.mu.grad, this.erev.grad);
    this.sensory.scatter(this.sensoryW.grad, this.sensorySigma.grad, this.sensoryMu.grad, this.sensoryErev.grad);
    for (let j = 0; j < this.stateSize; j++) {
      this.gleak.grad[j] += gGL[j]! * this.dGL[j]!;
      this.vleak.grad[j] += gVleak[j]!;
      this.cm.grad[j] += gCm[j]! * this.dCm[j]!;
    }
  }
}

/** acc[i] += v[i]. */
function addInto(acc: Floats, v: Floats): void {
  for (let i = 0; i < acc.length; i++) acc[i] += v[i]!;
}
