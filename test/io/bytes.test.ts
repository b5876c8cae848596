/**
 * `readBytes`: the readers on a file already in memory (the lab's Your-data panel in a browser)
 * give the same variables and arrays as the path-based `inspectFile` and `readArrays`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inspectFile, readArrays, readBytes } from "../../src/io/read.ts";
import { fx } from "./coded.ts";

test("readBytes (the browser's path: a file in memory) lists and reads exactly what inspectFile and readArrays give", async () => {
  for (const file of [
    "f8_c.npy",
    "compressed.npz",
    "plain.npz",
    "v5_compressed.mat",
    "v5_uncompressed.mat",
    "v5_bigendian.mat",
    "glnn.mat",
  ]) {
    const path = fx(file);
    const r = await readBytes(new Uint8Array(readFileSync(path)), file);
    const want = await inspectFile(path);
    assert.equal(r.format, want.format, file);
    assert.equal(r.file, file);
    assert.deepEqual(r.variables, want.variables, file);
    const arrays = (await readArrays(path)).variables;
    assert.deepEqual([...r.arrays.keys()], [...arrays.keys()], file);
    for (const [k, a] of arrays) assert.deepEqual(r.arrays.get(k), a, `${file}: ${k}`);
  }
  // HDF5 from bytes needs h5wasm's in-memory file system: on Node, one line saying to use a path.
  await assert.rejects(
    readBytes(new Uint8Array(readFileSync(fx("h5py.h5"))), "h5py.h5"),
    /^LiquidwaveError: readBytes: h5py\.h5: on Node, HDF5 files are read from a path/,
  );
});

test("DEFLATE has one implementation, with no node:zlib (the lab runs these readers in a browser)", () => {
  for (const f of ["zip.ts", "mat5.ts", "npz.ts", "inflate.ts", "read.ts", "hdf5.ts"]) {
    const code = readFileSync(new URL(`../../src/io/${f}`, import.meta.url), "utf8");
    assert.doesNotMatch(code, /from "node:zlib"|from "node:module"/, f);
  }
});
