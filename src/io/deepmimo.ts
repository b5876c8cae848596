/**
 * DeepMIMO datasets to the canonical channel format H [T, K, Nk, M].
 *
 * DeepMIMO channels are static snapshots over a grid of user positions, receive antenna first:
 * per user [M_UE, M_BS, K_sc] (v2 MATLAB) or [n_ue, M_rx, M_tx, K_sc] (v3 Python, v4 computed).
 * Axis mapping used here (recorded in `meta.notes`):
 * - one subcarrier is taken (`subcarrier`, 0-based, default 0): K_sc disappears;
 * - users are read in DeepMIMO order and grouped `usersPerSample` at a time (default 1):
 *   DeepMIMO user u = t K + k becomes time sample t, user k (the interleaving GLNN uses), so a
 *   row of grid users traversed in order becomes a trajectory;
 * - a trailing time axis N_t (v4 `compute_channels` with several times) is the time axis
 *   instead: [n_ue, M_rx, M_tx, K_sc, N_t] -> H[t, k] = channel[k, :, :, subcarrier, t];
 * - receive antennas are Nk, transmit (BS) antennas are M (downlink).
 * A v4 scenario folder holds ray-tracing paths, not channels; they are turned into narrowband
 * channels with half-wavelength ULAs (see {@link synthesizeFromPaths}).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkInt, fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import type { NdArray } from "../core/ndarray.ts";
import { isComplexDType, ndToComplex, ndToTensor } from "../core/ndarray.ts";
import type { Tensor } from "../core/tensor.ts";
import type { ChannelDataset } from "../channel/dataset.ts";
import { readArrays } from "./read.ts";

/** Options of the DeepMIMO loaders. */
export interface DeepMimoOptions {
  /** Subcarrier (or path/tap) index along the last channel axis, 0-based. Default 0. */
  readonly subcarrier?: number;
  /** Users per time sample K: DeepMIMO user u = t K + k. Default 1. */
  readonly usersPerSample?: number;
  /** v2: base station, 1-based index into the `DeepMIMO_dataset{b}` cell. Default 1. */
  readonly bs?: number;
  /** v4 folders: TX set, TX index and RX set of the file names `*_t{txSet}_tx{tx}_r{rxSet}`. Default: the first present. */
  readonly txSet?: number;
  readonly tx?: number;
  readonly rxSet?: number;
  /** v4 path synthesis: BS antennas M (ULA, lambda/2). Default 64. */
  readonly bsAntennas?: number;
  /** v4 path synthesis: user antennas Nk (ULA, lambda/2). Default 1. */
  readonly ueAntennas?: number;
}

const V2_RE = /^(.*?)(?:\{(\d+)\})?\.user\{(\d+)\}\.channel$/;

/** True if the variables look like DeepMIMO v2 MATLAB output (`...{b}.user{u}.channel`). */
export function looksLikeDeepMimoV2(vars: ReadonlyMap<string, NdArray>): boolean {
  for (const k of vars.keys()) if (V2_RE.test(k)) return true;
  return false;
}

function v3ChannelKey(vars: ReadonlyMap<string, NdArray>): string | undefined {
  const keys = [...vars.keys()].filter(
    (k) => (k === "channel" || /(^|\.)channel$/.test(k)) && (vars.get(k)!.shape.length === 4 || vars.get(k)!.shape.length === 5),
  );
  return keys[0];
}

/** True if the variables hold a 4-D/5-D `channel` array (DeepMIMO v3/v4 generator output). */
export function looksLikeDeepMimoV3(vars: ReadonlyMap<string, NdArray>): boolean {
  return v3ChannelKey(vars) !== undefined;
}

/** Copy channel[u, :, :, sc] for each user u into H[u] (users on the first axis, C order). */
function sliceSubcarrier(
  ch: NdArray,
  sc: number,
  where: string,
  name: string,
): { re: Float64Array; im: Float64Array; n: number; rx: number; tx: number; ksc: number } {
  const [n, rx, tx, ksc] = ch.shape as [number, number, number, number];
  if (sc >= ksc) fail(where, `subcarrier ${sc} is out of range: '${name}' has ${ksc} along its last axis (shape ${formatShape(ch.shape)})`);
  const c = ndToComplex(ch);
  const re = new Float64Array(n * rx * tx);
  const im = new Float64Array(n * rx * tx);
  for (let i = 0, o = 0; i < n * rx * tx; i++, o += ksc) {
    re[i] = c.re[o + sc]!;
    im[i] = c.im[o + sc]!;
  }
  return { re, im, n, rx, tx, ksc };
}

function groupUsers(n: number, k: number, where: string): number {
  checkInt(where, "usersPerSample", k, 1);
  if (n % k !== 0) fail(where, `${n} DeepMIMO users do not split into samples of usersPerSample = ${k}`);
  return n / k;
}

function positionsFrom(loc: NdArray | undefined, T: number, K: number, where: string, name: string): Tensor | undefined {
  if (!loc) return undefined;
  const t = ndToTensor(loc, where);
  if (t.data.length < T * K * 3 || t.shape[t.shape.length - 1]! < 3) {
    fail(where, `'${name}' has shape ${formatShape(loc.shape)}, expected [${T * K}, >=3] user positions`);
  }
  const cols = t.shape[t.shape.length - 1]!;
  const out = new Float64Array(T * K * 3);
  for (let u = 0; u < T * K; u++) for (let j = 0; j < 3; j++) out[u * 3 + j] = t.data[u * cols + j]!;
  return { shape: [T, K, 3], data: out };
}

/**
 * DeepMIMO v2 MATLAB output: `<name>{b}.user{u}.channel` complex [M_UE, M_BS, K_sc] (MATLAB
 * drops a trailing singleton, so [M_UE, M_BS] means one subcarrier), optional `.loc` [1, 3].
 * @returns H [U / K, K, M_UE, M_BS] at the chosen subcarrier
 */
export function fromDeepMimoV2Arrays(
  vars: ReadonlyMap<string, NdArray>,
  source: string,
  opts: DeepMimoOptions = {},
  where = "loadChannelDataset",
): ChannelDataset {
  const bs = opts.bs ?? 1;
  const sc = checkInt(where, "subcarrier", opts.subcarrier ?? 0, 0);
  const users = new Map<number, { key: string; a: NdArray }>();
  let prefix = "";
  for (const [k, a] of vars) {
    const m = V2_RE.exec(k);
    if (!m) continue;
    const b = m[2] === undefined ? 1 : Number(m[2]);
    if (b !== bs) continue;
    prefix = `${m[1]}${m[2] === undefined ? "" : `{${m[2]}}`}`;
    users.set(Number(m[3]), { key: k, a });
  }
  if (users.size === 0) fail(where, `DeepMIMO v2 layout: no '<name>{${bs}}.user{u}.channel' variables for base station ${bs}`);
  const ids = [...users.keys()].sort((x, y) => x - y);
  ids.forEach((id, i) => {
    if (id !== i + 1) fail(where, `DeepMIMO v2 layout: user{${i + 1}} is missing (found user{${id}})`);
  });
  const first = users.get(1)!.a;
  const dims = (a: NdArray) => (a.shape.length === 2 ? [...a.shape, 1] : [...a.shape]);
  const [mue, mbs, ksc] = dims(first) as [number, number, number];
  if (dims(first).length !== 3)
    fail(where, `DeepMIMO v2 layout: '${users.get(1)!.key}' has shape ${formatShape(first.shape)}, expected [M_UE, M_BS, K_sc]`);
  if (sc >= ksc) fail(where, `subcarrier ${sc} is out of range: '${users.get(1)!.key}' has ${ksc} subcarriers`);
  const U = ids.length;
  const K = opts.usersPerSample ?? 1;
  const T = groupUsers(U, K, where);
  const per = mue * mbs;
  const re = new Float64Array(U * per);
  const im = new Float64Array(U * per);
  const pos = new Float64Array(U * 3);
  let havePos = true;
  for (let u = 0; u < U; u++) {
    const { key, a } = users.get(u + 1)!;
    if (formatShape(dims(a)) !== formatShape([mue, mbs, ksc]))
      fail(where, `DeepMIMO v2 layout: '${key}' has shape ${formatShape(a.shape)}, expected ${formatShape([mue, mbs, ksc])} like user{1}`);
    const c = ndToComplex(a);
    for (let i = 0; i < per; i++) {
      re[u * per + i] = c.re[i * ksc + sc]!;
      im[u * per + i] = c.im[i * ksc + sc]!;
    }
    const loc = vars.get(key.replace(/\.channel$/, ".loc"));
    if (loc && loc.data.length >= 3 && !isComplexDType(loc.dtype)) for (let j = 0; j < 3; j++) pos[u * 3 + j] = Number(loc.data[j]);
    else havePos = false;
  }
  const H: ComplexTensor = { shape: [T, K, mue, mbs], re, im };
  return {
    H,
    ...(havePos ? { positions: { shape: [T, K, 3], data: pos } } : {}),
    meta: {
      source,
      layout: "deepmimo-v2",
      notes: [
        `${prefix}.user{1..${U}}.channel [${mue}, ${mbs}, ${ksc}] at subcarrier ${sc} -> H [${T}, ${K}, ${mue}, ${mbs}], user u = t*${K} + k`,
      ],
    },
  };
}

/**
 * DeepMIMO v3 (Python generator) or v4 computed channels saved with savemat / savez:
 * `channel` (or `<x>.user.channel`) complex [n_ue, M_rx, M_tx, K_sc], or with a trailing time
 * axis [n_ue, M_rx, M_tx, K_sc, N_t]; positions from a sibling `location` or `rx_pos` [n_ue, 3].
 */
export function fromDeepMimoV3Arrays(
  vars: ReadonlyMap<string, NdArray>,
  source: string,
  opts: DeepMimoOptions = {},
  where = "loadChannelDataset",
): ChannelDataset {
  const key = v3ChannelKey(vars);
  if (!key) {
    const cands = [...vars.keys()].filter((k) => /channel/.test(k)).map((k) => `${k} ${formatShape(vars.get(k)!.shape)}`);
    fail(where, `DeepMIMO v3 layout needs 'channel' [n_ue, M_rx, M_tx, K_sc]; found ${cands.join(", ") || "no channel variable"}`);
  }
  const ch = vars.get(key)!;
  const sc = checkInt(where, "subcarrier", opts.subcarrier ?? 0, 0);
  const base = key.slice(0, key.length - "channel".length);
  const loc = vars.get(`${base}location`) ?? vars.get(`${base}rx_pos`) ?? vars.get("location") ?? vars.get("rx_pos");
  const locName = vars.has(`${base}location`)
    ? `${base}location`
    : vars.has(`${base}rx_pos`)
      ? `${base}rx_pos`
      : vars.has("location")
        ? "location"
        : "rx_pos";
  if (ch.shape.length === 4) {
    const { re, im, n, rx, tx, ksc } = sliceSubcarrier(ch, sc, where, key);
    const K = opts.usersPerSample ?? 1;
    const T = groupUsers(n, K, where);
    const positions = positionsFrom(loc, T, K, where, locName);
    return {
      H: { shape: [T, K, rx, tx], re, im },
      ...(positions ? { positions } : {}),
      meta: {
        source,
        layout: "deepmimo-v3",
        notes: [`${key} [${n}, ${rx}, ${tx}, ${ksc}] at subcarrier ${sc} -> H [${T}, ${K}, ${rx}, ${tx}], user u = t*${K} + k`],
      },
    };
  }
  // [n_ue, M_rx, M_tx, K_sc, N_t]: time is the last axis, users stay users.
  const [n, rx, tx, ksc, nt] = ch.shape as [number, number, number, number, number];
  if (sc >= ksc) fail(where, `subcarrier ${sc} is out of range: '${key}' has ${ksc} subcarriers (shape ${formatShape(ch.shape)})`);
  const c = ndToComplex(ch);
  const re = new Float64Array(nt * n * rx * tx);
  const im = new Float64Array(nt * n * rx * tx);
  const per = rx * tx;
  for (let u = 0; u < n; u++) {
    for (let i = 0; i < per; i++) {
      const src = ((u * per + i) * ksc + sc) * nt;
      for (let t = 0; t < nt; t++) {
        re[(t * n + u) * per + i] = c.re[src + t]!;
        im[(t * n + u) * per + i] = c.im[src + t]!;
      }
    }
  }
  let positions: Tensor | undefined;
  const p1 = positionsFrom(loc, 1, n, where, locName);
  if (p1) {
    const d = new Float64Array(nt * n * 3);
    for (let t = 0; t < nt; t++) d.set(p1.data, t * n * 3);
    positions = { shape: [nt, n, 3], data: d };
  }
  return {
    H: { shape: [nt, n, rx, tx], re, im },
    ...(positions ? { positions } : {}),
    meta: {
      source,
      layout: "deepmimo-v3",
      notes: [
        `${key} [${n}, ${rx}, ${tx}, ${ksc}, ${nt}] at subcarrier ${sc} -> H [${nt}, ${n}, ${rx}, ${tx}] (last axis is time)`,
        ...(positions ? ["positions repeated over time (static users)"] : []),
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// v4 scenario folders: ray-tracing paths per (TX set, TX, RX set)

/** Ray-tracing paths of one TX -> RX set of a DeepMIMO v4 scenario, float64, NaN-padded. */
export interface DeepMimoPaths {
  /** Receiver positions [N_ue, 3] (m). */
  readonly rxPos: Tensor;
  /** Transmitter position [1, 3] (m), when present. */
  readonly txPos?: Tensor;
  /** Per path [N_ue, P]: power (dBW), phase (deg), delay (s), angles (deg; azimuth from +x, elevation from +z). */
  readonly power: Tensor;
  readonly phase: Tensor;
  readonly delay: Tensor;
  readonly aoaAz: Tensor;
  readonly aoaEl: Tensor;
  readonly aodAz: Tensor;
  readonly aodEl: Tensor;
  /** Carrier frequency (Hz) from params.json, when found. */
  readonly fc?: number;
  /** The file suffix read, e.g. `t001_tx000_r000`. */
  readonly pair: string;
}

const V4_MATRICES = ["rx_pos", "tx_pos", "power", "phase", "delay", "aoa_az", "aoa_el", "aod_az", "aod_el"] as const;

function findNumber(obj: unknown, key: string, depth = 0): number | undefined {
  if (depth > 8 || obj === null || typeof obj !== "object") return undefined;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (k === key && typeof v === "number") return v;
    const r = findNumber(v, key, depth + 1);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * Read the path matrices of a DeepMIMO v4 scenario folder (`{matrix}_t{txSet:03}_tx{tx:03}_r{rxSet:03}.{mat,npz,npy}`,
 * tried in that order as DeepMIMO does).
 * @throws LiquidwaveError naming the missing matrix file or a shape mismatch
 */
export async function readDeepMimoV4Paths(
  folder: string,
  opts: DeepMimoOptions = {},
  where = "readDeepMimoV4Paths",
): Promise<DeepMimoPaths> {
  const files = readdirSync(folder);
  const pairs = [
    ...new Set(files.map((f) => /^power_(t\d{3}_tx\d{3}_r\d{3})\.(mat|npz|npy)$/.exec(f)?.[1]).filter((x): x is string => !!x)),
  ].sort();
  if (pairs.length === 0) fail(where, `'${folder}' is not a DeepMIMO v4 scenario folder (no power_tXXX_txXXX_rXXX.{mat,npz,npy} file)`);
  const want = (n: number | undefined) => (n === undefined ? "\\d{3}" : String(n).padStart(3, "0"));
  const re = new RegExp(`^t${want(opts.txSet)}_tx${want(opts.tx)}_r${want(opts.rxSet)}$`);
  const pair = pairs.find((p) => re.test(p));
  if (!pair)
    fail(
      where,
      `'${folder}' has no paths for txSet ${opts.txSet ?? "*"}, tx ${opts.tx ?? "*"}, rxSet ${opts.rxSet ?? "*"} (present: ${pairs.join(", ")})`,
    );
  const got: Partial<Record<(typeof V4_MATRICES)[number], Tensor>> = {};
  for (const m of V4_MATRICES) {
    const ext = ["mat", "npz", "npy"].find((e) => existsSync(join(folder, `${m}_${pair}.${e}`)));
    if (!ext) {
      if (m === "tx_pos") continue;
      fail(where, `'${folder}' lacks ${m}_${pair}.{mat,npz,npy}`);
    }
    const path = join(folder, `${m}_${pair}.${ext}`);
    const { variables } = await readArrays(path);
    const a = variables.get(m) ?? (variables.size === 1 ? [...variables.values()][0]! : undefined);
    if (!a) fail(where, `${path} has no array '${m}' (has ${[...variables.keys()].join(", ")})`);
    got[m] = ndToTensor(a, where);
  }
  const rx = got.rx_pos!;
  if (rx.shape.length !== 2 || rx.shape[1] !== 3) fail(where, `rx_pos_${pair} has shape ${formatShape(rx.shape)}, expected [N_ue, 3]`);
  const nUe = rx.shape[0]!;
  const power = got.power!;
  if (power.shape.length !== 2 || power.shape[0] !== nUe)
    fail(where, `power_${pair} has shape ${formatShape(power.shape)}, expected [${nUe}, MAX_PATHS]`);
  for (const m of ["phase", "delay", "aoa_az", "aoa_el", "aod_az", "aod_el"] as const) {
    if (formatShape(got[m]!.shape) !== formatShape(power.shape))
      fail(where, `${m}_${pair} has shape ${formatShape(got[m]!.shape)}, expected ${formatShape(power.shape)} like power`);
  }
  let fc: number | undefined;
  const params = join(folder, "params.json");
  if (existsSync(params)) {
    try {
      fc = findNumber(JSON.parse(readFileSync(params, "utf8")), "frequency");
    } catch {
      fail(where, `${params} is not valid JSON`);
    }
  }
  return {
    rxPos: rx,
    ...(got.tx_pos ? { txPos: got.tx_pos } : {}),
    power,
    phase: got.phase!,
    delay: got.delay!,
    aoaAz: got.aoa_az!,
    aoaEl: got.aoa_el!,
    aodAz: got.aod_az!,
    aodEl: got.aod_el!,
    ...(fc !== undefined ? { fc } : {}),
    pair,
  };
}

/**
 * Narrowband channels from ray-tracing paths, for each user u:
 *
 *   H_u = sum_l sqrt(10^(P_l / 10)) exp(j phase_l pi / 180) a_rx(aoa_l) a_tx(aod_l)^T
 *
 * with P_l in dBW, half-wavelength ULAs along y at both ends, a(theta, phi)_m =
 * exp(j pi m sin(theta) sin(phi)) (theta from +z, phi from +x; the plain transpose, no
 * conjugate: DeepMIMO's and our simulator's convention), paths with NaN power skipped (padding).
 * Absolute scale: the path gains as stored (no FFT-size normalisation).
 * @returns H [N_ue, Nk, M], complex planar
 */
export function synthesizeFromPaths(p: DeepMimoPaths, bsAntennas: number, ueAntennas: number): ComplexTensor {
  const [n, P] = p.power.shape as [number, number];
  const M = bsAntennas;
  const N = ueAntennas;
  const re = new Float64Array(n * N * M);
  const im = new Float64Array(n * N * M);
  const d2r = Math.PI / 180;
  const ar = new Float64Array(2 * N);
  const at = new Float64Array(2 * M);
  for (let u = 0; u < n; u++) {
    for (let l = 0; l < P; l++) {
      const i = u * P + l;
      const pw = p.power.data[i]!;
      if (Number.isNaN(pw)) continue;
      const amp = Math.sqrt(10 ** (pw / 10));
      const ph = p.phase.data[i]! * d2r;
      const gr = amp * Math.cos(ph);
      const gi = amp * Math.sin(ph);
      const sr = Math.sin(p.aoaEl.data[i]! * d2r) * Math.sin(p.aoaAz.data[i]! * d2r);
      const st = Math.sin(p.aodEl.data[i]! * d2r) * Math.sin(p.aodAz.data[i]! * d2r);
      for (let k = 0; k < N; k++) {
        ar[2 * k] = Math.cos(Math.PI * k * sr);
        ar[2 * k + 1] = Math.sin(Math.PI * k * sr);
      }
      for (let m = 0; m < M; m++) {
        at[2 * m] = Math.cos(Math.PI * m * st);
        at[2 * m + 1] = Math.sin(Math.PI * m * st);
      }
      for (let k = 0; k < N; k++) {
        // g * a_rx[k]
        const cr = gr * ar[2 * k]! - gi * ar[2 * k + 1]!;
        const ci = gr * ar[2 * k + 1]! + gi * ar[2 * k]!;
        const row = (u * N + k) * M;
        for (let m = 0; m < M; m++) {
          re[row + m]! += cr * at[2 * m]! - ci * at[2 * m + 1]!;
          im[row + m]! += cr * at[2 * m + 1]! + ci * at[2 * m]!;
        }
      }
    }
  }
  return { shape: [n, N, M], re, im };
}

/**
 * A DeepMIMO v4 scenario folder as a channel dataset: paths read with
 * {@link readDeepMimoV4Paths}, narrowband channels from {@link synthesizeFromPaths}, users
 * grouped `usersPerSample` per time sample.
 */
export async function loadDeepMimoV4Folder(
  folder: string,
  opts: DeepMimoOptions = {},
  where = "loadChannelDataset",
): Promise<ChannelDataset> {
  const p = await readDeepMimoV4Paths(folder, opts, where);
  const M = checkInt(where, "bsAntennas", opts.bsAntennas ?? 64, 1);
  const N = checkInt(where, "ueAntennas", opts.ueAntennas ?? 1, 1);
  const h = synthesizeFromPaths(p, M, N);
  const n = h.shape[0]!;
  const K = opts.usersPerSample ?? 1;
  const T = groupUsers(n, K, where);
  return {
    H: { shape: [T, K, N, M], re: h.re, im: h.im },
    positions: { shape: [T, K, 3], data: p.rxPos.data },
    meta: {
      source: folder,
      layout: "deepmimo-v4",
      ...(p.fc !== undefined ? { fc: p.fc } : {}),
      notes: [
        `paths ${p.pair}: ${n} users -> narrowband H [${T}, ${K}, ${N}, ${M}], user u = t*${K} + k`,
        `half-wavelength ULAs along y (BS ${M}, UE ${N}); gains sqrt(10^(P_dBW/10)) exp(j phase)`,
      ],
    },
  };
}
