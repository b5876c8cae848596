/**
 * The lab's charts, drawn as SVG by hand: line charts and heat maps with axis labels (units),
 * a legend, colours from CSS variables (so they follow the OS dark/light preference), and a
 * keyboard cursor (focus the chart, ←/→ move, Home/End jump; the readout is announced).
 */

const NS = "http://www.w3.org/2000/svg";

export function svgEl<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

/** Colours of series 0, 1, 2, ... (CSS variables set for light and dark). */
export const seriesColour = (i: number): string => `var(--c${i % 8})`;

/** "Nice" tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

export interface Series {
  name: string;
  x: readonly number[];
  y: readonly (number | null)[];
  dash?: boolean;
  /** Draw markers at the points. */
  points?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  logY?: boolean;
  /** Fixed y range. */
  yRange?: [number, number];
}

interface Frame {
  svg: SVGSVGElement;
  x: (v: number) => number;
  y: (v: number) => number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function frame(
  container: HTMLElement,
  o: { title: string; xLabel: string; yLabel: string; width?: number; height?: number; legend: number; left?: number },
): Omit<Frame, "x" | "y"> & { W: number; H: number } {
  const W = o.width ?? 560;
  const H = o.height ?? 300;
  container.replaceChildren();
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": o.title }, container);
  svgEl("title", {}, svg).textContent = o.title;
  const left = o.left ?? 72;
  const right = W - 16;
  const top = 28 + Math.ceil(o.legend / 4) * 16;
  const bottom = H - 44;
  const t = svgEl("text", { x: left, y: 16, class: "chart-title" }, svg);
  t.textContent = o.title;
  const xl = svgEl("text", { x: (left + right) / 2, y: H - 8, "text-anchor": "middle", class: "axis-label" }, svg);
  xl.textContent = o.xLabel;
  const yl = svgEl(
    "text",
    { x: 14, y: (top + bottom) / 2, "text-anchor": "middle", class: "axis-label", transform: `rotate(-90 14 ${(top + bottom) / 2})` },
    svg,
  );
  yl.textContent = o.yLabel;
  return { svg, W, H, left, top, right, bottom };
}

function axes(f: Frame, xt: number[], yt: number[], yFmt: (v: number) => string): void {
  const g = svgEl("g", { class: "axes" }, f.svg);
  svgEl("line", { x1: f.left, y1: f.bottom, x2: f.right, y2: f.bottom }, g);
  svgEl("line", { x1: f.left, y1: f.top, x2: f.left, y2: f.bottom }, g);
  for (const v of xt) {
    const x = f.x(v);
    svgEl("line", { x1: x, y1: f.bottom, x2: x, y2: f.bottom + 4 }, g);
    const t = svgEl("text", { x, y: f.bottom + 16, "text-anchor": "middle" }, g);
    t.textContent = fmt(v);
  }
  for (const v of yt) {
    const y = f.y(v);
    svgEl("line", { x1: f.left, y1: y, x2: f.right, y2: y, class: "grid" }, g);
    const t = svgEl("text", { x: f.left - 6, y: y + 4, "text-anchor": "end" }, g);
    t.textContent = yFmt(v);
  }
}

function legend(svg: SVGSVGElement, left: number, items: { name: string; colour: string; dash?: boolean }[]): void {
  const g = svgEl("g", { class: "legend" }, svg);
  items.forEach((it, i) => {
    const x = left + (i % 4) * 120;
    const y = 30 + Math.floor(i / 4) * 16;
    svgEl(
      "line",
      { x1: x, y1: y - 4, x2: x + 18, y2: y - 4, stroke: it.colour, "stroke-width": 3, ...(it.dash ? { "stroke-dasharray": "5 3" } : {}) },
      g,
    );
    const t = svgEl("text", { x: x + 22, y }, g);
    t.textContent = it.name;
  });
}

/** Draw a line chart into `container` (replacing its content). */
export function lineChart(container: HTMLElement, o: LineChartOptions): void {
  const f0 = frame(container, { ...o, legend: o.series.length });
  const xs = o.series.flatMap((s) => s.x);
  const ys = o.series.flatMap((s) => s.y.filter((v): v is number => v !== null && Number.isFinite(v) && (!o.logY || v > 0)));
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
  let [y0, y1] = o.yRange ?? [Math.min(...ys), Math.max(...ys)];
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  const tr = (v: number) => (o.logY ? Math.log10(v) : v);
  let a = tr(y0);
  let b = tr(y1);
  if (!(b > a)) [a, b] = [a - 1, b + 1];
  const pad = (b - a) * 0.05;
  a -= pad;
  b += pad;
  const f: Frame = {
    ...f0,
    x: (v) => f0.left + ((v - x0) / (x1 - x0)) * (f0.right - f0.left),
    y: (v) => f0.bottom - ((tr(v) - a) / (b - a)) * (f0.bottom - f0.top),
  };
  let yt = o.logY ? ticks(Math.ceil(a), Math.floor(b), 4).map((e) => 10 ** Math.round(e)) : ticks(a, b);
  // Less than a decade or two shown: ticks at nice values of the data's own range.
  if (o.logY && yt.length < 2) yt = ticks(10 ** a, 10 ** b, 4).filter((v) => v > 0);
  axes(f, ticks(x0, x1), yt, (v) => fmt(v));
  o.series.forEach((s, i) => {
    let d = "";
    let pen = false;
    s.x.forEach((xv, k) => {
      const yv = s.y[k];
      if (yv === null || yv === undefined || !Number.isFinite(yv) || (o.logY && yv <= 0)) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${f.x(xv).toFixed(1)},${f.y(yv).toFixed(1)}`;
      pen = true;
    });
    svgEl(
      "path",
      {
        d,
        fill: "none",
        stroke: seriesColour(i),
        "stroke-width": 2,
        class: "series",
        "data-series": s.name,
        ...(s.dash ? { "stroke-dasharray": "6 4" } : {}),
      },
      f.svg,
    );
    if (s.points || s.x.length <= 12)
      s.x.forEach((xv, k) => {
        const yv = s.y[k];
        if (yv !== null && yv !== undefined && Number.isFinite(yv))
          svgEl("circle", { cx: f.x(xv), cy: f.y(yv), r: 3, fill: seriesColour(i) }, f.svg);
      });
  });
  legend(
    f.svg,
    f.left,
    o.series.map((s, i) => ({ name: s.name, colour: seriesColour(i), ...(s.dash !== undefined ? { dash: s.dash } : {}) })),
  );
  keyboardCursor(container, f, o);
}

/** Focusable chart: ←/→ move a cursor over the x values and a live region reads the values out. */
function keyboardCursor(container: HTMLElement, f: Frame, o: LineChartOptions): void {
  const xsAll = [...new Set(o.series.flatMap((s) => s.x))].sort((p, q) => p - q);
  if (xsAll.length === 0) return;
  container.tabIndex = 0;
  container.classList.add("chart-box");
  container.setAttribute("aria-label", `${o.title}. Use the left and right arrow keys to read the values.`);
  const readout = document.createElement("div");
  readout.className = "readout";
  readout.setAttribute("aria-live", "polite");
  container.appendChild(readout);
  const cursor = svgEl("line", { y1: f.top, y2: f.bottom, class: "cursor", visibility: "hidden" }, f.svg);
  let k = -1;
  const show = () => {
    const xv = xsAll[k]!;
    cursor.setAttribute("x1", String(f.x(xv)));
    cursor.setAttribute("x2", String(f.x(xv)));
    cursor.setAttribute("visibility", "visible");
    const parts = o.series.map((s) => {
      const j = s.x.indexOf(xv);
      const yv = j < 0 ? null : s.y[j];
      return `${s.name} ${yv === null || yv === undefined ? "–" : fmt(yv, 4)}`;
    });
    readout.textContent = `${o.xLabel} ${fmt(xv, 4)}: ${parts.join(", ")}`;
  };
  container.onkeydown = (e) => {
    const n = xsAll.length;
    if (e.key === "ArrowRight") k = Math.min(n - 1, k + 1);
    else if (e.key === "ArrowLeft") k = Math.max(0, k < 0 ? 0 : k - 1);
    else if (e.key === "Home") k = 0;
    else if (e.key === "End") k = n - 1;
    else return;
    e.preventDefault();
    show();
  };
}

export interface HeatmapOptions {
  title: string;
  xLabel: string;
  rowLabel: string;
  rows: string[];
  x: readonly number[];
  /** values[row][column] */
  values: readonly (readonly number[])[];
  valueLabel: string;
  width?: number;
  height?: number;
}

/** Diverging colour for v in [-1, 1] (blue negative, red positive, background at 0). */
export function diverging(v: number): string {
  const c = Math.max(-1, Math.min(1, v));
  const pct = Math.round(Math.abs(c) * 100);
  return `color-mix(in srgb, ${c >= 0 ? "var(--pos)" : "var(--neg)"} ${pct}%, var(--bg))`;
}

/** A heat map with a diverging colour scale symmetric around 0 and a colour bar. */
export function heatmap(container: HTMLElement, o: HeatmapOptions): void {
  // Rows of 18 px; many rows (an NCP's motors × inputs) get 9 px and smaller labels.
  const compact = o.rows.length > 40;
  const f0 = frame(container, {
    ...o,
    yLabel: o.rowLabel,
    legend: 0,
    left: 150,
    height: o.height ?? 40 + 44 + o.rows.length * (compact ? 9 : 18) + 24,
  });
  const right = f0.right - 70;
  let vmax = 0;
  for (const r of o.values) for (const v of r) vmax = Math.max(vmax, Math.abs(v));
  if (vmax === 0) vmax = 1;
  const n = o.x.length;
  const cw = (right - f0.left) / n;
  const rh = (f0.bottom - f0.top) / o.rows.length;
  const g = svgEl("g", { class: "cells" }, f0.svg);
  o.values.forEach((row, r) => {
    row.forEach((v, c) => {
      svgEl("rect", { x: f0.left + c * cw, y: f0.top + r * rh, width: cw + 0.3, height: rh + 0.3, fill: diverging(v / vmax) }, g);
    });
    const t = svgEl(
      "text",
      { x: f0.left - 6, y: f0.top + (r + 0.5) * rh + (compact ? 3 : 4), "text-anchor": "end", class: compact ? "tick small" : "tick" },
      f0.svg,
    );
    t.textContent = o.rows[r]!;
  });
  const ax = svgEl("g", { class: "axes" }, f0.svg);
  svgEl("line", { x1: f0.left, y1: f0.bottom, x2: right, y2: f0.bottom }, ax);
  const x0 = o.x[0]!;
  const x1 = o.x[n - 1]!;
  for (const v of ticks(x0, x1)) {
    const x = f0.left + ((v - x0) / (x1 - x0 || 1)) * (right - f0.left - cw) + cw / 2;
    svgEl("line", { x1: x, y1: f0.bottom, x2: x, y2: f0.bottom + 4 }, ax);
    const t = svgEl("text", { x, y: f0.bottom + 16, "text-anchor": "middle" }, ax);
    t.textContent = fmt(v);
  }
  // Colour bar.
  const bx = right + 14;
  const steps = 20;
  const bh = (f0.bottom - f0.top) / steps;
  for (let s = 0; s < steps; s++) {
    const v = 1 - (2 * (s + 0.5)) / steps;
    svgEl("rect", { x: bx, y: f0.top + s * bh, width: 12, height: bh + 0.3, fill: diverging(v) }, f0.svg);
  }
  for (const [v, y] of [
    [vmax, f0.top + 8],
    [0, (f0.top + f0.bottom) / 2 + 4],
    [-vmax, f0.bottom],
  ] as const) {
    const t = svgEl("text", { x: bx + 16, y, class: "tick" }, f0.svg);
    t.textContent = fmt(v, 2);
  }
  const vl = svgEl("text", { x: bx + 6, y: f0.bottom + 16, "text-anchor": "middle", class: "tick" }, f0.svg);
  vl.textContent = o.valueLabel;
  container.tabIndex = 0;
  container.classList.add("chart-box");
  container.setAttribute("aria-label", `${o.title}: ${o.rows.length} rows over ${n} steps; largest magnitude ${fmt(vmax)}.`);
}

export interface MapOptions {
  title: string;
  /** The base station's position [x, y], m. */
  bs: readonly [number, number];
  /** Each user's track: tracks[user][t] = [x, y], m. */
  tracks: readonly (readonly (readonly number[])[])[];
  /** A street canyon: building facades at y = 0 and y = width, m. */
  street?: { width: number } | null;
  /** A line of text inside the plot, top left. */
  note?: string;
}

/** A top view in metres (equal scales on both axes): the BS, the users' tracks, the buildings. */
export function mapChart(container: HTMLElement, o: MapOptions): void {
  const pts = o.tracks.flat();
  const [bx, by] = o.bs;
  const xs = [bx, ...pts.map((p) => p[0]!)];
  const ys = [by, ...pts.map((p) => p[1]!), ...(o.street ? [0, o.street.width] : [])];
  const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 10) * 1.15;
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const [x0, x1, y0, y1] = [cx - span / 2, cx + span / 2, cy - span / 2, cy + span / 2];
  const f0 = frame(container, { title: o.title, xLabel: "x (m)", yLabel: "y (m)", width: 440, height: 400, legend: 0, left: 64 });
  const f: Frame = {
    ...f0,
    x: (v) => f0.left + ((v - x0) / (x1 - x0)) * (f0.right - f0.left),
    y: (v) => f0.bottom - ((v - y0) / (y1 - y0)) * (f0.bottom - f0.top),
  };
  const clipId = `clip-${container.dataset["out"] ?? "map"}`;
  svgEl(
    "rect",
    { x: f.left, y: f.top, width: f.right - f.left, height: f.bottom - f.top },
    svgEl("clipPath", { id: clipId }, svgEl("defs", {}, f.svg)),
  );
  if (o.street) {
    // Buildings beyond the facades (y < 0 and y > width), the street between them.
    const g = svgEl("g", { "clip-path": `url(#${clipId})` }, f.svg);
    svgEl("rect", { x: f.left, y: f.y(o.street.width) - 2000, width: f.right - f.left, height: 2000, class: "building" }, g);
    svgEl("rect", { x: f.left, y: f.y(0), width: f.right - f.left, height: 2000, class: "building" }, g);
    svgEl("text", { x: f.right - 6, y: f.y(o.street.width) - 6, "text-anchor": "end", class: "tick" }, f.svg).textContent = "buildings";
    svgEl("text", { x: f.right - 6, y: f.y(0) + 14, "text-anchor": "end", class: "tick" }, f.svg).textContent = "buildings";
  }
  axes(f, ticks(x0, x1, 4), ticks(y0, y1, 4), (v) => fmt(v));
  svgEl("path", { d: `M${f.x(bx)},${f.y(by) - 9}L${f.x(bx) - 7},${f.y(by) + 6}L${f.x(bx) + 7},${f.y(by) + 6}Z`, fill: "var(--fg)" }, f.svg);
  svgEl("text", { x: f.x(bx) + 9, y: f.y(by) + 4 }, f.svg).textContent = "BS";
  o.tracks.forEach((track, k) => {
    const d = track.map((p, t) => `${t ? "L" : "M"}${f.x(p[0]!).toFixed(1)},${f.y(p[1]!).toFixed(1)}`).join("");
    svgEl("path", { d, fill: "none", stroke: seriesColour(k), "stroke-width": 2.5, class: "track" }, f.svg);
    const end = track[track.length - 1]!;
    svgEl("circle", { cx: f.x(end[0]!), cy: f.y(end[1]!), r: 4, fill: seriesColour(k) }, f.svg);
    svgEl("text", { x: f.x(end[0]!) + 6, y: f.y(end[1]!) - 6 }, f.svg).textContent = `user ${k + 1}`;
  });
  if (o.note) svgEl("text", { x: f.left + 4, y: f.top + 14, class: "tick" }, f.svg).textContent = o.note;
  container.tabIndex = 0;
  container.classList.add("chart-box");
  container.setAttribute("aria-label", `${o.title}. ${o.note ?? ""}`);
}
