/**
 * The vectorised exp, σ and tanh against (a) the correctly rounded value from a BigInt oracle and
 * (b) the JavaScript functions the reference paths use, over a million points; plus special
 * values and the elementwise activation kernels.
 *
 * Tolerances: exp is within 1 ulp of the correctly rounded value (its error is ≈0.5 ulp, so the
 * rounded result is at most one step away), as is Math.exp, hence within 1 ulp of Math.exp. σ and
 * tanh are within 2 ulp of the correctly rounded value, as Math.tanh and 1/(1+Math.exp(−x)) are;
 * the two can therefore differ by up to 4 ulp from each other (seen near x ≈ −37 for σ, where
 * 1 + e^{−x} rounds at 2⁵³, and near 0.001 for tanh), which is the bound used against them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";
import { Rng } from "../../src/core/random.ts";
import { expHP, sigmoidHP, tanhHP, ulpDiff } from "../helpers/hp.ts";

const rt = wasmRuntime();
const skip = rt === null ? "WebAssembly SIMD unavailable" : false;

type Map1 = (src: number, dst: number, n: number) => void;

/** Run a one-input kernel on `xs` and return the results. */
function run(kernel: Map1, xs: ArrayLike<number>): Float64Array {
  const src = rt!.heap.f64(xs.length)!,
    dst = rt!.heap.f64(xs.length)!;
  src.set(xs);
  kernel(src.byteOffset, dst.byteOffset, xs.length);
  const out = dst.slice();
  rt!.heap.free(src);
  rt!.heap.free(dst);
  return out;
}

function points(n: number, lo: number, hi: number, seed: number): Float64Array {
  return new Rng(seed).fillUniform(new Float64Array(n), lo, hi);
}

/** Largest ulp distance of kernel(x) from ref(x), with the worst x for the message. */
function worst(xs: ArrayLike<number>, got: ArrayLike<number>, ref: (x: number) => number): { ulps: number; at: number } {
  let ulps = 0,
    at = NaN;
  for (let i = 0; i < xs.length; i++) {
    const d = ulpDiff(got[i]!, ref(xs[i]!));
    if (d > ulps) [ulps, at] = [d, xs[i]!];
  }
  return { ulps, at };
}

const jsSigmoid = (x: number) => 1 / (1 + Math.exp(-x));

test("exp, σ and tanh are within 1, 2 and 2 ulp of the correctly rounded value (BigInt oracle)", { skip }, () => {
  const k = rt!.kernels;
  const cases: [string, Map1, (x: number) => number, number, number, number][] = [
    ["exp", k.vexp, expHP, -700, 700, 1],
    ["exp", k.vexp, expHP, -2, 2, 1],
    ["σ", k.vsigmoid, sigmoidHP, -40, 40, 2],
    ["tanh", k.vtanh, tanhHP, -3, 3, 2],
    ["tanh", k.vtanh, tanhHP, -1e-3, 1e-3, 2],
  ];
  cases.forEach(([name, kernel, oracle, lo, hi, tol], c) => {
    const xs = points(1500, lo, hi, 100 + c);
    const w = worst(xs, run(kernel, xs), oracle);
    assert.ok(w.ulps <= tol, `${name} on [${lo}, ${hi}]: ${w.ulps} ulp at x = ${w.at}`);
  });
});

test("exp is within 1 ulp of Math.exp, σ and tanh within 4 ulp of the JavaScript formulas, over 2·10⁶ points", { skip }, () => {
  const k = rt!.kernels;
  const n = 400_000;
  const ranges: [string, Map1, (x: number) => number, number, number, number][] = [
    ["exp", k.vexp, Math.exp, -745, 709.7, 1],
    ["exp", k.vexp, Math.exp, -1, 1, 1],
    ["σ", k.vsigmoid, jsSigmoid, -60, 60, 4],
    ["tanh", k.vtanh, Math.tanh, -20, 20, 4],
    ["tanh", k.vtanh, Math.tanh, -0.01, 0.01, 4],
  ];
  ranges.forEach(([name, kernel, ref, lo, hi, tol], c) => {
    const xs = points(n, lo, hi, 200 + c);
    // Subnormal exp results are compared absolutely (their ulp is fixed).
    const got = run(kernel, xs);
    let bad = 0,
      first = "";
    for (let i = 0; i < n; i++) {
      const want = ref(xs[i]!);
      const ok = Math.abs(want) < 2.2250738585072014e-308 ? Math.abs(got[i]! - want) <= 5e-324 : ulpDiff(got[i]!, want) <= tol;
      if (!ok && bad++ === 0) first = `x = ${xs[i]}: ${got[i]} vs ${want}`;
    }
    assert.equal(bad, 0, `${name} on [${lo}, ${hi}]: ${bad} points beyond ${tol} ulp, first ${first}`);
  });
});

test("special values: NaN, ±∞, ±0, overflow, underflow and subnormal results match Math.*", { skip }, () => {
  const k = rt!.kernels;
  const xs = [
    NaN,
    Infinity,
    -Infinity,
    0,
    -0,
    708,
    709.78,
    709.79,
    710,
    1000,
    -708,
    -708.5,
    -740,
    -745.1,
    -745.2,
    -1000,
    1e-320,
    -5e-324,
    1e-300,
  ];
  const same = (a: number, b: number) => Object.is(a, b) || ulpDiff(a, b) <= 1 || Math.abs(a - b) <= 5e-324;
  const checks: [string, Map1, (x: number) => number][] = [
    ["exp", k.vexp, Math.exp],
    ["σ", k.vsigmoid, jsSigmoid],
    ["tanh", k.vtanh, Math.tanh],
  ];
  for (const [name, kernel, ref] of checks) {
    const got = run(kernel, xs);
    xs.forEach((x, i) => assert.ok(same(got[i]!, ref(x)), `${name}(${x}) = ${got[i]}, Math gives ${ref(x)}`));
  }
  // Odd lengths take the half-vector tail: every length from 1 to 5, and nothing past the end.
  const vals = [0.5, -1, 2, 3, -4];
  for (let n = 1; n <= 5; n++) {
    const src = rt!.heap.f64(n + 1)!,
      dst = rt!.heap.f64(n + 1)!;
    src.set(vals.slice(0, n));
    dst[n] = 42;
    k.vexp(src.byteOffset, dst.byteOffset, n);
    for (let i = 0; i < n; i++) assert.ok(ulpDiff(dst[i]!, Math.exp(vals[i]!)) <= 1, `length ${n}, element ${i}`);
    assert.equal(dst[n], 42, `length ${n} wrote past the end`);
  }
});

test("activation kernels match their JavaScript formulas (forward and backward)", { skip }, () => {
  const k = rt!.kernels;
  const n = 10_001;
  const x = points(n, -6, 6, 7),
    g = points(n, -2, 2, 8);
  const two = (kernel: (a: number, b: number, c: number, n: number) => void, a: Float64Array, b: Float64Array) => {
    const pa = rt!.heap.f64(n)!,
      pb = rt!.heap.f64(n)!,
      out = rt!.heap.f64(n)!;
    pa.set(a);
    pb.set(b);
    kernel(pa.byteOffset, pb.byteOffset, out.byteOffset, n);
    return out.slice();
  };
  // Tolerance relative to `scale(i)` (default |want|): where a formula cancels (silu' near its
  // zero) the error bound is relative to the size of the terms, not of their sum.
  const close = (label: string, got: ArrayLike<number>, want: (i: number) => number, tol: number, scale?: (i: number) => number) => {
    for (let i = 0; i < n; i++) {
      const w = want(i);
      const sc = scale ? scale(i) : Math.abs(w);
      assert.ok(Math.abs(got[i]! - w) <= tol * sc + 1e-300, `${label}[${i}] (x = ${x[i]}): ${got[i]} vs ${w}`);
    }
  };
  const lecun = run(k.vlecunTanh, x);
  close("lecun_tanh", lecun, (i) => 1.7159 * Math.tanh(0.666 * x[i]!), 1e-15);
  close("relu", run(k.vrelu, x), (i) => (x[i]! > 0 ? x[i]! : 0), 0);
  close("silu", run(k.vsilu, x), (i) => x[i]! * jsSigmoid(x[i]!), 1e-15);
  close(
    "lecun_tanh'",
    two(k.vlecunTanhBack, lecun, g),
    (i) => {
      const t = lecun[i]! / 1.7159;
      return g[i]! * 1.7159 * 0.666 * (1 - t * t);
    },
    0,
  );
  const th = run(k.vtanh, x);
  close("tanh'", two(k.vtanhBack, th, g), (i) => g[i]! * (1 - th[i]! * th[i]!), 0);
  close("relu'", two(k.vreluBack, x, g), (i) => (x[i]! > 0 ? g[i]! : 0), 0);
  close(
    "silu'",
    two(k.vsiluBack, x, g),
    (i) => {
      const s = jsSigmoid(x[i]!);
      return g[i]! * s * (1 + x[i]! * (1 - s));
    },
    1e-14,
    (i) => {
      const s = jsSigmoid(x[i]!);
      return Math.abs(g[i]! * s) * (1 + Math.abs(x[i]!) * (1 - s));
    },
  );
});
