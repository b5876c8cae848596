/**
 * The lab's Web Worker: every library computation of the page runs here, so the page stays
 * responsive while a model trains. Requests and replies are in protocol.ts.
 */
import { AutoNCP, CfC, FullyConnected, fit, NCP, Random, Rng, ready, VERSION, type Wiring } from "../../src/index.ts";
import { generateChannel } from "../../src/channel/index.ts";
import { runBeamform, runPredict } from "../../src/experiments/index.ts";
import { verifyNcpsDocument, wiringToConfig } from "../../src/index.ts";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";
import type {
  BeamformOptions,
  BeamformView,
  DataReport,
  EnvInfo,
  NeuronOptions,
  NeuronResult,
  Progress,
  Reply,
  Request,
  WiringSpec,
  WiringView,
} from "./protocol.ts";
import { readChannelBytes } from "./files.ts";
import { setHdf5Loader } from "../../src/io/hdf5.ts";
import { gradientCheck, motorModel, recordNeurons, wiringOf } from "./neurons.ts";
import { LearnedPredictor } from "../../src/prediction/learned.ts";
import { selectWindows, type WindowSet } from "../../src/prediction/windows.ts";

// h5wasm's ESM build (4.8 MB, wasm inside) is not bundled: the build copies it to vendor/h5wasm/
// and `liquidwave lab` serves it from the installed h5wasm package; loaded on the first HDF5 file.
setHdf5Loader(() => import(/* @vite-ignore */ new URL("../vendor/h5wasm/hdf5_hl.js", import.meta.url).href));

const post = (r: Reply): void => (self as unknown as { postMessage(m: Reply): void }).postMessage(r);

function makeWiring(s: WiringSpec): Wiring {
  switch (s.kind) {
    case "fully-connected":
      return new FullyConnected(s.units, s.outputs, { seed: s.seed, selfConnections: s.selfConnections });
    case "random":
      return new Random(s.units, s.outputs, { sparsityLevel: s.sparsity, seed: s.seed });
    case "autoncp":
      return new AutoNCP(s.units, s.outputs, { sparsityLevel: s.sparsity, seed: s.seed });
    case "ncp":
      return new NCP(s.inter, s.command, s.outputs, s.sensoryFanout, s.interFanout, s.recurrentCommand, s.motorFanin, s.seed);
  }
}

/** A built wiring as plain data for drawing (rows: source, columns: destination). */
export function viewOf(w: Wiring): WiringView {
  const N = w.units;
  const I = w.inputDim ?? 0;
  const adjacency = Array.from({ length: N }, (_, i) => Array.from(w.adjacency.subarray(i * N, (i + 1) * N)));
  const sensory = Array.from({ length: I }, (_, k) => Array.from(w.sensoryAdjacency!.subarray(k * N, (k + 1) * N)));
  const order = ["inter", "command", "motor"] as const;
  const groups = order
    .map((type) => ({ type, ids: Array.from({ length: N }, (_, i) => i).filter((i) => w.neuronType(i) === type) }))
    .filter((g) => g.ids.length > 0);
  let excitatory = 0;
  let inhibitory = 0;
  for (const v of w.adjacency) v > 0 ? excitatory++ : v < 0 && inhibitory++;
  for (const v of w.sensoryAdjacency ?? []) v > 0 ? excitatory++ : v < 0 && inhibitory++;
  return {
    className: wiringToConfig(w).class,
    units: N,
    inputDim: I,
    outputDim: w.outputDim ?? N,
    adjacency,
    sensory,
    groups,
    synapses: w.synapseCount,
    sensorySynapses: w.sensorySynapseCount,
    excitatory,
    inhibitory,
  };
}

function env(): EnvInfo {
  const rt = wasmRuntime();
  return { version: VERSION, crossOriginIsolated: globalThis.crossOriginIsolated === true, wasm: rt !== null, fma: rt?.fma ?? false };
}

/** `cfc: epoch 3/8 train 1.234e-2 val 2.345e-2 (0.4 s)`: the learned predictors' progress lines. */
const EPOCH_LINE = /^(\S+): epoch (\d+)\/\d+ train (\S+)(?: val (\S+))?/;

function predict(id: number, options: Parameters<typeof runPredict>[0]) {
  predictionNcp = null;
  return runPredict(options, {
    onFitted: (p, test) => {
      if (p instanceof LearnedPredictor && p.kind === "ncp" && p.model) predictionNcp = { predictor: p, test, seed: options.seed ?? 0 };
    },
    onProgress: (message) => {
      const m = EPOCH_LINE.exec(message);
      const progress: Progress = m
        ? { kind: "epoch", model: m[1]!, epoch: Number(m[2]), train: Number(m[3]), val: m[4] === undefined ? null : Number(m[4]) }
        : { kind: "log", message };
      post({ id, progress });
    },
  });
}

/** The NCP the prediction panel trained last, with its test windows (null: none yet). */
let predictionNcp: { predictor: LearnedPredictor; test: WindowSet; seed: number } | null = null;

/**
 * Entries [motor, step, input step, input] of the saliency checked against central differences:
 * same-step ones (the map shown) and one a step back. Long lags are left out: their gradients decay
 * towards the rounding error of a difference quotient, so a relative comparison says nothing there.
 */
function checkEntries(grad: number[][][][]): [number, number, number, number][] {
  const O = grad.length;
  const L = grad[0]!.length;
  const I = grad[0]![0]![0]!.length;
  const mid = Math.floor(L / 2);
  return [
    [0, L - 1, L - 1, 0],
    [O - 1, mid, mid, I - 1],
    [1 % O, 3 % L, 3 % L, 2 % I],
    [O - 1, L - 1, Math.max(0, L - 2), 1 % I],
  ];
}

/** Input names of the prediction features: Re of every antenna, then Im, then the elapsed time (gap). */
function featureNames(M: number, I: number): string[] {
  const names = [...Array.from({ length: M }, (_, m) => `Re h${m + 1}`), ...Array.from({ length: M }, (_, m) => `Im h${m + 1}`)];
  if (I > 2 * M) names.push("Δt gap");
  return names;
}

/**
 * The neuron panel on the prediction panel's NCP: its CfC over AutoNCP, with the projection head
 * removed (the motor neurons are the outputs), run on the first test window; the saliency is that
 * of the motor neurons, whose last state the head maps to the F-step forecast.
 */
function reusedNeurons(ncp: { predictor: LearnedPredictor; test: WindowSet; seed: number }): NeuronResult {
  const p = ncp.predictor;
  const model = p.model!;
  const window = selectWindows(ncp.test, [0]);
  const { inputs: x, timespans } = p.networkInputs(window);
  const twin = motorModel(model);
  const [, P, I] = x.shape as [number, number, number];
  const M = window.antennas;
  const F = window.horizon;
  const rec = recordNeurons(twin, x, timespans);
  const gradientCheck1 = gradientCheck(twin, x, timespans, rec.grad, checkEntries(rec.grad));
  const dtMs = window.dt * 1000;
  const timeMs = Array.from({ length: P + F }, (_, k) => window.times[k]! * 1000);
  const scale = Math.sqrt(
    x.data.length === 0 ? 1 : window.inputs.re.reduce((a, v, i) => a + v * v + window.inputs.im[i]! ** 2, 0) / (P * M),
  );
  const forecast = p.predict(window);
  const past = timeMs.slice(0, P);
  const future = timeMs.slice(P);
  const inputNames = featureNames(M, I);
  return {
    source: "prediction",
    description: `The prediction panel's NCP (CfC on AutoNCP(${p.size}, ${twin.outputSize}), ${p.parameterCount()} parameters, seed ${ncp.seed}) on the first test window: ${P} past samples, forecast ${F} ahead (${(F * dtMs).toFixed(3)} ms).`,
    wiring: viewOf(wiringOf(twin)),
    timeMs: past,
    traces: rec.traces,
    inputs: Array.from({ length: I }, (_, i) => Array.from({ length: P }, (_, t) => x.data[t * I + i]!)),
    inputNames,
    outputNames: Array.from({ length: twin.outputSize }, (_, j) => `motor ${j}`),
    outputs: rec.outputs,
    outputChart: {
      title: "The window the NCP reads and its forecast (antenna 1, normalised by the window's RMS)",
      xLabel: "time relative to the last sample (ms)",
      yLabel: "channel / window RMS (1)",
      series: (["re", "im"] as const).flatMap((part) => {
        const name = `${part === "re" ? "Re" : "Im"} h1`;
        const at = (c: { re: Float64Array; im: Float64Array }, k: number) => c[part][k * M]! / scale;
        return [
          { name: `${name} observed`, x: past, y: past.map((_, t) => at(window.inputs, t)), points: true },
          { name: `${name} forecast`, x: future, y: future.map((_, f) => at(forecast, f)), points: true },
          { name: `${name} true`, x: future, y: future.map((_, f) => at(window.targets, f)), dash: true, points: true },
        ];
      }),
    },
    saliency: rec.saliency,
    memory: rec.memory,
    gradientCheck: gradientCheck1,
    losses: [],
    parameters: p.parameterCount(),
  };
}

/**
 * The neuron panel's own model, when the prediction panel has trained no NCP: a CfC over an
 * AutoNCP wiring learns one-step prediction of a channel (inputs Re/Im of h_t per BS antenna,
 * outputs h_{t+1}); then one held-out trajectory is run with every neuron recorded.
 */
function trainedNeurons(id: number, o: NeuronOptions): NeuronResult {
  const M = 2;
  const trainUsers = 12;
  const L = o.length;
  const dt = o.dtMs / 1000;
  const sim = generateChannel({
    preset: o.preset,
    users: trainUsers + 2,
    userAntennas: 1,
    antennas: M,
    samples: L + 1,
    dt,
    speed: o.speed,
    seed: o.seed,
  });
  const [, K] = sim.H.shape as [number, number, number, number];
  const I = 2 * M;
  const O = 2 * M;
  // Per-user sequences, each normalised by its RMS; noisy inputs at the SNR, clean targets.
  const noise = new Rng(o.seed).fork("lab:neurons:noise");
  const noiseStd = Math.sqrt(10 ** (-o.snrDb / 10) / 2);
  const seqs = Array.from({ length: K }, (_, k) => {
    const h = Array.from({ length: L + 1 }, (_, t) =>
      Array.from({ length: M }, (_, m) => {
        const i = (t * K + k) * M + m; // Nk = 1
        return [sim.H.re[i]!, sim.H.im[i]!] as const;
      }),
    );
    let p = 0;
    for (const row of h) for (const [a, b] of row) p += a * a + b * b;
    const s = 1 / Math.sqrt(p / ((L + 1) * M));
    const clean = h.map((row) => row.flatMap(([a, b]) => [a * s, b * s]));
    const x = clean.slice(0, L).map((v) => v.map((u) => u + noiseStd * noise.normal()));
    const y = clean.slice(1);
    return { x, y };
  });
  const pack = (ks: number[], f: "x" | "y") => {
    const data = new Float64Array(ks.length * L * I);
    ks.forEach((k, b) => seqs[k]![f].forEach((v, t) => data.set(v, (b * L + t) * I)));
    return { shape: [ks.length, L, I], data };
  };
  const trainIds = Array.from({ length: trainUsers }, (_, k) => k);
  const valIds = [trainUsers];
  const testId = trainUsers + 1;
  const wiring = new AutoNCP(o.units, O, { sparsityLevel: o.sparsity, seed: o.seed });
  const model = new CfC(I, wiring, { seed: o.seed });
  const losses: NeuronResult["losses"] = [];
  fit(
    model,
    { inputs: pack(trainIds, "x"), targets: pack(trainIds, "y") },
    {
      epochs: o.epochs,
      batchSize: 2,
      learningRate: 1e-2,
      clipNorm: 1,
      seed: o.seed,
      validation: { inputs: pack(valIds, "x"), targets: pack(valIds, "y") },
      onEpoch: (e) => {
        losses.push({ epoch: e.epoch, train: e.trainLoss, val: e.valLoss });
        post({ id, progress: { kind: "epoch", model: "ncp", epoch: e.epoch, train: e.trainLoss, val: e.valLoss } });
      },
    },
  );
  const x = pack([testId], "x");
  const yTrue = seqs[testId]!.y;
  const rec = recordNeurons(model, x, null);
  // NMSE of the network's one-step prediction and of holding the last (noisy) sample.
  let err = 0;
  let hold = 0;
  let pow = 0;
  for (let t = 0; t < L; t++)
    for (let j = 0; j < O; j++) {
      const y = yTrue[t]![j]!;
      err += (rec.outputs[j]![t]! - y) ** 2;
      hold += (x.data[t * I + j]! - y) ** 2;
      pow += y * y;
    }
  const names = Array.from({ length: M }, (_, m) => [`Re h${m + 1}`, `Im h${m + 1}`]).flat();
  const outputNames = names.map((n) => n.replace("h", "ĥ"));
  const timeMs = Array.from({ length: L }, (_, t) => t * o.dtMs);
  return {
    source: "trained",
    description: `No NCP from the prediction panel yet: a CfC on AutoNCP(${o.units}, ${O}) trained here, ${model.parameterCount} parameters, ${losses.length} epoch${losses.length === 1 ? "" : "s"}; one-step NMSE on the held-out user ${(10 * Math.log10(err / pow)).toFixed(2)} dB (hold ${(10 * Math.log10(hold / pow)).toFixed(2)} dB).`,
    wiring: viewOf(wiringOf(model)),
    timeMs,
    traces: rec.traces,
    inputs: Array.from({ length: I }, (_, i) => Array.from({ length: L }, (_, t) => x.data[t * I + i]!)),
    inputNames: names,
    outputNames,
    outputs: rec.outputs,
    outputChart: {
      title: "Motor outputs for BS antenna 1: one-step prediction vs the true channel (held-out user)",
      xLabel: "time (ms)",
      yLabel: "normalised channel (1)",
      series: [0, 1].flatMap((j) => [
        { name: `${outputNames[j]} NCP`, x: timeMs, y: rec.outputs[j]! },
        { name: `${outputNames[j]} true`, x: timeMs, y: yTrue.map((v) => v[j]!), dash: true },
      ]),
    },
    saliency: rec.saliency,
    memory: rec.memory,
    gradientCheck: gradientCheck(model, x, null, rec.grad, checkEntries(rec.grad)),
    losses,
    parameters: model.parameterCount,
  };
}

function neurons(id: number, o: NeuronOptions): NeuronResult {
  return o.reuse && predictionNcp ? reusedNeurons(predictionNcp) : trainedNeurons(id, o);
}

function beamform(id: number, o: BeamformOptions): BeamformView {
  const options = {
    preset: o.preset,
    users: o.users,
    antennas: o.antennas,
    userAntennas: 1,
    samples: o.samples,
    speed: o.speed,
    dt: o.dtMs / 1000,
    powerDbm: o.powerDbm,
    noiseDbm: o.noiseDbm,
    seed: o.seed,
    algorithms: o.algorithms,
  };
  const doc = runBeamform(options, { onProgress: (message) => post({ id, progress: { kind: "log", message } }) });
  // The same channel again (runBeamform simulates it from the same inputs) for the users' tracks.
  const sim = generateChannel({
    preset: o.preset,
    seed: o.seed,
    users: o.users,
    userAntennas: 1,
    antennas: o.antennas,
    dt: o.dtMs / 1000,
    speed: o.speed,
    samples: o.samples,
  });
  const T = o.samples;
  const positions: number[][][] = [];
  if (sim.positions) {
    const p = sim.positions.data;
    for (let k = 0; k < o.users; k++)
      positions.push(Array.from({ length: T }, (_, t) => [p[(t * o.users + k) * 3]!, p[(t * o.users + k) * 3 + 1]!]));
  }
  const canyon = sim.config.canyon;
  return {
    doc,
    positions,
    timeMs: Array.from({ length: T }, (_, t) => t * o.dtMs),
    options,
    bs: canyon ? [canyon.bsPosition[0], canyon.bsPosition[1]] : [0, 0],
    street: canyon ? { width: canyon.streetWidth } : null,
  };
}

async function data(name: string, bytes: ArrayBuffer): Promise<DataReport> {
  const u8 = new Uint8Array(bytes);
  if (/\.json$/i.test(name) || u8[0] === 0x7b) {
    const doc = JSON.parse(new TextDecoder().decode(u8)) as Record<string, unknown>;
    const r = verifyNcpsDocument(doc);
    return {
      kind: "ncps",
      name,
      lines: [
        ["case", r.case],
        ["runs", String(r.runs.length)],
        ["largest |Δ| outputs", r.maxAbsErr.outputs.toExponential(2)],
        ["largest |Δ| states", r.maxAbsErr.states.toExponential(2)],
        ["largest |Δ| gradients", r.maxAbsErr.gradients.toExponential(2)],
        ["verdict", r.pass ? "pass (rtol 1e-9, atol 1e-12)" : "FAIL"],
      ],
      verify: {
        passed: r.pass,
        worst: Math.max(r.maxAbsErr.outputs, r.maxAbsErr.states, r.maxAbsErr.gradients),
        cases: r.runs.map((run) => ({ name: run.name, maxAbs: Math.max(run.outputs.maxAbsErr, run.states.maxAbsErr), passed: run.pass })),
      },
    };
  }
  return readChannelBytes(name, u8);
}

async function handle(id: number, req: Request): Promise<unknown> {
  // `?kernels=js`: the library's LIQUIDWAVE_WASM=0 flag, given through the process-like global its
  // platform layer reads, before the kernels are first prepared (the page's first request is env).
  if (req.type === "env" && req.kernels === "js" && (globalThis as { process?: unknown }).process === undefined)
    (globalThis as { process?: unknown }).process = { env: { LIQUIDWAVE_WASM: "0" } };
  await ready();
  switch (req.type) {
    case "env":
      return env();
    case "wiring": {
      const w = makeWiring(req.spec);
      w.build(req.spec.inputs);
      return viewOf(w);
    }
    case "predict":
      return predict(id, req.options);
    case "neurons":
      return neurons(id, req.options);
    case "beamform":
      return beamform(id, req.options);
    case "data":
      return data(req.name, req.bytes);
  }
}

self.onmessage = (e: MessageEvent<{ id: number; req: Request }>) => {
  const { id, req } = e.data;
  handle(id, req).then(
    (value) => post({ id, ok: true, value }),
    (err: unknown) => post({ id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
};
