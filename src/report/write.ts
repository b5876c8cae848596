/**
 * Writing a report folder: the figures (Vega-Lite spec, SVG, PNG), data files (JSON, CSV) and the
 * HTML page, every file atomically.
 */
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../core/fs.ts";
import { renderHtml, type Figure, type ReportDoc } from "./html.ts";
import { renderSvg, svgToPng } from "./render.ts";

/** Render a figure into `dir` as `<name>.vl.json`, `<name>.svg`, `<name>.png`. */
export async function writeFigure(dir: string, name: string, spec: TopLevelSpec, caption: string): Promise<Figure> {
  const svg = await renderSvg(spec);
  writeFileAtomic(join(dir, `${name}.vl.json`), JSON.stringify(spec, null, 2));
  writeFileAtomic(join(dir, `${name}.svg`), svg);
  writeFileAtomic(join(dir, `${name}.png`), await svgToPng(svg));
  return { svg: `${name}.svg`, png: `${name}.png`, caption };
}

/** Rows as CSV (RFC 4180 quoting). */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const q = (v: string | number | null) => {
    const s = v === null ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(q).join(",")).join("\n") + "\n";
}

/** Write the HTML page; returns its path. */
export function writeReportPage(dir: string, doc: ReportDoc): string {
  const path = join(dir, "report.html");
  writeFileAtomic(path, renderHtml(doc));
  return path;
}
