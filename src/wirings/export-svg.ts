/**
 * A self-contained SVG drawing of a wiring with our own layered layout (no external renderer):
 * columns sensory -> inter -> command -> motor, nodes evenly spaced in each column, one cubic
 * Bezier path per synapse (green excitatory, red inhibitory, with arrowheads), and a legend.
 *
 * Edge routing: forward edges (to a column on the right) are S-curves; edges within a column
 * (e.g. recurrent command synapses) bulge to the right of it; backward edges (e.g. motor -> inter
 * in a fully connected wiring) arc below their endpoints; self-loops are small loops on the
 * right of the node. Output is deterministic: same wiring and options -> same bytes.
 */
import { fail } from "../core/errors.ts";
import { EDGE_COLORS, NODE_COLORS, wiringGraph, type NodeKind, type Polarity } from "./graph.ts";
import type { Wiring } from "./wiring.ts";

export interface SvgOptions {
  /** Title drawn at the top (XML-escaped). */
  title?: string;
  /** Refuse to draw more synapses than this (a huge SVG is useless; use DOT). Default 50000. */
  maxSynapses?: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** Fixed 2-decimal coordinates (deterministic, compact). */
const f = (x: number) => {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
};

const LABELS: Record<NodeKind, string> = { sensory: "sensory", inter: "inter", command: "command", motor: "motor" };

/** Render a wiring as an SVG document (string ending with a newline). */
export function wiringToSvg(w: Wiring, options: SvgOptions = {}): string {
  const g = wiringGraph(w);
  const maxSynapses = options.maxSynapses ?? 50000;
  if (g.edges.length > maxSynapses) {
    fail(
      "wiringToSvg",
      `the wiring has ${g.edges.length} synapses, more than the ${maxSynapses} an SVG drawing is limited to (export DOT instead)`,
    );
  }
  const maxCount = Math.max(...g.columns.map((c) => c.nodes.length));
  const spacing = Math.max(10, Math.min(30, 640 / maxCount));
  const r = Math.max(3, Math.min(10, spacing * 0.36));
  const colGap = 190;
  const left = 60;
  const top = options.title !== undefined ? 78 : 54;
  const legendWidth = 190;
  const plotHeight = (maxCount - 1) * spacing;
  const width = left + (g.columns.length - 1) * colGap + 80 + legendWidth;
  const height = Math.max(top + plotHeight + 70, top + 190);

  // Node positions: column x, rows centred vertically.
  const pos = new Map<string, { x: number; y: number; col: number }>();
  g.columns.forEach((col, ci) => {
    const x = left + ci * colGap;
    const y0 = top + (plotHeight - (col.nodes.length - 1) * spacing) / 2;
    col.nodes.forEach((id, k) => pos.set(id, { x, y: y0 + k * spacing, col: ci }));
  });

  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f(width)}" height="${f(height)}" viewBox="0 0 ${f(width)} ${f(height)}" font-family="DejaVu Sans, Arial, sans-serif">`,
  );
  out.push("<defs>");
  for (const p of ["excitatory", "inhibitory"] as Polarity[]) {
    out.push(
      `<marker id="arrow-${p}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">` +
        `<path d="M 0 0 L 10 5 L 0 10 z" fill="${EDGE_COLORS[p]}"/></marker>`,
    );
  }
  out.push("</defs>");
  out.push(`<rect x="0" y="0" width="${f(width)}" height="${f(height)}" fill="white"/>`);
  if (options.title !== undefined)
    out.push(`<text x="${f(width / 2)}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${esc(options.title)}</text>`);
  for (const [ci, col] of g.columns.entries()) {
    out.push(
      `<text x="${f(left + ci * colGap)}" y="${f(top - 22)}" text-anchor="middle" font-size="12" fill="#333">${esc(`${LABELS[col.kind]} (${col.nodes.length})`)}</text>`,
    );
  }

  // Edges under the nodes. Fainter when there are many.
  const opacity = Math.max(0.15, Math.min(0.8, 12 / Math.sqrt(Math.max(g.edges.length, 1))));
  out.push(`<g class="synapses" fill="none" stroke-width="1.2" stroke-opacity="${f(opacity)}">`);
  for (const e of g.edges) {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const d = edgePath(a, b, r, spacing, colGap);
    out.push(
      `<path class="synapse ${e.polarity}" d="${d}" stroke="${EDGE_COLORS[e.polarity]}" marker-end="url(#arrow-${e.polarity})"><title>${e.from} -&gt; ${e.to} (${e.polarity})</title></path>`,
    );
  }
  out.push("</g>");

  out.push('<g class="nodes" stroke="white" stroke-width="1">');
  const labelIds = r >= 7;
  for (const node of g.nodes) {
    const p = pos.get(node.id)!;
    out.push(
      `<circle class="node ${node.kind}" cx="${f(p.x)}" cy="${f(p.y)}" r="${f(r)}" fill="${NODE_COLORS[node.kind]}"><title>${node.id} (${node.kind})</title></circle>`,
    );
    if (labelIds)
      out.push(
        `<text x="${f(p.x)}" y="${f(p.y + 3.5)}" text-anchor="middle" font-size="9" fill="white" stroke="none">${node.index}</text>`,
      );
  }
  out.push("</g>");

  // Legend: node kinds present, then the two polarities with their counts.
  const lx = left + (g.columns.length - 1) * colGap + 80;
  let ly = top;
  out.push('<g class="legend" font-size="12">');
  for (const col of g.columns) {
    out.push(`<circle class="legend-node" cx="${f(lx + 8)}" cy="${f(ly)}" r="7" fill="${NODE_COLORS[col.kind]}"/>`);
    out.push(`<text x="${f(lx + 22)}" y="${f(ly + 4)}">${esc(`${LABELS[col.kind]} neurons`)}</text>`);
    ly += 22;
  }
  for (const p of ["excitatory", "inhibitory"] as Polarity[]) {
    const count = g.edges.filter((e) => e.polarity === p).length;
    out.push(
      `<line class="legend-synapse" x1="${f(lx)}" y1="${f(ly)}" x2="${f(lx + 16)}" y2="${f(ly)}" stroke="${EDGE_COLORS[p]}" stroke-width="2"/>`,
    );
    out.push(`<text x="${f(lx + 22)}" y="${f(ly + 4)}">${esc(`${p} (${count})`)}</text>`);
    ly += 22;
  }
  out.push("</g>");
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** Path data of one synapse from node a to node b, ending on b's rim (for the arrowhead). */
function edgePath(
  a: { x: number; y: number; col: number },
  b: { x: number; y: number; col: number },
  r: number,
  spacing: number,
  colGap: number,
): string {
  let c1: [number, number];
  let c2: [number, number];
  if (a === b) {
    // Self-loop on the right of the node.
    const s = r * 3.2;
    const start: [number, number] = [a.x + r * 0.7, a.y - r * 0.7];
    c1 = [a.x + s, a.y - s];
    c2 = [a.x + s, a.y + s];
    return finish(start, c1, c2, [a.x, a.y], r);
  }
  if (b.col > a.col) {
    const mx = (b.x - a.x) / 2;
    c1 = [a.x + mx, a.y];
    c2 = [b.x - mx, b.y];
    return finish([a.x + r, a.y], c1, c2, [b.x, b.y], r);
  }
  if (b.col === a.col) {
    const bulge = Math.min(colGap * 0.45, 14 + Math.abs(b.y - a.y) * 0.35);
    c1 = [a.x + bulge, a.y];
    c2 = [b.x + bulge, b.y];
    return finish([a.x + r, a.y], c1, c2, [b.x, b.y], r);
  }
  // Backward edge: leave downwards, come back in from below.
  const drop = Math.max(spacing * 1.5, 0.25 * Math.abs(a.x - b.x));
  c1 = [a.x - colGap * 0.3, a.y + drop];
  c2 = [b.x + colGap * 0.3, b.y + drop];
  return finish([a.x, a.y + r], c1, c2, [b.x, b.y], r);
}

/** A cubic from `start` towards `end`, shortened so it stops on the circle of radius r around end. */
function finish(start: [number, number], c1: [number, number], c2: [number, number], end: [number, number], r: number): string {
  let dx = end[0] - c2[0];
  let dy = end[1] - c2[1];
  const len = Math.hypot(dx, dy) || 1;
  dx /= len;
  dy /= len;
  const e: [number, number] = [end[0] - dx * (r + 1), end[1] - dy * (r + 1)];
  return `M ${f(start[0])} ${f(start[1])} C ${f(c1[0])} ${f(c1[1])} ${f(c2[0])} ${f(c2[1])} ${f(e[0])} ${f(e[1])}`;
}
