/**
 * 38.901 large-scale parameters (LSPs) as spatially consistent random fields along a user's track.
 *
 * Each LSP is driven by an independent unit-variance Gaussian process z_i(s) with exponential
 * autocorrelation exp(−Δs/d_corr,i) in the travelled distance s, advanced as an AR(1),
 *   z_i(s + Δs) = ρ_i z_i(s) + √(1 − ρ_i²) n,   ρ_i = exp(−Δs/d_corr,i),
 * and the components are mixed by the lower Cholesky factor C of the LSP cross-correlation
 * matrix (x = C z), as 38.901 §7.5 step 4 does with independently filtered fields. Then
 *   lgDS = μ_lgDS + σ_lgDS x_DS (likewise ASD, ASA, ZSA, ZSD),  K[dB] = μ_K + σ_K x_K,
 *   SF[dB] = σ_SF x_SF,
 * with 38.901's caps ASA, ASD ≤ 104° and ZSA, ZSD ≤ 52°.
 */
import { fail } from "../core/errors.ts";
import type { Rng } from "../core/random.ts";
import type { LspName, UmiConditionTable } from "./umi-tables.ts";
import { LSP_ORDER, fcLaw, zsdMean } from "./umi-tables.ts";

/** LSP values at one point. Delay spread in s, angle spreads in degrees, K and SF in dB. */
export interface UmiLsps {
  readonly sfDb: number;
  readonly kDb: number;
  readonly ds: number;
  readonly asd: number;
  readonly asa: number;
  readonly zsd: number;
  readonly zsa: number;
  /** The log10 mean of ZSD used (ZOD ray offsets need 10^{μ_lgZSD}). */
  readonly muLgZsd: number;
}

const N = LSP_ORDER.length;

/** The LSP cross-correlation matrix of a condition, [7 × 7] row-major (order of `LSP_ORDER`). */
export function lspCorrelationMatrix(table: UmiConditionTable): Float64Array {
  const c = new Float64Array(N * N);
  for (let i = 0; i < N; i++) c[i * N + i] = 1;
  const idx = (n: LspName): number => LSP_ORDER.indexOf(n);
  for (const [a, b, rho] of table.crossCorr) {
    c[idx(a) * N + idx(b)] = rho;
    c[idx(b) * N + idx(a)] = rho;
  }
  return c;
}

/** Lower Cholesky factor of a symmetric positive-definite matrix [n × n]. */
export function cholesky(a: Float64Array, n: number, where = "cholesky"): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) fail(where, `matrix is not positive definite (pivot ${s} at row ${i})`);
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  return l;
}

/** A spatially consistent LSP field for one propagation condition along one track. */
export class LspField {
  private readonly z = new Float64Array(N);
  private readonly mix: Float64Array;

  /**
   * @param table - the condition's parameters (LOS or NLOS)
   * @param los - whether `table` is the LOS table (K-factor used)
   * @param rng - stream of this field (consumed by the initial draw and each `advance`)
   * @param crossCorrelation - mix with the 38.901 cross-correlations (false: independent LSPs)
   */
  constructor(
    private readonly table: UmiConditionTable,
    private readonly los: boolean,
    private readonly rng: Rng,
    crossCorrelation = true,
  ) {
    for (let i = 0; i < N; i++) this.z[i] = rng.normal();
    if (crossCorrelation) this.mix = cholesky(lspCorrelationMatrix(table), N, "LspField");
    else {
      this.mix = new Float64Array(N * N);
      for (let i = 0; i < N; i++) this.mix[i * N + i] = 1;
    }
  }

  /** Move the field by Δs metres along the track (AR(1) per component). */
  advance(ds: number): void {
    for (let i = 0; i < N; i++) {
      const rho = Math.exp(-ds / this.table.corrDist[LSP_ORDER[i]!]);
      this.z[i] = rho * this.z[i]! + Math.sqrt(1 - rho * rho) * this.rng.normal();
    }
  }

  /** The correlated standard-normal components x = C z (order of `LSP_ORDER`). */
  normals(): Float64Array {
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += this.mix[i * N + j]! * this.z[j]!;
      x[i] = s;
    }
    return x;
  }

  /** LSP values at the current point for a user at horizontal distance d2D. */
  values(fcGHz: number, d2D: number, hBs: number, hUt: number): UmiLsps {
    return lspsFromNormals(this.table, this.los, this.normals(), fcGHz, d2D, hBs, hUt);
  }
}

/** Map correlated standard normals x (order of `LSP_ORDER`) to LSP values. */
export function lspsFromNormals(
  table: UmiConditionTable,
  los: boolean,
  x: Float64Array,
  fcGHz: number,
  d2D: number,
  hBs: number,
  hUt: number,
): UmiLsps {
  const g = (name: LspName): number => x[LSP_ORDER.indexOf(name)]!;
  const lg = (p: { mu: readonly [number, number]; sigma: readonly [number, number] }, v: number): number =>
    fcLaw(p.mu, fcGHz) + fcLaw(p.sigma, fcGHz) * v;
  const muLgZsd = zsdMean(los, d2D, hBs, hUt);
  return {
    sfDb: table.shadowFadingDb * g("SF"),
    kDb: los && table.kFactorDb ? table.kFactorDb.mu + table.kFactorDb.sigma * g("K") : -Infinity,
    ds: 10 ** lg(table.lgDS, g("DS")),
    asd: Math.min(10 ** lg(table.lgASD, g("ASD")), 104),
    asa: Math.min(10 ** lg(table.lgASA, g("ASA")), 104),
    zsd: Math.min(10 ** (muLgZsd + table.lgZSDsigma * g("ZSD")), 52),
    zsa: Math.min(10 ** lg(table.lgZSA, g("ZSA")), 52),
    muLgZsd,
  };
}
