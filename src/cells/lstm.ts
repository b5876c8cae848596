/**
 * LSTM cell in ncps's formulation (`ncps.torch.LSTMCell`, docs/cells.md §5), used as the mixed
 * memory in front of LTC/CfC and, on its own, as the LSTM baseline:
 *
 *   z = x·W_inᵀ + b_in + h·W_recᵀ, split in four H-wide chunks [candidate, input, forget, output]
 *   c' = c ⊙ σ(z_f + forgetBias) + tanh(z_cand) ⊙ σ(z_i)
 *   h' = tanh(c') ⊙ σ(z_o)
 *
 * `forgetBias` is 1 in ncps (hard-coded). As a {@link RecurrentCell} the state is [h, c] per row
 * (stateSize = 2H) and the output is h'.
 */
import { type Floats, isF32 } from "../core/dtype.ts";
import { checkInt } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import { addr, heapFloat, heapKernels32, heapKernelsOf, kernelCalls } from "../core/wasm/alloc.ts";
import { sigmoid } from "./activations.ts";
import type { RecurrentCell, StepCache } from "./cell.ts";
import { Linear } from "./linear.ts";
import type { Param } from "./param.ts";

export interface LstmCache extends StepCache {
  /** h' [B, H] (the output), c' [B, H]. */
  hOut: Floats;
  cOut: Floats;
  z: Floats;
  zRec: Floats;
  cand: Floats;
  gi: Floats;
  gf: Floats;
  go: Floats;
  tc: Floats;
  dz: Floats;
  // RecurrentCell view: packed [h, c] state
  hPacked: Floats;
  hIn: Floats;
  cIn: Floats;
  dhIn: Floats;
  dcIn: Floats;
  /** Backward scratch of the packed-state interface. */
  dhPrev: Floats;
  dcPrev: Floats;
}

export class LstmCell implements RecurrentCell<LstmCache> {
  readonly kind = "LSTMCell";
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly stateSize: number;
  readonly outputSize: number;
  readonly forgetBias: number;
  readonly inputMap: Linear;
  readonly recurrentMap: Linear;
  readonly params: Param[];

  constructor(inputSize: number, hiddenSize: number, { forgetBias = 1 }: { forgetBias?: number } = {}) {
    this.inputSize = checkInt("LstmCell", "inputSize", inputSize, 1);
    this.hiddenSize = checkInt("LstmCell", "hiddenSize", hiddenSize, 1);
    this.stateSize = 2 * hiddenSize;
    this.outputSize = hiddenSize;
    this.forgetBias = forgetBias;
    this.inputMap = Linear.simple(inputSize, 4 * hiddenSize);
    this.recurrentMap = Linear.simple(hiddenSize, 4 * hiddenSize, { bias: false });
    this.params = [
      ...this.inputMap.params.map((p) => p.prefixed("input_map.")),
      ...this.recurrentMap.params.map((p) => p.prefixed("recurrent_map.")),
    ];
  }

  /**
   * ncps init: 1-D parameters U(−0.1, 0.1), input weight Xavier-uniform, recurrent weight
   * orthogonal (Gram-Schmidt on a Gaussian matrix).
   */
  init(rng: Rng): void {
    rng.fillUniform(this.inputMap.bias!, -0.1, 0.1);
    this.inputMap.initXavier(rng);
    orthogonalInit(this.recurrentMap.weight, 4 * this.hiddenSize, this.hiddenSize, rng);
  }

  createCache(batch: number): LstmCache {
    const H = this.hiddenSize;
    const n = batch * H;
    const hOut = heapFloat(n);
    return {
      batch,
      y: hOut,
      h: heapFloat(2 * n),
      hOut,
      cOut: heapFloat(n),
      z: heapFloat(4 * n),
      zRec: heapFloat(4 * n),
      cand: heapFloat(n),
      gi: heapFloat(n),
      gf: heapFloat(n),
      go: heapFloat(n),
      tc: heapFloat(n),
      dz: heapFloat(4 * n),
      hPacked: heapFloat(2 * n),
      hIn: heapFloat(n),
      cIn: heapFloat(n),
      dhIn: heapFloat(n),
      dcIn: heapFloat(n),
      dhPrev: heapFloat(n),
      dcPrev: heapFloat(n),
    };
  }

  /** One step on separate h [B, H] and c [B, H]; writes c.hOut, c.cOut. */
  forwardHC(x: Floats, h: Floats, cPrev: Floats, c: LstmCache): void {
    const B = c.batch,
      H = this.hiddenSize;
    this.inputMap.forward(x, 0, c.z, B);
    this.recurrentMap.forward(h, 0, c.zRec, B);
    const z = c.z,
      zr = c.zRec;
    // float32: the gates on the f32x4 kernel; float64 stays in the loop below (bit for bit).
    const k32 = isF32(z) ? heapKernels32(z, zr, cPrev, c.cand, c.gi, c.gf, c.go, c.cOut, c.tc, c.hOut) : null;
    if (k32) {
      kernelCalls.elementwise++;
      const a = addr;
      k32.lstmGates32(a(z), a(zr), a(cPrev), a(c.cand), a(c.gi), a(c.gf), a(c.go), a(c.cOut), a(c.tc), a(c.hOut), B, H, this.forgetBias);
      return;
    }
    for (let r = 0; r < B; r++) {
      const o = r * 4 * H;
      for (let j = 0; j < H; j++) {
        const k = r * H + j;
        const cand = Math.tanh(z[o + j]! + zr[o + j]!);
        const gi = sigmoid(z[o + H + j]! + zr[o + H + j]!);
        const gf = sigmoid(z[o + 2 * H + j]! + zr[o + 2 * H + j]! + this.forgetBias);
        const go = sigmoid(z[o + 3 * H + j]! + zr[o + 3 * H + j]!);
        const cn = cPrev[k]! * gf + cand * gi;
        const tc = Math.tanh(cn);
        c.cand[k] = cand;
        c.gi[k] = gi;
        c.gf[k] = gf;
        c.go[k] = go;
        c.cOut[k] = cn;
        c.tc[k] = tc;
        c.hOut[k] = tc * go;
      }
    }
  }

  /**
   * Backward of {@link forwardHC}. Accumulates parameter gradients; writes dx [B, I] (added to
   * when `dxAccumulate`), dh [B, H] and dc [B, H] for the previous state.
   */
  backwardHC(
    x: Floats,
    h: Floats,
    cPrev: Floats,
    c: LstmCache,
    dhOut: Floats,
    dcOut: Floats | null,
    dx: Floats,
    dxAccumulate: boolean,
    dh: Floats,
    dc: Floats,
  ): void {
    const B = c.batch,
      H = this.hiddenSize;
    lstmGatesBackward(c, cPrev, dhOut, dcOut, dc, B, H);
    const dz = c.dz;
    this.inputMap.backward(x, 0, dz, B, dx, dxAccumulate);
    this.recurrentMap.backward(h, 0, dz, B, dh, false);
  }

  forward(x: Floats, h: Floats, _dt: Floats, c: LstmCache): void {
    this.unpack(h, c.hIn, c.cIn, c.batch);
    this.forwardHC(x, c.hIn, c.cIn, c);
    this.pack(c.hOut, c.cOut, c.h, c.batch);
  }

  backward(x: Floats, _h: Floats, _dt: Floats, c: LstmCache, dy: Floats | null, dhNew: Floats, dx: Floats, dh: Floats): void {
    const B = c.batch,
      H = this.hiddenSize;
    const dhOut = c.dhIn,
      dcOut = c.dcIn;
    // Split d[h', c'] and add the output gradient to dh'.
    for (let r = 0; r < B; r++)
      for (let j = 0; j < H; j++) {
        dhOut[r * H + j] = dhNew[r * 2 * H + j]! + (dy ? dy[r * H + j]! : 0);
        dcOut[r * H + j] = dhNew[r * 2 * H + H + j]!;
      }
    const dhPrev = c.dhPrev,
      dcPrev = c.dcPrev;
    this.backwardHC(x, c.hIn, c.cIn, c, dhOut, dcOut, dx, false, dhPrev, dcPrev);
    this.pack(dhPrev, dcPrev, dh, B);
  }

  private unpack(packed: Floats, h: Floats, c: Floats, B: number): void {
    const H = this.hiddenSize;
    for (let r = 0; r < B; r++)
      for (let j = 0; j < H; j++) {
        h[r * H + j] = packed[r * 2 * H + j]!;
        c[r * H + j] = packed[r * 2 * H + H + j]!;
      }
  }

  private pack(h: Floats, c: Floats, packed: Floats, B: number): void {
    const H = this.hiddenSize;
    for (let r = 0; r < B; r++)
      for (let j = 0; j < H; j++) {
        packed[r * 2 * H + j] = h[r * H + j]!;
        packed[r * 2 * H + H + j] = c[r * H + j]!;
      }
  }
}

/**
 * The gate part of {@link LstmCell.backwardHC}: from the forward cache (cand, i, f, o, tanh c'),
 * c, ∂h' and ∂c' (null = 0), writes ∂z [B, 4H] into `c.dz` and ∂c_prev into `dc`. Heap buffers
 * of one format run the gate kernel (float64: bit for bit this loop), anything else the loop.
 */
export function lstmGatesBackward(
  c: Pick<LstmCache, "cand" | "gi" | "gf" | "go" | "tc" | "dz">,
  cPrev: Floats,
  dhOut: Floats,
  dcOut: Floats | null,
  dc: Floats,
  B: number,
  H: number,
): void {
  const dz = c.dz;
  const n = B * H;
  const fits = dhOut.length >= n && dc.length >= n && cPrev.length >= n && (!dcOut || dcOut.length >= n) && dz.length >= 4 * n;
  const k = fits ? heapKernelsOf(c.cand, c.gi, c.gf, c.go, c.tc, cPrev, dhOut) : null;
  if (k && heapKernelsOf(dz, dcOut, dc)) {
    kernelCalls.elementwise++;
    const a = addr;
    (isF32(dz) ? k.lstmGatesBack32 : k.lstmGatesBack)(
      a(c.cand),
      a(c.gi),
      a(c.gf),
      a(c.go),
      a(c.tc),
      a(cPrev),
      a(dhOut),
      dcOut ? a(dcOut) : 0,
      a(dz),
      a(dc),
      B,
      H,
    );
    return;
  }
  for (let r = 0; r < B; r++) {
    const o = r * 4 * H;
    for (let j = 0; j < H; j++) {
      const k = r * H + j;
      const go = c.go[k]!,
        tc = c.tc[k]!,
        gi = c.gi[k]!,
        gf = c.gf[k]!,
        cand = c.cand[k]!;
      const dho = dhOut[k]!;
      const dcn = (dcOut ? dcOut[k]! : 0) + dho * go * (1 - tc * tc);
      dz[o + j] = dcn * gi * (1 - cand * cand);
      dz[o + H + j] = dcn * cand * gi * (1 - gi);
      dz[o + 2 * H + j] = dcn * cPrev[k]! * gf * (1 - gf);
      dz[o + 3 * H + j] = dho * tc * go * (1 - go);
      dc[k] = dcn * gf;
    }
  }
}

/** Fill W [rows, cols] with a (semi-)orthogonal matrix: orthonormal columns when rows ≥ cols. */
export function orthogonalInit(w: Floats, rows: number, cols: number, rng: Rng): void {
  const tall = rows >= cols;
  const n = tall ? rows : cols; // vector length
  const m = tall ? cols : rows; // number of vectors
  const v = rng.fillNormal(new Float64Array(n * m));
  for (let a = 0; a < m; a++) {
    const va = v.subarray(a * n, a * n + n);
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < a; b++) {
        const vb = v.subarray(b * n, b * n + n);
        let d = 0;
        for (let i = 0; i < n; i++) d += va[i]! * vb[i]!;
        for (let i = 0; i < n; i++) va[i] -= d * vb[i]!;
      }
    }
    let nrm = 0;
    for (let i = 0; i < n; i++) nrm += va[i]! * va[i]!;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < n; i++) va[i] /= nrm;
  }
  for (let a = 0; a < m; a++)
    for (let i = 0; i < n; i++) {
      if (tall) w[i * cols + a] = v[a * n + i]!;
      else w[a * cols + i] = v[a * n + i]!;
    }
}
