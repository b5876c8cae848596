/**
 * `loadChannelDataset`: any supported file (or DeepMIMO v4 scenario folder) to a
 * {@link ChannelDataset}, with the layout detected from the variable names or given explicitly.
 */
import { statSync } from "node:fs";
import { checkOneOf, fail } from "../core/errors.ts";
import type { ChannelDataset, DatasetLayout } from "../channel/dataset.ts";
import type { GlnnOptions } from "./dataset.ts";
import { channelDatasetToArrays } from "../channel/dataset.ts";
import { fromGlnnArrays, fromLiquidwaveArrays } from "./dataset.ts";
import type { DeepMimoOptions } from "./deepmimo.ts";
import { fromDeepMimoV2Arrays, fromDeepMimoV3Arrays, loadDeepMimoV4Folder, looksLikeDeepMimoV2, looksLikeDeepMimoV3 } from "./deepmimo.ts";
import type { NdArray } from "../core/ndarray.ts";
import type { NpzOptions } from "./npz.ts";
import { writeNpz } from "./npz.ts";
import { readArrays } from "./read.ts";

const LAYOUTS = ["auto", "liquidwave", "glnn", "deepmimo-v2", "deepmimo-v3", "deepmimo-v4"] as const;

/** Options of {@link loadChannelDataset}. */
export interface LoadDatasetOptions extends GlnnOptions, DeepMimoOptions {
  /** Layout of the file; `auto` (default) detects it from the variable names. */
  readonly layout?: DatasetLayout | "auto";
}

/**
 * Load a channel dataset from a file (npy/npz/mat/h5) or a DeepMIMO v4 scenario folder.
 *
 * Auto-detection: a folder is DeepMIMO v4; `H` (4-D) is the liquidwave layout; `HH` is GLNN;
 * `<x>{b}.user{u}.channel` is DeepMIMO v2 (MATLAB generator); a 4-D `channel` (or
 * `<x>.user.channel`) is DeepMIMO v3 (Python generator output saved with savemat/savez).
 * @param path - file or folder
 * @returns the dataset, H [T, K, Nk, M]; `meta.notes` records the axis mapping used
 * @throws LiquidwaveError if no layout matches, naming the variables found and what was expected
 */
export async function loadChannelDataset(path: string, options: LoadDatasetOptions = {}): Promise<ChannelDataset> {
  const where = "loadChannelDataset";
  const layout = checkOneOf(where, "layout", options.layout ?? "auto", LAYOUTS);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    fail(where, `no such file or folder '${path}'`);
  }
  if (isDir || layout === "deepmimo-v4") {
    if (!isDir) fail(where, `deepmimo-v4 layout expects a scenario folder, '${path}' is a file`);
    if (layout !== "auto" && layout !== "deepmimo-v4") fail(where, `'${path}' is a folder; only the deepmimo-v4 layout reads folders`);
    return loadDeepMimoV4Folder(path, options, where);
  }
  const { variables: vars } = await readArrays(path);
  return channelDatasetFromArrays(vars, path, options, where);
}

/**
 * The layout step of {@link loadChannelDataset} on arrays already read (by `readArrays`, or
 * `readBytes` in a browser): the layout detected from the variable names, or `options.layout`.
 * @param vars - the file's arrays by variable path
 * @param label - the file's name, for messages
 * @returns the dataset, H [T, K, Nk, M]
 * @throws LiquidwaveError if no layout matches, naming the variables found and what was expected
 */
export function channelDatasetFromArrays(
  vars: ReadonlyMap<string, NdArray>,
  label: string,
  options: LoadDatasetOptions = {},
  where = "channelDatasetFromArrays",
): ChannelDataset {
  const layout = checkOneOf(where, "layout", options.layout ?? "auto", LAYOUTS);
  const pick = (): DatasetLayout => {
    if (layout !== "auto") return layout;
    if (vars.get("H")?.shape.length === 4) return "liquidwave";
    if (vars.has("HH")) return "glnn";
    if (looksLikeDeepMimoV2(vars)) return "deepmimo-v2";
    if (looksLikeDeepMimoV3(vars)) return "deepmimo-v3";
    const list = [...vars]
      .slice(0, 12)
      .map(([k, v]) => `${k} [${v.shape.join(", ")}] ${v.dtype}`)
      .join("; ");
    fail(
      where,
      `${label}: cannot tell the dataset layout from its variables (${list || "none"}); expected 'H' [T, K, Nk, M] (liquidwave), 'HH' [K*S, Nk, M] (GLNN), '<x>{b}.user{u}.channel' (DeepMIMO v2) or 'channel' [n_ue, M_rx, M_tx, K_sc] (DeepMIMO v3); or pass a layout`,
    );
  };
  switch (pick()) {
    case "liquidwave":
      return fromLiquidwaveArrays(vars, label, where);
    case "glnn":
      return fromGlnnArrays(vars, label, options, where);
    case "deepmimo-v2":
      return fromDeepMimoV2Arrays(vars, label, options, where);
    case "deepmimo-v3":
      return fromDeepMimoV3Arrays(vars, label, options, where);
    case "deepmimo-v4":
      return fail(where, `deepmimo-v4 layout expects a scenario folder`);
  }
}

/**
 * Save a dataset as an npz file in the liquidwave layout (see `channelDatasetToArrays`),
 * atomically; `loadChannelDataset` reads it back exactly.
 */
export function saveChannelDataset(path: string, ds: ChannelDataset, options: NpzOptions = {}): void {
  writeNpz(path, channelDatasetToArrays(ds), options);
}
