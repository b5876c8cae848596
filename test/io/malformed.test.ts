/**
 * Malformed, truncated and hostile files: every failure must be one LiquidwaveError line that
 * names the function and the problem; never a crash, a hang or a huge allocation.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LiquidwaveError } from "../../src/core/errors.ts";
import { inspectFile, readArrays } from "../../src/io/read.ts";
import { writeMat5 } from "../../src/io/mat5.ts";
import { writeNpz } from "../../src/io/npz.ts";
import { codedArray, fx } from "./coded.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-bad-"));
let serial = 0;
function put(bytes: Uint8Array): string {
  const p = join(tmp, `f${serial++}.bin`);
  writeFileSync(p, bytes);
  return p;
}

/** Run both entry points; return the error (a LiquidwaveError, one line) or undefined on success. */
async function outcome(path: string): Promise<LiquidwaveError | undefined> {
  let err: unknown;
  for (const f of [() => inspectFile(path), () => readArrays(path)]) {
    try {
      await f();
    } catch (e) {
      err ??= e;
      assert.ok(e instanceof LiquidwaveError, `not a LiquidwaveError: ${String(e)}`);
      assert.ok(!e.message.includes("\n"), `multi-line message: ${e.message}`);
    }
  }
  return err as LiquidwaveError | undefined;
}

const TRUNCATED: [string, string, RegExp][] = [
  ["f8_c.npy", "npy", /truncated|not a \.npy|unknown file format|empty/],
  ["c8_fortran.npy", "npy", /truncated|not a \.npy|unknown file format|empty/],
  ["compressed.npz", "npz", /zip|truncated|unknown file format|empty/],
  ["plain.npz", "npz", /zip|truncated|unknown file format|empty/],
  ["v5_compressed.mat", "mat5", /MAT v5|truncated|unknown file format|empty/],
  ["v5_uncompressed.mat", "mat5", /MAT v5|truncated|unknown file format|empty/],
  ["mat73.mat", "mat73", /HDF5|v7\.3|truncated|unknown file format|empty/],
  ["h5py.h5", "hdf5", /HDF5|truncated|unknown file format|empty/],
];

for (const [name, format, re] of TRUNCATED) {
  test(`${format} file ${name} cut at 24 offsets gives one clear error each time`, { timeout: 60_000 }, async () => {
    const full = readFileSync(fx(name));
    let failures = 0;
    const cuts = new Set<number>([0, 1, 7, 9, 11, 64, 127, 128, 129, 200, 511, 512, 520, full.length - 1]);
    for (let k = 1; cuts.size < 24; k++) cuts.add(Math.floor((full.length * k) / 11));
    for (const cut of cuts) {
      if (cut >= full.length) continue;
      const e = await outcome(put(full.subarray(0, cut)));
      if (e) {
        failures++;
        assert.match(e.message, re, `cut at ${cut}`);
      } else {
        // Only a MAT v5 file cut exactly between two variables is itself a valid file.
        assert.equal(format, "mat5", `${name} cut at ${cut} of ${full.length} was accepted`);
      }
    }
    assert.ok(failures >= cuts.size - 3, `${failures} of ${cuts.size} cuts failed`);
  });
}

test("flipped magic bytes are an unknown format, naming the first bytes", async () => {
  for (const name of ["f8_c.npy", "plain.npz", "v5_compressed.mat", "h5py.h5"]) {
    const b = Buffer.from(readFileSync(fx(name)));
    b[0] ^= 0xff;
    if (name.endsWith(".mat")) b[126] ^= 0xff; // the MAT v5 endian indicator
    const e = await outcome(put(b));
    assert.ok(e, name);
    assert.match(e.message, /unknown file format \(first bytes [0-9a-f ]+\)/, name);
  }
});

function npyWithHeader(dict: string, dataBytes = 0): Uint8Array {
  const text = dict.padEnd(Math.ceil((dict.length + 11) / 64) * 64 - 11, " ") + "\n";
  const b = new Uint8Array(10 + text.length + dataBytes);
  b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
  for (let i = 0; i < text.length; i++) b[10 + i] = text.charCodeAt(i);
  return b;
}

test(".npy headers with a wrong dtype, bad shape or missing keys are rejected by name", async () => {
  const cases: [string, RegExp][] = [
    ["{'descr': '<x9', 'fortran_order': False, 'shape': (2,), }", /\(\.npy\): dtype '<x9' is not supported/],
    ["{'descr': '<f16', 'fortran_order': False, 'shape': (2,), }", /dtype '<f16' is not supported/],
    ["{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }", /unicode string arrays/],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", /'shape' is not a tuple of non-negative integers/],
    ["{'descr': '<f8', 'fortran_order': 3, 'shape': (2,), }", /'fortran_order' is not True\/False/],
    ["{'descr': '<f8', 'shape': (2,), }", /lacks 'descr', 'fortran_order' or 'shape'/],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (2,), ", /malformed \.npy header/],
    ["[1, 2]", /header is not a dict/],
  ];
  for (const [dict, re] of cases) {
    const e = await outcome(put(npyWithHeader(dict, 16)));
    assert.ok(e, dict);
    assert.match(e.message, re, dict);
  }
});

test("a .npy header declaring 10^12 elements fails on the size check, before allocating", async () => {
  const e = await outcome(put(npyWithHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", 64)));
  assert.ok(e);
  assert.match(e.message, /truncated: shape \[1000000, 1000000\] of '<f8' needs 8000000000000 data bytes, file has 64/);
  const v = await outcome(put(Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 10, 0)));
  assert.match(v!.message, /unsupported \.npy format version 9\.0/);
});

test("a MAT v5 matrix declaring 10^10 elements is rejected before allocating", async () => {
  const p = join(tmp, "dims.mat");
  writeMat5(p, { a: codedArray([2, 2], "float64") }, { compress: false });
  const b = Buffer.from(readFileSync(p));
  // header 128 + matrix tag 8 + flags element 16 + dims tag 8 -> dims at byte 160
  assert.equal(b.readInt32LE(160), 2);
  b.writeInt32LE(100000, 160);
  b.writeInt32LE(100000, 164);
  const e = await outcome(put(b));
  assert.ok(e);
  assert.match(e.message, /MAT v5.*'a' declares dims \[100000, 100000\] \(10000000000 elements\)/);
});

test("a corrupt zlib stream in a compressed MAT v5 variable is reported with its offset", async () => {
  const p = join(tmp, "z.mat");
  writeMat5(p, { a: codedArray([8, 8], "float64") });
  const b = Buffer.from(readFileSync(p));
  for (let i = 150; i < 170; i++) b[i] ^= 0x5a;
  const e = await outcome(put(b));
  assert.ok(e);
  assert.match(e.message, /MAT v5.*compressed element at byte 128 does not inflate|MAT v5/);
});

test("an npz member claiming an impossible uncompressed size is refused before inflating", async () => {
  const p = join(tmp, "bomb.npz");
  writeNpz(p, { a: codedArray([4, 4], "float64") });
  const b = Buffer.from(readFileSync(p));
  const cd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  b.writeUInt32LE(0xfffffff0, cd + 24); // uncompressed size in the central directory
  const e = await outcome(put(b));
  assert.ok(e);
  assert.match(e.message, /member 'a.npy' claims 4294967280 bytes from \d+ compressed/);
});

test("an empty file and a missing file give one clear line", async () => {
  assert.match((await outcome(put(new Uint8Array(0))))!.message, /is empty/);
  await assert.rejects(readArrays(join(tmp, "none.npy")), /no such file/);
});

test("an HDF5 dataset declaring 10^12 elements is listed by inspect and refused by read", async () => {
  const r = await inspectFile(fx("h5_huge.h5"));
  assert.deepEqual([...r.variables[0]!.shape], [100000, 100000, 100]);
  const e = await outcome(fx("h5_huge.h5"));
  assert.ok(e);
  assert.match(e.message, /dataset '\/big' \[100000, 100000, 100\] float64 needs 14\.6 TiB, above the memory limit/);
});
