/**
 * The contract every recurrent cell implements: one time step, batched, as a pure function of
 * (parameters, input, state, elapsed time) → (output, new state), with a hand-written backward.
 * The sequence wrapper (`nn/sequence.ts`) owns the time loop, the tape and BPTT; a cell never sees
 * more than one step.
 *
 * Buffers are preallocated per batch size in a cell-specific cache (`createCache`), so a forward
 * step allocates nothing; the cache also holds what the backward step needs.
 */
import type { Floats } from "../core/dtype.ts";
import type { Param } from "./param.ts";

/** What every step cache exposes: the step's output and new state. */
export interface StepCache {
  readonly batch: number;
  /** Output of the step, [batch, outputSize]. */
  readonly y: Floats;
  /** New state, [batch, stateSize]. May alias `y` when output and state are the same. */
  readonly h: Floats;
}

export interface RecurrentCell<C extends StepCache = StepCache> {
  /** Short class name, e.g. "CfCCell". */
  readonly kind: string;
  readonly inputSize: number;
  readonly stateSize: number;
  readonly outputSize: number;
  /** Parameters in ncps `named_parameters()` order, names relative to the cell. */
  readonly params: readonly Param[];

  /** Allocate the per-step buffers for `batch` rows. */
  createCache(batch: number): C;

  /**
   * One step.
   * @param x - input, [batch, inputSize]
   * @param h - state before the step, [batch, stateSize]
   * @param dt - elapsed time of the step per sample, [batch]
   * @param cache - receives the output `y`, the new state `h` and the intermediates for backward
   * @param training - enables dropout (where configured)
   */
  forward(x: Floats, h: Floats, dt: Floats, cache: C, training: boolean): void;

  /**
   * Backward of the forward that filled `cache` (called with the same x, h, dt).
   * Accumulates parameter gradients; overwrites `dx` [batch, inputSize] and `dh` [batch, stateSize].
   * @param dy - gradient w.r.t. the step output, or null when the output was not used
   * @param dhNew - gradient w.r.t. the new state
   */
  backward(x: Floats, h: Floats, dt: Floats, cache: C, dy: Floats | null, dhNew: Floats, dx: Floats, dh: Floats): void;
}
