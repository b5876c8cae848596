/**
 * The demo report: prediction table and NMSE-per-step figure, the beamforming trajectory figure
 * and table, the notes each experiment attached, all in one HTML page with its data files.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../core/fs.ts";
import { demoStudiesNote, type DemoResult } from "../experiments/demo.ts";
import { writeExperiment } from "./experiment.ts";
import type { Section } from "./html.ts";
import { linePlot } from "./plots.ts";
import { toCsv, writeFigure, writeReportPage } from "./write.ts";

/** Write the report folder; returns the path of `report.html`. */
export async function writeDemoReport(dir: string, r: DemoResult, meta: Record<string, string | number>): Promise<string> {
  const p = r.prediction;
  const F = p.config.horizon;
  const steps = Array.from({ length: F }, (_, k) => k + 1);
  const predHeader = ["model", ...steps.map((k) => `NMSE k=${k} (dB)`), "mean (dB)", "gain over hold (dB)", "params", "µs/prediction"];
  const predRows = p.models.map((m) => [
    m.name,
    ...m.nmseDb,
    m.meanNmseDb,
    m.gainDb ? m.gainDb.reduce((a, b) => a + b, 0) / F : 0,
    m.params,
    m.usPerPrediction,
  ]);
  writeFileAtomic(join(dir, "prediction.json"), JSON.stringify(p, null, 1) + "\n");
  writeFileAtomic(join(dir, "prediction.csv"), toCsv(predHeader, predRows));
  const predFig = await writeFigure(
    dir,
    "prediction-nmse",
    linePlot(
      p.models.flatMap((m) => m.nmseDb.map((y, k) => ({ x: k + 1, y, series: m.name }))),
      {
        title: `Channel prediction, ${p.config.history} → ${F} samples (input SNR ${p.config.snrDb ?? "∞"} dB)`,
        xTitle: "prediction step k",
        yTitle: "NMSE (dB)",
      },
    ),
    "NMSE per prediction step (ratio of sums over the test windows); lower is better.",
  );
  const bfFiles = await writeExperiment(r.beamforming, dir);
  const b = r.beamforming;
  const best = [...p.models].sort((a, c) => a.meanNmseDb - c.meanNmseDb);
  const liquid = p.models.filter((m) => ["cfc", "ltc", "ncp"].includes(m.name)).sort((a, c) => a.meanNmseDb - c.meanNmseDb)[0];
  const sections: Section[] = [
    {
      heading: "Case study 1: channel prediction",
      text: [
        `Best predictor: ${best[0]!.name} (${best[0]!.meanNmseDb.toFixed(2)} dB mean NMSE). Best liquid model: ${liquid ? `${liquid.name} (${liquid.meanNmseDb.toFixed(2)} dB)` : "none run"}.`,
        "Inputs carry estimation noise; targets are noiseless. Train, validation and test windows come from different trajectories.",
        demoStudiesNote(),
      ],
      tables: [
        {
          header: predHeader,
          rows: predRows.map((row) => row.map((v) => (typeof v === "number" ? Number(v.toPrecision(4)) : v))),
          caption: "NMSE per step",
        },
      ],
      figures: [predFig],
    },
    {
      heading: "Case study 2: robust beamforming",
      text: b.notes,
      tables: [{ header: b.table.header, rows: b.table.rows, caption: b.table.caption }],
      figures: [{ svg: `${b.name}.svg`, png: `${b.name}.png`, caption: b.title }],
    },
  ];
  void bfFiles;
  return writeReportPage(dir, { title: "liquidwave demo: liquid neural networks for wireless", meta, sections });
}
