/**
 * ncps `Random(units, output_dim=None, sparsity_level=0.0, random_seed=1111)`: a random sparse
 * wiring. With s = sparsityLevel, n = round(N^2 (1 - s)) distinct (src, dst) pairs (row-major
 * enumeration) are drawn without replacement from `default_rng(randomSeed)`, each with a polarity
 * from [-1, +1, +1]. `build(I)` draws round(I N (1 - s)) sensory pairs the same way, but draws
 * *two* polarities per pair and keeps the second: an upstream quirk that we reproduce because it
 * moves the generator (bit-exactness with ncps).
 */
import { fail } from "../core/errors.ts";
import { NumpyGenerator } from "./numpy-random/generator.ts";
import { checkOptions, checkSeed, roundHalfEven } from "./validate.ts";
import { Wiring } from "./wiring.ts";

const POLARITIES = [-1, 1, 1] as const;

/** Options of {@link Random} (the ncps keyword arguments, camelCase). */
export interface RandomOptions {
  /** Fraction of absent synapses, in [0, 1); default 0. */
  sparsityLevel?: number;
  /** Seed of the draws (`random_seed`), non-negative integer; default 1111. */
  randomSeed?: number;
  /** Alias of `randomSeed`. */
  seed?: number;
}

export class Random extends Wiring {
  readonly sparsityLevel: number;
  readonly randomSeed: number;
  private readonly rng: NumpyGenerator;

  /**
   * @param units - number of neurons N
   * @param outputDim - number of motor neurons M (the first M ids), default N
   * @param options - `{ sparsityLevel, randomSeed | seed }`, or (ncps order) the sparsity level
   *   in [0, 1) followed by the seed of `default_rng`
   * @example `new Random(16, 2, { sparsityLevel: 0.5, seed: 1 })`
   */
  constructor(units: number, outputDim?: number | null, options?: RandomOptions);
  constructor(units: number, outputDim: number | null, sparsityLevel: number, randomSeed?: number);
  constructor(units: number, outputDim: number | null = null, options: RandomOptions | number = {}, randomSeedArg = 1111) {
    super(units);
    const where = "Random";
    let sparsityLevel = 0;
    let randomSeed = randomSeedArg;
    if (typeof options === "number") sparsityLevel = options;
    else {
      const o = checkOptions<RandomOptions>(where, options, ["sparsityLevel", "randomSeed", "seed"]);
      if (o.randomSeed !== undefined && o.seed !== undefined) fail(where, "give randomSeed or seed, not both");
      sparsityLevel = o.sparsityLevel ?? 0;
      randomSeed = o.randomSeed ?? o.seed ?? 1111;
    }
    this.setOutputDim(outputDim ?? units);
    if (typeof sparsityLevel !== "number" || !(sparsityLevel >= 0 && sparsityLevel < 1)) {
      fail(where, `sparsityLevel must be a number in [0, 1), got ${String(sparsityLevel)}`);
    }
    this.sparsityLevel = sparsityLevel;
    this.randomSeed = checkSeed(where, "randomSeed", randomSeed, Number.MAX_SAFE_INTEGER);
    this.rng = new NumpyGenerator(randomSeed);
    const n = this.units;
    // Same float expression as ncps: (units * units) * (1 - s), then round half to even.
    const count = roundHalfEven(n * n * (1 - sparsityLevel));
    for (const pair of this.rng.choiceIndicesWithoutReplacement(n * n, count)) {
      this.addSynapse(Math.floor(pair / n), pair % n, this.rng.choice(POLARITIES));
    }
  }

  protected override drawSynapses(inputDim: number): void {
    const n = this.units;
    const count = roundHalfEven(inputDim * n * (1 - this.sparsityLevel));
    for (const pair of this.rng.choiceIndicesWithoutReplacement(inputDim * n, count)) {
      const src = Math.floor(pair / n);
      const dst = pair % n;
      this.addSensorySynapse(src, dst, this.rng.choice(POLARITIES));
      // Upstream draws the polarity twice and keeps the second one.
      this.addSensorySynapse(src, dst, this.rng.choice(POLARITIES));
    }
  }
}
