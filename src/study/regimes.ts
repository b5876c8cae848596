/**
 * "Where liquid models win": the per-regime tables of a prediction study (RESULTS.md).
 *
 * A regime is one summary group (the grid values other than the seed). For every model of the
 * group: the mean NMSE over the F steps (dB) and the step-1 and last-step NMSE as mean and 95 %
 * Student-t interval over the seeds; the paired gain over the run's best classical model
 * (`vsBestClassicalDb`, positive: better, with its own interval over the seeds); the parameter
 * count; and the median over the cells of the measured µs per prediction (a timing, not in the
 * summary's metrics; read from the results lines).
 *
 * Verdicts of a regime, twice: for the liquid networks alone (cfc, ltc, ncp, ltc-ncp) and for the
 * hybrids (a liquid network on the residual of a classical base, `ltc+kalman`), each against the
 * classical models: take the best of the group (lowest mean NMSE, group means) and the best
 * classical model; with I_L and I_C their 95 % intervals of the mean NMSE in dB,
 * - `wins` when I_L lies entirely below I_C (non-overlapping, liquid lower),
 * - `loses` when I_L lies entirely above I_C,
 * - `ties` otherwise.
 * The paired interval is reported beside it; it is not what the verdict uses.
 */
import { fail } from "../core/errors.ts";
import { LIQUID_KINDS } from "../prediction/learned.ts";
import { CLASSICAL_PREDICTORS } from "../prediction/registry.ts";
import { readResults } from "./results.ts";
import type { MetricStats } from "./stats.ts";
import { groupLabel, type StudySummary } from "./summary.ts";

/** Whether a prediction model name is a liquid network alone (`ltc`, not `ltc+kalman`). */
export function isLiquidModel(name: string): boolean {
  return (LIQUID_KINDS as readonly string[]).includes(name);
}

/** Whether a prediction model name is a liquid network on a classical base (`ltc+kalman`). */
export function isLiquidHybrid(name: string): boolean {
  const [kind, base] = name.split("+");
  return base !== undefined && (LIQUID_KINDS as readonly string[]).includes(kind!);
}

/** Whether a prediction model name is a classical predictor. */
export function isClassicalModel(name: string): boolean {
  return (CLASSICAL_PREDICTORS as readonly string[]).includes(name);
}

export interface RegimeRow {
  readonly model: string;
  /** Mean over the steps of NMSE (dB), over the seeds. */
  readonly meanNmseDb: MetricStats;
  /** Step-1 NMSE, dB. */
  readonly firstStepDb: MetricStats;
  /** Last-step NMSE, dB. */
  readonly lastStepDb: MetricStats;
  /** Paired gain over the run's best classical model, dB (positive: better); null if absent. */
  readonly vsBestClassicalDb: MetricStats | null;
  /** Trainable parameters (mean over the seeds; equal across seeds for a fixed size). */
  readonly params: number;
  /** Median over the cells of the measured µs per predicted window; null without timings. */
  readonly usPerPrediction: number | null;
}

export type Verdict = "wins" | "ties" | "loses";

export interface RegimeTable {
  /** The group's grid values, e.g. `maxGap=3`. */
  readonly label: string;
  readonly cell: Record<string, unknown>;
  /** Seeds in the group. */
  readonly n: number;
  /** Horizon F (the last step's index + 1). */
  readonly horizon: number;
  readonly rows: RegimeRow[];
  readonly bestClassical: string;
  /** The best liquid network alone, and its verdict against the best classical model. */
  readonly bestLiquid: string;
  readonly verdict: Verdict;
  /** The best hybrid and its verdict; null when the study has no hybrid. */
  readonly bestHybrid: string | null;
  readonly hybridVerdict: Verdict | null;
}

/**
 * The per-regime tables of a finished (or partly finished) prediction study.
 * @param summary - `summarizeStudy(dir)` of a `task: predict` study
 * @param dir - the study folder (for the timings of results.jsonl)
 * @throws LiquidwaveError when the study is not a prediction study, or a group has no liquid or
 *   no classical model
 */
export function regimeTables(summary: StudySummary, dir: string): RegimeTable[] {
  const where = "regimeTables";
  if (summary.study.task !== "predict") fail(where, `the study's task is '${summary.study.task}', expected 'predict'`);
  const lines = readResults(dir).lines;
  return summary.groups
    .filter((g) => g.n > 0)
    .map((g) => {
      const models = [...new Set(Object.keys(g.metrics).flatMap((k) => /^models\[([^\]]+)\]\.meanNmseDb$/.exec(k)?.[1] ?? []))];
      const steps = Object.keys(g.metrics).filter((k) => k.startsWith(`models[${models[0]}].nmseDb[`)).length;
      const inGroup = lines.filter((l) => Object.entries(g.cell).every(([k, v]) => JSON.stringify(l.cell[k]) === JSON.stringify(v)));
      const rows: RegimeRow[] = models.map((m) => {
        const get = (path: string): MetricStats => {
          const s = g.metrics[`models[${m}].${path}`];
          if (!s) fail(where, `group ${groupLabel(g.cell)}: no metric models[${m}].${path}`);
          return s;
        };
        const us = inGroup
          .map(
            (l) =>
              (l.result as { models?: { name: string; usPerPrediction?: number }[] }).models?.find((r) => r.name === m)?.usPerPrediction,
          )
          .filter((v): v is number => typeof v === "number")
          .sort((a, b) => a - b);
        return {
          model: m,
          meanNmseDb: get("meanNmseDb"),
          firstStepDb: get("nmseDb[0]"),
          lastStepDb: get(`nmseDb[${steps - 1}]`),
          vsBestClassicalDb: g.metrics[`models[${m}].vsBestClassicalDb`] ?? null,
          params: get("params").mean,
          usPerPrediction: us.length ? us[Math.floor((us.length - 1) / 2)]! : null,
        };
      });
      const best = (pick: (name: string) => boolean): RegimeRow | null => {
        const c = rows.filter((r) => pick(r.model));
        return c.length ? c.reduce((a, b) => (b.meanNmseDb.mean < a.meanNmseDb.mean ? b : a)) : null;
      };
      const L = best(isLiquidModel),
        H = best(isLiquidHybrid),
        C = best(isClassicalModel);
      if (!L || !C) fail(where, `group ${groupLabel(g.cell)}: needs a liquid model and a classical model`);
      return {
        label: groupLabel(g.cell),
        cell: g.cell,
        n: g.n,
        horizon: steps,
        rows,
        bestClassical: C.model,
        bestLiquid: L.model,
        verdict: verdictOf(L.meanNmseDb, C.meanNmseDb),
        bestHybrid: H?.model ?? null,
        hybridVerdict: H ? verdictOf(H.meanNmseDb, C.meanNmseDb) : null,
      };
    });
}

/**
 * Compare two mean-NMSE intervals (dB, lower is better).
 * @returns `wins` if a's interval lies entirely below b's, `loses` if entirely above, else `ties`
 *   (one seed, no interval: compared by the means)
 */
export function verdictOf(a: MetricStats, b: MetricStats): Verdict {
  const [aLo, aHi] = a.ci95 ?? [a.mean, a.mean];
  const [bLo, bHi] = b.ci95 ?? [b.mean, b.mean];
  if (aHi < bLo) return "wins";
  if (aLo > bHi) return "loses";
  return "ties";
}

const f = (v: number, d = 2): string => v.toFixed(d);
const ci = (s: MetricStats): string => (s.ci95 ? `${f(s.mean)} [${f(s.ci95[0])}, ${f(s.ci95[1])}]` : f(s.mean));

/** A regime table as Markdown (one row per model, the verdict below). */
export function regimeMarkdown(t: RegimeTable): string {
  const head = `| model | mean NMSE, dB | step 1, dB | step ${t.horizon}, dB | gain over best classical (paired), dB | parameters | µs / prediction |`;
  const rule = "|---|---|---|---|---|---:|---:|";
  const rows = t.rows.map(
    (r) =>
      `| ${r.model} | ${ci(r.meanNmseDb)} | ${ci(r.firstStepDb)} | ${ci(r.lastStepDb)} | ${r.vsBestClassicalDb ? ci(r.vsBestClassicalDb) : "—"} | ${r.params} | ${r.usPerPrediction === null ? "—" : f(r.usPerPrediction, 0)} |`,
  );
  const hybrid = t.bestHybrid ? `; best hybrid \`${t.bestHybrid}\` **${t.hybridVerdict}**` : "";
  const verdict = `**${t.label}** (n = ${t.n} seeds), against the best classical \`${t.bestClassical}\`: best liquid network alone \`${t.bestLiquid}\` **${t.verdict}**${hybrid}.`;
  return [head, rule, ...rows, "", verdict].join("\n");
}

/**
 * All regimes of a study in one Markdown table: a row per model (parameters — a range when the
 * regimes differ, e.g. with the time feature of irregular sampling —, median µs per
 * prediction over every cell, then the mean NMSE in dB with its 95 % interval per regime), a row
 * with each regime's paired gain of the best hybrid over the best classical model, and the
 * verdict rows.
 */
export function regimesCompactMarkdown(tables: readonly RegimeTable[]): string {
  if (tables.length === 0) return "";
  const models = tables[0]!.rows.map((r) => r.model);
  const head = `| model | parameters | µs / prediction | ${tables.map((t) => t.label).join(" | ")} |`;
  const rule = `|---|---:|---:|${tables.map(() => "---|").join("")}`;
  const rows = models.map((m) => {
    const cells = tables.map((t) => t.rows.find((r) => r.model === m));
    const us = cells
      .map((r) => r?.usPerPrediction)
      .filter((v): v is number => typeof v === "number")
      .sort((a, b) => a - b);
    const mid = us.length ? f(us[Math.floor((us.length - 1) / 2)]!, 0) : "—";
    const ps = [...new Set(cells.flatMap((r) => (r ? [r.params] : [])))].sort((a, b) => a - b);
    const params = ps.length === 0 ? "—" : ps.length === 1 ? `${ps[0]}` : `${ps[0]}–${ps[ps.length - 1]}`;
    return `| ${m} | ${params} | ${mid} | ${cells.map((r) => (r ? ci(r.meanNmseDb) : "—")).join(" | ")} |`;
  });
  const paired = tables.map((t) => {
    const h = t.bestHybrid ? t.rows.find((r) => r.model === t.bestHybrid)?.vsBestClassicalDb : null;
    return h ? `${t.bestHybrid}: ${ci(h)}` : "—";
  });
  const verdicts = [
    `| **liquid alone vs best classical** | | | ${tables.map((t) => `\`${t.bestLiquid}\` vs \`${t.bestClassical}\`: **${t.verdict}**`).join(" | ")} |`,
    `| **hybrid vs best classical** | | | ${tables.map((t) => (t.bestHybrid ? `\`${t.bestHybrid}\`: **${t.hybridVerdict}**` : "—")).join(" | ")} |`,
    `| paired gain of that hybrid over the run's best classical, dB | | | ${paired.join(" | ")} |`,
  ];
  return [head, rule, ...rows, ...verdicts].join("\n");
}
