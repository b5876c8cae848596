/**
 * Loaders into the canonical channel format ({@link ChannelDataset}, `channel/dataset.ts`) from the layouts people
 * store channels in (liquidwave's own npz, GLNN's `HH`/`HH_est_<CEE>`, DeepMIMO v2/v3/v4).
 *
 * Canonical format: `H[t, k, n, m]` = channel from BS antenna m to antenna n of user k at time
 * sample t (downlink, receive antenna first, as in y_k = H_k x + n_k with H_k in C^{Nk x M}).
 */
import { fail, formatShape } from "../core/errors.ts";
import type { NdArray } from "../core/ndarray.ts";
import { isComplexDType, ndToComplex, ndToTensor } from "../core/ndarray.ts";
import type { ComplexTensor } from "../core/complex.ts";
import type { ChannelDataset } from "../channel/dataset.ts";
import { checkChannelDataset } from "../channel/dataset.ts";

/** Fetch a variable, or fail naming what the layout expected. */
export function need(vars: ReadonlyMap<string, NdArray>, name: string, layout: string, expected: string, where: string): NdArray {
  const a = vars.get(name);
  if (!a)
    fail(
      where,
      `${layout} layout needs variable '${name}' (${expected}); the file has ${[...vars.keys()].slice(0, 12).join(", ") || "none"}`,
    );
  return a;
}

function scalarOf(a: NdArray | undefined, name: string, where: string): number | undefined {
  if (!a) return undefined;
  if (a.data.length !== 1 || isComplexDType(a.dtype))
    fail(where, `'${name}' has shape ${formatShape(a.shape)} (${a.dtype}), expected a real scalar`);
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
      source,
      layout: "liquidwave",
      notes: [],
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
export function fromGlnnArrays(
  vars: ReadonlyMap<string, NdArray>,
  source: string,
  { users = 4, cee }: GlnnOptions = {},
  where = "loadChannelDataset",
): ChannelDataset {
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
    if (formatShape(e.shape) !== formatShape(hh.shape))
      fail(where, `GLNN layout: '${estKey}' has shape ${formatShape(e.shape)}, expected ${formatShape(hh.shape)} like 'HH'`);
    Hest = { ...ndToComplex(e), shape };
    notes.push(`Hest from ${estKey}`);
  }
  return { H, ...(Hest ? { Hest } : {}), meta: { source, layout: "glnn", notes } };
}
