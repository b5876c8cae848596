import { test } from "node:test";
import assert from "node:assert/strict";
import { generateChannel } from "../../src/channel/generate.ts";
import { configToJson, resolveChannelConfig } from "../../src/channel/config.ts";
import type { ChannelConfigInput } from "../../src/channel/config.ts";
import { PRESET_NAMES, PRESET_VERSIONS } from "../../src/channel/presets.ts";
import { checkChannelDataset } from "../../src/channel/dataset.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import { SPEED_OF_LIGHT } from "../../src/channel/constants.ts";

const small: Record<(typeof PRESET_NAMES)[number], ChannelConfigInput> = {
  rayleigh: { preset: "rayleigh", samples: 20 },
  clarke: { preset: "clarke", samples: 50, users: 2 },
  "umi-6ghz": { preset: "umi-6ghz", samples: 50, users: 2, userAntennas: 2 },
  "umi-28ghz": { preset: "umi-28ghz", speeds: [6, 30], slots: [20, 20], antennas: 8 },
  "o1-28ghz": { preset: "o1-28ghz", speeds: [6, 30], slots: [20, 20] },
};

function equalArrays(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

test("every preset returns a well-formed ChannelDataset with H [T, K, Nk, M], t [T] and positions [T, K, 3]", () => {
  for (const name of PRESET_NAMES) {
    const sim = generateChannel(small[name]);
    checkChannelDataset(sim);
    const c = sim.config;
    assert.deepEqual(sim.H.shape, [c.samples, c.users, c.userAntennas, c.antennas]);
    assert.equal(sim.t!.length, c.samples);
    assert.equal(sim.t![1], c.dt);
    if (name !== "rayleigh") assert.deepEqual(sim.positions!.shape, [c.samples, c.users, 3]);
    assert.equal(sim.meta.layout, "liquidwave");
    assert.equal(sim.meta.source, `liquidwave:${name}@v${PRESET_VERSIONS[name]}`);
    assert.ok(sim.H.re.every(Number.isFinite) && sim.H.im.every(Number.isFinite));
  }
});

test("the same seed gives bit-identical arrays; another seed gives different ones", () => {
  for (const name of PRESET_NAMES) {
    const a = generateChannel({ ...small[name], seed: 42, cee: -10 });
    const b = generateChannel({ ...small[name], seed: 42, cee: -10 });
    const c = generateChannel({ ...small[name], seed: 43, cee: -10 });
    assert.ok(
      equalArrays(a.H.re, b.H.re) && equalArrays(a.H.im, b.H.im) && equalArrays(a.Hest!.re, b.Hest!.re),
      `${name} not reproducible`,
    );
    if (a.positions) assert.ok(equalArrays(a.positions.data, b.positions!.data));
    assert.ok(!equalArrays(a.H.re, c.H.re), `${name}: seeds 42 and 43 agree`);
  }
});

test("the echoed config is complete: feeding it back reproduces H bit for bit", () => {
  for (const name of PRESET_NAMES) {
    const a = generateChannel({ ...small[name], seed: 9 });
    const echoed = JSON.parse(JSON.stringify(configToJson(a.config))) as ChannelConfigInput;
    assert.equal((echoed as { version: number }).version, PRESET_VERSIONS[name]);
    const b = generateChannel(echoed);
    assert.ok(equalArrays(a.H.re, b.H.re) && equalArrays(a.H.im, b.H.im), name);
  }
});

test("changing the CEE leaves H untouched; adding users leaves the existing users untouched", () => {
  const a = generateChannel({ preset: "umi-6ghz", samples: 40, users: 2, cee: -10, normalise: "none" });
  const b = generateChannel({ preset: "umi-6ghz", samples: 40, users: 2, cee: 0, normalise: "none" });
  assert.ok(equalArrays(a.H.re, b.H.re));
  const c = generateChannel({ preset: "umi-6ghz", samples: 40, users: 3, normalise: "none" });
  for (let t = 0; t < 40; t++) {
    for (let k = 0; k < 2; k++) {
      for (let m = 0; m < 4; m++) assert.equal(c.H.re[(t * 3 + k) * 4 + m], a.H.re[(t * 2 + k) * 4 + m]);
    }
  }
  const o1 = generateChannel({ preset: "o1-28ghz", samples: 30, speed: 15, users: 2 });
  const o2 = generateChannel({ preset: "o1-28ghz", samples: 30, speed: 15, users: 3 });
  assert.equal(o2.H.re[3 * 128 + 5], o1.H.re[2 * 128 + 5]);
});

test("normalisation: global gives mean |h|² = 1 over the tensor, per-user gives 1 per user (1e-12)", () => {
  const g = generateChannel({ preset: "o1-28ghz", speeds: [6, 30], slots: [20, 20], normalise: "global" });
  let s = 0;
  for (let i = 0; i < g.H.re.length; i++) s += g.H.re[i]! ** 2 + g.H.im[i]! ** 2;
  assert.ok(Math.abs(s / g.H.re.length - 1) < 1e-12);
  assert.ok(new Set(g.scale).size === 1);
  const p = generateChannel({ preset: "umi-6ghz", samples: 100, users: 3, normalise: "per-user" });
  for (let k = 0; k < 3; k++) {
    let pk = 0;
    for (let t = 0; t < 100; t++) for (let m = 0; m < 4; m++) pk += p.H.re[(t * 3 + k) * 4 + m]! ** 2 + p.H.im[(t * 3 + k) * 4 + m]! ** 2;
    assert.ok(Math.abs(pk / 400 - 1) < 1e-12, `user ${k}: ${pk / 400}`);
  }
  // 'none' keeps absolute gains: the UMi path gain at tens of metres is far below 0 dB.
  const n = generateChannel({ preset: "umi-6ghz", samples: 10, normalise: "none" });
  assert.ok(n.gainDb.data.every((x) => x < -60 && x > -160));
});

test("CSI error: the realised CEE is within 0.1 dB of the request, per-user and global references", () => {
  // 51 200 entries: the realised error power has relative standard error √(1/51200)·… ≈ 0.03 dB.
  for (const ceeReference of ["per-user", "global"] as const) {
    for (const cee of [-20, -10, 0, 5]) {
      const sim = generateChannel({ preset: "rayleigh", cee, ceeReference, seed: 3 });
      let e = 0;
      let h = 0;
      for (let i = 0; i < sim.H.re.length; i++) {
        e += (sim.Hest!.re[i]! - sim.H.re[i]!) ** 2 + (sim.Hest!.im[i]! - sim.H.im[i]!) ** 2;
        h += sim.H.re[i]! ** 2 + sim.H.im[i]! ** 2;
      }
      const got = 10 * Math.log10(e / h);
      assert.ok(Math.abs(got - cee) < 0.1, `${ceeReference} CEE ${cee} dB realised ${got} dB`);
    }
  }
});

test("speed phases: positions advance by v·Δt with the scheduled speed of each slot", () => {
  const sim = generateChannel({ preset: "o1-28ghz", users: 2, speeds: [6, 15, 30], slots: [70, 60, 50], dt: 1e-3 });
  assert.equal(sim.config.samples, 180);
  const p = sim.positions!.data;
  for (const [t, v] of [
    [10, 6],
    [100, 15],
    [170, 30],
  ] as const) {
    for (let k = 0; k < 2; k++) {
      const a = (t * 2 + k) * 3;
      const b = ((t + 1) * 2 + k) * 3;
      const step = Math.hypot(p[b]! - p[a]!, p[b + 1]! - p[a + 1]!, p[b + 2]! - p[a + 2]!);
      assert.ok(Math.abs(step / 1e-3 - v) < 1e-9 * v, `user ${k} slot ${t}: ${step / 1e-3} m/s`);
    }
  }
});

test("OFDM: H_f at the zero subcarrier equals the narrowband H exactly; subcarriers differ by the path delays", () => {
  for (const cfg of [
    { preset: "umi-6ghz", samples: 20, users: 2, userAntennas: 2, subcarriers: 16 },
    { preset: "o1-28ghz", samples: 20, speed: 10, subcarriers: 8, cee: -10 },
  ] as ChannelConfigInput[]) {
    const sim = generateChannel(cfg);
    const [T, K, Nk, M] = sim.H.shape as [number, number, number, number];
    const F = sim.subcarrierHz!.length;
    const f0 = sim.subcarrierHz!.indexOf(0);
    assert.equal(f0, F / 2);
    assert.deepEqual(sim.Hf!.shape, [T, F, K, Nk, M]);
    const blk = K * Nk * M;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < blk; i++) {
        assert.equal(sim.Hf!.re[(t * F + f0) * blk + i], sim.H.re[t * blk + i]);
        assert.equal(sim.Hf!.im[(t * F + f0) * blk + i], sim.H.im[t * blk + i]);
      }
    }
  }
  // LOS + ground only: the ratio between subcarriers is set by the ground path's excess delay.
  const bs = [0, 2, 6] as const;
  const u = [50, 20, 2] as const;
  const sim = generateChannel({
    preset: "o1-28ghz",
    users: 1,
    userAntennas: 1,
    antennas: 1,
    samples: 1,
    speed: 0,
    normalise: "none",
    subcarriers: 4,
    mobility: { model: "static", start: [u] },
    canyon: { maxOrder: 0, ground: true, bsPosition: bs },
  } as ChannelConfigInput);
  const dLos = Math.hypot(u[0] - bs[0], u[1] - bs[1], u[2] - bs[2]);
  const dG = Math.hypot(u[0] - bs[0], u[1] - bs[1], u[2] + bs[2]);
  const df = sim.config.subcarrierSpacingHz;
  const excess = (dG - dLos) / SPEED_OF_LIGHT;
  // H_f = a + b e^{−j2πf τ_g}: recover a, b from f = 0 and f = Δf, predict f = −Δf.
  const H = (i: number) => ({ re: sim.Hf!.re[i]!, im: sim.Hf!.im[i]! });
  const h0 = H(2);
  const h1 = H(3);
  const rot = { re: Math.cos(-2 * Math.PI * df * excess), im: Math.sin(-2 * Math.PI * df * excess) };
  // b = (h1 − h0)/(rot − 1), a = h0 − b
  const den = { re: rot.re - 1, im: rot.im };
  const num = { re: h1.re - h0.re, im: h1.im - h0.im };
  const d2 = den.re ** 2 + den.im ** 2;
  const bb = { re: (num.re * den.re + num.im * den.im) / d2, im: (num.im * den.re - num.re * den.im) / d2 };
  const aa = { re: h0.re - bb.re, im: h0.im - bb.im };
  const pred = { re: aa.re + bb.re * rot.re + bb.im * rot.im, im: aa.im + bb.im * rot.re - bb.re * rot.im };
  const hm = H(1);
  assert.ok(Math.hypot(pred.re - hm.re, pred.im - hm.im) < 1e-9 * Math.hypot(hm.re, hm.im), "two-path frequency response");
});

test("grid quantisation puts the channel positions on the 0.2 m grid", () => {
  const sim = generateChannel({ preset: "o1-28ghz", speeds: [6], samples: 50, mobility: { gridSpacing: 0.2 } });
  for (let i = 0; i < sim.positions!.data.length; i += 3) {
    for (const c of [0, 1]) {
      const x = sim.positions!.data[i + c]! / 0.2;
      assert.ok(Math.abs(x - Math.round(x)) < 1e-9);
    }
  }
});

test("invalid configs fail with one line naming the field and the value", () => {
  const cases: [unknown, RegExp][] = [
    [
      { preset: "indoor" },
      /config\.preset: unknown value "indoor", valid options are 'rayleigh', 'clarke', 'umi-6ghz', 'umi-28ghz', 'o1-28ghz'/,
    ],
    [{}, /config\.preset: missing; valid options are 'rayleigh'/],
    [{ preset: "clarke", colour: 1 }, /config\.colour: unknown key/],
    [{ preset: "clarke", samples: 0 }, /config\.samples: must be >= 1 and <= 1000000000, got 0/],
    [{ preset: "clarke", dt: -1 }, /config\.dt: must be > 0/],
    [{ preset: "umi-6ghz", umi: { bounce: "triple" } }, /config\.umi\.bounce: unknown value "triple"/],
    [{ preset: "umi-6ghz", umi: { colour: 1 } }, /config\.umi\.colour: unknown key/],
    [{ preset: "umi-6ghz", canyon: { maxOrder: 1 } }, /config\.canyon: applies to preset o1-28ghz only/],
    [{ preset: "umi-28ghz", umi: { indoorFraction: 1.5 } }, /config\.umi\.indoorFraction.*1\.5/],
    [{ preset: "umi-6ghz", umi: { o2iLoss: "medium" } }, /config\.umi\.o2iLoss: unknown value "medium", valid options are 'low', 'high'/],
    [{ preset: "o1-28ghz", umi: { indoorFraction: 0.5 } }, /config\.umi: applies to presets umi-6ghz, umi-28ghz only/],
    [{ preset: "o1-28ghz", samples: 500 }, /config\.samples: 500 disagrees with the speed-phase slots \[700,600,500\]/],
    [{ preset: "o1-28ghz", speeds: [1, 2], slots: [3] }, /2 speeds but 1 slot counts/],
    [{ preset: "clarke", speed: 1, speeds: [1] }, /config\.speed: give either speed or speeds/],
    [{ preset: "rayleigh", antennas: 8, bsArray: { shape: [16] } }, /config\.antennas: 8 disagrees with bsArray\.shape \[16\]/],
    [{ preset: "rayleigh", bsArray: { type: "upa" } }, /config\.bsArray\.shape: a UPA needs its shape/],
    [{ preset: "clarke", subcarriers: 64 }, /config\.subcarriers: OFDM output needs a multipath preset/],
    [{ preset: "umi-6ghz", version: 1 }, /config\.version: preset 'umi-6ghz' is at version 2/],
    [{ preset: "umi-6ghz", users: 2, mobility: { start: [[20, 0, 1.5]] } }, /config\.mobility\.start: expected 2 positions/],
    [
      { preset: "umi-6ghz", mobility: { start: [[20, 0, 3]] } },
      /config\.mobility\.start\[0\]: the height must equal umi\.ueHeight = 1\.5 m/,
    ],
    [{ preset: "rayleigh", samples: 1e6, antennas: 1024 }, /more than the limit/],
    [{ preset: "umi-6ghz", mobility: { model: "street" } }, /config\.mobility\.model: 'street' follows the o1-28ghz canyon/],
    [{ preset: "clarke", cee: Number.NaN }, /config\.cee: expected a finite number, got NaN/],
  ];
  for (const [cfg, re] of cases) {
    assert.throws(
      () => generateChannel(cfg as ChannelConfigInput),
      (e: unknown) => e instanceof LiquidwaveError && re.test(e.message) && !e.message.includes("\n"),
      JSON.stringify(cfg),
    );
  }
});

test("resolveChannelConfig fills the preset defaults and the UPA shape", () => {
  const c = resolveChannelConfig({ preset: "o1-28ghz", bsArray: { type: "upa", shape: [8, 8] } });
  assert.equal(c.antennas, 64);
  assert.deepEqual(c.bsArray.axis2, [0, 0, 1]);
  assert.equal(c.samples, 1800);
  assert.equal(c.dt, 1.25e-4);
  assert.equal(c.canyon!.bsArrayOrientation, "along-street");
  const across = resolveChannelConfig({ preset: "o1-28ghz", canyon: { bsArrayOrientation: "across-street" } });
  assert.deepEqual(across.bsArray.axis, [0, 1, 0]);
  assert.throws(
    () => resolveChannelConfig({ preset: "o1-28ghz", bsArray: { axis: [0, 1, 0] }, canyon: { bsArrayOrientation: "along-street" } }),
    /config\.bsArray\.axis: \[0,1,0\] disagrees with canyon\.bsArrayOrientation 'along-street'/,
  );
  assert.equal(resolveChannelConfig({ preset: "o1-28ghz", bsArray: { axis: [1, 1, 0] } }).canyon!.bsArrayOrientation, "custom");
  const sim = generateChannel({ preset: "o1-28ghz", samples: 5, speed: 3, bsArray: { type: "upa", shape: [4, 4] } });
  assert.deepEqual(sim.H.shape, [5, 4, 2, 16]);
});

test("large-scale normalisation keeps only small-scale fading: mean power 1 for o1-28ghz (3σ over users and samples)", () => {
  // 200 static users, one sample each: per-user powers are independent draws of a unit-mean
  // quantity (random path phases); the test allows 3 standard errors.
  const sim = generateChannel({
    preset: "o1-28ghz",
    users: 200,
    samples: 1,
    speed: 0,
    antennas: 8,
    userAntennas: 1,
    normalise: "large-scale",
    seed: 2,
  });
  const per: number[] = [];
  for (let k = 0; k < 200; k++) {
    let p = 0;
    for (let m = 0; m < 8; m++) p += sim.H.re[k * 8 + m]! ** 2 + sim.H.im[k * 8 + m]! ** 2;
    per.push(p / 8);
  }
  const mean = per.reduce((a, x) => a + x, 0) / per.length;
  const sd = Math.sqrt(per.reduce((a, x) => a + (x - mean) ** 2, 0) / (per.length - 1));
  assert.ok(Math.abs(mean - 1) < (3 * sd) / Math.sqrt(per.length), `mean ${mean} ± ${sd / Math.sqrt(per.length)}`);
});
