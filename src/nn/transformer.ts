/**
 * A small Transformer encoder over a window of L steps, read out at the last step: the
 * attention baseline of the prediction study (docs/prediction.md §5).
 *
 * Input x [B, L, I], optional elapsed times Δ [B, L] (time since the previous step; all 1 if
 * omitted). Each step's time relative to the last one, τ_{L−1} = 0, τ_t = τ_{t+1} − Δ_{t+1}, is
 * encoded sinusoidally at continuous time (the usual positional encoding on regular windows, an
 * elapsed-time encoding on irregular ones):
 *
 *   PE(τ)_{2i} = sin(τ ω_i),  PE(τ)_{2i+1} = cos(τ ω_i),  ω_i = base^{−2i/d},
 *   e⁰_t = W_e x_t + b_e + PE(τ_t)                                         [B·L, d]
 *
 * then N pre-norm encoder layers (no dropout, no mask: every step sees the whole window)
 *
 *   e' = e + MHA(LN₁(e)),   e'' = e' + W₂ GELU(W₁ LN₂(e') + b₁) + b₂,
 *
 * and the output is y = W_h LN_f(e^N_{L−1}) + b_h [B, O]. Backward: the chain above in reverse,
 * through the hand-written backward of each block (cells/attention.ts, cells/linear.ts).
 *
 * Parameter names follow PyTorch's `nn.TransformerEncoder` (`layers.{n}.self_attn.in_proj_weight`,
 * `layers.{n}.linear1.weight`, `layers.{n}.norm1.weight`, …) plus `embed.*`, `norm.*`, `head.*`.
 */
import { checkFinite, checkInt, checkNumber, fail, formatShape } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import type { Tensor } from "../core/tensor.ts";
import { HeapArena } from "../core/wasm/alloc.ts";
import { activate, activateBackward } from "../cells/activations.ts";
import { LayerNorm, SelfAttention } from "../cells/attention.ts";
import { Linear } from "../cells/linear.ts";
import type { Param } from "../cells/param.ts";
import { BatchBuffers } from "./batch-buffers.ts";
import { failNonFinite } from "./sequence.ts";

/** Sizes of a {@link TransformerNet}. */
export interface TransformerSizes {
  /** Input features per step I. */
  inputSize: number;
  /** Outputs O (read out at the last step). */
  outputSize: number;
  /** Model width d (a multiple of `heads`). */
  dModel: number;
  heads: number;
  /** Encoder layers N. */
  layers: number;
  /** Width of the feed-forward block. */
  ffSize: number;
  /** Base of the positional frequencies ω_i = base^{−2i/d} (> 1). */
  positionBase: number;
}

interface EncoderLayer {
  norm1: LayerNorm;
  attn: SelfAttention;
  norm2: LayerNorm;
  linear1: Linear;
  linear2: Linear;
}

/** What one encoder layer's backward needs (views into the batch buffers). */
interface LayerTape {
  a: Float64Array;
  xh1: Float64Array;
  rs1: Float64Array;
  qkv: Float64Array;
  probs: Float64Array;
  o: Float64Array;
  c: Float64Array;
  xh2: Float64Array;
  rs2: Float64Array;
  pre: Float64Array;
  act: Float64Array;
}

interface TransformerTape {
  batch: number;
  length: number;
  x: Float64Array;
  layers: LayerTape[];
  z: Float64Array;
  xhf: Float64Array;
  rsf: Float64Array;
}

export class TransformerNet {
  readonly sizes: TransformerSizes;
  readonly embed: Linear;
  readonly encoder: EncoderLayer[];
  readonly norm: LayerNorm;
  readonly head: Linear;
  /** All parameters, PyTorch state-dict names. */
  readonly params: Param[];
  /** The arena current at construction (the model's), or null. */
  readonly memory: HeapArena | null = HeapArena.current();
  private readonly buffers = BatchBuffers.float64(this.memory);
  private tape: TransformerTape | null = null;

  constructor(sizes: TransformerSizes) {
    const where = "TransformerNet";
    const I = checkInt(where, "inputSize", sizes.inputSize, 1);
    const O = checkInt(where, "outputSize", sizes.outputSize, 1);
    const d = checkInt(where, "dModel", sizes.dModel, 1);
    const h = checkInt(where, "heads", sizes.heads, 1);
    const N = checkInt(where, "layers", sizes.layers, 1);
    const f = checkInt(where, "ffSize", sizes.ffSize, 1);
    checkNumber(where, "positionBase", sizes.positionBase, 1 + 1e-9);
    if (d % h !== 0) fail(where, `dModel ${d} is not a multiple of heads ${h}`);
    this.sizes = { ...sizes };
    this.embed = Linear.simple(I, d);
    this.encoder = Array.from({ length: N }, () => ({
      norm1: new LayerNorm(d),
      attn: new SelfAttention(d, h),
      norm2: new LayerNorm(d),
      linear1: Linear.simple(d, f),
      linear2: Linear.simple(f, d),
    }));
    this.norm = new LayerNorm(d);
    this.head = Linear.simple(d, O);
    this.params = [
      ...this.embed.params.map((p) => p.prefixed("embed.")),
      ...this.encoder.flatMap((l, n) =>
        [
          ...l.attn.params.map((p) => p.prefixed("self_attn.")),
          ...l.linear1.params.map((p) => p.prefixed("linear1.")),
          ...l.linear2.params.map((p) => p.prefixed("linear2.")),
          ...l.norm1.params.map((p) => p.prefixed("norm1.")),
          ...l.norm2.params.map((p) => p.prefixed("norm2.")),
        ].map((p) => p.prefixed(`layers.${n}.`)),
      ),
      ...this.norm.params.map((p) => p.prefixed("norm.")),
      ...this.head.params.map((p) => p.prefixed("head.")),
    ];
  }

  get inputSize(): number {
    return this.sizes.inputSize;
  }
  get outputSize(): number {
    return this.sizes.outputSize;
  }

  /** PyTorch's initialisation: Linear layers U(±1/√in), attention as {@link SelfAttention.init}, norms γ = 1, β = 0. */
  init(rng: Rng): void {
    this.embed.initDefault(rng);
    for (const l of this.encoder) {
      l.attn.init(rng);
      l.linear1.initDefault(rng);
      l.linear2.initDefault(rng);
    }
    this.head.initDefault(rng);
  }

  /**
   * Forward a batch of windows.
   * @param input - [B, L, I]
   * @param options.timespans - [B, L] (or [B, L, 1]) elapsed time before each step, finite and
   *   >= 0 (the first step's is not used); all ones if omitted
   * @param options.record - keep what {@link backward} needs
   * @returns [B, O]
   */
  forward(input: Tensor, { timespans = null, record = false }: { timespans?: Tensor | null; record?: boolean } = {}): Tensor {
    const where = "Transformer.forward";
    this.memory?.check("forward");
    const { inputSize: I, outputSize: O, dModel: d, heads: H, ffSize: f, positionBase } = this.sizes;
    if (input.shape.length !== 3 || input.shape[2] !== I || input.shape[1]! < 1) {
      fail(where, `input has shape ${formatShape(input.shape)}, expected [batch, length, ${I}]`);
    }
    const B = input.shape[0]!,
      L = input.shape[1]!;
    checkFinite(where, "input", input.data);
    if (timespans) {
      const s = timespans.shape;
      if (!((s.length === 2 || (s.length === 3 && s[2] === 1)) && s[0] === B && s[1] === L)) {
        fail(where, `timespans has shape ${formatShape(s)}, expected [${B}, ${L}] or [${B}, ${L}, 1]`);
      }
      for (const v of timespans.data) if (!(Number.isFinite(v) && v >= 0)) fail(where, `timespans must be finite and >= 0, got ${v}`);
    }
    this.tape = null;
    const n = B * L;
    const buf = (name: string, size: number, init?: Float64Array) => this.buffers.get(name, n, size, init);
    const x = buf("x", n * I, input.data);
    let e = buf("e0", n * d);
    this.embed.forward(x, 0, e, n);
    // positional (elapsed-time) encoding
    for (let b = 0; b < B; b++) {
      let tau = 0;
      for (let t = L - 1; t >= 0; t--) {
        const o = (b * L + t) * d;
        for (let i = 0; 2 * i < d; i++) {
          const w = positionBase ** (-(2 * i) / d);
          e[o + 2 * i]! += Math.sin(tau * w);
          if (2 * i + 1 < d) e[o + 2 * i + 1]! += Math.cos(tau * w);
        }
        tau -= timespans ? timespans.data[b * L + t]! : 1;
      }
    }
    const layers: LayerTape[] = [];
    this.encoder.forEach((l, k) => {
      const a = buf(`a${k}`, n * d),
        xh1 = buf(`xh1${k}`, n * d),
        rs1 = buf(`rs1${k}`, n);
      l.norm1.forward(e, a, xh1, rs1, n);
      const qkv = buf(`qkv${k}`, n * 3 * d),
        probs = buf(`probs${k}`, B * H * L * L),
        o = buf(`o${k}`, n * d),
        e1 = buf(`e1${k}`, n * d);
      l.attn.forward(a, qkv, probs, o, e1, B, L);
      for (let i = 0; i < n * d; i++) e1[i]! += e[i]!;
      const c = buf(`c${k}`, n * d),
        xh2 = buf(`xh2${k}`, n * d),
        rs2 = buf(`rs2${k}`, n);
      l.norm2.forward(e1, c, xh2, rs2, n);
      const pre = buf(`pre${k}`, n * f),
        act = buf(`act${k}`, n * f);
      l.linear1.forward(c, 0, pre, n);
      activate("gelu", pre, act, n * f);
      const e2 = buf(`e${k + 1}`, n * d);
      l.linear2.forward(act, 0, e2, n);
      for (let i = 0; i < n * d; i++) e2[i]! += e1[i]!;
      e = e2;
      layers.push({ a, xh1, rs1, qkv, probs, o, c, xh2, rs2, pre, act });
    });
    // read out at the last step
    const last = buf("last", B * d);
    for (let b = 0; b < B; b++) last.set(e.subarray((b * L + L - 1) * d, (b * L + L) * d), b * d);
    const z = buf("z", B * d),
      xhf = buf("xhf", B * d),
      rsf = buf("rsf", B);
    this.norm.forward(last, z, xhf, rsf, B);
    const y = buf("y", B * O);
    this.head.forward(z, 0, y, B);
    for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i]!)) failNonFinite(where, this.params);
    this.tape = record ? { batch: B, length: L, x, layers, z, xhf, rsf } : null;
    return { shape: [B, O], data: this.memory ? Float64Array.from(y) : y };
  }

  /**
   * Back-propagate ∂loss/∂output [B, O] through the last recorded forward; accumulates every
   * parameter's gradient.
   */
  backward(dOut: Tensor): void {
    const where = "Transformer.backward";
    this.memory?.check("backward");
    const t = this.tape;
    if (!t) fail(where, "no recorded forward pass (call forward with record: true)");
    const { outputSize: O, dModel: d, ffSize: f } = this.sizes;
    const B = t.batch,
      L = t.length,
      n = B * L;
    if (dOut.data.length !== B * O) fail(where, `gradient has shape ${formatShape(dOut.shape)}, expected [${B}, ${O}]`);
    const buf = (name: string, size: number, init?: Float64Array) => this.buffers.get(name, n, size, init);
    const dy = buf("dy", B * O, dOut.data);
    const dz = buf("dz", B * d);
    this.head.backward(t.z, 0, dy, B, dz);
    const dLast = buf("dLast", B * d).fill(0);
    this.norm.backward(dz, t.xhf, t.rsf, dLast, B);
    const de = buf("de", n * d).fill(0);
    for (let b = 0; b < B; b++) de.set(dLast.subarray(b * d, (b + 1) * d), (b * L + L - 1) * d);
    const dAct = buf("dAct", n * f),
      dc = buf("dc", n * d),
      dO = buf("dO", n * d),
      dQkv = buf("dQkv", n * 3 * d),
      da = buf("da", n * d);
    for (let k = this.encoder.length - 1; k >= 0; k--) {
      const l = this.encoder[k]!,
        r = t.layers[k]!;
      // e_{k+1} = e1 + W₂ GELU(W₁ c + b₁) + b₂: ∂e1 = ∂e_{k+1} + LN₂ᵀ(∂c)
      l.linear2.backward(r.act, 0, de, n, dAct);
      activateBackward("gelu", r.pre, r.act, dAct, dAct, n * f);
      l.linear1.backward(r.c, 0, dAct, n, dc);
      l.norm2.backward(dc, r.xh2, r.rs2, de, n);
      // e1 = e_k + MHA(LN₁(e_k)): ∂e_k = ∂e1 + LN₁ᵀ(MHAᵀ(∂e1))
      da.fill(0);
      l.attn.backward(r.a, r.qkv, r.probs, r.o, de, dO, dQkv, da, B, L);
      l.norm1.backward(da, r.xh1, r.rs1, de, n);
    }
    this.embed.backward(t.x, 0, de, n, null);
  }
}
