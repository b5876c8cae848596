/**
 * Rebuild a wiring from the way ncps golden files describe it:
 *
 * - a constructor record as in `ncps-wirings-golden/1` (`{class: "NCP", inter_neurons: 10, ...}`,
 *   Python keyword names, values as JSON or as Python literal strings);
 * - the `wiring` object of an `ncps-golden/1` model file (`{class: "AutoNCP", units, output_dim,
 *   autoncp: {...}}`, `fully_connected: {...}`, `ncp: {...}`, matrices...);
 * - a Python constructor expression such as `"AutoNCP(16, 2)"` (the `units` of a model ctor).
 *
 * The result is an unbuilt wiring (call `build(inputDim)`), or a built base `Wiring` when the
 * description only has matrices (class "Wiring").
 */
import { fail } from "../core/errors.ts";
import { describe, wiringFromConfig, type WiringConfig } from "./config.ts";
import { isPythonCall, parsePythonLiteral, type PythonValue } from "../core/python-literal.ts";
import type { Wiring } from "./wiring.ts";

const REQUIRED = Symbol("required");
type Param = readonly [pyName: string, tsName: string, fallback: unknown];

/** ncps constructor signatures (positional order, Python name, our config name, default). */
const SIGNATURES: Record<string, readonly Param[]> = {
  FullyConnected: [
    ["units", "units", REQUIRED],
    ["output_dim", "outputDim", null],
    ["erev_init_seed", "erevInitSeed", 1111],
    ["self_connections", "selfConnections", true],
  ],
  Random: [
    ["units", "units", REQUIRED],
    ["output_dim", "outputDim", null],
    ["sparsity_level", "sparsityLevel", 0.0],
    ["random_seed", "randomSeed", 1111],
  ],
  NCP: [
    ["inter_neurons", "interNeurons", REQUIRED],
    ["command_neurons", "commandNeurons", REQUIRED],
    ["motor_neurons", "motorNeurons", REQUIRED],
    ["sensory_fanout", "sensoryFanout", REQUIRED],
    ["inter_fanout", "interFanout", REQUIRED],
    ["recurrent_command_synapses", "recurrentCommandSynapses", REQUIRED],
    ["motor_fanin", "motorFanin", REQUIRED],
    ["seed", "seed", 22222],
  ],
  AutoNCP: [
    ["units", "units", REQUIRED],
    ["output_size", "outputSize", REQUIRED],
    ["sparsity_level", "sparsityLevel", 0.5],
    ["seed", "seed", 22222],
  ],
};

/** Python-style `Class(args..., key=value)` text of an ncps constructor call. */
export function formatNcpsCtor(cls: string, kwargs: Record<string, unknown>): string {
  const lit = (v: unknown): string =>
    v === true ? "True" : v === false ? "False" : v === null || v === undefined ? "None" : typeof v === "string" ? `'${v}'` : String(v);
  return `${cls}(${Object.entries(kwargs)
    .map(([k, v]) => `${k}=${lit(v)}`)
    .join(", ")})`;
}

/** Parse `"AutoNCP(16, 2, seed=3)"` into a ctor record `{class, units, output_size, seed}`. */
export function parseNcpsCtorString(text: string): Record<string, unknown> {
  const where = "parseNcpsCtorString";
  const v = parsePythonLiteral(text, where);
  if (!isPythonCall(v)) fail(where, `expected a constructor call such as 'AutoNCP(16, 2)', got '${text}'`);
  const cls = v.call.split(".").pop()!;
  const sig = SIGNATURES[cls];
  if (!sig)
    fail(
      where,
      `unknown wiring class '${v.call}', valid classes are ${Object.keys(SIGNATURES)
        .map((k) => `'${k}'`)
        .join(", ")}`,
    );
  if (v.args.length > sig.length) fail(where, `${cls} takes at most ${sig.length} arguments, got ${v.args.length} in '${text}'`);
  const out: Record<string, unknown> = { class: cls };
  v.args.forEach((a, i) => (out[sig[i]![0]] = a));
  for (const [k, a] of Object.entries(v.kwargs)) {
    if (k in out) fail(where, `${cls} got argument '${k}' twice in '${text}'`);
    out[k] = a;
  }
  return out;
}

/** Python-literal strings inside JSON ("True", "0.5", "{'units': 16}") become values. */
export function literal(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return parsePythonLiteral(v);
  } catch {
    return v;
  }
}

function asRecord(where: string, name: string, v: unknown): Record<string, unknown> {
  const x = literal(v);
  if (x === null || typeof x !== "object" || Array.isArray(x)) fail(where, `${name} must be an object, got ${describe(v)}`);
  return x as Record<string, unknown>;
}

/**
 * Normalise any ncps description (see the module comment) to our {@link WiringConfig}
 * (constructor arguments only; no matrices, no input dimension).
 */
export function ncpsCtorToConfig(ctor: Record<string, unknown> | string): WiringConfig {
  const where = "wiringFromNcpsCtor";
  // A string is a constructor call ("AutoNCP(16, 2)") or the Python repr of a ctor record.
  const rec =
    typeof ctor === "string" && isPythonCall(parsePythonLiteral(ctor, where)) ? parseNcpsCtorString(ctor) : asRecord(where, "ctor", ctor);
  const cls = literal(rec["class"]);
  if (typeof cls !== "string") fail(where, `ctor has no 'class' string, got ${describe(rec["class"])}`);
  const kwargs = extractKwargs(where, cls, rec);
  if (cls === "Wiring") return kwargs as unknown as WiringConfig;
  const sig = SIGNATURES[cls]!;
  const known = new Set(sig.map((p) => p[0]));
  for (const k of Object.keys(kwargs)) {
    if (!known.has(k)) fail(where, `${cls} has no argument '${k}' (arguments: ${[...known].join(", ")})`);
  }
  const cfg: Record<string, unknown> = { class: cls };
  for (const [py, ts, fallback] of sig) {
    const v = kwargs[py] === undefined ? fallback : literal(kwargs[py]);
    if (v === REQUIRED) fail(where, `${cls} needs argument '${py}'`);
    cfg[ts] = v;
  }
  return cfg as unknown as WiringConfig;
}

/** The constructor keyword arguments in a ctor record or a golden model `wiring` object. */
function extractKwargs(where: string, cls: string, rec: Record<string, unknown>): Record<string, unknown> {
  // Keys that only a model file's wiring object has (never an ncps constructor argument).
  const isModelWiring = ["adjacency_matrix", "num_layers", "neuron_types", "input_dim", "layers", "autoncp", "ncp", "fully_connected"].some(
    (k) => k in rec,
  );
  if (cls === "Wiring") {
    // Only matrices describe a base wiring.
    const adj = goldenMatrix(where, "adjacency_matrix", rec["adjacency_matrix"]);
    const sens =
      rec["sensory_adjacency_matrix"] == null ? null : goldenMatrix(where, "sensory_adjacency_matrix", rec["sensory_adjacency_matrix"]);
    return {
      class: "Wiring",
      units: literal(rec["units"]),
      outputDim: literal(rec["output_dim"]) ?? null,
      inputDim: sens ? sens.shape[0] : null,
      adjacency: adj.data,
      sensoryAdjacency: sens ? sens.data : null,
    };
  }
  if (!(cls in SIGNATURES)) {
    fail(
      where,
      `unknown wiring class '${cls}', valid classes are ${[...Object.keys(SIGNATURES), "Wiring"].map((k) => `'${k}'`).join(", ")}`,
    );
  }
  if (!isModelWiring) {
    const { class: _c, ...kw } = rec;
    return kw;
  }
  // A model file's wiring object: the ctor arguments sit in a per-class sub-object.
  switch (cls) {
    case "AutoNCP":
      if (rec["autoncp"] === undefined) fail(where, "AutoNCP wiring object has no 'autoncp' arguments");
      return asRecord(where, "autoncp", rec["autoncp"]);
    case "NCP": {
      if (rec["ncp"] === undefined) fail(where, "NCP wiring object has no 'ncp' arguments");
      const ncp = asRecord(where, "ncp", rec["ncp"]);
      const seed = ncp["seed"] ?? rec["seed"];
      if (seed === undefined || seed === null)
        fail(where, "NCP wiring object has no seed (ncps' NCP.get_config loses it), cannot regenerate it");
      return { ...ncp, seed };
    }
    case "FullyConnected":
      return {
        units: rec["units"],
        output_dim: rec["output_dim"],
        ...(rec["fully_connected"] === undefined ? {} : asRecord(where, "fully_connected", rec["fully_connected"])),
      };
    default:
      return {
        units: rec["units"],
        output_dim: rec["output_dim"],
        ...(rec["random"] === undefined ? {} : asRecord(where, "random", rec["random"])),
      };
  }
}

/** A golden `{shape: [r, c], data: [...]}` matrix (or its Python repr, or a nested list). */
export function goldenMatrix(where: string, name: string, v: unknown): { shape: [number, number]; data: number[] } {
  const x = literal(v) as PythonValue | undefined;
  if (Array.isArray(x)) {
    const rows = x as unknown[];
    if (!rows.every(Array.isArray)) fail(where, `${name} must be a {shape, data} object or a list of rows`);
    const cols = rows.length ? (rows[0] as unknown[]).length : 0;
    if (!rows.every((r) => (r as unknown[]).length === cols)) fail(where, `${name} has rows of different lengths`);
    return checkMatrix(where, name, [rows.length, cols], (rows as unknown[][]).flat());
  }
  if (x === null || x === undefined || typeof x !== "object") fail(where, `${name} must be a {shape, data} object, got ${describe(v)}`);
  const { shape, data } = x as { shape?: unknown; data?: unknown };
  if (!Array.isArray(shape) || shape.length !== 2) fail(where, `${name}.shape must be [rows, cols], got ${describe(shape)}`);
  if (!Array.isArray(data)) fail(where, `${name}.data must be an array, got ${describe(data)}`);
  return checkMatrix(where, name, shape as unknown[], data);
}

function checkMatrix(where: string, name: string, shape: unknown[], data: unknown[]): { shape: [number, number]; data: number[] } {
  const [r, c] = shape;
  if (!Number.isInteger(r) || !Number.isInteger(c) || (r as number) < 0 || (c as number) < 0)
    fail(where, `${name}.shape must hold two non-negative integers`);
  if (data.length !== (r as number) * (c as number))
    fail(where, `${name} has ${data.length} entries, shape [${r}, ${c}] needs ${(r as number) * (c as number)}`);
  data.forEach((v, i) => {
    if (v !== -1 && v !== 0 && v !== 1) fail(where, `${name}[${i}] must be -1, 0 or +1, got ${describe(v)}`);
  });
  return { shape: [r as number, c as number], data: data as number[] };
}

/**
 * Rebuild the (unbuilt) wiring an ncps description denotes; see the module comment for the
 * accepted forms. Errors name the offending field.
 */
export function wiringFromNcpsCtor(ctor: Record<string, unknown> | string): Wiring {
  return wiringFromConfig(ncpsCtorToConfig(ctor));
}
