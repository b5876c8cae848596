/**
 * JSON configs of wirings: one variant per class, storing its constructor arguments (so a seeded
 * wiring is reproduced exactly by re-running the draws) and, optionally, the input dimension and
 * the matrices (which {@link wiringFromConfig} then checks against the regenerated ones).
 *
 * Unlike ncps' `NCP.get_config` (which stores neuron-id lists and no usable seed), the NCP variant
 * stores counts and the seed, so every variant round-trips.
 */
import { fail } from "../core/errors.ts";
import { FullyConnected } from "./fully-connected.ts";
import { AutoNCP, NCP, type NcpArgs } from "./ncp.ts";
import { Random } from "./random.ts";
import { Wiring, type WiringMatricesConfig } from "./wiring.ts";

/** Optional built state stored next to the constructor arguments. */
export interface BuiltPart {
  /** Input dimension I the wiring was built with (null or absent: not built). */
  inputDim?: number | null;
  /** Row-major [N, N] of -1/0/+1 (checked against the regenerated matrix). */
  adjacency?: number[];
  /** Row-major [I, N] of -1/0/+1 (checked against the regenerated matrix). */
  sensoryAdjacency?: number[] | null;
}

export interface FullyConnectedConfig extends BuiltPart {
  class: "FullyConnected";
  units: number;
  outputDim: number;
  erevInitSeed: number;
  selfConnections: boolean;
}

export interface RandomConfig extends BuiltPart {
  class: "Random";
  units: number;
  outputDim: number;
  sparsityLevel: number;
  randomSeed: number;
}

export interface NcpConfig extends BuiltPart, NcpArgs {
  class: "NCP";
}

export interface AutoNcpConfig extends BuiltPart {
  class: "AutoNCP";
  units: number;
  outputSize: number;
  sparsityLevel: number;
  seed: number;
}

/** Any wiring config; `class` discriminates. "Wiring" = explicit matrices only. */
export type WiringConfig = FullyConnectedConfig | RandomConfig | NcpConfig | AutoNcpConfig | WiringMatricesConfig;

export const WIRING_CLASSES = ["FullyConnected", "Random", "NCP", "AutoNCP", "Wiring"] as const;
export type WiringClass = (typeof WIRING_CLASSES)[number];

/**
 * The config of a wiring.
 * @param options.matrices - also store inputDim and the matrices when built (default true)
 */
export function wiringToConfig(w: Wiring, options: { matrices?: boolean } = {}): WiringConfig {
  const withMatrices = options.matrices ?? true;
  const built = (): BuiltPart =>
    withMatrices && w.isBuilt()
      ? { inputDim: w.inputDim, adjacency: Array.from(w.adjacency), sensoryAdjacency: Array.from(w.sensoryAdjacency!) }
      : w.isBuilt()
        ? { inputDim: w.inputDim }
        : {};
  if (w instanceof AutoNCP) {
    return { class: "AutoNCP", units: w.units, outputSize: w.outputSize, sparsityLevel: w.sparsityLevel, seed: w.seed, ...built() };
  }
  if (w instanceof NCP) return { class: "NCP", ...w.ncpArgs(), ...built() };
  if (w instanceof FullyConnected) {
    return {
      class: "FullyConnected",
      units: w.units,
      outputDim: w.outputDim!,
      erevInitSeed: w.erevInitSeed,
      selfConnections: w.selfConnections,
      ...built(),
    };
  }
  if (w instanceof Random) {
    return {
      class: "Random",
      units: w.units,
      outputDim: w.outputDim!,
      sparsityLevel: w.sparsityLevel,
      randomSeed: w.randomSeed,
      ...built(),
    };
  }
  // A base wiring has no generator: its matrices are its definition.
  return w.matricesConfig();
}

const FIELDS: Record<WiringClass, { required: readonly string[]; optional: readonly string[] }> = {
  FullyConnected: { required: ["units"], optional: ["outputDim", "erevInitSeed", "selfConnections"] },
  Random: { required: ["units"], optional: ["outputDim", "sparsityLevel", "randomSeed"] },
  NCP: {
    required: ["interNeurons", "commandNeurons", "motorNeurons", "sensoryFanout", "interFanout", "recurrentCommandSynapses", "motorFanin"],
    optional: ["seed"],
  },
  AutoNCP: { required: ["units", "outputSize"], optional: ["sparsityLevel", "seed"] },
  Wiring: { required: ["units", "adjacency"], optional: ["outputDim", "inputDim", "sensoryAdjacency"] },
};
const BUILT_FIELDS = ["inputDim", "adjacency", "sensoryAdjacency"];

/**
 * Rebuild a wiring from its config (validated: unknown class or keys, wrong types and values are
 * one-line errors). With `inputDim` the wiring is built; stored matrices must equal the
 * regenerated ones exactly.
 */
export function wiringFromConfig(cfg: unknown): Wiring {
  const where = "wiringFromConfig";
  if (cfg === null || typeof cfg !== "object" || Array.isArray(cfg)) fail(where, `config must be an object, got ${describe(cfg)}`);
  const c = cfg as Record<string, unknown>;
  const cls = c["class"];
  if (typeof cls !== "string" || !(WIRING_CLASSES as readonly string[]).includes(cls)) {
    fail(where, `unknown wiring class ${describe(cls)}, valid classes are ${WIRING_CLASSES.map((k) => `'${k}'`).join(", ")}`);
  }
  const klass = cls as WiringClass;
  const at = `${where}(${klass})`;
  const spec = FIELDS[klass];
  const allowed = new Set(["class", ...spec.required, ...spec.optional, ...BUILT_FIELDS]);
  for (const key of Object.keys(c)) {
    if (!allowed.has(key)) fail(at, `unknown key '${key}' (valid keys: ${[...allowed].filter((k) => k !== "class").join(", ")})`);
  }
  for (const key of spec.required) if (c[key] === undefined) fail(at, `missing required key '${key}'`);
  const num = (key: string, fallback?: number): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== "number" || !Number.isFinite(v)) fail(at, `${key} must be a finite number, got ${describe(v)}`);
    return v;
  };
  const optNum = (key: string): number | null => (c[key] === undefined || c[key] === null ? null : num(key));

  if (klass === "Wiring") {
    return Wiring.fromMatrices({
      units: num("units"),
      outputDim: optNum("outputDim"),
      inputDim: optNum("inputDim"),
      adjacency: numberArray(at, "adjacency", c["adjacency"]),
      sensoryAdjacency:
        c["sensoryAdjacency"] === undefined || c["sensoryAdjacency"] === null
          ? null
          : numberArray(at, "sensoryAdjacency", c["sensoryAdjacency"]),
    });
  }

  let w: Wiring;
  switch (klass) {
    case "FullyConnected": {
      const self = c["selfConnections"] ?? true;
      if (typeof self !== "boolean") fail(at, `selfConnections must be a boolean, got ${describe(self)}`);
      w = new FullyConnected(num("units"), optNum("outputDim"), num("erevInitSeed", 1111), self);
      break;
    }
    case "Random":
      w = new Random(num("units"), optNum("outputDim"), num("sparsityLevel", 0), num("randomSeed", 1111));
      break;
    case "NCP":
      w = new NCP(
        num("interNeurons"),
        num("commandNeurons"),
        num("motorNeurons"),
        num("sensoryFanout"),
        num("interFanout"),
        num("recurrentCommandSynapses"),
        num("motorFanin"),
        num("seed", 22222),
      );
      break;
    case "AutoNCP":
      w = new AutoNCP(num("units"), num("outputSize"), num("sparsityLevel", 0.5), num("seed", 22222));
      break;
  }

  const inputDim = optNum("inputDim");
  if (inputDim !== null) w.build(inputDim);
  if (c["adjacency"] !== undefined) {
    checkSame(at, "adjacency", numberArray(at, "adjacency", c["adjacency"]), w.adjacency, w.units);
  }
  if (c["sensoryAdjacency"] !== undefined && c["sensoryAdjacency"] !== null) {
    if (inputDim === null) fail(at, "sensoryAdjacency is given but inputDim is not");
    checkSame(at, "sensoryAdjacency", numberArray(at, "sensoryAdjacency", c["sensoryAdjacency"]), w.sensoryAdjacency!, w.units);
  }
  return w;
}

function numberArray(where: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v)) fail(where, `${name} must be an array of -1/0/+1, got ${describe(v)}`);
  return v as number[];
}

/** Stored matrix vs regenerated one: equal lengths and entries, else name the first difference. */
function checkSame(where: string, name: string, stored: readonly unknown[], regenerated: Int8Array, cols: number): void {
  if (stored.length !== regenerated.length) {
    fail(where, `${name} has ${stored.length} entries, the regenerated matrix has ${regenerated.length}`);
  }
  for (let i = 0; i < stored.length; i++) {
    if (stored[i] !== regenerated[i]) {
      fail(
        where,
        `stored ${name} differs from the one regenerated from the constructor arguments at [${Math.floor(i / cols)}, ${i % cols}] ` +
          `(stored ${describe(stored[i])}, regenerated ${regenerated[i]})`,
      );
    }
  }
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "string") return `'${v.length > 40 ? `${v.slice(0, 37)}...` : v}'`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  return String(v);
}
