/**
 * Inspection reads headers, not data: a counting byte source checks how much of a big file
 * `inspect` touches.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ByteSource } from "../../src/io/source.ts";
import { fileSource } from "../../src/io/source.ts";
import { encodeNpy, readNpyHeader } from "../../src/io/npy.ts";
import { inspectNpzSource, writeNpz } from "../../src/io/npz.ts";
import { inspectMat5Source, writeMat5 } from "../../src/io/mat5.ts";
import { inspectFile } from "../../src/io/read.ts";
import type { NdArray } from "../../src/core/ndarray.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-inspect-"));

function counting(path: string): { src: ByteSource; bytes: () => number } {
  const inner = fileSource(path, "test");
  let n = 0;
  const src: ByteSource = {
    size: inner.size,
    label: inner.label,
    read: (o, l, w) => {
      n += l;
      return inner.read(o, l, w);
    },
    readInto: (o, d, w) => {
      n += d.length;
      return inner.readInto(o, d, w);
    },
    close: () => inner.close(),
  };
  return { src, bytes: () => n };
}

/** 1M float64 values that deflate poorly (so compressed files stay ~8 MB). */
function noisy(): NdArray {
  const d = new Float64Array(1 << 20);
  for (let i = 0; i < d.length; i++) d[i] = Math.sin(i * 12.9898) * 43758.5453;
  return { shape: [1024, 1024], dtype: "float64", data: d };
}

test("inspecting an 800 MB .npy reads only its header", async () => {
  const p = join(tmp, "big.npy");
  const header = encodeNpy({ shape: [0], dtype: "float64", data: new Float64Array(0) });
  // rewrite the shape to 10^8 elements, then extend the file (sparse) to the declared size
  const text = Buffer.from(header)
    .toString("latin1")
    .replace("(0,), }", "(100000000,), }")
    .slice(0, header.length - 1);
  const h = Buffer.from(text.padEnd(header.length - 1, " ") + "\n", "latin1");
  writeFileSync(p, h);
  truncateSync(p, h.length + 8e8);
  const c = counting(p);
  const info = readNpyHeader(c.src);
  c.src.close();
  assert.deepEqual(info.shape, [100000000]);
  assert.ok(c.bytes() < 1024, `read ${c.bytes()} bytes`);
  const r = await inspectFile(p);
  assert.deepEqual(r.variables[0]!.shape, [100000000]);
});

test("inspecting 8 MB npz members reads the directory and member headers only", () => {
  for (const compress of [false, true]) {
    const p = join(tmp, `big_${compress}.npz`);
    writeNpz(p, { a: noisy(), b: noisy() }, { compress });
    const c = counting(p);
    const v = inspectNpzSource(c.src);
    c.src.close();
    assert.deepEqual(
      v.map((x) => [x.name, [...x.shape]]),
      [
        ["a", [1024, 1024]],
        ["b", [1024, 1024]],
      ],
    );
    assert.ok(c.bytes() < 80_000, `compress=${compress}: read ${c.bytes()} of ${c.src.size} bytes`);
  }
});

test("inspecting 8 MB MAT v5 variables reads only their headers, compressed or not", () => {
  for (const compress of [false, true]) {
    const p = join(tmp, `big_${compress}.mat`);
    writeMat5(p, { a: noisy(), b: noisy() }, { compress });
    const c = counting(p);
    const v = inspectMat5Source(c.src);
    c.src.close();
    assert.deepEqual(
      v.map((x) => [x.name, [...x.shape]]),
      [
        ["a", [1024, 1024]],
        ["b", [1024, 1024]],
      ],
    );
    assert.ok(c.bytes() < 20_000, `compress=${compress}: read ${c.bytes()} of ${c.src.size} bytes`);
  }
});
