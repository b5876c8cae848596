/**
 * `study report DIR`: an HTML page with SVG/PNG figures (group means with 95 % confidence error
 * bars) and the summary as CSV, in `DIR/report/`.
 *
 * One figure per metric name (the last part of the metric path, e.g. `seMean`) whose means vary:
 * x is the first grid key (other than seed) with numeric values, one line per entity of the
 * metric (e.g. the algorithm) and per value of the remaining grid keys. Without a numeric grid key
 * the groups are numbered along x (the table says which is which).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../core/fs.ts";
import type { Figure, Section } from "../report/html.ts";
import { linePlot, type SeriesPoint } from "../report/plots.ts";
import { toCsv, writeFigure, writeReportPage } from "../report/write.ts";
import { VERSION } from "../version.ts";
import { groupLabel, type StudySummary } from "./summary.ts";

/** At most this many figures (the CSV has everything). */
const MAX_FIGURES = 8;

/** Split `algorithms[zf].seMean` into entity `algorithms[zf]` and name `seMean`. */
function splitMetric(path: string): { entity: string; name: string } {
  const m = /^(.*?)\.?([A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)$/.exec(path);
  return m ? { entity: m[1]!, name: m[2]! } : { entity: "", name: path };
}

/** The summary as CSV rows: one per group and metric. */
export function summaryRows(s: StudySummary): { header: string[]; rows: (string | number | null)[][] } {
  const header = [...s.groupKeys, "metric", "n", "mean", "std", "ci95_low", "ci95_high"];
  const rows: (string | number | null)[][] = [];
  for (const g of s.groups) {
    for (const [path, m] of Object.entries(g.metrics)) {
      rows.push([
        ...s.groupKeys.map((k) => (typeof g.cell[k] === "number" ? (g.cell[k] as number) : JSON.stringify(g.cell[k]))),
        path,
        m.n,
        m.mean,
        m.std,
        m.ci95?.[0] ?? null,
        m.ci95?.[1] ?? null,
      ]);
    }
  }
  return { header, rows };
}

/** Write the report; returns the path of report.html. */
export async function writeStudyReport(dir: string, s: StudySummary): Promise<string> {
  const out = join(dir, "report");
  rmSync(out, { recursive: true, force: true }); // generated: no stale figures from an earlier report
  const { header, rows } = summaryRows(s);
  writeFileAtomic(join(out, "summary.csv"), toCsv(header, rows));
  const xKey = s.groupKeys.find((k) => s.groups.every((g) => typeof g.cell[k] === "number"));
  const others = s.groupKeys.filter((k) => k !== xKey);
  // metric name -> points
  const byName = new Map<string, SeriesPoint[]>();
  s.groups.forEach((g, gi) => {
    const x = xKey ? (g.cell[xKey] as number) : gi + 1;
    const rest = others
      .filter(() => xKey !== undefined)
      .map((k) => `${k}=${typeof g.cell[k] === "string" ? g.cell[k] : JSON.stringify(g.cell[k])}`)
      .join(" ");
    for (const [path, m] of Object.entries(g.metrics)) {
      const { entity, name } = splitMetric(path);
      const series = [entity, rest].filter((p) => p !== "").join(" ") || name;
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name)!.push({ x, y: m.mean, series, ...(m.halfWidth !== null ? { err: m.halfWidth } : {}) });
    }
  });
  const figures: Figure[] = [];
  // scalar metrics first (meanNmseDb before nmseDb[0])
  const names = [...byName.keys()].sort((a, b) => Number(a.includes("[")) - Number(b.includes("[")));
  for (const name of names) {
    const points = byName.get(name)!;
    if (figures.length >= MAX_FIGURES) break;
    if (new Set(points.map((p) => p.y)).size < 2) continue; // constant: not worth a figure
    const spec = linePlot(points, { title: name, xTitle: xKey ?? "group (see the table)", yTitle: `${name} (mean, 95 % CI)` });
    figures.push(
      await writeFigure(
        out,
        `metric-${figures.length + 1}-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`,
        spec,
        `${name}: mean over seeds with 95 % Student-t confidence intervals`,
      ),
    );
  }
  const groupTable = {
    header: ["group", ...s.groupKeys, "n", "seeds"],
    rows: s.groups.map((g, i) => [
      i + 1,
      ...s.groupKeys.map((k) => (typeof g.cell[k] === "number" ? (g.cell[k] as number) : JSON.stringify(g.cell[k]))),
      g.n,
      g.seeds.join(", "),
    ]),
    caption: "Groups (cells that differ only by seed)",
  };
  const sections: Section[] = [
    { heading: "Groups", tables: [groupTable] },
    {
      heading: "Figures",
      text: [
        `Means over each group's cells with 95 % confidence intervals (Student t, n - 1 degrees of freedom). Every metric is in summary.csv.`,
      ],
      figures,
    },
    ...s.groups.map((g) => ({
      heading: groupLabel(g.cell),
      tables: [
        {
          header: ["metric", "n", "mean", "std", "95 % CI low", "95 % CI high"],
          rows: Object.entries(g.metrics).map(([p, m]) => [p, m.n, m.mean, m.std ?? "-", m.ci95?.[0] ?? "-", m.ci95?.[1] ?? "-"]),
        },
      ],
    })),
  ];
  return writeReportPage(out, {
    title: `Study${s.study.name ? ` ${s.study.name}` : ""}: ${s.study.task}${s.study.experiment ? ` ${s.study.experiment}` : ""}`,
    meta: {
      cells: `${s.finished} of ${s.total} finished`,
      grid: JSON.stringify(s.study.grid),
      base: JSON.stringify(s.study.base),
      liquidwave: VERSION,
    },
    sections,
  });
}
