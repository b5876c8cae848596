/**
 * Graphviz DOT text of a wiring: one node per input feature and neuron, one edge per synapse,
 * coloured by polarity, with `rank=same` groups so `dot` lays it out as sensory -> inter ->
 * command -> motor columns. Deterministic (same wiring -> same bytes).
 */
import { EDGE_COLORS, NODE_COLORS, wiringGraph } from "./graph.ts";
import type { Wiring } from "./wiring.ts";

const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/**
 * @param options.title - graph label (default: none)
 * @returns DOT source, ending with a newline
 */
export function wiringToDot(w: Wiring, options: { title?: string } = {}): string {
  const g = wiringGraph(w);
  // newrank lets rank=same work inside the clusters; non-forward edges (recurrent, or backwards
  // as in fully connected wirings) do not constrain the ranking, so the columns stay put.
  const lines: string[] = ["digraph wiring {", "  rankdir=LR;", "  newrank=true;", "  splines=true;"];
  if (options.title !== undefined) lines.push(`  label=${quote(options.title)};`, "  labelloc=t;");
  lines.push("  node [shape=circle, style=filled, fontcolor=white, fontsize=10, width=0.35, fixedsize=true];");
  const byId = new Map(g.nodes.map((x) => [x.id, x]));
  for (const col of g.columns) {
    lines.push(`  subgraph ${quote(`cluster_${col.kind}`)} {`, `    label=${quote(col.kind)};`, "    color=lightgrey;", "    rank=same;");
    for (const id of col.nodes) {
      const node = byId.get(id)!;
      lines.push(
        `    ${id} [label=${quote(String(node.index))}, neuron_type=${quote(node.kind)}, fillcolor=${quote(NODE_COLORS[node.kind])}];`,
      );
    }
    lines.push("  }");
  }
  const column = new Map<string, number>();
  g.columns.forEach((col, ci) => col.nodes.forEach((id) => column.set(id, ci)));
  for (const e of g.edges) {
    const forward = column.get(e.to)! > column.get(e.from)!;
    lines.push(
      `  ${e.from} -> ${e.to} [polarity=${quote(e.polarity)}, color=${quote(EDGE_COLORS[e.polarity])}` +
        `${e.polarity === "inhibitory" ? ", arrowhead=tee" : ""}${forward ? "" : ", constraint=false"}];`,
    );
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
