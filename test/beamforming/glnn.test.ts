import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { cclone, cfrob2 } from "../../src/core/linalg/cmat.ts";
import { cmatmulAH } from "../../src/core/linalg/matmul.ts";
import { GlnnBeamformer, glnnModelConfig, resolveGlnnOptions, type GlnnOptions } from "../../src/beamforming/glnn.ts";
import { glnnLoss, sumRateAndGradX, userRates, userRatesX } from "../../src/beamforming/rate.ts";
import { ChannelSample } from "../../src/beamforming/system.ts";
import { rzf, zf } from "../../src/beamforming/precoders.ts";
import { buildModel } from "../../src/nn/models.ts";
import { numericalGradient, relErr } from "../helpers/assert.ts";
import { iidChannel } from "./helpers.ts";

const K = 4,
  Nk = 2;
const sys = { sigma2: 1, power: 10 };

/** A random hidden state for the probes (not zeros, so the state path is exercised). */
function randomState(rng: Rng, batch: number, size: number) {
  const data = new Float64Array(batch * size);
  rng.fillUniform(data, -0.5, 0.5);
  return { shape: [batch, size], data };
}

/**
 * End-to-end check of the training gradient: dL/dθ from the hand-written chain (rate gradient in X
 * through the normalisation → ΔX → projection → CfC/LSTM unrolled over the N rows) against central
 * finite differences of the same loss, on every 5th entry of every trainable parameter.
 */
function checkTrainingGradient(opts: GlnnOptions, seed: number): void {
  const rng = new Rng(seed);
  const ch = iidChannel(rng, K, Nk, 16);
  const g = new GlnnBeamformer({ K, Nk }, sys, { seed, ...opts });
  const x0 = g.initialBase(ch);
  const gin = g.gradientInput(ch, x0);
  const S = g.options.encoding === "rows" ? 1 : K;
  const h0 = randomState(rng, S, g.model!.stateSize);
  g.probe(ch, x0, gin, h0);
  const analytic: number[] = [];
  const numeric: number[] = [];
  for (const p of g.params) {
    if (!p.trainable) continue;
    const grad = p.grad.slice();
    const idx: number[] = [];
    for (let i = 0; i < p.value.length; i += 5) idx.push(i);
    const sub = new Float64Array(idx.map((i) => p.value[i]!));
    const fd = numericalGradient(
      () => {
        idx.forEach((i, j) => (p.value[i] = sub[j]!));
        return g.probeLoss(ch, x0, gin, h0);
      },
      sub,
      1e-6,
    );
    idx.forEach((i, j) => (p.value[i] = sub[j]!));
    idx.forEach((i, j) => {
      analytic.push(grad[i]!);
      numeric.push(fd[j]!);
    });
  }
  assert.ok(analytic.length > 300, `checked ${analytic.length} entries`);
  assert.ok(
    analytic.some((v) => Math.abs(v) > 1e-3),
    "the gradient is not trivially zero",
  );
  const err = relErr(analytic, numeric);
  assert.ok(err < 1e-6, `relative error ${err} of dL/dθ vs finite differences (${JSON.stringify(opts)})`);
}

test("GLNN training gradient (CfC over AutoNCP(30, 8), correct normalisation) matches finite differences", () => {
  checkTrainingGradient({}, 11);
});

test("GLNN training gradient with the legacy normalisation matches finite differences", () => {
  checkTrainingGradient({ legacyNormalization: true }, 12);
});

test("the training gradient of the LSTM baseline and of the per-user encoding with scaled input/output matches finite differences", () => {
  checkTrainingGradient({ network: "lstm" }, 13);
  checkTrainingGradient({ encoding: "per-user", normalizeInput: true, scaleOutput: true }, 14);
});

test("the gradient input follows PyTorch's convention G = dL/dRe X + j dL/dIm X at W = Hs^H X_0 (no normalisation)", () => {
  const rng = new Rng(21);
  const ch = iidChannel(rng, K, Nk, 12);
  const g = new GlnnBeamformer({ K, Nk }, sys, { seed: 3 });
  const x0 = g.initialBase(ch);
  const G = g.gradientInput(ch, x0);
  const loss = glnnLoss();
  const f = () => sumRateAndGradX(ch, x0, sys, { objective: loss, normalize: "none" }).value;
  const dRe = numericalGradient(f, x0.re, 1e-6);
  const dIm = numericalGradient(f, x0.im, 1e-6);
  assert.ok(relErr(G.re, dRe) < 1e-6, `Re G vs dL/dRe X: ${relErr(G.re, dRe)}`);
  assert.ok(relErr(G.im, dIm) < 1e-6, `Im G vs dL/dIm X: ${relErr(G.im, dIm)}`);
});

test("X_0 has power P and the precoder has power exactly P (correct) or P·||Hs^H X||_F (legacy)", () => {
  const rng = new Rng(31);
  for (const legacy of [false, true]) {
    const g = new GlnnBeamformer({ K, Nk }, sys, { legacyNormalization: legacy, seed: 2 });
    for (let t = 0; t < 4; t++) {
      const ch = iidChannel(rng, K, Nk, 32);
      const x0 = g.initialBase(cclone_ch(ch));
      assert.ok(Math.abs(cfrob2(cmatmulAH(ch.H, x0)) - sys.power) < 1e-12 * sys.power, "||Hs^H X_0||^2 = P");
      const r = g.step(ch);
      const t2 = cfrob2(cmatmulAH(ch.H, r.X)); // ||W'||_F^2 of the unnormalised precoder
      const expected = legacy ? sys.power * Math.sqrt(t2) : sys.power;
      assert.ok(Math.abs(r.power - expected) <= 1e-12 * expected, `legacy=${legacy}: power ${r.power}, expected ${expected}`);
      assert.ok(Math.abs(cfrob2(r.V) - r.power) <= 1e-12 * expected);
    }
  }
});

function cclone_ch(ch: ChannelSample): ChannelSample {
  return new ChannelSample(cclone(ch.H), ch.K);
}

test("the loss the learner reports equals a direct evaluation of -sum R + 0.7 sum ReLU(2.5 - R_k) + 0.3 Var_unbiased(R)", () => {
  // weak channel so that some users fall below the 2.5 bit/s/Hz floor (the ReLU term is active)
  const rng = new Rng(41);
  const g = new GlnnBeamformer({ K, Nk }, { sigma2: 1, power: 1 }, { seed: 5, tuningSteps: 2 });
  let sawFloor = false;
  for (let t = 0; t < 5; t++) {
    const ch = iidChannel(rng, K, Nk, 8);
    const r = g.step(ch);
    const rates = userRates(ch, r.V, { sigma2: 1, power: 1 }).rates;
    const sum = rates.reduce((s, x) => s + x, 0);
    const mean = sum / K;
    let floor = 0;
    let v = 0;
    for (const x of rates) {
      floor += Math.max(0, 2.5 - x);
      v += (x - mean) ** 2;
      if (x < 2.5) sawFloor = true;
    }
    const direct = -sum + 0.7 * floor + (0.3 * v) / (K - 1);
    assert.ok(Math.abs(r.losses[1]! - direct) < 1e-10 * Math.max(1, Math.abs(direct)), `loss ${r.losses[1]} vs direct ${direct}`);
    assert.ok(Math.abs(r.seDesign - sum) < 1e-10 * sum);
  }
  assert.ok(sawFloor, "the rate floor was active in at least one sample");
});

test("the reference network is CfC over AutoNCP(30, 8) with proj 8: 2,640 trainable parameters, 3 updates per sample", () => {
  const g = new GlnnBeamformer({ K, Nk }, sys);
  assert.equal(g.parameterCount, 2640);
  assert.equal(g.model!.stateSize, 30);
  const r = g.step(iidChannel(new Rng(1), K, Nk, 16));
  assert.equal(r.iterations, 3);
  assert.equal(r.losses.length, 3);
  assert.deepEqual(g.state!.shape, [1, 30]);
  // the LSTM baseline in the same loop: same input/output and hidden width
  const m = buildModel(glnnModelConfig("lstm", 30, 8, 8));
  assert.equal(m.kind === "sequence" && m.net.outputSize, 8);
});

test("the same seed gives the same precoders bit for bit; another seed does not", () => {
  const run = (seed: number, opts: GlnnOptions = {}) => {
    const rng = new Rng(51);
    const g = new GlnnBeamformer({ K, Nk }, sys, { seed, ...opts });
    const out: number[] = [];
    for (let t = 0; t < 4; t++) {
      const r = g.step(iidChannel(rng, K, Nk, 16));
      out.push(...r.V.re, ...r.V.im);
    }
    return out;
  };
  assert.deepEqual(run(7), run(7));
  assert.deepEqual(run(7, { chain: true, warmStart: true, network: "ltc" }), run(7, { chain: true, warmStart: true, network: "ltc" }));
  assert.notDeepEqual(run(7), run(8));
});

test("the hidden state is carried across samples (resetState changes later samples, not the first)", () => {
  const first = (opts: GlnnOptions) => {
    const rng = new Rng(61);
    const g = new GlnnBeamformer({ K, Nk }, sys, { seed: 4, ...opts });
    return [g.step(iidChannel(rng, K, Nk, 16)).V.re.slice(), g.step(iidChannel(rng, K, Nk, 16)).V.re.slice()];
  };
  const carried = first({});
  const reset = first({ resetState: true });
  assert.deepEqual(carried[0], reset[0]);
  assert.notDeepEqual(carried[1], reset[1]);
});

test("warm start begins the next sample from the previous output, rescaled to power P on the new channel", () => {
  const rng = new Rng(71);
  const g = new GlnnBeamformer({ K, Nk }, sys, { seed: 4, warmStart: true });
  const r = g.step(iidChannel(rng, K, Nk, 16));
  const ch2 = iidChannel(rng, K, Nk, 16);
  const x0 = g.initialBase(ch2);
  const c = x0.re[0]! / r.X.re[0]!;
  for (let i = 0; i < x0.re.length; i++) {
    assert.ok(Math.abs(x0.re[i]! - c * r.X.re[i]!) < 1e-12 && Math.abs(x0.im[i]! - c * r.X.im[i]!) < 1e-12);
  }
  assert.ok(Math.abs(cfrob2(cmatmulAH(ch2.H, x0)) - sys.power) < 1e-12 * sys.power);
});

test("the gd ablation takes a normalised gradient step from X_0 (no network, no updates)", () => {
  const rng = new Rng(81);
  const ch = iidChannel(rng, K, Nk, 16);
  const g = new GlnnBeamformer({ K, Nk }, sys, {
    network: "gd",
    chain: true,
    normalizeInput: true,
    scaleOutput: true,
    gdStep: 0.2,
    tuningSteps: 1,
    seed: 9,
  });
  const probe = new GlnnBeamformer({ K, Nk }, sys, { network: "gd", seed: 9 });
  const x0 = probe.initialBase(ch);
  const G = probe.gradientInput(ch, x0);
  const rms = (a: { re: Float64Array; im: Float64Array }) => Math.sqrt(cfrob2(a as never) / a.re.length);
  const f = (0.2 * rms(x0)) / rms(G);
  const r = g.step(ch);
  for (let i = 0; i < x0.re.length; i++) {
    assert.ok(Math.abs(r.X.re[i]! - (x0.re[i]! - f * G.re[i]!)) < 1e-12);
    assert.ok(Math.abs(r.X.im[i]! - (x0.im[i]! - f * G.im[i]!)) < 1e-12);
  }
  assert.equal(r.iterations, 0, "no network updates");
});

test("selectBest never outputs an iterate worse on the estimate than X_0", () => {
  const rng = new Rng(91);
  const g = new GlnnBeamformer({ K, Nk }, sys, { selectBest: true, seed: 2 });
  const twin = new GlnnBeamformer({ K, Nk }, sys, { seed: 2 }); // draws the same X_0 sequence
  let strictly = 0;
  for (let t = 0; t < 6; t++) {
    const ch = iidChannel(rng, K, Nk, 16);
    const se0 = userRatesX(ch, twin.initialBase(ch), sys).sumRate;
    const r = g.step(ch);
    assert.ok(r.seDesign >= se0 - 1e-12, `sample ${t}: ${r.seDesign} < X_0's ${se0}`);
    if (r.seDesign > se0) strictly++;
  }
  assert.ok(strictly > 0, "some network iterate beat X_0");
});

test("bad GLNN options are one clear error naming the option", () => {
  assert.throws(
    () => resolveGlnnOptions({ network: "gru" as never }),
    /glnn: unknown network 'gru', valid options are ncp-cfc, lstm, cfc, ltc, gd/,
  );
  assert.throws(() => resolveGlnnOptions({ tuningSteps: 0 }), /glnn: tuningSteps must be an integer >= 1, got 0/);
  assert.throws(() => resolveGlnnOptions({ lrDecay: 1.5 }), /glnn: lrDecay must be in \(0, 1\], got 1.5/);
  assert.throws(() => new GlnnBeamformer({ K, Nk }, { sigma2: 0, power: 10 }), /noise variance sigma2 must be a finite number > 0/);
  assert.throws(() => new GlnnBeamformer({ K, Nk }, sys, { streams: 3 }), /streams per user 3 exceed Nk = 2/);
  const g = new GlnnBeamformer({ K, Nk }, sys);
  assert.throws(() => g.step(iidChannel(new Rng(1), 2, 2, 8)), /learner was built for K = 4, Nk = 2/);
});

test("with a zero-initialised output layer the first sample returns its closed-form start (RZF, ZF) exactly", () => {
  const rng = new Rng(101);
  const ch = iidChannel(rng, K, Nk, 24);
  for (const [init, ref] of [
    ["rzf", rzf],
    ["zf", zf],
  ] as const) {
    for (const encoding of ["rows", "per-user"] as const) {
      const g = new GlnnBeamformer({ K, Nk }, sys, { init, zeroOutput: true, encoding, tuningSteps: 1, seed: 3 });
      const r = g.step(ch);
      const v = ref(ch, sys);
      for (let i = 0; i < v.re.length; i++) {
        assert.ok(Math.abs(r.V.re[i]! - v.re[i]!) < 1e-10 && Math.abs(r.V.im[i]! - v.im[i]!) < 1e-10, `${init}/${encoding} entry ${i}`);
      }
    }
  }
});
