/**
 * Issue 12 (reliability), readers and budgets: tiny hostile files that declared huge sizes
 * (crashes of V8), bombs, reference DAGs and struct arrays in v7.3 files (hangs), null / empty
 * markers (uninitialised data), prototype keys. Each input is crafted here, a few hundred bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { setMemoryLimit } from "../../src/core/budget.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import { parsePythonLiteral } from "../../src/core/python-literal.ts";
import { inspectHdf5, readHdf5 } from "../../src/io/hdf5.ts";
import { writeNpz } from "../../src/io/npz.ts";
import { inspectFile, readArrays } from "../../src/io/read.ts";
import { modelFromJSON } from "../../src/nn/serialize.ts";
import { runCliInProcess } from "../cli/cli-helpers.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-rel-io-"));
let serial = 0;
function put(bytes: Uint8Array, ext = "bin"): string {
  const p = join(tmp, `f${serial++}.${ext}`);
  writeFileSync(p, bytes);
  return p;
}

/** One-line LiquidwaveError matching `re`, or success; never another error. */
async function outcome(f: () => unknown): Promise<LiquidwaveError | undefined> {
  try {
    await f();
    return undefined;
  } catch (e) {
    assert.ok(e instanceof LiquidwaveError, `not a LiquidwaveError: ${String(e)}`);
    assert.ok(!e.message.includes("\n"), `multi-line message: ${e.message}`);
    return e;
  }
}

// --- MAT v5 crafting --------------------------------------------------------------------------
function tag(type: number, payload: Uint8Array): Uint8Array {
  const pad = (8 - (payload.length % 8)) % 8;
  const out = new Uint8Array(8 + payload.length + pad);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, payload.length, true);
  out.set(payload, 8);
  return out;
}
/** An miCOMPRESSED element: a tag and the zlib stream, not padded. */
function compressed(el: Uint8Array): Uint8Array {
  const z = deflateSync(el);
  const out = new Uint8Array(8 + z.length);
  new DataView(out.buffer).setUint32(0, 15, true);
  new DataView(out.buffer).setUint32(4, z.length, true);
  out.set(z, 8);
  return out;
}
const u32 = (...v: number[]) => new Uint8Array(Uint32Array.from(v).buffer);
const i32 = (...v: number[]) => new Uint8Array(Int32Array.from(v).buffer);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
function matHeader(): Uint8Array {
  const h = new Uint8Array(128).fill(0x20);
  h.set(new TextEncoder().encode("MATLAB 5.0 MAT-file, crafted by the liquidwave tests"), 0);
  h.set([0, 0, 0, 0, 0, 0, 0, 0], 116);
  h.set([0x00, 0x01, 0x49, 0x4d], 124); // version 0x0100, "IM" (little-endian)
  return h;
}
/** A struct matrix element `s` of `dims` with no fields (field name length 32, no names). */
function emptyStruct(dims: number[]): Uint8Array {
  return tag(
    14,
    cat(tag(6, u32(2, 0)), tag(5, i32(...dims)), tag(1, new TextEncoder().encode("s")), tag(5, i32(32)), tag(1, new Uint8Array(0))),
  );
}

test("MAT v5: a 200-byte struct declaring [2^31-1 x 1e6] elements without fields is no crash (nothing materialised)", async () => {
  const bytes = cat(matHeader(), emptyStruct([2 ** 31 - 1, 1e6]));
  assert.ok(bytes.length < 256, `${bytes.length} bytes`);
  const p = put(bytes, "mat");
  const t0 = performance.now();
  const info = await inspectFile(p);
  assert.deepEqual(info.variables[0]!.shape, [2 ** 31 - 1, 1e6]);
  assert.equal(info.variables[0]!.readable, false);
  assert.equal((await readArrays(p)).variables.size, 0);
  assert.ok(performance.now() - t0 < 2000);
});

test("MAT v5: a compressed struct [1e4 x 1e4] (about 180 bytes) and one whose fields the bytes cannot hold", async () => {
  const p = put(cat(matHeader(), compressed(emptyStruct([1e4, 1e4]))), "mat");
  assert.equal((await inspectFile(p)).variables[0]!.dtype, "struct");
  // One field 'f' declared for 1e8 elements, with no bytes for them.
  const withField = tag(
    14,
    cat(
      tag(6, u32(2, 0)),
      tag(5, i32(1e4, 1e4)),
      tag(1, new TextEncoder().encode("s")),
      tag(5, i32(8)),
      tag(1, new TextEncoder().encode("f\0\0\0\0\0\0\0")),
    ),
  );
  const e = await outcome(() => inspectFile(put(cat(matHeader(), compressed(withField)), "mat")));
  assert.match(e!.message, /declares 100000000 struct elements x 1 fields but its element has only 0 bytes left/);
});

test("bombs: inflation stops at the memory limit (MAT v5 deflate, zip member), one line naming the size and the limit", async () => {
  setMemoryLimit(1 << 20);
  try {
    // 8 MB of zeros inside a 16 MB double array element, deflated to a few kB.
    const n = 1 << 20;
    const el = tag(14, cat(tag(6, u32(6, 0)), tag(5, i32(n, 1)), tag(1, new TextEncoder().encode("x")), tag(9, new Uint8Array(8 * n))));
    const mat = put(cat(matHeader(), compressed(el)), "mat");
    let e = await outcome(() => readArrays(mat));
    assert.match(e!.message, /inflates to more than 1\.00 MiB, the memory limit \(--max-memory\)/);
    const npz = join(tmp, "bomb.npz");
    writeNpz(npz, { x: { shape: [n], dtype: "float64", data: new Float64Array(n) } });
    e = await outcome(() => readArrays(npz));
    assert.match(e!.message, /member 'x\.npy' \(8388736 bytes declared\) needs 8\.00 MiB, above the memory limit of 1\.00 MiB/);
  } finally {
    setMemoryLimit(null);
  }
});

test("prototype keys: a .npy header or a Python literal with __proto__ is refused", async () => {
  const hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), '__proto__': {'x': 1}}";
  const text = hdr.padEnd(118, " ") + "\n";
  const npy = cat(
    new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0]),
    new TextEncoder().encode(text),
    new Uint8Array(8),
  );
  const e = await outcome(() => readArrays(put(npy, "npy")));
  assert.match(e!.message, /key '__proto__' is not allowed/);
  assert.throws(() => parsePythonLiteral("{'__proto__': 1}", "t"), /dict key '__proto__' is not allowed/);
  assert.throws(() => parsePythonLiteral("f(constructor=1)", "t"), /keyword argument 'constructor' is not allowed/);
});

test("a 120-byte model file asking for billions of weights is refused before the allocator", async () => {
  const doc = { format: "liquidwave-model/1", config: { type: "lstm", inputSize: 1, hiddenSize: 40000 }, parameters: [], meta: {} };
  assert.ok(JSON.stringify(doc).length < 128);
  const e = await outcome(() => modelFromJSON(doc, "loadModel"));
  assert.match(e!.message, /^loadModel: a lstm model of up to \d+ parameters .* needs [\d.]+ GiB, above the memory limit/);
});

test("CLI flags within their bounds that asked for unbounded memory: wiring of 40000 units, a UMi drive of 72,000 km and of 300 km", async () => {
  let r = await runCliInProcess(["wiring", "show", "--type", "random", "--units", "40000"]);
  assert.equal(r.code, 1);
  assert.match(r.err, /^liquidwave: [\w.]+: .* needs [\d.]+ [GT]iB.*above the (memory )?limit/m);
  r = await runCliInProcess([
    "channel",
    "generate",
    "--preset",
    "umi-6ghz",
    "--speed",
    "1000",
    "--dt",
    "3600",
    "--samples",
    "20",
    "--out",
    join(tmp, "u.npz"),
  ]);
  assert.equal(r.code, 1);
  assert.match(r.err, /generateChannel: a UMi drive of 7\.20e\+4 km per user .* needs [\d.]+ GiB of JavaScript heap, above the limit/);
  r = await runCliInProcess([
    "channel",
    "generate",
    "--preset",
    "umi-6ghz",
    "--users",
    "4",
    "--speed",
    "30",
    "--dt",
    "0.5",
    "--samples",
    "20000",
    "--out",
    join(tmp, "u.npz"),
  ]);
  assert.equal(r.code, 1);
  assert.match(r.err, /a UMi drive of 300 km per user/);
});

// --- HDF5 / v7.3 crafted with h5wasm -------------------------------------------------------
test("v7.3: a 5000-element struct array inspects quickly; a 40-level reference DAG is refused, not walked 2^40 times; MATLAB_empty [5, 7] reads as empty", {
  timeout: 120_000,
}, async () => {
  const h5 = await import("h5wasm/node");
  await h5.ready;
  const path = join(tmp, "refs.h5");
  // biome-ignore lint/suspicious/noExplicitAny: h5wasm's reference API is untyped here
  const f: any = new h5.File(path, "w");
  f.create_group("#refs#");
  f.create_dataset({ name: "#refs#/e", data: new Float64Array([1]), shape: [1, 1] });
  f.get("#refs#/e").create_attribute("MATLAB_class", "double");
  const r = f.get("#refs#/e").create_reference();
  f.create_group("s");
  f.get("s").create_attribute("MATLAB_class", "struct");
  f.create_dataset({ name: "s/x", data: Array(5000).fill(r), shape: [5000, 1] });
  f.create_dataset({ name: "z", data: new BigUint64Array([5n, 7n]), shape: [2] });
  f.get("z").create_attribute("MATLAB_class", "double");
  f.get("z").create_attribute("MATLAB_empty", 1);
  f.close();
  let t0 = performance.now();
  const vars = await inspectHdf5(path, true, "inspect");
  const ms = performance.now() - t0;
  assert.equal(vars.filter((v) => v.name.startsWith("s(")).length, 5000);
  assert.ok(ms < 10_000, `${ms} ms for 5000 elements`); // ~1 s on an idle core (was quadratic: 60 s+)
  const z = (await readHdf5(path, true, ["z"], "read")).get("z")!;
  assert.deepEqual([z.shape, z.data.length], [[0, 0], 0]);

  const dagPath = join(tmp, "dag.h5");
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const g: any = new h5.File(dagPath, "w");
  g.create_group("#refs#");
  g.create_dataset({ name: "#refs#/e", data: new Float64Array([1]), shape: [1, 1] });
  let prev = "#refs#/e";
  for (let l = 0; l < 40; l++) {
    const rr = g.get(prev).create_reference();
    g.create_dataset({ name: `#refs#/d${l}`, data: [rr, rr], shape: [2, 1] });
    g.get(`#refs#/d${l}`).create_attribute("MATLAB_class", "cell");
    prev = `#refs#/d${l}`;
  }
  g.create_dataset({ name: "dag", data: [g.get(prev).create_reference()], shape: [1, 1] });
  g.get("dag").create_attribute("MATLAB_class", "cell");
  g.close();
  t0 = performance.now();
  const e = await outcome(() => inspectHdf5(dagPath, true, "inspect"));
  assert.match(e!.message, /shared containers revisited more than 1000 times .*a reference DAG/);
  assert.ok(performance.now() - t0 < 30_000);
});
