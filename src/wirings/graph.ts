/**
 * The wiring as a plain graph, shared by the DOT and SVG exports: nodes `sensory_k` and
 * `neuron_i` (names as in ncps' `get_graph`), one edge per non-zero entry of S then A (row-major,
 * so the order is deterministic), grouped into display columns sensory -> inter -> command -> motor.
 */
import type { NeuronType, Wiring } from "./wiring.ts";

export type NodeKind = "sensory" | NeuronType;
export type Polarity = "excitatory" | "inhibitory";

export interface GraphNode {
  id: string;
  kind: NodeKind;
  /** Feature index for sensory nodes, neuron id otherwise. */
  index: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  polarity: Polarity;
  sensory: boolean;
}

export interface WiringGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Display columns, left to right, each a list of node ids (empty kinds are dropped). */
  columns: { kind: NodeKind; nodes: string[] }[];
}

/** Colours (matplotlib's tab10, as ncps' draw_graph uses; command gets its own). */
export const NODE_COLORS: Record<NodeKind, string> = {
  sensory: "#bcbd22",
  inter: "#1f77b4",
  command: "#9467bd",
  motor: "#ff7f0e",
};
export const EDGE_COLORS: Record<Polarity, string> = { excitatory: "#2ca02c", inhibitory: "#d62728" };

const COLUMN_ORDER: NodeKind[] = ["sensory", "inter", "command", "motor"];

/** Build the graph of a wiring (sensory nodes only once it is built). */
export function wiringGraph(w: Wiring): WiringGraph {
  const n = w.units;
  const nodes: GraphNode[] = [];
  const inputDim = w.inputDim ?? 0;
  for (let k = 0; k < inputDim; k++) nodes.push({ id: `sensory_${k}`, kind: "sensory", index: k });
  for (let i = 0; i < n; i++) nodes.push({ id: `neuron_${i}`, kind: w.neuronType(i), index: i });
  const edges: GraphEdge[] = [];
  const pol = (v: number): Polarity => (v >= 0 ? "excitatory" : "inhibitory");
  if (w.sensoryAdjacency) {
    for (let k = 0; k < inputDim; k++) {
      for (let j = 0; j < n; j++) {
        const v = w.sensoryAdjacency[k * n + j]!;
        if (v !== 0) edges.push({ from: `sensory_${k}`, to: `neuron_${j}`, polarity: pol(v), sensory: true });
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = w.adjacency[i * n + j]!;
      if (v !== 0) edges.push({ from: `neuron_${i}`, to: `neuron_${j}`, polarity: pol(v), sensory: false });
    }
  }
  const columns = COLUMN_ORDER.map((kind) => ({ kind, nodes: nodes.filter((x) => x.kind === kind).map((x) => x.id) })).filter(
    (c) => c.nodes.length > 0,
  );
  return { nodes, edges, columns };
}
