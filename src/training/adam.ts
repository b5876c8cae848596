/**
 * Adam (Kingma & Ba 2015) as an explicit state machine, in PyTorch's arithmetic so that updates
 * agree with `torch.optim.Adam` to rounding:
 *
 *   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * with optional decoupled weight decay (AdamW: p ← p − lr·λ·p before the step). The state is an
 * object {count, mu, nu} that can be saved and restored; a state from {@link Adam.init} owns the
 * heap memory of its moments and releases it with `dispose()` (or `using`).
 */
import { checkNumber, fail } from "../core/errors.ts";
import { type Floats, isF32 } from "../core/dtype.ts";
import { addr, HeapArena, heapKernels, heapKernels32, kernelCalls } from "../core/wasm/alloc.ts";
import type { Param } from "../cells/param.ts";

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay λ (AdamW); 0 = plain Adam. */
  weightDecay?: number;
}

export interface AdamState {
  count: number;
  /** First and second moments per parameter, in the parameter's number format. */
  mu: Floats[];
  nu: Floats[];
  /** Release the heap memory of `mu` and `nu` (states from {@link Adam.init}); absent on plain copies. */
  dispose?: () => void;
}

/** A state that owns its moments' heap memory (from {@link Adam.init}). */
export interface OwnedAdamState extends AdamState {
  /** Release the moments' heap memory now; using the state afterwards is an error. Idempotent. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** A plain copy of a state (ordinary arrays, nothing to dispose): for saving or returning. */
export function copyAdamState(state: AdamState): AdamState {
  return { count: state.count, mu: state.mu.map((m) => m.slice()), nu: state.nu.map((v) => v.slice()) };
}

export interface Adam {
  readonly options: Required<AdamOptions>;
  /** A zeroed state for `params`, owning its heap memory (call `dispose()` when done). */
  init(params: readonly Param[]): OwnedAdamState;
  /** One update of every trainable parameter from its `grad`; returns the new step count. */
  step(params: readonly Param[], state: AdamState, learningRate?: number): number;
}

const disposedStates = new WeakSet<AdamState>();

export function adam(opts: AdamOptions = {}): Adam {
  const where = "adam";
  const options: Required<AdamOptions> = {
    learningRate: checkNumber(where, "learningRate", opts.learningRate ?? 1e-3, 0),
    beta1: checkNumber(where, "beta1", opts.beta1 ?? 0.9, 0, 0.999999),
    beta2: checkNumber(where, "beta2", opts.beta2 ?? 0.999, 0, 0.99999999),
    eps: checkNumber(where, "eps", opts.eps ?? 1e-8, 0),
    weightDecay: checkNumber(where, "weightDecay", opts.weightDecay ?? 0, 0),
  };
  return {
    options,
    init(params) {
      // On the WebAssembly heap, where the update kernel runs in place (bit-identical to the loop below).
      const memory = new HeapArena("AdamState");
      const state: OwnedAdamState = {
        count: 0,
        mu: params.map((p) => (isF32(p.value) ? memory.f32(p.value.length) : memory.f64(p.value.length))),
        nu: params.map((p) => (isF32(p.value) ? memory.f32(p.value.length) : memory.f64(p.value.length))),
        dispose: () => {
          memory.dispose();
          disposedStates.add(state);
          state.mu = [];
          state.nu = [];
        },
        [Symbol.dispose]: () => state.dispose(),
      };
      return state;
    },
    step(params, state, learningRate = options.learningRate) {
      const { beta1: b1, beta2: b2, eps, weightDecay: wd } = options;
      if (disposedStates.has(state)) fail("adam.step", "the AdamState was disposed (dispose() released its memory); call init again");
      if (state.mu.length < params.length || state.nu.length < params.length)
        fail("adam.step", `state has moments for ${Math.min(state.mu.length, state.nu.length)} parameters, got ${params.length}`);
      state.count++;
      const t = state.count;
      const bc1 = 1 - b1 ** t;
      const bc2 = 1 - b2 ** t;
      const stepSize = learningRate / bc1;
      const sqrtBc2 = Math.sqrt(bc2);
      params.forEach((p, k) => {
        if (!p.trainable) return;
        const v = p.value,
          g = p.grad,
          m = state.mu[k]!,
          s = state.nu[k]!;
        const n = v.length;
        const fits = g.length >= n && m.length >= n && s.length >= n;
        // float32 parameters (a float32 model): the f32x4 update, scalars rounded to float32.
        const kern32 = fits && isF32(v) ? heapKernels32(v, g, m, s) : null;
        if (kern32) {
          kernelCalls.elementwise++;
          kern32.adamStep32(addr(v), addr(g), addr(m), addr(s), n, b1, 1 - b1, b2, 1 - b2, stepSize, sqrtBc2, eps, learningRate * wd);
          return;
        }
        const kern = fits ? heapKernels(v, g, m, s) : null;
        if (kern) {
          kernelCalls.elementwise++;
          kern.adamStep(addr(v), addr(g), addr(m), addr(s), n, b1, 1 - b1, b2, 1 - b2, stepSize, sqrtBc2, eps, learningRate * wd);
          return;
        }
        for (let i = 0; i < v.length; i++) {
          const gi = g[i]!;
          if (wd > 0) v[i] -= learningRate * wd * v[i]!;
          m[i] = b1 * m[i]! + (1 - b1) * gi;
          s[i] = b2 * s[i]! + (1 - b2) * gi * gi;
          v[i] -= stepSize * (m[i]! / (Math.sqrt(s[i]!) / sqrtBc2 + eps));
        }
      });
      return t;
    },
  };
}
