/**
 * A dense multilayer perceptron, the feed-forward baseline of both case studies:
 * y = W_L φ(… φ(W_1 x + b_1) …) + b_L, with x the flattened input window.
 *
 * Input [B, F] or [B, L, I] (flattened to F = L·I); output [B, O].
 */
import type { Floats } from "../core/dtype.ts";
import { checkFinite, checkInt, checkOneOf, fail, formatShape } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import type { Tensor } from "../core/tensor.ts";
import { ACTIVATIONS, activate, activateBackward, type Activation } from "../cells/activations.ts";
import { Linear } from "../cells/linear.ts";
import type { Param } from "../cells/param.ts";
import { failNonFinite } from "./sequence.ts";
import { HeapArena } from "../core/wasm/alloc.ts";
import { BatchBuffers } from "./batch-buffers.ts";

interface MlpTape {
  batch: number;
  x: Floats;
  pre: Floats[];
  act: Floats[];
}

export class Mlp {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly layers: Linear[];
  readonly params: Param[];
  private tape: MlpTape | null = null;
  /** The arena current at construction (the model's), or null. */
  readonly memory: HeapArena | null = HeapArena.current();
  /** Tape and scratch, per batch size, on {@link memory}. */
  private readonly buffers = BatchBuffers.native(this.memory);

  constructor(inputSize: number, hidden: readonly number[], outputSize: number, activation: Activation = "relu") {
    const where = "Mlp";
    this.inputSize = checkInt(where, "inputSize", inputSize, 1);
    this.outputSize = checkInt(where, "outputSize", outputSize, 1);
    hidden.forEach((h, i) => checkInt(where, `hidden[${i}]`, h, 1));
    this.hidden = [...hidden];
    this.activation = checkOneOf(where, "activation", activation, ACTIVATIONS);
    const sizes = [inputSize, ...hidden, outputSize];
    this.layers = sizes.slice(1).map((out, l) => Linear.simple(sizes[l]!, out));
    this.params = this.layers.flatMap((lin, l) => lin.params.map((p) => p.prefixed(`layers.${l}.`)));
  }

  /** PyTorch default Linear init. */
  init(rng: Rng): void {
    for (const l of this.layers) l.initDefault(rng);
  }

  /** Forward a batch; with `record` keeps what {@link backward} needs. */
  forward(input: Tensor, { record = false }: { record?: boolean } = {}): Tensor {
    const where = "Mlp.forward";
    this.memory?.check("forward");
    const B = input.shape[0] ?? 0;
    const F = B > 0 ? input.data.length / B : 0;
    if (input.shape.length < 2 || F !== this.inputSize) {
      fail(
        where,
        `input has shape ${formatShape(input.shape)}, expected [batch, ${this.inputSize}] (or [batch, ...] with ${this.inputSize} features in total)`,
      );
    }
    checkFinite(where, "input", input.data);
    // Buffers are reused per batch size: this forward replaces the previous tape.
    this.tape = null;
    const pre: Floats[] = [],
      act: Floats[] = [];
    const x = this.buf("x", B, B * this.inputSize, input.data);
    let z = x;
    this.layers.forEach((lin, l) => {
      const p = this.buf(`pre${l}`, B, B * lin.outFeatures);
      lin.forward(z, 0, p, B);
      if (l < this.layers.length - 1) {
        const a = this.buf(`act${l}`, B, p.length);
        activate(this.activation, p, a, p.length);
        pre.push(p);
        act.push(a);
        z = a;
      } else z = p;
    });
    this.tape = record ? { batch: B, x, pre, act } : null;
    for (let i = 0; i < z.length; i++) if (!Number.isFinite(z[i]!)) failNonFinite(where, this.params);
    // The result belongs to the caller: a copy when it lives in a reused buffer.
    return { shape: [B, this.outputSize], data: Float64Array.from(z) };
  }

  /** Back-propagate ∂loss/∂output [B, O]; accumulates parameter gradients, returns ∂loss/∂input. */
  backward(dOut: Tensor): Tensor {
    this.memory?.check("backward");
    const t = this.tape;
    if (!t) fail("Mlp.backward", "no recorded forward pass (call forward with record: true)");
    let g = this.buf("dOut", t.batch, t.batch * this.outputSize, dOut.data);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const lin = this.layers[l]!;
      const below = l > 0 ? t.act[l - 1]! : t.x;
      const dBelow = this.buf(`d${l}`, t.batch, t.batch * lin.inFeatures);
      lin.backward(below, 0, g, t.batch, dBelow);
      if (l > 0) activateBackward(this.activation, t.pre[l - 1]!, t.act[l - 1]!, dBelow, dBelow, dBelow.length);
      g = dBelow;
    }
    return { shape: [t.batch, this.inputSize], data: Float64Array.from(g) };
  }

  /** A work buffer (see {@link BatchBuffers.get}). */
  private buf(name: string, batch: number, n: number, init?: Floats): Floats {
    return this.buffers.get(name, batch, n, init);
  }
}
