/**
 * The channel data type shared by the simulator, the dataset loaders and the case studies.
 *
 * Canonical format: `H[t, k, n, m]` = channel from BS antenna m to antenna n of user k at time
 * sample t (downlink, receive antenna first, as in y_k = H_k x + n_k with H_k in C^{Nk x M}).
 */
import { fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import type { NdArray } from "../core/ndarray.ts";
import { complexToNd, tensorToNd } from "../core/ndarray.ts";
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
  if (ds.Hest && formatShape(ds.Hest.shape) !== formatShape(s))
    fail(where, `Hest has shape ${formatShape(ds.Hest.shape)}, expected ${formatShape(s)} like H`);
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
