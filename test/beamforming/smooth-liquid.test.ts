/** rwmmse-track:smooth=liquid, the liquid chooser of the tracking beamformer's smoothing gain (issue 14). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLearnedSpec, runBeamformers } from "../../src/beamforming/index.ts";
import { LiquidSmoothing, SMOOTH_CELLS, smoothingLoss, type SmoothingTrajectory } from "../../src/beamforming/smooth-liquid.ts";
import { ChannelSample, dbmToLinear } from "../../src/beamforming/system.ts";
import { RwmmseTracker } from "../../src/beamforming/track.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import { cmat, type CMat } from "../../src/core/linalg/cmat.ts";
import { Rng } from "../../src/core/random.ts";
import type { ComplexTensor } from "../../src/core/complex.ts";

const SYS = { sigma2: 1, power: dbmToLinear(10) };
const CEE = -4; // dB
const R = 10 ** (CEE / 10) / (1 + 10 ** (CEE / 10));

/** An AR(1) channel with a slow common drift (N × M per slot) and its estimates with error variance ≈ r. */
function trajectory(seed: number, N: number, M: number, T: number, rho = 0.97): SmoothingTrajectory {
  const rng = new Rng(seed);
  const h = cmat(N, M);
  const s = Math.sqrt(0.5);
  for (let i = 0; i < N * M; i++) {
    h.re[i] = s * rng.normal();
    h.im[i] = s * rng.normal();
  }
  const truths: CMat[] = [];
  const estimates: CMat[] = [];
  const q = Math.sqrt((1 - rho * rho) / 2);
  const e = Math.sqrt(R / 2);
  for (let t = 0; t < T; t++) {
    const next = cmat(N, M);
    const est = cmat(N, M);
    for (let i = 0; i < N * M; i++) {
      next.re[i] = t === 0 ? h.re[i]! : rho * truths[t - 1]!.re[i]! + q * rng.normal();
      next.im[i] = t === 0 ? h.im[i]! : rho * truths[t - 1]!.im[i]! + q * rng.normal();
      est.re[i] = next.re[i]! + e * rng.normal();
      est.im[i] = next.im[i]! + e * rng.normal();
    }
    truths.push(next);
    estimates.push(est);
  }
  return { truths, estimates };
}

function toTensor(slots: readonly CMat[], K: number, Nk: number): ComplexTensor {
  const T = slots.length;
  const n = slots[0]!.re.length;
  const re = new Float64Array(T * n);
  const im = new Float64Array(T * n);
  slots.forEach((m, t) => {
    re.set(m.re, t * n);
    im.set(m.im, t * n);
  });
  return { shape: [T, K, Nk, n / (K * Nk)], re, im };
}

test("an untrained chooser (zero output layer) is smooth=auto bit for bit, for every cell kind, through the runner's warm-up and reset", () => {
  const [K, Nk, M, T] = [2, 2, 6, 40];
  const data = trajectory(3, K * Nk, M, T);
  for (const cell of SMOOTH_CELLS) {
    using chooser = new LiquidSmoothing({ cell, units: 5, seed: 4 });
    const auto = new RwmmseTracker({ K, Nk }, SYS, { smoothing: "auto", csiErrorDb: CEE });
    const liquid = new RwmmseTracker({ K, Nk }, SYS, { smoothing: chooser, csiErrorDb: CEE });
    for (let t = 0; t < T; t++) {
      const a = auto.step(new ChannelSample(data.estimates[t]!, K));
      const l = liquid.step(new ChannelSample(data.estimates[t]!, K));
      assert.equal(l.smoothing, a.smoothing, `${cell}, slot ${t}: weight on the past`);
      assert.deepEqual(l.V.re, a.V.re, `${cell}, slot ${t}`);
      assert.deepEqual(l.V.im, a.V.im, `${cell}, slot ${t}`);
    }
    assert.ok(auto.step(new ChannelSample(data.estimates[T - 1]!, K)).smoothing > 0, "the rule smooths here (else the test is empty)");
  }
  // through the runner: epochs=0 keeps the zero output layer; the warm-up on slot 0 is undone by reset
  const H = toTensor(data.truths, K, Nk);
  const Hest = toTensor(data.estimates, K, Nk);
  const training = [{ H, Hest }];
  const [a, l] = runBeamformers(H, Hest, SYS, ["rwmmse-track:smooth=auto", "rwmmse-track:smooth=liquid:epochs=0:units=4"], {
    seed: 1,
    ceeDb: CEE,
    smoothingTraining: training,
  });
  assert.deepEqual(l!.perSample, a!.perSample);
  assert.ok(l!.equalPower);
});

test("smoothingLoss: dL/dk_t by the adjoint recursion matches central finite differences (plain and phase-aligned error)", () => {
  const [N, M, T] = [4, 3, 12];
  const data = trajectory(5, N, M, T);
  const rng = new Rng(9);
  const rho = Float64Array.from({ length: T }, () => 0.9 + 0.09 * rng.uniform());
  const keep = Float64Array.from({ length: T }, (_, t) => (t === 0 ? 0 : 0.2 + 0.7 * rng.uniform()));
  for (const blockRows of [0, 2]) {
    const g = new Float64Array(T);
    smoothingLoss(data.estimates, data.truths, rho, keep, g, blockRows);
    const h = 1e-6;
    for (let t = 0; t < T; t++) {
      const kp = keep.slice();
      const km = keep.slice();
      kp[t]! += h;
      km[t]! -= h;
      const fd =
        (smoothingLoss(data.estimates, data.truths, rho, kp, undefined, blockRows) -
          smoothingLoss(data.estimates, data.truths, rho, km, undefined, blockRows)) /
        (2 * h);
      assert.ok(Math.abs(fd - g[t]!) <= 1e-6 * Math.max(1, Math.abs(fd)), `blockRows ${blockRows}, t ${t}: adjoint ${g[t]} vs fd ${fd}`);
    }
    assert.ok(
      g.some((v) => Math.abs(v) > 1e-4),
      "the gradient is not trivially zero",
    );
  }
});

test("smooth=liquid: the end-to-end parameter gradient (network -> gain -> smoother -> loss) matches finite differences; training is deterministic, never ends above the rule, and the network is disposed", () => {
  const [N, M, T] = [4, 3, 30];
  const data = [trajectory(11, N, M, T, 0.95), trajectory(12, N, M, T, 0.99)];
  for (const [cell, loss] of [
    ["cfc", "phase"],
    ["ncp", "mse"],
    ["ltc", "phase"],
  ] as const) {
    const chooser = new LiquidSmoothing({ cell, units: 5, seed: 2, loss });
    // a non-zero output layer, so that every parameter's gradient flows
    const rng = new Rng(21);
    for (const p of chooser.params) if (p.name.startsWith("fc.")) for (let i = 0; i < p.value.length; i++) p.value[i] = 0.3 * rng.normal();
    chooser.lossAndGradient(data, CEE, 2);
    const grads = chooser.params.map((p) => Float64Array.from(p.grad));
    let checked = 0;
    chooser.params.forEach((p, j) => {
      if (!p.trainable) return;
      for (const i of [0, p.value.length - 1]) {
        const v = p.value[i]!;
        const h = 1e-5;
        p.value[i] = v + h;
        const lp = chooser.lossAndGradient(data, CEE, 2, false);
        p.value[i] = v - h;
        const lm = chooser.lossAndGradient(data, CEE, 2, false);
        p.value[i] = v;
        const fd = (lp - lm) / (2 * h);
        const g = grads[j]![i]!;
        assert.ok(Math.abs(fd - g) <= 1e-6 + 1e-4 * Math.abs(fd), `${cell} ${p.name}[${i}]: backprop ${g} vs fd ${fd}`);
        checked++;
      }
    });
    assert.ok(checked >= 8, `${cell}: ${checked} entries checked`);
    assert.ok(
      grads.some((g) => g.some((v) => Math.abs(v) > 1e-4)),
      `${cell}: the gradient is not trivially zero`,
    );
    chooser.dispose();
    assert.throws(() => chooser.lossAndGradient(data, CEE, 2), LiquidwaveError, "a disposed chooser cannot run");
  }
  const fit = (): { loss: Float64Array; w: Float64Array[] } => {
    using c = new LiquidSmoothing({ epochs: 8, units: 4, seed: 3 });
    const r = c.train(data, CEE, 2);
    assert.ok(r.loss[r.bestEpoch]! <= r.loss[0]!);
    assert.ok(c.lossAndGradient(data, CEE, 2, false) <= r.loss[0]!, "the kept parameters are the best epoch's");
    return { loss: r.loss, w: c.params.map((p) => Float64Array.from(p.value)) };
  };
  const a = fit();
  const b = fit();
  assert.deepEqual(a.loss, b.loss);
  assert.deepEqual(a.w, b.w);
  assert.ok(a.loss[8]! < a.loss[0]!, `training lowers the loss: ${a.loss[0]} -> ${a.loss[8]}`);
});

test("smooth=liquid options parse; bad values are one typed error line naming the option", () => {
  const s = parseLearnedSpec("rwmmse-track:smooth=liquid:cell=ncp:units=6:epochs=5:lr=0.02:seed=3:train=50:trajs=2:loss=mse");
  assert.equal(s.trackSmoothing, "liquid");
  assert.deepEqual(s.liquid, { train: 50, trajectories: 2, cell: "ncp", units: 6, epochs: 5, learningRate: 0.02, seed: 3, loss: "mse" });
  const bad: [string, RegExp][] = [
    ["rwmmse-track:smooth=liquid:cell=gru", /cell=gru in '.*': valid cells are cfc, ncp, ltc/],
    ["rwmmse-track:smooth=auto:cell=cfc", /option 'cell=cfc' in '.*' applies to smooth=liquid only/],
    ["rwmmse-track:smooth=liquid:units=0", /units=0 in '.*': must be an integer in \[1, 256\]/],
    ["rwmmse-track:smooth=liquid:cell=ltc:units=3", /units=3 in '.*': the ltc chooser's AutoNCP wiring needs at least 4 units/],
    ["rwmmse-track:smooth=liquid:loss=l1", /loss=l1 in '.*': valid losses are phase, mse/],
    ["rwmmse-track:smooth=liquid:train=1", /train=1 in '.*': must be an integer in \[2, 1000000\]/],
    ["rwmmse-track:smooth=liquid:epochs=x", /option 'epochs=x' of '.*' needs an integer value/],
    ["rwmmse-track:smooth=kalman", /smooth=kalman in '.*': must be in \[0, 1\), 'auto' or 'liquid'/],
  ];
  for (const [spec, re] of bad) {
    assert.throws(
      () => parseLearnedSpec(spec),
      (e: unknown) => e instanceof LiquidwaveError && re.test(e.message) && !e.message.includes("\n"),
      spec,
    );
  }
  assert.throws(() => new LiquidSmoothing({ cell: "ncp", units: 2 }), /smooth=liquid: units must be an integer in \[4, 256\], got 2/);
  const H = toTensor(trajectory(1, 4, 3, 5).truths, 2, 2);
  assert.throws(
    () => runBeamformers(H, H, SYS, ["rwmmse-track:smooth=liquid"], { ceeDb: CEE }),
    /rwmmse-track:smooth=liquid: needs offline training trajectories/,
  );
});
