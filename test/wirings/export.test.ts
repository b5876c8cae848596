import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wiringToDot } from "../../src/wirings/export-dot.ts";
import { wiringToSvg } from "../../src/wirings/export-svg.ts";
import { FullyConnected } from "../../src/wirings/fully-connected.ts";
import { wiringGraph } from "../../src/wirings/graph.ts";
import { AutoNCP } from "../../src/wirings/ncp.ts";
import { Random } from "../../src/wirings/random.ts";
import type { Wiring } from "../../src/wirings/wiring.ts";
import { parseXml } from "./xml.ts";

const built = (w: Wiring, inputs: number) => {
  w.build(inputs);
  return w;
};
const cases = (): [string, Wiring][] => [
  ["AutoNCP(30, 8) with 22 inputs", built(new AutoNCP(30, 8), 22)],
  ["FullyConnected(8, 2) with 3 inputs", built(new FullyConnected(8, 2), 3)],
  ["Random(12, 3, 0.6) with 4 inputs", built(new Random(12, 3, 0.6, 2), 4)],
  ["unbuilt AutoNCP(16, 2)", new AutoNCP(16, 2)],
];

describe("DOT export", () => {
  for (const [name, w] of cases()) {
    it(`has one node per input and neuron and one edge per synapse: ${name}`, () => {
      const dot = wiringToDot(w, { title: `a "quoted" ${name}` });
      const nodes = dot.split("\n").filter((l) => /^\s+(sensory|neuron)_\d+ \[label=/.test(l));
      const edges = dot.split("\n").filter((l) => / -> /.test(l));
      assert.equal(nodes.length, (w.inputDim ?? 0) + w.units);
      assert.equal(edges.length, w.synapseCount + w.sensorySynapseCount);
      assert.equal(
        edges.filter((l) => l.includes('polarity="inhibitory"')).length,
        [...w.adjacency, ...(w.sensoryAdjacency ?? [])].filter((v) => v < 0).length,
      );
      // Every edge endpoint is a declared node.
      const declared = new Set(nodes.map((l) => l.trim().split(" ")[0]));
      for (const l of edges) {
        const [, a, b] = /^\s+(\S+) -> (\S+) \[/.exec(l)!;
        assert.ok(declared.has(a!) && declared.has(b!), l);
      }
      assert.ok(dot.includes('label="a \\"quoted\\" '), "title quotes are escaped");
      assert.ok(dot.startsWith("digraph wiring {") && dot.endsWith("}\n"));
      assert.equal(wiringToDot(w, { title: `a "quoted" ${name}` }), dot, "deterministic");
    });
  }

  it("draws edges from sensory features only into inter neurons for an NCP", () => {
    const w = built(new AutoNCP(16, 2), 3);
    const g = wiringGraph(w);
    const kind = new Map(g.nodes.map((n) => [n.id, n.kind]));
    for (const e of g.edges.filter((x) => x.sensory)) assert.equal(kind.get(e.to), "inter");
    assert.deepEqual(
      g.columns.map((c) => c.kind),
      ["sensory", "inter", "command", "motor"],
    );
  });
});

describe("SVG export", () => {
  for (const [name, w] of cases()) {
    it(`is well-formed XML with one circle per node and one path per synapse: ${name}`, () => {
      const svg = wiringToSvg(w, { title: `<${name}> & co` });
      const els = parseXml(svg);
      assert.equal(els[0]!.name, "svg");
      assert.equal(els[0]!.attrs["xmlns"], "http://www.w3.org/2000/svg");
      const cls = (e: { attrs: Record<string, string> }) => (e.attrs["class"] ?? "").split(" ");
      const nodes = els.filter((e) => e.name === "circle" && cls(e).includes("node"));
      const synapses = els.filter((e) => e.name === "path" && cls(e).includes("synapse"));
      assert.equal(nodes.length, (w.inputDim ?? 0) + w.units);
      assert.equal(synapses.length, w.synapseCount + w.sensorySynapseCount);
      assert.equal(
        synapses.filter((e) => cls(e).includes("inhibitory")).length,
        [...w.adjacency, ...(w.sensoryAdjacency ?? [])].filter((v) => v < 0).length,
      );
      // Legend: one marker per drawn node kind, one line per polarity.
      const kinds = new Set(nodes.map((e) => cls(e)[1]));
      assert.equal(els.filter((e) => e.name === "circle" && cls(e).includes("legend-node")).length, kinds.size);
      assert.equal(els.filter((e) => e.name === "line" && cls(e).includes("legend-synapse")).length, 2);
      assert.ok(svg.includes("&lt;") && svg.includes("&amp; co"), "title is escaped");
      // Every path's coordinates are finite numbers.
      for (const p of synapses) assert.match(p.attrs["d"]!, /^M -?[\d.]+ -?[\d.]+ C( -?[\d.]+){6}$/);
      assert.equal(wiringToSvg(w, { title: `<${name}> & co` }), svg, "deterministic");
    });
  }

  it("colours excitatory and inhibitory synapses differently and places columns left to right", () => {
    const w = built(new AutoNCP(16, 2), 3);
    const els = parseXml(wiringToSvg(w));
    const strokes = new Set(
      els
        .filter((e) => e.name === "path" && e.attrs["class"]?.startsWith("synapse"))
        .map((e) => `${e.attrs["class"]} ${e.attrs["stroke"]}`),
    );
    assert.deepEqual([...strokes].sort(), ["synapse excitatory #2ca02c", "synapse inhibitory #d62728"]);
    const x = (kind: string) => Number(els.find((e) => e.name === "circle" && e.attrs["class"] === `node ${kind}`)!.attrs["cx"]);
    assert.ok(x("sensory") < x("inter") && x("inter") < x("command") && x("command") < x("motor"));
  });

  it("refuses to draw more synapses than the limit", () => {
    assert.throws(
      () => wiringToSvg(built(new FullyConnected(8), 2), { maxSynapses: 10 }),
      /has 80 synapses, more than the 10 .* \(export DOT instead\)/,
    );
  });

  it("rejects malformed XML in the checker itself (so the well-formedness test can fail)", () => {
    assert.throws(() => parseXml("<a><b></a></b>"), /closes/);
    assert.throws(() => parseXml('<a x="1" x="2"/>'), /duplicate attribute/);
    assert.throws(() => parseXml("<a>&nbsp;</a>"), /bad entity/);
    assert.throws(() => parseXml("<a/><b/>"), /more than one root/);
    assert.throws(() => parseXml("<a x=1/>"), /not quoted/);
  });
});
