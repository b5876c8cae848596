/** Gradient clipping by global norm (PyTorch's `clip_grad_norm_`). */
import type { Param } from "../cells/param.ts";

/**
 * Scale all gradients by min(1, maxNorm / (‖g‖₂ + 1e−6)) where ‖g‖₂ is the norm over every
 * trainable parameter together. Returns the norm before clipping.
 */
export function clipGradNorm(params: readonly Param[], maxNorm: number): number {
  let s = 0;
  for (const p of params) if (p.trainable) for (const g of p.grad) s += g * g;
  const norm = Math.sqrt(s);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const p of params) if (p.trainable) for (let i = 0; i < p.grad.length; i++) p.grad[i] *= coef;
  return norm;
}
