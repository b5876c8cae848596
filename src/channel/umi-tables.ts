/**
 * 3GPP TR 38.901 UMi – Street Canyon fast-fading parameters (Table 7.5-6 Part-1, values of
 * TR 38.901 v16/v17), as a versioned constant. lgX = log10(X); delays in s, angles in degrees,
 * f_c in GHz clipped to ≥ 2 GHz for the LSP laws (38.901 note 6 of Table 7.5-6).
 *
 * The laws μ(fc) = a·log10(1 + fc) + b are written as [a, b] pairs.
 */

/** Identifier of this parameter set, echoed in generated configs. */
export const UMI_TABLE_VERSION = "tr38901-v17-umi-street-canyon";

/** An affine law in log10(1 + fc): value = a·log10(1 + fc) + b. */
export type FcLaw = readonly [a: number, b: number];

/** LSP and cluster parameters of one propagation condition. */
export interface UmiConditionTable {
  readonly lgDS: { readonly mu: FcLaw; readonly sigma: FcLaw };
  readonly lgASD: { readonly mu: FcLaw; readonly sigma: FcLaw };
  readonly lgASA: { readonly mu: FcLaw; readonly sigma: FcLaw };
  readonly lgZSA: { readonly mu: FcLaw; readonly sigma: FcLaw };
  /** σ of lgZSD; its mean depends on distance and heights (see `zsdMean`). */
  readonly lgZSDsigma: number;
  /** Ricean K-factor in dB (LOS only). */
  readonly kFactorDb?: { readonly mu: number; readonly sigma: number };
  readonly shadowFadingDb: number;
  readonly delayScaling: number;
  readonly clusters: number;
  readonly raysPerCluster: number;
  /** Cluster delay spread c_DS in s (sub-cluster offsets 1.28 c_DS, 2.56 c_DS). */
  readonly clusterDs: number;
  readonly clusterAsd: number;
  readonly clusterAsa: number;
  readonly clusterZsa: number;
  /** Per-cluster shadowing ζ in dB. */
  readonly clusterShadowingDb: number;
  /** Cross-polarisation power ratio XPR: log-normal, mean μ_XPR and spread σ_XPR of 10 log10 κ, dB. */
  readonly xprDb: { readonly mu: number; readonly sigma: number };
  /** C_φ^NLOS and C_θ^NLOS for this number of clusters (Tables 7.5-2, 7.5-4). */
  readonly cPhiNlos: number;
  readonly cThetaNlos: number;
  /**
   * Correlation distances in m of the LSPs in the order of `LSP_ORDER` (for NLOS the K entry is
   * unused).
   */
  readonly corrDist: Readonly<Record<LspName, number>>;
  /** Cross-correlations ρ(a, b) of the standard-normal LSP components (absent pairs are 0). */
  readonly crossCorr: readonly (readonly [LspName, LspName, number])[];
}

/** The large-scale parameters, in the order used for the correlation matrix. */
export const LSP_ORDER = ["SF", "K", "DS", "ASD", "ASA", "ZSD", "ZSA"] as const;
export type LspName = (typeof LSP_ORDER)[number];

/** 38.901 ray offset angles α_m of the 20 rays of a cluster (Table 7.5-3), unit-free. */
export const RAY_OFFSETS: readonly number[] = [
  0.0447, -0.0447, 0.1413, -0.1413, 0.2492, -0.2492, 0.3715, -0.3715, 0.5129, -0.5129, 0.6797, -0.6797, 0.8844, -0.8844, 1.1481, -1.1481,
  1.5195, -1.5195, 2.1551, -2.1551,
];

/**
 * Rays (0-based indices into `RAY_OFFSETS`) of the three sub-clusters the two strongest clusters
 * are split into (38.901 Table 7.5-5: rays 1–8, 19, 20 / 9–12, 17, 18 / 13–16), with their delay
 * offsets 0, 1.28 c_DS, 2.56 c_DS.
 */
export const SUBCLUSTERS: readonly { readonly rays: readonly number[]; readonly delayFactor: number }[] = [
  { rays: [0, 1, 2, 3, 4, 5, 6, 7, 18, 19], delayFactor: 0 },
  { rays: [8, 9, 10, 11, 16, 17], delayFactor: 1.28 },
  { rays: [12, 13, 14, 15], delayFactor: 2.56 },
];

export const UMI_LOS: UmiConditionTable = {
  lgDS: { mu: [-0.24, -7.14], sigma: [0, 0.38] },
  lgASD: { mu: [-0.05, 1.21], sigma: [0, 0.41] },
  lgASA: { mu: [-0.08, 1.73], sigma: [0.014, 0.28] },
  lgZSA: { mu: [-0.1, 0.73], sigma: [-0.04, 0.34] },
  lgZSDsigma: 0.35,
  kFactorDb: { mu: 9, sigma: 5 },
  shadowFadingDb: 4,
  delayScaling: 3,
  clusters: 12,
  raysPerCluster: 20,
  clusterDs: 5e-9,
  clusterAsd: 3,
  clusterAsa: 17,
  clusterZsa: 7,
  clusterShadowingDb: 3,
  xprDb: { mu: 9, sigma: 3 },
  cPhiNlos: 1.146,
  cThetaNlos: 1.104,
  corrDist: { SF: 10, K: 15, DS: 7, ASD: 8, ASA: 8, ZSD: 12, ZSA: 12 },
  crossCorr: [
    ["ASD", "DS", 0.5],
    ["ASA", "DS", 0.8],
    ["ASA", "SF", -0.4],
    ["ASD", "SF", -0.5],
    ["DS", "SF", -0.4],
    ["ASD", "ASA", 0.4],
    ["ASD", "K", -0.2],
    ["ASA", "K", -0.3],
    ["DS", "K", -0.7],
    ["SF", "K", 0.5],
    ["ZSD", "ASD", 0.5],
    ["ZSA", "ASD", 0.3],
    ["ZSA", "DS", 0.2],
  ],
};

export const UMI_NLOS: UmiConditionTable = {
  lgDS: { mu: [-0.24, -6.83], sigma: [0.16, 0.28] },
  lgASD: { mu: [-0.23, 1.53], sigma: [0.11, 0.33] },
  lgASA: { mu: [-0.08, 1.81], sigma: [0.05, 0.3] },
  lgZSA: { mu: [-0.04, 0.92], sigma: [-0.07, 0.41] },
  lgZSDsigma: 0.35,
  shadowFadingDb: 7.82,
  delayScaling: 2.1,
  clusters: 19,
  raysPerCluster: 20,
  clusterDs: 11e-9,
  clusterAsd: 10,
  clusterAsa: 22,
  clusterZsa: 7,
  clusterShadowingDb: 3,
  xprDb: { mu: 8, sigma: 3 },
  cPhiNlos: 1.273,
  cThetaNlos: 1.184,
  corrDist: { SF: 13, K: 15, DS: 10, ASD: 10, ASA: 9, ZSD: 10, ZSA: 10 },
  crossCorr: [
    ["ASA", "DS", 0.4],
    ["ASA", "SF", -0.4],
    ["DS", "SF", -0.7],
    ["ZSD", "DS", -0.5],
    ["ZSD", "ASD", 0.5],
    ["ZSA", "ASD", 0.5],
    ["ZSA", "ASA", 0.2],
  ],
};

/** Evaluate an [a, b] law at fc (GHz, clipped to ≥ 2 GHz). */
export function fcLaw(law: FcLaw, fcGHz: number): number {
  return law[0] * Math.log10(1 + Math.max(fcGHz, 2)) + law[1];
}

/**
 * Mean of lgZSD (38.901 Table 7.5-6 Part-1, UMi):
 * LOS max[−0.21, −14.8 d_2D/1000 + 0.01 |h_UT − h_BS| + 0.83];
 * NLOS max[−0.5, −3.1 d_2D/1000 + 0.01 max(h_UT − h_BS, 0) + 0.2].
 */
export function zsdMean(los: boolean, d2D: number, hBs: number, hUt: number): number {
  return los
    ? Math.max(-0.21, (-14.8 * d2D) / 1000 + 0.01 * Math.abs(hUt - hBs) + 0.83)
    : Math.max(-0.5, (-3.1 * d2D) / 1000 + 0.01 * Math.max(hUt - hBs, 0) + 0.2);
}

/** ZOD offset μ_offset,ZOD in degrees: 0 (LOS), −10^{−1.5 log10(max(10, d_2D)) + 3.3} (NLOS). */
export function zodOffsetDeg(los: boolean, d2D: number): number {
  return los ? 0 : -(10 ** (-1.5 * Math.log10(Math.max(10, d2D)) + 3.3));
}
