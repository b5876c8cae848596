import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeNpy, parseNpy, readNpy, writeNpy } from "../../src/io/npy.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import type { DType } from "../../src/core/ndarray.ts";
import { assertCoded, assertSameArray, codedArray, FILE_DTYPES, fx } from "./coded.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-npy-"));

test("numpy-written C-order float64 is read element by element", () => {
  assertCoded(readNpy(fx("f8_c.npy")), [2, 3, 4], "float64");
});

test("Fortran-ordered .npy files are reordered to C order (real, complex 4-D, big-endian)", () => {
  assertCoded(readNpy(fx("f8_fortran.npy")), [2, 3, 4], "float64");
  assertCoded(readNpy(fx("c8_fortran.npy")), [3, 2, 4, 5], "complex64");
  assertCoded(readNpy(fx("f4_be_fortran.npy")), [3, 4], "float32");
});

test("big-endian complex128 is byte-swapped and split into planar parts", () => {
  assertCoded(readNpy(fx("c16_be.npy")), [2, 3], "complex128");
});

test("every integer dtype in both byte orders reads exactly", () => {
  const cases: [string, DType, number?][] = [
    ["int_i1.npy", "int8", 100],
    ["int_u1.npy", "uint8", 100],
    ["int_lei2.npy", "int16"],
    ["int_bei2.npy", "int16"],
    ["int_leu2.npy", "uint16"],
    ["int_lei4.npy", "int32"],
    ["int_bei4.npy", "int32"],
    ["int_leu4.npy", "uint32"],
    ["int_lei8.npy", "int64"],
    ["int_bei8.npy", "int64"],
    ["int_leu8.npy", "uint64"],
    ["int_beu8.npy", "uint64"],
  ];
  for (const [f, d, mod] of cases) assertCoded(readNpy(fx(f)), [2, 3], d, mod ? { mod } : {});
});

test("bool, float16 (widened to float32), 0-d scalars and empty arrays read", () => {
  assertCoded(readNpy(fx("bool.npy")), [2, 3], "bool");
  assertCoded(readNpy(fx("f2.npy")), [2, 3], "float32");
  const s = readNpy(fx("scalar.npy"));
  assert.deepEqual(s.shape, []);
  assert.equal(s.data[0], 2.5);
  const e = readNpy(fx("empty.npy"));
  assert.deepEqual(e.shape, [0, 3]);
  assert.equal(e.dtype, "float32");
  assert.equal(e.data.length, 0);
});

test("format versions 2.0 and 3.0 headers read", () => {
  assertCoded(readNpy(fx("v2.npy")), [2, 2], "complex128");
  assertCoded(readNpy(fx("v3.npy")), [2, 2], "complex128");
});

test("object and structured arrays are rejected with the dtype named", () => {
  assert.throws(
    () => readNpy(fx("object.npy")),
    (e: Error) => e instanceof LiquidwaveError && /'\|O'.*object arrays/.test(e.message),
  );
  assert.throws(
    () => readNpy(fx("structured.npy")),
    (e: Error) => e instanceof LiquidwaveError && /structured dtype/.test(e.message),
  );
});

test("our writer produces byte-identical files to numpy for C-order arrays", () => {
  const numpy = readFileSync(fx("f8_c.npy"));
  const ours = encodeNpy(readNpy(fx("f8_c.npy")));
  assert.deepEqual(Buffer.from(ours), numpy);
  // the Fortran-ordered fixture re-encodes as numpy's C-order file of the same array
  assert.deepEqual(Buffer.from(encodeNpy(readNpy(fx("f8_fortran.npy")))), numpy);
});

test("the writer pads the header so data starts at a multiple of 64 bytes", () => {
  for (const shape of [[], [7], [3, 5, 2], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]) {
    const b = encodeNpy(codedArray(shape, "float64"));
    const hl = b[8]! | (b[9]! << 8);
    assert.equal((10 + hl) % 64, 0, `shape [${shape}]`);
    assert.equal(b[10 + hl - 1], 0x0a, "header ends with a newline");
  }
});

test("every dtype round-trips through writeNpy and readNpy exactly (>= 3-D)", () => {
  const dtypes = FILE_DTYPES;
  for (const d of dtypes) {
    const a = codedArray([2, 3, 4], d);
    const p = join(tmp, `rt_${d}.npy`);
    writeNpy(p, a);
    assertSameArray(readNpy(p), a, d);
    assertSameArray(parseNpy(encodeNpy(a)), a, `${d} in memory`);
  }
});

test("the writer rejects inconsistent arrays before writing", () => {
  assert.throws(() => encodeNpy({ shape: [2, 2], dtype: "float64", data: new Float64Array(3) }), /needs 4/);
  assert.throws(() => encodeNpy({ shape: [2], dtype: "float64", data: new Float32Array(2) }), /Float64Array/);
  assert.throws(() => encodeNpy({ shape: [2], dtype: "complex128", data: new Float64Array(2) }), /imag/);
});
