/**
 * The shared WebAssembly heap: block sizes, alignment, zeroing, reuse, growth (old views stay
 * valid and keep seeing the same memory), the maximum, and release of blocks whose views were
 * garbage-collected.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { WasmHeap, sizeClass } from "../../src/core/wasm/heap.ts";

test("size classes are multiples of 64 covering the request with at most 25 % (or 63 bytes) to spare", () => {
  let prev = 0;
  for (let b = 1; b < 1 << 20; b = Math.ceil(b * 1.07) + 1) {
    const c = sizeClass(b);
    assert.ok(c >= b && c <= Math.max(b + 63, 1.25 * b), `class ${c} for ${b} bytes`);
    assert.equal(c % 64, 0, `class ${c} keeps the next block aligned`);
    assert.ok(c >= prev, "monotone");
    prev = c;
  }
});

test("blocks are zeroed, 64-byte aligned, disjoint and recognised as heap views", () => {
  const heap = new WasmHeap(1);
  const views = [1, 3, 9, 10, 17, 100, 1000, 5].map((n) => heap.f64(n)!);
  for (const v of views) {
    assert.ok(heap.owns(v));
    assert.equal(v.byteOffset % 64, 0);
    assert.ok(v.every((x) => x === 0));
    v.fill(7);
  }
  const ranges = views.map((v) => [v.byteOffset, v.byteOffset + v.byteLength] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i]![0] >= ranges[i - 1]![1], "blocks overlap");
  assert.ok(!heap.owns(new Float64Array(4)), "a plain array is not a heap view");
  assert.equal(heap.i32(5)!.byteOffset % 64, 0);
});

test("a freed block is reused for the same size class, zeroed again", () => {
  const heap = new WasmHeap(1);
  const a = heap.f64(100)!;
  a.fill(3);
  const at = a.byteOffset,
    used = heap.inUse;
  heap.free(a);
  assert.ok(heap.inUse < used);
  const b = heap.f64(99)!;
  assert.equal(b.byteOffset, at);
  assert.ok(b.every((x) => x === 0));
});

test("growing the memory keeps earlier views valid and aliased to the same bytes", () => {
  const heap = new WasmHeap(1);
  const early = heap.f64(16)!;
  early.set(Array.from({ length: 16 }, (_, i) => i + 0.5));
  const before = heap.size;
  const big = heap.f64(200_000)!; // 1.6 MB: several growths
  assert.ok(heap.size > before && big !== null);
  assert.ok(heap.owns(early) && heap.owns(big));
  assert.deepEqual(
    Array.from(early),
    Array.from({ length: 16 }, (_, i) => i + 0.5),
  );
  // A view made now on the current buffer sees writes through the old one, and vice versa.
  const now = new Float64Array(heap.memory.buffer, early.byteOffset, 16);
  early[3] = -1;
  assert.equal(now[3], -1);
  now[4] = -2;
  assert.equal(early[4], -2);
});

test("allocation beyond the maximum returns null instead of failing", () => {
  const heap = new WasmHeap(1, 2);
  assert.ok(heap.f64(1000));
  assert.equal(heap.f64(20_000), null, "160 kB cannot fit in 128 kB");
  assert.ok(heap.f64(1000), "small blocks still fit");
});

test("blocks are released when their views are collected, but not while a registered sub-view lives", async () => {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  const heap = new WasmHeap(1);
  const keep = (() => {
    heap.f64(500); // dropped at once
    const parent = heap.f64(600)!;
    return heap.subview(parent, 10, 20); // parent dropped, its sub-view kept
  })();
  const busy = sizeClassOf(600);
  for (let round = 0; round < 20 && heap.inUse > busy; round++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(heap.inUse, busy, "only the block with a live sub-view is still in use");
  keep[0] = 1; // still usable
  assert.equal(keep[0], 1);
});

function sizeClassOf(n: number): number {
  return sizeClass(8 * n);
}
