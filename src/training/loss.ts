/** Losses: value and gradient with respect to the prediction. */
import { checkShape, fail } from "../core/errors.ts";
import type { Tensor } from "../core/tensor.ts";

/** Options of {@link mseLoss}. */
export interface MseOptions {
  /** Name for error messages (default "mseLoss"). */
  readonly where?: string;
  /**
   * Buffer the gradient is written to, length = pred's element count; a training loop passes the
   * same buffer every step instead of allocating one per call. Absent: a new array.
   */
  readonly grad?: Float64Array;
}

/**
 * Mean squared error over all elements, L = (1/n) Σ (pred − target)², and ∂L/∂pred = 2(pred − target)/n.
 * @param pred - any shape
 * @param target - same shape as pred
 * @param options - the name for errors (a string, or `where`), and an optional gradient buffer
 * @returns the loss and its gradient, shape of pred (its data is `options.grad` when given)
 */
export function mseLoss(pred: Tensor, target: Tensor, options: string | MseOptions = {}): { loss: number; grad: Tensor } {
  const { where = "mseLoss", grad: out } = typeof options === "string" ? { where: options } : options;
  checkShape(where, "target", target.shape, pred.shape);
  const n = pred.data.length;
  if (out !== undefined && out.length !== n)
    fail(where, `grad buffer has length ${out.length}, expected ${n} (the prediction's element count)`);
  const g = out ?? new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = pred.data[i]! - target.data[i]!;
    s += d * d;
    g[i] = (2 * d) / n;
  }
  return { loss: s / n, grad: { shape: [...pred.shape], data: g } };
}
