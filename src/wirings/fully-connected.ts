/**
 * ncps `FullyConnected(units, output_dim=None, erev_init_seed=1111, self_connections=True)`:
 * every neuron pair (and, once built, every input-neuron pair) gets a synapse whose polarity is
 * drawn uniformly from [-1, +1, +1], so P(excitatory) = 2/3. Draws come from
 * `default_rng(erevInitSeed)` (PCG64), in row-major order: the N x N block at construction, then
 * the I x N sensory block in `build` from the same continuing generator, bit-exact with ncps.
 */
import { fail } from "../core/errors.ts";
import { NumpyGenerator } from "./numpy-random/generator.ts";
import { checkOptions, checkSeed } from "./validate.ts";
import { Wiring } from "./wiring.ts";

const POLARITIES = [-1, 1, 1] as const;

/** Options of {@link FullyConnected} (the ncps keyword arguments, camelCase). */
export interface FullyConnectedOptions {
  /** Seed of the polarity draws (`erev_init_seed`), non-negative integer; default 1111. */
  erevInitSeed?: number;
  /** Alias of `erevInitSeed`. */
  seed?: number;
  /** Whether neuron i -> i synapses exist; default true. */
  selfConnections?: boolean;
}

export class FullyConnected extends Wiring {
  readonly erevInitSeed: number;
  readonly selfConnections: boolean;
  private readonly rng: NumpyGenerator;

  /**
   * @param units - number of neurons N
   * @param outputDim - number of motor neurons M (the first M ids), default N
   * @param options - `{ erevInitSeed | seed, selfConnections }`, or (ncps order) the seed of
   *   `default_rng` followed by `selfConnections`
   * @example `new FullyConnected(8, 2)`, `new FullyConnected(8, 2, { seed: 3 })`
   */
  constructor(units: number, outputDim?: number | null, options?: FullyConnectedOptions);
  constructor(units: number, outputDim: number | null, erevInitSeed: number, selfConnections?: boolean);
  constructor(units: number, outputDim: number | null = null, options: FullyConnectedOptions | number = {}, selfConnectionsArg = true) {
    super(units);
    const where = "FullyConnected";
    let erevInitSeed = 1111;
    let selfConnections = selfConnectionsArg;
    if (typeof options === "number") erevInitSeed = options;
    else {
      const o = checkOptions<FullyConnectedOptions>(where, options, ["erevInitSeed", "seed", "selfConnections"]);
      if (o.erevInitSeed !== undefined && o.seed !== undefined) fail(where, "give erevInitSeed or seed, not both");
      erevInitSeed = o.erevInitSeed ?? o.seed ?? 1111;
      selfConnections = o.selfConnections ?? true;
    }
    if (typeof selfConnections !== "boolean") fail(where, `selfConnections must be a boolean, got ${String(selfConnections)}`);
    this.setOutputDim(outputDim ?? units);
    this.erevInitSeed = checkSeed(where, "erevInitSeed", erevInitSeed, Number.MAX_SAFE_INTEGER);
    this.selfConnections = selfConnections;
    this.rng = new NumpyGenerator(erevInitSeed);
    const n = this.units;
    for (let src = 0; src < n; src++) {
      for (let dst = 0; dst < n; dst++) {
        if (src === dst && !selfConnections) continue;
        this.addSynapse(src, dst, this.rng.choice(POLARITIES));
      }
    }
  }

  protected override drawSynapses(inputDim: number): void {
    for (let src = 0; src < inputDim; src++) {
      for (let dst = 0; dst < this.units; dst++) this.addSensorySynapse(src, dst, this.rng.choice(POLARITIES));
    }
  }
}
