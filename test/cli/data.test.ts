import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliInProcess } from "./cli-helpers.ts";
import { readNpy } from "../../src/io/npy.ts";
import { assertCoded, fx } from "../io/coded.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-cli-data-"));

const run = runCliInProcess;

test("data inspect --json prints exactly one document with file, format and variables", async () => {
  const r = await run(["data", "inspect", fx("v5_compressed.mat"), "--json"]);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.equal(doc.format, "mat5");
  assert.equal(doc.file, fx("v5_compressed.mat"));
  const ch = doc.variables.find((v: { name: string }) => v.name === "channel");
  assert.deepEqual(ch, { name: "channel", shape: [3, 2, 4, 5], dtype: "complex64", readable: true });
});

test("the format comes from the bytes, not the extension", async () => {
  const p = join(tmp, "really_npz.mat");
  copyFileSync(fx("compressed.npz"), p);
  const doc = JSON.parse((await run(["data", "inspect", p, "--json"])).out);
  assert.equal(doc.format, "npz");
  const h5 = join(tmp, "matlab73.bin");
  copyFileSync(fx("mat73.mat"), h5);
  assert.equal(JSON.parse((await run(["data", "inspect", h5, "--json"])).out).format, "mat73");
});

test("data inspect without --json prints a table", async () => {
  const r = await run(["data", "inspect", fx("h5py.h5")]);
  assert.equal(r.code, 0);
  assert.match(r.out, /h5py\.h5: hdf5, 6 variables/);
  assert.match(r.out, /c8\s+\[2, 3, 4\]\s+complex64/);
});

test("data convert writes a C-ordered .npy with the MATLAB shape and complex dtype kept", async () => {
  const out = join(tmp, "ch.npy");
  const r = await run(["data", "convert", fx("mat73.mat"), "--var", "H", "--out", out, "--json"]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { out, variable: "H", shape: [3, 2, 4], dtype: "complex128" });
  assertCoded(readNpy(out), [3, 2, 4], "complex128");
  const out2 = join(tmp, "c.npy");
  assert.equal((await run(["data", "convert", fx("v5_uncompressed.mat"), "--var", "s.b.c", "--out", out2])).code, 0);
  assertCoded(readNpy(out2), [2, 3], "complex128");
});

test("data convert errors are one line with exit code 1", async () => {
  const r = await run(["data", "convert", fx("v5_compressed.mat"), "--var", "nope", "--out", join(tmp, "x.npy")]);
  assert.equal(r.code, 1);
  assert.equal(r.err.trim().split("\n").length, 1);
  assert.match(r.err, /has no variable 'nope'/);
  const m = await run(["data", "convert", fx("v5_compressed.mat"), "--out", join(tmp, "x.npy")]);
  assert.equal(m.code, 1);
  assert.match(m.err, /--var is required: .* has 14 readable variables/);
  const n = await run(["data", "convert", fx("f8_c.npy"), "--out", join(tmp, "y.npy"), "--json"]);
  assert.equal(n.code, 0, n.err);
  assert.equal(JSON.parse(n.out).variable, "array");
});
