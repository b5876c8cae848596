/**
 * A simulation as the arrays of a liquidwave channel file (what `liquidwave channel generate`
 * writes with `writeNpz`, and `loadChannelDataset` reads back):
 *
 * | name          | dtype                  | shape              | content                                        |
 * |---------------|------------------------|--------------------|------------------------------------------------|
 * | `H`           | complex128 / complex64 | [T, K, Nk, M]      | channel (BS antenna m → antenna n of user k)   |
 * | `H_est`       | same as H              | [T, K, Nk, M]      | H + CSI error (only with a CEE)                |
 * | `H_freq`      | same as H              | [T, F, K, Nk, M]   | OFDM channel (only with subcarriers)           |
 * | `f_subcarrier`| float64                | [F]                | baseband subcarrier frequencies, Hz            |
 * | `t`           | float64                | [T]                | sample times, s                                |
 * | `positions`   | float64                | [T, K, 3]          | user positions, m (not for `rayleigh`)         |
 * | `fc`, `dt`    | float64                | []                 | carrier (Hz), sample interval (s)              |
 * | `gain_db`     | float64                | [T, K]             | 10 log10(‖H_k(t)‖²/(Nk M)) before normalisation |
 * | `scale`       | float64                | [K]                | amplitude factor of the normalisation          |
 * | `los`         | uint8                  | [T, K]             | LOS condition (UMi presets only)               |
 * | `indoor`      | uint8                  | [K]                | 1 for an indoor (O2I) user (UMi presets only)  |
 * | `user_axes`   | float64                | [K, 3]             | each user's array axis                         |
 * | `H_cells`     | same as H              | [T, C, K, Nk, M]   | channel from every site (only with umi.sites > 1) |
 * | `cell_sites`  | float64                | [C, 3]             | site positions, m (BS at umi.bsHeight above)   |
 * | `cell_gain_db`| float64                | [C, K]             | mean large-scale gain of each link, dB         |
 * | `serving_cell`| int32                  | [K]                | serving cell of each user                      |
 * | `config_json` | uint8                  | [bytes]            | the resolved config as UTF-8 JSON              |
 */
import type { ComplexTensor } from "../core/complex.ts";
import type { NdArray } from "../core/ndarray.ts";
import { complexToNd } from "../core/ndarray.ts";
import { channelDatasetToArrays } from "./dataset.ts";
import { configToJson } from "./config.ts";
import type { ChannelSimulation } from "./generate.ts";

/** Complex dtype of the channel arrays in a file. */
export type ChannelFileDType = "complex128" | "complex64";

function complexArray(t: ComplexTensor, dtype: ChannelFileDType): NdArray {
  if (dtype === "complex128") return complexToNd(t);
  return { shape: [...t.shape], dtype: "complex64", data: Float32Array.from(t.re), imag: Float32Array.from(t.im) };
}

/** The arrays of a channel file for `sim` (see the table above). */
export function simulationArrays(sim: ChannelSimulation, dtype: ChannelFileDType = "complex128"): Record<string, NdArray> {
  const out = channelDatasetToArrays(sim);
  out["H"] = complexArray(sim.H, dtype);
  if (sim.Hest) out["H_est"] = complexArray(sim.Hest, dtype);
  if (sim.Hf && sim.subcarrierHz) {
    out["H_freq"] = complexArray(sim.Hf, dtype);
    out["f_subcarrier"] = { shape: [sim.subcarrierHz.length], dtype: "float64", data: sim.subcarrierHz };
  }
  out["gain_db"] = { shape: [...sim.gainDb.shape], dtype: "float64", data: sim.gainDb.data };
  out["scale"] = { shape: [sim.scale.length], dtype: "float64", data: sim.scale };
  if (sim.los) out["los"] = { shape: [sim.H.shape[0]!, sim.H.shape[1]!], dtype: "uint8", data: sim.los };
  if (sim.indoor) out["indoor"] = { shape: [sim.indoor.length], dtype: "uint8", data: sim.indoor };
  out["user_axes"] = { shape: [...sim.userAxes.shape], dtype: "float64", data: sim.userAxes.data };
  if (sim.Hcells && sim.cellSites && sim.cellGainDb && sim.servingCell) {
    out["H_cells"] = complexArray(sim.Hcells, dtype);
    out["cell_sites"] = { shape: [...sim.cellSites.shape], dtype: "float64", data: sim.cellSites.data };
    out["cell_gain_db"] = { shape: [...sim.cellGainDb.shape], dtype: "float64", data: sim.cellGainDb.data };
    out["serving_cell"] = { shape: [sim.servingCell.length], dtype: "int32", data: sim.servingCell };
  }
  const json = new TextEncoder().encode(JSON.stringify(configToJson(sim.config)));
  out["config_json"] = { shape: [json.length], dtype: "uint8", data: json };
  return out;
}
