/**
 * Writing an experiment's result: `<name>.json` (everything, plus the file list), `<name>.csv`
 * (the series in long format), `<name>-table.csv` (the summary table) and the figure
 * (`<name>.vl.json`, `<name>.svg`, `<name>.png`). Every file is written atomically.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/fs.ts";
import type { ExperimentResult } from "../experiments/types.ts";
import { linePlot, type SeriesPoint } from "./plots.ts";
import { toCsv, writeFigure } from "./write.ts";

/** At most this many plotted points per series (long trajectories are thinned for the figure only). */
const MAX_PLOT_POINTS = 400;

/** The points of a figure (thinned evenly when a series is long; the CSV keeps every point). */
export function experimentPoints(r: ExperimentResult): SeriesPoint[] {
  const pts: SeriesPoint[] = [];
  for (const s of r.series) {
    const step = Math.max(1, Math.ceil(s.x.length / MAX_PLOT_POINTS));
    for (let i = 0; i < s.x.length; i += step) {
      const y = s.y[i]!;
      if (!Number.isFinite(y) || (r.logY && !(y > 0))) continue;
      pts.push({ x: s.x[i]!, y, series: s.label });
    }
  }
  return pts;
}

/**
 * Write the files of an experiment into `dir` (created if needed).
 * @returns the paths written, the JSON document first
 */
export async function writeExperiment(r: ExperimentResult, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, r.name);
  const csvRows: (string | number | null)[][] = [];
  for (const s of r.series) {
    s.x.forEach((x, i) => {
      csvRows.push([
        s.name,
        s.label,
        x,
        s.y[i]!,
        s.yStd ? s.yStd[i]! : null,
        s.raw ? s.raw[i]! : null,
        s.maxPowerDbm && s.maxPowerDbm.length === s.x.length ? s.maxPowerDbm[i]! : (s.maxPowerDbm?.[0] ?? null),
        s.msPerSample && s.msPerSample.length === s.x.length ? s.msPerSample[i]! : (s.msPerSample?.[0] ?? null),
        s.equalPower === undefined ? null : s.equalPower ? 1 : 0,
      ]);
    });
  }
  const files = [`${base}.json`, `${base}.csv`, `${base}-table.csv`, `${base}.vl.json`, `${base}.svg`, `${base}.png`];
  writeFileAtomic(
    files[1]!,
    toCsv(["series", "label", "x", "y", "y_std", "raw", "max_power_dbm", "ms_per_sample", "equal_power"], csvRows),
  );
  writeFileAtomic(files[2]!, toCsv(r.table.header, r.table.rows));
  const spec = linePlot(experimentPoints(r), {
    title: r.title,
    xTitle: r.xLabel,
    yTitle: r.yLabel,
    logX: r.logX,
    logY: r.logY,
    width: 560,
    height: 320,
  });
  // labels carry warnings (e.g. "NOT the budget P"): do not truncate them in the legend
  (spec as { config?: Record<string, unknown> }).config = {
    ...(spec as { config?: Record<string, unknown> }).config,
    legend: { labelLimit: 0 },
  };
  await writeFigure(dir, r.name, spec, r.title);
  writeFileAtomic(files[0]!, JSON.stringify({ ...r, files }, null, 1) + "\n");
  return files;
}
