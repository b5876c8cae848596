/**
 * Channel datasets in the simulator's canonical format, and loaders from the layouts people
 * store channels in (liquidwave's own npz, GLNN's `HH`/`HH_est_<CEE>`, DeepMIMO v2/v3/v4).
 *
 * Canonical format: `H[t, k, n, m]` = channel from BS antenna m to antenna n of user k at time
 * sample t (downlink, receive antenna first, as in y_k = H_k x + n_k with H_k in C^{Nk x M}).
 */
import { fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import type { NdArray } from "../core/ndarray.ts";
import { complexToNd, isComplexDType, ndToComplex, ndToTensor, tensorToNd } from "../core/ndarray.ts";
import type { Tensor } from "../core/tensor.ts";

/** Where a dataset came from. */
export type DatasetLayout = "liquidwave" | "glnn" | "deepmimo-v2" | "deepmimo-v3" | "deepmimo-v4";

/** What is known about a dataset besides its arrays. */
export interface ChannelDatasetMeta {
  /** The file or folder it was loaded from (or the generator that made it). */
  readonly source: string;
  readonly layout: DatasetLayout;
  /** Carrier frequency in Hz, if known. */
  readonly fc?: number;
  /** Time between samples in s, if known. */
  readonly dt?: number;
  /** Human-readable notes: axis mappings applied, variables chosen, assumptions. */
  readonly notes: string[];
}

/** A time-evolving multi-user MIMO channel. */
export interface ChannelDataset {
  /** True channel, shape [T, K, Nk, M] (time, user, user antenna, BS antenna), complex planar. */
  readonly H: ComplexTensor;
  /** Imperfect estimate of H (CSI error), same shape, when the dataset has one. */
  readonly Hest?: ComplexTensor;
  /** Sample times in s, length T. */
  readonly t?: Float64Array;
  /** User positions in m, shape [T, K, 3]. */
  readonly positions?: Tensor;
  readonly meta: ChannelDatasetMeta;
}

/**
 * Check a dataset's shapes agree (H 4-D; Hest like H; t of length T; positions [T, K, 3]).
 * @throws LiquidwaveError naming the array, its shape and the expected one
 */
export function checkChannelDataset(ds: ChannelDataset, where = "checkChannelDataset"): void {
  const s = ds.H.shape;
  if (s.length !== 4) fail(where, `H has shape ${formatShape(s)}, expected [T, K, Nk, M]`);
  const [T, K] = s as [number, number, number, number];
  if (ds.Hest && formatShape(ds.Hest.shape) !== formatShape(s)) fail(where, `Hest has shape ${formatShape(ds.Hest.shape)}, expected ${formatShape(s)} like H`);
  if (ds.t && ds.t.length !== T) fail(where, `t has ${ds.t.length} entries, expected T = ${T}`);
  if (ds.positions && formatShape(ds.positions.shape) !== formatShape([T, K, 3])) {
    fail(where, `positions has shape ${formatShape(ds.positions.shape)}, expected [${T}, ${K}, 3]`);
  }
}

/**
 * The arrays to store a dataset as an npz file in the liquidwave layout: `H` and `H_est`
 * (complex128 [T, K, Nk, M]), `t` (float64 [T]), `positions` (float64 [T, K, 3]), and `fc`,
 * `dt` as 0-d float64 arrays when known. Write them with `writeNpz(path, arrays)`.
 */
export function channelDatasetToArrays(ds: ChannelDataset): Record<string, NdArray> {
  checkChannelDataset(ds, "channelDatasetToArrays");
  const out: Record<string, NdArray> = { H: complexToNd(ds.H) };
  if (ds.Hest) out["H_est"] = complexToNd(ds.Hest);
  if (ds.positions) out["positions"] = tensorToNd(ds.positions);
  if (ds.t) out["t"] = { shape: [ds.t.length], dtype: "float64", data: ds.t };
  if (ds.meta.fc !== undefined) out["fc"] = { shape: [], dtype: "float64", data: Float64Array.of(ds.meta.fc) };
  if (ds.meta.dt !== undefined) out["dt"] = { shape: [], dtype: "float64", data: Float64Array.of(ds.meta.dt) };
  return out;
}

/** Fetch a variable, or fail naming what the layout expected. */
export function need(vars: ReadonlyMap<string, NdArray>, name: string, layout: string, expected: string, where: string): NdArray {
  const a = vars.get(name);
  if (!a) fail(where, `${layout} layout needs variable '${name}' (${expected}); the file has ${[...vars.keys()].slice(0, 12).join(", ") || "none"}`);
  return a;
}

function scalarOf(a: NdArray | undefined, name: string, where: string): number | undefined {
  if (!a) return undefined;
  if (a.data.length !== 1 || isComplexDType(a.dtype)) fail(where, `'${name}' has shape ${formatShape(a.shape)} (${a.dtype}), expected a real scalar`);
  return Number(a.data[0]);
}

/**
 * The liquidwave layout (what `liquidwave channel generate` writes): `H` complex
 * [T, K, Nk, M], optional `H_est` (same shape), `t` [T], `positions` [T, K, 3], `fc`, `dt`.
 */
export function fromLiquidwaveArrays(vars: ReadonlyMap<string, NdArray>, source: string, where = "loadChannelDataset"): ChannelDataset {
  const h = need(vars, "H", "liquidwave", "complex [T, K, Nk, M]", where);
  if (h.shape.length !== 4) fail(where, `liquidwave layout: 'H' has shape ${formatShape(h.shape)}, expected [T, K, Nk, M]`);
  const H = ndToComplex(h);
  const he = vars.get("H_est");
  const t = vars.get("t");
  const p = vars.get("positions");
  const ds: ChannelDataset = {
    H,
    ...(he ? { Hest: ndToComplex(he) } : {}),
    ...(t ? { t: ndToTensor(t, where).data } : {}),
    ...(p ? { positions: ndToTensor(p, where) } : {}),
    meta: {
      source, layout: "liquidwave", notes: [],
      ...(vars.has("fc") ? { fc: scalarOf(vars.get("fc"), "fc", where)! } : {}),
      ...(vars.has("dt") ? { dt: scalarOf(vars.get("dt"), "dt", where)! } : {}),
    },
  };
  checkChannelDataset(ds, where);
  return ds;
}

/** Options of {@link fromGlnnArrays}. */
export interface GlnnOptions {
  /** Users per sample K (GLNN: 4). Default 4. */
  readonly users?: number;
  /** CSI-error key suffix, e.g. `10dB` selects `HH_est_10dB`. Default: the only `HH_est_*`, or `10dB`. */
  readonly cee?: string;
}

/**
 * The GLNN layout (tp1000d/GLNN `CSIdyn64.mat`): `HH` complex [K*S, Nk, M] and the estimate
 * `HH_est_<CEE>` of the same shape. GLNN reads the rows in batches of K (no shuffling), so
 * sample s holds rows K s .. K s + K - 1, one [Nk, M] matrix per user: row r = s K + k. In C
 * order that is exactly a reshape to [S, K, Nk, M] (no data movement): H[s, k] = HH[s K + k].
 */
export function fromGlnnArrays(vars: ReadonlyMap<string, NdArray>, source: string, { users = 4, cee }: GlnnOptions = {}, where = "loadChannelDataset"): ChannelDataset {
  const hh = need(vars, "HH", "GLNN", "complex [K*S, Nk, M]", where);
  if (hh.shape.length !== 3) fail(where, `GLNN layout: 'HH' has shape ${formatShape(hh.shape)}, expected [K*S, Nk, M]`);
  const [rows, nk, m] = hh.shape as [number, number, number];
  if (!Number.isInteger(users) || users < 1 || rows % users !== 0) {
    fail(where, `GLNN layout: 'HH' has ${rows} rows, not a multiple of K = ${users} users`);
  }
  const estKeys = [...vars.keys()].filter((k) => k.startsWith("HH_est_"));
  let estKey: string | undefined;
  const notes = [`HH [${rows}, ${nk}, ${m}] read as [S=${rows / users}, K=${users}, ${nk}, ${m}] with row = s*K + k`];
  if (cee !== undefined) {
    estKey = `HH_est_${cee}`;
    if (!vars.has(estKey)) fail(where, `GLNN layout: no variable '${estKey}' (estimates present: ${estKeys.join(", ") || "none"})`);
  } else if (estKeys.length === 1) estKey = estKeys[0];
  else if (estKeys.includes("HH_est_10dB")) estKey = "HH_est_10dB";
  else if (estKeys.length > 1) fail(where, `GLNN layout: several estimates (${estKeys.join(", ")}); choose one with cee`);
  const shape = [rows / users, users, nk, m];
  const H = { ...ndToComplex(hh), shape };
  let Hest: ComplexTensor | undefined;
  if (estKey) {
    const e = vars.get(estKey)!;
    if (formatShape(e.shape) !== formatShape(hh.shape)) fail(where, `GLNN layout: '${estKey}' has shape ${formatShape(e.shape)}, expected ${formatShape(hh.shape)} like 'HH'`);
    Hest = { ...ndToComplex(e), shape };
    notes.push(`Hest from ${estKey}`);
  }
  return { H, ...(Hest ? { Hest } : {}), meta: { source, layout: "glnn", notes } };
}
