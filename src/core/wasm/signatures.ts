/**
 * The one source of every exported kernel's signature. Each entry gives the parameter names and
 * their wasm types (`i` = i32, `f` = f64; all kernels return nothing). From it:
 *
 * - the generators in `kernels/` take their function signatures ({@link kernelSignature}), so the
 *   wasm side cannot drift from the table;
 * - the TypeScript type {@link Kernels} is derived (one `number` argument per parameter), so a
 *   call with a missing or extra argument fails to compile;
 * - {@link checkKernelExports} compares the assembled module's exports with the table before it is
 *   compiled (missing, extra or mistyped kernels are an error at load), and
 *   {@link checkKernelInstance} compares the instance's export arities again.
 *
 * Pointers are byte addresses into the heap; flags are 0/1; counts are elements.
 */
import type { ValType } from "./expr.ts";
import type { Signature } from "./module.ts";

/** Parameter type codes: i = i32, f = f64. */
type Code = "i" | "f";
type Args<S extends string> = S extends `${Code}${infer R}` ? [number, ...Args<R>] : [];

interface Entry<S extends string> {
  /** Parameter names, space-separated (for messages and docs). */
  readonly names: string;
  /** One type code per parameter. */
  readonly types: S;
}
const k = <const S extends string>(names: string, types: S): Entry<S> => ({ names, types });

const MAP1 = k("src dst n", "iii");
const MAP2 = k("a b dst n", "iiii");
const LSTM_BACK = k("cand gi gf go tc cPrev dhOut dcOut dz dc B H", "iiiiiiiiiiii");
const GRU_BACK = k("gh h r z n dhNew dy dgi dgh dh B H", "iiiiiiiiiiii");

export const KERNEL_SIGNATURES = {
  /** C[m,n] = [C +] A[m,k]·B[n,k]ᵀ [+ bias[n]]; bias 0 = none. */
  gemmNT: k("a b c m k n accumulate bias", "iiiiiiii"),
  /** C[m,n] = [C +] A·B[k,n] with A(i,p) at a + 8(i·as0 + p·as1). */
  gemmNN: k("a as0 as1 b c m k n accumulate", "iiiiiiiii"),
  vexp: MAP1,
  vsigmoid: MAP1,
  vtanh: MAP1,
  vlecunTanh: MAP1,
  vrelu: MAP1,
  vsilu: MAP1,
  /** (out = φ(pre), dOut) → dPre for the tanh family, (pre, dOut) → dPre for relu/silu. */
  vlecunTanhBack: MAP2,
  vtanhBack: MAP2,
  vreluBack: MAP2,
  vsiluBack: MAP2,
  /** dst = a ⊙ b */
  vmul: MAP2,
  /** out = c + a ⊙ b */
  vaddMul: k("c a b out n", "iiiii"),
  /** CfC heads epilogue: P [B, 4H], dt [B] → g1, g2, ti, h [B, H]. */
  cfcHeads: k("P dt g1 g2 ti h B H gate", "iiiiiiiii"),
  /** Its backward into dP [B, 4H]; dy 0 = none. */
  cfcHeadsBack: k("g1 g2 ti dhNew dy dt dP B H gate", "iiiiiiiiii"),
  /** gb[j] += Σ_r dy[r, j] over a [B, n] block. */
  colSumAdd: k("dy gb B n", "iiii"),
  /** One LTC step for B rows (descriptors: kernels/ltc.ts). */
  ltcForward: k("desc cacheDesc x h dt B eps", "iiiiiif"),
  ltcBackward: k("desc cacheDesc x dt dy dhNew dx dh B", "iiiiiiiii"),
  /** Adam update of n parameters (kernels/optim.ts). */
  adamStep: k("p g m v n b1 oneMinusB1 b2 oneMinusB2 step sqrtBc2 eps lrWd", "iiiiiffffffff"),
  /** float32 versions (kernels/f32.ts): same arguments, 4-byte elements. */
  gemmNT32: k("a b c m k n accumulate bias", "iiiiiiii"),
  gemmNN32: k("a as0 as1 b c m k n accumulate", "iiiiiiiii"),
  vexp32: MAP1,
  vsigmoid32: MAP1,
  vtanh32: MAP1,
  vlecunTanh32: MAP1,
  vrelu32: MAP1,
  vsilu32: MAP1,
  vlecunTanhBack32: MAP2,
  vtanhBack32: MAP2,
  vreluBack32: MAP2,
  vsiluBack32: MAP2,
  vmul32: MAP2,
  vaddMul32: k("c a b out n", "iiiii"),
  cfcHeads32: k("P dt g1 g2 ti h B H gate", "iiiiiiiii"),
  cfcHeadsBack32: k("g1 g2 ti dhNew dy dt dP B H gate", "iiiiiiiiii"),
  colSumAdd32: k("dy gb B n", "iiii"),
  /** LSTM gates, float32: z, zRec [B, 4H] (cand, i, f, o), cPrev [B, H] → the six [B, H] outputs. */
  lstmGates32: k("z zRec cPrev cand gi gf go cOut tc hOut B H forgetBias", "iiiiiiiiiiiif"),
  /** GRU gates, float32: gi, gh [B, 3H] (r, z, n), h [B, H] → r, z, n, h' [B, H]. */
  gruGates32: k("gi gh h r z n hOut B H", "iiiiiiiii"),
  /** CfC pure mode, float32: f1 = P[:, :H] (row stride nH) → e, h [B, H]; wTau, A [H]. */
  cfcPure32: k("P dt wTau A e h B H nH", "iiiiiiiii"),
  /** Its backward: dP [B, nH] (first H columns), gA and gwTau [H] accumulated; dy 0 = none. */
  cfcPureBack32: k("P dt wTau A e dhNew dy dP gA gwTau B H nH", "iiiiiiiiiiiii"),
  /** One LTC step, float32 (same descriptors and arguments as ltcForward/ltcBackward; eps rounded to float32). */
  ltcForward32: k("desc cacheDesc x h dt B eps", "iiiiiif"),
  ltcBackward32: k("desc cacheDesc x dt dy dhNew dx dh B", "iiiiiiiii"),
  /** CfC pure mode, float64: the JavaScript loop bit for bit (Math.exp imported), same arguments. */
  cfcPure: k("P dt wTau A e h B H nH", "iiiiiiiii"),
  cfcPureBack: k("P dt wTau A e dhNew dy dP gA gwTau B H nH", "iiiiiiiiiiiii"),
  adamStep32: k("p g m v n b1 oneMinusB1 b2 oneMinusB2 step sqrtBc2 eps lrWd", "iiiiiffffffff"),
  /**
   * LSTM/GRU backward gates (kernels/gates.ts), float64 and float32 (`…32`): the reference's
   * operation order, so float64 is bit for bit the JavaScript loop. LSTM: the forward cache and
   * ∂h', ∂c' [B, H] (dcOut 0 = none) → dz [B, 4H], ∂c_prev [B, H].
   */
  lstmGatesBack: LSTM_BACK,
  lstmGatesBack32: LSTM_BACK,
  /** GRU: gh [B, 3H], h, r, z, n, ∂h' [B, H], dy 0 = none → dgi, dgh [B, 3H], the direct ∂h [B, H]. */
  gruGatesBack: GRU_BACK,
  gruGatesBack32: GRU_BACK,
  /** GELU (kernels/gelu.ts): float64 bit for bit the erf-series reference, float32 from a fitted erfc. */
  vgelu: MAP1,
  vgelu32: MAP1,
  /** (pre, dOut) → dPre */
  vgeluBack: MAP2,
  vgeluBack32: MAP2,
} as const;

export type KernelName = keyof typeof KERNEL_SIGNATURES;

/** The exported kernels, one `number` argument per wasm parameter of {@link KERNEL_SIGNATURES}. */
export type Kernels = {
  readonly [K in KernelName]: (...args: Args<(typeof KERNEL_SIGNATURES)[K]["types"]>) => void;
};

const TYPE_OF: Record<Code, ValType> = { i: "i32", f: "f64" };

/** The wasm signature of kernel `name` (for the generators). */
export function kernelSignature(name: KernelName): Signature {
  const e: Entry<string> = KERNEL_SIGNATURES[name];
  return { params: [...e.types].map((c) => TYPE_OF[c as Code]), results: [] };
}

/** Parameter names of kernel `name`. */
export function kernelParamNames(name: KernelName): string[] {
  return KERNEL_SIGNATURES[name].names.split(" ");
}

// The table's own consistency: as many names as type codes, known codes only.
for (const [name, e] of Object.entries(KERNEL_SIGNATURES) as [string, Entry<string>][]) {
  const n = e.names.split(" ").length;
  if (n !== e.types.length || /[^if]/.test(e.types)) throw new Error(`KERNEL_SIGNATURES.${name}: ${n} names for types "${e.types}"`);
}

const sigText = (s: Signature) => `(${s.params.join(", ")}) -> (${s.results.join(", ")})`;

/**
 * Compare a module's exported functions with the table: every kernel exported with exactly its
 * signature, nothing else exported. Throws one line naming the first difference.
 */
export function checkKernelExports(exports: readonly { name: string; sig: Signature }[]): void {
  const seen = new Set<string>();
  for (const { name, sig } of exports) {
    if (!(name in KERNEL_SIGNATURES)) throw new Error(`kernel module: export '${name}' ${sigText(sig)} is not in KERNEL_SIGNATURES`);
    const want = kernelSignature(name as KernelName);
    if (sigText(want) !== sigText(sig))
      throw new Error(
        `kernel module: '${name}' has signature ${sigText(sig)}, KERNEL_SIGNATURES says ${sigText(want)} (${KERNEL_SIGNATURES[name as KernelName].names})`,
      );
    seen.add(name);
  }
  const missing = Object.keys(KERNEL_SIGNATURES).filter((n) => !seen.has(n));
  if (missing.length > 0) throw new Error(`kernel module: KERNEL_SIGNATURES lists ${missing.join(", ")}, which the module does not export`);
}

/** Compare an instance's exports with the table by arity (function `length`); returns them typed. */
export function checkKernelInstance(exports: WebAssembly.Exports): Kernels {
  for (const name of Object.keys(KERNEL_SIGNATURES) as KernelName[]) {
    const f = exports[name];
    const want = KERNEL_SIGNATURES[name].types.length;
    if (typeof f !== "function") throw new Error(`kernel instance: '${name}' is not exported`);
    if (f.length !== want) throw new Error(`kernel instance: '${name}' takes ${f.length} arguments, KERNEL_SIGNATURES says ${want}`);
  }
  return exports as unknown as Kernels;
}
