/**
 * float32 vs float64 kernels side by side, at the shapes of the `cfc32-train` bench step
 * (batch 32, CfC 8 → 32 units, 128-unit backbone; heads 4·32 = 128 rows). Each case runs its
 * float64 and float32 kernel alternately in the same process; medians per call.
 *
 *   node --import tsx tools/bench-f32.ts [--reps 7]
 *
 * Prints a markdown table (case, float64, float32, ratio).
 */
import { wasmRuntime } from "../src/core/wasm/runtime.ts";
import { HeapArena } from "../src/core/wasm/arena.ts";
import { Rng } from "../src/core/random.ts";
import { numberArg, toolArgs } from "./args.ts";

const rt = wasmRuntime();
if (!rt) throw new Error("bench-f32: WebAssembly SIMD is unavailable");
const K = rt.kernels;
const { values: opt } = toolArgs("node --import tsx tools/bench-f32.ts [--reps 7]", { reps: { type: "string" } });
const reps = numberArg("reps", opt.reps, 7, 1);
using mem = new HeapArena("bench-f32");
const rng = new Rng(1);
const f64 = (n: number) => rng.fillNormal(mem.f64(n));
const f32 = (n: number) => {
  const a = mem.f32(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
};

/** Median time per call in µs of `fn`, timing batches of `inner` calls. */
function time(fn: () => void, inner: number): number {
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    t.push(((performance.now() - t0) * 1000) / inner);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1]!;
}

interface Case {
  name: string;
  d: () => void;
  s: () => void;
  inner: number;
}
const cases: Case[] = [];

function gemmNT(name: string, m: number, k: number, n: number) {
  const [a, b, c, bias] = [f64(m * k), f64(n * k), f64(m * n), f64(n)];
  const [a4, b4, c4, bias4] = [f32(m * k), f32(n * k), f32(m * n), f32(n)];
  cases.push({
    name: `gemmNT ${name} [${m}×${k}]·[${n}×${k}]ᵀ`,
    d: () => K.gemmNT(a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, 0, bias.byteOffset),
    s: () => K.gemmNT32(a4.byteOffset, b4.byteOffset, c4.byteOffset, m, k, n, 0, bias4.byteOffset),
    inner: 200,
  });
}
function gemmNN(name: string, m: number, k: number, n: number, transA: boolean) {
  const [a, b, c] = [f64(m * k), f64(k * n), f64(m * n)];
  const [a4, b4, c4] = [f32(m * k), f32(k * n), f32(m * n)];
  const [s0, s1] = transA ? [1, m] : [k, 1];
  cases.push({
    name: `gemmNN ${name} [${m}×${k}]·[${k}×${n}]${transA ? " (Aᵀ)" : ""}`,
    d: () => K.gemmNN(a.byteOffset, s0, s1, b.byteOffset, c.byteOffset, m, k, n, 1),
    s: () => K.gemmNN32(a4.byteOffset, s0, s1, b4.byteOffset, c4.byteOffset, m, k, n, 1),
    inner: 200,
  });
}
function map(name: "vexp" | "vsigmoid" | "vtanh", n: number) {
  const [x, y] = [f64(n), f64(n)];
  const [x4, y4] = [f32(n), f32(n)];
  const n32 = `${name}32` as "vexp32" | "vsigmoid32" | "vtanh32";
  cases.push({
    name: `${name} n=${n}`,
    d: () => K[name](x.byteOffset, y.byteOffset, n),
    s: () => K[n32](x4.byteOffset, y4.byteOffset, n),
    inner: 500,
  });
}
function adamCase(n: number) {
  const [p, g, m, v] = [f64(n), f64(n), mem.f64(n), mem.f64(n)];
  const [p4, g4, m4, v4] = [f32(n), f32(n), mem.f32(n), mem.f32(n)];
  const args = [0.9, 0.1, 0.999, 0.001, 1e-3, 0.03, 1e-8, 0] as const;
  cases.push({
    name: `adamStep n=${n}`,
    d: () => K.adamStep(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, n, ...args),
    s: () => K.adamStep32(p4.byteOffset, g4.byteOffset, m4.byteOffset, v4.byteOffset, n, ...args),
    inner: 500,
  });
}

// One CfC step of cfc32-train (B = 32): backbone, heads and their backward products.
gemmNT("backbone", 32, 40, 128);
gemmNT("heads", 32, 128, 128);
gemmNN("dW heads (dyᵀ·x)", 128, 32, 128, true);
gemmNN("dx heads (dy·W)", 32, 128, 128, false);
map("vtanh", 32 * 128);
map("vsigmoid", 32 * 32);
map("vexp", 32 * 128);
// The whole CfC parameter vector (~26 k) for Adam.
adamCase(26_000);

const rows: string[] = ["| kernel (cfc32-train shapes) | float64 | float32 | float64 / float32 |", "|---|---|---|---|"];
for (const c of cases) {
  // Warm up both, then alternate so that load changes hit both sides alike.
  time(c.d, c.inner);
  time(c.s, c.inner);
  let d = Infinity,
    s = Infinity;
  for (let round = 0; round < 2; round++) {
    d = Math.min(d, time(c.d, c.inner));
    s = Math.min(s, time(c.s, c.inner));
  }
  rows.push(`| ${c.name} | ${d.toFixed(2)} µs | ${s.toFixed(2)} µs | ${(d / s).toFixed(2)}× |`);
}
console.log(rows.join("\n"));
console.log(`\nfma: ${rt.fma}, node ${process.version}, reps ${reps}, lower of two medians per side`);
