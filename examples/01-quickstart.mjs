// The ncps quick start in liquidwave: a CfC over an AutoNCP wiring learns a sine task sampled at
// irregular times, then is saved to a file and loaded back.
//
//   node examples/01-quickstart.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CfC, AutoNCP, Rng, tensor, fit, evaluate, ready } from "liquidwave";
import { saveModel, loadModel } from "liquidwave/node";

await ready(); // prepares the WebAssembly kernels (optional in Node, required first in a browser)

// Data: N sequences of L steps. Input [sin τ, cos τ], target sin 2τ, where τ advances by an
// irregular step Δt ∈ [0.05, 0.25] that the model also receives as its timespans.
const N = 16,
  L = 48;
const rng = new Rng(42);
const x = new Float64Array(N * L * 2),
  y = new Float64Array(N * L),
  dt = new Float64Array(N * L);
for (let n = 0; n < N; n++) {
  let tau = rng.uniformRange(0, 2 * Math.PI);
  for (let t = 0; t < L; t++) {
    const step = rng.uniformRange(0.05, 0.25);
    tau += step;
    dt[n * L + t] = step;
    x[(n * L + t) * 2] = Math.sin(tau);
    x[(n * L + t) * 2 + 1] = Math.cos(tau);
    y[n * L + t] = Math.sin(2 * tau);
  }
}
const data = { inputs: tensor(x, [N, L, 2]), targets: tensor(y, [N, L, 1]), timespans: tensor(dt, [N, L]) };

// 16 neurons, 1 motor neuron (the output), as in ncps: CfC(2, AutoNCP(16, 1)).
const model = new CfC(2, new AutoNCP(16, 1, { seed: 1 }), { seed: 7 });
console.log(`CfC over AutoNCP(16, 1): ${model.parameterCount} parameters`);
console.log(`loss before training: ${evaluate(model, data).toFixed(4)}`);

const result = await fit(model, data, {
  epochs: 40,
  batchSize: 8,
  learningRate: 2e-2,
  onEpoch: (log) => log.epoch % 10 === 0 && console.log(`epoch ${log.epoch}: train loss ${log.trainLoss.toFixed(4)}`),
});
const trained = evaluate(model, data);
console.log(`loss after training: ${trained.toFixed(4)} (${result.history.length} epochs)`);

// Save (atomically) and load: the loaded model gives the same outputs, bit for bit.
const dir = mkdtempSync(join(tmpdir(), "liquidwave-quickstart-"));
try {
  const path = join(dir, "cfc-ncp.json");
  saveModel(path, model);
  const loaded = loadModel(path);
  const a = model.forward(data.inputs, { timespans: data.timespans }).output.data;
  const b = loaded.forward(data.inputs, { timespans: data.timespans }).output.data;
  const same = a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  console.log(`saved and loaded ${path.split("/").pop()}: ${same ? "identical outputs" : "DIFFERENT outputs"}`);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
