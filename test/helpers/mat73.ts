/**
 * MATLAB v7.3 files written with h5wasm for the tests (and the timing in docs/reliability.md):
 * an HDF5 file with the 512-byte MATLAB header in front. As a script it writes a struct array:
 *
 *     node --import tsx test/helpers/mat73.ts OUT.mat [N]
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The 512-byte MATLAB v7.3 header (text, version 0x0200, endian indicator "IM"). */
function matHeader(): Uint8Array {
  const h = new Uint8Array(512);
  h.set(
    new TextEncoder().encode("MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sun Dec  6 00:00:00 2026 HDF5 schema 1.00 .".padEnd(116)),
  );
  h.set([0x00, 0x02, 0x49, 0x4d], 124);
  return h;
}

/**
 * Make an HDF5 file a MATLAB v7.3 file: the MATLAB header, then the HDF5 bytes (the library finds
 * the superblock at 512 and takes it as the base address).
 * @returns `out`
 */
export function asMat73(h5path: string, out: string): string {
  const body = readFileSync(h5path);
  const b = new Uint8Array(512 + body.length);
  b.set(matHeader());
  b.set(body, 512);
  writeFileSync(out, b);
  return out;
}

/**
 * Write a v7.3 file holding a 1 x n struct array `s` with one field `x`, as MATLAB stores it:
 * `s/x` a dataset of n object references, each to its own `#refs#/e<i>` double [1, 2] holding
 * [i, -i].
 * @returns `out`
 */
export async function writeStructArrayMat73(out: string, n: number): Promise<string> {
  const h5 = await import("h5wasm/node");
  await h5.ready;
  const h5path = `${out}.h5`;
  // biome-ignore lint/suspicious/noExplicitAny: h5wasm's reference API is untyped here
  const f: any = new h5.File(h5path, "w");
  f.create_group("#refs#");
  f.create_group("s");
  f.get("s").create_attribute("MATLAB_class", "struct");
  const refs = [];
  for (let i = 0; i < n; i++) {
    const name = `#refs#/e${i}`;
    f.create_dataset({ name, data: new Float64Array([i, -i]), shape: [2, 1] });
    f.get(name).create_attribute("MATLAB_class", "double");
    refs.push(f.get(name).create_reference());
  }
  f.create_dataset({ name: "s/x", data: refs, shape: [n, 1] });
  f.close();
  asMat73(h5path, out);
  rmSync(h5path);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: node --import tsx test/helpers/mat73.ts OUT.mat [N]");
  await writeStructArrayMat73(out, Number(process.argv[3] ?? 5000));
}
