/**
 * LAGD: learning-aided gradient descent (Yang, Xia, Luo, Zhang, Gündüz, IEEE WCL 2022), the GLNN
 * paper's second baseline, adapted from MISO to users with Nk antennas and d = 1 stream
 * (docs/beamforming.md §8; the GLNN authors' own MIMO adaptation is not published).
 *
 * Per channel sample a FRESH network `Linear(2M → h) → Linear(h → 2M)` (no activation between,
 * i.e. an affine map of rank ≤ h; PyTorch default init) is trained from scratch:
 *
 *  - V_init: matched filter on each user's dominant eigenmode, jointly scaled to power P;
 *  - input: PyTorch's gradient `2 d(-WSR)/d conj(V)` at V_init, split into real rows, one row per
 *    user (the users are the batch): `[Re g_k | Im g_k]` (2M features). As in the LAGD code the
 *    input is the same at every iteration (always taken at V_init);
 *  - `V = V_init + ΔV`; power: `W = V · min(1, sqrt(P)/||V||_F)` (scaled back to P when above;
 *    with `project: "end"` only the final precoder is scaled, as in the public LAGD script, whose
 *    training loss therefore sees unconstrained power);
 *  - loss `-WSR(W)`, Adam (lr 0.01), `iterations` (500) steps;
 *  - output: the precoder of the last forward (scaled to P if above).
 */
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { cfrob2, cmat, type CMat } from "../core/linalg/cmat.ts";
import { Linear } from "../cells/linear.ts";
import { zeroGrads, type Param } from "../cells/param.ts";
import { adam } from "../training/adam.ts";
import { mrt } from "./precoders.ts";
import { sumRateAndGradW, weightedSumRate } from "./rate.ts";
import { resolveSystem, resolveStreams, type ChannelSample, type SystemParams } from "./system.ts";

/** Options of {@link lagd}. */
export interface LagdOptions {
  /** Adam steps per sample; default 500 (the LAGD script). */
  readonly iterations?: number;
  /** Width h of the linear bottleneck; default 20 (docs/beamforming.md §8; one version of the LAGD script uses 40). */
  readonly hidden?: number;
  /** Adam learning rate; default 0.01. */
  readonly learningRate?: number;
  /** Power handling during training: "always" (default, equal power throughout) or "end". */
  readonly project?: "always" | "end";
  /** Streams per user (default 1). */
  readonly streams?: number;
  /** Random source of the network initialisation (default `new Rng(0)`). */
  readonly rng?: Rng;
}

/** Result of {@link lagd}. */
export interface LagdResult {
  /** Precoder, M × K·d, `||V||_F^2 <= P` (= P unless the network shrank it). */
  readonly V: CMat;
  /** Weighted sum rate on the channel given (bit/s/Hz). */
  readonly sumRate: number;
  /** Sum rate of the precoder formed at each iteration (length `iterations`). */
  readonly history: Float64Array;
  /** Best sum rate seen during training (tracked as in the LAGD script; not the output). */
  readonly best: number;
  readonly power: number;
  readonly iterations: number;
}

/**
 * Run LAGD on one channel (the one the transmitter knows).
 * @param ch - channel, K users × Nk × M
 * @param sys - noise variance, power budget, weights
 */
export function lagd(ch: ChannelSample, sys: SystemParams, opts: LagdOptions = {}): LagdResult {
  const where = "lagd";
  const rs = resolveSystem(sys, ch.K, where);
  const d = resolveStreams(opts.streams, ch.Nk, where);
  const iters = opts.iterations ?? 500;
  const hidden = opts.hidden ?? 20;
  const lr = opts.learningRate ?? 0.01;
  const project = opts.project ?? "always";
  if (!Number.isInteger(iters) || iters < 1) fail(where, `iterations must be an integer >= 1, got ${opts.iterations}`);
  if (!Number.isInteger(hidden) || hidden < 1) fail(where, `hidden must be an integer >= 1, got ${opts.hidden}`);
  if (!(lr >= 0) || !Number.isFinite(lr)) fail(where, `learningRate must be a finite number >= 0, got ${opts.learningRate}`);
  if (project !== "always" && project !== "end") fail(where, `project must be 'always' or 'end', got '${project as string}'`);
  const rng = opts.rng ?? new Rng(0);
  const M = ch.M;
  const S = ch.K * d;
  const F = 2 * M;

  const vInit = mrt(ch, rs, { streams: d });
  // input: PyTorch gradient of -WSR at V_init, one real row per stream column
  const g0 = sumRateAndGradW(ch, vInit, rs, { objective: weightedSumRate }).grad;
  const input = new Float64Array(S * F);
  for (let k = 0; k < S; k++) {
    for (let m = 0; m < M; m++) {
      input[k * F + m] = -2 * g0.re[m * S + k]!;
      input[k * F + M + m] = -2 * g0.im[m * S + k]!;
    }
  }

  const l1 = Linear.simple(F, hidden);
  const l2 = Linear.simple(hidden, F);
  l1.initDefault(rng);
  l2.initDefault(rng);
  const params: Param[] = [...l1.params, ...l2.params];
  const opt = adam({ learningRate: lr });
  const state = opt.init(params);
  const mid = new Float64Array(S * hidden);
  const out = new Float64Array(S * F);
  const dOut = new Float64Array(S * F);
  const dMid = new Float64Array(S * hidden);
  const history = new Float64Array(iters);
  const pw = rs.power;
  let best = -Infinity;
  let finalV: CMat | null = null;
  let finalRate = 0;

  for (let it = 0; it < iters; it++) {
    l1.forward(input, 0, mid, S);
    l2.forward(mid, 0, out, S);
    const v = cmat(M, S);
    for (let k = 0; k < S; k++) {
      for (let m = 0; m < M; m++) {
        v.re[m * S + k] = vInit.re[m * S + k]! + out[k * F + m]!;
        v.im[m * S + k] = vInit.im[m * S + k]! + out[k * F + M + m]!;
      }
    }
    const t = cfrob2(v);
    const scaled = (project === "always" || it === iters - 1) && t > pw;
    const c = scaled ? Math.sqrt(pw / t) : 1;
    const w = cmat(M, S);
    for (let i = 0; i < w.re.length; i++) {
      w.re[i] = c * v.re[i]!;
      w.im[i] = c * v.im[i]!;
    }
    const r = sumRateAndGradW(ch, w, rs, { objective: weightedSumRate });
    history[it] = r.sumRate;
    if (r.sumRate > best) best = r.sumRate;
    if (it === iters - 1) {
      finalV = w;
      finalRate = r.sumRate;
      break; // the last forward is the output; its update would not be used
    }
    // dL/d conj(V) for L = -WSR(c V); through c = sqrt(P/t) when active: c G - c (Re<G, V>/t) V
    const gw = r.grad; // d WSR / d conj(W)
    let s = 0;
    if (scaled) for (let i = 0; i < v.re.length; i++) s += gw.re[i]! * v.re[i]! + gw.im[i]! * v.im[i]!;
    const f = scaled ? (c * s) / t : 0;
    for (let k = 0; k < S; k++) {
      for (let m = 0; m < M; m++) {
        const i = m * S + k;
        // loss is -WSR; real outputs take 2 Re / 2 Im of the conjugate-Wirtinger gradient
        dOut[k * F + m] = -2 * (c * gw.re[i]! - f * v.re[i]!);
        dOut[k * F + M + m] = -2 * (c * gw.im[i]! - f * v.im[i]!);
      }
    }
    zeroGrads(params);
    l2.backward(mid, 0, dOut, S, dMid);
    l1.backward(input, 0, dMid, S, null);
    opt.step(params, state);
  }
  return { V: finalV!, sumRate: finalRate, history, best, power: cfrob2(finalV!), iterations: iters };
}
