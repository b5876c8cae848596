/**
 * The synapses of an LTC cell (neuron→neuron or input→neuron) as the step kernels want them:
 * grouped by destination and packed one per lane into *records* (layout in
 * `core/wasm/kernels/ltc.ts`): [σ | μ | W | E | src (i32 byte offsets) | W·E], one 16-byte
 * vector per field, with W = f₊(raw W) already applied. float64 cells use pair records (two
 * lanes), float32 cells quad records (four lanes). A destination's records with consecutive
 * sources come first; the last record of a destination whose count is not a multiple of the lane
 * count has zero parameters in its spare lanes (float64: source 0, never read; float32: lane 0's
 * source, read and multiplied by zero). Gradients accumulate in records [σ̄ | μ̄ | W̄ | Ē] and are
 * scattered back into the [rows, N] parameter matrices afterwards.
 *
 * Both the kernels and the JavaScript path read these records, so there is one representation.
 */
import type { Floats } from "../core/dtype.ts";
import { currentDtype, heapFloat, heapI32 } from "../core/wasm/alloc.ts";
import { GRAD_RECORD_BYTES, REC, SYN_RECORD_BYTES } from "../core/wasm/kernels/ltc.ts";
import { sigmoid, softplus } from "./activations.ts";

export class SynapseTable {
  /** Number of synapses and of records. */
  readonly count: number;
  readonly records: number;
  /** Synapses per record: 2 (float64) or 4 (float32). */
  readonly lanes: 2 | 4;
  /**
   * Element offsets of the fields inside a record (σ at 0), and the elements per record and per
   * gradient record: `rec[slot[s] + off.w]` is synapse s's W.
   */
  readonly off: { readonly mu: number; readonly w: number; readonly e: number; readonly wE: number };
  readonly recElems: number;
  readonly gradElems: number;
  /** Per synapse (destination-major order): source row, destination neuron, flat matrix index. */
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly idx: Int32Array;
  /** Per synapse: position in lane arrays (record·lanes + lane), record slot and gradient slot. */
  readonly lane: Int32Array;
  readonly slot: Int32Array;
  readonly gslot: Int32Array;
  /**
   * Per destination (heap, read by the kernels): first record, synapse count, and how many of its
   * records come first with consecutive sources (src_l = src₀ + l).
   */
  readonly recordStart: Int32Array;
  readonly runLength: Int32Array;
  readonly adjacentRecords: Int32Array;
  /** Records and gradient records (heap, in the cell's number format). */
  readonly rec: Floats;
  readonly grad: Floats;
  /** f₊′(raw W) per synapse, and the raw W it was computed from (f₊ is redone only on change). */
  private readonly dW: Float64Array;
  private readonly rawW: Float64Array;

  /**
   * @param mask - polarities [rows, N] (row = source); nonzero entries are synapses
   * @param rows - number of sources (N for neurons, I for inputs)
   * @param N - number of destination neurons
   *
   * The records are in the current arena's number format (float64 pairs, float32 quads).
   */
  constructor(mask: ArrayLike<number>, rows: number, N: number) {
    const L = currentDtype() === "float32" ? 4 : 2;
    const bytes = L === 4 ? 4 : 8;
    this.lanes = L;
    this.recElems = SYN_RECORD_BYTES / bytes;
    this.gradElems = GRAD_RECORD_BYTES / bytes;
    this.off = { mu: REC.mu / bytes, w: REC.w / bytes, e: REC.e / bytes, wE: REC.wE / bytes };
    const src: number[] = [],
      dst: number[] = [],
      idx: number[] = [],
      lane: number[] = [];
    this.recordStart = heapI32(N);
    this.runLength = heapI32(N);
    this.adjacentRecords = heapI32(N);
    /** Source of every lane (spare lanes: see the header), by record. */
    const laneSrc: number[] = [];
    let records = 0;
    const add = (i: number, j: number, l: number) => {
      src.push(i);
      dst.push(j);
      idx.push(i * N + j);
      lane.push(l);
    };
    /** One record of the given sources (fewer than L: spare lanes). */
    const record = (from: number[], j: number) => {
      from.forEach((i, l) => add(i, j, L * records + l));
      for (let l = 0; l < L; l++) laneSrc.push(l < from.length ? from[l]! : L === 4 ? from[0]! : 0);
      records++;
    };
    for (let j = 0; j < N; j++) {
      const from: number[] = [];
      for (let i = 0; i < rows; i++) if (mask[i * N + j] !== 0) from.push(i);
      this.recordStart[j] = records;
      this.runLength[j] = from.length;
      // Records with consecutive sources first (one vector load gathers them, one vector
      // read-modify-write scatters into them; every record of a dense wiring), then the rest
      // in order, the last one possibly partial.
      const rest: number[] = [];
      let adjacent = 0;
      for (let q = 0; q < from.length; q++) {
        let run = 1;
        while (run < L && q + run < from.length && from[q + run] === from[q]! + run) run++;
        if (run === L) {
          record(from.slice(q, q + L), j);
          adjacent++;
          q += L - 1;
        } else rest.push(from[q]!);
      }
      this.adjacentRecords[j] = adjacent;
      for (let q = 0; q < rest.length; q += L) record(rest.slice(q, q + L), j);
    }
    this.count = src.length;
    this.records = records;
    this.src = Int32Array.from(src);
    this.dst = Int32Array.from(dst);
    this.idx = Int32Array.from(idx);
    this.lane = Int32Array.from(lane);
    const RF = this.recElems,
      GF = this.gradElems;
    this.slot = Int32Array.from(lane, (l) => Math.floor(l / L) * RF + (l % L));
    this.gslot = Int32Array.from(lane, (l) => Math.floor(l / L) * GF + (l % L));
    this.rec = heapFloat(Math.max(1, records) * RF);
    this.grad = heapFloat(Math.max(1, records) * GF);
    // Source byte offsets in the records' i32 slots.
    const ints = new Int32Array(this.rec.buffer, this.rec.byteOffset, (this.rec.length * bytes) / 4);
    laneSrc.forEach((i, l) => {
      ints[(Math.floor(l / L) * SYN_RECORD_BYTES + REC.src) / 4 + (l % L)] = bytes * i;
    });
    this.dW = new Float64Array(this.count);
    this.rawW = new Float64Array(this.count).fill(NaN);
  }

  /**
   * Copy σ, μ, E and f₊(W) of every synapse from the parameter matrices into the records.
   * @param implicit - f₊ = softplus (true) or identity (false)
   */
  gather(w: Floats, sigma: Floats, mu: Floats, erev: Floats, implicit: boolean): void {
    const rec = this.rec,
      idx = this.idx,
      slot = this.slot,
      rawW = this.rawW;
    const { mu: oMu, w: oW, e: oE, wE: oWE } = this.off;
    for (let s = 0; s < this.count; s++) {
      const k = idx[s]!,
        o = slot[s]!;
      const raw = w[k]!;
      // NaN never equals itself, so a NaN weight is always recomputed.
      if (raw !== rawW[s]) {
        rawW[s] = raw;
        rec[o + oW] = implicit ? softplus(raw) : raw;
        this.dW[s] = implicit ? (raw > 20 ? 1 : sigmoid(raw)) : 1;
      }
      rec[o] = sigma[k]!;
      rec[o + oMu] = mu[k]!;
      rec[o + oE] = erev[k]!;
      rec[o + oWE] = rec[o + oW]! * erev[k]!;
    }
  }

  zeroGrads(): void {
    this.grad.fill(0);
  }

  /** Add the accumulated gradients into the matrices' gradients (W̄ chained through f₊′). */
  scatter(wGrad: Floats, sigmaGrad: Floats, muGrad: Floats, erevGrad: Floats): void {
    const g = this.grad,
      idx = this.idx,
      gslot = this.gslot;
    const { mu: oMu, w: oW, e: oE } = this.off;
    for (let s = 0; s < this.count; s++) {
      const k = idx[s]!,
        o = gslot[s]!;
      sigmaGrad[k] += g[o]!;
      muGrad[k] += g[o + oMu]!;
      wGrad[k] += g[o + oW]! * this.dW[s]!;
      erevGrad[k] += g[o + oE]!;
    }
  }
}
