/**
 * Messages between the page (main.ts) and the lab's Web Worker (worker.ts). Everything crossing
 * is structured-clone data: numbers, strings, arrays, plain objects.
 */
import type { BeamformDocument, PredictOptionsInput } from "../../src/experiments/index.ts";

/** Which compute path the worker runs. */
export interface EnvInfo {
  version: string;
  crossOriginIsolated: boolean;
  /** True when the shared-memory WebAssembly kernels are in place; false: the JavaScript kernels. */
  wasm: boolean;
  fma: boolean;
}

export type WiringKind = "fully-connected" | "ncp" | "autoncp" | "random";

export interface WiringSpec {
  kind: WiringKind;
  inputs: number;
  units: number;
  outputs: number;
  sparsity: number;
  seed: number;
  selfConnections: boolean;
  inter: number;
  command: number;
  sensoryFanout: number;
  interFanout: number;
  recurrentCommand: number;
  motorFanin: number;
}

/** A built wiring as the page draws it. */
export interface WiringView {
  className: string;
  units: number;
  inputDim: number;
  outputDim: number;
  /** adjacency[src][dst] ∈ {-1, 0, 1}. */
  adjacency: number[][];
  /** sensory[input][dst] ∈ {-1, 0, 1}. */
  sensory: number[][];
  /** The neuron ids of each layer group, drawn left to right after the sensory column. */
  groups: { type: "inter" | "command" | "motor"; ids: number[] }[];
  synapses: number;
  sensorySynapses: number;
  excitatory: number;
  inhibitory: number;
}

export interface NeuronOptions {
  preset: "clarke" | "umi-6ghz";
  speed: number;
  dtMs: number;
  snrDb: number;
  units: number;
  sparsity: number;
  epochs: number;
  seed: number;
  /** Samples per training sequence and per shown trajectory. */
  length: number;
  /** Use the prediction panel's trained NCP when there is one (the options above then do not apply). */
  reuse: boolean;
}

/** A line chart as plain data (drawn by charts.ts). */
export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: { name: string; x: number[]; y: (number | null)[]; dash?: boolean; points?: boolean }[];
}

export interface NeuronResult {
  /** `prediction`: the NCP trained by the prediction panel; `trained`: one trained here. */
  source: "prediction" | "trained";
  /** One line saying which model ran on what. */
  description: string;
  wiring: WiringView;
  /** Time of each step, ms. */
  timeMs: number[];
  /** Per neuron, its state over time: traces[neuron][t]. */
  traces: number[][];
  /** Inputs (Re/Im of h per antenna, normalised) over time: inputs[i][t]. */
  inputs: number[][];
  inputNames: string[];
  outputNames: string[];
  /** Each motor output over time. */
  outputs: number[][];
  /** What the model's outputs mean against the truth (one-step predictions, or the window's forecast). */
  outputChart: ChartSpec;
  /** saliency[motor][input][t] = ∂y_t[motor] / ∂x_t[input] (exact, by back-propagation). */
  saliency: number[][][];
  /** memory[motor][lag] = Σ_i |∂y_T[motor] / ∂x_{T-lag}[i]|: how far back the last output looks. */
  memory: number[][];
  /** Largest relative difference between the back-propagated saliency and central differences. */
  gradientCheck: number;
  /** Training of the panel's own model (empty when the prediction panel's NCP is reused). */
  losses: { epoch: number; train: number; val: number | null }[];
  parameters: number;
}

export interface BeamformOptions {
  preset: "umi-6ghz" | "o1-28ghz" | "rayleigh";
  users: number;
  antennas: number;
  samples: number;
  speed: number;
  dtMs: number;
  powerDbm: number;
  noiseDbm: number;
  seed: number;
  algorithms: string[];
}

export interface BeamformView {
  doc: BeamformDocument;
  /** User positions over time: positions[user][t] = [x, y] m (the BS at the origin). */
  positions: number[][][];
  timeMs: number[];
  options: Record<string, unknown>;
  /** The base station's position [x, y], m. */
  bs: [number, number];
  /** A street canyon (o1-28ghz): facades at y = 0 and y = width, m. */
  street: { width: number } | null;
}

/** One variable of a dropped file, as `liquidwave data inspect` lists it, with its statistics. */
export interface VariableStats {
  name: string;
  /** MATLAB dims for MATLAB files, the numpy shape otherwise. */
  shape: number[];
  dtype: string;
  readable: boolean;
  note?: string;
  /** Readable arrays: sqrt(mean |x|²) and max |x| over the elements (complex: magnitude). */
  rms?: number;
  maxAbs?: number;
}

export interface DataReport {
  /** `channel`: a channel dataset was recognised; `arrays`: variables only; `ncps`: an ncps export. */
  kind: "channel" | "arrays" | "ncps";
  name: string;
  /** Shown as a two-column table. */
  lines: [string, string][];
  /** Array files: the format detected from the bytes (npy, npz, mat5, mat73, hdf5). */
  format?: string;
  variables?: VariableStats[];
  /** A channel dataset: H [T, K, Nk, M], mean and peak |h|² over all entries (dB), Δt (ms). */
  channel?: { shape: number[]; layout: string; meanPowerDb: number; peakPowerDb: number; dtMs: number | null };
  /** Channel files: |h|² over time of user 1, BS antenna 1 (dB). */
  series?: { t: number[]; magnitudeDb: number[] };
  /** ncps documents: the verification report. */
  verify?: { passed: boolean; worst: number; cases: { name: string; maxAbs: number; passed: boolean }[] };
}

export type Request =
  | { type: "env"; kernels: "auto" | "js" }
  | { type: "wiring"; spec: WiringSpec }
  | { type: "predict"; options: PredictOptionsInput }
  | { type: "neurons"; options: NeuronOptions }
  | { type: "beamform"; options: BeamformOptions }
  | { type: "data"; name: string; bytes: ArrayBuffer };

export type Progress =
  | { kind: "epoch"; model: string; epoch: number; train: number; val: number | null }
  | { kind: "log"; message: string };

export type Reply =
  | { id: number; progress: Progress }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string };
