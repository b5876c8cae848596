/**
 * The synapses of an LTC cell (neuron→neuron or input→neuron) as the step kernels want them:
 * grouped by destination and packed two per *pair record* (layout in
 * `core/wasm/kernels/ltc.ts`): [σ₀ σ₁ | μ₀ μ₁ | W₀ W₁ | E₀ E₁ | src₀ src₁ (i32, ×8) | pad |
 * W₀E₀ W₁E₁], with W = f₊(raw W) already applied. A destination with an odd count has a last record whose second
 * lane is all zeros. Gradients accumulate in records [σ̄ | μ̄ | W̄ | Ē] and are scattered back
 * into the [rows, N] parameter matrices afterwards.
 *
 * Both the kernels and the JavaScript path read these records, so there is one representation.
 */
import type { Floats } from "../core/dtype.ts";
import { heapF64, heapI32 } from "../core/wasm/alloc.ts";
import { GRAD_RECORD_BYTES, REC, SYN_RECORD_BYTES } from "../core/wasm/kernels/ltc.ts";
import { sigmoid, softplus } from "./activations.ts";

const RF = SYN_RECORD_BYTES / 8; // f64 slots per record
const GF = GRAD_RECORD_BYTES / 8;

export class SynapseTable {
  /** Number of synapses and of pair records. */
  readonly count: number;
  readonly pairs: number;
  /** Per synapse (destination-major order): source row, destination neuron, flat matrix index. */
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly idx: Int32Array;
  /** Per synapse: position in two-lane arrays (record·2 + lane), record slot and gradient slot. */
  readonly lane: Int32Array;
  readonly slot: Int32Array;
  readonly gslot: Int32Array;
  /**
   * Per destination (heap, read by the kernels): first record, synapse count, and how many of its
   * records come first with consecutive sources (src₁ = src₀ + 1).
   */
  readonly pairStart: Int32Array;
  readonly runLength: Int32Array;
  readonly adjacentPairs: Int32Array;
  /** Pair records and gradient records (heap). */
  readonly rec: Floats;
  readonly grad: Floats;
  /** f₊′(raw W) per synapse, and the raw W it was computed from (f₊ is redone only on change). */
  private readonly dW: Floats;
  private readonly rawW: Floats;

  /**
   * @param mask - polarities [rows, N] (row = source); nonzero entries are synapses
   * @param rows - number of sources (N for neurons, I for inputs)
   * @param N - number of destination neurons
   */
  constructor(mask: ArrayLike<number>, rows: number, N: number) {
    const src: number[] = [],
      dst: number[] = [],
      idx: number[] = [],
      lane: number[] = [];
    this.pairStart = heapI32(N);
    this.runLength = heapI32(N);
    this.adjacentPairs = heapI32(N);
    let pairs = 0;
    const add = (i: number, j: number, l: number) => {
      src.push(i);
      dst.push(j);
      idx.push(i * N + j);
      lane.push(l);
    };
    for (let j = 0; j < N; j++) {
      const from: number[] = [];
      for (let i = 0; i < rows; i++) if (mask[i * N + j] !== 0) from.push(i);
      this.pairStart[j] = pairs;
      this.runLength[j] = from.length;
      // Records with consecutive sources first (one vector load gathers them, one vector
      // read-modify-write scatters into them; every record of a dense wiring), then the rest
      // paired in order, then a half record for an odd count.
      const rest: number[] = [];
      let adjacent = 0;
      for (let q = 0; q < from.length; q++) {
        if (q + 1 < from.length && from[q + 1] === from[q]! + 1) {
          add(from[q]!, j, 2 * pairs);
          add(from[q + 1]!, j, 2 * pairs + 1);
          pairs++;
          adjacent++;
          q++;
        } else rest.push(from[q]!);
      }
      this.adjacentPairs[j] = adjacent;
      for (let q = 0; q < rest.length; q++) {
        add(rest[q]!, j, 2 * pairs + (q & 1));
        if (q & 1) pairs++;
      }
      if (rest.length & 1) pairs++; // the half record
    }
    this.count = src.length;
    this.pairs = pairs;
    this.src = Int32Array.from(src);
    this.dst = Int32Array.from(dst);
    this.idx = Int32Array.from(idx);
    this.lane = Int32Array.from(lane);
    this.slot = Int32Array.from(lane, (l) => (l >> 1) * RF + (l & 1));
    this.gslot = Int32Array.from(lane, (l) => (l >> 1) * GF + (l & 1));
    this.rec = heapF64(Math.max(1, pairs) * RF);
    this.grad = heapF64(Math.max(1, pairs) * GF);
    // Source byte offsets (source index × 8) in the records' i32 slots; zero in half lanes.
    const ints = new Int32Array(this.rec.buffer, this.rec.byteOffset, this.rec.length * 2);
    for (let s = 0; s < this.count; s++) {
      const l = this.lane[s]!;
      ints[((l >> 1) * SYN_RECORD_BYTES + REC.src) / 4 + (l & 1)] = 8 * this.src[s]!;
    }
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
    for (let s = 0; s < this.count; s++) {
      const k = idx[s]!,
        o = slot[s]!;
      const raw = w[k]!;
      // NaN never equals itself, so a NaN weight is always recomputed.
      if (raw !== rawW[s]) {
        rawW[s] = raw;
        rec[o + 4] = implicit ? softplus(raw) : raw;
        this.dW[s] = implicit ? (raw > 20 ? 1 : sigmoid(raw)) : 1;
      }
      rec[o] = sigma[k]!;
      rec[o + 2] = mu[k]!;
      rec[o + 6] = erev[k]!;
      rec[o + 10] = rec[o + 4]! * erev[k]!;
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
    for (let s = 0; s < this.count; s++) {
      const k = idx[s]!,
        o = gslot[s]!;
      sigmaGrad[k] += g[o]!;
      muGrad[k] += g[o + 2]!;
      wGrad[k] += g[o + 4]! * this.dW[s]!;
      erevGrad[k] += g[o + 6]!;
    }
  }
}
