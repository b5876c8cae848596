/**
 * Benchmarks of the liquid-network core, matching the ncps/PyTorch reference workloads
 * (BENCHMARKS.md): batch 32 × length 32 × input 8, float64, one thread.
 *
 * - `cfc32-forward` / `cfc32-train`: CfC(8 → 32 units, default 128-unit backbone), forward only /
 *   forward + backward + Adam step on an MSE loss against the sequence output.
 * - `ltc32-forward` / `ltc32-train`: LTC(8 → 32 units, fully connected, 6 unfolds), same.
 * - `*-latency`: one step, batch 1, input 8: CfC(30), LTC(30), CfC over AutoNCP(30, 8)-like wiring.
 * - `*-f32`: the same workloads with `dtype: "float32"` (f32x4 kernels).
 */
import { Rng } from "../core/random.ts";
import type { Tensor } from "../core/tensor.ts";
import { zeroGrads } from "../cells/param.ts";
import { buildModel, type Model, type ModelConfigInput } from "../nn/models.ts";
import type { SequenceModel } from "../nn/sequence.ts";
import { adam } from "../training/adam.ts";
import { mseLoss } from "../training/loss.ts";
import type { BenchCase } from "./suite.ts";

const B = 32,
  L = 32,
  I = 8;

function seq(model: Model): SequenceModel {
  if (model.kind !== "sequence") throw new Error("sequence model expected");
  return model.net;
}

function denseWiring(n: number, inputs: number, outputs: number, seed: number): Record<string, unknown> {
  // Random polarities (2/3 excitatory, as ncps FullyConnected), every pair connected.
  const rng = new Rng(seed);
  const pol = () => (rng.int(3) === 0 ? -1 : 1);
  return {
    class: "Wiring",
    units: n,
    outputDim: outputs,
    inputDim: inputs,
    adjacency: Array.from({ length: n * n }, pol),
    sensoryAdjacency: Array.from({ length: inputs * n }, pol),
  };
}

function trainStep(net: SequenceModel, x: Tensor, y: Tensor): () => void {
  const opt = adam({ learningRate: 1e-3 });
  const state = opt.init(net.params);
  const g = new Float64Array(y.data.length);
  return () => {
    zeroGrads(net.params);
    const out = net.forward(x, { record: true, training: true });
    const { grad } = mseLoss(out.output, y, { grad: g });
    net.backward(grad);
    opt.step(net.params, state);
  };
}

function batchCase(name: string, description: string, config: ModelConfigInput, train: boolean): BenchCase {
  return {
    name,
    description,
    setup: () => {
      const net = seq(buildModel(config, { seed: 1 }));
      const rng = new Rng(2);
      const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
      if (!train) return () => void net.forward(x);
      const y: Tensor = { shape: [B, L, net.outputSize], data: rng.fillNormal(new Float64Array(B * L * net.outputSize)) };
      return trainStep(net, x, y);
    },
  };
}

function latencyCase(name: string, description: string, config: ModelConfigInput): BenchCase {
  return {
    name,
    description,
    setup: () => {
      const net = seq(buildModel(config, { seed: 1 }));
      const x: Tensor = { shape: [1, 1, I], data: new Rng(3).fillNormal(new Float64Array(I)) };
      let h: Tensor = { shape: [1, net.stateSize], data: new Float64Array(net.stateSize) };
      return () => {
        h = net.forward(x, { initialState: h }).finalState;
      };
    },
  };
}

const cfc32 = { type: "cfc", inputSize: I, units: 32 } as const satisfies ModelConfigInput;
const ltc32 = { type: "ltc", inputSize: I, wiring: denseWiring(32, I, 32, 1) } satisfies ModelConfigInput;

/** The float64 cases (the ncps-exact path) and their `-f32` twins (dtype float32, same workloads). */
export function lnnCases(): BenchCase[] {
  const cases = float64Cases();
  const f32 = cases.filter((c) => LNN_F32.includes(c.name)).map((c) => c.f32!);
  return [...cases.map(({ f32: _, ...c }) => c), ...f32];
}

/** Cases that also run in float32 (as `<name>-f32`). */
const LNN_F32 = ["cfc32-forward", "cfc32-train", "ltc32-forward", "ltc32-train", "cfc30-latency", "ltc30-latency", "wired-cfc30-latency"];

type WithF32 = BenchCase & { f32?: BenchCase };

function float64Cases(): WithF32[] {
  const both = (make: (suffix: string, dtype: "float64" | "float32") => BenchCase): WithF32 => ({
    ...make("", "float64"),
    f32: make("-f32", "float32"),
  });
  return [
    both((s, dtype) => batchCase(`cfc32-forward${s}`, `CfC 8->32, backbone 128, B=32 L=32, forward, ${dtype}`, { ...cfc32, dtype }, false)),
    both((s, dtype) =>
      batchCase(`cfc32-train${s}`, `CfC 8->32, backbone 128, B=32 L=32, forward+backward+Adam, ${dtype}`, { ...cfc32, dtype }, true),
    ),
    both((s, dtype) =>
      batchCase(`ltc32-forward${s}`, `LTC 8->32 fully connected, 6 unfolds, B=32 L=32, forward, ${dtype}`, { ...ltc32, dtype }, false),
    ),
    both((s, dtype) =>
      batchCase(
        `ltc32-train${s}`,
        `LTC 8->32 fully connected, 6 unfolds, B=32 L=32, forward+backward+Adam, ${dtype}`,
        { ...ltc32, dtype },
        true,
      ),
    ),
    both((s, dtype) =>
      latencyCase(`cfc30-latency${s}`, `CfC 8->30, backbone 128, one step, batch 1, ${dtype}`, {
        type: "cfc",
        inputSize: I,
        units: 30,
        dtype,
      }),
    ),
    both((s, dtype) =>
      latencyCase(`ltc30-latency${s}`, `LTC 8->30 fully connected, 6 unfolds, one step, batch 1, ${dtype}`, {
        type: "ltc",
        inputSize: I,
        wiring: denseWiring(30, I, 30, 2),
        dtype,
      }),
    ),
    both((s, dtype) =>
      latencyCase(`wired-cfc30-latency${s}`, `wired CfC over NCP(30 units, 8 motor), one step, batch 1, ${dtype}`, {
        type: "wired-cfc",
        inputSize: I,
        wiring: denseWiring(30, I, 8, 3),
        dtype,
      }),
    ),
  ];
}
