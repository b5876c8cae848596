/**
 * GRU cell in PyTorch's formulation (`torch.nn.GRUCell`), the second recurrent baseline:
 *
 *   r  = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)
 *   z  = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)
 *   n  = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
 *   h' = (1 − z) ⊙ n + z ⊙ h
 *
 * Parameters `weight_ih` [3H, I], `weight_hh` [3H, H], `bias_ih`, `bias_hh` [3H], gate order r, z, n.
 */
import { type Floats, isF32 } from "../core/dtype.ts";
import { checkInt } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import { addr, heapFloat, heapKernels32, heapKernelsOf, kernelCalls } from "../core/wasm/alloc.ts";
import { sigmoid } from "./activations.ts";
import type { RecurrentCell, StepCache } from "./cell.ts";
import { Linear } from "./linear.ts";
import type { Param } from "./param.ts";

export interface GruCache extends StepCache {
  gi: Floats; // x-part pre-activations [B, 3H]
  gh: Floats; // h-part pre-activations [B, 3H]
  r: Floats;
  z: Floats;
  n: Floats;
  dgi: Floats;
  dgh: Floats;
}

export class GruCell implements RecurrentCell<GruCache> {
  readonly kind = "GRUCell";
  readonly inputSize: number;
  readonly stateSize: number;
  readonly outputSize: number;
  readonly ih: Linear;
  readonly hh: Linear;
  readonly params: Param[];

  constructor(inputSize: number, hiddenSize: number) {
    this.inputSize = checkInt("GruCell", "inputSize", inputSize, 1);
    this.stateSize = checkInt("GruCell", "hiddenSize", hiddenSize, 1);
    this.outputSize = hiddenSize;
    this.ih = Linear.simple(inputSize, 3 * hiddenSize);
    this.hh = Linear.simple(hiddenSize, 3 * hiddenSize);
    const rename = (p: Param, suffix: string) => p.withName(p.name === "weight" ? `weight_${suffix}` : `bias_${suffix}`);
    this.params = [
      rename(this.ih.params[0]!, "ih"),
      rename(this.hh.params[0]!, "hh"),
      rename(this.ih.params[1]!, "ih"),
      rename(this.hh.params[1]!, "hh"),
    ];
  }

  /** PyTorch init: every parameter U(±1/√H). */
  init(rng: Rng): void {
    const b = 1 / Math.sqrt(this.stateSize);
    for (const p of this.params) rng.fillUniform(p.value, -b, b);
  }

  createCache(batch: number): GruCache {
    const H = this.stateSize;
    const h = heapFloat(batch * H);
    return {
      batch,
      y: h,
      h,
      gi: heapFloat(batch * 3 * H),
      gh: heapFloat(batch * 3 * H),
      r: heapFloat(batch * H),
      z: heapFloat(batch * H),
      n: heapFloat(batch * H),
      dgi: heapFloat(batch * 3 * H),
      dgh: heapFloat(batch * 3 * H),
    };
  }

  forward(x: Floats, h: Floats, _dt: Floats, c: GruCache): void {
    const B = c.batch,
      H = this.stateSize;
    this.ih.forward(x, 0, c.gi, B);
    this.hh.forward(h, 0, c.gh, B);
    // float32: the gates on the f32x4 kernel; float64 stays in the loop below (bit for bit).
    const k32 = isF32(c.gi) && h.length >= B * H ? heapKernels32(c.gi, c.gh, h, c.r, c.z, c.n, c.h) : null;
    if (k32) {
      kernelCalls.elementwise++;
      k32.gruGates32(addr(c.gi), addr(c.gh), addr(h), addr(c.r), addr(c.z), addr(c.n), addr(c.h), B, H);
      return;
    }
    for (let b = 0; b < B; b++) {
      const o = b * 3 * H;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const r = sigmoid(c.gi[o + j]! + c.gh[o + j]!);
        const z = sigmoid(c.gi[o + H + j]! + c.gh[o + H + j]!);
        const n = Math.tanh(c.gi[o + 2 * H + j]! + r * c.gh[o + 2 * H + j]!);
        c.r[k] = r;
        c.z[k] = z;
        c.n[k] = n;
        c.h[k] = (1 - z) * n + z * h[k]!;
      }
    }
  }

  backward(x: Floats, h: Floats, _dt: Floats, c: GruCache, dy: Floats | null, dhNew: Floats, dx: Floats, dh: Floats): void {
    const B = c.batch,
      H = this.stateSize;
    gruGatesBackward(c, h, dhNew, dy, dh, B, H);
    this.ih.backward(x, 0, c.dgi, B, dx);
    this.hh.backward(h, 0, c.dgh, B, dh, true);
  }
}

/**
 * The gate part of {@link GruCell.backward}: from the cache (gh, r, z, n), h, ∂h' and ∂y (null =
 * 0), writes ∂gi, ∂gh [B, 3H] into `c.dgi`, `c.dgh` and the direct-path ∂h = ḡ·z into `dh`. Heap
 * buffers of one format run the gate kernel (float64: bit for bit this loop), anything else the loop.
 */
export function gruGatesBackward(
  c: Pick<GruCache, "gh" | "r" | "z" | "n" | "dgi" | "dgh">,
  h: Floats,
  dhNew: Floats,
  dy: Floats | null,
  dh: Floats,
  B: number,
  H: number,
): void {
  const n = B * H;
  const fits = h.length >= n && dhNew.length >= n && dh.length >= n && (!dy || dy.length >= n);
  const k = fits ? heapKernelsOf(c.gh, h, c.r, c.z, c.n, dhNew, dy) : null;
  if (k && heapKernelsOf(c.dgi, c.dgh, dh)) {
    kernelCalls.elementwise++;
    (isF32(c.gh) ? k.gruGatesBack32 : k.gruGatesBack)(
      addr(c.gh),
      addr(h),
      addr(c.r),
      addr(c.z),
      addr(c.n),
      addr(dhNew),
      dy ? addr(dy) : 0,
      addr(c.dgi),
      addr(c.dgh),
      addr(dh),
      B,
      H,
    );
    return;
  }
  for (let b = 0; b < B; b++) {
    const o = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const k = b * H + j;
      const g = dhNew[k]! + (dy ? dy[k]! : 0);
      const r = c.r[k]!,
        z = c.z[k]!,
        nn = c.n[k]!;
      const dn = g * (1 - z) * (1 - nn * nn);
      const dz = g * (h[k]! - nn) * z * (1 - z);
      const ghn = c.gh[o + 2 * H + j]!;
      const dr = dn * ghn * r * (1 - r);
      c.dgi[o + j] = dr;
      c.dgi[o + H + j] = dz;
      c.dgi[o + 2 * H + j] = dn;
      c.dgh[o + j] = dr;
      c.dgh[o + H + j] = dz;
      c.dgh[o + 2 * H + j] = dn * r;
      dh[k] = g * z; // direct path; the h·W_hh path is added in GruCell.backward
    }
  }
}
