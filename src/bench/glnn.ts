/**
 * Benchmark cases of the learned beamformers: milliseconds per channel sample, the full per-sample
 * cost of each method, on i.i.d. CN(0, 1) channels, K = 4 users × Nk = 2 antennas, d = 1, sigma^2 = 1,
 * P = 10; every call takes the next of 8 pre-generated channels.
 *
 * - `glnn-m64-sample`, `glnn-m160-sample`: one GLNN sample with the reference settings (CfC over
 *   AutoNCP(30, 8), 3 tuning steps: 3 forward/backward passes over the 8-row sequence, 3 Adam steps,
 *   gradient input and 3 loss gradients in the row space, correct normalisation). The reference
 *   PyTorch loop measured 20.8-21.5 ms per sample on the development machine (2 vCPU, torch 1.13 CPU).
 * - `lagd-m64-sample`: LAGD, a fresh Linear(128 → 20 → 128) trained for 500 Adam steps per sample.
 */
import { Rng } from "../core/random.ts";
import { cmat } from "../core/linalg/cmat.ts";
import { ChannelSample } from "../beamforming/system.ts";
import { GlnnBeamformer } from "../beamforming/glnn.ts";
import { lagd } from "../beamforming/lagd.ts";
import type { BenchCase } from "./suite.ts";

const K = 4,
  Nk = 2;
const sys = { sigma2: 1, power: 10 };

function channels(M: number, seed: number): ChannelSample[] {
  const rng = new Rng(seed);
  return Array.from({ length: 8 }, () => {
    const h = cmat(K * Nk, M);
    rng.fillComplexNormal(h.re, h.im);
    return new ChannelSample(h, K);
  });
}

function glnnCase(M: number): BenchCase {
  return {
    name: `glnn-m${M}-sample`,
    description: `GLNN, one channel sample (M = ${M}, K = 4, Nk = 2): CfC over AutoNCP(30, 8), 3 tuning steps with Adam`,
    setup: () => {
      const chs = channels(M, 1);
      // Gram matrices are cached per sample in a real trajectory only once; rebuild the samples so
      // that each call pays for its own H H^H like a fresh sample would
      const g = new GlnnBeamformer({ K, Nk }, sys, { seed: 1 });
      let i = 0;
      return () => {
        const c = chs[i++ % chs.length]!;
        g.step(new ChannelSample(c.H, K));
      };
    },
  };
}

export function glnnCases(): BenchCase[] {
  return [
    glnnCase(64),
    glnnCase(160),
    {
      name: "lagd-m64-sample",
      description: "LAGD, one channel sample (M = 64, K = 4, Nk = 2): fresh Linear(128 -> 20 -> 128), 500 Adam steps",
      setup: () => {
        const chs = channels(64, 2);
        let i = 0;
        const rng = new Rng(3);
        return () => {
          const c = chs[i++ % chs.length]!;
          lagd(new ChannelSample(c.H, K), sys, { rng: rng.fork(`s${i}`) });
        };
      },
    },
  ];
}
