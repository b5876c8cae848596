/**
 * Draw a wiring by layer: sensory inputs, then inter, command and motor neurons in columns, each
 * synapse an arrow coloured by polarity (excitatory solid, inhibitory dashed). With `activity`
 * (one value in [-1, 1] per neuron), neurons are filled by activation.
 */
import { diverging, svgEl } from "./charts.ts";
import type { WiringView } from "./protocol.ts";

export interface DrawOptions {
  title: string;
  activity?: readonly number[];
  inputNames?: readonly string[];
  width?: number;
}

export function drawWiring(container: HTMLElement, w: WiringView, o: DrawOptions): void {
  const columns: { label: string; ids: number[]; sensory: boolean }[] = [
    { label: "sensory", ids: Array.from({ length: w.inputDim }, (_, i) => i), sensory: true },
    ...w.groups.map((g) => ({ label: g.type, ids: g.ids, sensory: false })),
  ];
  const tallest = Math.max(...columns.map((c) => c.ids.length));
  const W = o.width ?? 640;
  const H = Math.max(220, 70 + tallest * 22);
  container.replaceChildren();
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart wiring", role: "img", "aria-label": o.title }, container);
  svgEl("title", {}, svg).textContent = o.title;
  const defs = svgEl("defs", {}, svg);
  for (const [id, cls] of [
    ["arrow-exc", "exc"],
    ["arrow-inh", "inh"],
  ] as const) {
    const m = svgEl(
      "marker",
      { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: "auto-start-reverse" },
      defs,
    );
    svgEl("path", { d: "M0,0L10,5L0,10z", class: `${cls}-fill` }, m);
  }
  const pos = new Map<string, { x: number; y: number }>();
  const colW = (W - 120) / Math.max(1, columns.length - 1);
  columns.forEach((c, ci) => {
    const x = 70 + ci * colW;
    const gap = Math.min(22, (H - 70) / Math.max(1, c.ids.length));
    const y0 = 40 + (H - 70 - gap * (c.ids.length - 1)) / 2;
    c.ids.forEach((id, k) => pos.set(`${c.sensory ? "s" : "n"}${id}`, { x, y: y0 + k * gap }));
    const t = svgEl("text", { x, y: 22, "text-anchor": "middle", class: "axis-label" }, svg);
    t.textContent = `${c.label} (${c.ids.length})`;
  });
  const edges = svgEl("g", { class: "edges" }, svg);
  const r = 7;
  const edge = (from: string, to: string, polarity: number) => {
    const a = pos.get(from)!;
    const b = pos.get(to)!;
    const cls = polarity > 0 ? "exc" : "inh";
    let d: string;
    if (from === to) {
      d = `M${a.x + r * 0.7},${a.y - r * 0.7} c14,-14 14,14 ${-0.1},${r * 1.4}`;
    } else if (Math.abs(a.x - b.x) < 1) {
      const bend = 18 + Math.abs(a.y - b.y) * 0.25;
      d = `M${a.x + r},${a.y} Q${a.x + bend},${(a.y + b.y) / 2} ${b.x + r},${b.y}`;
    } else {
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len = Math.hypot(dx, dy);
      d = `M${a.x + (dx / len) * r},${a.y + (dy / len) * r} L${b.x - (dx / len) * (r + 1)},${b.y - (dy / len) * (r + 1)}`;
    }
    svgEl("path", { d, class: `edge ${cls}`, "marker-end": `url(#arrow-${cls})` }, edges);
  };
  w.sensory.forEach((row, k) => row.forEach((v, j) => v !== 0 && edge(`s${k}`, `n${j}`, v)));
  w.adjacency.forEach((row, i) => row.forEach((v, j) => v !== 0 && edge(`n${i}`, `n${j}`, v)));
  const nodes = svgEl("g", { class: "nodes" }, svg);
  for (const [key, p] of pos) {
    const sensory = key.startsWith("s");
    const id = Number(key.slice(1));
    const a = !sensory && o.activity ? o.activity[id] : undefined;
    const c = svgEl(
      "circle",
      {
        cx: p.x,
        cy: p.y,
        r,
        class: sensory ? "node sensory" : "node",
        ...(a !== undefined ? { style: `fill:${diverging(a)}` } : {}),
        "data-neuron": key,
      },
      nodes,
    );
    svgEl("title", {}, c).textContent = sensory
      ? `input ${id}${o.inputNames?.[id] ? ` (${o.inputNames[id]})` : ""}`
      : `neuron ${id}${a !== undefined ? `: activation ${a.toFixed(3)}` : ""}`;
    const t = svgEl("text", { x: p.x + (sensory ? -11 : 11), y: p.y + 4, "text-anchor": sensory ? "end" : "start", class: "tick" }, nodes);
    t.textContent = sensory ? (o.inputNames?.[id] ?? `x${id}`) : String(id);
  }
  const lg = svgEl("g", { class: "legend" }, svg);
  svgEl("line", { x1: 40, y1: H - 12, x2: 60, y2: H - 12, class: "edge exc" }, lg);
  svgEl("text", { x: 64, y: H - 8 }, lg).textContent = "excitatory (+1)";
  svgEl("line", { x1: 170, y1: H - 12, x2: 190, y2: H - 12, class: "edge inh" }, lg);
  svgEl("text", { x: 194, y: H - 8 }, lg).textContent = "inhibitory (−1)";
}
