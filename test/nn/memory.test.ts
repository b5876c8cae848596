/**
 * Explicit ownership of heap memory: models and optimiser states release their blocks in
 * dispose() (no garbage collector, no event-loop turn), a disposed model is a one-line error, and
 * a full heap is a HeapFullError naming the request and the limit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CfC, LTC, LSTM, MLP } from "../../src/nn/models.ts";
import { fit } from "../../src/training/fit.ts";
import { adam } from "../../src/training/adam.ts";
import { mseLoss } from "../../src/training/loss.ts";
import { HeapArena, HeapFullError, heapStats, kernelCalls, setHeapLimit } from "../../src/core/wasm/alloc.ts";
import { Mlp } from "../../src/nn/mlp.ts";
import { Rng } from "../../src/core/random.ts";
import { assertAllClose } from "../helpers/assert.ts";

const x = { shape: [2, 3, 2], data: Float64Array.from({ length: 12 }, (_, i) => Math.sin(i)) };
const y = { shape: [2, 3, 2], data: Float64Array.from({ length: 12 }, (_, i) => Math.cos(i)) };

/**
 * A train step by hand (optimiser state disposed explicitly), then a forward at a second batch
 * size, which replaces the caches of the first.
 */
function trainStepByHand(m: CfC | LTC): void {
  const opt = adam();
  const st = opt.init(m.params);
  const out = m.net.forward(x, { record: true, training: true });
  m.net.backward(mseLoss(out.output, y).grad);
  opt.step(m.params, st);
  m.forward({ shape: [1, 3, 2], data: x.data.subarray(0, 6) });
  st.dispose();
}

/**
 * After cycle i: every owned block is back, and from cycle 100 on the high-water mark stays at
 * its value after cycle 99. Returns the mark to carry to the next cycle.
 */
function checkCycle(i: number, before: NonNullable<ReturnType<typeof heapStats>>, mark: number): number {
  const s = heapStats()!;
  assert.equal(s.ownedBlocks, before.ownedBlocks, `cycle ${i}: every owned block was given back`);
  if (i === 99) return s.highWater;
  if (i > 99) assert.equal(s.highWater, mark, `cycle ${i}: high-water mark grew from ${mark} to ${s.highWater}`);
  return mark;
}

test("10,000 synchronous build-train-dispose cycles run in flat heap memory", () => {
  const before = heapStats();
  if (!before) return; // no WebAssembly: nothing lives on a heap
  let mark = 0;
  for (let i = 0; i < 10_000; i++) {
    const k = i % 3;
    const m =
      k === 0
        ? new CfC(2, 2, { backboneUnits: 4, seed: i })
        : k === 1
          ? new LTC(2, 2, { seed: i, odeUnfolds: 2 })
          : new MLP(6, [4], 6, { seed: i });
    if (m.kind === "sequence") {
      trainStepByHand(m);
    } else fit(m, { inputs: { shape: [2, 6], data: x.data }, targets: { shape: [2, 6], data: y.data } }, { epochs: 1 });
    m.dispose();
    mark = checkCycle(i, before, mark);
  }
});

test("float32 models: 1,000 build-train-dispose cycles give every block back, high-water mark flat", () => {
  const before = heapStats();
  if (!before) return;
  let mark = 0;
  for (let i = 0; i < 1000; i++) {
    const m =
      i % 2 === 0
        ? new CfC(2, 2, { backboneUnits: 4, seed: i, dtype: "float32" })
        : new LTC(2, 2, { seed: i, odeUnfolds: 2, dtype: "float32" });
    trainStepByHand(m);
    m.dispose();
    mark = checkCycle(i, before, mark);
  }
});

test("a disposed model, optimiser state or arena is a one-line error; `using` disposes at scope exit", () => {
  const m = new CfC(2, 3, { seed: 1 });
  m.dispose();
  m.dispose(); // idempotent
  assert.equal(m.disposed, true);
  assert.throws(
    () => m.forward(x),
    /^LiquidwaveError: CfC\.forward: the CfC was disposed \(dispose\(\) released its memory\); build a new one$/,
  );
  assert.throws(() => m.params, /CfC\.params: the CfC was disposed/);
  assert.throws(() => fit(m, { inputs: x, targets: y }, { epochs: 1 }), /CfC\.fit: the CfC was disposed/);
  const mlp = new MLP(3, [2], 1);
  mlp.dispose();
  assert.throws(() => mlp.forward([[1, 2, 3]]), /MLP\.forward: the MLP was disposed/);
  const l = new LSTM(2, 2);
  const opt = adam();
  const st = opt.init(l.params);
  st.dispose();
  assert.throws(
    () => opt.step(l.params, st),
    /^LiquidwaveError: adam\.step: the AdamState was disposed \(dispose\(\) released its memory\); call init again$/,
  );
  let kept: LTC;
  {
    using scoped = new LTC(2, 3);
    kept = scoped;
    assert.equal(scoped.disposed, false);
  }
  assert.equal(kept.disposed, true);
});

test("filling the heap gives the documented HeapFullError and frees nothing that is still owned", () => {
  const s0 = heapStats();
  if (!s0) return;
  const prev = setHeapLimit(s0.size); // no growth beyond what the memory spans now
  const arena = new HeapArena("filler");
  try {
    const err = assert.throws(() => {
      for (;;) arena.f64(1 << 16);
    }, HeapFullError) as unknown;
    void err;
    assert.throws(
      () => arena.f64(1 << 16),
      (e: Error) =>
        e instanceof HeapFullError &&
        /^heapF64: WebAssembly heap full: cannot allocate 524288 bytes with \d+ bytes in use and a limit of \d+ bytes \(dispose\(\) models and optimiser states no longer needed, or raise the limit with setHeapLimit\)$/.test(
          e.message,
        ),
    );
    // A model that does not fit fails the same way and leaves nothing behind.
    const owned = heapStats()!.ownedBlocks;
    assert.throws(() => new CfC(64, 256, { backboneUnits: 512 }), HeapFullError);
    assert.equal(heapStats()!.ownedBlocks, owned);
  } finally {
    arena.dispose();
    setHeapLimit(prev);
  }
  // With the memory back, the same request succeeds.
  using a = new HeapArena("again");
  assert.equal(a.f64(1 << 16).length, 1 << 16);
});

test("an MLP model runs the kernels on its own per-batch buffers and matches the JavaScript path to 1e-14", () => {
  const m = new MLP(12, [16, 8], 3, { seed: 4, activation: "tanh" });
  const ref = new Mlp(12, [16, 8], 3, "tanh"); // built outside a model: plain buffers, JavaScript loops
  ref.params.forEach((p, k) => p.value.set(m.params[k]!.value));
  const rng = new Rng(1);
  for (const B of [5, 2, 5]) {
    const x = { shape: [B, 12], data: rng.fillNormal(new Float64Array(B * 12)) };
    const calls = kernelCalls.gemm;
    const a = m.net.forward(x, { record: true }),
      b = ref.forward(x, { record: true });
    if (heapStats()) assert.ok(kernelCalls.gemm > calls, "the model's products ran in the kernels");
    const d = { shape: [B, 3], data: rng.fillNormal(new Float64Array(B * 3)) };
    const ga = m.net.backward(d),
      gb = ref.backward(d);
    assertAllClose(a.data, b.data, { rtol: 1e-14, atol: 1e-14, label: `output B=${B}` });
    assertAllClose(ga.data, gb.data, { rtol: 1e-14, atol: 1e-14, label: `dInput B=${B}` });
    m.params.forEach((p, k) => assertAllClose(p.grad, ref.params[k]!.grad, { rtol: 1e-14, atol: 1e-14, label: `${p.name}.grad B=${B}` }));
  }
  m.dispose();
});
