/**
 * A dense layer y = x·Wᵀ + b in PyTorch layout (W is [out, in]), optionally with a fixed 0/1 mask
 * (y = x·(W ⊙ M)ᵀ + b) as used by wired CfC cells. Several heads that read the same input can be
 * packed into one Linear (one matrix product instead of four) while keeping one named {@link Param}
 * per head, each a view into the packed buffers.
 */
import { type Floats, isF32 } from "../core/dtype.ts";
import { gemmNN, gemmNT } from "../core/gemm.ts";
import type { Rng } from "../core/random.ts";
import { addr, heapFloat, heapFloatFrom, heapKernelsOf, heapSubview, kernelCalls } from "../core/wasm/alloc.ts";
import { Param } from "./param.ts";

/** A head of a packed layer: its name prefix (e.g. "ff1") and number of output rows. */
export interface HeadSpec {
  readonly name: string;
  readonly rows: number;
}

export class Linear {
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Packed weight [out, in] and gradient. */
  readonly weight: Floats;
  readonly weightGrad: Floats;
  /** Packed bias [out] and gradient, or null. */
  readonly bias: Floats | null;
  readonly biasGrad: Floats | null;
  /** Optional 0/1 mask [out, in]; entries with 0 never contribute and get zero gradient. */
  readonly mask: Floats | null;
  /** Effective weight W ⊙ M (refreshed on every forward when a mask is set). */
  private readonly masked: Floats | null;
  /** Scratch for the unmasked weight gradient dyᵀ·x before the mask is applied. */
  private readonly maskScratch: Floats | null;
  /** Named parameters, one weight (+ bias) per head, in head order. */
  readonly params: Param[];

  constructor(inFeatures: number, heads: readonly HeadSpec[], { bias = true, mask = null }: { bias?: boolean; mask?: Floats | null } = {}) {
    this.inFeatures = inFeatures;
    this.outFeatures = heads.reduce((s, h) => s + h.rows, 0);
    const nW = this.outFeatures * inFeatures;
    // All buffers on the WebAssembly heap (when available) so the kernels run in place.
    this.weight = heapFloat(nW);
    this.weightGrad = heapFloat(nW);
    this.bias = bias ? heapFloat(this.outFeatures) : null;
    this.biasGrad = bias ? heapFloat(this.outFeatures) : null;
    this.mask = mask ? heapFloatFrom(mask) : null;
    this.masked = mask ? heapFloat(nW) : null;
    this.maskScratch = mask ? heapFloat(nW) : null;
    this.params = [];
    let row = 0;
    for (const h of heads) {
      const w0 = row * inFeatures;
      const w1 = (row + h.rows) * inFeatures;
      const prefix = h.name === "" ? "" : `${h.name}.`;
      // Registered sub-views: a Param may outlive this Linear and must keep the block alive.
      this.params.push(
        new Param(`${prefix}weight`, [h.rows, inFeatures], heapSubview(this.weight, w0, w1), heapSubview(this.weightGrad, w0, w1)),
      );
      if (this.bias && this.biasGrad) {
        this.params.push(
          new Param(`${prefix}bias`, [h.rows], heapSubview(this.bias, row, row + h.rows), heapSubview(this.biasGrad, row, row + h.rows)),
        );
      }
      row += h.rows;
    }
  }

  /** A single-head layer whose parameters are called `weight` and `bias`. */
  static simple(inFeatures: number, outFeatures: number, opts?: { bias?: boolean; mask?: Floats | null }): Linear {
    return new Linear(inFeatures, [{ name: "", rows: outFeatures }], opts);
  }

  /** PyTorch's default init: W, b ~ U(±1/√in). */
  initDefault(rng: Rng): void {
    const bound = 1 / Math.sqrt(this.inFeatures);
    rng.fillUniform(this.weight, -bound, bound);
    if (this.bias) rng.fillUniform(this.bias, -bound, bound);
  }

  /** Xavier-uniform init of each head's weight: U(±√(6 / (in + rows))). */
  initXavier(rng: Rng): void {
    for (const p of this.params) {
      if (p.shape.length !== 2) continue;
      const bound = Math.sqrt(6 / (p.shape[0]! + p.shape[1]!));
      rng.fillUniform(p.value, -bound, bound);
    }
  }

  /** Weight actually used: W, or W ⊙ M when masked. */
  effectiveWeight(): Floats {
    if (!this.mask || !this.masked) return this.weight;
    const w = this.weight,
      m = this.mask,
      out = this.masked;
    const k = heapKernelsOf(w, m, out);
    if (k) {
      kernelCalls.elementwise++;
      (isF32(w) ? k.vmul32 : k.vmul)(addr(w), addr(m), addr(out), out.length);
    } else for (let i = 0; i < out.length; i++) out[i] = w[i]! * m[i]!;
    return out;
  }

  /**
   * y[B, out] = x[B, in]·Wᵀ + b.
   * @param x - input rows, [batch, in] starting at `xOff`
   * @param y - output rows, [batch, out] (overwritten)
   */
  forward(x: Floats, xOff: number, y: Floats, batch: number): void {
    gemmNT(x, xOff, this.effectiveWeight(), 0, y, 0, batch, this.inFeatures, this.outFeatures, false, this.bias);
  }

  /**
   * Backward of {@link forward}: accumulates dW += dyᵀ·x (masked) and db += Σ_rows dy, and
   * writes (or adds into) dx = dy·W_eff when `dx` is given. Call after a forward with the same
   * weights (the masked effective weight is reused).
   */
  backward(x: Floats, xOff: number, dy: Floats, batch: number, dx: Floats | null, dxAccumulate = false): void {
    const inF = this.inFeatures,
      out = this.outFeatures;
    // dW[out, in] += dyᵀ[out, B] · x[B, in]: A = dyᵀ read through strides.
    if (this.mask && this.maskScratch) {
      const tmp = this.maskScratch;
      gemmNN(dy, 0, 1, out, x, xOff, tmp, 0, out, batch, inF, false);
      const m = this.mask,
        g = this.weightGrad;
      const k = heapKernelsOf(g, tmp, m);
      if (k) {
        kernelCalls.elementwise++;
        (isF32(g) ? k.vaddMul32 : k.vaddMul)(addr(g), addr(tmp), addr(m), addr(g), g.length);
      } else for (let i = 0; i < tmp.length; i++) g[i] += tmp[i]! * m[i]!;
    } else {
      gemmNN(dy, 0, 1, out, x, xOff, this.weightGrad, 0, out, batch, inF, true);
    }
    const gb = this.biasGrad;
    const kb = gb && batch * out <= dy.length ? heapKernelsOf(gb, dy) : null;
    if (gb && kb) {
      kernelCalls.elementwise++;
      (isF32(gb) ? kb.colSumAdd32 : kb.colSumAdd)(addr(dy), addr(gb), batch, out);
    } else if (gb)
      for (let r = 0; r < batch; r++) {
        const o = r * out;
        for (let j = 0; j < out; j++) gb[j] += dy[o + j]!;
      }
    if (dx) {
      const w = this.mask ? this.masked! : this.weight;
      gemmNN(dy, 0, out, 1, w, 0, dx, 0, batch, out, inF, dxAccumulate);
    }
  }
}
