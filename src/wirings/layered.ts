/**
 * A wiring given by explicit matrices and an explicit layer structure (e.g. an NCP loaded from a
 * file, whose random draws are not needed to rebuild it).
 */
import { fail } from "../core/errors.ts";
import { Wiring, type NeuronType, type WiringMatricesConfig } from "./wiring.ts";

export interface LayeredWiringConfig extends Omit<WiringMatricesConfig, "class"> {
  class: "LayeredWiring";
  /** Neuron ids per layer, in layer order (the last layer holds the motor neurons). */
  layers: number[][];
  /** Optional neuron types by id (defaults: motor for the first outputDim ids, else inter). */
  neuronTypes?: NeuronType[];
}

export class LayeredWiring extends Wiring {
  readonly layers: number[][];
  readonly types: NeuronType[] | null;

  constructor(units: number, layers: number[][], types: NeuronType[] | null = null) {
    super(units);
    const seen = new Set<number>();
    for (const l of layers)
      for (const id of l) {
        if (!Number.isInteger(id) || id < 0 || id >= units || seen.has(id))
          fail("LayeredWiring", `layer neuron id ${id} is out of range or repeated (units ${units})`);
        seen.add(id);
      }
    if (seen.size !== units) fail("LayeredWiring", `layers cover ${seen.size} of ${units} neurons`);
    if (types && types.length !== units) fail("LayeredWiring", `neuronTypes has ${types.length} entries, expected ${units}`);
    this.layers = layers.map((l) => [...l]);
    this.types = types ? [...types] : null;
  }

  override get numLayers(): number {
    return this.layers.length;
  }

  override neuronsOfLayer(l: number): number[] {
    const ids = this.layers[l];
    if (!ids) fail("LayeredWiring.neuronsOfLayer", `layer ${l} does not exist (wiring has ${this.layers.length} layers)`);
    return [...ids];
  }

  override neuronType(i: number): NeuronType {
    return this.types ? this.types[i]! : super.neuronType(i);
  }

  toConfig(): LayeredWiringConfig {
    const m = this.matricesConfig();
    return {
      ...m,
      class: "LayeredWiring",
      layers: this.layers.map((l) => [...l]),
      ...(this.types ? { neuronTypes: [...this.types] } : {}),
    };
  }

  static fromConfig(cfg: LayeredWiringConfig): LayeredWiring {
    const base = Wiring.fromMatrices(cfg);
    const w = new LayeredWiring(cfg.units, cfg.layers, cfg.neuronTypes ?? null);
    w.adjacency.set(base.adjacency);
    if (base.outputDim !== null) w.setOutputDim(base.outputDim);
    if (base.inputDim !== null) {
      w.inputDim = base.inputDim;
      w.sensoryAdjacency = base.sensoryAdjacency;
    }
    return w;
  }
}
