/**
 * The two building blocks of a Transformer encoder layer, each a pure function of (parameters,
 * input rows) with a hand-written backward; the encoder (`nn/transformer.ts`) owns the tape.
 *
 * Layer normalisation over the d features of each row x (Ba et al. 2016):
 *
 *   μ = mean(x),  r = (mean((x − μ)²) + ε)^{−1/2},  x̂ = (x − μ) r,  y = γ ⊙ x̂ + β,
 *   backward: g = γ ⊙ ∂y,  ∂x = r (g − mean(g) − x̂ mean(g ⊙ x̂)),  ∂γ += ∂y ⊙ x̂,  ∂β += ∂y.
 *
 * Multi-head self-attention over the L rows of each sequence (Vaswani et al. 2017), h heads of
 * width d_h = d/h: [Q K V] = a W_inᵀ + b_in, per head S = Q_h K_hᵀ / √d_h, A = softmax_row(S),
 * O_h = A V_h, output = [O_1 … O_h] W_outᵀ + b_out. Backward per head (∂O_h given):
 *
 *   ∂A = ∂O_h V_hᵀ,  ∂V_h = Aᵀ ∂O_h,  ∂S = A ⊙ (∂A − rowsum(∂A ⊙ A)),
 *   ∂Q_h = ∂S K_h / √d_h,  ∂K_h = ∂Sᵀ Q_h / √d_h.
 *
 * Parameter names follow PyTorch's `nn.LayerNorm` (`weight`, `bias`) and
 * `nn.MultiheadAttention` (`in_proj_weight` [3d, d], `in_proj_bias`, `out_proj.weight`,
 * `out_proj.bias`).
 */
import { checkInt, fail } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import { Linear } from "./linear.ts";
import { Param } from "./param.ts";

export class LayerNorm {
  readonly size: number;
  readonly eps: number;
  /** γ [d] (`weight`, initialised to 1) and β [d] (`bias`, 0). */
  readonly params: Param[];

  constructor(size: number, eps = 1e-5) {
    this.size = checkInt("LayerNorm", "size", size, 1);
    this.eps = eps;
    this.params = [new Param("weight", [size]), new Param("bias", [size])];
    this.params[0]!.value.fill(1);
  }

  /**
   * y = γ ⊙ x̂ + β per row.
   * @param x - [rows, d]
   * @param y - [rows, d] (overwritten)
   * @param xhat - [rows, d] receives x̂ (for backward)
   * @param rstd - [rows] receives r (for backward)
   */
  forward(x: Float64Array, y: Float64Array, xhat: Float64Array, rstd: Float64Array, rows: number): void {
    const d = this.size;
    const g = this.params[0]!.value,
      b = this.params[1]!.value;
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let mu = 0;
      for (let j = 0; j < d; j++) mu += x[o + j]!;
      mu /= d;
      let v = 0;
      for (let j = 0; j < d; j++) v += (x[o + j]! - mu) ** 2;
      const s = 1 / Math.sqrt(v / d + this.eps);
      rstd[r] = s;
      for (let j = 0; j < d; j++) {
        const h = (x[o + j]! - mu) * s;
        xhat[o + j] = h;
        y[o + j] = g[j]! * h + b[j]!;
      }
    }
  }

  /**
   * Backward of {@link forward}: accumulates ∂γ, ∂β and adds ∂x into `dx`.
   * @param dy - [rows, d]
   * @param dx - [rows, d] (∂x is added)
   */
  backward(dy: Float64Array, xhat: Float64Array, rstd: Float64Array, dx: Float64Array, rows: number): void {
    const d = this.size;
    const g = this.params[0]!.value;
    const dg = this.params[0]!.grad,
      db = this.params[1]!.grad;
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let mg = 0,
        mgx = 0;
      for (let j = 0; j < d; j++) {
        const gj = g[j]! * dy[o + j]!;
        mg += gj;
        mgx += gj * xhat[o + j]!;
        dg[j]! += dy[o + j]! * xhat[o + j]!;
        db[j]! += dy[o + j]!;
      }
      mg /= d;
      mgx /= d;
      const s = rstd[r]!;
      for (let j = 0; j < d; j++) dx[o + j]! += s * (g[j]! * dy[o + j]! - mg - xhat[o + j]! * mgx);
    }
  }
}

export class SelfAttention {
  readonly size: number;
  readonly heads: number;
  readonly headSize: number;
  /** W_in [3d, d] and b_in (Q, K, V stacked), W_out [d, d] and b_out. */
  readonly inProj: Linear;
  readonly outProj: Linear;
  readonly params: Param[];
  /** Scratch of one head's ∂A row (length L), grown on demand. */
  private rowScratch: Float64Array = new Float64Array(0);

  constructor(size: number, heads: number) {
    this.size = checkInt("SelfAttention", "size", size, 1);
    this.heads = checkInt("SelfAttention", "heads", heads, 1);
    if (size % heads !== 0) fail("SelfAttention", `model width ${size} is not a multiple of the ${heads} heads`);
    this.headSize = size / heads;
    this.inProj = Linear.simple(size, 3 * size);
    this.outProj = Linear.simple(size, size);
    const [w, b] = this.inProj.params as [Param, Param];
    this.params = [w.withName("in_proj_weight"), b.withName("in_proj_bias"), ...this.outProj.params.map((p) => p.prefixed("out_proj."))];
  }

  /** PyTorch's init: W_in Xavier-uniform, W_out U(±1/√d), biases 0. */
  init(rng: Rng): void {
    this.inProj.initXavier(rng);
    this.outProj.initDefault(rng);
    this.inProj.bias!.fill(0);
    this.outProj.bias!.fill(0);
  }

  /**
   * Self-attention over `batch` sequences of `length` rows.
   * @param a - input [batch·length, d]
   * @param qkv - [batch·length, 3d] receives [Q K V]
   * @param probs - [batch, heads, length, length] receives A
   * @param o - [batch·length, d] receives the concatenated head outputs
   * @param y - [batch·length, d] receives the output (overwritten)
   */
  forward(a: Float64Array, qkv: Float64Array, probs: Float64Array, o: Float64Array, y: Float64Array, batch: number, length: number): void {
    const d = this.size,
      dh = this.headSize,
      L = length;
    const scale = 1 / Math.sqrt(dh);
    this.inProj.forward(a, 0, qkv, batch * L);
    for (let b = 0; b < batch; b++)
      for (let h = 0; h < this.heads; h++) {
        const pa = (b * this.heads + h) * L * L;
        for (let i = 0; i < L; i++) {
          const qi = (b * L + i) * 3 * d + h * dh;
          let max = -Infinity;
          for (let j = 0; j < L; j++) {
            const kj = (b * L + j) * 3 * d + d + h * dh;
            let s = 0;
            for (let k = 0; k < dh; k++) s += qkv[qi + k]! * qkv[kj + k]!;
            s *= scale;
            probs[pa + i * L + j] = s;
            if (s > max) max = s;
          }
          let z = 0;
          for (let j = 0; j < L; j++) {
            const e = Math.exp(probs[pa + i * L + j]! - max);
            probs[pa + i * L + j] = e;
            z += e;
          }
          const oi = (b * L + i) * d + h * dh;
          for (let k = 0; k < dh; k++) o[oi + k] = 0;
          for (let j = 0; j < L; j++) {
            const p = probs[pa + i * L + j]! / z;
            probs[pa + i * L + j] = p;
            const vj = (b * L + j) * 3 * d + 2 * d + h * dh;
            for (let k = 0; k < dh; k++) o[oi + k]! += p * qkv[vj + k]!;
          }
        }
      }
    this.outProj.forward(o, 0, y, batch * L);
  }

  /**
   * Backward of {@link forward} (same a, qkv, probs, o): accumulates the parameter gradients and
   * adds ∂a into `da`.
   * @param dy - [batch·length, d]
   * @param dO - [batch·length, d] scratch (receives ∂O)
   * @param dQkv - [batch·length, 3d] scratch (receives ∂[Q K V])
   * @param da - [batch·length, d] (∂a is added)
   */
  backward(
    a: Float64Array,
    qkv: Float64Array,
    probs: Float64Array,
    o: Float64Array,
    dy: Float64Array,
    dO: Float64Array,
    dQkv: Float64Array,
    da: Float64Array,
    batch: number,
    length: number,
  ): void {
    const d = this.size,
      dh = this.headSize,
      L = length;
    const scale = 1 / Math.sqrt(dh);
    this.outProj.backward(o, 0, dy, batch * L, dO);
    dQkv.fill(0, 0, batch * L * 3 * d);
    if (this.rowScratch.length < L) this.rowScratch = new Float64Array(L);
    const dA = this.rowScratch;
    for (let b = 0; b < batch; b++)
      for (let h = 0; h < this.heads; h++) {
        const pa = (b * this.heads + h) * L * L;
        for (let i = 0; i < L; i++) {
          const oi = (b * L + i) * d + h * dh;
          const qi = (b * L + i) * 3 * d + h * dh;
          // ∂A[i, j] = ∂O_i · V_j, ∂V_j += A[i, j] ∂O_i
          let dot = 0;
          for (let j = 0; j < L; j++) {
            const vj = (b * L + j) * 3 * d + 2 * d + h * dh;
            const p = probs[pa + i * L + j]!;
            let s = 0;
            for (let k = 0; k < dh; k++) {
              s += dO[oi + k]! * qkv[vj + k]!;
              dQkv[vj + k]! += p * dO[oi + k]!;
            }
            dA[j] = s;
            dot += p * s;
          }
          // ∂S[i, j] = A[i, j](∂A[i, j] − Σ_j' A[i, j'] ∂A[i, j']); ∂Q_i += ∂S K_j, ∂K_j += ∂S Q_i
          for (let j = 0; j < L; j++) {
            const ds = probs[pa + i * L + j]! * (dA[j]! - dot) * scale;
            if (ds === 0) continue;
            const kj = (b * L + j) * 3 * d + d + h * dh;
            for (let k = 0; k < dh; k++) {
              dQkv[qi + k]! += ds * qkv[kj + k]!;
              dQkv[kj + k]! += ds * qkv[qi + k]!;
            }
          }
        }
      }
    this.inProj.backward(a, 0, dQkv, batch * L, da, true);
  }
}
