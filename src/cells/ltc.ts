/**
 * Liquid time-constant (LTC) cell, ncps PyTorch flavour (Hasani et al., "Liquid time-constant
 * networks", AAAI 2021; specs/ncps.md §2), with the fused semi-implicit ODE solver.
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
 * Synapses are stored as a compact list (from the wiring's masks), so a sparse NCP wiring costs in
 * proportion to its synapse count, not N². Masked entries never contribute and get zero gradient.
 * The list is ordered by destination (each neuron's incoming synapses contiguous), the layout the
 * WebAssembly step kernels vectorise over (`core/wasm/kernels/ltc.ts`); the JavaScript path below
 * is the fallback for arrays off the heap and the kernels' oracle.
 */
import { checkInt, checkNumber, checkOneOf, fail } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import { addr, heapF64, heapFrom, heapI32, heapKernels, isHeapView, kernelCalls } from "../core/wasm/alloc.ts";
import { LTC_CACHE, LTC_CACHE_WORDS, LTC_DESC, LTC_DESC_WORDS } from "../core/wasm/kernels/ltc.ts";
import { sigmoid, softplus } from "./activations.ts";
import type { RecurrentCell, StepCache } from "./cell.ts";
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
  xt: Float64Array; // mapped input [B, I]
  sensSig: Float64Array; // σ of sensory synapses [B, nS]
  numS: Float64Array; // [B, N]
  denS: Float64Array; // [B, N]
  cmt: Float64Array; // c = C·K/Δt, [B, N]
  vs: Float64Array; // v before each unfold and after the last: [(K + 1), B, N]
  dens: Float64Array; // full denominator per unfold [K, B, N]
  sig: Float64Array; // σ of each synapse per unfold [K, B, nSyn]
  num: Float64Array; // scratch [N]
  den: Float64Array; // scratch [N]
  // backward scratch
  gv: Float64Array; // [B, N]
  gvNext: Float64Array; // [B, N]
  gNumS: Float64Array; // [B, N]
  gDenS: Float64Array; // [B, N]
  gc: Float64Array; // [B, N]
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

  /**
   * Synapse list ordered by destination: source neuron, destination neuron, flat index into the
   * [N, N] matrices; destination j's synapses are [synStart[j], synStart[j + 1]).
   */
  readonly synSrc: Int32Array;
  readonly synDst: Int32Array;
  readonly synIdx: Int32Array;
  readonly synStart: Int32Array;
  /** Sensory synapse list over the [I, N] matrices, same order and layout. */
  readonly sensSrc: Int32Array;
  readonly sensDst: Int32Array;
  readonly sensIdx: Int32Array;
  readonly sensStart: Int32Array;

  // Per-call gathers of the effective synapse parameters (compact, cache-friendly).
  private readonly sW: Float64Array;
  private readonly sSigma: Float64Array;
  private readonly sMu: Float64Array;
  private readonly sErev: Float64Array;
  private readonly ssW: Float64Array;
  private readonly ssSigma: Float64Array;
  private readonly ssMu: Float64Array;
  private readonly ssErev: Float64Array;
  private readonly gL: Float64Array;
  private readonly cmP: Float64Array;
  // f₊′ of W, W^s, g_L, C at the gathered values, and the raw values they were computed from:
  // softplus is recomputed only where a raw value changed (it is the costly part of a gather).
  private readonly dW: Float64Array;
  private readonly dsW: Float64Array;
  private readonly dGL: Float64Array;
  private readonly dCm: Float64Array;
  private readonly rawW: Float64Array;
  private readonly rawSW: Float64Array;
  private readonly rawGL: Float64Array;
  private readonly rawCm: Float64Array;
  // Compact gradient accumulators, scattered into the Params after each backward.
  private readonly gW: Float64Array;
  private readonly gSigma: Float64Array;
  private readonly gMu: Float64Array;
  private readonly gErev: Float64Array;
  private readonly gsW: Float64Array;
  private readonly gsSigma: Float64Array;
  private readonly gsMu: Float64Array;
  private readonly gsErev: Float64Array;
  // Per-neuron and mapping gradient accumulators of the kernels, and their scratch.
  private readonly gGL: Float64Array;
  private readonly gVleak: Float64Array;
  private readonly gCm: Float64Array;
  private readonly gMap: Float64Array[]; // [gIw, gIb, gOw, gOb]
  /** Kernel descriptor (see LTC_DESC), or null when the buffers are off the heap. */
  private readonly desc: Int32Array | null;
  /** The heap buffers the descriptor points to (held so that they stay allocated). */
  readonly kernelBuffers: readonly (Float64Array | Int32Array)[];

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
    const adj = cfg.adjacency, sadj = cfg.sensoryAdjacency;
    if (adj.length !== N * N) fail(where, `adjacency has ${adj.length} entries, expected ${N}x${N}`);
    if (sadj.length !== I * N) fail(where, `sensoryAdjacency has ${sadj.length} entries, expected ${I}x${N}`);
    for (let i = 0; i < adj.length; i++) if (![-1, 0, 1].includes(adj[i]!)) fail(where, `adjacency[${i}] must be -1, 0 or 1, got ${adj[i]}`);
    for (let i = 0; i < sadj.length; i++) if (![-1, 0, 1].includes(sadj[i]!)) fail(where, `sensoryAdjacency[${i}] must be -1, 0 or 1, got ${sadj[i]}`);

    this.gleak = new Param("gleak", [N]);
    this.vleak = new Param("vleak", [N]);
    this.cm = new Param("cm", [N]);
    this.sigma = new Param("sigma", [N, N]);
    this.mu = new Param("mu", [N, N]);
    this.w = new Param("w", [N, N]);
    this.erev = new Param("erev", [N, N], heapFrom(adj));
    this.sensorySigma = new Param("sensory_sigma", [I, N]);
    this.sensoryMu = new Param("sensory_mu", [I, N]);
    this.sensoryW = new Param("sensory_w", [I, N]);
    this.sensoryErev = new Param("sensory_erev", [I, N], heapFrom(sadj));
    this.sparsityMask = new Param("sparsity_mask", [N, N], heapFrom(Array.from(adj, Math.abs)), undefined, false);
    this.sensorySparsityMask = new Param("sensory_sparsity_mask", [I, N], heapFrom(Array.from(sadj, Math.abs)), undefined, false);
    const im = this.inputMapping, om = this.outputMapping;
    this.inputW = im === "none" ? null : new Param("input_w", [I], heapFrom(new Float64Array(I).fill(1)));
    this.inputB = im === "affine" ? new Param("input_b", [I]) : null;
    this.outputW = om === "none" ? null : new Param("output_w", [this.motorSize], heapFrom(new Float64Array(this.motorSize).fill(1)));
    this.outputB = om === "affine" ? new Param("output_b", [this.motorSize]) : null;
    this.params = [
      this.gleak, this.vleak, this.cm, this.sigma, this.mu, this.w, this.erev,
      this.sensorySigma, this.sensoryMu, this.sensoryW, this.sensoryErev,
      this.sparsityMask, this.sensorySparsityMask,
      ...[this.inputW, this.inputB, this.outputW, this.outputB].filter((p): p is Param => p !== null),
    ];

    // Synapse lists by destination (column), then source: [start[j], start[j+1]) feed neuron j.
    const list = (mask: ArrayLike<number>, rows: number) => {
      const src: number[] = [], dst: number[] = [], idx: number[] = [], start = [0];
      for (let j = 0; j < N; j++) {
        for (let i = 0; i < rows; i++) if (mask[i * N + j] !== 0) {
          src.push(i);
          dst.push(j);
          idx.push(i * N + j);
        }
        start.push(src.length);
      }
      return [Int32Array.from(src), Int32Array.from(dst), Int32Array.from(idx), heapInts(start)] as const;
    };
    [this.synSrc, this.synDst, this.synIdx, this.synStart] = list(adj, N);
    [this.sensSrc, this.sensDst, this.sensIdx, this.sensStart] = list(sadj, I);
    const nSyn = this.synIdx.length, nS = this.sensIdx.length;
    const f = heapF64;
    this.sW = f(nSyn); this.sSigma = f(nSyn); this.sMu = f(nSyn); this.sErev = f(nSyn);
    this.ssW = f(nS); this.ssSigma = f(nS); this.ssMu = f(nS); this.ssErev = f(nS);
    this.gW = f(nSyn); this.gSigma = f(nSyn); this.gMu = f(nSyn); this.gErev = f(nSyn);
    this.gsW = f(nS); this.gsSigma = f(nS); this.gsMu = f(nS); this.gsErev = f(nS);
    this.gL = f(N);
    this.cmP = f(N);
    this.dW = new Float64Array(nSyn); this.dsW = new Float64Array(nS);
    this.dGL = new Float64Array(N); this.dCm = new Float64Array(N);
    this.rawW = new Float64Array(nSyn).fill(NaN); this.rawSW = new Float64Array(nS).fill(NaN);
    this.rawGL = new Float64Array(N).fill(NaN); this.rawCm = new Float64Array(N).fill(NaN);
    this.gGL = f(N); this.gVleak = f(N); this.gCm = f(N);
    this.gMap = [f(I), f(I), f(this.motorSize), f(this.motorSize)];
    [this.desc, this.kernelBuffers] = this.buildDescriptor();
  }

  /**
   * The kernel descriptor: sizes and the addresses of every cell-level buffer, or null when any of
   * them is off the heap (then the JavaScript path runs). Mappings that are off read constant
   * ones/zeros so the kernels have no special cases.
   */
  private buildDescriptor(): [Int32Array | null, (Float64Array | Int32Array)[]] {
    const N = this.stateSize, I = this.inputSize, M = this.motorSize;
    const ones = (n: number) => heapFrom(new Float64Array(n).fill(1));
    const bytes = (ix: Int32Array) => heapInts(Array.from(ix, (v) => 8 * v));
    const fields: Record<keyof typeof LTC_DESC, Float64Array | Int32Array | number> = {
      N, I, M, K: this.odeUnfolds, nSyn: this.synIdx.length, nSens: this.sensIdx.length,
      synStart: this.synStart, synSrc: bytes(this.synSrc), synSigma: this.sSigma, synMu: this.sMu, synW: this.sW, synE: this.sErev,
      sensStart: this.sensStart, sensSrc: bytes(this.sensSrc), sensSigma: this.ssSigma, sensMu: this.ssMu, sensW: this.ssW, sensE: this.ssErev,
      gL: this.gL, vleak: this.vleak.value, cm: this.cmP,
      iw: this.inputW?.value ?? ones(I), ib: this.inputB?.value ?? heapF64(I),
      ow: this.outputW?.value ?? ones(M), ob: this.outputB?.value ?? heapF64(M),
      gSynSigma: this.gSigma, gSynMu: this.gMu, gSynW: this.gW, gSynE: this.gErev,
      gSensSigma: this.gsSigma, gSensMu: this.gsMu, gSensW: this.gsW, gSensE: this.gsErev,
      gGL: this.gGL, gVleak: this.gVleak, gCm: this.gCm,
      gIw: this.gMap[0]!, gIb: this.gMap[1]!, gOw: this.gMap[2]!, gOb: this.gMap[3]!,
      gv: heapF64(N), gvn: heapF64(N), dvSyn: heapF64(N), gNumS: heapF64(N), gDenS: heapF64(N), gc: heapF64(N), gxt: heapF64(I),
    };
    // The descriptor holds bare addresses: the cell keeps the arrays themselves reachable.
    const keep = Object.values(fields).filter((v): v is Float64Array | Int32Array => typeof v !== "number");
    const desc = heapI32(LTC_DESC_WORDS);
    if (!isHeapView(desc) || !keep.every(isHeapView)) return [null, keep];
    for (const [name, v] of Object.entries(fields)) desc[LTC_DESC[name as keyof typeof LTC_DESC]] = typeof v === "number" ? v : addr(v);
    return [desc, keep];
  }

  /** Number of neuron-to-neuron synapses. */
  get synapseCount(): number {
    return this.synIdx.length;
  }
  /** Number of input-to-neuron synapses. */
  get sensorySynapseCount(): number {
    return this.sensIdx.length;
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
   * Gather f₊(W), σ, μ, E per synapse, and f₊(g_L), f₊(C), from the parameter matrices (and f₊′
   * for the backward). f₊ is re-evaluated only where the raw value differs from the last gather.
   */
  private gather(): void {
    const w = this.w.value, sg = this.sigma.value, mu = this.mu.value, er = this.erev.value;
    const idx = this.synIdx;
    for (let s = 0; s < idx.length; s++) {
      const k = idx[s]!;
      const raw = w[k]!;
      if (raw !== this.rawW[s]) this.refreshPos(this.rawW, this.sW, this.dW, s, raw);
      this.sSigma[s] = sg[k]!;
      this.sMu[s] = mu[k]!;
      this.sErev[s] = er[k]!;
    }
    const sw = this.sensoryW.value, ssg = this.sensorySigma.value, smu = this.sensoryMu.value, ser = this.sensoryErev.value;
    const sidx = this.sensIdx;
    for (let s = 0; s < sidx.length; s++) {
      const k = sidx[s]!;
      const raw = sw[k]!;
      if (raw !== this.rawSW[s]) this.refreshPos(this.rawSW, this.ssW, this.dsW, s, raw);
      this.ssSigma[s] = ssg[k]!;
      this.ssMu[s] = smu[k]!;
      this.ssErev[s] = ser[k]!;
    }
    const gl = this.gleak.value, cm = this.cm.value;
    for (let j = 0; j < this.stateSize; j++) {
      if (gl[j] !== this.rawGL[j]) this.refreshPos(this.rawGL, this.gL, this.dGL, j, gl[j]!);
      if (cm[j] !== this.rawCm[j]) this.refreshPos(this.rawCm, this.cmP, this.dCm, j, cm[j]!);
    }
  }

  /** raw[i] = x, val[i] = f₊(x), der[i] = f₊′(x). (NaN never equals itself, so it is always redone.) */
  private refreshPos(raw: Float64Array, val: Float64Array, der: Float64Array, i: number, x: number): void {
    raw[i] = x;
    if (this.implicitParamConstraints) {
      val[i] = softplus(x);
      der[i] = x > 20 ? 1 : sigmoid(x);
    } else {
      val[i] = x;
      der[i] = 1;
    }
  }

  createCache(batch: number): LtcCache {
    const N = this.stateSize, I = this.inputSize, K = this.odeUnfolds;
    const nSyn = this.synIdx.length, nS = this.sensIdx.length;
    const BN = batch * N;
    const f = heapF64;
    const c: LtcCache = {
      batch,
      y: f(batch * this.motorSize),
      h: f(BN),
      xt: f(batch * I),
      sensSig: f(batch * nS),
      numS: f(BN),
      denS: f(BN),
      cmt: f(BN),
      vs: f((K + 1) * BN),
      dens: f(K * BN),
      sig: f(K * batch * nSyn),
      num: new Float64Array(N),
      den: new Float64Array(N),
      gv: new Float64Array(BN),
      gvNext: new Float64Array(BN),
      gNumS: new Float64Array(BN),
      gDenS: new Float64Array(BN),
      gc: new Float64Array(BN),
      desc: null,
    };
    const desc = heapI32(LTC_CACHE_WORDS);
    const bufs = [c.xt, c.sensSig, c.numS, c.denS, c.cmt, c.vs, c.dens, c.sig, c.y, c.h];
    if (isHeapView(desc) && bufs.every(isHeapView)) {
      const order: (keyof typeof LTC_CACHE)[] = ["xt", "sensSig", "numS", "denS", "cmt", "vs", "dens", "sig", "y", "h"];
      order.forEach((name, i) => { desc[LTC_CACHE[name]] = addr(bufs[i]!); });
      c.desc = desc;
    }
    return c;
  }

  /** Reject Δt ≤ 0 (and NaN) per sample: the solver divides by it. */
  private checkDt(where: string, dt: Float64Array, B: number): void {
    for (let r = 0; r < B; r++) {
      const t = dt[r]!;
      if (!(t > 0)) fail(where, `elapsed time must be > 0, got ${t} for sample ${r}`);
    }
  }

  /** The kernels, when this cell, the cache and the step's arrays are all on the heap. */
  private kernelsFor(c: LtcCache, ...arrays: (Float64Array | null)[]): ReturnType<typeof heapKernels> {
    if (!this.desc || !c.desc) return null;
    return heapKernels(...arrays);
  }

  forward(x: Float64Array, h: Float64Array, dt: Float64Array, c: LtcCache): void {
    const B = c.batch, N = this.stateSize, I = this.inputSize, K = this.odeUnfolds, M = this.motorSize;
    this.checkDt("LtcCell.forward", dt, B);
    this.gather();
    const kern = x.length >= B * I && h.length >= B * N && dt.length >= B ? this.kernelsFor(c, x, h, dt) : null;
    if (kern) {
      kernelCalls.ltc++;
      kern.ltcForward(addr(this.desc!), addr(c.desc!), addr(x), addr(h), addr(dt), B, this.epsilon);
      return;
    }
    const nSyn = this.synIdx.length, nS = this.sensIdx.length;
    const iw = this.inputW?.value, ib = this.inputB?.value;
    const xt = c.xt;
    for (let r = 0; r < B; r++) for (let k = 0; k < I; k++) {
      let v = x[r * I + k]!;
      if (iw) v *= iw[k]!;
      if (ib) v += ib[k]!;
      xt[r * I + k] = v;
    }
    const ssrc = this.sensSrc, sdst = this.sensDst;
    const ssW = this.ssW, ssSig = this.ssSigma, ssMu = this.ssMu, ssE = this.ssErev;
    const src = this.synSrc, dst = this.synDst;
    const sW = this.sW, sSig = this.sSigma, sMu = this.sMu, sE = this.sErev;
    const gL = this.gL, vleak = this.vleak.value, cmP = this.cmP, eps = this.epsilon;
    const num = c.num, den = c.den;
    const BN = B * N;
    for (let r = 0; r < B; r++) {
      const t = dt[r]!;
      // Sensory synapses: constant over the unfolds.
      const o = r * N;
      const numS = c.numS, denS = c.denS;
      for (let j = 0; j < N; j++) { numS[o + j] = 0; denS[o + j] = 0; }
      const xo = r * I, so = r * nS;
      for (let s = 0; s < nS; s++) {
        const sg = 1 / (1 + Math.exp(-ssSig[s]! * (xt[xo + ssrc[s]!]! - ssMu[s]!)));
        c.sensSig[so + s] = sg;
        const a = ssW[s]! * sg;
        const j = o + sdst[s]!;
        numS[j] += a * ssE[s]!;
        denS[j] += a;
      }
      const kdt = K / t;
      for (let j = 0; j < N; j++) c.cmt[o + j] = cmP[j]! * kdt;
      const vs = c.vs;
      for (let j = 0; j < N; j++) vs[o + j] = h[o + j]!;
      for (let u = 0; u < K; u++) {
        const vIn = u * BN + o;
        const vOut = vIn + BN;
        num.fill(0);
        den.fill(0);
        const sigBase = (u * B + r) * nSyn;
        for (let s = 0; s < nSyn; s++) {
          const sg = 1 / (1 + Math.exp(-sSig[s]! * (vs[vIn + src[s]!]! - sMu[s]!)));
          c.sig[sigBase + s] = sg;
          const a = sW[s]! * sg;
          const j = dst[s]!;
          num[j] += a * sE[s]!;
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
      const ow = this.outputW?.value, ob = this.outputB?.value;
      for (let j = 0; j < M; j++) {
        let y = vs[vLast + j]!;
        if (ow) y *= ow[j]!;
        if (ob) y += ob[j]!;
        c.y[r * M + j] = y;
      }
    }
  }

  backward(
    x: Float64Array, _h: Float64Array, dt: Float64Array, c: LtcCache,
    dy: Float64Array | null, dhNew: Float64Array, dx: Float64Array, dh: Float64Array,
  ): void {
    // Parameters are gathered again (cheap) in case another forward ran with other values.
    this.gather();
    const B = c.batch, N = this.stateSize, I = this.inputSize, M = this.motorSize;
    const kern = x.length >= B * I && dt.length >= B && dhNew.length >= B * N && dx.length >= B * I && dh.length >= B * N
      && (!dy || dy.length >= B * M) ? this.kernelsFor(c, x, dt, dy, dhNew, dx, dh) : null;
    if (kern) {
      for (const g of [this.gW, this.gSigma, this.gMu, this.gErev, this.gsW, this.gsSigma, this.gsMu, this.gsErev, this.gGL, this.gVleak, this.gCm, ...this.gMap]) g.fill(0);
      kernelCalls.ltc++;
      kern.ltcBackward(addr(this.desc!), addr(c.desc!), addr(x), addr(dt), dy ? addr(dy) : 0, addr(dhNew), addr(dx), addr(dh), B);
      const [gIw, gIb, gOw, gOb] = this.gMap as [Float64Array, Float64Array, Float64Array, Float64Array];
      if (this.inputW) addInto(this.inputW.grad, gIw);
      if (this.inputB) addInto(this.inputB.grad, gIb);
      if (this.outputW && dy) addInto(this.outputW.grad, gOw);
      if (this.outputB && dy) addInto(this.outputB.grad, gOb);
      this.scatterGrads(this.gGL, this.gVleak, this.gCm);
      return;
    }
    this.backwardJs(x, dt, c, dy, dhNew, dx, dh);
  }

  /** JavaScript backward (fallback and oracle of the kernel). */
  private backwardJs(
    x: Float64Array, dt: Float64Array, c: LtcCache,
    dy: Float64Array | null, dhNew: Float64Array, dx: Float64Array, dh: Float64Array,
  ): void {
    const B = c.batch, N = this.stateSize, I = this.inputSize, K = this.odeUnfolds, M = this.motorSize;
    const nSyn = this.synIdx.length, nS = this.sensIdx.length;
    const BN = B * N;
    const src = this.synSrc, dst = this.synDst;
    const sW = this.sW, sSig = this.sSigma, sMu = this.sMu, sE = this.sErev;
    const gW = this.gW, gSig = this.gSigma, gMu = this.gMu, gE = this.gErev;
    gW.fill(0); gSig.fill(0); gMu.fill(0); gE.fill(0);
    this.gsW.fill(0); this.gsSigma.fill(0); this.gsMu.fill(0); this.gsErev.fill(0);
    const gL = this.gL, vleak = this.vleak.value;
    const gGL = new Float64Array(N), gVleak = new Float64Array(N), gCm = new Float64Array(N);
    const vs = c.vs;
    const ow = this.outputW?.value;
    const gOw = this.outputW?.grad, gOb = this.outputB?.grad;

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
      const gNumS = c.gNumS.subarray(o, o + N), gDenS = c.gDenS.subarray(o, o + N), gc = c.gc.subarray(o, o + N);
      gNumS.fill(0); gDenS.fill(0); gc.fill(0);
      for (let u = K - 1; u >= 0; u--) {
        const vIn = u * BN + o;
        const vOut = vIn + BN;
        const dBase = u * BN + o;
        // n̄ = ḡ/d, d̄ = −ḡ v'/d; reuse gvn for n̄ and compute d̄ on the fly.
        for (let j = 0; j < N; j++) {
          const d = c.dens[dBase + j]!;
          const nb = gv[j]! / d;
          const db = -gv[j]! * vs[vOut + j]! / d;
          gvn[j] = nb; // n̄ (temporarily)
          gc[j] += nb * vs[vIn + j]! + db;
          gGL[j] += nb * vleak[j]! + db;
          gVleak[j] += nb * gL[j]!;
          gNumS[j] += nb;
          gDenS[j] += db;
          gv[j] = db; // d̄ (temporarily)
        }
        // Synapses: ā = n̄_j E + d̄_j; accumulate and push into v̄_i (direct term added after).
        const sigBase = (u * B + r) * nSyn;
        const dvSyn = c.num; // scratch: synaptic part of v̄ for the previous sub-step
        dvSyn.fill(0);
        for (let s = 0; s < nSyn; s++) {
          const j = dst[s]!;
          const nb = gvn[j]!, db = gv[j]!;
          const sg = c.sig[sigBase + s]!;
          const a = sW[s]! * sg;
          const abar = nb * sE[s]! + db;
          gE[s] += nb * a;
          gW[s] += abar * sg;
          const ub = abar * sW[s]! * sg * (1 - sg);
          const i = src[s]!;
          const diff = vs[vIn + i]! - sMu[s]!;
          gSig[s] += ub * diff;
          gMu[s] -= ub * sSig[s]!;
          dvSyn[i] += ub * sSig[s]!;
        }
        // ḡ for the previous sub-step: direct path c n̄ plus the synaptic path.
        for (let j = 0; j < N; j++) gv[j] = c.cmt[o + j]! * gvn[j]! + dvSyn[j]!;
      }
      for (let j = 0; j < N; j++) dh[o + j] = gv[j]!;
      // c = f₊(C)·K/Δt
      const kdt = K / dt[r]!;
      for (let j = 0; j < N; j++) gCm[j] += gc[j]! * kdt;
      // Sensory synapses with num̄_s, dēn_s accumulated over the unfolds.
      const xo = r * I, so = r * nS;
      const gxt = new Float64Array(I);
      for (let s = 0; s < nS; s++) {
        const j = this.sensDst[s]!;
        const k = this.sensSrc[s]!;
        const sg = c.sensSig[so + s]!;
        const a = this.ssW[s]! * sg;
        const abar = gNumS[j]! * this.ssErev[s]! + gDenS[j]!;
        this.gsErev[s] += gNumS[j]! * a;
        this.gsW[s] += abar * sg;
        const ub = abar * this.ssW[s]! * sg * (1 - sg);
        this.gsSigma[s] += ub * (c.xt[xo + k]! - this.ssMu[s]!);
        this.gsMu[s] -= ub * this.ssSigma[s]!;
        gxt[k] += ub * this.ssSigma[s]!;
      }
      const iw = this.inputW, ib = this.inputB;
      for (let k = 0; k < I; k++) {
        const g = gxt[k]!;
        dx[xo + k] = iw ? g * iw.value[k]! : g;
        if (iw) iw.grad[k] += g * x[xo + k]!;
        if (ib) ib.grad[k] += g;
      }
    }
    this.scatterGrads(gGL, gVleak, gCm);
  }

  /** Add the compact gradients into the parameter matrices, chaining through f₊. */
  private scatterGrads(gGL: Float64Array, gVleak: Float64Array, gCm: Float64Array): void {
    const gW = this.gW, gSig = this.gSigma, gMu = this.gMu, gE = this.gErev;
    const wg = this.w.grad, sg = this.sigma.grad, mg = this.mu.grad, eg = this.erev.grad;
    for (let s = 0; s < this.synIdx.length; s++) {
      const k = this.synIdx[s]!;
      wg[k] += gW[s]! * this.dW[s]!;
      sg[k] += gSig[s]!;
      mg[k] += gMu[s]!;
      eg[k] += gE[s]!;
    }
    const swg = this.sensoryW.grad, ssg = this.sensorySigma.grad, smg = this.sensoryMu.grad, seg = this.sensoryErev.grad;
    for (let s = 0; s < this.sensIdx.length; s++) {
      const k = this.sensIdx[s]!;
      swg[k] += this.gsW[s]! * this.dsW[s]!;
      ssg[k] += this.gsSigma[s]!;
      smg[k] += this.gsMu[s]!;
      seg[k] += this.gsErev[s]!;
    }
    for (let j = 0; j < this.stateSize; j++) {
      this.gleak.grad[j] += gGL[j]! * this.dGL[j]!;
      this.vleak.grad[j] += gVleak[j]!;
      this.cm.grad[j] += gCm[j]! * this.dCm[j]!;
    }
  }
}

/** Int32 heap array with the given values. */
function heapInts(values: readonly number[]): Int32Array {
  const a = heapI32(values.length);
  a.set(values);
  return a;
}

/** acc[i] += v[i]. */
function addInto(acc: Float64Array, v: Float64Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] += v[i]!;
}
