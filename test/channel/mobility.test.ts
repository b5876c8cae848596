import { test } from "node:test";
import assert from "node:assert/strict";
import { randomWalkTrajectory, speedSchedule, streetTrajectory } from "../../src/channel/mobility.ts";
import { Rng } from "../../src/core/random.ts";

test("speed schedules: one speed per phase; a ramp crosses each boundary smoothly through the mid speed", () => {
  const v = speedSchedule(30, 0.1, [6, 15, 30], [10, 10, 10]);
  assert.deepEqual([v[0], v[9], v[10], v[19], v[20], v[29]], [6, 6, 15, 15, 30, 30]);
  const r = speedSchedule(30, 0.1, [6, 15, 30], [10, 10, 10], 0.6);
  // Boundary at t = 1 s between samples 9 and 10 (mid-slot times 0.95 s and 1.05 s).
  assert.ok(Math.abs(r[9]! + r[10]! - 2 * 10.5) < 1e-12, "symmetric about the mid speed 10.5");
  assert.equal(r[5], 6);
  assert.equal(r[15], 15);
  for (let t = 1; t < 30; t++) assert.ok(r[t]! >= r[t - 1]!, "monotone for increasing phases");
  assert.throws(() => speedSchedule(20, 0.1, [6, 15], [10, 5]), /slots add up to 15 samples but samples = 20/);
  assert.throws(() => speedSchedule(20, 0.1, [6, 15], null), /2 speeds need slots/);
});

test("random walk: exact speed every step, stays in the annulus, heading decorrelates at the diffusion rate", () => {
  const T = 20000;
  const dt = 1e-2;
  const speed = new Float64Array(T).fill(2);
  const tr = randomWalkTrajectory(new Rng(1), [50, 0, 1.5], 0, speed, dt, { headingSigma: 0.5, center: [0, 0, 0], rMin: 10, rMax: 60 });
  for (let t = 1; t < T; t++) {
    const d = Math.hypot(tr.pos[3 * t]! - tr.pos[3 * t - 3]!, tr.pos[3 * t + 1]! - tr.pos[3 * t - 2]!);
    assert.ok(Math.abs(d - 2 * dt) < 1e-12);
    const r = Math.hypot(tr.pos[3 * t]!, tr.pos[3 * t + 1]!);
    assert.ok(r >= 10 - 2 * dt && r <= 60 + 2 * dt, `r = ${r}`);
    assert.equal(tr.pos[3 * t + 2], 1.5);
  }
  assert.ok(Math.abs(tr.s[T - 1]! - 2 * dt * (T - 1)) < 1e-9);
});

test("street motion: speed exact, user inside the strip, lateral wander with about the requested spread", () => {
  // 40 users × 400 m at 20 m/s; the stationary lateral standard deviation is 0.5 m by design
  // (critically damped lane keeping); the sample spread over all users is within 35 %.
  const offsets: number[] = [];
  for (let k = 0; k < 40; k++) {
    const T = 2000;
    const tr = streetTrajectory(new Rng(100 + k), [10, 20, 2], 1, new Float64Array(T).fill(20), 0.01, {
      lateralSigma: 0.5,
      lateralLength: 20,
      yMin: 2.5,
      yMax: 37.5,
      xRef: 0,
      xMinAbs: 5,
      xMaxAbs: 1000,
    });
    for (let t = 1; t < T; t++) {
      const d = Math.hypot(tr.pos[3 * t]! - tr.pos[3 * t - 3]!, tr.pos[3 * t + 1]! - tr.pos[3 * t - 2]!);
      assert.ok(Math.abs(d - 0.2) < 1e-12);
      if (t > 500) offsets.push(tr.pos[3 * t + 1]! - 20);
    }
  }
  const sd = Math.sqrt(offsets.reduce((a, x) => a + x * x, 0) / offsets.length);
  assert.ok(sd > 0.5 * 0.65 && sd < 0.5 * 1.35, `lateral spread ${sd} m`);
});

test("street motion turns around at the ends of its range", () => {
  const tr = streetTrajectory(new Rng(1), [240, 20, 2], 1, new Float64Array(400).fill(10), 0.01, {
    lateralSigma: 0,
    lateralLength: 20,
    yMin: 2.5,
    yMax: 37.5,
    xRef: 0,
    xMinAbs: 5,
    xMaxAbs: 250,
  });
  const xs = Array.from({ length: 400 }, (_, t) => tr.pos[3 * t]!);
  assert.ok(Math.max(...xs) <= 250 + 0.1 && xs[399]! < 240, `max x ${Math.max(...xs)}, last ${xs[399]}`);
});
