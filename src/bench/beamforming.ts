/**
 * Benchmark cases of the complex kernels and the beamformers.
 *
 * Kernels: `cmatmul-64`, `cinv-8`, `heig-64`, ... (one call each). Beamformers: milliseconds per
 * channel sample, i.i.d. CN(0,1) channels, K = 4 users with Nk = 2 antennas, d = 1 stream,
 * sigma^2 = 1, P = 10, each algorithm run to its stopping rule (relative sum-rate change < 1e-3,
 * at most 100 iterations) from a seeded random initialisation; every call takes the next of 8
 * pre-generated channels so the median reflects typical iteration counts. On i.i.d. channels
 * Shi's WMMSE needs ~70 iterations (the power constraint is inactive early), so these are heavy
 * for large M, especially `wmmse-naive-m160` (seconds per sample).
 */
import { Rng } from "../core/random.ts";
import { cmat, type CMat } from "../core/linalg/cmat.ts";
import { cgram, cmatmul, cmatmulAH } from "../core/linalg/matmul.ts";
import { cinv } from "../core/linalg/lu.ts";
import { ccholesky } from "../core/linalg/cholesky.ts";
import { ceigh } from "../core/linalg/eigh.ts";
import { ChannelSample } from "../beamforming/system.ts";
import { sumRateAndGradX, glnnLoss } from "../beamforming/rate.ts";
import { bd, rzf, zf } from "../beamforming/precoders.ts";
import { wmmse } from "../beamforming/wmmse.ts";
import { rwmmse } from "../beamforming/rwmmse.ts";
import type { BenchCase } from "./suite.ts";
import { generateChannel } from "../channel/generate.ts";
import { designAlgorithm } from "../beamforming/evaluate.ts";
import { dbmToLinear, trajectorySample } from "../beamforming/system.ts";
import { RwmmseTracker } from "../beamforming/track.ts";

function randomCMat(rng: Rng, rows: number, cols: number): CMat {
  const a = cmat(rows, cols);
  rng.fillComplexNormal(a.re, a.im);
  return a;
}

function hpd(rng: Rng, n: number): CMat {
  const a = cgram(randomCMat(rng, n, n));
  for (let i = 0; i < n; i++) a.re[i * n + i]! += n;
  return a;
}

function kernelCases(): BenchCase[] {
  return [
    {
      name: "cmatmul-64",
      description: "complex 64x64 times 64x64 (planar, A B)",
      setup: () => {
        const rng = new Rng(1);
        const a = randomCMat(rng, 64, 64);
        const b = randomCMat(rng, 64, 64);
        const out = cmat(64, 64);
        return () => void cmatmul(a, b, out);
      },
    },
    {
      name: "cmatmulAH-64x8",
      description: "H^H Z with H 8x64, Z 8x4 (gradient back to the precoder)",
      setup: () => {
        const rng = new Rng(2);
        const h = randomCMat(rng, 8, 64);
        const z = randomCMat(rng, 8, 4);
        return () => void cmatmulAH(h, z);
      },
    },
    {
      name: "cgram-8x64",
      description: "Gram matrix H H^H of a stacked 8x64 channel",
      setup: () => {
        const h = randomCMat(new Rng(3), 8, 64);
        return () => void cgram(h);
      },
    },
    {
      name: "cinv-8",
      description: "complex 8x8 inverse (Gauss-Jordan, partial pivoting)",
      setup: () => {
        const a = randomCMat(new Rng(4), 8, 8);
        return () => void cinv(a);
      },
    },
    {
      name: "cinv-64",
      description: "complex 64x64 inverse",
      setup: () => {
        const a = randomCMat(new Rng(5), 64, 64);
        return () => void cinv(a);
      },
    },
    {
      name: "cchol-64",
      description: "Cholesky of a 64x64 Hermitian positive-definite matrix",
      setup: () => {
        const a = hpd(new Rng(6), 64);
        return () => void ccholesky(a);
      },
    },
    ...[8, 64, 160].map(
      (n): BenchCase => ({
        name: `heig-${n}`,
        description: `Hermitian eigendecomposition ${n}x${n} with eigenvectors (Householder + QL)`,
        setup: () => {
          const a = hpd(new Rng(7), n);
          return () => void ceigh(a);
        },
      }),
    ),
    {
      name: "rate-grad-x",
      description: "GLNN loss and its gradient in X (K=4, Nk=2, d=1, power normalisation), channel Gram cached",
      setup: () => {
        const rng = new Rng(8);
        const ch = new ChannelSample(randomCMat(rng, 8, 64), 4);
        void ch.gram;
        const x = randomCMat(rng, 8, 4);
        const loss = glnnLoss();
        return () => void sumRateAndGradX(ch, x, { sigma2: 1, power: 10 }, { objective: loss, normalize: "power" });
      },
    },
  ];
}

type SampleFn = (ch: ChannelSample, rng: Rng) => unknown;

const SYS = { sigma2: 1, power: 10 };

const ALGORITHMS: readonly [string, string, SampleFn][] = [
  ["wmmse-sub", "WMMSE-RI, exact N-dimensional subspace solver", (ch, rng) => wmmse(ch, SYS, { rng, solver: "subspace" })],
  ["wmmse-eig", "WMMSE-RI, M x M eigendecomposition + exact bisection", (ch, rng) => wmmse(ch, SYS, { rng, solver: "eig" })],
  ["wmmse-naive", "WMMSE-RI, naive bisection (mu in [0,10], M x M solve per step)", (ch, rng) => wmmse(ch, SYS, { rng, solver: "naive" })],
  ["rwmmse", "R-WMMSE (Zhao 2023), random init", (ch, rng) => rwmmse(ch, SYS, { rng })],
  ["zf", "ZF on dominant eigenmodes, equal power", (ch) => zf(ch, SYS)],
  ["rzf", "regularised ZF on dominant eigenmodes", (ch) => rzf(ch, SYS)],
  ["bd", "block diagonalisation, water-filling, one stream per user", (ch) => bd(ch, SYS)],
];

function beamformerCases(): BenchCase[] {
  const out: BenchCase[] = [];
  for (const [name, what, run] of ALGORITHMS) {
    for (const M of [16, 32, 64, 96, 128, 160]) {
      out.push({
        name: `${name}-m${M}`,
        description: `${what}; ms per sample, i.i.d. M=${M}, K=4, Nk=2, P=10`,
        setup: () => {
          const rng = new Rng(1000 + M);
          const Hs = Array.from({ length: 8 }, () => randomCMat(rng, 8, M));
          let i = 0;
          return () => {
            // a fresh channel object each call: no cached Gram matrix carries over between samples
            const ch = new ChannelSample(Hs[i % 8]!, 4);
            run(ch, new Rng(i));
            i++;
          };
        },
      });
    }
  }
  return out;
}

/**
 * The tracking comparison at M = 64, K = 4, Nk = 2, d = 1, P = 10 dBm (σ² = 0 dBm): one slot per
 * call along a 64-slot umi-28ghz trajectory at 6 m/s, Δt = 1 ms (wrapping around; the tracker is
 * reset at the wrap), for `rwmmse-track` (2 iterations per slot) and the converged `wmmse` it is
 * measured against (better of the ZF and RZF starts, relative change 1e-6). Run them in the same
 * bench invocation and compare the ratio.
 */
function trackingCases(): BenchCase[] {
  const slots = (): ChannelSample[] => {
    const sim = generateChannel({ preset: "umi-28ghz", seed: 1, antennas: 64, users: 4, userAntennas: 2, speeds: [6], slots: [64] });
    return Array.from({ length: 64 }, (_, t) => trajectorySample(sim.H, t));
  };
  const sys = { sigma2: 1, power: dbmToLinear(10) };
  return [
    {
      name: "rwmmse-track-m64",
      description:
        "rwmmse-track (2 R-WMMSE iterations per slot from the previous slot or RZF/ZF, V written in place); ms per slot, umi-28ghz 6 m/s, M=64, K=4, Nk=2, 10 dBm",
      setup: () => {
        const chs = slots();
        const tr = new RwmmseTracker({ K: 4, Nk: 2 }, sys);
        const out = cmat(64, 4); // the precoder is written in place: no allocation per slot
        let i = 0;
        return () => {
          if (i % 64 === 0) tr.reset();
          tr.step(chs[i % 64]!, out);
          i++;
        };
      },
    },
    {
      name: "wmmse-m64",
      description:
        "converged WMMSE by name (better of ZF and RZF starts, rel. change 1e-6); ms per slot on the same slots as rwmmse-track-m64",
      setup: () => {
        const chs = slots();
        let i = 0;
        return () => {
          designAlgorithm("wmmse", { H: chs[i % 64]! }, sys);
          i++;
        };
      },
    },
  ];
}

/** All beamforming-area cases. */
export function beamformingCases(): BenchCase[] {
  return [...kernelCases(), ...beamformerCases(), ...trackingCases()];
}
