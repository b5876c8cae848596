/**
 * Wired CfC: one CfC layer (no backbone) per wiring layer, e.g. NCP inter → command → motor
 * (ncps `WiredCfCCell`, docs/cells.md §4). Layer l reads the new state of layer l − 1 (layer 0 reads
 * the input); its ff1/ff2 weights are masked by the wiring's synapses into the layer (sensory matrix
 * for layer 0, adjacency from the previous layer otherwise), recurrence inside a layer is dense, and
 * there is no feedback between layers — all as in ncps.
 *
 * State layout: the layer states concatenated in layer order ([inter, command, motor] for NCP), not
 * the wiring's neuron-id order. The output is the last layer's state.
 */
import type { Floats } from "../core/dtype.ts";
import { fail } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import { heapFloat } from "../core/wasm/alloc.ts";
import { CfCCell, type CfCCache, type CfCMode } from "./cfc.ts";
import type { RecurrentCell, StepCache } from "./cell.ts";
import type { Param } from "./param.ts";
import { wiredCfcLayerMask } from "../wirings/masks.ts";
import type { Wiring } from "../wirings/wiring.ts";

export interface WiredCfCConfig {
  inputSize: number;
  /** The wiring, built for `inputSize` inputs; its layers (in order) become the CfC layers. */
  wiring: Wiring;
  mode?: CfCMode;
}

export interface WiredCfCCache extends StepCache {
  layers: CfCCache[];
  /** Per-layer input state slices [B, H_l]. */
  hIn: Floats[];
  dhIn: Floats[];
  gOut: Floats[];
  dxLayer: Floats[];
}

export class WiredCfCCell implements RecurrentCell<WiredCfCCache> {
  readonly kind = "WiredCfCCell";
  readonly inputSize: number;
  readonly stateSize: number;
  readonly outputSize: number;
  readonly layerSizes: number[];
  readonly layerCells: CfCCell[];
  readonly params: Param[];
  private readonly offsets: number[];

  constructor(cfg: WiredCfCConfig) {
    const where = "WiredCfCCell";
    const { inputSize: I, wiring } = cfg;
    if (wiring.inputDim !== I) fail(where, `wiring is built for ${wiring.inputDim ?? "no"} inputs, cell has ${I}`);
    const layers = Array.from({ length: wiring.numLayers }, (_, l) => wiring.neuronsOfLayer(l));
    this.inputSize = I;
    this.stateSize = wiring.units;
    this.layerSizes = layers.map((l) => l.length);
    this.outputSize = this.layerSizes[this.layerSizes.length - 1]!;
    this.offsets = [];
    let off = 0;
    for (const h of this.layerSizes) {
      this.offsets.push(off);
      off += h;
    }
    if (off !== wiring.units) fail(where, `wiring layers cover ${off} of ${wiring.units} neurons`);
    this.layerCells = layers.map(
      (ids, l) =>
        new CfCCell({
          inputSize: l === 0 ? I : layers[l - 1]!.length,
          hiddenSize: ids.length,
          mode: cfg.mode ?? "default",
          backboneLayers: 0,
          sparsityMask: wiredCfcLayerMask(wiring, l).data,
        }),
    );
    this.params = this.layerCells.flatMap((cell, l) => cell.params.map((p) => p.prefixed(`layer_${l}.`)));
  }

  get mode(): CfCMode {
    return this.layerCells[0]!.mode;
  }

  init(rng: Rng): void {
    for (const c of this.layerCells) c.init(rng);
  }

  createCache(batch: number): WiredCfCCache {
    const h = heapFloat(batch * this.stateSize);
    const layers = this.layerCells.map((c) => c.createCache(batch));
    return {
      batch,
      h,
      y: layers[layers.length - 1]!.h,
      layers,
      hIn: this.layerSizes.map((H) => heapFloat(batch * H)),
      dhIn: this.layerSizes.map((H) => heapFloat(batch * H)),
      gOut: this.layerSizes.map((H) => heapFloat(batch * H)),
      dxLayer: this.layerCells.map((c) => heapFloat(batch * c.inputSize)),
    };
  }

  forward(x: Floats, h: Floats, dt: Floats, c: WiredCfCCache, training: boolean): void {
    const B = c.batch,
      N = this.stateSize;
    let u = x;
    for (let l = 0; l < this.layerCells.length; l++) {
      const H = this.layerSizes[l]!,
        off = this.offsets[l]!;
      const hl = c.hIn[l]!;
      for (let r = 0; r < B; r++) for (let j = 0; j < H; j++) hl[r * H + j] = h[r * N + off + j]!;
      this.layerCells[l]!.forward(u, hl, dt, c.layers[l]!, training);
      const hn = c.layers[l]!.h;
      for (let r = 0; r < B; r++) for (let j = 0; j < H; j++) c.h[r * N + off + j] = hn[r * H + j]!;
      u = hn;
    }
  }

  backward(x: Floats, _h: Floats, dt: Floats, c: WiredCfCCache, dy: Floats | null, dhNew: Floats, dx: Floats, dh: Floats): void {
    const B = c.batch,
      N = this.stateSize;
    const last = this.layerCells.length - 1;
    for (let l = last; l >= 0; l--) {
      const H = this.layerSizes[l]!,
        off = this.offsets[l]!;
      const g = c.gOut[l]!;
      for (let r = 0; r < B; r++)
        for (let j = 0; j < H; j++) {
          let v = dhNew[r * N + off + j]!;
          if (l === last && dy) v += dy[r * H + j]!;
          if (l < last) v += c.dxLayer[l + 1]![r * H + j]!;
          g[r * H + j] = v;
        }
      const u = l === 0 ? x : c.layers[l - 1]!.h;
      const dxl = l === 0 ? dx : c.dxLayer[l]!;
      this.layerCells[l]!.backward(u, c.hIn[l]!, dt, c.layers[l]!, null, g, dxl, c.dhIn[l]!);
      const dhl = c.dhIn[l]!;
      for (let r = 0; r < B; r++) for (let j = 0; j < H; j++) dh[r * N + off + j] = dhl[r * H + j]!;
    }
  }
}
