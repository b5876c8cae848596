/**
 * Explicit ownership of WebAssembly heap memory. A {@link HeapArena} owns the heap blocks allocated
 * through it and gives them all back in {@link HeapArena.dispose} (also `[Symbol.dispose]`, so
 * `using` works): a model holds one for its parameters, gradients, caches and scratch, an
 * optimiser state holds one for its moments. Nothing waits for the garbage collector or for the
 * event loop to turn, so a synchronous loop that builds, trains and disposes models runs in flat
 * heap memory.
 *
 * While {@link HeapArena.run} executes, the arena is the *current* one: the allocation helpers
 * (`heapF64`, `heapI32`, `heapFrom` in alloc.ts) allocate from it. This is how layers and cells,
 * which call those helpers, end up owned by the model that builds them, without threading an owner
 * through every constructor. Arenas nest ({@link HeapArena.child}): a model keeps its per-batch
 * caches in a child that it disposes when the batch size changes.
 *
 * Values obtained from an arena (a model's parameter arrays) are valid until it is disposed. As a
 * safety net an arena that is garbage-collected without dispose() returns its blocks then; a
 * {@link Param} keeps its arena reachable, a bare Float64Array does not.
 *
 * Without WebAssembly (or with heap allocation switched off), arenas hand out plain typed arrays
 * and dispose only marks themselves disposed.
 */
import type { DType, Floats } from "../dtype.ts";
import { fail, LiquidwaveError } from "../errors.ts";
import { wasmRuntime } from "./runtime.ts";
import type { WasmHeap } from "./heap.ts";

/** The heap limit was reached: the message names the request, the bytes in use and the limit. */
export class HeapFullError extends LiquidwaveError {
  override readonly name = "HeapFullError";
}

/** Throw the documented heap-full error for a request of `bytes` (see {@link setHeapLimit} in alloc.ts). */
export function failHeapFull(where: string, heap: WasmHeap, bytes: number): never {
  throw new HeapFullError(
    where,
    `WebAssembly heap full: cannot allocate ${bytes} bytes with ${heap.inUse} bytes in use and a limit of ${heap.limitBytes} bytes ` +
      "(dispose() models and optimiser states no longer needed, or raise the limit with setHeapLimit)",
  );
}

let current: HeapArena | null = null;
/** Whether arenas allocate on the heap (see setHeapAllocation in alloc.ts). */
let heapEnabled = true;

/** @internal Switch heap allocation on or off for arenas; returns the previous setting. */
export function setArenaHeap(on: boolean): boolean {
  const prev = heapEnabled;
  heapEnabled = on;
  return prev;
}

/** What a collected-but-undisposed arena gives back (must not reference the arena itself). */
interface Holdings {
  blocks: Set<number>;
  heap: WasmHeap | null;
}

/**
 * Safety net only: an arena that becomes unreachable without dispose() (a model dropped without
 * disposing it) has its blocks returned when the collector notices. Correct programs dispose; the
 * net keeps code written before explicit ownership from exhausting the heap.
 */
const forgotten = new FinalizationRegistry<Holdings>((h) => {
  if (h.heap) for (const a of h.blocks) h.heap.freeBlock(a);
  h.blocks.clear();
});

export class HeapArena {
  private readonly holdings: Holdings = { blocks: new Set<number>(), heap: null };
  /** Block addresses owned by this arena. */
  private readonly blocks = this.holdings.blocks;
  private readonly children = new Set<HeapArena>();
  private get heap(): WasmHeap | null {
    return this.holdings.heap;
  }
  private set heap(h: WasmHeap | null) {
    this.holdings.heap = h;
  }
  private ownBytes = 0;
  private isDisposed = false;
  /** Element type of {@link float} buffers: the number format of the model owning this arena. */
  readonly dtype: DType;

  /**
   * @param name - the owner's name, used in error messages (e.g. `"CfC"`)
   * @param parent - an arena whose dispose also disposes this one
   * @param dtype - element type of {@link float} buffers (a model's number format); default the
   *   parent's, else `"float64"`
   */
  constructor(
    readonly name: string,
    private readonly parent: HeapArena | null = null,
    dtype?: DType,
  ) {
    this.dtype = dtype ?? parent?.dtype ?? "float64";
    if (parent) {
      parent.check("child");
      parent.children.add(this);
    }
    forgotten.register(this, this.holdings, this);
  }

  /** The arena that allocation helpers use now, or null (then they use GC-tracked blocks). */
  static current(): HeapArena | null {
    return current;
  }

  /** True after {@link dispose}. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Heap bytes (class sizes) held by this arena and its children. */
  get bytes(): number {
    let b = this.ownBytes;
    for (const c of this.children) b += c.bytes;
    return b;
  }

  /** Run `fn` with this arena as the current one (restored afterwards, also on a throw). */
  run<T>(fn: () => T): T {
    this.check("run");
    const prev = current;
    current = this;
    try {
      return fn();
    } finally {
      current = prev;
    }
  }

  /** A zeroed Float64Array of `n` elements owned by this arena (heap-full is a {@link HeapFullError}). */
  f64(n: number): Float64Array {
    const a = this.alloc(n * 8, "heapF64");
    return a < 0 ? new Float64Array(n) : new Float64Array(this.heap!.buffer, a, n);
  }

  /** A zeroed buffer of `n` elements in this arena's {@link dtype}. */
  float(n: number): Floats {
    return this.dtype === "float32" ? this.f32(n) : this.f64(n);
  }

  /** A zeroed Float32Array of `n` elements owned by this arena (for the float32 kernels). */
  f32(n: number): Float32Array {
    const a = this.alloc(n * 4, "heapF32");
    return a < 0 ? new Float32Array(n) : new Float32Array(this.heap!.buffer, a, n);
  }

  /** A zeroed Int32Array of `n` elements owned by this arena. */
  i32(n: number): Int32Array {
    const a = this.alloc(n * 4, "heapI32");
    return a < 0 ? new Int32Array(n) : new Int32Array(this.heap!.buffer, a, n);
  }

  /**
   * Give back the block of `view` (from {@link f64}/{@link i32} of this arena) before the arena is
   * disposed; the view must not be used again. Views of other arenas are ignored.
   */
  free(view: Float64Array | Float32Array | Int32Array): void {
    const heap = this.heap;
    if (!heap?.owns(view) || !this.blocks.delete(view.byteOffset)) return;
    this.ownBytes -= sizeOfBlock(heap, view.byteOffset);
    heap.freeBlock(view.byteOffset);
  }

  /** A child arena, disposed with this one (or earlier on its own). */
  child(name = this.name): HeapArena {
    return new HeapArena(name, this);
  }

  /** Give back every block of this arena and its children; further use is an error. Idempotent. */
  dispose(): void {
    if (this.isDisposed) return;
    for (const c of [...this.children]) c.dispose();
    const heap = this.heap;
    if (heap) for (const a of this.blocks) heap.freeBlock(a);
    this.blocks.clear();
    this.ownBytes = 0;
    this.isDisposed = true;
    forgotten.unregister(this);
    this.parent?.children.delete(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** One-line error when the arena was disposed. */
  check(what: string): void {
    if (this.isDisposed) fail(`${this.name}.${what}`, `the ${this.name} was disposed (dispose() released its memory); build a new one`);
  }

  /** Address of a new owned block, or −1 for "use a plain array" (no heap). */
  private alloc(bytes: number, where: string): number {
    this.check(where);
    if (!heapEnabled) return -1;
    const rt = wasmRuntime();
    if (!rt) return -1;
    this.heap = rt.heap;
    const a = rt.heap.allocBlock(bytes);
    if (a < 0) failHeapFull(where, rt.heap, bytes);
    this.blocks.add(a);
    this.ownBytes += sizeOfBlock(rt.heap, a);
    return a;
  }
}

function sizeOfBlock(heap: WasmHeap, addr: number): number {
  return heap.blockSize(addr);
}
