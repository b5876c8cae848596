// The 38.901 element pattern (Table 7.3-1) and dual-polarised arrays with per-ray XPR
// (Table 7.5-6 UMi: LOS μ 9 dB, NLOS μ 8 dB, σ 3 dB), and that the defaults keep the
// isotropic single-polarised channel bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { generateChannel, umiUserPaths } from "../../src/channel/generate.ts";
import type { ChannelConfigInput } from "../../src/channel/config.ts";
import { tr38901ElementGainDb } from "../../src/channel/antenna.ts";
import { UMI_LOS, UMI_NLOS } from "../../src/channel/umi-tables.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";

function fingerprint(s: ReturnType<typeof generateChannel>): string {
  const h = createHash("sha256");
  for (const a of [s.H.re, s.H.im, ...(s.Hf ? [s.Hf.re, s.Hf.im] : [])]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest("hex").slice(0, 16);
}

// Fingerprints of H (and H_f) taken before antenna patterns, polarisation and cells existed.
const BEFORE: [ChannelConfigInput, string][] = [
  [{ preset: "umi-6ghz", samples: 300, users: 2, seed: 3 }, "7eee3159919ccc2e"],
  [{ preset: "umi-28ghz", speed: 15, samples: 120, antennas: 16, seed: 4, subcarriers: 3 }, "647eaa75fe785b3d"],
  [
    { preset: "umi-28ghz", speed: 15, samples: 120, antennas: 16, seed: 5, normalise: "none", umi: { condition: "nlos" } },
    "77e2bcc9d150816e",
  ],
  [{ preset: "o1-28ghz", speed: 15, samples: 120, antennas: 16, seed: 2 }, "84e473feedb10146"],
];

test("defaults and an explicit single-polarised isotropic single-cell config reproduce the earlier channels bit for bit", () => {
  for (const [cfg, fp] of BEFORE) {
    assert.equal(fingerprint(generateChannel(cfg)), fp, JSON.stringify(cfg));
    const umi = cfg.preset.startsWith("umi") ? { umi: { ...(cfg.umi ?? {}), sites: 1 } } : {};
    const explicit = {
      ...cfg,
      bsArray: { element: "isotropic", polarisation: "single" },
      userArray: { polarisation: "single" },
      ...umi,
    } as ChannelConfigInput;
    assert.equal(fingerprint(generateChannel(explicit)), fp, `explicit ${JSON.stringify(cfg)}`);
  }
});

test("38.901 element pattern: 8 dBi at boresight, −3 dB at ±32.5°, 30 dB front-to-back, floor −22 dBi", () => {
  assert.equal(tr38901ElementGainDb(90, 0), 8);
  assert.ok(Math.abs(tr38901ElementGainDb(90, 32.5) - 5) < 1e-12);
  assert.ok(Math.abs(tr38901ElementGainDb(90, -32.5) - 5) < 1e-12);
  assert.ok(Math.abs(tr38901ElementGainDb(57.5, 0) - 5) < 1e-12);
  assert.ok(Math.abs(tr38901ElementGainDb(122.5, 0) - 5) < 1e-12);
  assert.equal(tr38901ElementGainDb(90, 180), -22);
  assert.equal(tr38901ElementGainDb(90, 540), -22);
  assert.ok(Math.abs(tr38901ElementGainDb(0, 0) - (8 - 12 * (90 / 65) ** 2)) < 1e-12); // zenith: 23 dB down
  assert.equal(tr38901ElementGainDb(10, 120), -22); // the sum is capped at 30 dB
  assert.ok(Math.abs(tr38901ElementGainDb(70, 40) - (8 - 12 * (20 / 65) ** 2 - 12 * (40 / 65) ** 2)) < 1e-12);
});

test("the element pattern scales a line-of-sight channel by the gain towards the user, sample by sample", () => {
  // o1-28ghz without reflections: the LOS path only.
  const base = {
    preset: "o1-28ghz",
    samples: 40,
    speed: 15,
    antennas: 8,
    normalise: "none",
    canyon: { maxOrder: 0, ground: false },
  } as const satisfies ChannelConfigInput;
  const iso = generateChannel(base);
  const pat = generateChannel({ ...base, bsArray: { element: "tr38901", boresightDeg: 60 } });
  const b = iso.config.canyon!.bsPosition;
  const { shape } = iso.H;
  const per = shape[2]! * shape[3]!;
  for (let t = 0; t < shape[0]!; t += 7) {
    for (let k = 0; k < shape[1]!; k++) {
      let pi = 0;
      let pp = 0;
      for (let j = (t * shape[1]! + k) * per; j < (t * shape[1]! + k + 1) * per; j++) {
        pi += iso.H.re[j]! ** 2 + iso.H.im[j]! ** 2;
        pp += pat.H.re[j]! ** 2 + pat.H.im[j]! ** 2;
      }
      const u = iso.positions!.data.subarray((t * shape[1]! + k) * 3, (t * shape[1]! + k) * 3 + 3);
      const d = [u[0]! - b[0], u[1]! - b[1], u[2]! - b[2]];
      const D = Math.hypot(d[0]!, d[1]!, d[2]!);
      const theta = (Math.acos(d[2]! / D) * 180) / Math.PI;
      const phi = (Math.atan2(d[1]!, d[0]!) * 180) / Math.PI - 60;
      assert.ok(Math.abs(10 * Math.log10(pp / pi) - tr38901ElementGainDb(theta, phi)) < 1e-9, `t ${t} user ${k}`);
    }
  }
});

test("per-ray XPR draws follow 38.901 UMi: LOS N(9, 3²) dB, NLOS N(8, 3²) dB, phases uniform", () => {
  const x: Record<string, number[]> = { los: [], nlos: [] };
  let phaseSum = 0;
  let phaseN = 0;
  for (const condition of ["los", "nlos"] as const) {
    for (let seed = 1; seed <= 6; seed++) {
      const p = umiUserPaths(
        { preset: "umi-28ghz", samples: 20, speed: 6, seed, antennas: 4, bsArray: { polarisation: "dual" }, umi: { condition } },
        0,
      );
      assert.equal(p.polarisation!.length, p.paths.clusters.length);
      p.polarisation!.forEach((pol, i) => {
        assert.equal(p.paths.clusters[i]!.largeScale, condition === "los" ? 0 : 1);
        x[condition]!.push(...pol.xprDb);
        for (const v of pol.phases) {
          phaseSum += Math.cos(v);
          phaseN++;
        }
      });
    }
  }
  for (const [c, table] of [
    ["los", UMI_LOS],
    ["nlos", UMI_NLOS],
  ] as const) {
    const v = x[c]!;
    const n = v.length;
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    assert.ok(n > 1000, `${c}: ${n} rays`);
    assert.ok(Math.abs(mean - table.xprDb.mu) < (4 * 3) / Math.sqrt(n), `${c} mean ${mean}`);
    assert.ok(Math.abs(sd - table.xprDb.sigma) < (4 * 3) / Math.sqrt(2 * n), `${c} sd ${sd}`);
  }
  assert.ok(Math.abs(phaseSum / phaseN) < 4 / Math.sqrt(2 * phaseN));
});

test("the XPR measured on H (NLOS, V/H elements at both ends) is 38.901's: co/cross power = μ − σ² ln10/20 dB", () => {
  // Co-polar power per ray is 1 and cross-polar E[1/κ] = 10^(−μ/10) exp((σ ln10/10)²/2).
  const sim = generateChannel({
    preset: "umi-28ghz",
    samples: 24,
    dt: 0.005, // 3 cm (3 λ) between samples: nearly independent small-scale fades
    speed: 6,
    users: 64,
    userAntennas: 2,
    antennas: 8,
    seed: 11,
    normalise: "large-scale",
    bsArray: { polarisation: "dual", slantDeg: [0, 90] },
    userArray: { polarisation: "dual", slantDeg: [0, 90] },
    umi: { condition: "nlos" },
  });
  const [T, K, N, M] = sim.H.shape as [number, number, number, number];
  assert.deepEqual([N, M], [2, 8]);
  // 'large-scale' leaves out path loss and shadowing (every user has Σ P = 1), so plain sums
  // over users, samples and ports estimate the ratio without weighting.
  let co = 0;
  let cross = 0;
  for (let i = 0; i < T * K; i++) {
    for (let pr = 0; pr < 2; pr++) {
      for (let pt = 0; pt < 2; pt++) {
        for (let m = 0; m < 4; m++) {
          const j = i * N * M + pr * M + pt * 4 + m;
          const p = sim.H.re[j]! ** 2 + sim.H.im[j]! ** 2;
          if (pr === pt) co += p;
          else cross += p;
        }
      }
    }
  }
  const measured = 10 * Math.log10(co / cross);
  if (process.env.LIQUIDWAVE_CONFORMANCE_REPORT) console.log(`XPR on H: measured ${measured.toFixed(2)} dB`);
  const { mu, sigma } = UMI_NLOS.xprDb;
  const expected = mu - (sigma * sigma * Math.LN10) / 20;
  assert.ok(Math.abs(measured - expected) < 0.3, `measured ${measured.toFixed(2)} dB, expected ${expected.toFixed(2)} dB`);
});

test("dual polarisation doubles the ports, polarisation-major; ±45° ports carry ½(1 + E[1/κ]) of the single-polarised power", () => {
  const base = { preset: "umi-28ghz", samples: 30, speed: 6, users: 8, antennas: 8, seed: 3, normalise: "none" } as const;
  const single = generateChannel(base);
  const dual = generateChannel({ ...base, bsArray: { polarisation: "dual" } });
  assert.deepEqual(dual.H.shape, [30, 8, 2, 8]);
  assert.deepEqual(dual.config.bsArray.shape, [4]);
  // ±45° slants at the BS, vertical UE: a ray's power per port is |cos45 e^{jΦθθ} ± sin45 κ^{−1/2} e^{jΦθφ}|²,
  // ½(1 + E[1/κ]) ≈ 0.58–0.6 on average (E[1/κ] ≈ 0.16 LOS, 0.2 NLOS), and ½ for the direct path.
  const p = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * x + b[i]! ** 2, 0) / a.length;
  const ratio = p(dual.H.re, dual.H.im) / p(single.H.re, single.H.im);
  assert.ok(ratio > 0.45 && ratio < 0.7, `power ratio ${ratio}`);
  assert.throws(
    () => generateChannel({ preset: "o1-28ghz", samples: 4, bsArray: { polarisation: "dual" } }),
    (e: unknown) => e instanceof LiquidwaveError && /bsArray\.polarisation.*UMi preset/.test(e.message),
  );
  assert.throws(
    () => generateChannel({ preset: "umi-28ghz", samples: 4, speed: 6, antennas: 7, bsArray: { polarisation: "dual" } }),
    (e: unknown) => e instanceof LiquidwaveError && /antennas.*even number of ports, got 7/.test(e.message),
  );
  assert.throws(
    () => generateChannel({ preset: "umi-28ghz", samples: 4, speed: 6, userAntennas: 3, userArray: { polarisation: "dual" } }),
    (e: unknown) => e instanceof LiquidwaveError && /userAntennas.*got 3/.test(e.message),
  );
  assert.throws(
    () => generateChannel({ preset: "clarke", samples: 4, bsArray: { element: "tr38901" } }),
    (e: unknown) => e instanceof LiquidwaveError && /bsArray\.element.*geometric preset/.test(e.message),
  );
});
