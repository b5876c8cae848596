// The README's DeepMIMO path: a DeepMIMO v3-layout export (channel [n_ue, M_rx, M_tx, K_sc],
// location [n_ue, 3]) read with usersPerSample K becomes H [T, K, Nk, M] with user u = t·K + k,
// and saved as a liquidwave channel file that loads back exactly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateChannel } from "../../src/channel/generate.ts";
import { loadChannelDataset, saveChannelDataset } from "../../src/io/load.ts";
import { writeNpz } from "../../src/io/npz.ts";

test("a DeepMIMO v3-layout file of simulated users converts to the simulator's H [T, K, Nk, M] exactly", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-deepmimo-"));
  const sim = generateChannel({ preset: "umi-28ghz", speed: 6, samples: 12, users: 4, antennas: 8, seed: 7 });
  const [T, K, N, M] = sim.H.shape as [number, number, number, number];
  // DeepMIMO order: user u = t·K + k; a second subcarrier holding −H checks the subcarrier pick.
  const re = new Float64Array(T * K * N * M * 2);
  const im = new Float64Array(T * K * N * M * 2);
  for (let i = 0; i < T * K * N * M; i++) {
    re[2 * i] = sim.H.re[i]!;
    im[2 * i] = sim.H.im[i]!;
    re[2 * i + 1] = -sim.H.re[i]!;
    im[2 * i + 1] = -sim.H.im[i]!;
  }
  const src = join(dir, "o1_like_v3.npz");
  writeNpz(src, {
    channel: { shape: [T * K, N, M, 2], dtype: "complex128", data: re, imag: im },
    location: { shape: [T * K, 3], dtype: "float64", data: sim.positions!.data },
  });
  const ds = await loadChannelDataset(src, { usersPerSample: K, subcarrier: 0 });
  assert.equal(ds.meta.layout, "deepmimo-v3");
  assert.deepEqual([...ds.H.shape], [T, K, N, M]);
  assert.deepEqual(ds.H.re, sim.H.re);
  assert.deepEqual(ds.H.im, sim.H.im);
  assert.deepEqual(ds.positions!.data, sim.positions!.data);
  const out = join(dir, "o1.npz");
  saveChannelDataset(out, ds);
  const back = await loadChannelDataset(out);
  assert.equal(back.meta.layout, "liquidwave");
  assert.deepEqual(back.H.re, sim.H.re);
  const neg = await loadChannelDataset(src, { usersPerSample: K, subcarrier: 1 });
  assert.equal(neg.H.re[5], -sim.H.re[5]!);
});
