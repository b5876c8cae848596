/**
 * The WebAssembly assembler: byte encodings against the WebAssembly specification's examples, modules that the engine
 * validates and runs, and type errors caught while building rather than by the engine.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteSink } from "../../src/core/wasm/encode.ts";
import { f64, f64x2, i32, i64, i64x2, select, v128 } from "../../src/core/wasm/expr.ts";
import { ModuleBuilder } from "../../src/core/wasm/module.ts";
import { hasWasmSimd } from "../../src/core/wasm/features.ts";

const bytes = (f: (s: ByteSink) => void) =>
  Array.from(
    (() => {
      const s = new ByteSink();
      f(s);
      return s.toBytes();
    })(),
  );

test("LEB128 encodes the core spec's examples and the i32/i64 extremes", () => {
  assert.deepEqual(
    bytes((s) => s.u32(0)),
    [0],
  );
  assert.deepEqual(
    bytes((s) => s.u32(127)),
    [0x7f],
  );
  assert.deepEqual(
    bytes((s) => s.u32(128)),
    [0x80, 0x01],
  );
  assert.deepEqual(
    bytes((s) => s.u32(624485)),
    [0xe5, 0x8e, 0x26],
  );
  assert.deepEqual(
    bytes((s) => s.u32(0xffffffff)),
    [0xff, 0xff, 0xff, 0xff, 0x0f],
  );
  assert.deepEqual(
    bytes((s) => s.i32(-1)),
    [0x7f],
  );
  assert.deepEqual(
    bytes((s) => s.i32(63)),
    [0x3f],
  );
  assert.deepEqual(
    bytes((s) => s.i32(64)),
    [0xc0, 0x00],
  );
  assert.deepEqual(
    bytes((s) => s.i32(-64)),
    [0x40],
  );
  assert.deepEqual(
    bytes((s) => s.i32(-65)),
    [0xbf, 0x7f],
  );
  assert.deepEqual(
    bytes((s) => s.i32(-123456)),
    [0xc0, 0xbb, 0x78],
  );
  assert.deepEqual(
    bytes((s) => s.i32(-0x80000000)),
    [0x80, 0x80, 0x80, 0x80, 0x78],
  );
  // i32.const takes its value modulo 2^32: 0xffffffff is −1.
  assert.deepEqual(
    bytes((s) => s.i32(0xffffffff)),
    [0x7f],
  );
  assert.deepEqual(
    bytes((s) => s.i64(-(1n << 63n))),
    [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f],
  );
  assert.deepEqual(
    bytes((s) => s.i64((1n << 63n) - 1n)),
    [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00],
  );
  assert.deepEqual(
    bytes((s) => s.f64(1)),
    [0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
  );
  assert.throws(() => bytes((s) => s.u32(-1)), /u32 out of range/);
  assert.throws(() => bytes((s) => s.i32(2 ** 32)), /i32 out of range/);
});

test("an empty module is the 8-byte header and validates", () => {
  const b = new ModuleBuilder().toBytes();
  assert.deepEqual(Array.from(b.subarray(0, 8)), [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  assert.ok(WebAssembly.validate(b));
});

test("scalar code: loops, branches, if/else, select, calls and i64 run as written", () => {
  const m = new ModuleBuilder();
  const double = m.function("double", { params: ["f64"], results: ["f64"] }, (f) => f.ret(f64.mul(f.params[0]!.get(), f64.const(2))), {
    exported: false,
  });
  // Σ_{i<n} 2i, skipping multiples of 3 (if/else inside a for loop), via a call.
  m.function("sum", { params: ["i32"], results: ["f64"] }, (f) => {
    const [n] = f.params;
    const i = f.local("i32"),
      acc = f.local("f64");
    f.for(i, i32.const(0), n!.get(), 1, () => {
      f.block((skip) => {
        // i mod 3 = i − 3·⌊43691·i / 2¹⁷⌋ (exact for i < 2¹⁵)
        f.brIf(
          skip,
          i32.eq(i32.sub(i.get(), i32.mul(i32.shr_u(i32.mul(i.get(), i32.const(43691)), i32.const(17)), i32.const(3))), i32.const(0)),
        );
        // Even i through the call, odd i inline: both add 2i.
        f.if(
          i32.eqz(i32.and(i.get(), i32.const(1))),
          () => f.set(acc, f64.add(acc.get(), f.call(double, f64.convert_i32_s(i.get())))),
          () => f.set(acc, f64.add(acc.get(), f64.convert_i32_s(i32.shl(i.get(), i32.const(1))))),
        );
      });
    });
    f.ret(acc.get());
  });
  m.function("pick", { params: ["i32", "f64", "f64"], results: ["f64"] }, (f) =>
    f.ret(select(f.params[1]!.get(), f.params[2]!.get(), f.params[0]!.get())),
  );
  m.function("low32", { params: [], results: ["i32"] }, (f) =>
    f.ret(i32.wrap_i64(i64.add(i64.const(0x1_0000_0005n), i64.shl(i64.const(1n), i64.const(33n))))),
  );
  const b = m.toBytes();
  assert.ok(WebAssembly.validate(b));
  const ex = new WebAssembly.Instance(new WebAssembly.Module(b)).exports as Record<string, (...a: number[]) => number>;
  let want = 0;
  for (let i = 0; i < 100; i++) if (i % 3 !== 0) want += 2 * i;
  assert.equal(ex["sum"]!(100), want);
  assert.equal(ex["pick"]!(1, 5, 7), 5);
  assert.equal(ex["pick"]!(0, 5, 7), 7);
  assert.equal(ex["low32"]!(), 5);
  assert.equal(ex["double"], undefined, "unexported functions stay internal");
});

test("SIMD code on a shared imported memory: loads, lane ops, shuffles, stores", { skip: !hasWasmSimd() }, () => {
  const m = new ModuleBuilder();
  m.importMemory("env", "memory", { initial: 1, maximum: 2, shared: true });
  // out[0..1] = [a₀ + b₁, a₁·b₀]; out[2] = lane-select; out[3] = 2^3 via exponent bits
  m.function("go", { params: ["i32", "i32", "i32"], results: [] }, (f) => {
    const [a, b, out] = f.params;
    const va = f.local("v128"),
      vb = f.local("v128");
    f.set(va, v128.load(a!.get()));
    f.set(vb, v128.load(b!.get()));
    const swapped = f64x2.interleaveLo(f64x2.interleaveHi(vb.get(), vb.get()), vb.get()); // [b₁, b₀]
    f.do(v128.store(out!.get(), f64x2.add(va.get(), swapped)));
    f.do(v128.store64_lane(out!.get(), f64x2.mul(va.get(), swapped), 1, 8));
    f.do(v128.store64_lane(out!.get(), v128.bitselect(va.get(), vb.get(), f64x2.lt(va.get(), vb.get())), 0, 16));
    f.do(v128.store64_lane(out!.get(), i64x2.add(i64x2.shl(i64x2.const(3n), i32.const(52)), f64x2.const(1)), 0, 24));
  });
  const b = m.toBytes();
  assert.ok(WebAssembly.validate(b));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  const ex = new WebAssembly.Instance(new WebAssembly.Module(b), { env: { memory } }).exports as Record<string, (...a: number[]) => void>;
  const h = new Float64Array(memory.buffer);
  h.set([1, 10, 3, 4], 0);
  ex["go"]!(0, 16, 32);
  assert.deepEqual(Array.from(h.subarray(4, 8)), [1 + 4, 10 * 3, 1, 8]);
});

test("operand types are checked while building", () => {
  const m = new ModuleBuilder();
  assert.throws(() => f64.add(f64.const(1), i32.const(1)), /operand 1 is i32, expected f64/);
  assert.throws(() => f64x2.add(f64.const(1), f64x2.const(1)), /operand 0 is f64, expected v128/);
  assert.throws(() => m.function("bad", { params: [], results: [] }, (f) => f.set(f.local("i32"), f64.const(1))), /needs i32, got f64/);
  assert.throws(() => v128.shuffle(f64x2.const(0), f64x2.const(0), [0, 1]), /16 lanes/);
  const m2 = new ModuleBuilder();
  m2.function("f", { params: [], results: [] }, () => {});
  assert.throws(() => m2.importFunction("env", "g", { params: [], results: [] }), /imports before/);
});
