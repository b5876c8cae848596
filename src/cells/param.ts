/**
 * A named parameter: its value, its gradient (same length) and whether an optimiser may move it.
 * Names follow the PyTorch state-dict names of ncps (e.g. `ff1.weight`, `sensory_mu`) so that
 * models import from and export to ncps without a translation table.
 */
import type { Floats } from "../core/dtype.ts";
import { fail, formatShape } from "../core/errors.ts";
import { sizeOf } from "../core/tensor.ts";
import { HeapArena, heapFloat } from "../core/wasm/alloc.ts";

export class Param {
  readonly name: string;
  readonly shape: readonly number[];
  /** Values, row-major. May be a view into a larger packed buffer (see Linear heads). */
  readonly value: Floats;
  /** Accumulated gradient, same layout as `value`. */
  readonly grad: Floats;
  /** False for fixed masks: they are saved and loaded but never updated. */
  readonly trainable: boolean;
  /** The arena (a model's) its buffers came from, kept reachable by the parameter; null outside one. */
  readonly owner: HeapArena | null;

  constructor(
    name: string,
    shape: readonly number[],
    value?: Floats,
    grad?: Floats,
    trainable = true,
    owner: HeapArena | null = HeapArena.current(),
  ) {
    this.owner = owner;
    const n = sizeOf(shape);
    this.name = name;
    this.shape = [...shape];
    // Own buffers go on the WebAssembly heap, where the kernels can use them in place.
    this.value = value ?? heapFloat(n);
    this.grad = grad ?? heapFloat(n);
    this.trainable = trainable;
    if (this.value.length !== n || this.grad.length !== n) {
      fail("Param", `${name}: buffer of ${this.value.length} for shape ${formatShape(shape)}`);
    }
  }

  /** The same parameter (shared buffers) under another name. */
  withName(name: string): Param {
    return new Param(name, this.shape, this.value, this.grad, this.trainable, this.owner);
  }

  /** A copy of this parameter with a prefixed name (sharing the buffers). */
  prefixed(prefix: string): Param {
    return new Param(prefix + this.name, this.shape, this.value, this.grad, this.trainable, this.owner);
  }
}

/** Set every gradient to zero. */
export function zeroGrads(params: readonly Param[]): void {
  for (const p of params) p.grad.fill(0);
}

/** Prefix the names of a list of parameters (buffers shared). */
export function prefixParams(prefix: string, params: readonly Param[]): Param[] {
  return params.map((p) => p.prefixed(prefix));
}
