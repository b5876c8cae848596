/**
 * `runBeamform` with its `data` option honoured: the dataset file (or DeepMIMO v4 folder) that
 * `config.data` names is loaded with {@link loadChannelDataset} (layout, `users` and the GLNN
 * estimate key as the config says), then the run is the library's. The CLI's `beamform` and the
 * study runner's beamform cells both go through here.
 */
import type { DatasetLayout } from "../channel/dataset.ts";
import { type BeamformConfig, type BeamformDocument, type RunBeamformOptions, runBeamform } from "../experiments/beamform.ts";
import { loadChannelDataset } from "../io/load.ts";

/**
 * Run beamformers over a preset's channel or over the dataset `config.data` names.
 * @param config - a parsed beamform config (`parseBeamformConfig`); with `data`, the file's
 *   channel H [T, K, Nk, M] (and its estimate, if any) is used
 * @returns the `beamform --json` document
 */
export async function runBeamformWithData(
  config: BeamformConfig,
  options: Omit<RunBeamformOptions, "dataset"> = {},
): Promise<BeamformDocument> {
  const dataset =
    config.data === undefined
      ? undefined
      : await loadChannelDataset(config.data, {
          layout: config.layout as DatasetLayout | "auto",
          ...(config.users !== undefined ? { users: config.users } : {}),
          ...(config.estimateKey !== undefined ? { cee: config.estimateKey } : {}),
        });
  return runBeamform(config, { ...options, ...(dataset ? { dataset } : {}) });
}
