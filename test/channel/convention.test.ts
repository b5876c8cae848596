/**
 * The channel convention of docs/channel.md §1, checked on a single line-of-sight path (the o1-28ghz
 * canyon with no reflections): H = g a_r a_tᵀ (plain transpose), g = λ/(4πD) e^{−j2πD/λ}.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateChannel } from "../../src/channel/generate.ts";
import type { ChannelConfigInput } from "../../src/channel/config.ts";
import { elementPositions, steeringVector, ula } from "../../src/channel/array.ts";
import { SPEED_OF_LIGHT } from "../../src/channel/constants.ts";
import { unitVector } from "../../src/channel/geometry.ts";
import type { Vec3 } from "../../src/channel/geometry.ts";

const FC = 28e9;
const LAMBDA = SPEED_OF_LIGHT / FC;

/** A line-of-sight-only canyon with the BS at `bs`, one user starting at `start`. */
function losOnly(bs: Vec3, start: Vec3, extra: Partial<ChannelConfigInput> & Record<string, unknown> = {}): ChannelConfigInput {
  return {
    preset: "o1-28ghz",
    users: 1,
    userAntennas: 1,
    antennas: 64,
    samples: 1,
    speed: 0,
    normalise: "none",
    userArray: { axis: [0, 1, 0] },
    mobility: { model: "straight", start: [start], heading: [0] },
    canyon: { maxOrder: 0, ground: false, bsPosition: bs, ueHeight: start[2] },
    ...extra,
  } as ChannelConfigInput;
}

test("single LOS path: H equals g·a_r·a_tᵀ built independently from element positions (1e-11)", () => {
  // The carrier phase 2πD/λ ≈ 2.6e4 rad is itself known to ~1e−12 rad in float64, hence 1e−11.
  const bs: Vec3 = [0, 2, 6];
  const u: Vec3 = [40, 20, 2];
  const sim = generateChannel(losOnly(bs, u, { userAntennas: 2 }));
  const D = Math.hypot(u[0] - bs[0], u[1] - bs[1], u[2] - bs[2]);
  const rt: Vec3 = [(u[0] - bs[0]) / D, (u[1] - bs[1]) / D, (u[2] - bs[2]) / D];
  const rr: Vec3 = [-rt[0], -rt[1], -rt[2]];
  const pb = elementPositions(ula(64));
  const pu = elementPositions(ula(2, { axis: [0, 1, 0] }));
  const amp = LAMBDA / (4 * Math.PI * D);
  for (let n = 0; n < 2; n++) {
    for (let m = 0; m < 64; m++) {
      const cyc = D / LAMBDA;
      const ph =
        -2 * Math.PI * (cyc - Math.round(cyc)) +
        2 *
          Math.PI *
          (pu[3 * n]! * rr[0] +
            pu[3 * n + 1]! * rr[1] +
            pu[3 * n + 2]! * rr[2] +
            pb[3 * m]! * rt[0] +
            pb[3 * m + 1]! * rt[1] +
            pb[3 * m + 2]! * rt[2]);
      const i = n * 64 + m;
      assert.ok(
        Math.abs(sim.H.re[i]! - amp * Math.cos(ph)) < 1e-11 * amp && Math.abs(sim.H.im[i]! - amp * Math.sin(ph)) < 1e-11 * amp,
        `H[${n}, ${m}]: ${sim.H.re[i]! / amp} vs ${Math.cos(ph)}`,
      );
    }
  }
});

test("matched precoder w = conj(a_t(r̂_t))/√M gives |Hw|² = M|g|² and its beam points at the user", () => {
  const bs: Vec3 = [0, 2, 6];
  const u: Vec3 = [-25, 30, 2];
  const sim = generateChannel(losOnly(bs, u));
  const D = Math.hypot(u[0] - bs[0], u[1] - bs[1], u[2] - bs[2]);
  const rt: Vec3 = [(u[0] - bs[0]) / D, (u[1] - bs[1]) / D, (u[2] - bs[2]) / D];
  const at = steeringVector(ula(64), rt);
  const s = 1 / Math.sqrt(64);
  let yr = 0;
  let yi = 0;
  for (let m = 0; m < 64; m++) {
    const wr = at.re[m]! * s;
    const wi = -at.im[m]! * s;
    yr += sim.H.re[m]! * wr - sim.H.im[m]! * wi;
    yi += sim.H.re[m]! * wi + sim.H.im[m]! * wr;
  }
  const g2 = (LAMBDA / (4 * Math.PI * D)) ** 2;
  assert.ok(Math.abs((yr * yr + yi * yi) / (64 * g2) - 1) < 1e-12, `|Hw|²/(M|g|²) = ${(yr * yr + yi * yi) / (64 * g2)}`);

  // MRT from H itself, w = conj(H)/‖H‖; the radiated field towards r̂ is a_t(r̂)ᵀw. Scan the
  // azimuth at the user's zenith: the maximum is at the user's azimuth (the ULA along x cannot
  // tell φ from −φ, so scan [0°, 180°]).
  const zen = Math.acos(rt[2]);
  const azUser = (Math.atan2(rt[1], rt[0]) * 180) / Math.PI;
  let best = -1;
  let bestAz = NaN;
  for (let az = 0; az <= 180; az += 0.01) {
    const a = steeringVector(ula(64), unitVector(zen, (az * Math.PI) / 180));
    let fr = 0;
    let fi = 0;
    for (let m = 0; m < 64; m++) {
      // a_m · conj(H_m)
      fr += a.re[m]! * sim.H.re[m]! + a.im[m]! * sim.H.im[m]!;
      fi += a.im[m]! * sim.H.re[m]! - a.re[m]! * sim.H.im[m]!;
    }
    const p = fr * fr + fi * fi;
    if (p > best) {
      best = p;
      bestAz = az;
    }
  }
  assert.ok(Math.abs(bestAz - azUser) <= 0.01, `beam at ${bestAz}°, user at ${azUser}°`);
});

test("the plane-wave H agrees with exact element-to-element spherical distances at 3 km (phase error < 0.01 rad)", () => {
  // Far beyond the Fraunhofer distance 2D²/λ ≈ 22 m of the 64-element array, the plane-wave
  // model must reproduce the true per-element path lengths; the conjugate (aᴴ) convention would
  // be off by up to 2π·(M−1)·d·|û·r̂| rad.
  const bs: Vec3 = [0, 2, 6];
  const u: Vec3 = [2500, 30, 2];
  const sim = generateChannel(
    losOnly(bs, u, { userAntennas: 2, canyon: { maxOrder: 0, ground: false, bsPosition: bs, ueHeight: 2, xRange: [5, 3000] } }),
  );
  const pb = elementPositions(ula(64));
  const pu = elementPositions(ula(2, { axis: [0, 1, 0] }));
  const exact = (n: number, m: number): number => {
    const b: Vec3 = [bs[0] + LAMBDA * pb[3 * m]!, bs[1] + LAMBDA * pb[3 * m + 1]!, bs[2] + LAMBDA * pb[3 * m + 2]!];
    const x: Vec3 = [u[0] + LAMBDA * pu[3 * n]!, u[1] + LAMBDA * pu[3 * n + 1]!, u[2] + LAMBDA * pu[3 * n + 2]!];
    return (-2 * Math.PI * Math.hypot(x[0] - b[0], x[1] - b[1], x[2] - b[2])) / LAMBDA;
  };
  const ref = exact(0, 0);
  const h0 = Math.atan2(sim.H.im[0]!, sim.H.re[0]!);
  let worst = 0;
  for (let n = 0; n < 2; n++) {
    for (let m = 0; m < 64; m++) {
      const got = Math.atan2(sim.H.im[n * 64 + m]!, sim.H.re[n * 64 + m]!) - h0;
      const want = exact(n, m) - ref;
      const err = Math.abs(Math.atan2(Math.sin(got - want), Math.cos(got - want)));
      worst = Math.max(worst, err);
    }
  }
  assert.ok(worst < 0.01, `largest phase error ${worst} rad`);
});

test("a moving single path has Doppler v·r̂_r/λ: the phase slope matches to 1e-6 relative", () => {
  const bs: Vec3 = [0, 2, 6];
  const u: Vec3 = [30, 25, 2];
  const v = 15;
  const dt = 1e-5;
  const sim = generateChannel(
    losOnly(bs, u, { antennas: 1, samples: 201, dt, speed: v, mobility: { model: "straight", start: [u], heading: [35] } }),
  );
  const pos = sim.positions!.data;
  for (const t of [1, 100, 199]) {
    const ph = (i: number): number => Math.atan2(sim.H.im[i]!, sim.H.re[i]!);
    let d = ph(t + 1) - ph(t - 1);
    d = Math.atan2(Math.sin(d), Math.cos(d));
    const measured = d / (2 * dt) / (2 * Math.PI);
    const x = [pos[3 * t]!, pos[3 * t + 1]!, pos[3 * t + 2]!];
    const r = [bs[0] - x[0]!, bs[1] - x[1]!, bs[2] - x[2]!];
    const rn = Math.hypot(r[0]!, r[1]!, r[2]!);
    const h = (35 * Math.PI) / 180;
    const expected = (v * (Math.cos(h) * r[0]! + Math.sin(h) * r[1]!)) / rn / LAMBDA;
    assert.ok(Math.abs(measured / expected - 1) < 1e-6, `t=${t}: measured ${measured} Hz, v·r̂/λ = ${expected} Hz`);
  }
});

test("moving radially away at v: phase slope −2πv/λ and delay slope v/c", () => {
  const bs: Vec3 = [0, 2, 2];
  const u: Vec3 = [20, 2, 2];
  const v = 30;
  const dt = 1e-5;
  const sim = generateChannel(
    losOnly(bs, u, {
      antennas: 1,
      samples: 3,
      dt,
      speed: v,
      canyon: { maxOrder: 0, ground: false, bsPosition: bs, ueHeight: 2, yRange: [1, 39] },
    }),
  );
  let d = Math.atan2(sim.H.im[2]!, sim.H.re[2]!) - Math.atan2(sim.H.im[0]!, sim.H.re[0]!);
  d = Math.atan2(Math.sin(d), Math.cos(d));
  const slope = d / (2 * dt);
  assert.ok(Math.abs(slope / ((-2 * Math.PI * v) / LAMBDA) - 1) < 1e-9, `phase slope ${slope} rad/s`);
  const p = sim.positions!.data;
  const delay = (t: number): number => Math.hypot(p[3 * t]! - bs[0], p[3 * t + 1]! - bs[1], p[3 * t + 2]! - bs[2]) / SPEED_OF_LIGHT;
  assert.ok(Math.abs((delay(2) - delay(0)) / (2 * dt) / (v / SPEED_OF_LIGHT) - 1) < 1e-9);
});

test("tangential motion at broadside: the AoD read off the array phases drifts at v/d rad/s", () => {
  // BS and user at the same height; user passes broadside of the x-axis ULA at distance d.
  const bs: Vec3 = [0, 2, 2];
  const d = 30;
  const v = 20;
  const dt = 1e-4;
  const sim = generateChannel(losOnly(bs, [-v * dt, 2 + d, 2], { samples: 3, dt, speed: v }));
  // Single path: H[m+1]/H[m] = exp(jπ cos φ) for λ/2 spacing along x.
  const aod = (t: number): number => {
    let sr = 0;
    let si = 0;
    for (let m = 0; m < 63; m++) {
      const a = t * 64 + m;
      sr += sim.H.re[a + 1]! * sim.H.re[a]! + sim.H.im[a + 1]! * sim.H.im[a]!;
      si += sim.H.im[a + 1]! * sim.H.re[a]! - sim.H.re[a + 1]! * sim.H.im[a]!;
    }
    return Math.acos(Math.atan2(si, sr) / Math.PI);
  };
  const rate = (aod(2) - aod(0)) / (2 * dt);
  assert.ok(Math.abs(rate / (-v / d) - 1) < 1e-6, `AoD rate ${rate} rad/s, expected ${-v / d}`);
});
