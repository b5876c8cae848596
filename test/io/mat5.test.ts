import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readMat5, writeMat5 } from "../../src/io/mat5.ts";
import { inspectFile, readArrays } from "../../src/io/read.ts";
import type { NdArray } from "../../src/core/ndarray.ts";
import { assertCoded, assertSameArray, codedArray, FILE_DTYPES, fx } from "./coded.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-mat5-"));

for (const file of ["v5_compressed.mat", "v5_uncompressed.mat"]) {
  test(`scipy ${file}: N-D complex, real, integer, logical and struct/cell leaves keep MATLAB shapes and values`, () => {
    const m = readMat5(fx(file));
    assertCoded(m.get("channel")!, [3, 2, 4, 5], "complex64");
    assertCoded(m.get("location")!, [3, 3], "float32");
    assertCoded(m.get("d3")!, [2, 3, 4], "float64");
    // a numpy vector is saved as a 1 x n row: the index code of [0, j] is 10 + (j + 1)
    const vec = m.get("vec")!;
    assert.deepEqual(vec.shape, [1, 5]);
    assert.deepEqual(Array.from(vec.data as Float64Array), [1, 2, 3, 4, 5]);
    assert.deepEqual(m.get("scalar")!.shape, [1, 1]);
    assert.equal(m.get("scalar")!.data[0], 7);
    assertCoded(m.get("i16")!, [2, 3], "int16");
    assertCoded(m.get("u8")!, [2, 3], "uint8", { mod: 100 });
    assertCoded(m.get("i64")!, [2, 3], "int64");
    assertCoded(m.get("flag")!, [2, 2], "bool");
    assertCoded(m.get("s.a")!, [2, 2], "float64");
    assertCoded(m.get("s.b.c")!, [2, 3], "complex128");
    assertCoded(m.get("cel{1}")!, [1, 2], "float64");
    assertCoded(m.get("cel{2}")!, [2, 2], "complex64");
    assert.deepEqual(m.get("empty")!.shape, [0, 0]);
    // text and sparse are listed by inspect but are not numeric arrays
    assert.equal(m.has("text"), false);
    assert.equal(m.has("sparse"), false);
  });
}

test("inspect reports every leaf with its MATLAB shape, numeric or not", async () => {
  const r = await inspectFile(fx("v5_compressed.mat"));
  assert.equal(r.format, "mat5");
  const byName = new Map(r.variables.map((v) => [v.name, v]));
  assert.deepEqual([...byName.get("channel")!.shape], [3, 2, 4, 5]);
  assert.equal(byName.get("channel")!.dtype, "complex64");
  assert.equal(byName.get("text")!.dtype, "char");
  assert.equal(byName.get("text")!.readable, false);
  assert.equal(byName.get("sparse")!.dtype, "sparse");
  assert.equal(byName.get("cel{3}")!.dtype, "char");
  assert.equal(byName.get("flag")!.dtype, "bool");
  // the uncompressed file lists exactly the same
  const u = await inspectFile(fx("v5_uncompressed.mat"));
  assert.deepEqual(u.variables, r.variables);
});

test("struct arrays and 2-D cells are named with MATLAB's 1-based linear (column-major) index", () => {
  const m = readMat5(fx("v5_arrays.mat"));
  assert.deepEqual([...m.keys()], ["sa(1).f", "sa(2).f", "c22{1}", "c22{2}", "c22{3}", "c22{4}"]);
  assert.deepEqual(m.get("sa(2).f")!.shape, [2, 1]);
  // c22(i, j) = 10 i + j; linear order is column-major: (1,1), (2,1), (1,2), (2,2)
  assert.deepEqual(
    ["c22{1}", "c22{2}", "c22{3}", "c22{4}"].map((k) => m.get(k)!.data[0]),
    [11, 21, 12, 22],
  );
});

test("big-endian ('MI') files are read", () => {
  const m = readMat5(fx("v5_bigendian.mat"));
  assertCoded(m.get("A")!, [2, 3, 2], "float64");
  assertCoded(m.get("Z")!, [2, 2], "complex128");
});

test("reading one variable names what is missing and what is not numeric", async () => {
  const r = await readArrays(fx("v5_compressed.mat"), { variables: ["s.b.c"] });
  assert.deepEqual([...r.variables.keys()], ["s.b.c"]);
  await assert.rejects(readArrays(fx("v5_compressed.mat"), { variables: ["text"] }), /'text' is char \[1, 5\], not a numeric array/);
  await assert.rejects(readArrays(fx("v5_compressed.mat"), { variables: ["sparse"] }), /'sparse' is sparse \[3, 3\].*not supported/);
  await assert.rejects(
    readArrays(fx("v5_compressed.mat"), { variables: ["s"] }),
    /'s' is a struct or cell; its variables are s.a, s.b.c, s.t/,
  );
  await assert.rejects(readArrays(fx("v5_compressed.mat"), { variables: ["nope"] }), /has no variable 'nope'/);
});

test("every dtype round-trips through writeMat5, compressed and not (N-D, complex, logical)", () => {
  const dtypes = FILE_DTYPES;
  for (const compress of [true, false]) {
    const vars: Record<string, NdArray> = {};
    for (const d of dtypes) vars[`x_${d}`] = codedArray([3, 2, 4, 2], d);
    const p = join(tmp, `rt_${compress}.mat`);
    writeMat5(p, vars, { compress });
    const back = readMat5(p);
    for (const k of Object.keys(vars)) assertSameArray(back.get(k)!, vars[k]!, `${k} compress=${compress}`);
  }
});

test("0-d and 1-d arrays become 1x1 and 1xn like scipy; trailing singleton dims are kept", () => {
  const p = join(tmp, "dims.mat");
  writeMat5(p, { s: codedArray([], "float64"), v: codedArray([4], "float64"), t: codedArray([2, 3, 1], "float64") });
  const m = readMat5(p);
  assert.deepEqual(m.get("s")!.shape, [1, 1]);
  assert.deepEqual(m.get("v")!.shape, [1, 4]);
  assert.deepEqual(Array.from(m.get("v")!.data as Float64Array), [1, 2, 3, 4]);
  assert.deepEqual(m.get("t")!.shape, [2, 3, 1]);
});

test("structs, struct arrays, cells and text written by writeMat5 read back as paths", async () => {
  const p = join(tmp, "tree.mat");
  writeMat5(p, {
    ds: {
      kind: "cell",
      items: [
        {
          kind: "struct",
          fields: {
            user: { kind: "cell", items: [{ kind: "struct", fields: { channel: codedArray([2, 3, 2], "complex128"), name: "u1" } }] },
          },
        },
      ],
    },
    sa: { kind: "struct", elements: [{ f: codedArray([1, 2], "float64") }, { f: codedArray([2, 1], "float32") }], shape: [1, 2] },
  });
  const m = readMat5(p);
  assertCoded(m.get("ds{1}.user{1}.channel")!, [2, 3, 2], "complex128");
  assertCoded(m.get("sa(2).f")!, [2, 1], "float32");
  const r = await inspectFile(p);
  assert.deepEqual(
    r.variables.map((v) => v.name),
    ["ds{1}.user{1}.channel", "ds{1}.user{1}.name", "sa(1).f", "sa(2).f"],
  );
});

test("writeMat5 rejects names MATLAB cannot load", () => {
  assert.throws(() => writeMat5(join(tmp, "bad.mat"), { "1x": codedArray([1], "float64") }), /not a valid MATLAB variable name/);
});

test("MATLAB's compact storage (doubles stored as uint8/int16, small-element names) is widened to the class type", () => {
  // Hand-built little-endian file: A = [1 2 3; 4 5 6] + 1i * -[1 2 3; 4 5 6], class double,
  // real part stored as miUINT8, imaginary part as miINT16, the name in the 4-byte small form.
  const u32 = (out: number[], ...v: number[]) => v.forEach((x) => out.push(x & 0xff, (x >> 8) & 0xff, (x >> 16) & 0xff, (x >>> 24) & 0xff));
  const pad = (out: number[]) => {
    while (out.length % 8) out.push(0);
  };
  const body: number[] = [];
  u32(body, 6, 8, 6 | 0x800, 0); // array flags: class double, complex bit
  u32(body, 5, 8, 2, 3); // dims 2 x 3
  u32(body, (1 << 16) | 1); // small element: miINT8, 1 byte
  body.push(0x41, 0, 0, 0); // "A"
  u32(body, 2, 6); // miUINT8, 6 bytes, column-major 1 4 2 5 3 6
  body.push(1, 4, 2, 5, 3, 6);
  pad(body);
  u32(body, 3, 12); // miINT16, 12 bytes
  for (const v of [-1, -4, -2, -5, -3, -6]) body.push(v & 0xff, (v >> 8) & 0xff);
  pad(body);
  const header = new Uint8Array(128).fill(0x20);
  header.set([0, 0, 0, 0, 0, 0, 0, 0], 116);
  header.set([0x00, 0x01, 0x49, 0x4d], 124); // version 0x0100, "IM"
  const tag: number[] = [];
  u32(tag, 14, body.length); // miMATRIX
  const file = new Uint8Array([...header, ...tag, ...body]);
  const p = join(tmp, "compact.mat");
  writeFileSync(p, file);
  const a = readMat5(p).get("A")!;
  assert.equal(a.dtype, "complex128");
  assert.deepEqual(a.shape, [2, 3]);
  assert.deepEqual(Array.from(a.data as Float64Array), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(a.imag as Float64Array), [-1, -2, -3, -4, -5, -6]);
});
