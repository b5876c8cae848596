/**
 * A wiring is the synapse graph of a liquid network, independent of any cell: which neuron feeds
 * which, with what polarity. Same conventions as ncps (`ncps.wirings.Wiring`):
 *
 * - `adjacency[src * N + dst]` ∈ {-1, 0, +1} for neurons 0..N-1 (+1 excitatory, -1 inhibitory);
 * - `sensoryAdjacency[k * N + dst]` for input features k = 0..I-1 (allocated by {@link Wiring.build});
 * - motor (output) neurons are always the first `outputDim` ids.
 *
 * Subclasses (FullyConnected, Random, NCP, AutoNCP) draw their synapses in `build`; the base class
 * can also hold arbitrary matrices (e.g. loaded from a file).
 */
import { fail } from "../core/errors.ts";
import { checkBudget } from "../core/budget.ts";

export type NeuronType = "motor" | "command" | "inter";

/** The JSON-able description of a wiring (see `config.ts` for the per-class variants). */
export interface WiringMatricesConfig {
  class: "Wiring";
  units: number;
  outputDim: number | null;
  inputDim: number | null;
  /** Row-major [N, N] of -1/0/+1. */
  adjacency: number[];
  /** Row-major [I, N] of -1/0/+1, or null before `build`. */
  sensoryAdjacency: number[] | null;
}

export class Wiring {
  readonly units: number;
  /** [N * N], row = source neuron, column = destination neuron. */
  readonly adjacency: Int8Array;
  /** [I * N] once built, else null. */
  sensoryAdjacency: Int8Array | null = null;
  inputDim: number | null = null;
  outputDim: number | null = null;

  constructor(units: number) {
    if (!Number.isInteger(units) || units < 1) fail("Wiring", `units must be a positive integer, got ${units}`);
    this.units = units;
    checkBudget("Wiring", `${units} units (adjacency [${units}, ${units}] int8)`, units * units);
    this.adjacency = new Int8Array(units * units);
  }

  /** True once the input dimension is known and the sensory matrix exists. */
  isBuilt(): boolean {
    return this.inputDim !== null;
  }

  /**
   * Fix the input dimension and allocate the sensory matrix. Subclasses draw their synapses here.
   * Unlike ncps, building twice with the same I is a no-op (ncps silently re-draws and adds
   * synapses, see docs/wirings.md §1); a different I is an error.
   */
  build(inputDim: number): void {
    if (!Number.isInteger(inputDim) || inputDim < 1) fail("Wiring.build", `input dimension must be a positive integer, got ${inputDim}`);
    if (this.inputDim !== null) {
      if (this.inputDim !== inputDim) {
        fail("Wiring.build", `wiring was built with input dimension ${this.inputDim}, cannot rebuild with ${inputDim}`);
      }
      return;
    }
    this.inputDim = inputDim;
    checkBudget("Wiring.build", `input size ${inputDim} (sensory adjacency [${inputDim}, ${this.units}] int8)`, inputDim * this.units);
    this.sensoryAdjacency = new Int8Array(inputDim * this.units);
    this.drawSynapses(inputDim);
  }

  /** Hook for subclasses: draw synapses once the input dimension is known. */
  protected drawSynapses(_inputDim: number): void {}

  setOutputDim(outputDim: number): void {
    if (!Number.isInteger(outputDim) || outputDim < 1 || outputDim > this.units) {
      fail("Wiring.setOutputDim", `output dimension must be in [1, ${this.units}], got ${outputDim}`);
    }
    this.outputDim = outputDim;
  }

  /** Add (or overwrite) a synapse between neurons. */
  addSynapse(src: number, dst: number, polarity: number): void {
    const n = this.units;
    if (!Number.isInteger(src) || src < 0 || src >= n)
      fail("Wiring.addSynapse", `cannot add synapse originating in ${src} if cell has only ${n} units`);
    if (!Number.isInteger(dst) || dst < 0 || dst >= n)
      fail("Wiring.addSynapse", `cannot add synapse feeding into ${dst} if cell has only ${n} units`);
    if (polarity !== -1 && polarity !== 1) fail("Wiring.addSynapse", `synapse polarity must be -1 or +1, got ${polarity}`);
    this.adjacency[src * n + dst] = polarity;
  }

  /** Add (or overwrite) a synapse from input feature `src` to neuron `dst`. */
  addSensorySynapse(src: number, dst: number, polarity: number): void {
    if (this.sensoryAdjacency === null || this.inputDim === null)
      fail("Wiring.addSensorySynapse", "cannot add sensory synapses before build()");
    const n = this.units;
    if (!Number.isInteger(src) || src < 0 || src >= this.inputDim)
      fail("Wiring.addSensorySynapse", `cannot add sensory synapse originating in ${src} if input has only ${this.inputDim} features`);
    if (!Number.isInteger(dst) || dst < 0 || dst >= n)
      fail("Wiring.addSensorySynapse", `cannot add synapse feeding into ${dst} if cell has only ${n} units`);
    if (polarity !== -1 && polarity !== 1) fail("Wiring.addSensorySynapse", `synapse polarity must be -1 or +1, got ${polarity}`);
    this.sensoryAdjacency[src * n + dst] = polarity;
  }

  /** Number of layers (1 for unstructured wirings, 3 for NCP: inter, command, motor). */
  get numLayers(): number {
    return 1;
  }

  /** Neuron ids of layer `l` (ascending). */
  neuronsOfLayer(l: number): number[] {
    if (l !== 0) fail("Wiring.neuronsOfLayer", `layer ${l} does not exist (wiring has 1 layer)`);
    return Array.from({ length: this.units }, (_, i) => i);
  }

  /** "motor" for the first `outputDim` neurons, else "inter" (NCP refines this). */
  neuronType(i: number): NeuronType {
    return this.outputDim !== null && i < this.outputDim ? "motor" : "inter";
  }

  /** Number of neuron-to-neuron synapses, Σ|A|. */
  get synapseCount(): number {
    let s = 0;
    for (const v of this.adjacency) s += Math.abs(v);
    return s;
  }

  /** Number of input-to-neuron synapses, Σ|S| (0 before build). */
  get sensorySynapseCount(): number {
    let s = 0;
    if (this.sensoryAdjacency) for (const v of this.sensoryAdjacency) s += Math.abs(v);
    return s;
  }

  /** The matrices as a plain config (any subclass can be rebuilt from it as a base Wiring). */
  matricesConfig(): WiringMatricesConfig {
    return {
      class: "Wiring",
      units: this.units,
      outputDim: this.outputDim,
      inputDim: this.inputDim,
      adjacency: Array.from(this.adjacency),
      sensoryAdjacency: this.sensoryAdjacency ? Array.from(this.sensoryAdjacency) : null,
    };
  }

  /** Rebuild a base Wiring from explicit matrices (validated). */
  static fromMatrices(cfg: Omit<WiringMatricesConfig, "class">): Wiring {
    const where = "Wiring.fromMatrices";
    const w = new Wiring(cfg.units);
    const n = cfg.units;
    const check = (name: string, arr: readonly number[], len: number) => {
      if (!Array.isArray(arr) || arr.length !== len)
        fail(where, `${name} must have ${len} entries, got ${Array.isArray(arr) ? arr.length : typeof arr}`);
      arr.forEach((v, i) => {
        if (v !== -1 && v !== 0 && v !== 1) fail(where, `${name}[${i}] must be -1, 0 or +1, got ${v}`);
      });
    };
    check("adjacency", cfg.adjacency, n * n);
    w.adjacency.set(cfg.adjacency);
    if (cfg.outputDim !== null) w.setOutputDim(cfg.outputDim);
    if (cfg.inputDim !== null) {
      if (!cfg.sensoryAdjacency) fail(where, "inputDim is set but sensoryAdjacency is missing");
      check("sensoryAdjacency", cfg.sensoryAdjacency, cfg.inputDim * n);
      w.inputDim = cfg.inputDim;
      w.sensoryAdjacency = Int8Array.from(cfg.sensoryAdjacency);
    }
    return w;
  }
}
