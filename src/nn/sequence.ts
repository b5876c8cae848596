/**
 * The sequence wrapper: runs a {@link RecurrentCell} over time, like ncps's `LTC`/`CfC` modules
 * (docs/cells.md §6), and back-propagates through time.
 *
 * - input [B, L, I] (batch first), optional initial state [B, S] (and LSTM cell state when mixed);
 * - timespans: null (Δt = 1), [B, L] or [B, L, 1]: **one Δt per sample and step**, broadcast over
 *   units (ncps 1.0.1 squeezes them to [B] and crashes or mis-pairs samples with units, issues
 *   #81-#83);
 * - mixed memory: an ncps LSTM cell runs before the cell at every step on the raw input, and its
 *   output replaces the state entering the cell (the cell's new state is the next LSTM h);
 * - projection (CfC `proj_size`): a Linear applied to every emitted output, never to the state;
 * - returnSequences: outputs of every step [B, L, O] or of the last step [B, O].
 *
 * Parameter names follow ncps's state dict: `rnn_cell.*`, `lstm.*`, `fc.*`.
 */
import type { Floats } from "../core/dtype.ts";
import { checkFinite, checkShape, fail, formatShape } from "../core/errors.ts";
import type { Tensor } from "../core/tensor.ts";
import type { RecurrentCell, StepCache } from "../cells/cell.ts";
import type { Linear } from "../cells/linear.ts";
import type { LstmCache, LstmCell } from "../cells/lstm.ts";
import type { Param } from "../cells/param.ts";
import { HeapArena, heapFloat } from "../core/wasm/alloc.ts";

export interface SequenceModelParts {
  cell: RecurrentCell;
  /** ncps mixed memory: an LSTM cell with hidden size = the cell's state size. */
  mixedMemory?: LstmCell | null;
  /** Projection of each output (CfC proj_size). */
  proj?: Linear | null;
  returnSequences?: boolean;
}

export interface ForwardOptions {
  /** Initial state [B, S]; zeros if omitted. */
  initialState?: Tensor | null;
  /** Initial LSTM cell state [B, S] (mixed memory only); zeros if omitted. */
  initialCell?: Tensor | null;
  /** Elapsed time per sample and step: [B, L] or [B, L, 1]; all ones if omitted. */
  timespans?: Tensor | null;
  /** Keep what backward needs (training). */
  record?: boolean;
  /** Enable dropout. */
  training?: boolean;
  /** Also return the state after every step. */
  returnHidden?: boolean;
}

export interface SequenceOutput {
  /** [B, L, O] with returnSequences, else [B, O]; O = projection size or the cell's output size. */
  output: Tensor;
  /** State after every step, [B, L, S] (only with `returnHidden`). */
  hiddenSequence: Tensor | null;
  /** Final state [B, S]. */
  finalState: Tensor;
  /** Final LSTM cell state [B, S] (mixed memory only). */
  finalCell: Tensor | null;
}

export interface BackwardResult {
  /** ∂loss/∂input, [B, L, I]. */
  dInput: Tensor;
  /** ∂loss/∂initial state, [B, S]. */
  dInitialState: Tensor;
  /** ∂loss/∂initial LSTM cell state (mixed memory). */
  dInitialCell: Tensor | null;
}

interface Tape {
  batch: number;
  length: number;
  /** Parents of the per-step views below (the views alone would not keep heap blocks alive). */
  xAll: Floats;
  dtAll: Floats;
  xs: Floats[];
  dts: Floats[];
  states: Floats[]; // states[t] = state entering step t's cell (after the LSTM when mixed)
  caches: StepCache[];
  lstmCaches: LstmCache[];
  lstmH: Floats[]; // h entering the LSTM at step t
  lstmC: Floats[]; // c entering the LSTM at step t
}

export class SequenceModel {
  readonly cell: RecurrentCell;
  readonly mixedMemory: LstmCell | null;
  readonly proj: Linear | null;
  readonly returnSequences: boolean;
  /** All parameters, ncps state-dict names and order. */
  readonly params: Param[];
  private tape: Tape | null = null;
  private cacheBatch = -1;
  private cellCaches: StepCache[] = [];
  private lstmCaches: LstmCache[] = [];
  /** Reusable heap scratch by name (grow-only); safe because any forward replaces the tape. */
  private readonly scratch = new Map<string, Floats>();
  /**
   * The arena that was current when this wrapper was built (a model's), or null. Scratch and
   * caches are allocated from it (caches in a child replaced when the batch size changes), so
   * they are freed with the model, never by the garbage collector.
   */
  readonly memory: HeapArena | null;
  private cacheMemory: HeapArena | null = null;

  constructor(parts: SequenceModelParts) {
    this.memory = HeapArena.current();
    this.cell = parts.cell;
    this.mixedMemory = parts.mixedMemory ?? null;
    this.proj = parts.proj ?? null;
    this.returnSequences = parts.returnSequences ?? true;
    if (this.mixedMemory) {
      if (this.mixedMemory.hiddenSize !== this.cell.stateSize || this.mixedMemory.inputSize !== this.cell.inputSize) {
        fail(
          "SequenceModel",
          `mixed-memory LSTM is ${this.mixedMemory.inputSize}->${this.mixedMemory.hiddenSize}, cell needs ${this.cell.inputSize}->${this.cell.stateSize}`,
        );
      }
    }
    if (this.proj && this.proj.inFeatures !== this.cell.outputSize) {
      fail("SequenceModel", `projection expects ${this.proj.inFeatures} inputs, cell outputs ${this.cell.outputSize}`);
    }
    this.params = [
      ...this.cell.params.map((p) => p.prefixed("rnn_cell.")),
      ...(this.mixedMemory ? this.mixedMemory.params.map((p) => p.prefixed("lstm.")) : []),
      ...(this.proj ? this.proj.params.map((p) => p.prefixed("fc.")) : []),
    ];
  }

  get inputSize(): number {
    return this.cell.inputSize;
  }
  get stateSize(): number {
    return this.cell.stateSize;
  }
  get outputSize(): number {
    return this.proj ? this.proj.outFeatures : this.cell.outputSize;
  }

  /** A heap buffer of at least n elements for `name` (contents unspecified), reused across calls. */
  private buf(name: string, n: number): Floats {
    let b = this.scratch.get(name);
    if (!b || b.length < n) {
      const m = this.memory;
      if (m) {
        if (b) m.free(b);
        b = m.float(n);
      } else b = heapFloat(n);
      this.scratch.set(name, b);
    }
    return b;
  }

  /**
   * n elements of heap scratch for a forward. Reusing them across calls is safe because every
   * forward first invalidates the tape that referenced the previous call's buffers.
   */
  private stepBuf(name: string, n: number): Floats {
    return this.buf(name, n).subarray(0, n);
  }

  /** Per-step caches, reused across calls with the same batch size. */
  private ensureCaches(batch: number, steps: number): void {
    if (this.cacheBatch !== batch) {
      this.cellCaches = [];
      this.lstmCaches = [];
      this.cacheBatch = batch;
      // The old caches' blocks go back now (the tape that referenced them was dropped).
      this.cacheMemory?.dispose();
      this.cacheMemory = this.memory ? this.memory.child() : null;
    }
    if (this.cellCaches.length >= steps) return;
    const grow = () => {
      while (this.cellCaches.length < steps) {
        this.cellCaches.push(this.cell.createCache(batch));
        if (this.mixedMemory) this.lstmCaches.push(this.mixedMemory.createCache(batch));
      }
    };
    if (this.cacheMemory) this.cacheMemory.run(grow);
    else grow();
  }

  /**
   * Run the model over a batch of sequences.
   * @param input - [B, L, I], float64, finite
   */
  forward(input: Tensor, opts: ForwardOptions = {}): SequenceOutput {
    const where = "SequenceModel.forward";
    this.memory?.check("forward");
    if (input.shape.length !== 3) fail(where, `input must be [batch, length, features], got shape ${formatShape(input.shape)}`);
    const [B, L, I] = input.shape as [number, number, number];
    if (I !== this.inputSize) fail(where, `input has ${I} features, model expects ${this.inputSize}`);
    if (B < 1 || L < 1) fail(where, `input has an empty batch or length: ${formatShape(input.shape)}`);
    checkFinite(where, "input", input.data);
    const S = this.stateSize;
    const record = opts.record ?? false;
    // Heap scratch for what the kernels read in place (x, Δt, the initial state), reused across
    // calls: no heap allocation per call (at batch 1 it would dominate the latency). The previous
    // tape points into these buffers, so it is dropped first; a backward now needs this forward.
    this.tape = null;
    const dtAll = this.resolveTimespans(where, opts.timespans ?? null, B, L, this.stepBuf("dt", L * B));
    let h: Floats = this.stepBuf("h0", B * S);
    if (opts.initialState) {
      checkShape(where, "initialState", opts.initialState.shape, [B, S]);
      checkFinite(where, "initialState", opts.initialState.data);
      h.set(opts.initialState.data);
    } else h.fill(0);
    let c: Floats | null = null;
    if (this.mixedMemory) {
      c = this.stepBuf("c0", B * S);
      if (opts.initialCell) {
        checkShape(where, "initialCell", opts.initialCell.shape, [B, S]);
        checkFinite(where, "initialCell", opts.initialCell.data);
        c.set(opts.initialCell.data);
      } else c.fill(0);
    } else if (opts.initialCell) fail(where, "initialCell is only used with mixed memory");

    const training = opts.training ?? false;
    // Without a tape two caches suffice: step t reads the state in cache (t-1) % 2 while writing
    // cache t % 2. With a tape every step keeps its own.
    const nCaches = record ? L : Math.min(L, 2);
    this.ensureCaches(B, nCaches);
    const P = this.outputSize;
    const out = new Float64Array(this.returnSequences ? B * L * P : B * P);
    const hidden = opts.returnHidden ? new Float64Array(B * L * S) : null;
    const projBuf = this.proj ? this.buf("proj", B * P) : null;
    // The input, time-major [L, B, I] on the heap: step t reads a contiguous view, no gathers.
    const xAll = this.stepBuf("x", L * B * I);
    const src = input.data;
    for (let r = 0; r < B; r++)
      for (let t = 0; t < L; t++) {
        const from = (r * L + t) * I,
          to = (t * B + r) * I;
        for (let i = 0; i < I; i++) xAll[to + i] = src[from + i]!;
      }
    const tape: Tape | null = record
      ? { batch: B, length: L, xAll, dtAll, xs: [], dts: [], states: [], caches: [], lstmCaches: [], lstmH: [], lstmC: [] }
      : null;

    for (let t = 0; t < L; t++) {
      const xt = xAll.subarray(t * B * I, (t + 1) * B * I);
      const dt = dtAll.subarray(t * B, t * B + B);
      const cache = this.cellCaches[t % nCaches]!;
      if (this.mixedMemory && c) {
        const lc = this.lstmCaches[t % nCaches]!;
        if (tape) {
          tape.lstmH.push(h);
          tape.lstmC.push(c);
          tape.lstmCaches.push(lc);
        }
        this.mixedMemory.forwardHC(xt, h, c, lc);
        h = lc.hOut;
        c = lc.cOut;
      }
      if (tape) {
        tape.xs.push(xt);
        tape.dts.push(dt);
        tape.states.push(h);
        tape.caches.push(cache);
      }
      this.cell.forward(xt, h, dt, cache, training);
      h = cache.h;
      if (hidden) for (let r = 0; r < B; r++) hidden.set(h.subarray(r * S, r * S + S), (r * L + t) * S);
      if (this.returnSequences || t === L - 1) {
        let y = cache.y;
        if (this.proj && projBuf) {
          this.proj.forward(y, 0, projBuf, B);
          y = projBuf;
        }
        for (let r = 0; r < B; r++) {
          const dst = this.returnSequences ? (r * L + t) * P : r * P;
          for (let j = 0; j < P; j++) out[dst + j] = y[r * P + j]!;
        }
      }
    }
    this.tape = tape;
    // Inputs were checked; a non-finite state now means bad weights (or an overflow). Name them.
    if (!allFinite(h.subarray(0, B * S)) || !allFinite(out)) failNonFinite(where, this.params);
    // Results are plain arrays (copies): they belong to the caller, not to the heap or the caches.
    return {
      output: { shape: this.returnSequences ? [B, L, P] : [B, P], data: out },
      hiddenSequence: hidden ? { shape: [B, L, S], data: hidden } : null,
      finalState: { shape: [B, S], data: Float64Array.from(h.subarray(0, B * S)) },
      finalCell: c ? { shape: [B, S], data: Float64Array.from(c.subarray(0, B * S)) } : null,
    };
  }

  /**
   * Back-propagate through the last recorded forward. Accumulates into every `param.grad`.
   * @param dOutput - ∂loss/∂output, same shape as the forward's output
   * @param dFinalState - ∂loss/∂final state [B, S] (optional)
   */
  backward(dOutput: Tensor, dFinalState: Tensor | null = null, dFinalCell: Tensor | null = null): BackwardResult {
    const where = "SequenceModel.backward";
    this.memory?.check("backward");
    const tape = this.tape;
    if (!tape) fail(where, "no recorded forward pass (call forward with record: true)");
    const B = tape.batch,
      L = tape.length,
      I = this.inputSize,
      S = this.stateSize,
      O = this.cell.outputSize;
    const P = this.outputSize;
    checkShape(where, "dOutput", dOutput.shape, this.returnSequences ? [B, L, P] : [B, P]);
    const dInput = new Float64Array(B * L * I);
    // Heap scratch, and ping-pong pairs for the state gradients (no allocation per step).
    const dhPair = [this.buf("dh0", B * S), this.buf("dh1", B * S)];
    let cur = 0; // index of the pair members dh and dc currently live in
    let dh = dhPair[0]!.subarray(0, B * S);
    dh.fill(0);
    if (dFinalState) {
      checkShape(where, "dFinalState", dFinalState.shape, [B, S]);
      dh.set(dFinalState.data);
    }
    const dcPair = this.mixedMemory ? [this.buf("dc0", B * S), this.buf("dc1", B * S)] : null;
    let dc: Floats | null = dcPair ? dcPair[0]!.subarray(0, B * S).fill(0) : null;
    if (dFinalCell && dc) dc.set(dFinalCell.data);
    const dyStep = this.buf("dyStep", B * P).subarray(0, B * P);
    const dyCell = this.buf("dyCell", B * O).subarray(0, B * O);
    const dx = this.buf("dx", B * I).subarray(0, B * I);
    const dhPrev = this.buf("dhPrev", B * S).subarray(0, B * S);
    const dOut = dOutput.data;

    for (let t = L - 1; t >= 0; t--) {
      const cache = tape.caches[t]!;
      let dy: Floats | null = null;
      if (this.returnSequences || t === L - 1) {
        for (let r = 0; r < B; r++) {
          const from = this.returnSequences ? (r * L + t) * P : r * P;
          for (let j = 0; j < P; j++) dyStep[r * P + j] = dOut[from + j]!;
        }
        if (this.proj) {
          this.proj.backward(cache.y, 0, dyStep, B, dyCell);
          dy = dyCell;
        } else dy = dyStep;
      }
      this.cell.backward(tape.xs[t]!, tape.states[t]!, tape.dts[t]!, cache, dy, dh, dx, dhPrev);
      const next = 1 - cur;
      cur = next;
      if (this.mixedMemory && dc && dcPair) {
        const lc = tape.lstmCaches[t]!;
        const dhL = dhPair[next]!.subarray(0, B * S),
          dcL = dcPair[next]!.subarray(0, B * S);
        this.mixedMemory.backwardHC(tape.xs[t]!, tape.lstmH[t]!, tape.lstmC[t]!, lc, dhPrev, dc, dx, true, dhL, dcL);
        dh = dhL;
        dc = dcL;
      } else {
        dh = dhPair[next]!.subarray(0, B * S);
        dh.set(dhPrev); // a copy: the cell writes dhPrev again next step
      }
      for (let r = 0; r < B; r++) {
        const to = (r * L + t) * I;
        for (let i = 0; i < I; i++) dInput[to + i] = dx[r * I + i]!;
      }
    }
    return {
      dInput: { shape: [B, L, I], data: dInput },
      dInitialState: { shape: [B, S], data: Float64Array.from(dh) },
      dInitialCell: dc ? { shape: [B, S], data: Float64Array.from(dc) } : null,
    };
  }

  /** Δt per step and sample into `out`, laid out [L, B] (step-major: each step reads a contiguous slice). */
  private resolveTimespans(where: string, ts: Tensor | null, B: number, L: number, out: Floats): Floats {
    if (!ts) return out.fill(1);
    const okShape =
      (ts.shape.length === 2 && ts.shape[0] === B && ts.shape[1] === L) ||
      (ts.shape.length === 3 && ts.shape[0] === B && ts.shape[1] === L && ts.shape[2] === 1);
    if (!okShape) fail(where, `timespans has shape ${formatShape(ts.shape)}, expected [${B}, ${L}] or [${B}, ${L}, 1]`);
    for (let r = 0; r < B; r++)
      for (let t = 0; t < L; t++) {
        const v = ts.data[r * L + t]!;
        if (!Number.isFinite(v) || v < 0) fail(where, `timespans[${r}, ${t}] must be finite and >= 0, got ${v}`);
        out[t * B + r] = v;
      }
    return out;
  }
}

function allFinite(a: Floats): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/** Throw naming the first non-finite parameter, or report an overflow if all are finite. */
export function failNonFinite(where: string, params: readonly Param[]): never {
  for (const p of params) {
    for (let i = 0; i < p.value.length; i++) {
      if (!Number.isFinite(p.value[i]!)) fail(where, `parameter ${p.name} contains ${p.value[i]} at flat index ${i}`);
    }
  }
  fail(where, "the output is not finite although inputs and parameters are (numerical overflow)");
}
