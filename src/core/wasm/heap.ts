/**
 * The WebAssembly heap: one *shared* `WebAssembly.Memory` whose buffers cells allocate their
 * parameters, gradients and caches from, so that the wasm kernels run on them in place.
 *
 * Why shared memory: a shared memory's buffer is a SharedArrayBuffer, and growing it never
 * detaches existing views (a non-shared ArrayBuffer would be detached by `memory.grow`). Each
 * growth exposes a new SharedArrayBuffer object over the same backing store, so "is this view on
 * the heap" means "is its buffer one of the buffers this memory has exposed" (a WeakSet).
 *
 * Allocation: 64-byte aligned blocks from a bump pointer, with free lists per size class (four
 * classes per power of two, so at most 25 % is wasted). Two kinds of blocks:
 *
 * - **owned** blocks ({@link WasmHeap.allocBlock} / {@link WasmHeap.freeBlock}): their owner (a
 *   {@link HeapArena}, held by a model or an optimiser state) gives them back explicitly; nothing
 *   waits for the garbage collector. Models, their caches and scratch use these.
 * - **tracked** blocks ({@link WasmHeap.f64} / {@link WasmHeap.i32}): returned when every view
 *   registered for them has been garbage-collected (FinalizationRegistry, reference counted; the
 *   callbacks run only when the event loop turns). Only allocations made outside any arena (cells
 *   or layers built directly, not through a model) use them.
 *
 * Caveat for tracked blocks: a plain `.subarray()` does not keep the block alive; a sub-view that
 * may outlive its parent must come from {@link WasmHeap.subview}. Views handed to a worker through
 * `postMessage` share memory instead of being copied; copy them (`.slice()`) first.
 *
 * The memory grows on demand (x1.5) up to {@link WasmHeap.limitBytes} (default and hard maximum
 * 2 GiB); a request beyond it is an error ({@link HeapFullError} from the allocation helpers),
 * never a silent fallback.
 */

const PAGE = 65536;
const ALIGN = 64;
/** 2 GiB: addresses stay below 2^31, so they pass through i32 parameters without sign issues. */
const MAX_PAGES = 32768;
/** The default (and largest) heap limit in bytes: 2 GiB. */
export const MAX_HEAP_BYTES = MAX_PAGES * PAGE;

/**
 * Size class of a request in bytes: multiples of 64 (so every block stays 64-byte aligned), with
 * at most four classes per power of two above 256 bytes.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const e = Math.floor(Math.log2(bytes - 1)); // 2^e < bytes <= 2^(e+1)
  const step = Math.max(2 ** (e - 2), ALIGN);
  return Math.ceil(bytes / step) * step;
}

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** The most recent buffer: a fast identity check before the WeakSet lookup. */
  private current: SharedArrayBuffer;
  private top = ALIGN; // address 0 is never handed out: kernels use 0 for "no pointer"
  private readonly freeLists = new Map<number, number[]>();
  /** Live registered views per block address, and each block's class size. */
  private readonly refs = new Map<number, number>();
  private readonly sizes = new Map<number, number>();
  /** Block of every registered view. */
  private readonly blockOfView = new WeakMap<ArrayBufferView, number>();
  private readonly registry = new FinalizationRegistry<number>((addr) => this.release(addr));
  private bytesInUse = 0;
  private ownedBlocks = 0;
  /**
   * The most bytes the memory may span (a multiple of 64 KiB, at most {@link MAX_HEAP_BYTES});
   * allocations beyond it fail. Lowering it does not shrink memory already grown.
   */
  limitBytes = MAX_HEAP_BYTES;

  /**
   * @param initialPages - pages (64 KiB) committed at start
   * @param maxPages - the most the memory may grow to (modules importing it must declare the same)
   */
  constructor(
    initialPages = 16,
    readonly maxPages = MAX_PAGES,
  ) {
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: maxPages, shared: true });
    this.current = this.memory.buffer as unknown as SharedArrayBuffer;
    this.buffers.add(this.current);
  }

  /** Bytes in live blocks (class sizes). */
  get inUse(): number {
    return this.bytesInUse;
  }

  /** Highest address handed out so far (the bump pointer): the heap's high-water mark in bytes. */
  get highWater(): number {
    return this.top;
  }

  /** Live owned blocks ({@link allocBlock} minus {@link freeBlock}). */
  get ownedCount(): number {
    return this.ownedBlocks;
  }

  /** The buffer over the whole memory as it is now (views on it stay valid when it grows). */
  get buffer(): SharedArrayBuffer {
    return this.current;
  }

  /** Bytes the memory currently spans. */
  get size(): number {
    return this.memory.buffer.byteLength;
  }

  /** True when `a` is a view on this heap. */
  owns(a: ArrayBufferView): boolean {
    const b = a.buffer;
    return b === this.current || this.buffers.has(b);
  }

  /**
   * A zeroed Float64Array of `n` elements on the heap, or null when the heap is full.
   * The block is freed once the returned view (and every {@link subview} of it) is collected.
   */
  f64(n: number): Float64Array | null {
    const addr = this.allocBytes(n * 8);
    if (addr < 0) return null;
    const v = new Float64Array(this.current, addr, n);
    this.track(v, addr);
    return v;
  }

  /** A zeroed Int32Array of `n` elements on the heap, or null when the heap is full. */
  i32(n: number): Int32Array | null {
    const addr = this.allocBytes(n * 4);
    if (addr < 0) return null;
    const v = new Int32Array(this.current, addr, n);
    this.track(v, addr);
    return v;
  }

  /**
   * `parent.subarray(begin, end)`, registered with the parent's block so that the block stays
   * allocated while either view lives. `parent` must come from {@link f64} or {@link subview}.
   */
  subview(parent: Float64Array, begin: number, end: number): Float64Array {
    const v = parent.subarray(begin, end);
    const addr = this.blockOf(parent);
    if (addr < 0) throw new Error("WasmHeap.subview: parent is not a registered heap view");
    this.refs.set(addr, this.refs.get(addr)! + 1);
    this.registry.register(v, addr, v);
    this.blockOfView.set(v, addr);
    return v;
  }

  /** Give back the block of a view from {@link f64}/{@link i32} now; the view must not be used again. */
  free(v: Float64Array | Int32Array): void {
    const addr = this.blockOf(v);
    if (addr < 0) return;
    this.blockOfView.delete(v);
    if (this.registry.unregister(v)) this.release(addr);
  }

  /**
   * Address of a zeroed block of at least `bytes` that only {@link freeBlock} returns (no
   * garbage-collector tracking), or −1 when the heap limit does not allow it.
   */
  allocBlock(bytes: number): number {
    const addr = this.allocBytes(bytes);
    if (addr >= 0) this.ownedBlocks++;
    return addr;
  }

  /** True when `v` is a GC-tracked view (from {@link f64}, {@link i32} or {@link subview}). */
  isTracked(v: ArrayBufferView): boolean {
    return this.blockOfView.has(v);
  }

  /** Class size in bytes of the block at `addr`. */
  blockSize(addr: number): number {
    return this.sizes.get(addr) ?? 0;
  }

  /** Give back a block from {@link allocBlock}; its views must not be used again. */
  freeBlock(addr: number): void {
    this.ownedBlocks--;
    this.release(addr);
  }

  private track(v: Float64Array | Int32Array, addr: number): void {
    this.refs.set(addr, 1);
    this.registry.register(v, addr, v);
    this.blockOfView.set(v, addr);
  }

  /** Block address of a registered view, or −1. */
  private blockOf(v: ArrayBufferView): number {
    return this.blockOfView.get(v) ?? -1;
  }

  private release(addr: number): void {
    const left = (this.refs.get(addr) ?? 1) - 1;
    if (left > 0) {
      this.refs.set(addr, left);
      return;
    }
    this.refs.delete(addr);
    const size = this.sizes.get(addr)!;
    this.bytesInUse -= size;
    let list = this.freeLists.get(size);
    if (!list) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(addr);
  }

  /** Address of a fresh zeroed block of at least `bytes`, or −1 when the memory cannot grow. */
  private allocBytes(bytes: number): number {
    const size = sizeClass(Math.max(bytes, 1));
    const list = this.freeLists.get(size);
    let addr: number;
    if (list && list.length > 0) {
      addr = list.pop()!;
      new Uint8Array(this.current, addr, size).fill(0);
    } else {
      if (this.top + size > this.current.byteLength && !this.grow(this.top + size)) return -1;
      addr = this.top;
      this.top += size;
      this.sizes.set(addr, size);
    }
    this.bytesInUse += size;
    return addr;
  }

  private grow(needBytes: number): boolean {
    const have = this.memory.buffer.byteLength / PAGE;
    const need = Math.ceil(needBytes / PAGE);
    // Grow geometrically (x1.5) so that many small allocations do not grow page by page.
    const maxPages = Math.min(this.maxPages, Math.floor(this.limitBytes / PAGE));
    const want = Math.min(maxPages, Math.max(need, Math.ceil(have * 1.5)));
    if (need > maxPages) return false;
    try {
      this.memory.grow(want - have);
    } catch {
      return false;
    }
    this.current = this.memory.buffer as unknown as SharedArrayBuffer;
    this.buffers.add(this.current);
    return true;
  }
}
