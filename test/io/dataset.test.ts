import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadChannelDataset, saveChannelDataset } from "../../src/io/load.ts";
import { writeNpz } from "../../src/io/npz.ts";
import { writeMat5 } from "../../src/io/mat5.ts";
import type { ChannelDataset } from "../../src/channel/dataset.ts";
import { code, codedArray, fx } from "./coded.ts";
import { assertAllClose } from "../helpers/assert.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-ds-"));

/** Check every H[t, k, n, m] against `want(t, k, n, m) -> [re, im]`, exactly. */
function assertH(
  ds: ChannelDataset,
  shape: number[],
  want: (t: number, k: number, n: number, m: number) => [number, number],
  which: "H" | "Hest" = "H",
): void {
  const h = which === "H" ? ds.H : ds.Hest!;
  assert.deepEqual([...h.shape], shape);
  const [T, K, N, M] = shape as [number, number, number, number];
  for (let t = 0; t < T; t++)
    for (let k = 0; k < K; k++)
      for (let n = 0; n < N; n++)
        for (let m = 0; m < M; m++) {
          const i = ((t * K + k) * N + n) * M + m;
          const [re, im] = want(t, k, n, m);
          if (h.re[i] !== re || h.im[i] !== im)
            assert.fail(`${which}[${t}, ${k}, ${n}, ${m}] = ${h.re[i]} + ${h.im[i]}j, expected ${re} + ${im}j`);
        }
}

test("GLNN layout: HH [K*S, Nk, M] becomes [S, K, Nk, M] with row = s*K + k, estimate from HH_est_10dB", async () => {
  const ds = await loadChannelDataset(fx("glnn.mat"));
  assert.equal(ds.meta.layout, "glnn");
  const c = (s: number, k: number, n: number, m: number) => code([s * 4 + k, n, m]);
  assertH(ds, [2, 4, 2, 3], (s, k, n, m) => [c(s, k, n, m), -(c(s, k, n, m) + 0.5)]);
  assertH(ds, [2, 4, 2, 3], (s, k, n, m) => [2 * c(s, k, n, m), -2 * (c(s, k, n, m) + 0.5)], "Hest");
  assert.match(ds.meta.notes.join(" "), /row = s\*K \+ k/);
});

test("GLNN layout errors name the variable, its shape and the expectation", async () => {
  await assert.rejects(loadChannelDataset(fx("glnn.mat"), { users: 3 }), /'HH' has 8 rows, not a multiple of K = 3 users/);
  await assert.rejects(loadChannelDataset(fx("glnn.mat"), { cee: "0dB" }), /no variable 'HH_est_0dB' \(estimates present: HH_est_10dB\)/);
  const p = join(tmp, "bad_glnn.mat");
  writeMat5(p, { HH: codedArray([8, 6], "complex64") });
  await assert.rejects(loadChannelDataset(p), /GLNN layout: 'HH' has shape \[8, 6\], expected \[K\*S, Nk, M\]/);
});

test("DeepMIMO v2: user{u}.channel [M_UE, M_BS, K_sc] at a subcarrier, users grouped per time sample", async () => {
  const ds = await loadChannelDataset(fx("deepmimo_v2.mat"), { subcarrier: 1, usersPerSample: 2 });
  assert.equal(ds.meta.layout, "deepmimo-v2");
  // fixture: user u (1-based) channel = ccode([2, 3, 2]) + 1000 u
  assertH(ds, [2, 2, 2, 3], (t, k, n, m) => {
    const u = t * 2 + k + 1;
    const c = code([n, m, 1]);
    return [c + 1000 * u, -(c + 0.5)];
  });
  assert.deepEqual([...ds.positions!.shape], [2, 2, 3]);
  assert.deepEqual(Array.from(ds.positions!.data.slice(9, 12)), [3, 6, 1.5]); // user 4: loc [3, 6, 1.5]
  await assert.rejects(loadChannelDataset(fx("deepmimo_v2.mat"), { subcarrier: 2 }), /subcarrier 2 is out of range/);
  await assert.rejects(
    loadChannelDataset(fx("deepmimo_v2.mat"), { usersPerSample: 3 }),
    /4 DeepMIMO users do not split into samples of usersPerSample = 3/,
  );
});

test("DeepMIMO v3: channel [n_ue, M_rx, M_tx, K_sc] inside dataset{1}.user, with locations", async () => {
  const ds = await loadChannelDataset(fx("deepmimo_v3.mat"), { usersPerSample: 2 });
  assert.equal(ds.meta.layout, "deepmimo-v3");
  assertH(ds, [2, 2, 2, 3], (t, k, n, m) => {
    const c = code([t * 2 + k, n, m, 0]);
    return [c, -(c + 0.5)];
  });
  assert.deepEqual(Array.from(ds.positions!.data.slice(0, 3)), [11, 12, 13]);
});

test("DeepMIMO channel with a trailing time axis [n_ue, M_rx, M_tx, K_sc, N_t] maps time to T and users to K", async () => {
  const p = join(tmp, "v4_channel.npz");
  writeNpz(p, { channel: codedArray([2, 1, 2, 2, 3], "complex64"), rx_pos: codedArray([2, 3], "float32") });
  const ds = await loadChannelDataset(p, { subcarrier: 1 });
  assertH(ds, [3, 2, 1, 2], (t, k, n, m) => {
    const c = code([k, n, m, 1, t]);
    return [c, -(c + 0.5)];
  });
  assert.deepEqual([...ds.positions!.shape], [3, 2, 3]);
});

test("DeepMIMO v4 folder: paths are synthesised as sum of g a_rx a_tx^T with half-wavelength ULAs", async () => {
  const ds = await loadChannelDataset(fx("deepmimo_v4"), { bsAntennas: 4, ueAntennas: 2 });
  assert.equal(ds.meta.layout, "deepmimo-v4");
  assert.equal(ds.meta.fc, 28e9);
  assert.deepEqual([...ds.H.shape], [3, 1, 2, 4]);
  // one path per user (second path NaN padding): H[n, m] = sqrt(10^(P/10)) exp(j (phi + pi n u_r + pi m u_t))
  const P = [-60, -70, -80],
    ph = [0, 90, 45],
    aoaAz = [30, 60, 90],
    aoaEl = [90, 60, 45],
    aodAz = [10, 20, 250],
    aodEl = [80, 90, 100];
  const r = Math.PI / 180;
  const wantRe: number[] = [];
  const wantIm: number[] = [];
  for (let u = 0; u < 3; u++) {
    const ur = Math.sin(aoaEl[u]! * r) * Math.sin(aoaAz[u]! * r);
    const ut = Math.sin(aodEl[u]! * r) * Math.sin(aodAz[u]! * r);
    for (let n = 0; n < 2; n++)
      for (let m = 0; m < 4; m++) {
        const a = Math.sqrt(10 ** (P[u]! / 10));
        const phase = ph[u]! * r + Math.PI * n * ur + Math.PI * m * ut;
        wantRe.push(a * Math.cos(phase));
        wantIm.push(a * Math.sin(phase));
      }
  }
  assertAllClose(ds.H.re, wantRe, { rtol: 1e-12, atol: 1e-18, label: "re" });
  assertAllClose(ds.H.im, wantIm, { rtol: 1e-12, atol: 1e-18, label: "im" });
  assert.deepEqual(Array.from(ds.positions!.data.slice(3, 6)), [21, 22, 23]);
});

test("the liquidwave layout round-trips exactly through saveChannelDataset and loadChannelDataset", async () => {
  const T = 3,
    K = 2,
    N = 2,
    M = 4;
  const n = T * K * N * M;
  const H = {
    shape: [T, K, N, M],
    re: Float64Array.from({ length: n }, (_, i) => Math.sin(i) / 3),
    im: Float64Array.from({ length: n }, (_, i) => Math.cos(i) * 1e-7),
  };
  const Hest = { shape: [T, K, N, M], re: H.re.map((x) => x + 1e-3), im: H.im.slice() };
  const ds: ChannelDataset = {
    H,
    Hest,
    t: Float64Array.of(0, 1e-3, 2e-3),
    positions: { shape: [T, K, 3], data: Float64Array.from({ length: T * K * 3 }, (_, i) => i * 0.1) },
    meta: { source: "test", layout: "liquidwave", fc: 28e9, dt: 1e-3, notes: [] },
  };
  const p = join(tmp, "lw.npz");
  saveChannelDataset(p, ds);
  const back = await loadChannelDataset(p);
  assert.equal(back.meta.layout, "liquidwave");
  assert.deepEqual(back.H, ds.H);
  assert.deepEqual(back.Hest, ds.Hest);
  assert.deepEqual(back.t, ds.t);
  assert.deepEqual(back.positions, ds.positions);
  assert.equal(back.meta.fc, 28e9);
  assert.equal(back.meta.dt, 1e-3);
});

test("an unrecognised file lists its variables and the layouts it could have been", async () => {
  await assert.rejects(
    loadChannelDataset(fx("plain.npz")),
    /cannot tell the dataset layout from its variables \(a \[2, 3\] float64; c \[2, 2, 2\] complex64; i \[4\] int32\); expected 'H' \[T, K, Nk, M\]/,
  );
  await assert.rejects(loadChannelDataset(fx("plain.npz"), { layout: "nope" as never }), /unknown layout 'nope'/);
  await assert.rejects(loadChannelDataset(join(tmp, "missing.npz")), /no such file or folder/);
});
