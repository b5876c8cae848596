/**
 * Statistical conformance of the 38.901 UMi presets (`umi-6ghz`, `umi-28ghz`) with TR 38.901
 * Table 7.5-6 Part-1, Table 7.4.1-1 and Table 7.4.2-1, estimated from many independent drops of
 * the generated channels.
 *
 * Each drop is one user of a static (one-sample) channel with absolute power. Its paths are the
 * ones generateChannel evaluates (umiUserPaths; the first test checks that they reproduce H bit
 * for bit), and from their lengths, powers and departure directions (pathSnapshot) we estimate:
 * - DS: rms delay spread of the power delay profile;
 * - ASD: BS-side azimuth spread, 3GPP TR 25.996 eq. (A-1) (the spread 38.901 refers to: the
 *   minimum over angle shifts Δ of the rms deviation around the power-weighted mean);
 * - K: LOS path power over the scattered power (LOS drops);
 * - path-loss residual: 10 log10 Σ P_l + PL(d_2D) of the drop's condition, i.e. the shadow
 *   fading SF as a gain;
 * - the LOS indicator, per distance bin.
 *
 * Reference values come from src/channel/umi-tables.ts and pathloss.ts only. Tolerances are
 * 5 standard errors for the drop counts, from closed forms: mean σ/√n, standard deviation
 * σ/√(2n), median 1.2533 σ/√n, the quantile gap q(84.13 %) − q(50 %) ≤ (1.2533 + 1.5156) σ/√n
 * (asymptotic quantile variances p(1−p)/(n φ(z_p)²), added as if fully anti-correlated),
 * correlations 1/√(n − 3) in Fisher's z = atanh r, a binomial fraction √(Σ p(1 − p))/n. The
 * drops are deterministic for their seed, so the test is not flaky.
 *
 * Two properties of the 38.901 procedure itself shape the realised spreads (the tests allow for
 * them with closed forms, not with looser tolerances):
 * - the two strongest clusters are split into sub-clusters at +1.28 c_DS and +2.56 c_DS, and
 *   each cluster's 20 rays sit at offsets c_ASD·α_m whose rms is c_ASD (Σ α_m²/20 = 1.0). These
 *   intra-cluster spreads lift the lower tail of the realised DS and ASD distributions (a drop
 *   cannot have a spread much below c_DS / c_ASD). So DS and ASD are checked through their
 *   median and upper half (the 50 % and 84.13 % quantiles, i.e. μ and μ + σ of a log-normal);
 * - the realised ASD is the drawn cluster spread combined with the ray offsets, ASD ⊕ c_ASD =
 *   √(ASD² + c_ASD²): monotone in ASD, so its quantiles are exactly those of the table's
 *   log-normal mapped through it (with 38.901's 104° cap). c_ASD is 3° in LOS, 10° in NLOS.
 *
 * Measured (seeds below): the LOS ASD median sits 0.045 (6 GHz) and 0.065 (28 GHz) below the
 * table in lg (10–14 %), within the 5-SE tolerance (≈ 0.078 at ~1100 LOS drops) but the largest
 * deviation here; it comes from the K-dependent C_φ^LOS scaling of 38.901 step 7, which makes
 * the realised LOS spread only approximately the drawn one. Everything else is within 3 SE.
 * `LIQUIDWAVE_CONFORMANCE_REPORT=1` prints every measured value with its reference.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateChannel, umiUserPaths } from "../../src/channel/generate.ts";
import { resolveChannelConfig } from "../../src/channel/config.ts";
import type { ChannelConfig } from "../../src/channel/config.ts";
import { evaluateUserChannel, pathSnapshot } from "../../src/channel/engine.ts";
import { ula } from "../../src/channel/array.ts";
import { SPEED_OF_LIGHT, wavelength } from "../../src/channel/constants.ts";
import { umiLosPathLossDb, umiLosProbability, umiNlosPathLossDb } from "../../src/channel/pathloss.ts";
import { UMI_LOS, UMI_NLOS, fcLaw } from "../../src/channel/umi-tables.ts";
import type { UmiConditionTable } from "../../src/channel/umi-tables.ts";

/** Standard normal CDF at 1: the quantile of μ + σ. */
const PHI_1 = 0.8413447460685429;
const SE_MEDIAN = 1.2533;
const SE_UPPER_GAP = 1.2533 + 1.5156;
const Z = 5;

interface Drop {
  readonly los: boolean;
  readonly d2D: number;
  readonly lgDs: number;
  readonly lgAsd: number;
  readonly kDb: number;
  readonly sfDb: number;
}

/** TR 25.996 circular angular spread of azimuths (rad) with powers p, in degrees. */
function angularSpreadDeg(az: Float64Array, p: Float64Array): number {
  const n = az.length;
  let tot = 0;
  for (let i = 0; i < n; i++) tot += p[i]!;
  const wrap = (x: number): number => x - 2 * Math.PI * Math.floor((x + Math.PI) / (2 * Math.PI));
  const at = (delta: number): number => {
    let m = 0;
    for (let i = 0; i < n; i++) m += p[i]! * wrap(az[i]! + delta);
    m /= tot;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const x = wrap(wrap(az[i]! + delta) - m);
      v += p[i]! * x * x;
    }
    return v / tot;
  };
  // Coarse grid over Δ, then golden-section refinement around the best shift.
  const step = (2 * Math.PI) / 72;
  let best = 0;
  let bestV = Infinity;
  for (let j = 0; j < 72; j++) {
    const v = at(j * step);
    if (v < bestV) [bestV, best] = [v, j * step];
  }
  let a = best - step;
  let b = best + step;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 30; it++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (at(c) < at(d)) b = d;
    else a = c;
  }
  return (Math.sqrt(Math.min(bestV, at((a + b) / 2))) * 180) / Math.PI;
}

function staticConfig(preset: "umi-6ghz" | "umi-28ghz", users: number, seed: number): ChannelConfig {
  return resolveChannelConfig({ preset, users, samples: 1, speed: 0, normalise: "none", antennas: 1, userAntennas: 1, seed });
}

const cache = new Map<string, Drop[]>();
function drops(preset: "umi-6ghz" | "umi-28ghz", n: number, seed: number): Drop[] {
  const key = `${preset}/${n}/${seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const c = staticConfig(preset, n, seed);
  const u = c.umi!;
  const out: Drop[] = [];
  for (let k = 0; k < n; k++) {
    const r = umiUserPaths(c, k);
    const snap = pathSnapshot(r.paths, r.tr, 0);
    const L = snap.power.length;
    let tot = 0;
    let m1 = 0;
    let m2 = 0;
    let pLos = 0;
    const az = new Float64Array(L);
    for (let i = 0; i < L; i++) {
      const p = snap.power[i]!;
      const tau = snap.D[i]! / SPEED_OF_LIGHT;
      tot += p;
      m1 += p * tau;
      m2 += p * tau * tau;
      if (snap.moving[i]) pLos += p;
      az[i] = Math.atan2(snap.dep[3 * i + 1]!, snap.dep[3 * i]!);
    }
    const ds = Math.sqrt(Math.max(0, m2 / tot - (m1 / tot) ** 2));
    const d2D = Math.hypot(r.tr.pos[0]!, r.tr.pos[1]!);
    const los = r.los[0] === 1;
    const pl = los
      ? umiLosPathLossDb(d2D, u.bsHeight, u.ueHeight, c.carrierGHz)
      : umiNlosPathLossDb(d2D, u.bsHeight, u.ueHeight, c.carrierGHz);
    out.push({
      los,
      d2D,
      lgDs: Math.log10(ds),
      lgAsd: Math.log10(angularSpreadDeg(az, snap.power)),
      kDb: 10 * Math.log10(pLos / (tot - pLos)),
      sfDb: 10 * Math.log10(tot) + pl,
    });
  }
  cache.set(key, out);
  return out;
}

const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
const std = (x: number[]): number => {
  const m = mean(x);
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
};
function quantile(x: number[], p: number): number {
  const s = [...x].sort((a, b) => a - b);
  const i = p * (s.length - 1);
  const l = Math.floor(i);
  return s[l]! + (i - l) * (s[Math.min(l + 1, s.length - 1)]! - s[l]!);
}
function corr(a: number[], b: number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  let s = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    s += (a[i]! - ma) * (b[i]! - mb);
    sa += (a[i]! - ma) ** 2;
    sb += (b[i]! - mb) ** 2;
  }
  return s / Math.sqrt(sa * sb);
}

/** Assert |x − ref| ≤ Z·se with a message naming the statistic. */
function near(name: string, x: number, ref: number, se: number): void {
  if (process.env["LIQUIDWAVE_CONFORMANCE_REPORT"])
    process.stdout.write(`# ${name}: ${x.toFixed(4)} vs ${ref.toFixed(4)} ± ${(Z * se).toFixed(4)}\n`);
  assert.ok(
    Math.abs(x - ref) <= Z * se,
    `${name}: measured ${x.toFixed(4)}, 38.901 ${ref.toFixed(4)}, tolerance ${(Z * se).toFixed(4)} (${Z} standard errors)`,
  );
}

/** Check a log-normal statistic through its median and upper-half quantile gap. */
function checkLogNormal(name: string, xs: number[], mu: number, sigma: number, map: (lg: number) => number = (v) => v): void {
  const n = xs.length;
  const med = quantile(xs, 0.5);
  const gap = quantile(xs, PHI_1) - med;
  near(`${name} median of lg`, med, map(mu), (SE_MEDIAN * sigma) / Math.sqrt(n));
  near(`${name} q84 − q50 of lg`, gap, map(mu + sigma) - map(mu), (SE_UPPER_GAP * sigma) / Math.sqrt(n));
}

/** Fisher-z check of a correlation against the table value. */
function checkCorr(name: string, r: number, ref: number, n: number): void {
  near(`${name} correlation (Fisher z; r = ${r.toFixed(3)}, table ${ref})`, Math.atanh(r), Math.atanh(ref), 1 / Math.sqrt(n - 3));
}

function tableCorr(t: UmiConditionTable, a: string, b: string): number {
  for (const [x, y, v] of t.crossCorr) if ((x === a && y === b) || (x === b && y === a)) return v;
  return 0;
}

/** The realised BS azimuth spread of a drawn ASD (deg, capped at 104°) with the ray offsets c_ASD. */
const withRays =
  (cAsd: number) =>
  (lgAsd: number): number =>
    Math.log10(Math.hypot(Math.min(10 ** lgAsd, 104), cAsd));

function conformance(preset: "umi-6ghz" | "umi-28ghz", seed: number): void {
  const all = drops(preset, N_DROPS, seed);
  const fc = staticConfig(preset, 1, seed).carrierGHz;
  for (const los of [true, false]) {
    const t = los ? UMI_LOS : UMI_NLOS;
    const tag = `${preset} ${los ? "LOS" : "NLOS"}`;
    const d = all.filter((x) => x.los === los);
    const n = d.length;
    assert.ok(n > 300, `${tag}: only ${n} drops`);
    const lgDs = d.map((x) => x.lgDs);
    const lgAsd = d.map((x) => x.lgAsd);
    const sf = d.map((x) => x.sfDb);
    checkLogNormal(`${tag} DS`, lgDs, fcLaw(t.lgDS.mu, fc), fcLaw(t.lgDS.sigma, fc));
    checkLogNormal(`${tag} ASD`, lgAsd, fcLaw(t.lgASD.mu, fc), fcLaw(t.lgASD.sigma, fc), withRays(t.clusterAsd));
    // Shadow fading: the path-loss residual is N(0, σ_SF²) in dB.
    near(`${tag} path-loss residual mean (dB)`, mean(sf), 0, t.shadowFadingDb / Math.sqrt(n));
    near(`${tag} path-loss residual std (dB)`, std(sf), t.shadowFadingDb, t.shadowFadingDb / Math.sqrt(2 * n));
    checkCorr(`${tag} SF–DS`, corr(sf, lgDs), tableCorr(t, "SF", "DS"), n);
    checkCorr(`${tag} SF–ASD`, corr(sf, lgAsd), tableCorr(t, "SF", "ASD"), n);
    if (los) {
      const k = d.map((x) => x.kDb);
      near(`${tag} K-factor mean (dB)`, mean(k), t.kFactorDb!.mu, t.kFactorDb!.sigma / Math.sqrt(n));
      near(`${tag} K-factor std (dB)`, std(k), t.kFactorDb!.sigma, t.kFactorDb!.sigma / Math.sqrt(2 * n));
      checkCorr(`${tag} SF–K`, corr(sf, k), tableCorr(t, "SF", "K"), n);
      checkCorr(`${tag} DS–K`, corr(lgDs, k), tableCorr(t, "DS", "K"), n);
    }
    // The signs 38.901 gives, stated on their own (an SF applied as a loss flips the first two).
    const sfDs = corr(sf, lgDs);
    assert.ok(sfDs < 0, `${tag}: SF–DS correlation ${sfDs.toFixed(3)} should be negative (38.901: ${tableCorr(t, "SF", "DS")})`);
    if (los) {
      const sfK = corr(
        sf,
        d.map((x) => x.kDb),
      );
      assert.ok(sfK > 0, `${tag}: SF–K correlation ${sfK.toFixed(3)} should be positive (38.901: +0.5)`);
    }
  }
  // LOS probability per distance bin: the expected fraction is the mean of P_LOS(d_2D) over the
  // bin's drops; the binomial standard error √(Σ p(1 − p))/n.
  const edges = [10, 18, 30, 50, 80, 150];
  for (let b = 0; b + 1 < edges.length; b++) {
    const inBin = all.filter((x) => x.d2D >= edges[b]! && x.d2D < edges[b + 1]!);
    const p = inBin.map((x) => umiLosProbability(x.d2D));
    const frac = inBin.filter((x) => x.los).length / inBin.length;
    const se = Math.sqrt(p.reduce((a, q) => a + q * (1 - q), 0)) / inBin.length;
    assert.ok(inBin.length >= 20, `${preset}: only ${inBin.length} drops in ${edges[b]}–${edges[b + 1]} m`);
    assert.ok(
      Math.abs(frac - mean(p)) <= Z * se + 1e-12,
      `${preset} LOS fraction at ${edges[b]}–${edges[b + 1]} m: measured ${frac.toFixed(4)}, 38.901 ${mean(p).toFixed(4)}, tolerance ${(Z * se).toFixed(4)}`,
    );
  }
}

const N_DROPS = 4000;

test("the paths umiUserPaths reports are the ones generateChannel evaluates (H and LOS flags bit for bit)", () => {
  for (const preset of ["umi-6ghz", "umi-28ghz"] as const) {
    const input = {
      preset,
      users: 6,
      samples: 3,
      speed: 10,
      normalise: "none" as const,
      antennas: 4,
      userAntennas: 2,
      userArray: { spacing: 0.5, axis: [0, 1, 0] as [number, number, number] },
      seed: 5,
    };
    const sim = generateChannel(input);
    for (let k = 0; k < 6; k++) {
      const r = umiUserPaths(input, k);
      const re = new Float64Array(3 * 8);
      const im = new Float64Array(3 * 8);
      evaluateUserChannel(r.paths, r.tr, r.bsPosition, ula(4), ula(2, { axis: [0, 1, 0] }), wavelength(r.config.carrierGHz * 1e9), {
        re,
        im,
        users: 1,
        user: 0,
      });
      for (let t = 0; t < 3; t++) {
        assert.equal(r.los[t], sim.los![t * 6 + k]);
        for (let i = 0; i < 8; i++) {
          assert.equal(re[t * 8 + i], sim.H.re[(t * 6 + k) * 8 + i]);
          assert.equal(im[t * 8 + i], sim.H.im[(t * 6 + k) * 8 + i]);
        }
      }
    }
  }
});

test("umi-6ghz drops match 38.901 Table 7.5-6 (DS, ASD, K, SF, cross-correlation signs) and the LOS probability per distance bin", () => {
  conformance("umi-6ghz", 901);
});

test("umi-28ghz drops match 38.901 Table 7.5-6 at 28 GHz (DS, ASD, K, SF, cross-correlation signs) and the LOS probability per distance bin", () => {
  conformance("umi-28ghz", 2801);
});
