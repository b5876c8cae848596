/**
 * Plot specifications (Vega-Lite) for the figures of the reports: lines over a numeric x with one
 * series per model or algorithm, optional error bars. Builders return plain JSON specs, so a figure
 * can be re-rendered or edited from the report's files.
 */
import type { TopLevelSpec } from "vega-lite";

/** One point of a line plot. */
export interface SeriesPoint {
  x: number;
  y: number;
  series: string;
  /** Optional ±error (e.g. one standard deviation, or a 95 % confidence half-width). */
  err?: number;
}

export interface LinePlotOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Logarithmic x axis (e.g. antennas). */
  logX?: boolean;
  /** Logarithmic y axis (e.g. time). */
  logY?: boolean;
  width?: number;
  height?: number;
}

/** A multi-series line chart with points (and error bars where `err` is given). */
export function linePlot(points: readonly SeriesPoint[], o: LinePlotOptions): TopLevelSpec {
  const x = { field: "x", type: "quantitative" as const, title: o.xTitle, scale: o.logX ? { type: "log" as const } : { zero: false } };
  const y = { field: "y", type: "quantitative" as const, title: o.yTitle, scale: o.logY ? { type: "log" as const } : { zero: false } };
  const color = { field: "series", type: "nominal" as const, title: null };
  // Point markers help on short series and clutter long ones.
  const perSeries = points.length / Math.max(1, new Set(points.map((p) => p.series)).size);
  const layers: object[] = [{ mark: { type: "line", point: perSeries <= 40 }, encoding: { x, y, color } }];
  if (points.some((p) => p.err !== undefined)) {
    layers.push({
      transform: [
        { calculate: "datum.y - datum.err", as: "lo" },
        { calculate: "datum.y + datum.err", as: "hi" },
      ],
      mark: { type: "errorbar", ticks: true },
      encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color },
    });
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.title,
    width: o.width ?? 420,
    height: o.height ?? 260,
    data: { values: points.map((p) => ({ ...p })) },
    layer: layers,
    config: { font: "DejaVu Sans", background: "white" },
  } as TopLevelSpec;
}
