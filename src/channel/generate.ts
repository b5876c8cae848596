/**
 * `generateChannel(config)`: the single typed entry point of the channel simulator.
 *
 * It resolves and validates the config against the preset, draws the users' tracks, builds each
 * user's paths, evaluates H [T, K, Nk, M] (and optionally OFDM H_f [T, F, K, Nk, M]), normalises,
 * adds CSI error, and returns a {@link ChannelSimulation} (a `ChannelDataset` plus the echoed
 * config and diagnostics).
 *
 * Randomness: one root generator per seed and an independent stream per component and user
 * (`Rng.fork` with flat labels such as `user2/mobility`, `user2/umi/seg0/slot3`, `cee`), so that
 * e.g. changing the CEE never changes H, and adding users never changes the existing users.
 */
import type { ComplexTensor } from "../core/complex.ts";
import { fail } from "../core/errors.ts";
import { checkBudget, checkHeapBudget } from "../core/budget.ts";
import { Rng } from "../core/random.ts";
import type { Tensor } from "../core/tensor.ts";
import type { ChannelDataset } from "./dataset.ts";
import type { ArrayGeometry } from "./array.ts";
import { ula, upa } from "./array.ts";
import { canyonDiffusePaths, canyonPaths } from "./canyon.ts";
import { clarkeUser, rayleighUser } from "./clarke.ts";
import type { ChannelConfig, ChannelConfigInput } from "./config.ts";
import { configToJson, resolveChannelConfig } from "./config.ts";
import { wavelength } from "./constants.ts";
import type { EngineOutput, MovingPath, PathSample } from "./engine.ts";
import { fadeWeight } from "./engine.ts";
import type { Vec3 } from "./geometry.ts";
import type { Trajectory } from "./mobility.ts";
import { quantiseTrajectory, randomWalkTrajectory, speedSchedule, straightTrajectory, streetTrajectory } from "./mobility.ts";
import { addCsiError, normalisationScales, scaleUsers } from "./normalise.ts";
import type { UmiUserResult } from "./umi.ts";
import { buildUmiUser } from "./umi.ts";
import type { AntennaModel, RayPolarisation } from "./antenna.ts";
import { drawRayPolarisation, evaluateUserChannelWithAntennas } from "./antenna.ts";
import { cellSeed, hexagonalSites, servingCells, translateTrajectory } from "./cells.ts";
import { UMI_LOS, UMI_NLOS } from "./umi-tables.ts";

/** Largest complex output tensor generateChannel allocates (elements), 2^27 (2 GiB of complex128). */
export const MAX_CHANNEL_ELEMENTS = 2 ** 27;

/** What {@link generateChannel} returns: a channel dataset with its config and diagnostics. */
export interface ChannelSimulation extends ChannelDataset {
  /** The resolved config (all parameters explicit, preset version included). */
  readonly config: ChannelConfig;
  /** OFDM channel [T, F, K, Nk, M] when `subcarriers` is set (normalised like H). */
  readonly Hf?: ComplexTensor;
  /** Baseband subcarrier frequencies f_i = (i − ⌊F/2⌋)·Δf in Hz, [F]; H_f at f = 0 equals H. */
  readonly subcarrierHz?: Float64Array;
  /** Channel gain 10 log10(‖H_k(t)‖_F² / (Nk M)) before normalisation, dB, [T, K]. */
  readonly gainDb: Tensor;
  /** Amplitude factor the normalisation applied to each user, [K]. */
  readonly scale: Float64Array;
  /** UMi only: 1 where user k is in the LOS condition at sample t, [T, K] row-major. */
  readonly los?: Uint8Array;
  /** UMi only: 1 for an indoor user (O2I penetration loss applied), [K]. */
  readonly indoor?: Uint8Array;
  /** Each user's array axis (unit vectors), [K, 3]. */
  readonly userAxes: Tensor;
  /**
   * Several cells (`umi.sites` > 1): the channel from every site to every user,
   * [T, C, K, Nk, M] (H is the serving cell's slice), normalised with H's per-user scales so
   * that the interference keeps its level relative to the serving signal.
   */
  readonly Hcells?: ComplexTensor;
  /** Site positions (BS array reference at height umi.bsHeight above them), [C, 3], m. */
  readonly cellSites?: Tensor;
  /** Mean large-scale gain −PL + SF − O2I of each link over the track, dB, [C, K]. */
  readonly cellGainDb?: Tensor;
  /** Serving cell of each user (largest mean large-scale gain), [K]. */
  readonly servingCell?: Int32Array;
}

/** The antenna model of a config (pattern, boresight, polarisation slants in rad). */
export function antennaModelOf(c: ChannelConfig): AntennaModel {
  const r = Math.PI / 180;
  const b = c.bsArray;
  const u = c.userArray;
  return {
    bsPattern: b.element,
    bsBoresight: b.boresightDeg * r,
    bsSlants: b.polarisation === "dual" ? [b.slantDeg[0] * r, b.slantDeg[1] * r] : [0],
    ueSlants: u.polarisation === "dual" ? [u.slantDeg[0] * r, u.slantDeg[1] * r] : [0],
  };
}

/**
 * Per-ray cross-polarisation of a UMi user's clusters (38.901 §7.5 steps 9–10): XPR from the
 * cluster's condition table (LOS μ 9, σ 3 dB; NLOS μ 8, σ 3 dB), one stream per cluster
 * (`pol<i>`), so the other draws are untouched.
 */
export function umiPolarisation(r: UmiUserResult, stream: (label: string) => Rng): RayPolarisation[] {
  return r.paths.clusters.map((cl, i) => {
    const x = (cl.largeScale === 0 ? UMI_LOS : UMI_NLOS).xprDb;
    return drawRayPolarisation(stream(`pol${i}`), cl.size, x.mu, x.sigma);
  });
}

function bsArrayOf(c: ChannelConfig): ArrayGeometry {
  const b = c.bsArray;
  return b.type === "ula"
    ? ula(b.shape[0]!, { spacing: b.spacing, axis: b.axis })
    : upa(b.shape[0]!, b.shape[1]!, { spacing: b.spacing, axis: b.axis, axis2: b.axis2 ?? [0, 0, 1] });
}

/** Draw or take each user's start position and initial heading (rad). */
function userStart(c: ChannelConfig, k: number, rng: Rng): { start: Vec3; heading: number; dir: 1 | -1 } {
  const given = c.mobility.start?.[k];
  const headingDeg = c.mobility.heading?.[k];
  if (c.umi) {
    const u = c.umi;
    // Uniform over the annulus area (38.901 drop style).
    const r = Math.sqrt(u.rMin * u.rMin + (u.rMax * u.rMax - u.rMin * u.rMin) * rng.uniform());
    const phi = 2 * Math.PI * rng.uniform();
    const h = 2 * Math.PI * rng.uniform();
    return {
      start: given ?? [r * Math.cos(phi), r * Math.sin(phi), u.ueHeight],
      heading: headingDeg !== undefined ? (headingDeg * Math.PI) / 180 : h,
      dir: 1,
    };
  }
  if (c.canyon) {
    const p = c.canyon;
    const side = rng.uniform() < 0.5 ? -1 : 1;
    const x = p.bsPosition[0] + side * (p.xRange[0] + (p.xRange[1] - p.xRange[0]) * rng.uniform());
    const y = p.yRange[0] + (p.yRange[1] - p.yRange[0]) * rng.uniform();
    const dir: 1 | -1 = rng.uniform() < 0.5 ? -1 : 1;
    const heading = headingDeg !== undefined ? (headingDeg * Math.PI) / 180 : dir === 1 ? 0 : Math.PI;
    const dirOut: 1 | -1 = headingDeg !== undefined ? (Math.cos(heading) >= 0 ? 1 : -1) : dir;
    return { start: given ?? [x, y, p.ueHeight], heading, dir: dirOut };
  }
  const h = 2 * Math.PI * rng.uniform();
  return { start: given ?? [0, 0, 0], heading: headingDeg !== undefined ? (headingDeg * Math.PI) / 180 : h, dir: 1 };
}

function trajectoryOf(c: ChannelConfig, speed: Float64Array, k: number, root: Rng): { tr: Trajectory; heading: number } {
  const rngStart = root.fork(`user${k}/start`);
  const rngMove = root.fork(`user${k}/mobility`);
  const { start, heading, dir } = userStart(c, k, rngStart);
  const m = c.mobility;
  let tr: Trajectory;
  if (m.model === "static") tr = straightTrajectory(start, heading, new Float64Array(speed.length), c.dt);
  else if (m.model === "straight") tr = straightTrajectory(start, heading, speed, c.dt);
  else if (m.model === "random-walk") {
    const u = c.umi;
    tr = randomWalkTrajectory(rngMove, start, heading, speed, c.dt, {
      headingSigma: m.headingSigma,
      ...(u ? { center: [0, 0, 0] as Vec3, rMin: u.rMin, rMax: u.rMax } : {}),
    });
  } else {
    const p = c.canyon!;
    tr = streetTrajectory(rngMove, start, dir, speed, c.dt, {
      lateralSigma: p.lateralSigma,
      lateralLength: p.lateralLength,
      yMin: p.yRange[0],
      yMax: p.yRange[1],
      xRef: p.bsPosition[0],
      xMinAbs: p.xRange[0],
      xMaxAbs: p.xRange[1],
    });
  }
  if (m.gridSpacing !== null) tr = quantiseTrajectory(tr, m.gridSpacing);
  return { tr, heading };
}

function umiUserOf(c: ChannelConfig, k: number, tr: Trajectory, root: Rng, userRoot: Rng = root): UmiUserResult {
  const label = (l: string): Rng => root.fork(`user${k}/umi/${l}`);
  // The O2I state belongs to the user, not the link: every cell takes it from the user's root.
  const stream = (l: string): Rng => (l === "o2i" ? userRoot.fork(`user${k}/umi/${l}`) : label(l));
  return buildUmiUser(
    { los: label("los"), lspLos: label("lsp-los"), lspNlos: label("lsp-nlos"), stream },
    tr,
    c.carrierGHz,
    c.umi!,
    c.normalise !== "large-scale",
  );
}

/**
 * The paths {@link generateChannel} builds for user k of a UMi config (same random streams, so the
 * same paths): for diagnostics and statistical tests that need per-path delays, powers and
 * directions rather than H. Evaluating them with `evaluateUserChannel` reproduces H of user k
 * (with an element pattern or polarisation: `evaluateUserChannelWithAntennas` with the returned
 * `polarisation`). With several cells these are the links from site 0.
 * @param input - a UMi preset config (validated like generateChannel's)
 * @returns the user's trajectory, paths (UMi diagnostics included) and the BS position
 */
export function umiUserPaths(
  input: ChannelConfigInput | ChannelConfig,
  k: number,
): UmiUserResult & {
  readonly tr: Trajectory;
  readonly bsPosition: Vec3;
  readonly config: ChannelConfig;
  /** Per cluster, its rays' cross-polarisation (only when either end is dual-polarised). */
  readonly polarisation?: RayPolarisation[];
} {
  const c = resolveChannelConfig(input as ChannelConfigInput);
  if (!c.umi) fail("umiUserPaths", `config.preset must be a UMi preset, got '${c.preset}'`);
  if (!(Number.isInteger(k) && k >= 0 && k < c.users))
    fail("umiUserPaths", `user index k must be an integer in [0, ${c.users - 1}], got ${k}`);
  const root = new Rng(c.seed);
  const speed = speedSchedule(c.samples, c.dt, c.mobility.speeds, c.mobility.slots, c.mobility.rampS);
  const { tr } = trajectoryOf(c, speed, k, root);
  const r = umiUserOf(c, k, tr, root);
  const dual = c.bsArray.polarisation === "dual" || c.userArray.polarisation === "dual";
  const polarisation = dual ? umiPolarisation(r, (l) => root.fork(`user${k}/umi/${l}`)) : undefined;
  return { ...r, tr, bsPosition: [0, 0, c.umi.bsHeight], config: c, ...(polarisation ? { polarisation } : {}) };
}

function notesOf(c: ChannelConfig): string[] {
  const notes = [
    `preset ${c.preset} v${c.version}, seed ${c.seed}, fc ${c.carrierGHz} GHz, dt ${c.dt} s`,
    "H[t, k, n, m]: from BS antenna m to antenna n of user k (y_k = H_k x); H = sum_l g_l a_r a_t^T (plain transpose), a(r)_m = exp(j 2 pi p_m.r / lambda), path phase exp(-j 2 pi D / lambda)",
    `normalisation: ${c.normalise}`,
  ];
  if (c.cee !== null) notes.push(`H_est = H + E, E ~ CN(0, 10^(${c.cee}/10) * mean power (${c.ceeReference}))`);
  if (c.umi) {
    notes.push(
      `UMi table ${c.umi.table}; ${c.umi.bounce}-bounce scatterers; LSP cross-correlations ${c.umi.crossCorrelation ? "on" : "off"}; one K-factor per LOS segment; ${c.umi.indoorFraction > 0 ? `indoor fraction ${c.umi.indoorFraction} with 38.901 ${c.umi.o2iLoss}-loss O2I penetration (outdoor LSPs kept)` : "all users outdoors"}; no blockage`,
    );
    if (c.umi.sites > 1)
      notes.push(
        `${c.umi.sites} hexagonal sites, ISD ${c.umi.interSiteDistance} m: H_cells[t, c, k, n, m] from site c; H is the serving cell's (largest mean large-scale gain); cell c's links use the streams of seed cellSeed(seed, c)`,
      );
  }
  const b = c.bsArray;
  const u = c.userArray;
  if (b.element !== "isotropic" || b.polarisation === "dual" || u.polarisation === "dual")
    notes.push(
      `BS elements ${b.element === "tr38901" ? `38.901 Table 7.3-1 pattern (65 deg, 30 dB, 8 dBi) with boresight azimuth ${b.boresightDeg} deg` : "isotropic"}, ${b.polarisation === "dual" ? `dual-polarised (slants ${b.slantDeg.join(", ")} deg)` : "single-polarised"}; users ${u.polarisation === "dual" ? `dual-polarised (slants ${u.slantDeg.join(", ")} deg)` : "single-polarised"}; antenna ports polarisation-major (port p*E + e), per-ray XPR of 38.901 Table 7.5-6`,
    );
  if (c.canyon)
    notes.push(
      `canyon BS array ${c.canyon.bsArrayOrientation}; facade reflections up to order ${c.canyon.maxOrder}${c.canyon.ground ? " with ground combinations" : ""}; ${c.canyon.diffuseScatterers} diffuse scatterers`,
    );
  if (c.mobility.gridSpacing !== null)
    notes.push(`positions quantised to a ${c.mobility.gridSpacing} m grid before evaluating the channel`);
  return notes;
}

/**
 * Generate a time-evolving multi-user MIMO channel.
 * @param input - a preset name and any overrides (see {@link ChannelConfigInput}); validated
 * @returns H [T, K, Nk, M] complex planar (plus H_est with `cee`, positions [T, K, 3] m, t [T] s,
 *   OFDM H_f [T, F, K, Nk, M] with `subcarriers`) and the resolved config
 * @throws LiquidwaveError for an invalid config, naming the field and value
 */
export function generateChannel(input: ChannelConfigInput): ChannelSimulation {
  const c = resolveChannelConfig(input);
  const T = c.samples;
  const K = c.users;
  const Nk = c.userAntennas;
  const M = c.antennas;
  const F = c.subcarriers ?? 0;
  const C = c.umi?.sites ?? 1;
  const n = T * K * Nk * M;
  if (n * Math.max(F, 1) > MAX_CHANNEL_ELEMENTS || n * C > MAX_CHANNEL_ELEMENTS) {
    fail(
      "generateChannel",
      `the output would hold ${n}${F ? ` x ${F} subcarriers` : ""}${C > 1 ? ` x ${C} cells` : ""} complex entries, more than the limit ${MAX_CHANNEL_ELEMENTS}; reduce samples, users or antennas${F ? " or subcarriers" : ""}${C > 1 ? " or sites" : ""}`,
    );
  }
  // Budgets before any allocation: the output arrays, and for UMi the scatterer clusters that are
  // born along each user's drive (their number grows with the distance travelled, speed x dt x
  // samples; about 12 kB of JavaScript heap per metre with the preset's 2 m cross-fade and 12 m
  // visibility, measured), one user at a time.
  checkBudget(
    "generateChannel",
    `the output (${n} complex entries${F ? ` x ${F} subcarriers` : ""}${C > 1 ? `, and ${C} cells of them` : ""}, positions)`,
    16 * n * (1 + F) + (C > 1 ? 16 * n * C : 0) + 24 * T * K,
  );
  const antennas = antennaModelOf(c);
  const dualPol = antennas.bsSlants.length > 1 || antennas.ueSlants.length > 1;
  // Several cells: each site's channel goes to its own [T, K, Nk, M] buffer first.
  const sites = C > 1 ? hexagonalSites(C, c.umi!.interSiteDistance) : new Float64Array(3);
  const cellRe = C > 1 ? Array.from({ length: C }, () => new Float64Array(n)) : [];
  const cellIm = C > 1 ? Array.from({ length: C }, () => new Float64Array(n)) : [];
  const cellGain = new Float64Array(C * K);
  const cellLos = C > 1 ? Array.from({ length: C }, () => new Uint8Array(T * K)) : [];
  const root = new Rng(c.seed);
  const lambda = wavelength(c.carrierGHz * 1e9);
  const bs = bsArrayOf(c);
  const speed = speedSchedule(T, c.dt, c.mobility.speeds, c.mobility.slots, c.mobility.rampS);
  if (c.umi) {
    let drive = 0;
    for (let t = 0; t < T; t++) drive += Math.abs(speed[t]!) * c.dt;
    const perMetre = 150_000 / Math.min(c.umi.visibilityLos, c.umi.visibilityNlos) + 2_000 / c.umi.crossFade;
    checkHeapBudget(
      "generateChannel",
      `a UMi drive of ${(drive / 1000).toPrecision(3)} km per user (speed x dt x samples; its scatterer clusters)`,
      drive * perMetre,
    );
  }
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const subcarrierHz = F ? Float64Array.from({ length: F }, (_, i) => (i - Math.floor(F / 2)) * c.subcarrierSpacingHz) : undefined;
  const ofdm = subcarrierHz ? { freqs: subcarrierHz, re: new Float64Array(n * F), im: new Float64Array(n * F) } : undefined;
  const positions = new Float64Array(T * K * 3);
  const userAxes = new Float64Array(K * 3);
  const los = c.umi ? new Uint8Array(T * K) : undefined;
  const indoor = c.umi ? new Uint8Array(K) : undefined;
  const notes = notesOf(c);

  const shared: MovingPath[] = [];
  const largeScaleCanyon = c.canyon && c.normalise === "large-scale" ? 0 : -1;
  if (c.canyon) {
    shared.push(...canyonPaths(c.canyon, lambda, c.carrierGHz, largeScaleCanyon));
    shared.push(...canyonDiffusePaths(root.fork("canyon/diffuse"), c.canyon, lambda, largeScaleCanyon));
  }

  for (let k = 0; k < K; k++) {
    let axis: Vec3;
    if (c.userArray.axis === "random") {
      const a = 2 * Math.PI * root.fork(`user${k}/orientation`).uniform();
      axis = [Math.cos(a), Math.sin(a), 0];
    } else axis = c.userArray.axis;
    userAxes.set(axis, 3 * k);
    const ue = ula(Nk / antennas.ueSlants.length, { spacing: c.userArray.spacing, axis });
    const out: EngineOutput = { re, im, users: K, user: k, ...(ofdm ? { ofdm } : {}) };
    if (c.preset === "rayleigh") {
      rayleighUser(root.fork(`user${k}/rayleigh`), T, Nk, M, out);
      continue;
    }
    const { tr, heading } = trajectoryOf(c, speed, k, root);
    for (let t = 0; t < T; t++) positions.set(tr.pos.subarray(3 * t, 3 * t + 3), (t * K + k) * 3);
    if (c.preset === "clarke") {
      clarkeUser(root.fork(`user${k}/clarke`), tr, heading, lambda, c.clarke!, bs, ue, out);
    } else if (c.umi && C === 1) {
      const r = umiUserOf(c, k, tr, root);
      const pol = dualPol ? umiPolarisation(r, (l) => root.fork(`user${k}/umi/${l}`)) : [];
      evaluateUserChannelWithAntennas(r.paths, pol, tr, [0, 0, c.umi.bsHeight], bs, ue, lambda, out, antennas);
      for (let t = 0; t < T; t++) los![t * K + k] = r.los[t]!;
      indoor![k] = r.indoor ? 1 : 0;
    } else if (c.umi) {
      // Cell ci: the single-cell simulation with seed cellSeed(seed, ci) on the track seen from site ci.
      for (let ci = 0; ci < C; ci++) {
        const site: Vec3 = [sites[3 * ci]!, sites[3 * ci + 1]!, 0];
        const rootC = ci === 0 ? root : new Rng(cellSeed(c.seed, ci));
        const trC = ci === 0 ? tr : translateTrajectory(tr, site);
        const r = umiUserOf(c, k, trC, rootC, root);
        const pol = dualPol ? umiPolarisation(r, (l) => rootC.fork(`user${k}/umi/${l}`)) : [];
        const outC: EngineOutput = { re: cellRe[ci]!, im: cellIm[ci]!, users: K, user: k };
        evaluateUserChannelWithAntennas(r.paths, pol, trC, [0, 0, c.umi.bsHeight], bs, ue, lambda, outC, antennas);
        let g = 0;
        for (let t = 0; t < T; t++) g += 10 ** (r.pathGainDb[t]! / 10);
        cellGain[ci * K + k] = 10 * Math.log10(g / T);
        for (let t = 0; t < T; t++) cellLos[ci]![t * K + k] = r.los[t]!;
        indoor![k] = r.indoor ? 1 : 0;
      }
    } else if (c.canyon) {
      const b = c.canyon.bsPosition;
      const ls: Float64Array[] = [];
      if (largeScaleCanyon === 0) {
        // Divide each sample by its local mean amplitude √(Σ_l |α_l|²) (the incoherent sum of the
        // path powers there), so that E‖H_k(t)‖² = Nk·M over the path phases.
        const f = new Float64Array(T);
        const smp: PathSample = { D: 0, ampRe: 0, ampIm: 0, dep: [0, 0, 0], arr: [0, 0, 0] };
        for (let t = 0; t < T; t++) {
          let p = 0;
          for (const path of shared) {
            const w = fadeWeight(path.fade, tr.s[t]!);
            if (w > 0 && path.evaluate(tr.pos[3 * t]!, tr.pos[3 * t + 1]!, tr.pos[3 * t + 2]!, smp))
              p += w * w * (smp.ampRe ** 2 + smp.ampIm ** 2);
          }
          if (!(p > 0))
            fail(
              "generateChannel",
              `user ${k} has no propagation path at sample ${t} (position ${Array.from(tr.pos.subarray(3 * t, 3 * t + 3)).join(", ")}); cannot normalise 'large-scale'`,
            );
          f[t] = 1 / Math.sqrt(p);
        }
        ls.push(f);
      }
      evaluateUserChannelWithAntennas({ moving: shared, clusters: [], largeScale: ls }, [], tr, b, bs, ue, lambda, out, antennas);
    }
  }

  // Several cells: H is each user's serving-cell channel; H_cells [T, C, K, Nk, M] all of them.
  let cells: { H: ComplexTensor; serving: Int32Array } | undefined;
  if (C > 1) {
    const serving = servingCells(cellGain, C, K);
    const per = Nk * M;
    const hcRe = new Float64Array(n * C);
    const hcIm = new Float64Array(n * C);
    for (let t = 0; t < T; t++) {
      for (let ci = 0; ci < C; ci++) {
        const src = t * K * per;
        hcRe.set(cellRe[ci]!.subarray(src, src + K * per), (t * C + ci) * K * per);
        hcIm.set(cellIm[ci]!.subarray(src, src + K * per), (t * C + ci) * K * per);
      }
      for (let k = 0; k < K; k++) {
        const o = (t * K + k) * per;
        re.set(cellRe[serving[k]!]!.subarray(o, o + per), o);
        im.set(cellIm[serving[k]!]!.subarray(o, o + per), o);
        los![t * K + k] = cellLos[serving[k]!]![t * K + k]!;
      }
    }
    cells = { H: { shape: [T, C, K, Nk, M], re: hcRe, im: hcIm }, serving };
  }
  const H: ComplexTensor = { shape: [T, K, Nk, M], re, im };
  const gain = new Float64Array(T * K);
  for (let i = 0; i < T * K; i++) {
    let p = 0;
    for (let j = i * Nk * M; j < (i + 1) * Nk * M; j++) p += re[j]! * re[j]! + im[j]! * im[j]!;
    gain[i] = 10 * Math.log10(p / (Nk * M));
  }
  const scale = normalisationScales(H, c.normalise);
  if (c.normalise === "global" || c.normalise === "per-user") {
    scaleUsers(H, scale);
    if (cells) scaleUsers(cells.H, scale);
    if (ofdm) scaleUsers({ shape: [T, F, K, Nk, M], re: ofdm.re, im: ofdm.im }, scale);
  }
  const Hest = c.cee !== null ? addCsiError(root.fork("cee"), H, c.cee, c.ceeReference) : undefined;
  if (ofdm) {
    notes.push(
      `OFDM: ${F} subcarriers, spacing ${c.subcarrierSpacingHz} Hz, baseband f_i = (i - ${Math.floor(F / 2)}) df; delays relative to the straight-line delay |u - b|/c`,
    );
  }
  const t = Float64Array.from({ length: T }, (_, i) => i * c.dt);
  return {
    H,
    ...(Hest ? { Hest } : {}),
    t,
    ...(c.preset !== "rayleigh" ? { positions: { shape: [T, K, 3], data: positions } } : {}),
    meta: { source: `liquidwave:${c.preset}@v${c.version}`, layout: "liquidwave", fc: c.carrierGHz * 1e9, dt: c.dt, notes },
    config: c,
    ...(ofdm ? { Hf: { shape: [T, F, K, Nk, M], re: ofdm.re, im: ofdm.im }, subcarrierHz } : {}),
    gainDb: { shape: [T, K], data: gain },
    scale,
    ...(los ? { los } : {}),
    ...(indoor ? { indoor } : {}),
    userAxes: { shape: [K, 3], data: userAxes },
    ...(cells
      ? {
          Hcells: cells.H,
          cellSites: { shape: [C, 3], data: sites },
          cellGainDb: { shape: [C, K], data: cellGain },
          servingCell: cells.serving,
        }
      : {}),
  };
}

/** The resolved config of a simulation as plain JSON (for files and CLI output). */
export function simulationConfigJson(sim: ChannelSimulation): Record<string, unknown> {
  return configToJson(sim.config);
}
