/** Losses: value and gradient with respect to the prediction. */
import { checkShape } from "../core/errors.ts";
import type { Tensor } from "../core/tensor.ts";

/**
 * Mean squared error over all elements, L = (1/n) Σ (pred − target)², and ∂L/∂pred = 2(pred − target)/n.
 * @param pred - any shape
 * @param target - same shape as pred
 */
export function mseLoss(pred: Tensor, target: Tensor, where = "mseLoss"): { loss: number; grad: Tensor } {
  checkShape(where, "target", target.shape, pred.shape);
  const n = pred.data.length;
  const g = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = pred.data[i]! - target.data[i]!;
    s += d * d;
    g[i] = (2 * d) / n;
  }
  return { loss: s / n, grad: { shape: [...pred.shape], data: g } };
}
