/**
 * Named work buffers of a feed-forward network (the tape of its forward pass and the scratch of
 * its backward), reused while the batch size stays the same: on the model's heap arena (so the
 * WebAssembly kernels run in place, freed with the model), or plain arrays for a network built
 * outside a model.
 */
import type { Floats } from "../core/dtype.ts";
import type { HeapArena } from "../core/wasm/alloc.ts";

export class BatchBuffers<T extends Floats> {
  /** Per-batch-size heap buffers (a child of the model's arena, replaced when the batch size changes). */
  private batchMemory: HeapArena | null = null;
  private batchOf = -1;
  private readonly bufs = new Map<string, T>();

  private constructor(
    /** The model's arena, or null (fresh arrays on every call). */
    readonly memory: HeapArena | null,
    private readonly onHeap: (arena: HeapArena, n: number) => T,
    private readonly plain: (n: number) => T,
  ) {}

  /** Buffers in the arena's number format ({@link HeapArena.dtype}); plain float64 without an arena. */
  static native(memory: HeapArena | null): BatchBuffers<Floats> {
    return new BatchBuffers<Floats>(
      memory,
      (a, n) => a.float(n),
      (n) => new Float64Array(n),
    );
  }

  /** float64 buffers whatever the arena's format (for networks that run in float64 only). */
  static float64(memory: HeapArena | null): BatchBuffers<Float64Array> {
    return new BatchBuffers<Float64Array>(
      memory,
      (a, n) => a.f64(n),
      (n) => new Float64Array(n),
    );
  }

  /**
   * A buffer of n elements for `name` at batch size `batch`, holding a copy of `init` if given
   * (its first n elements; without an arena `init` itself is returned). A new batch size
   * releases every buffer of the previous one.
   */
  get(name: string, batch: number, n: number, init?: T): T {
    if (!this.memory) return init ?? this.plain(n);
    if (batch !== this.batchOf) {
      this.batchMemory?.dispose();
      this.batchMemory = this.memory.child();
      this.batchOf = batch;
      this.bufs.clear();
    }
    let b = this.bufs.get(name);
    if (!b) {
      b = this.onHeap(this.batchMemory!, n);
      this.bufs.set(name, b);
    }
    if (init) b.set(init.subarray(0, n));
    return b;
  }
}
