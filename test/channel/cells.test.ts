// Several cells: the hexagonal layout, per-cell channels equal to the single-cell simulation of
// the same site, serving-cell association by the largest large-scale gain.
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateChannel } from "../../src/channel/generate.ts";
import type { ChannelConfigInput } from "../../src/channel/config.ts";
import { cellSeed, hexagonalSites } from "../../src/channel/cells.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";

test("hexagonal layout: 7 and 19 sites, every site's nearest neighbours at the ISD, ring radii ISD, √3 ISD, 2 ISD", () => {
  const isd = 200;
  for (const n of [1, 7, 19]) {
    const s = hexagonalSites(n, isd);
    assert.equal(s.length, 3 * n);
    assert.deepEqual([s[0], s[1], s[2]], [0, 0, 0]);
    const r = Array.from({ length: n }, (_, i) => Math.hypot(s[3 * i]!, s[3 * i + 1]!));
    if (n >= 7) for (let i = 1; i < 7; i++) assert.ok(Math.abs(r[i]! - isd) < 1e-9, `site ${i} at ${r[i]}`);
    if (n === 19) {
      const ring2 = r.slice(7).sort((a, b) => a - b);
      for (let i = 0; i < 6; i++) assert.ok(Math.abs(ring2[i]! - Math.sqrt(3) * isd) < 1e-9);
      for (let i = 6; i < 12; i++) assert.ok(Math.abs(ring2[i]! - 2 * isd) < 1e-9);
    }
    // Nearest-neighbour distance of every site is the ISD; no two sites closer.
    for (let i = 0; i < n && n > 1; i++) {
      let d = Infinity;
      for (let j = 0; j < n; j++) if (j !== i) d = Math.min(d, Math.hypot(s[3 * i]! - s[3 * j]!, s[3 * i + 1]! - s[3 * j + 1]!));
      assert.ok(Math.abs(d - isd) < 1e-9, `site ${i}: nearest ${d}`);
    }
  }
  // Ring 1 starts at 30° and goes counter-clockwise in 60° steps.
  const s = hexagonalSites(7, 100);
  for (let i = 1; i < 7; i++) {
    const az = (Math.atan2(s[3 * i + 1]!, s[3 * i]!) * 180) / Math.PI;
    assert.ok(Math.abs(((az - (30 + 60 * (i - 1)) + 540) % 360) - 180) < 1e-9, `site ${i} azimuth ${az}`);
  }
  assert.throws(
    () => hexagonalSites(5, 200),
    (e: unknown) => e instanceof LiquidwaveError && /hexagonalSites.*1, 7 or 19.*got 5/.test(e.message),
  );
  assert.throws(
    () => generateChannel({ preset: "umi-28ghz", samples: 4, speed: 6, umi: { sites: 4 } }),
    (e: unknown) => e instanceof LiquidwaveError && /umi\.sites.*got 4/.test(e.message),
  );
});

function relErr(a: Float64Array, b: Float64Array, ai: Float64Array, bi: Float64Array): number {
  let d = 0;
  let p = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2 + (ai[i]! - bi[i]!) ** 2;
    p += b[i]! ** 2 + bi[i]! ** 2;
  }
  return Math.sqrt(d / p);
}

test("each cell's channel is the single-cell simulation of that site (seed cellSeed(seed, c), track seen from the site)", () => {
  const starts: [number, number, number][] = [
    [40, 10, 1.5],
    [150, 90, 1.5],
    [-60, -120, 1.5],
  ];
  const heading = [0, 120, 250];
  const base = {
    preset: "umi-28ghz",
    samples: 40,
    speed: 15,
    users: 3,
    antennas: 8,
    seed: 21,
    normalise: "none",
    userArray: { axis: [1, 0, 0] },
  } as const satisfies ChannelConfigInput;
  const multi = generateChannel({ ...base, mobility: { model: "straight", start: starts, heading }, umi: { sites: 7 } });
  const [T, C, K, N, M] = multi.Hcells!.shape as [number, number, number, number, number];
  assert.deepEqual([T, C, K, N, M], [40, 7, 3, 2, 8]);
  const sites = multi.cellSites!.data;
  for (let c = 0; c < C; c++) {
    const single = generateChannel({
      ...base,
      seed: cellSeed(21, c),
      mobility: { model: "straight", start: starts.map((p) => [p[0] - sites[3 * c]!, p[1] - sites[3 * c + 1]!, p[2]]), heading },
    });
    const per = K * N * M;
    const re = new Float64Array(T * per);
    const im = new Float64Array(T * per);
    for (let t = 0; t < T; t++) {
      re.set(multi.Hcells!.re.subarray((t * C + c) * per, (t * C + c + 1) * per), t * per);
      im.set(multi.Hcells!.im.subarray((t * C + c) * per, (t * C + c + 1) * per), t * per);
    }
    const e = relErr(re, single.H.re, im, single.H.im);
    assert.ok(e < 1e-9, `cell ${c}: relative difference ${e}`);
  }
});

test("serving cell = largest mean large-scale gain; H is its slice; cell 0 of a random-walk run is the single-cell channel bit for bit", () => {
  const base = { preset: "umi-28ghz", samples: 24, speed: 6, users: 6, antennas: 4, seed: 5, normalise: "none" } as const;
  const multi = generateChannel({ ...base, umi: { sites: 7, interSiteDistance: 120 } });
  const one = generateChannel(base);
  const [T, C, K, N, M] = multi.Hcells!.shape as [number, number, number, number, number];
  const per = N * M;
  const g = multi.cellGainDb!.data;
  let served0 = 0;
  for (let k = 0; k < K; k++) {
    const s = multi.servingCell![k]!;
    for (let c = 0; c < C; c++) assert.ok(g[s * K + k]! >= g[c * K + k]!);
    if (s === 0) served0++;
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < per; j++) {
        assert.equal(multi.H.re[(t * K + k) * per + j], multi.Hcells!.re[((t * C + s) * K + k) * per + j]);
        // Cell 0's links use the single-cell streams: identical to the single-cell run.
        assert.equal(multi.Hcells!.re[((t * C + 0) * K + k) * per + j], one.H.re[(t * K + k) * per + j]);
      }
    }
  }
  assert.ok(served0 < K, "with a 120 m ISD some users of the 10–150 m annulus are served by a ring-1 site");
  // Per-user normalisation scales every cell of a user alike (interference keeps its level).
  const pu = generateChannel({ ...base, normalise: "per-user", umi: { sites: 7, interSiteDistance: 120 } });
  for (let k = 0; k < K; k++) {
    const i = ((3 * C + 2) * K + k) * per;
    assert.ok(Math.abs(pu.Hcells!.re[i]! / multi.Hcells!.re[i]! - pu.scale[k]!) < 1e-9 * pu.scale[k]!);
  }
  assert.throws(
    () => generateChannel({ ...base, normalise: "large-scale", umi: { sites: 7 } }),
    (e: unknown) => e instanceof LiquidwaveError && /normalise.*inter-cell interference/.test(e.message),
  );
});
