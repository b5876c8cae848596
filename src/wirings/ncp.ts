/**
 * Neural Circuit Policy wirings (Lechner et al. 2020), bit-exact with ncps `NCP` and `AutoNCP`.
 *
 * Neuron ids: motor 0..M-1, command M..M+C-1, inter M+C..N-1 (N = inter + command + motor).
 * Layers (in the order the cells use them): 0 = inter, 1 = command, 2 = motor. Synapses:
 * sensory -> inter (fan-out), inter -> command (fan-out), command -> command (recurrent),
 * command -> motor (fan-in), each with a polarity drawn uniformly from {-1, +1}; neurons left
 * without a connection by the random fan-outs are "repaired" with a mean fan-in. All draws come
 * from numpy's legacy `RandomState(seed)` in ncps' exact order (docs/wirings.md §4).
 */
import { fail } from "../core/errors.ts";
import { LegacyRandomState } from "./numpy-random/mt19937.ts";
import { checkCount, checkOptions, checkSeed } from "./validate.ts";
import { Wiring, type NeuronType } from "./wiring.ts";

const POLARITIES = [-1, 1] as const;
const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);
const clip = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

/** The constructor arguments of an NCP (counts, fan-outs and seed). */
export interface NcpArgs {
  interNeurons: number;
  commandNeurons: number;
  motorNeurons: number;
  sensoryFanout: number;
  interFanout: number;
  recurrentCommandSynapses: number;
  motorFanin: number;
  seed: number;
}

/** Options of {@link NCP} as one object (`seed` optional, default 22222). */
export type NcpOptions = Omit<NcpArgs, "seed"> & { seed?: number };

const NCP_KEYS = [
  "interNeurons",
  "commandNeurons",
  "motorNeurons",
  "sensoryFanout",
  "interFanout",
  "recurrentCommandSynapses",
  "motorFanin",
  "seed",
] as const;

export class NCP extends Wiring {
  readonly interNeurons: number;
  readonly commandNeurons: number;
  readonly motorNeurons: number;
  readonly sensoryFanout: number;
  readonly interFanout: number;
  readonly recurrentCommandSynapses: number;
  readonly motorFanin: number;
  readonly seed: number;
  private readonly motorIds: number[];
  private readonly commandIds: number[];
  private readonly interIds: number[];
  private readonly rng: LegacyRandomState;

  /**
   * @param interNeurons - number of inter neurons (layer 0), >= 1
   * @param commandNeurons - number of command neurons C (layer 1), >= 1
   * @param motorNeurons - number of motor neurons M (layer 2, the outputs), >= 1
   * @param sensoryFanout - inter neurons each input feeds, in [1, interNeurons]
   * @param interFanout - command neurons each inter neuron feeds, in [1, C]
   * @param recurrentCommandSynapses - command -> command draws (duplicates overwrite), >= 0
   * @param motorFanin - command neurons feeding each motor neuron, in [1, C]
   * @param seed - seed of the legacy `RandomState`, in [0, 2^32 - 1]
   */
  constructor(options: NcpOptions);
  constructor(
    interNeurons: number,
    commandNeurons: number,
    motorNeurons: number,
    sensoryFanout: number,
    interFanout: number,
    recurrentCommandSynapses: number,
    motorFanin: number,
    seed?: number,
  );
  constructor(
    first: number | NcpOptions,
    commandNeuronsArg?: number,
    motorNeuronsArg?: number,
    sensoryFanoutArg?: number,
    interFanoutArg?: number,
    recurrentCommandSynapsesArg?: number,
    motorFaninArg?: number,
    seedArg = 22222,
  ) {
    const where = "NCP";
    const a: NcpArgs =
      typeof first === "number"
        ? {
            interNeurons: first,
            commandNeurons: commandNeuronsArg!,
            motorNeurons: motorNeuronsArg!,
            sensoryFanout: sensoryFanoutArg!,
            interFanout: interFanoutArg!,
            recurrentCommandSynapses: recurrentCommandSynapsesArg!,
            motorFanin: motorFaninArg!,
            seed: seedArg,
          }
        : { seed: 22222, ...(checkOptions<NcpOptions>(where, first, NCP_KEYS) as NcpOptions) };
    const { interNeurons, commandNeurons, motorNeurons, sensoryFanout, interFanout, recurrentCommandSynapses, motorFanin, seed } = a;
    checkCount(where, "interNeurons", interNeurons, 1);
    checkCount(where, "commandNeurons", commandNeurons, 1);
    checkCount(where, "motorNeurons", motorNeurons, 1);
    super(interNeurons + commandNeurons + motorNeurons);
    // ncps only checks the upper bounds; a fan-out of 0 is rejected here as meaningless.
    checkCount(where, "sensoryFanout", sensoryFanout, 1, interNeurons, ` (there are ${interNeurons} inter neurons)`);
    checkCount(where, "interFanout", interFanout, 1, commandNeurons, ` (there are ${commandNeurons} command neurons)`);
    checkCount(where, "recurrentCommandSynapses", recurrentCommandSynapses, 0);
    checkCount(where, "motorFanin", motorFanin, 1, commandNeurons, ` (there are ${commandNeurons} command neurons)`);
    this.seed = checkSeed(where, "seed", seed, 0xffffffff);
    this.interNeurons = interNeurons;
    this.commandNeurons = commandNeurons;
    this.motorNeurons = motorNeurons;
    this.sensoryFanout = sensoryFanout;
    this.interFanout = interFanout;
    this.recurrentCommandSynapses = recurrentCommandSynapses;
    this.motorFanin = motorFanin;
    this.setOutputDim(motorNeurons);
    this.motorIds = range(0, motorNeurons);
    this.commandIds = range(motorNeurons, commandNeurons);
    this.interIds = range(motorNeurons + commandNeurons, interNeurons);
    this.rng = new LegacyRandomState(seed);
  }

  /** The constructor arguments (for configs). */
  ncpArgs(): NcpArgs {
    return {
      interNeurons: this.interNeurons,
      commandNeurons: this.commandNeurons,
      motorNeurons: this.motorNeurons,
      sensoryFanout: this.sensoryFanout,
      interFanout: this.interFanout,
      recurrentCommandSynapses: this.recurrentCommandSynapses,
      motorFanin: this.motorFanin,
      seed: this.seed,
    };
  }

  override get numLayers(): number {
    return 3;
  }

  /** Layer 0 = inter ids, 1 = command ids, 2 = motor ids (ascending). */
  override neuronsOfLayer(l: number): number[] {
    if (l === 0) return this.interIds.slice();
    if (l === 1) return this.commandIds.slice();
    if (l === 2) return this.motorIds.slice();
    fail("NCP.neuronsOfLayer", `layer ${l} does not exist (NCP has layers 0 = inter, 1 = command, 2 = motor)`);
  }

  override neuronType(i: number): NeuronType {
    if (!Number.isInteger(i) || i < 0 || i >= this.units) fail("NCP.neuronType", `neuron id must be in [0, ${this.units - 1}], got ${i}`);
    if (i < this.motorNeurons) return "motor";
    if (i < this.motorNeurons + this.commandNeurons) return "command";
    return "inter";
  }

  protected override drawSynapses(inputDim: number): void {
    const rng = this.rng;
    const pol = () => rng.choice(POLARITIES);
    const sensoryIds = range(0, inputDim);
    const inter = this.interIds;
    const command = this.commandIds;
    const motor = this.motorIds;

    // 1. sensory -> inter: each input feeds `sensoryFanout` distinct inter neurons.
    let unreached = new Set(inter);
    for (const src of sensoryIds) {
      for (const dst of rng.choiceWithoutReplacement(inter, this.sensoryFanout)) {
        unreached.delete(dst);
        this.addSensorySynapse(src, dst, pol());
      }
    }
    // Same float expression as ncps: int(I * fanout / inter), clipped to [1, I].
    const interFanin = clip(Math.trunc((inputDim * this.sensoryFanout) / this.interNeurons), 1, inputDim);
    for (const dst of unreached) {
      for (const src of rng.choiceWithoutReplacement(sensoryIds, interFanin)) this.addSensorySynapse(src, dst, pol());
    }

    // 2. inter -> command.
    unreached = new Set(command);
    for (const src of inter) {
      for (const dst of rng.choiceWithoutReplacement(command, this.interFanout)) {
        unreached.delete(dst);
        this.addSynapse(src, dst, pol());
      }
    }
    // Upstream clips the repair fan-in to the number of *command* neurons (never above `inter`).
    const commandFanin = clip(Math.trunc((this.interNeurons * this.interFanout) / this.commandNeurons), 1, this.commandNeurons);
    for (const dst of unreached) {
      for (const src of rng.choiceWithoutReplacement(inter, commandFanin)) this.addSynapse(src, dst, pol());
    }

    // 3. command -> command (recurrent); self-loops allowed, duplicates overwrite.
    for (let i = 0; i < this.recurrentCommandSynapses; i++) {
      const src = rng.choice(command);
      const dst = rng.choice(command);
      this.addSynapse(src, dst, pol());
    }

    // 4. command -> motor: each motor neuron is fed by `motorFanin` distinct command neurons.
    unreached = new Set(command);
    for (const dst of motor) {
      for (const src of rng.choiceWithoutReplacement(command, this.motorFanin)) {
        unreached.delete(src);
        this.addSynapse(src, dst, pol());
      }
    }
    const commandFanout = clip(Math.trunc((this.motorNeurons * this.motorFanin) / this.commandNeurons), 1, this.motorNeurons);
    for (const src of unreached) {
      for (const dst of rng.choiceWithoutReplacement(motor, commandFanout)) this.addSynapse(src, dst, pol());
    }
  }
}

/** The NCP arguments AutoNCP derives from (units, outputSize, sparsityLevel). */
export function autoNcpArgs(units: number, outputSize: number, sparsityLevel = 0.5, seed = 22222): NcpArgs {
  const where = "AutoNCP";
  checkCount(where, "units", units, 4);
  checkCount(where, "outputSize", outputSize, 1);
  if (outputSize >= units - 2) {
    fail(where, `outputSize must be less than units - 2 (got ${units} units and outputSize ${outputSize}; at most ${units - 3})`);
  }
  if (typeof sparsityLevel !== "number" || !(sparsityLevel >= 0.1 && sparsityLevel <= 1.0)) {
    fail(where, `sparsityLevel must be a number in [0.1, 1.0], got ${String(sparsityLevel)}`);
  }
  checkSeed(where, "seed", seed, 0xffffffff);
  // Float expressions and truncations exactly as ncps writes them.
  const density = 1.0 - sparsityLevel;
  const interAndCommand = units - outputSize;
  const commandNeurons = Math.max(Math.trunc(0.4 * interAndCommand), 1);
  const interNeurons = interAndCommand - commandNeurons;
  return {
    interNeurons,
    commandNeurons,
    motorNeurons: outputSize,
    sensoryFanout: Math.max(Math.trunc(interNeurons * density), 1),
    interFanout: Math.max(Math.trunc(commandNeurons * density), 1),
    recurrentCommandSynapses: Math.max(Math.trunc(commandNeurons * density * 2), 1),
    motorFanin: Math.max(Math.trunc(commandNeurons * density), 1),
    seed,
  };
}

/** Options of {@link AutoNCP}. */
export interface AutoNcpOptions {
  /** Fraction of absent synapses, in [0.1, 1.0]; default 0.5. */
  sparsityLevel?: number;
  /** Seed of the draws, in [0, 2^32 - 1]; default 22222. */
  seed?: number;
}

/**
 * ncps `AutoNCP(units, output_size, sparsity_level=0.5, seed=22222)`: an NCP whose layer sizes and
 * fan-outs are derived from the total size (command = max(int(0.4 (units - outputs)), 1), the rest
 * inter; fan-outs = max(int(count * (1 - sparsity)), 1)); see {@link autoNcpArgs}.
 */
export class AutoNCP extends NCP {
  readonly outputSize: number;
  readonly sparsityLevel: number;

  /**
   * @param units - total neurons N, > outputSize + 2
   * @param outputSize - motor neurons M
   * @param options - `{ sparsityLevel, seed }`, or (ncps order) the sparsity level followed by
   *   the seed. sparsityLevel in [0.1, 1.0] (ncps' error text says 0.0-0.9, but this is the
   *   check), default 0.5; seed of the legacy `RandomState` in [0, 2^32 - 1], default 22222
   * @example `new AutoNCP(16, 2, { seed: 1 })`
   */
  constructor(units: number, outputSize: number, options?: AutoNcpOptions);
  constructor(units: number, outputSize: number, sparsityLevel: number, seed?: number);
  constructor(units: number, outputSize: number, options: AutoNcpOptions | number = {}, seedArg = 22222) {
    let sparsityLevel = 0.5;
    let seed = seedArg;
    if (typeof options === "number") sparsityLevel = options;
    else {
      const o = checkOptions<AutoNcpOptions>("AutoNCP", options, ["sparsityLevel", "seed"]);
      sparsityLevel = o.sparsityLevel ?? 0.5;
      seed = o.seed ?? 22222;
    }
    const a = autoNcpArgs(units, outputSize, sparsityLevel, seed);
    super(
      a.interNeurons,
      a.commandNeurons,
      a.motorNeurons,
      a.sensoryFanout,
      a.interFanout,
      a.recurrentCommandSynapses,
      a.motorFanin,
      a.seed,
    );
    this.outputSize = outputSize;
    this.sparsityLevel = sparsityLevel;
  }
}
