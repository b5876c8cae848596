/**
 * The channel generator's config: the input users write (a preset name plus any overrides) and
 * the resolved, validated config that every dataset echoes (all parameters explicit, with the
 * preset's `version`). Feeding a resolved config back in reproduces the dataset bit for bit.
 *
 * Validation is a zod schema ({@link channelConfigSchema}); every message names the offending path
 * and value in one line, e.g.
 * `generateChannel: config.umi.bounce: unknown value "triple", valid options are 'single', 'double'`.
 */
import { z } from "zod";
import { choice, flag, parseConfig, rangedNumber, showValue, strictBlock } from "../core/validate.ts";
import type { ClarkeParams } from "./clarke.ts";
import type { CanyonParams } from "./canyon.ts";
import { MATERIALS } from "./fresnel.ts";
import type { Vec3 } from "./geometry.ts";
import type { CeeReference, NormaliseMode } from "./normalise.ts";
import { NORMALISE_MODES } from "./normalise.ts";
import type { PresetName } from "./presets.ts";
import { PRESET_NAMES, PRESET_VERSIONS, presetDefaults } from "./presets.ts";
import type { ElementPattern } from "./antenna.ts";
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
  /**
   * Element pattern: `isotropic` (default) or `tr38901` (Table 7.3-1: 65° 3 dB beamwidths, 30 dB
   * front-to-back and side-lobe level, 8 dBi maximum gain), pointing at `boresightDeg`.
   */
  readonly element: ElementPattern;
  /** Azimuth of the elements' boresight, degrees from +x (horizontal; default 90: +y). */
  readonly boresightDeg: number;
  /**
   * `single` (default; the isotropic single-polarised model of the earlier versions) or `dual`:
   * each element position holds two elements with the slants `slantDeg` (default ±45°), and H has
   * 2·(elements) BS ports, polarisation-major (port p·Mₑ + m). UMi presets only.
   */
  readonly polarisation: Polarisation;
  /** Slant angles of the two polarisations of a dual-polarised array, degrees (default [45, −45]). */
  readonly slantDeg: readonly [number, number];
}

export const POLARISATIONS = ["single", "dual"] as const;
export type Polarisation = (typeof POLARISATIONS)[number];

/** Users' arrays: ULAs of `userAntennas` elements. */
export interface UserArrayConfig {
  readonly spacing: number;
  /** `random`: a uniformly random horizontal axis per user (hand-held), or a fixed axis. */
  readonly axis: "random" | Vec3;
  /**
   * `single` (default) or `dual`: each of the userAntennas/2 positions holds two elements with the
   * slants `slantDeg` (default [0, 90]: vertical and horizontal); ports polarisation-major. UMi presets only.
   */
  readonly polarisation: Polarisation;
  readonly slantDeg: readonly [number, number];
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
  /**
   * K users with Nk antenna ports each; M BS antenna ports (= product of bsArray.shape, times 2
   * for a dual-polarised array). H is [T, K, Nk, M].
   */
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

// ---- The schema: every field's type and range, then the resolution against the preset.

const show = showValue;
const WHERE = "generateChannel";

const vec3 = z.tuple([rangedNumber(), rangedNumber(), rangedNumber()], { error: (iss) => `expected [x, y, z], got ${show(iss.input)}` });

function pair(min = -Infinity) {
  return z.tuple([rangedNumber(min), rangedNumber(min)], { error: (iss) => `expected [lo, hi], got ${show(iss.input)}` }).check((ctx) => {
    if (ctx.value[1] < ctx.value[0])
      ctx.issues.push({ code: "custom", message: `expected lo <= hi, got ${show(ctx.value)}`, input: ctx.value });
  });
}

function list<T extends z.ZodType>(each: T) {
  const msg = (input: unknown) => `expected a list of at least 1 number, got ${show(input)}`;
  return z.array(each, { error: (iss) => msg(iss.input) }).min(1, { error: (iss) => msg(iss.input) });
}

/** A string from a list that is not a type (material names, table versions): input type `string`. */
function oneOfStrings(valid: readonly string[]) {
  return z.string({ error: (iss) => `expected a string, got ${show(iss.input)}` }).check((ctx) => {
    if (!valid.includes(ctx.value))
      ctx.issues.push({
        code: "custom",
        message: `unknown value ${show(ctx.value)}, valid options are ${valid.map((a) => `'${a}'`).join(", ")}`,
        input: ctx.value,
      });
  });
}

const material = oneOfStrings(Object.keys(MATERIALS));

/**
 * The ranges of the top-level channel parameters, one zod schema each (shared with the CLI and
 * the experiments so their limits are the simulator's):
 *
 * | field | unit | range |
 * |-------|------|-------|
 * | seed | — | integer in [0, 2^53 − 1] |
 * | carrierGHz | GHz | (0, 1000] |
 * | samples | samples | integer in [1, 1e9] |
 * | dt | s | (0, 3600] |
 * | users | — | integer in [1, 10000] |
 * | userAntennas, antennas | elements | integer in [1, 4096], [1, 65536] |
 * | speed, speeds[i] | m/s | [0, 1000] |
 * | slots[i] | samples | integer in [1, 1e9] |
 * | cee | dB | [−300, 100] or null |
 * | subcarriers | — | integer in [1, 65536] or null |
 * | subcarrierSpacingHz | Hz | (0, 1e9] |
 */
export const channelFields = {
  preset: choice(PRESET_NAMES),
  version: rangedNumber(),
  seed: rangedNumber(0, Number.MAX_SAFE_INTEGER, { integer: true }),
  carrierGHz: rangedNumber(0, 1000, { exclusiveMin: true }),
  samples: rangedNumber(1, 1e9, { integer: true }),
  dt: rangedNumber(0, 3600, { exclusiveMin: true }),
  users: rangedNumber(1, 10000, { integer: true }),
  userAntennas: rangedNumber(1, 4096, { integer: true }),
  antennas: rangedNumber(1, 65536, { integer: true }),
  normalise: choice(NORMALISE_MODES),
  cee: rangedNumber(-300, 100).nullable(),
  ceeReference: choice(["per-user", "global"]),
  subcarriers: rangedNumber(1, 1 << 16, { integer: true }).nullable(),
  subcarrierSpacingHz: rangedNumber(0, 1e9, { exclusiveMin: true }),
  speed: rangedNumber(0, 1000),
  speeds: list(rangedNumber(0, 1000)),
  slots: list(rangedNumber(1, 1e9, { integer: true })),
} as const;

const bsArraySchema = strictBlock({
  type: choice(["ula", "upa"]),
  shape: list(rangedNumber(1, 65536, { integer: true })),
  spacing: rangedNumber(0, 1e6, { exclusiveMin: true }),
  axis: vec3,
  axis2: vec3,
  element: choice(["isotropic", "tr38901"]),
  boresightDeg: rangedNumber(-360, 360),
  polarisation: choice(POLARISATIONS),
  slantDeg: z.tuple([rangedNumber(-180, 180), rangedNumber(-180, 180)], {
    error: (iss) => `expected [slant1, slant2] in degrees, got ${show(iss.input)}`,
  }),
});

const userArraySchema = strictBlock({
  spacing: rangedNumber(0, 1e6, { exclusiveMin: true }),
  axis: z.union([z.literal("random"), vec3], { error: (iss) => `expected 'random' or [x, y, z], got ${show(iss.input)}` }),
  polarisation: choice(POLARISATIONS),
  slantDeg: z.tuple([rangedNumber(-180, 180), rangedNumber(-180, 180)], {
    error: (iss) => `expected [slant1, slant2] in degrees, got ${show(iss.input)}`,
  }),
});

const mobilitySchema = strictBlock({
  model: choice(MOBILITY_MODELS),
  speeds: list(rangedNumber(0, 1000)),
  slots: list(rangedNumber(1, 1e9, { integer: true })).nullable(),
  rampS: rangedNumber(0, 1e6),
  headingSigma: rangedNumber(0, 1e3),
  start: z.array(vec3, { error: (iss) => `expected positions [x, y, z] (one per user), got ${show(iss.input)}` }).nullable(),
  heading: z.array(rangedNumber(), { error: (iss) => `expected headings in degrees (one per user), got ${show(iss.input)}` }).nullable(),
  gridSpacing: rangedNumber(0, 1e3, { exclusiveMin: true }).nullable(),
});

const clarkeSchema = strictBlock({
  sinusoids: rangedNumber(8, 1 << 16, { integer: true }),
  spatial: choice(["iid", "geometric"]),
});

const umiSchema = strictBlock({
  table: oneOfStrings([UMI_TABLE_VERSION]),
  bsHeight: rangedNumber(1.5, 1000, { exclusiveMin: true }),
  ueHeight: rangedNumber(1, 1000, { exclusiveMin: true }),
  rMin: rangedNumber(0),
  rMax: rangedNumber(0, 5000),
  condition: choice(["auto", "los", "nlos"]),
  losCorrDistance: rangedNumber(0, 1e6, { exclusiveMin: true }),
  crossFade: rangedNumber(0, 1e4, { exclusiveMin: true }),
  visibilityLos: rangedNumber(0, 1e9, { exclusiveMin: true }),
  visibilityNlos: rangedNumber(0, 1e9, { exclusiveMin: true }),
  bounce: choice(["single", "double"]),
  nlosDelayOffsetNs: pair(0),
  minScattererDistance: rangedNumber(0, 1e4, { exclusiveMin: true }),
  crossCorrelation: flag(),
  shadowing: flag(),
  indoorFraction: rangedNumber(0, 1),
  o2iLoss: choice(["low", "high"]),
  sites: rangedNumber(1, 19, { integer: true }),
  interSiteDistance: rangedNumber(0, 1e5, { exclusiveMin: true }),
});

const canyonSchema = strictBlock({
  streetWidth: rangedNumber(0, 1e4, { exclusiveMin: true }),
  bsPosition: vec3,
  bsArrayOrientation: choice(["along-street", "across-street", "custom"]),
  ueHeight: rangedNumber(0, 1e3, { exclusiveMin: true }),
  xRange: pair(0),
  yRange: pair(),
  facadeLength: rangedNumber(0, 1e6, { exclusiveMin: true }),
  facadeGap: rangedNumber(0, 1e6),
  facadeOffsets: pair(),
  crossStreet: pair().nullable(),
  maxOrder: rangedNumber(0, 10, { integer: true }),
  ground: flag(),
  facadeMaterial: material,
  groundMaterial: material,
  extraReflectionLossDb: rangedNumber(0, 300),
  edgeRamp: rangedNumber(0, 1e3),
  diffuseScatterers: rangedNumber(0, 10000, { integer: true }),
  diffuseRays: rangedNumber(1, 1000, { integer: true }),
  diffusePatch: rangedNumber(0, 1e3),
  diffuseLossDb: pair(0),
  lateralSigma: rangedNumber(0, 1e3),
  lateralLength: rangedNumber(0, 1e6, { exclusiveMin: true }),
});

/** What users write, field by field (types and ranges); {@link channelConfigSchema} adds the preset resolution. */
export const channelConfigInputSchema = strictBlock(
  {
    ...channelFields,
    bsArray: bsArraySchema,
    userArray: userArraySchema,
    mobility: mobilitySchema,
    clarke: clarkeSchema,
    umi: umiSchema,
    canyon: canyonSchema,
  },
  ["preset"],
);

type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/**
 * What users pass: a preset and any overrides (nested blocks may be partial). `speed` is a
 * shorthand for `mobility.speeds = [speed]`, `speeds`/`slots` for the mobility schedule,
 * `antennas` for a ULA's `bsArray.shape = [antennas]`. A resolved {@link ChannelConfig} is a
 * valid input too (it reproduces its dataset).
 */
export type ChannelConfigInput = DeepReadonly<z.input<typeof channelConfigInputSchema>>;
type ParsedInput = z.output<typeof channelConfigInputSchema>;

/** A cross-field problem found while resolving (path like `mobility.start[0]`). */
class Bad {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

function bad(path: string, msg: string): never {
  throw new Bad(path, msg);
}

function pathSegments(path: string): (string | number)[] {
  return (path.match(/[^.[\]]+/g) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function unit(path: string, v: readonly number[]): Vec3 {
  const n = Math.hypot(v[0]!, v[1]!, v[2]!);
  if (!(n > 0)) bad(path, `must be a non-zero vector, got ${show(v)}`);
  return [v[0]! / n, v[1]! / n, v[2]! / n];
}

function checkStartHeights(start: readonly Vec3[] | null, h: number, name: string): void {
  start?.forEach((p, i) => {
    if (Math.abs(p[2] - h) > 1e-9) bad(`mobility.start[${i}]`, `the height must equal ${name} = ${h} m, got z = ${p[2]}`);
  });
}

/** Resolve a field-checked input against its preset's defaults and check how the fields fit together. */
function resolve(inp: ParsedInput): ChannelConfig {
  const preset = inp.preset;
  const d = presetDefaults(preset);
  if (inp.version !== undefined && inp.version !== d.version) {
    bad(
      "version",
      `preset '${preset}' is at version ${d.version} in this liquidwave, got ${show(inp.version)} (regenerate with the current version or use the liquidwave release that had it)`,
    );
  }
  const seed = inp.seed ?? d.seed;
  const carrierGHz = inp.carrierGHz ?? d.carrierGHz;
  const samples = inp.samples ?? d.samples;
  const dt = inp.dt ?? d.dt;
  const users = inp.users ?? d.users;
  const userAntennas = inp.userAntennas ?? d.userAntennas;

  // BS array: `antennas` is the ULA shorthand (ports: elements × polarisations).
  const bsIn = inp.bsArray ?? {};
  const type = bsIn.type ?? d.bsArray.type;
  const polarisation = bsIn.polarisation ?? d.bsArray.polarisation;
  const pols = polarisation === "dual" ? 2 : 1;
  let shape: number[];
  if (bsIn.shape !== undefined) shape = [...bsIn.shape];
  else if (inp.antennas !== undefined) {
    if (type !== "ula") bad("bsArray.shape", "a UPA needs its shape [M1, M2]");
    if (inp.antennas % pols !== 0) bad("antennas", `a dual-polarised array has an even number of ports, got ${inp.antennas}`);
    shape = [inp.antennas / pols];
  } else shape = type === d.bsArray.type ? [...d.bsArray.shape] : bad("bsArray.shape", "a UPA needs its shape [M1, M2]");
  if (shape.length !== (type === "ula" ? 1 : 2))
    bad("bsArray.shape", `a ${type.toUpperCase()} needs ${type === "ula" ? "[M]" : "[M1, M2]"}, got ${show(shape)}`);
  const antennas = shape.reduce((a, b) => a * b, 1) * pols;
  if (inp.antennas !== undefined && inp.antennas !== antennas) {
    bad(
      "antennas",
      `${inp.antennas} disagrees with bsArray.shape ${show(shape)} (${antennas} ports${pols > 1 ? ", 2 polarisations per element" : ""})`,
    );
  }
  const element = bsIn.element ?? d.bsArray.element;
  const boresightDeg = bsIn.boresightDeg ?? d.bsArray.boresightDeg;
  const bsSlant = bsIn.slantDeg ?? d.bsArray.slantDeg;
  const spacing = bsIn.spacing ?? d.bsArray.spacing;
  const axis = unit("bsArray.axis", bsIn.axis ?? d.bsArray.axis);
  let axis2: Vec3 | undefined;
  const axis2In = bsIn.axis2 ?? d.bsArray.axis2;
  if (type === "upa") {
    axis2 = axis2In === undefined ? [0, 0, 1] : unit("bsArray.axis2", axis2In);
    if (Math.abs(axis[0] * axis2[0] + axis[1] * axis2[1] + axis[2] * axis2[2]) > 1e-9)
      bad("bsArray.axis2", `must be orthogonal to axis ${show(axis)}, got ${show(axis2)}`);
  } else if (axis2In !== undefined) bad("bsArray.axis2", "only a UPA has a second axis");

  const ua = { ...d.userArray, ...inp.userArray };
  const userArray: UserArrayConfig = {
    spacing: ua.spacing,
    axis: ua.axis === "random" ? "random" : unit("userArray.axis", ua.axis),
    polarisation: ua.polarisation,
    slantDeg: [ua.slantDeg[0]!, ua.slantDeg[1]!],
  };
  if (ua.polarisation === "dual" && userAntennas % 2 !== 0)
    bad("userAntennas", `dual-polarised users have an even number of ports (2 per element position), got ${userAntennas}`);
  const isUmi = preset === "umi-6ghz" || preset === "umi-28ghz";
  if (polarisation === "dual" && !isUmi) bad("bsArray.polarisation", `'dual' needs a UMi preset (per-ray XPR of 38.901), not ${preset}`);
  if (ua.polarisation === "dual" && !isUmi)
    bad("userArray.polarisation", `'dual' needs a UMi preset (per-ray XPR of 38.901), not ${preset}`);
  if (element !== "isotropic" && !isUmi && preset !== "o1-28ghz")
    bad("bsArray.element", `'${element}' needs a geometric preset (umi-6ghz, umi-28ghz, o1-28ghz), not ${preset}`);

  // Mobility, with the top-level speed shorthands.
  const moIn = inp.mobility ?? {};
  const mo = { ...d.mobility, ...moIn };
  if (inp.speed !== undefined && (inp.speeds !== undefined || moIn.speeds !== undefined))
    bad("speed", "give either speed or speeds (with slots), not both");
  if ((inp.speeds !== undefined || inp.speed !== undefined) && moIn.speeds !== undefined)
    bad("speeds", "given both at the top level and in mobility");
  if (inp.slots !== undefined && moIn.slots !== undefined) bad("slots", "given both at the top level and in mobility");
  let speeds: number[];
  let slots: number[] | null;
  let speedsPath = "mobility.speeds";
  if (inp.speed !== undefined) {
    speeds = [inp.speed];
    slots = null;
    if (inp.slots !== undefined) bad("slots", "slots need speeds (one per phase), not a single speed");
  } else {
    speedsPath = inp.speeds !== undefined ? "speeds" : "mobility.speeds";
    speeds = [...(inp.speeds ?? mo.speeds)];
    const sl = inp.slots ?? (inp.speeds !== undefined || moIn.speeds !== undefined ? (moIn.slots ?? null) : mo.slots);
    slots = sl === null || sl === undefined ? null : [...sl];
  }
  let T = samples;
  if (slots !== null) {
    if (slots.length !== speeds.length)
      bad(speedsPath, `${speeds.length} speeds but ${slots.length} slot counts; give one count per speed`);
    const total = slots.reduce((a, b) => a + b, 0);
    if (inp.samples === undefined) T = total;
    else if (total !== samples)
      bad(
        "samples",
        `${samples} disagrees with the speed-phase slots ${show(slots)}, which add up to ${total} (give one constant speed, or slots that add up to the samples)`,
      );
  } else if (speeds.length !== 1)
    bad(speedsPath, `${speeds.length} speeds need slots (one count per speed); for one constant speed give a single value`);
  const model = mo.model;
  const start =
    mo.start === null
      ? null
      : (() => {
          if (mo.start.length !== users)
            bad("mobility.start", `expected ${users} positions [x, y, z] (one per user), got ${show(mo.start)}`);
          return mo.start.map((p) => [p[0], p[1], p[2]] as Vec3);
        })();
  const heading =
    mo.heading === null
      ? null
      : (() => {
          if (mo.heading.length !== users)
            bad("mobility.heading", `expected ${users} headings in degrees (one per user), got ${show(mo.heading)}`);
          return [...mo.heading];
        })();
  const mobility: MobilityConfig = {
    model,
    speeds,
    slots,
    rampS: mo.rampS,
    headingSigma: mo.headingSigma,
    start,
    heading,
    gridSpacing: mo.gridSpacing,
  };
  if (preset === "o1-28ghz" && model !== "street" && model !== "straight" && model !== "static")
    bad("mobility.model", `preset o1-28ghz supports 'street', 'straight' and 'static', got '${model}'`);
  if ((preset === "umi-6ghz" || preset === "umi-28ghz") && model === "street")
    bad("mobility.model", `'street' follows the o1-28ghz canyon; preset ${preset} supports 'random-walk', 'straight' and 'static'`);
  if (preset === "rayleigh" && model !== "static") bad("mobility.model", "preset rayleigh has no geometry; only 'static' applies");
  if (preset === "clarke" && model !== "straight") bad("mobility.model", "preset clarke moves in a straight line; only 'straight' applies");

  const normalise = inp.normalise ?? d.normalise;
  if (normalise === "large-scale" && (preset === "rayleigh" || preset === "clarke"))
    bad("normalise", `'large-scale' needs a preset with path loss (umi-6ghz, umi-28ghz, o1-28ghz); ${preset} has unit power already`);
  const cee = inp.cee === undefined ? d.cee : inp.cee;
  const ceeReference = inp.ceeReference ?? d.ceeReference;
  const subcarriers = inp.subcarriers === undefined ? d.subcarriers : inp.subcarriers;
  if (subcarriers !== null && (preset === "rayleigh" || preset === "clarke"))
    bad("subcarriers", `OFDM output needs a multipath preset with delays (umi-6ghz, umi-28ghz, o1-28ghz), not ${preset}`);
  const subcarrierSpacingHz = inp.subcarrierSpacingHz ?? d.subcarrierSpacingHz;

  for (const [k, ps] of [
    ["clarke", ["clarke"]],
    ["umi", ["umi-6ghz", "umi-28ghz"]],
    ["canyon", ["o1-28ghz"]],
  ] as const) {
    if (inp[k] !== undefined && !(ps as readonly string[]).includes(preset))
      bad(k, `applies to preset${ps.length > 1 ? "s" : ""} ${ps.join(", ")} only (preset is ${preset})`);
  }

  let bsAxisOut = axis;
  const out: ChannelConfig = {
    preset,
    version: d.version,
    seed,
    carrierGHz,
    samples: T,
    dt,
    users,
    userAntennas,
    antennas,
    bsArray: {
      type,
      shape,
      spacing,
      axis: bsAxisOut,
      ...(axis2 ? { axis2 } : {}),
      element,
      boresightDeg,
      polarisation,
      slantDeg: [bsSlant[0]!, bsSlant[1]!],
    },
    userArray,
    mobility,
    normalise,
    cee,
    ceeReference,
    subcarriers,
    subcarrierSpacingHz,
  };

  if (preset === "clarke") {
    return { ...out, clarke: { ...d.clarke!, ...inp.clarke } };
  }
  if (preset === "umi-6ghz" || preset === "umi-28ghz") {
    const u = { ...d.umi!, ...inp.umi };
    const umi: UmiParams = {
      ...u,
      nlosDelayOffsetNs: [u.nlosDelayOffsetNs[0], u.nlosDelayOffsetNs[1]],
    };
    if (umi.sites !== 1 && umi.sites !== 7 && umi.sites !== 19)
      bad("umi.sites", `a hexagonal layout has 1, 7 or 19 sites (centre and 0, 1 or 2 rings), got ${umi.sites}`);
    if (umi.sites > 1 && normalise === "large-scale")
      bad(
        "normalise",
        "'large-scale' removes the path loss that sets the inter-cell interference; use none, per-user or global with umi.sites > 1",
      );
    if (umi.sites > 1 && subcarriers !== null)
      bad("subcarriers", "OFDM output is single-cell only; leave subcarriers unset with umi.sites > 1");
    if (umi.rMax <= umi.rMin) bad("umi.rMax", `must exceed rMin = ${umi.rMin}, got ${umi.rMax}`);
    if (umi.ueHeight >= umi.bsHeight) bad("umi.ueHeight", `must be below the BS height ${umi.bsHeight} m, got ${umi.ueHeight}`);
    checkStartHeights(start, umi.ueHeight, "umi.ueHeight");
    return { ...out, umi };
  }
  if (preset === "o1-28ghz") {
    const cin = inp.canyon ?? {};
    const c = { ...d.canyon!, ...cin };
    let orientation: "along-street" | "across-street" | "custom";
    const axisOf = (o: string): Vec3 | null => (o === "along-street" ? [1, 0, 0] : o === "across-street" ? [0, 1, 0] : null);
    if (cin.bsArrayOrientation !== undefined) {
      orientation = cin.bsArrayOrientation;
      const want = axisOf(orientation);
      if (bsIn.axis !== undefined && want !== null && want.some((x, i) => Math.abs(x - axis[i]!) > 1e-12)) {
        bad(
          "bsArray.axis",
          `${show(bsIn.axis)} disagrees with canyon.bsArrayOrientation '${orientation}' (${show(want)}); give one of them`,
        );
      }
      if (want !== null) bsAxisOut = want;
    } else if (bsIn.axis !== undefined) {
      orientation = Math.abs(axis[0]) === 1 ? "along-street" : Math.abs(axis[1]) === 1 ? "across-street" : "custom";
    } else orientation = c.bsArrayOrientation;
    if (orientation === "custom" && bsIn.axis === undefined) bad("canyon.bsArrayOrientation", "'custom' needs bsArray.axis");
    const W = c.streetWidth;
    const p2 = (v: readonly number[]): readonly [number, number] => [v[0]!, v[1]!];
    const canyon: CanyonParams = {
      ...c,
      bsPosition: [c.bsPosition[0], c.bsPosition[1], c.bsPosition[2]],
      bsArrayOrientation: orientation,
      xRange: p2(c.xRange),
      yRange: p2(c.yRange),
      facadeOffsets: p2(c.facadeOffsets),
      crossStreet: c.crossStreet === null ? null : p2(c.crossStreet),
      diffuseLossDb: p2(c.diffuseLossDb),
    };
    const by = canyon.bsPosition[1];
    if (by <= 0 || by >= W) bad("canyon.bsPosition", `the BS must be inside the street (0 < y < ${W}), got ${show(canyon.bsPosition)}`);
    if (canyon.yRange[0] <= 0 || canyon.yRange[1] >= W)
      bad("canyon.yRange", `users must stay inside the street (0 < y < ${W}), got ${show(canyon.yRange)}`);
    if (canyon.xRange[1] <= canyon.xRange[0]) bad("canyon.xRange", `expected lo < hi, got ${show(canyon.xRange)}`);
    checkStartHeights(start, canyon.ueHeight, "canyon.ueHeight");
    return { ...out, bsArray: { ...out.bsArray, axis: bsAxisOut }, canyon };
  }
  return out;
}

/**
 * The channel config schema: {@link ChannelConfigInput} (a preset plus overrides, every field
 * type- and range-checked) → the resolved {@link ChannelConfig} (preset defaults filled in, the
 * shorthands expanded, axes normalised, cross-field rules checked).
 */
export const channelConfigSchema = channelConfigInputSchema.transform((inp, ctx): ChannelConfig => {
  try {
    return resolve(inp);
  } catch (e) {
    if (!(e instanceof Bad)) throw e;
    ctx.issues.push({ code: "custom", message: e.message, path: pathSegments(e.path), input: undefined });
    return z.NEVER;
  }
});

/**
 * Resolve a user config against its preset's defaults and validate every field.
 * @param input - a preset name plus overrides (see {@link ChannelConfigInput}); units as in {@link ChannelConfig}
 * @param where - the function named in errors (default `generateChannel`)
 * @returns the resolved config, every field explicit
 * @throws LiquidwaveError, one line naming the function, the offending path and value, e.g.
 *   `generateChannel: config.dt: must be > 0 and <= 3600, got 7200`
 */
export function resolveChannelConfig(input: ChannelConfigInput, where = WHERE): ChannelConfig {
  return parseConfig(where, channelConfigSchema, input);
}

/** Plain-JSON view of a resolved config (what datasets and the CLI echo). */
export function configToJson(c: ChannelConfig): Record<string, unknown> {
  return JSON.parse(JSON.stringify(c)) as Record<string, unknown>;
}

/** PRESET_VERSIONS re-exported for callers that only import the config module. */
export { PRESET_VERSIONS };
