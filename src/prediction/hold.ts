/**
 * Sample-and-hold (outdated CSI): ĥ(t + kΔt) = y(t) for every step k.
 *
 * For a unit-power Clarke channel observed with noise σ², the expected NMSE at step k is
 * 2(1 − J0(2π f_D kΔt)) + σ²: the mandatory reference every other predictor is measured against.
 */
import type { ComplexTensor } from "../core/complex.ts";
import { emptyPrediction, type Predictor } from "./predictor.ts";
import type { WindowSet } from "./windows.ts";

export class HoldPredictor implements Predictor {
  readonly name = "hold";
  fit(): void {}
  parameterCount(): number {
    return 0;
  }
  predict(ws: WindowSet): ComplexTensor {
    const { count: n, history: P, horizon: F, antennas: M } = ws;
    const out = emptyPrediction(ws);
    for (let w = 0; w < n; w++) {
      const src = (w * P + P - 1) * M;
      for (let k = 0; k < F; k++) {
        const dst = (w * F + k) * M;
        out.re.set(ws.inputs.re.subarray(src, src + M), dst);
        out.im.set(ws.inputs.im.subarray(src, src + M), dst);
      }
    }
    return out;
  }
}
