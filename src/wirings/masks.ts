/**
 * Per-layer views of a wiring, as the layered cells (ncps `WiredCfCCell`) consume them.
 *
 * For layer l with neurons ids_l (H_l of them): its input block is S[:, ids_0] (I x H_0) for
 * l = 0 and A[ids_{l-1}, ids_l] (H_{l-1} x H_l) for l > 0. The WiredCfC sparsity mask of the
 * layer stacks an all-ones H_l x H_l block under it (dense intra-layer recurrence; the wiring's
 * own recurrent synapses are ignored, docs/cells.md §4) and stores the absolute transpose:
 * mask_l = |[block_l; 1]ᵀ|, shape [H_l, in_l + H_l].
 */
import { fail } from "../core/errors.ts";
import { tensor, type Tensor } from "../core/tensor.ts";
import type { Wiring } from "./wiring.ts";

/** A signed 0/±1 block, row-major [rows, cols]. */
export interface SignedBlock {
  rows: number;
  cols: number;
  data: Int8Array;
}

function checkLayer(where: string, w: Wiring, l: number): void {
  if (!w.isBuilt()) fail(where, "the wiring is not built yet (call build(inputDim) first)");
  if (!Number.isInteger(l) || l < 0 || l >= w.numLayers) fail(where, `layer ${l} does not exist (wiring has ${w.numLayers} layers)`);
}

/**
 * The signed input block of layer `l`.
 * @returns shape [in_l, H_l]: S[:, layer 0] for l = 0, A[layer l-1, layer l] otherwise.
 */
export function layerInputBlock(w: Wiring, l: number): SignedBlock {
  checkLayer("layerInputBlock", w, l);
  const n = w.units;
  const cols = w.neuronsOfLayer(l);
  const fromSensory = l === 0;
  const rows = fromSensory ? Array.from({ length: w.inputDim! }, (_, k) => k) : w.neuronsOfLayer(l - 1);
  const src = fromSensory ? w.sensoryAdjacency! : w.adjacency;
  const data = new Int8Array(rows.length * cols.length);
  rows.forEach((r, i) => cols.forEach((c, j) => (data[i * cols.length + j] = src[r * n + c]!)));
  return { rows: rows.length, cols: cols.length, data };
}

/**
 * The WiredCfC sparsity mask of layer `l`: |[block_l; ones(H_l, H_l)]ᵀ|.
 * @returns tensor of shape [H_l, in_l + H_l], entries 0 or 1; row j = neuron j of the layer, the
 *   first in_l columns are its inputs, the last H_l columns the (dense) recurrent part.
 */
export function wiredCfcLayerMask(w: Wiring, l: number): Tensor {
  const b = layerInputBlock(w, l);
  const h = b.cols;
  const width = b.rows + h;
  const data = new Float64Array(h * width);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < b.rows; i++) data[j * width + i] = Math.abs(b.data[i * h + j]!);
    for (let i = b.rows; i < width; i++) data[j * width + i] = 1;
  }
  return tensor(data, [h, width]);
}

/** The masks of all layers, in layer order. */
export function wiredCfcMasks(w: Wiring): Tensor[] {
  return Array.from({ length: w.numLayers }, (_, l) => wiredCfcLayerMask(w, l));
}
