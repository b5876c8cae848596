import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeNpzParts, readNpz, writeNpz } from "../../src/io/npz.ts";
import { crc32 } from "../../src/io/zip.ts";
import { inspectFile } from "../../src/io/read.ts";
import type { NdArray } from "../../src/core/ndarray.ts";
import { assertCoded, assertSameArray, codedArray, FILE_DTYPES, fx } from "./coded.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-npz-"));

test("crc32 matches the standard check value", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

test("np.savez (stored) members read with their keys and values", () => {
  const m = readNpz(fx("plain.npz"));
  assert.deepEqual([...m.keys()], ["a", "c", "i"]);
  assertCoded(m.get("a")!, [2, 3], "float64");
  assertCoded(m.get("c")!, [2, 2, 2], "complex64");
  assertCoded(m.get("i")!, [4], "int32");
});

test("np.savez_compressed (deflated, ZIP64 extra fields) members read", () => {
  const m = readNpz(fx("compressed.npz"));
  assertCoded(m.get("H")!, [2, 3, 4], "complex128");
  assertCoded(m.get("pos")!, [2, 3], "float32");
});

test("reading a subset returns only the requested arrays and names a missing one", () => {
  const m = readNpz(fx("compressed.npz"), ["pos"]);
  assert.deepEqual([...m.keys()], ["pos"]);
  assert.throws(() => readNpz(fx("compressed.npz"), ["nope"]), /has no array 'nope' \(arrays: H, pos\)/);
});

test("arrays of every dtype round-trip through writeNpz, compressed and stored", () => {
  const dtypes = FILE_DTYPES;
  const arrays: Record<string, NdArray> = {};
  for (const d of dtypes) arrays[`x_${d}`] = codedArray([3, 2, 2], d);
  for (const compress of [true, false]) {
    const p = join(tmp, `all_${compress}.npz`);
    writeNpz(p, arrays, { compress });
    const back = readNpz(p);
    assert.deepEqual([...back.keys()], Object.keys(arrays));
    for (const k of Object.keys(arrays)) assertSameArray(back.get(k)!, arrays[k]!, k);
  }
});

test("writeNpz is deterministic: the same arrays give the same bytes", () => {
  const a = { H: codedArray([2, 3, 4], "complex128") };
  const b1 = Buffer.concat(encodeNpzParts(a));
  const b2 = Buffer.concat(encodeNpzParts(a));
  assert.ok(b1.equals(b2));
});

test("inspect lists npz members from their headers", async () => {
  const r = await inspectFile(fx("compressed.npz"));
  assert.equal(r.format, "npz");
  assert.deepEqual(
    r.variables.map((v) => [v.name, [...v.shape], v.dtype]),
    [
      ["H", [2, 3, 4], "complex128"],
      ["pos", [2, 3], "float32"],
    ],
  );
});

test("a corrupted member fails its CRC check with the member named", () => {
  const p = join(tmp, "stored.npz");
  writeNpz(p, { a: codedArray([4, 4], "float64") }, { compress: false });
  const b = readFileSync(p);
  b[b.length - 200] ^= 0xff; // inside the data of the only member
  const bad = join(tmp, "stored_bad.npz");
  writeFileSync(bad, b);
  assert.throws(() => readNpz(bad), /member 'a.npy' fails its CRC-32 check/);
});
