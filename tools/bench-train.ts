/**
 * Train-step timings of the baselines (LSTM, GRU, MLP) in float64 and float32: one forward +
 * backward + Adam step per call, medians over repeated batches of calls, the cases interleaved
 * so that load drifts hit them alike. Prints the median and the minimum per case.
 *
 *   node --import tsx tools/bench-train.ts [--reps 9] [--filter regex] [--json]
 *
 * Shapes: LSTM/GRU 8 → 32 units, batch 32 × length 32 (as `cfc32-train`); MLP 160 → 128 → 128 →
 * 40, batch 64, tanh and gelu hidden activations.
 */
import { Rng } from "../src/core/random.ts";
import type { Tensor } from "../src/core/tensor.ts";
import { zeroGrads } from "../src/cells/param.ts";
import { buildModel, type ModelConfigInput } from "../src/nn/models.ts";
import { adam } from "../src/training/adam.ts";
import { mseLoss } from "../src/training/loss.ts";
import { numberArg, toolArgs } from "./args.ts";

const { values: opt } = toolArgs("node --import tsx tools/bench-train.ts [--reps 9] [--filter regex] [--json]", {
  reps: { type: "string" },
  filter: { type: "string" },
  json: { type: "boolean" },
});
const reps = numberArg("reps", opt.reps, 9, 1);
const filter = new RegExp(opt.filter ?? ".");
const B = 32,
  L = 32,
  I = 8;

function step(config: ModelConfigInput): () => void {
  const m = buildModel(config, { seed: 1 });
  const rng = new Rng(2);
  const opt = adam({ learningRate: 1e-3 });
  const state = opt.init(m.params);
  if (m.kind === "sequence") {
    const net = m.net;
    const x: Tensor = { shape: [B, L, I], data: rng.fillNormal(new Float64Array(B * L * I)) };
    const y: Tensor = { shape: [B, L, net.outputSize], data: rng.fillNormal(new Float64Array(B * L * net.outputSize)) };
    const g = new Float64Array(y.data.length);
    return () => {
      zeroGrads(net.params);
      const out = net.forward(x, { record: true, training: true });
      net.backward(mseLoss(out.output, y, { grad: g }).grad);
      opt.step(net.params, state);
    };
  }
  if (m.kind !== "mlp") throw new Error("unexpected model");
  const net = m.net;
  const n = 64;
  const x: Tensor = { shape: [n, 160], data: rng.fillNormal(new Float64Array(n * 160)) };
  const y: Tensor = { shape: [n, 40], data: rng.fillNormal(new Float64Array(n * 40)) };
  const g = new Float64Array(y.data.length);
  return () => {
    zeroGrads(net.params);
    const out = net.forward(x, { record: true });
    net.backward(mseLoss(out, y, { grad: g }).grad);
    opt.step(net.params, state);
  };
}

const cases: [string, (dtype: "float64" | "float32") => ModelConfigInput][] = [
  ["lstm32-train", (dtype) => ({ type: "lstm", inputSize: I, hiddenSize: 32, dtype })],
  ["gru32-train", (dtype) => ({ type: "gru", inputSize: I, hiddenSize: 32, dtype })],
  ["mlp-tanh-train", (dtype) => ({ type: "mlp", inputSize: 160, hidden: [128, 128], outputSize: 40, activation: "tanh", dtype })],
  ["mlp-gelu-train", (dtype) => ({ type: "mlp", inputSize: 160, hidden: [128, 128], outputSize: 40, activation: "gelu", dtype })],
];
const runs = cases
  .flatMap(([name, cfg]) =>
    (["float64", "float32"] as const).map((d) => ({ name: `${name}${d === "float32" ? "-f32" : ""}`, fn: step(cfg(d)) })),
  )
  .filter((c) => filter.test(c.name));
// Calls per timed batch: about 100 ms each.
const inner = runs.map((c) => {
  for (let i = 0; i < 3; i++) c.fn();
  const t0 = performance.now();
  let k = 0;
  while (performance.now() - t0 < 100) {
    c.fn();
    k++;
  }
  return k;
});
const times: number[][] = runs.map(() => []);
for (let r = 0; r < reps; r++)
  runs.forEach((c, i) => {
    const t0 = performance.now();
    for (let k = 0; k < inner[i]!; k++) c.fn();
    times[i]!.push((performance.now() - t0) / inner[i]!);
  });
const sorted = times.map((t) => [...t].sort((x, y) => x - y));
// The minimum is the robust figure on a shared machine (contention only adds time); both are printed.
const res = runs.map((c, i) => ({ name: c.name, medianMs: sorted[i]![sorted[i]!.length >> 1]!, minMs: sorted[i]![0]! }));
if (opt.json) console.log(JSON.stringify(res));
else for (const r of res) console.log(`${r.name.padEnd(20)} median ${r.medianMs.toFixed(3)} ms  min ${r.minMs.toFixed(3)} ms`);
