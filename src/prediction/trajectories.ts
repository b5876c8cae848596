/**
 * Channel trajectories for prediction: one time series h(t) ∈ C^M per user and user antenna,
 * cut out of {@link ChannelDataset}s, each tagged with the split unit ("group") it belongs to.
 *
 * Splits are made by group, never by window: the antennas of one user share scatterers and
 * motion, so they form one group; with several datasets (drops) each (drop, user) is a group.
 */
import { checkInt, fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import type { Rng } from "../core/random.ts";
import type { ChannelDataset } from "../channel/dataset.ts";

/** One channel time series. */
export interface Trajectory {
  /** Unique id (for leakage checks). */
  readonly id: number;
  /** Split unit: trajectories of one group always land in the same split. */
  readonly group: number;
  /** Channel samples, shape [T, M], complex planar, uniformly spaced by the dataset's Δt. */
  readonly h: ComplexTensor;
  /** Mean |h|² per entry over the whole trajectory: the reference power of the input SNR. */
  readonly power: number;
  /** Where it came from, e.g. `drop 0 user 1 antenna 0 samples 0-1999`. */
  readonly label: string;
}

/** Mean |z|² of planar data. */
function meanAbs2(re: Float64Array, im: Float64Array): number {
  let s = 0;
  for (let i = 0; i < re.length; i++) s += re[i]! * re[i]! + im[i]! * im[i]!;
  return re.length === 0 ? 0 : s / re.length;
}

/** A trajectory from planar samples [T, M]. */
export function makeTrajectory(id: number, group: number, h: ComplexTensor, label: string): Trajectory {
  if (h.shape.length !== 2) fail("makeTrajectory", `h has shape ${formatShape(h.shape)}, expected [T, M]`);
  return { id, group, h, power: meanAbs2(h.re, h.im), label };
}

/**
 * Cut datasets into trajectories: `H[:, k, n, :]` for every user k and user antenna n of every
 * dataset (drop). Group = (drop, user); ids and groups are numbered in dataset order.
 * @param datasets - channel datasets, H of shape [T, K, Nk, M] (the true channel is used; Hest is ignored)
 * @returns trajectories of shape [T, M]
 * @throws LiquidwaveError if the datasets disagree in M or a dataset has fewer than 2 samples
 */
export function trajectoriesFromDatasets(datasets: readonly ChannelDataset[]): Trajectory[] {
  const where = "trajectoriesFromDatasets";
  if (datasets.length === 0) fail(where, "no datasets given");
  const out: Trajectory[] = [];
  let group = 0;
  let M0: number | null = null;
  datasets.forEach((ds, d) => {
    const s = ds.H.shape;
    if (s.length !== 4) fail(where, `dataset ${d} has H of shape ${formatShape(s)}, expected [T, K, Nk, M]`);
    const [T, K, Nk, M] = s as [number, number, number, number];
    if (T < 2) fail(where, `dataset ${d} has ${T} time samples; prediction needs a trajectory`);
    if (M0 === null) M0 = M;
    else if (M !== M0) fail(where, `dataset ${d} has M = ${M} BS antennas, dataset 0 has ${M0}`);
    for (let k = 0; k < K; k++) {
      for (let n = 0; n < Nk; n++) {
        const re = new Float64Array(T * M);
        const im = new Float64Array(T * M);
        for (let t = 0; t < T; t++) {
          const src = ((t * K + k) * Nk + n) * M;
          re.set(ds.H.re.subarray(src, src + M), t * M);
          im.set(ds.H.im.subarray(src, src + M), t * M);
        }
        out.push(makeTrajectory(out.length, group, { shape: [T, M], re, im }, `drop ${d} user ${k} antenna ${n}`));
      }
      group++;
    }
  });
  return out;
}

/**
 * Cut each trajectory into contiguous segments of `length` samples separated by `guard` unused
 * samples, each segment its own group — for sources with too few independent trajectories to
 * split (e.g. one long recorded track). Windows never cross a segment, so no sample is shared
 * between splits; the guard reduces the correlation between neighbouring segments.
 * Segments keep the parent's reference power (the SNR stays defined w.r.t. the whole track).
 */
export function segmentTrajectories(trajectories: readonly Trajectory[], length: number, guard: number): Trajectory[] {
  const where = "segmentTrajectories";
  checkInt(where, "length", length, 2);
  checkInt(where, "guard", guard, 0);
  const out: Trajectory[] = [];
  for (const tr of trajectories) {
    const [T, M] = tr.h.shape as [number, number];
    for (let s = 0; s + length <= T; s += length + guard) {
      const h = { shape: [length, M], re: tr.h.re.slice(s * M, (s + length) * M), im: tr.h.im.slice(s * M, (s + length) * M) };
      out.push({ id: out.length, group: out.length, h, power: tr.power, label: `${tr.label} samples ${s}-${s + length - 1}` });
    }
  }
  if (out.length === 0) fail(where, `no trajectory is long enough for one segment of ${length} samples`);
  return out;
}

/** Fractions of groups for training, validation and test. */
export type SplitFractions = readonly [train: number, validation: number, test: number];

/** Trajectories of each split. */
export interface TrajectorySplit {
  readonly train: Trajectory[];
  readonly validation: Trajectory[];
  readonly test: Trajectory[];
}

/**
 * Split trajectories by group: the groups are shuffled (seeded) and dealt out by the fractions
 * (largest-remainder rounding, each non-zero fraction gets at least one group).
 * @throws LiquidwaveError if there are fewer groups than non-zero fractions
 */
export function splitByGroup(trajectories: readonly Trajectory[], fractions: SplitFractions, rng: Rng): TrajectorySplit {
  const where = "splitByGroup";
  const sum = fractions[0] + fractions[1] + fractions[2];
  if (fractions.some((f) => !(f >= 0)) || !(sum > 0))
    fail(where, `fractions must be non-negative with a positive sum, got [${fractions.join(", ")}]`);
  const groups = [...new Set(trajectories.map((t) => t.group))].sort((a, b) => a - b);
  const need = fractions.filter((f) => f > 0).length;
  if (groups.length < need) {
    fail(
      where,
      `${groups.length} independent trajectory group(s) cannot fill ${need} splits; use more users/drops or cut long tracks into segments`,
    );
  }
  rng.shuffle(groups);
  const n = groups.length;
  const ideal = fractions.map((f) => (f / sum) * n);
  const counts = ideal.map((x) => Math.floor(x));
  const byRemainder = [0, 1, 2].sort((a, b) => ideal[b]! - counts[b]! - (ideal[a]! - counts[a]!) || a - b);
  for (let left = n - counts[0]! - counts[1]! - counts[2]!, j = 0; left > 0; left--, j++) counts[byRemainder[j % 3]!]!++;
  // Every non-zero fraction gets at least one group, taken from the largest split.
  for (let i = 0; i < 3; i++) {
    if (fractions[i]! > 0 && counts[i] === 0) {
      const big = [0, 1, 2].reduce((a, b) => (counts[b]! > counts[a]! ? b : a));
      counts[big]!--;
      counts[i] = 1;
    }
  }
  const of = new Map<number, number>();
  groups.forEach((g, i) => of.set(g, i < counts[0]! ? 0 : i < counts[0]! + counts[1]! ? 1 : 2));
  const parts: [Trajectory[], Trajectory[], Trajectory[]] = [[], [], []];
  for (const t of trajectories) parts[of.get(t.group)!]!.push(t);
  return { train: parts[0], validation: parts[1], test: parts[2] };
}
