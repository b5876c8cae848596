import { test } from "node:test";
import assert from "node:assert/strict";
import { inspectFile, readArrays } from "../../src/io/read.ts";
import { assertCoded, fx } from "./coded.ts";

test("a MATLAB v7.3 file (512-byte user block) is detected and keeps MATLAB shapes", async () => {
  const r = await inspectFile(fx("mat73.mat"));
  assert.equal(r.format, "mat73");
  const info = new Map(r.variables.map((v) => [v.name, v]));
  assert.deepEqual([...info.get("H")!.shape], [3, 2, 4]);
  assert.equal(info.get("H")!.dtype, "complex128");
  assert.equal(info.get("T")!.dtype, "char");
  assert.equal(info.get("T")!.readable, false);
});

test("MATLAB v7.3: reversed dims are undone and every element sits at its MATLAB multi-index", async () => {
  const { variables: v } = await readArrays(fx("mat73.mat"));
  assertCoded(v.get("H")!, [3, 2, 4], "complex128"); // compound {real, imag}
  assertCoded(v.get("X")!, [2, 3], "float32");
  assertCoded(v.get("G")!, [2, 3, 2], "float64"); // gzip-chunked, big-endian storage
  assertCoded(v.get("L")!, [2, 2], "bool");
  assertCoded(v.get("I")!, [1, 3], "int32");
  assertCoded(v.get("S.x")!, [2, 1], "float64");
  assertCoded(v.get("S.inner.y")!, [1, 2], "complex128");
  assertCoded(v.get("C{1}")!, [1, 3], "float64"); // cell element through an object reference
  assertCoded(v.get("C{2}")!, [2, 2], "complex64");
  assert.deepEqual(v.get("E")!.shape, [0, 0]);
  assert.equal(v.has("T"), false);
});

test("h5py files: compound {r, i} complex, big-endian, float16, scalars keep numpy shapes", async () => {
  const r = await inspectFile(fx("h5py.h5"));
  assert.equal(r.format, "hdf5");
  const { variables: v } = await readArrays(fx("h5py.h5"));
  assertCoded(v.get("c8")!, [2, 3, 4], "complex64");
  assertCoded(v.get("c16_be")!, [2, 2], "complex128");
  assertCoded(v.get("f8_be")!, [2, 3], "float64");
  assertCoded(v.get("i2")!, [3], "int16");
  assertCoded(v.get("f2")!, [2, 2], "float32");
  assert.deepEqual(v.get("scalar")!.shape, []);
  assert.equal(v.get("scalar")!.data[0], 4.25);
});

test("groups give slash paths, *_re/*_im pairs join into one complex variable, strings are listed unreadable", async () => {
  const r = await inspectFile(fx("h5py_groups.h5"));
  const info = new Map(r.variables.map((x) => [x.name, x]));
  assert.deepEqual([...info.keys()].sort(), ["channel_00001/coeff", "grp/z", "name", "pair"]);
  assert.equal(info.get("name")!.dtype, "string");
  assert.equal(info.get("pair")!.dtype, "compound");
  const { variables: v } = await readArrays(fx("h5py_groups.h5"), { variables: ["channel_00001/coeff", "grp/z"] });
  assertCoded(v.get("channel_00001/coeff")!, [2, 3], "complex64");
  assertCoded(v.get("grp/z")!, [4, 5], "float64");
  await assert.rejects(readArrays(fx("h5py_groups.h5"), { variables: ["name"] }), /'name' is string \[\], not a numeric array/);
  await assert.rejects(readArrays(fx("h5py_groups.h5"), { variables: ["missing"] }), /has no variable 'missing'/);
});

test("MATLAB v7.3 struct arrays (fields of references) become s(k).f; sparse is listed, not read", async () => {
  const { variables: v } = await readArrays(fx("mat73.mat"), { variables: ["SA(1).f", "SA(2).f"] });
  assertCoded(v.get("SA(1).f")!, [1, 2], "float64");
  assertCoded(v.get("SA(2).f")!, [2, 2], "float32");
  const sp = (await inspectFile(fx("mat73.mat"))).variables.find((x) => x.name === "SP")!;
  assert.equal(sp.dtype, "sparse");
  assert.equal(sp.readable, false);
  await assert.rejects(readArrays(fx("mat73.mat"), { variables: ["SP"] }), /'SP' is sparse.*not supported/);
});
