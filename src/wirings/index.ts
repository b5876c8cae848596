/**
 * Wirings: the synapse graphs of liquid networks, bit-exact with ncps 1.0.1 (PyTorch flavour):
 * FullyConnected, Random, NCP, AutoNCP on numpy-compatible generators; JSON configs; ncps golden
 * file checks; per-layer WiredCfC masks; DOT and SVG exports.
 */
export { Wiring, type NeuronType, type WiringMatricesConfig } from "./wiring.ts";
export { FullyConnected } from "./fully-connected.ts";
export { Random, Random as RandomWiring } from "./random.ts";
export { NCP, AutoNCP, autoNcpArgs, type NcpArgs } from "./ncp.ts";
export {
  wiringToConfig,
  wiringFromConfig,
  WIRING_CLASSES,
  type WiringClass,
  type WiringConfig,
  type FullyConnectedConfig,
  type RandomConfig,
  type NcpConfig,
  type AutoNcpConfig,
  type BuiltPart,
} from "./config.ts";
export { wiringFromNcpsCtor, ncpsCtorToConfig, parseNcpsCtorString, formatNcpsCtor, goldenMatrix } from "./ncps-ctor.ts";
export { parsePythonLiteral, isPythonCall, type PythonValue, type PythonCall } from "../core/python-literal.ts";
export {
  verifyWiringsDocument,
  verifyModelWiring,
  compareWithGolden,
  checkRngStreams,
  WIRINGS_GOLDEN_FORMAT,
  type GoldenCaseResult,
  type RngStreamResult,
  type WiringsDocumentResult,
  type ModelWiringResult,
} from "./golden.ts";
export { layerInputBlock, wiredCfcLayerMask, wiredCfcMasks, type SignedBlock } from "./masks.ts";
export {
  wiringGraph,
  NODE_COLORS,
  EDGE_COLORS,
  type WiringGraph,
  type GraphNode,
  type GraphEdge,
  type NodeKind,
  type Polarity,
} from "./graph.ts";
export { wiringToDot } from "./export-dot.ts";
export { wiringToSvg, type SvgOptions } from "./export-svg.ts";
export * as numpyRandom from "./numpy-random/index.ts";
