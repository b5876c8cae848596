/**
 * "Where liquid models win" for beamforming: the per-regime tables of a `task: beamform` study
 * (RESULTS.md). A regime is a grid point without its seed; per regime and algorithm:
 *
 * - the sum SE over the seeds (each seed's mean over its slots, bit/s/Hz): mean and 95 % Student-t
 *   interval;
 * - the mean of the per-seed percentages of a reference algorithm (converged WMMSE, `wmmse`, when
 *   it ran, else the first algorithm of the study);
 * - the median over the seeds of each run's median design time per slot (a timing, not a result).
 *
 * The verdict of one algorithm (the liquid one, default `glnn`) against another (`against`, default
 * the best classical algorithm of the regime: the highest mean SE among those that are not
 * learned) comes from the 95 % interval of the per-seed *paired* difference d_s = SE_liquid,s −
 * SE_other,s: **wins** if it lies above 0, **loses** if below, **ties** otherwise (one seed: by the
 * sign of the difference). Pairing removes the channel draw each seed shares, so it is sharper
 * than comparing the two unpaired intervals (the prediction tables' rule, regimes.ts).
 */
import { fail } from "../core/errors.ts";
import { medianIqr } from "../beamforming/trajectory.ts";
import { readResults } from "./results.ts";
import { describe } from "./stats.ts";
import type { Verdict } from "./regimes.ts";

/** Learned beamformers (the rest are classical): GLNN and its variants, LSTMs, LAGD, the liquid chooser. */
const LEARNED = /^(glnn|lstm|lagd)|smooth=liquid/;

/** Whether a beamforming algorithm name is a learned one (not a candidate for "best classical"). */
export function isLearnedBeamformer(name: string): boolean {
  return LEARNED.test(name);
}

export interface BeamformRegimeRow {
  readonly algorithm: string;
  /** Sum SE over the seeds, bit/s/Hz: mean and 95 % interval (null with one seed). */
  readonly se: { readonly mean: number; readonly ci95: readonly [number, number] | null };
  /** Mean over the seeds of the percentage of the reference algorithm's sum SE. */
  readonly percentOfReference: number;
  /** Median over the seeds of the median design time per slot, ms. */
  readonly msPerSlot: number;
}

export interface BeamformRegimeTable {
  /** The regime's grid values without the seed. */
  readonly cell: Record<string, unknown>;
  /** A readable label (`1 m/s, CEE -5 dB`). */
  readonly label: string;
  /** Seeds in the regime. */
  readonly n: number;
  readonly reference: string;
  readonly rows: BeamformRegimeRow[];
  /** The paired comparison of the liquid algorithm; null when it did not run in this regime. */
  readonly comparison: {
    readonly liquid: string;
    readonly other: string;
    /** Mean and 95 % interval of the paired difference, bit/s/Hz. */
    readonly diff: { readonly mean: number; readonly lo: number; readonly hi: number };
    readonly verdict: Verdict;
  } | null;
}

/** Options of {@link beamformRegimeTables}. */
export interface BeamformRegimeOptions {
  /** The algorithm whose verdict is given (default `glnn`). */
  readonly liquid?: string;
  /** Compare it with this algorithm instead of the regime's best classical one. */
  readonly against?: string;
}

interface Alg {
  readonly name: string;
  readonly seMean: number;
  readonly msMedian: number;
}

/** `1 m/s, CEE -5 dB, powerDbm 10`: a regime's label. */
function label(cell: Record<string, unknown>): string {
  return Object.entries(cell)
    .map(([k, v]) => (k === "cee" && v === -300 ? "perfect CSI" : k === "cee" ? `CEE ${v} dB` : k === "speed" ? `${v} m/s` : `${k} ${v}`))
    .join(", ");
}

/**
 * The per-regime tables of a finished (or partly finished) beamforming study, regimes in
 * ascending order of their grid values.
 * @param dir - the study folder (its results.jsonl)
 * @throws LiquidwaveError when the folder holds no beamforming results, or `against` did not run
 */
export function beamformRegimeTables(dir: string, options: BeamformRegimeOptions = {}): BeamformRegimeTable[] {
  const where = "beamformRegimeTables";
  const liquid = options.liquid ?? "glnn";
  const groups = new Map<string, { cell: Record<string, unknown>; bySeed: Map<number, Alg[]> }>();
  for (const line of readResults(dir).lines) {
    const algorithms = (line.result as { algorithms?: Alg[] } | null)?.algorithms;
    if (!Array.isArray(algorithms)) fail(where, `${dir}: cell ${JSON.stringify(line.cell)} has no beamforming result (algorithms)`);
    const { seed, ...rest } = line.cell as Record<string, unknown>;
    const key = JSON.stringify(rest);
    if (!groups.has(key)) groups.set(key, { cell: rest, bySeed: new Map() });
    groups.get(key)!.bySeed.set(seed as number, algorithms);
  }
  if (groups.size === 0) fail(where, `${dir}: no finished cells`);
  const sorted = [...groups.values()].sort((a, b) => {
    for (const k of Object.keys(a.cell)) {
      const d = (a.cell[k] as number) - (b.cell[k] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
  return sorted.map((g) => {
    const seeds = [...g.bySeed.keys()].sort((a, b) => a - b);
    const names = g.bySeed.get(seeds[0]!)!.map((a) => a.name);
    const pick = (name: string): Alg[] =>
      seeds.map((s) => {
        const a = g.bySeed.get(s)!.find((x) => x.name === name);
        if (!a) fail(where, `${dir}: regime ${label(g.cell)}, seed ${s} has no algorithm '${name}'`);
        return a;
      });
    const se = (name: string) => pick(name).map((a) => a.seMean);
    const reference = names.includes("wmmse") ? "wmmse" : names[0]!;
    const ref = se(reference);
    const rows = names.map((n) => {
      const d = describe(se(n));
      return {
        algorithm: n,
        se: { mean: d.mean, ci95: d.ci95 ?? null },
        percentOfReference: describe(se(n).map((v, i) => (100 * v) / ref[i]!)).mean,
        msPerSlot: medianIqr(pick(n).map((a) => a.msMedian)).median,
      };
    });
    const classical = names.filter((n) => !isLearnedBeamformer(n));
    let comparison: BeamformRegimeTable["comparison"] = null;
    if (names.includes(liquid)) {
      if (options.against !== undefined && !names.includes(options.against))
        fail(where, `against: '${options.against}' did not run in regime ${label(g.cell)} (algorithms: ${names.join(", ")})`);
      const candidates = classical.filter((n) => n !== liquid);
      if (options.against === undefined && candidates.length === 0)
        fail(where, `regime ${label(g.cell)} has no classical algorithm to compare with`);
      const other = options.against ?? candidates.reduce((b, n) => (describe(se(n)).mean > describe(se(b)).mean ? n : b), candidates[0]!);
      const o = se(other);
      const diff = describe(se(liquid).map((v, i) => v - o[i]!));
      const [lo, hi] = diff.ci95 ?? [diff.mean, diff.mean];
      comparison = { liquid, other, diff: { mean: diff.mean, lo, hi }, verdict: lo > 0 ? "wins" : hi < 0 ? "loses" : "ties" };
    }
    return { cell: g.cell, label: label(g.cell), n: seeds.length, reference, rows, comparison };
  });
}

const f2 = (x: number): string => x.toFixed(2);

/**
 * The tables as Markdown: one per regime, then the verdicts.
 * @param params - optional parameter counts per algorithm, shown as a column when given
 */
export function beamformRegimesMarkdown(
  tables: readonly BeamformRegimeTable[],
  options: BeamformRegimeOptions & { readonly params?: ReadonlyMap<string, string> } = {},
): string {
  const liquid = options.liquid ?? "glnn";
  const params = options.params ?? new Map<string, string>();
  let out = "";
  const verdicts: string[] = [];
  for (const t of tables) {
    out += `\n### ${t.label} (n = ${t.n} seeds)\n\n`;
    out += `| algorithm | sum SE (bit/s/Hz) | 95 % interval | % of ${t.reference} | time per slot (µs, median) |${params.size ? " parameters |" : ""}\n`;
    out += `|---|---|---|---|---|${params.size ? "---|" : ""}\n`;
    for (const r of t.rows) {
      const ci = r.se.ci95 ? `[${f2(r.se.ci95[0])}, ${f2(r.se.ci95[1])}]` : "-";
      const pc = params.size ? ` ${params.get(r.algorithm) ?? "-"} |` : "";
      out += `| ${r.algorithm} | ${f2(r.se.mean)} | ${ci} | ${r.percentOfReference.toFixed(1)} | ${(1000 * r.msPerSlot).toFixed(1)} |${pc}\n`;
    }
    const c = t.comparison;
    if (c) {
      const line = `${t.label}: ${c.liquid} − ${c.other} = ${f2(c.diff.mean)} bit/s/Hz [${f2(c.diff.lo)}, ${f2(c.diff.hi)}] → **${c.verdict}**`;
      verdicts.push(line);
      out += `\n${options.against ? "Compared with" : "Best classical"}: ${c.other}. ${line}\n`;
    }
  }
  out += `\n### Verdicts (${liquid} vs ${options.against ?? "the best classical algorithm"}, paired over seeds)\n\n`;
  for (const v of verdicts) out += `- ${v}\n`;
  return out;
}
