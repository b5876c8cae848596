/**
 * The lab's Vite dev server (`npm run lab:dev`) serves h5wasm's ESM build at vendor/h5wasm/, where
 * the data panel's worker loads it for HDF5 and MATLAB v7.3 files: the same bytes as the installed
 * h5wasm package, as JavaScript, cross-origin isolated (the built page has its own copy).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";

const CONFIG = fileURLToPath(new URL("../../lab/vite.config.ts", import.meta.url));

test("the dev server serves h5wasm's ESM build at vendor/h5wasm/ with the isolation headers", async () => {
  const server = await createServer({ configFile: CONFIG, logLevel: "silent", server: { port: 0, host: "127.0.0.1" } });
  try {
    await server.listen();
    const { port } = server.httpServer!.address() as AddressInfo;
    const pkg = dirname(fileURLToPath(import.meta.resolve("h5wasm")));
    for (const f of ["hdf5_hl.js", "hdf5_util.js"]) {
      const r = await fetch(`http://127.0.0.1:${port}/vendor/h5wasm/${f}`);
      assert.equal(r.status, 200, f);
      assert.match(r.headers.get("content-type") ?? "", /javascript/);
      assert.equal(r.headers.get("cross-origin-embedder-policy"), "require-corp");
      assert.ok(Buffer.from(await r.arrayBuffer()).equals(readFileSync(join(pkg, f))), `${f}: the installed package's bytes`);
    }
    const missing = await fetch(`http://127.0.0.1:${port}/vendor/h5wasm/other.js`);
    assert.doesNotMatch(missing.headers.get("content-type") ?? "", /javascript/, "only h5wasm's two files are served there");
  } finally {
    await server.close();
  }
});
