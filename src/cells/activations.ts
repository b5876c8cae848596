/**
 * Backbone activations of the CfC cell, with derivatives (ncps names).
 *
 * | name       | φ(x)                         | φ'(x)                                  |
 * |------------|------------------------------|----------------------------------------|
 * | lecun_tanh | 1.7159·tanh(0.666·x)         | 1.7159·0.666·(1 − tanh²(0.666·x))      |
 * | tanh       | tanh x                       | 1 − tanh² x                            |
 * | relu       | max(x, 0)                    | 1 if x > 0 else 0 (PyTorch's choice at 0) |
 * | gelu       | x·Φ(x) (exact, erf form)     | Φ(x) + x·φ(x)                          |
 * | silu       | x·σ(x)                       | σ(x)·(1 + x·(1 − σ(x)))                |
 *
 * (0.666, not 2/3, is what ncps uses.)
 *
 * On heap arrays, every activation runs in the kernels (`core/wasm/kernels`): tanh/σ within
 * 2 ulp of the true value like Math.tanh and the formulas below; gelu in float64 bit for bit the
 * erf-series loop below (kernels/gelu.ts), in float32 from a fitted erfc.
 */
import type { Floats } from "../core/dtype.ts";
import { erf } from "../core/special.ts";
import { isF32 } from "../core/dtype.ts";
import { addr, heapKernels, heapKernels32, kernelCalls } from "../core/wasm/alloc.ts";
import type { Kernels } from "../core/wasm/runtime.ts";

export const ACTIVATIONS = ["lecun_tanh", "tanh", "relu", "gelu", "silu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Logistic sigmoid σ(x) = 1 / (1 + e^{−x}). */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Softplus with PyTorch's threshold: x for x > 20, else log(1 + e^x). */
export function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

/** Derivative of {@link softplus}: σ(x), or 1 above the threshold. */
export function softplusGrad(x: number): number {
  return x > 20 ? 1 : sigmoid(x);
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const FORWARD_KERNEL: Partial<Record<Activation, keyof Kernels>> = {
  lecun_tanh: "vlecunTanh",
  tanh: "vtanh",
  relu: "vrelu",
  gelu: "vgelu",
  silu: "vsilu",
};
/** Backward kernels take (out, dOut) for the tanh family and (pre, dOut) otherwise. */
const BACKWARD_KERNEL: Partial<Record<Activation, [keyof Kernels, "out" | "pre"]>> = {
  lecun_tanh: ["vlecunTanhBack", "out"],
  tanh: ["vtanhBack", "out"],
  relu: ["vreluBack", "pre"],
  gelu: ["vgeluBack", "pre"],
  silu: ["vsiluBack", "pre"],
};

/** Apply φ elementwise: out[i] = φ(pre[i]) for i in [0, n). */
export function activate(kind: Activation, pre: Floats, out: Floats, n: number): void {
  const name = FORWARD_KERNEL[kind];
  const fits = name && n <= pre.length && n <= out.length;
  const f32 = isF32(pre);
  const k = fits ? (f32 ? heapKernels32(pre, out) : heapKernels(pre, out)) : null;
  if (k && name) {
    kernelCalls.elementwise++;
    (k[f32 ? (`${name}32` as keyof Kernels) : name] as (a: number, b: number, n: number) => void)(addr(pre), addr(out), n);
    return;
  }
  switch (kind) {
    case "lecun_tanh":
      for (let i = 0; i < n; i++) out[i] = 1.7159 * Math.tanh(0.666 * pre[i]!);
      return;
    case "tanh":
      for (let i = 0; i < n; i++) out[i] = Math.tanh(pre[i]!);
      return;
    case "relu":
      for (let i = 0; i < n; i++) out[i] = pre[i]! > 0 ? pre[i]! : 0;
      return;
    case "gelu":
      for (let i = 0; i < n; i++) out[i] = 0.5 * pre[i]! * (1 + erf(pre[i]! * SQRT1_2));
      return;
    case "silu":
      for (let i = 0; i < n; i++) out[i] = pre[i]! * sigmoid(pre[i]!);
      return;
  }
}

/** Backward: dPre[i] = dOut[i]·φ'(pre[i]) (`out` = φ(pre), reused where it is cheaper). */
export function activateBackward(kind: Activation, pre: Floats, out: Floats, dOut: Floats, dPre: Floats, n: number): void {
  const spec = BACKWARD_KERNEL[kind];
  const fits = n <= pre.length && n <= out.length && n <= dOut.length && n <= dPre.length;
  const f32 = isF32(pre);
  const k = spec && fits ? (f32 ? heapKernels32(pre, out, dOut, dPre) : heapKernels(pre, out, dOut, dPre)) : null;
  if (k && spec) {
    kernelCalls.elementwise++;
    (k[f32 ? (`${spec[0]}32` as keyof Kernels) : spec[0]] as (a: number, b: number, c: number, n: number) => void)(
      addr(spec[1] === "out" ? out : pre),
      addr(dOut),
      addr(dPre),
      n,
    );
    return;
  }
  switch (kind) {
    case "lecun_tanh":
      for (let i = 0; i < n; i++) {
        const t = out[i]! / 1.7159;
        dPre[i] = dOut[i]! * 1.7159 * 0.666 * (1 - t * t);
      }
      return;
    case "tanh":
      for (let i = 0; i < n; i++) dPre[i] = dOut[i]! * (1 - out[i]! * out[i]!);
      return;
    case "relu":
      for (let i = 0; i < n; i++) dPre[i] = pre[i]! > 0 ? dOut[i]! : 0;
      return;
    case "gelu":
      for (let i = 0; i < n; i++) {
        const x = pre[i]!;
        dPre[i] = dOut[i]! * (0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));
      }
      return;
    case "silu":
      for (let i = 0; i < n; i++) {
        const s = sigmoid(pre[i]!);
        dPre[i] = dOut[i]! * s * (1 + pre[i]! * (1 - s));
      }
      return;
  }
}
