/**
 * Named work buffers of a feed-forward network (the tape of its forward pass and the scratch of
 * its backward), reused while the batch size stays the same: on the model's heap arena (so the
 * WebAssembly kernels run in place, freed with the model), or plain arrays for a network built
 * outside a model.
 */
import type { HeapArena } from "../core/wasm/alloc.ts";

export class BatchBuffers {
  /** Per-batch-size heap buffers (a child of the model's arena, replaced when the batch size changes). */
  private batchMemory: HeapArena | null = null;
  private batchOf = -1;
  private readonly bufs = new Map<string, Float64Array>();

  /** @param memory - the model's arena, or null (fresh arrays on every call) */
  constructor(readonly memory: HeapArena | null) {}

  /**
   * A buffer of n elements for `name` at batch size `batch`, holding a copy of `init` if given
   * (its first n elements; without an arena `init` itself is returned). A new batch size
   * releases every buffer of the previous one.
   */
  get(name: string, batch: number, n: number, init?: Float64Array): Float64Array {
    if (!this.memory) return init ?? new Float64Array(n);
    if (batch !== this.batchOf) {
      this.batchMemory?.dispose();
      this.batchMemory = this.memory.child();
      this.batchOf = batch;
      this.bufs.clear();
    }
    let b = this.bufs.get(name);
    if (!b) {
      b = this.batchMemory!.f64(n);
      this.bufs.set(name, b);
    }
    if (init) b.set(init.subarray(0, n));
    return b;
  }
}
