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
  const lines: string[] = ["digraph wiring {", "  rankdir=LR;", "  splines=true;"];
  if (options.title !== undefined) lines.push(`  label=${quote(options.title)};`, "  labelloc=t;");
  lines.push('  node [shape=circle, style=filled, fontcolor=white, fontsize=10, width=0.35, fixedsize=true];');
  const byId = new Map(g.nodes.map((x) => [x.id, x]));
  for (const col of g.columns) {
    lines.push(`  subgraph ${quote(`cluster_${col.kind}`)} {`, `    label=${quote(col.kind)};`, "    color=lightgrey;", "    rank=same;");
    for (const id of col.nodes) {
      const node = byId.get(id)!;
      lines.push(`    ${id} [label=${quote(String(node.index))}, neuron_type=${quote(node.kind)}, fillcolor=${quote(NODE_COLORS[node.kind])}];`);
    }
    lines.push("  }");
  }
  for (const e of g.edges) {
    lines.push(`  ${e.from} -> ${e.to} [polarity=${quote(e.polarity)}, color=${quote(EDGE_COLORS[e.polarity])}${e.polarity === "inhibitory" ? ", arrowhead=tee" : ""}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
