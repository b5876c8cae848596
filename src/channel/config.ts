/**
 * The channel generator's config: the input users write (a preset name plus any overrides) and
 * the resolved, validated config that every dataset echoes (all parameters explicit, with the
 * preset's `version`). Feeding a resolved config back in reproduces the dataset bit for bit.
 *
 * Validation is by hand so every message names the offending path and value in one line, e.g.
 * `generateChannel: config.umi.bounce: unknown value 'triple', valid options are 'single', 'double'`.
 */
import { fail } from "../core/errors.ts";
import type { ClarkeParams } from "./clarke.ts";
import type { CanyonParams } from "./canyon.ts";
import { MATERIALS } from "./fresnel.ts";
import type { Vec3 } from "./geometry.ts";
import type { CeeReference, NormaliseMode } from "./normalise.ts";
import { NORMALISE_MODES } from "./normalise.ts";
import type { PresetName } from "./presets.ts";
import { PRESET_NAMES, PRESET_VERSIONS, presetDefaults } from "./presets.ts";
import type { UmiParams } from "./umi.ts";
import { UMI_TABLE_VERSION } from "./umi-tables.ts";

/** BS array of a config. */
export interface BsArrayConfig {
  readonly type: "ula" | "upa";
  /** ULA [M]; UPA [M1, M2] (element m = i1·M2 + i2). */
  readonly shape: readonly number[];
  /** Spacing in wavelengths. */
  readonly spacing: number;
  /** First axis (unit vector after resolution). */
  readonly axis: Vec3;
  /** Second axis of a UPA (default +z: a vertical panel). */
  readonly axis2?: Vec3;
}

/** Users' arrays: ULAs of `userAntennas` elements. */
export interface UserArrayConfig {
  readonly spacing: number;
  /** `random`: a uniformly random horizontal axis per user (hand-held), or a fixed axis. */
  readonly axis: "random" | Vec3;
}

export const MOBILITY_MODELS = ["static", "straight", "random-walk", "street"] as const;
export type MobilityModel = (typeof MOBILITY_MODELS)[number];

/** User motion. */
export interface MobilityConfig {
  /**
   * `static` (no motion), `straight` (fixed heading), `random-walk` (Brownian heading,
   * docs/channel.md §6.1), `street` (along the canyon with lane-keeping wander, §6.2).
   */
  readonly model: MobilityModel;
  /** Speeds (m/s): one constant speed, or one per phase with `slots`. */
  readonly speeds: readonly number[];
  /** Samples per speed phase (Σ = samples), or null for a single constant speed. */
  readonly slots: readonly number[] | null;
  /** Raised-cosine speed ramp across phase boundaries (s); 0: step changes. */
  readonly rampS: number;
  /** Heading diffusion of `random-walk`, rad/√s. */
  readonly headingSigma: number;
  /** Start positions per user (m), or null for the preset's random placement. */
  readonly start: readonly Vec3[] | null;
  /** Initial headings per user (deg from +x), or null for random. */
  readonly heading: readonly number[] | null;
  /** Quantise positions to this horizontal grid (m) before evaluating the channel (DeepMIMO-like), or null. */
  readonly gridSpacing: number | null;
}

/** A resolved channel config (every field explicit). */
export interface ChannelConfig {
  readonly preset: PresetName;
  /** Version of the preset's parameter set. */
  readonly version: number;
  readonly seed: number;
  readonly carrierGHz: number;
  /** Number of samples T and the sample interval Δt (s). */
  readonly samples: number;
  readonly dt: number;
  /** K users with Nk antennas each; M BS antennas (= product of bsArray.shape). */
  readonly users: number;
  readonly userAntennas: number;
  readonly antennas: number;
  readonly bsArray: BsArrayConfig;
  readonly userArray: UserArrayConfig;
  readonly mobility: MobilityConfig;
  readonly normalise: NormaliseMode;
  /** CSI error in dB (H_est = H + E), or null for none. */
  readonly cee: number | null;
  readonly ceeReference: CeeReference;
  /** OFDM output with this many subcarriers (null: narrowband only). */
  readonly subcarriers: number | null;
  readonly subcarrierSpacingHz: number;
  readonly clarke?: ClarkeParams;
  readonly umi?: UmiParams;
  readonly canyon?: CanyonParams;
}

type Deep<T> = T extends readonly (infer U)[] ? readonly U[] : T extends object ? { readonly [K in keyof T]?: Deep<T[K]> } : T;

/**
 * What users pass: a preset and any overrides (nested blocks may be partial). `speed` is a
 * shorthand for `mobility.speeds = [speed]`, `speeds`/`slots` for the mobility schedule.
 */
export type ChannelConfigInput = { readonly preset: PresetName } & Deep<Omit<ChannelConfig, "preset">> & {
  readonly speed?: number;
  readonly speeds?: readonly number[];
  readonly slots?: readonly number[];
};

const WHERE = "generateChannel";

function bad(path: string, msg: string): never {
  fail(WHERE, `config.${path}: ${msg}`);
}

function show(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + "..." : s;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function checkKeys(path: string, o: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) bad(path ? `${path}.${k}` : k, `unknown key (valid keys: ${allowed.join(", ")})`);
  }
}

function num(path: string, v: unknown, min = -Infinity, max = Infinity, { integer = false, exclusiveMin = false } = {}): number {
  if (typeof v !== "number" || !Number.isFinite(v)) bad(path, `expected a finite number, got ${show(v)}`);
  if (integer && !Number.isInteger(v)) bad(path, `expected an integer, got ${show(v)}`);
  if (v < min || v > max || (exclusiveMin && v === min)) {
    bad(path, `must be ${exclusiveMin ? "> " + min : ">= " + min}${max === Infinity ? "" : ` and <= ${max}`}, got ${v}`);
  }
  return v;
}

function oneOf<T extends string>(path: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    bad(path, `unknown value ${show(v)}, valid options are ${allowed.map((a) => `'${a}'`).join(", ")}`);
  }
  return v as T;
}

function bool(path: string, v: unknown): boolean {
  if (typeof v !== "boolean") bad(path, `expected true or false, got ${show(v)}`);
  return v;
}

function vec3(path: string, v: unknown, { unit = false } = {}): Vec3 {
  if (!Array.isArray(v) || v.length !== 3) bad(path, `expected [x, y, z], got ${show(v)}`);
  const x = v.map((e, i) => num(`${path}[${i}]`, e)) as [number, number, number];
  if (unit) {
    const n = Math.hypot(...x);
    if (!(n > 0)) bad(path, `must be a non-zero vector, got ${show(v)}`);
    return [x[0] / n, x[1] / n, x[2] / n];
  }
  return x;
}

function pair(path: string, v: unknown, min = -Infinity): readonly [number, number] {
  if (!Array.isArray(v) || v.length !== 2) bad(path, `expected [lo, hi], got ${show(v)}`);
  const a = num(`${path}[0]`, v[0], min);
  const b = num(`${path}[1]`, v[1], min);
  if (b < a) bad(path, `expected lo <= hi, got ${show(v)}`);
  return [a, b];
}

function list(path: string, v: unknown, each: (p: string, x: unknown) => number, minLen = 1): number[] {
  if (!Array.isArray(v) || v.length < minLen) bad(path, `expected a list of at least ${minLen} number${minLen === 1 ? "" : "s"}, got ${show(v)}`);
  return v.map((x, i) => each(`${path}[${i}]`, x));
}

/** Merge a partial block over defaults, checking the keys. */
function block<T extends object>(path: string, defaults: T, input: unknown): Record<string, unknown> {
  if (input === undefined) return { ...(defaults as Record<string, unknown>) };
  if (!isObj(input)) bad(path, `expected an object, got ${show(input)}`);
  checkKeys(path, input, Object.keys(defaults).concat(path === "bsArray" ? ["axis2"] : []));
  return { ...(defaults as Record<string, unknown>), ...input };
}

const TOP_KEYS = [
  "preset", "version", "seed", "carrierGHz", "samples", "dt", "users", "userAntennas", "antennas", "bsArray", "userArray",
  "mobility", "normalise", "cee", "ceeReference", "subcarriers", "subcarrierSpacingHz", "clarke", "umi", "canyon",
  "speed", "speeds", "slots",
];

function checkStartHeights(start: readonly Vec3[] | null, h: number, name: string): void {
  start?.forEach((p, i) => {
    if (Math.abs(p[2] - h) > 1e-9) bad(`mobility.start[${i}]`, `the height must equal ${name} = ${h} m, got z = ${p[2]}`);
  });
}

/**
 * Resolve a user config against its preset's defaults and validate every field.
 * @throws LiquidwaveError naming the offending path and value
 */
export function resolveChannelConfig(input: ChannelConfigInput): ChannelConfig {
  if (!isObj(input)) fail(WHERE, `config must be an object, got ${show(input)}`);
  if (input.preset === undefined) bad("preset", `missing; valid options are ${PRESET_NAMES.map((p) => `'${p}'`).join(", ")}`);
  const preset = oneOf("preset", input.preset, PRESET_NAMES);
  checkKeys("", input, TOP_KEYS);
  const d = presetDefaults(preset);
  const inp = input as Record<string, unknown>;
  const pick = (k: string): unknown => (inp[k] === undefined ? (d as unknown as Record<string, unknown>)[k] : inp[k]);

  if (inp.version !== undefined && inp.version !== d.version) {
    bad("version", `preset '${preset}' is at version ${d.version} in this liquidwave, got ${show(inp.version)} (regenerate with the current version or use the liquidwave release that had it)`);
  }
  const seed = num("seed", pick("seed"), 0, Number.MAX_SAFE_INTEGER, { integer: true });
  const carrierGHz = num("carrierGHz", pick("carrierGHz"), 0, 1000, { exclusiveMin: true });
  const samples = num("samples", pick("samples"), 1, 1e9, { integer: true });
  const dt = num("dt", pick("dt"), 0, 3600, { exclusiveMin: true });
  const users = num("users", pick("users"), 1, 10000, { integer: true });
  const userAntennas = num("userAntennas", pick("userAntennas"), 1, 4096, { integer: true });

  // BS array: `antennas` is the ULA shorthand.
  const ba = block("bsArray", d.bsArray, inp.bsArray);
  const type = oneOf("bsArray.type", ba.type, ["ula", "upa"] as const);
  const bsInput = isObj(inp.bsArray) ? inp.bsArray : {};
  let shape: number[];
  if (bsInput.shape !== undefined) shape = list("bsArray.shape", bsInput.shape, (p, x) => num(p, x, 1, 65536, { integer: true }));
  else if (inp.antennas !== undefined) shape = type === "ula" ? [num("antennas", inp.antennas, 1, 65536, { integer: true })] : bad("bsArray.shape", "a UPA needs its shape [M1, M2]");
  else shape = type === d.bsArray.type ? [...d.bsArray.shape] : bad("bsArray.shape", "a UPA needs its shape [M1, M2]");
  if (shape.length !== (type === "ula" ? 1 : 2)) bad("bsArray.shape", `a ${type.toUpperCase()} needs ${type === "ula" ? "[M]" : "[M1, M2]"}, got ${show(shape)}`);
  const antennas = shape.reduce((a, b) => a * b, 1);
  if (inp.antennas !== undefined && num("antennas", inp.antennas, 1, 65536, { integer: true }) !== antennas) {
    bad("antennas", `${inp.antennas} disagrees with bsArray.shape ${show(shape)} (${antennas} elements)`);
  }
  const spacing = num("bsArray.spacing", ba.spacing, 0, 1e6, { exclusiveMin: true });
  let axis = vec3("bsArray.axis", ba.axis, { unit: true });
  let axis2: Vec3 | undefined;
  if (type === "upa") {
    axis2 = ba.axis2 === undefined ? [0, 0, 1] : vec3("bsArray.axis2", ba.axis2, { unit: true });
    if (Math.abs(axis[0] * axis2[0] + axis[1] * axis2[1] + axis[2] * axis2[2]) > 1e-9) bad("bsArray.axis2", `must be orthogonal to axis ${show(axis)}, got ${show(axis2)}`);
  } else if (ba.axis2 !== undefined) bad("bsArray.axis2", "only a UPA has a second axis");

  const ua = block("userArray", d.userArray, inp.userArray);
  const userArray: UserArrayConfig = {
    spacing: num("userArray.spacing", ua.spacing, 0, 1e6, { exclusiveMin: true }),
    axis: ua.axis === "random" ? "random" : vec3("userArray.axis", ua.axis, { unit: true }),
  };

  // Mobility, with the top-level speed shorthands.
  const mo = block("mobility", d.mobility, inp.mobility);
  const moIn = isObj(inp.mobility) ? inp.mobility : {};
  if (inp.speed !== undefined && (inp.speeds !== undefined || moIn.speeds !== undefined)) bad("speed", "give either speed or speeds (with slots), not both");
  if ((inp.speeds !== undefined || inp.speed !== undefined) && moIn.speeds !== undefined) bad("speeds", "given both at the top level and in mobility");
  if (inp.slots !== undefined && moIn.slots !== undefined) bad("slots", "given both at the top level and in mobility");
  let speeds: number[];
  let slots: number[] | null;
  let speedsPath = "mobility.speeds";
  if (inp.speed !== undefined) {
    speeds = [num("speed", inp.speed, 0, 1000)];
    slots = null;
    if (inp.slots !== undefined) bad("slots", "slots need speeds (one per phase), not a single speed");
  } else {
    const sv = inp.speeds ?? mo.speeds;
    speedsPath = inp.speeds !== undefined ? "speeds" : "mobility.speeds";
    speeds = list(speedsPath, sv, (p, x) => num(p, x, 0, 1000));
    const sl = inp.slots ?? (inp.speeds !== undefined || moIn.speeds !== undefined ? moIn.slots ?? null : mo.slots);
    slots = sl === null || sl === undefined ? null : list(inp.slots !== undefined ? "slots" : "mobility.slots", sl, (p, x) => num(p, x, 1, 1e9, { integer: true }));
  }
  let T = samples;
  if (slots !== null) {
    if (slots.length !== speeds.length) bad(speedsPath, `${speeds.length} speeds but ${slots.length} slot counts; give one count per speed`);
    const total = slots.reduce((a, b) => a + b, 0);
    if (inp.samples === undefined) T = total;
    else if (total !== samples) bad("samples", `${samples} disagrees with the speed-phase slots ${show(slots)}, which add up to ${total} (give one constant speed, or slots that add up to the samples)`);
  } else if (speeds.length !== 1) bad(speedsPath, `${speeds.length} speeds need slots (one count per speed); for one constant speed give a single value`);
  const model = oneOf("mobility.model", mo.model, MOBILITY_MODELS);
  const start = mo.start === null ? null : (() => {
    if (!Array.isArray(mo.start) || mo.start.length !== users) bad("mobility.start", `expected ${users} positions [x, y, z] (one per user), got ${show(mo.start)}`);
    return mo.start.map((p, i) => vec3(`mobility.start[${i}]`, p));
  })();
  const heading = mo.heading === null ? null : (() => {
    if (!Array.isArray(mo.heading) || mo.heading.length !== users) bad("mobility.heading", `expected ${users} headings in degrees (one per user), got ${show(mo.heading)}`);
    return mo.heading.map((h, i) => num(`mobility.heading[${i}]`, h));
  })();
  const mobility: MobilityConfig = {
    model,
    speeds,
    slots,
    rampS: num("mobility.rampS", mo.rampS, 0, 1e6),
    headingSigma: num("mobility.headingSigma", mo.headingSigma, 0, 1e3),
    start,
    heading,
    gridSpacing: mo.gridSpacing === null ? null : num("mobility.gridSpacing", mo.gridSpacing, 0, 1e3, { exclusiveMin: true }),
  };
  if (preset === "o1-28ghz" && model !== "street" && model !== "straight" && model !== "static") bad("mobility.model", `preset o1-28ghz supports 'street', 'straight' and 'static', got '${model}'`);
  if ((preset === "umi-6ghz" || preset === "umi-28ghz") && model === "street") bad("mobility.model", `'street' follows the o1-28ghz canyon; preset ${preset} supports 'random-walk', 'straight' and 'static'`);
  if (preset === "rayleigh" && model !== "static") bad("mobility.model", "preset rayleigh has no geometry; only 'static' applies");
  if (preset === "clarke" && model !== "straight") bad("mobility.model", "preset clarke moves in a straight line; only 'straight' applies");

  const normalise = oneOf("normalise", pick("normalise"), NORMALISE_MODES);
  if (normalise === "large-scale" && (preset === "rayleigh" || preset === "clarke")) bad("normalise", `'large-scale' needs a preset with path loss (umi-6ghz, umi-28ghz, o1-28ghz); ${preset} has unit power already`);
  const ceeRaw = pick("cee");
  const cee = ceeRaw === null ? null : num("cee", ceeRaw, -300, 100);
  const ceeReference = oneOf("ceeReference", pick("ceeReference"), ["per-user", "global"] as const);
  const scRaw = pick("subcarriers");
  const subcarriers = scRaw === null ? null : num("subcarriers", scRaw, 1, 1 << 16, { integer: true });
  if (subcarriers !== null && (preset === "rayleigh" || preset === "clarke")) bad("subcarriers", `OFDM output needs a multipath preset with delays (umi-6ghz, umi-28ghz, o1-28ghz), not ${preset}`);
  const subcarrierSpacingHz = num("subcarrierSpacingHz", pick("subcarrierSpacingHz"), 0, 1e9, { exclusiveMin: true });

  for (const [k, ps] of [["clarke", ["clarke"]], ["umi", ["umi-6ghz", "umi-28ghz"]], ["canyon", ["o1-28ghz"]]] as const) {
    if (inp[k] !== undefined && !(ps as readonly string[]).includes(preset)) bad(k, `applies to preset${ps.length > 1 ? "s" : ""} ${ps.join(", ")} only (preset is ${preset})`);
  }

  let bsAxisOut = axis;
  const out: ChannelConfig = {
    preset, version: d.version, seed, carrierGHz, samples: T, dt, users, userAntennas, antennas,
    bsArray: { type, shape, spacing, axis: bsAxisOut, ...(axis2 ? { axis2 } : {}) },
    userArray, mobility, normalise, cee, ceeReference, subcarriers, subcarrierSpacingHz,
  };

  if (preset === "clarke") {
    const c = block("clarke", d.clarke!, inp.clarke);
    return { ...out, clarke: { sinusoids: num("clarke.sinusoids", c.sinusoids, 8, 1 << 16, { integer: true }), spatial: oneOf("clarke.spatial", c.spatial, ["iid", "geometric"] as const) } };
  }
  if (preset === "umi-6ghz" || preset === "umi-28ghz") {
    const u = block("umi", d.umi!, inp.umi);
    const umi: UmiParams = {
      table: oneOf("umi.table", u.table, [UMI_TABLE_VERSION] as const),
      bsHeight: num("umi.bsHeight", u.bsHeight, 1.5, 1000, { exclusiveMin: true }),
      ueHeight: num("umi.ueHeight", u.ueHeight, 1, 1000, { exclusiveMin: true }),
      rMin: num("umi.rMin", u.rMin, 0),
      rMax: num("umi.rMax", u.rMax, 0, 5000),
      condition: oneOf("umi.condition", u.condition, ["auto", "los", "nlos"] as const),
      losCorrDistance: num("umi.losCorrDistance", u.losCorrDistance, 0, 1e6, { exclusiveMin: true }),
      crossFade: num("umi.crossFade", u.crossFade, 0, 1e4, { exclusiveMin: true }),
      visibilityLos: num("umi.visibilityLos", u.visibilityLos, 0, 1e9, { exclusiveMin: true }),
      visibilityNlos: num("umi.visibilityNlos", u.visibilityNlos, 0, 1e9, { exclusiveMin: true }),
      bounce: oneOf("umi.bounce", u.bounce, ["single", "double"] as const),
      nlosDelayOffsetNs: pair("umi.nlosDelayOffsetNs", u.nlosDelayOffsetNs, 0),
      minScattererDistance: num("umi.minScattererDistance", u.minScattererDistance, 0, 1e4, { exclusiveMin: true }),
      crossCorrelation: bool("umi.crossCorrelation", u.crossCorrelation),
      shadowing: bool("umi.shadowing", u.shadowing),
      indoorFraction: num("umi.indoorFraction", u.indoorFraction, 0, 1),
      o2iLoss: oneOf("umi.o2iLoss", u.o2iLoss, ["low", "high"] as const),
    };
    if (umi.rMax <= umi.rMin) bad("umi.rMax", `must exceed rMin = ${umi.rMin}, got ${umi.rMax}`);
    if (umi.ueHeight >= umi.bsHeight) bad("umi.ueHeight", `must be below the BS height ${umi.bsHeight} m, got ${umi.ueHeight}`);
    checkStartHeights(start, umi.ueHeight, "umi.ueHeight");
    return { ...out, umi };
  }
  if (preset === "o1-28ghz") {
    const c = block("canyon", d.canyon!, inp.canyon);
    const cin = isObj(inp.canyon) ? inp.canyon : {};
    const bsIn = isObj(inp.bsArray) ? inp.bsArray : {};
    let orientation: "along-street" | "across-street" | "custom";
    const axisOf = (o: string): Vec3 | null => (o === "along-street" ? [1, 0, 0] : o === "across-street" ? [0, 1, 0] : null);
    if (cin.bsArrayOrientation !== undefined) {
      orientation = oneOf("canyon.bsArrayOrientation", cin.bsArrayOrientation, ["along-street", "across-street", "custom"] as const);
      const want = axisOf(orientation);
      if (bsIn.axis !== undefined && want !== null && want.some((x, i) => Math.abs(x - axis[i]!) > 1e-12)) {
        bad("bsArray.axis", `${show(bsIn.axis)} disagrees with canyon.bsArrayOrientation '${orientation}' (${show(want)}); give one of them`);
      }
      if (want !== null) bsAxisOut = want;
    } else if (bsIn.axis !== undefined) {
      orientation = Math.abs(axis[0]) === 1 ? "along-street" : Math.abs(axis[1]) === 1 ? "across-street" : "custom";
    } else orientation = oneOf("canyon.bsArrayOrientation", c.bsArrayOrientation, ["along-street", "across-street", "custom"] as const);
    if (orientation === "custom" && bsIn.axis === undefined) bad("canyon.bsArrayOrientation", "'custom' needs bsArray.axis");
    const W = num("canyon.streetWidth", c.streetWidth, 0, 1e4, { exclusiveMin: true });
    const canyon = {
      streetWidth: W,
      bsPosition: vec3("canyon.bsPosition", c.bsPosition),
      bsArrayOrientation: orientation,
      ueHeight: num("canyon.ueHeight", c.ueHeight, 0, 1e3, { exclusiveMin: true }),
      xRange: pair("canyon.xRange", c.xRange, 0),
      yRange: pair("canyon.yRange", c.yRange),
      facadeLength: num("canyon.facadeLength", c.facadeLength, 0, 1e6, { exclusiveMin: true }),
      facadeGap: num("canyon.facadeGap", c.facadeGap, 0, 1e6),
      facadeOffsets: pair("canyon.facadeOffsets", c.facadeOffsets),
      crossStreet: c.crossStreet === null ? null : pair("canyon.crossStreet", c.crossStreet),
      maxOrder: num("canyon.maxOrder", c.maxOrder, 0, 10, { integer: true }),
      ground: bool("canyon.ground", c.ground),
      facadeMaterial: oneOf("canyon.facadeMaterial", c.facadeMaterial, Object.keys(MATERIALS)),
      groundMaterial: oneOf("canyon.groundMaterial", c.groundMaterial, Object.keys(MATERIALS)),
      extraReflectionLossDb: num("canyon.extraReflectionLossDb", c.extraReflectionLossDb, 0, 300),
      edgeRamp: num("canyon.edgeRamp", c.edgeRamp, 0, 1e3),
      diffuseScatterers: num("canyon.diffuseScatterers", c.diffuseScatterers, 0, 10000, { integer: true }),
      diffuseRays: num("canyon.diffuseRays", c.diffuseRays, 1, 1000, { integer: true }),
      diffusePatch: num("canyon.diffusePatch", c.diffusePatch, 0, 1e3),
      diffuseLossDb: pair("canyon.diffuseLossDb", c.diffuseLossDb, 0),
      lateralSigma: num("canyon.lateralSigma", c.lateralSigma, 0, 1e3),
      lateralLength: num("canyon.lateralLength", c.lateralLength, 0, 1e6, { exclusiveMin: true }),
    } as const;
    const [bx, by] = canyon.bsPosition;
    if (by <= 0 || by >= W) bad("canyon.bsPosition", `the BS must be inside the street (0 < y < ${W}), got ${show(canyon.bsPosition)}`);
    if (canyon.yRange[0] <= 0 || canyon.yRange[1] >= W) bad("canyon.yRange", `users must stay inside the street (0 < y < ${W}), got ${show(canyon.yRange)}`);
    if (canyon.xRange[1] <= canyon.xRange[0]) bad("canyon.xRange", `expected lo < hi, got ${show(canyon.xRange)}`);
    void bx;
    checkStartHeights(start, canyon.ueHeight, "canyon.ueHeight");
    return { ...out, bsArray: { ...out.bsArray, axis: bsAxisOut }, canyon };
  }
  return out;
}

/** Plain-JSON view of a resolved config (what datasets and the CLI echo). */
export function configToJson(c: ChannelConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
}

/** PRESET_VERSIONS re-exported for callers that only import the config module. */
export { PRESET_VERSIONS };
