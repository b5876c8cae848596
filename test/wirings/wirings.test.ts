import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FullyConnected } from "../../src/wirings/fully-connected.ts";
import { wiredCfcMasks, layerInputBlock } from "../../src/wirings/masks.ts";
import { wiringFromNcpsCtor } from "../../src/wirings/ncps-ctor.ts";
import { AutoNCP, NCP, autoNcpArgs } from "../../src/wirings/ncp.ts";
import { Random } from "../../src/wirings/random.ts";
import { Wiring } from "../../src/wirings/wiring.ts";
import { loadFixture, matrixData, modelFiles, pyValue } from "./fixtures.ts";

interface GoldenEntry {
  ctor: unknown;
  build_input_dim: number;
  units: number;
  output_dim: number;
  layers: number[][];
  neuron_types: string[];
  adjacency_matrix: unknown;
  sensory_adjacency_matrix: unknown;
  synapse_count: number;
  sensory_synapse_count: number;
  ncp_derived?: Record<string, number>;
}

const golden = loadFixture("ncps/wirings.json") as { wirings: GoldenEntry[] };
const oracle = loadFixture("numpy/oracle.json") as { wirings: GoldenEntry[] };

/** Build our wiring straight from the constructors (not through the ctor parser). */
function construct(ctorValue: unknown): Wiring {
  const c = pyValue(ctorValue) as Record<string, unknown>;
  const n = (k: string) => pyValue(c[k]) as number;
  switch (c["class"]) {
    case "FullyConnected":
      return new FullyConnected(n("units"), n("output_dim"), n("erev_init_seed"), pyValue(c["self_connections"]) as boolean);
    case "Random":
      return new Random(n("units"), n("output_dim"), n("sparsity_level"), n("random_seed"));
    case "NCP":
      return new NCP(
        n("inter_neurons"),
        n("command_neurons"),
        n("motor_neurons"),
        n("sensory_fanout"),
        n("inter_fanout"),
        n("recurrent_command_synapses"),
        n("motor_fanin"),
        n("seed"),
      );
    case "AutoNCP":
      return new AutoNCP(n("units"), n("output_size"), n("sparsity_level"), n("seed"));
  }
  throw new Error(`unexpected class ${String(c["class"])}`);
}

function assertMatches(w: Wiring, g: GoldenEntry, label: string): void {
  const adj = matrixData(g.adjacency_matrix);
  const sens = matrixData(g.sensory_adjacency_matrix);
  assert.deepEqual(adj.shape, [w.units, w.units], `${label} adjacency shape`);
  assert.deepEqual(Array.from(w.adjacency), adj.data, `${label} adjacency`);
  assert.deepEqual(sens.shape, [w.inputDim, w.units], `${label} sensory shape`);
  assert.deepEqual(Array.from(w.sensoryAdjacency!), sens.data, `${label} sensory adjacency`);
}

describe("wirings are bit-exact with ncps", () => {
  for (const [i, g] of golden.wirings.entries()) {
    const ctor = pyValue(g.ctor) as Record<string, unknown>;
    it(`reproduces golden wiring #${i} (${String(ctor["class"])}, ${g.units} units, ${g.build_input_dim} inputs) exactly`, () => {
      const w = construct(g.ctor);
      w.build(g.build_input_dim);
      assertMatches(w, g, `#${i}`);
      assert.equal(w.units, g.units);
      assert.equal(w.outputDim, g.output_dim);
      assert.equal(w.synapseCount, g.synapse_count);
      assert.equal(w.sensorySynapseCount, g.sensory_synapse_count);
      assert.deepEqual(
        Array.from({ length: w.numLayers }, (_, l) => w.neuronsOfLayer(l)),
        pyValue(g.layers),
      );
      assert.deepEqual(
        Array.from({ length: w.units }, (_, k) => w.neuronType(k)),
        pyValue(g.neuron_types),
      );
      if (g.ncp_derived) {
        const { seed: _s, ...counts } = (w as NCP).ncpArgs();
        const want = pyValue(g.ncp_derived) as Record<string, number>;
        assert.deepEqual(counts, {
          interNeurons: want["inter_neurons"],
          commandNeurons: want["command_neurons"],
          motorNeurons: want["motor_neurons"],
          sensoryFanout: want["sensory_fanout"],
          interFanout: want["inter_fanout"],
          recurrentCommandSynapses: want["recurrent_command_synapses"],
          motorFanin: want["motor_fanin"],
        });
      }
    });
  }

  for (const g of oracle.wirings) {
    const ctor = g.ctor as Record<string, unknown>;
    it(`reproduces the large ${String(ctor["class"])}(${String(ctor["units"])}) drawn with numpy's own generators (tail-shuffle and long permutations)`, () => {
      const w = construct(g.ctor);
      w.build(g.build_input_dim);
      assertMatches(w, g, String(ctor["class"]));
    });
  }

  for (const file of modelFiles()) {
    it(`rebuilds the wiring of model golden file ${file} from its ctor (or finds none)`, () => {
      const doc = loadFixture(`ncps/${file}`) as { wiring: Record<string, unknown> | null; model: { ctor: Record<string, unknown> } };
      if (doc.wiring === null) {
        // Unwired CfC models: integer units, nothing to rebuild.
        assert.equal(typeof doc.model.ctor["units"], "number");
        return;
      }
      const wobj = pyValue(doc.wiring) as Record<string, unknown>;
      const w = wiringFromNcpsCtor(doc.model.ctor["units"] as string);
      w.build(wobj["input_dim"] as number);
      assert.deepEqual(Array.from(w.adjacency), matrixData(wobj["adjacency_matrix"]).data);
      assert.deepEqual(Array.from(w.sensoryAdjacency!), matrixData(wobj["sensory_adjacency_matrix"]).data);
      assert.equal(w.synapseCount, wobj["synapse_count"]);
      assert.equal(w.sensorySynapseCount, wobj["sensory_synapse_count"]);
    });
  }
});

describe("WiredCfC layer masks", () => {
  it("reproduce the GLNN reference masks of AutoNCP(30, 8) seed 22222 built with 8 inputs", () => {
    // Layer l mask = |[input block; ones(H_l, H_l)]ᵀ|: 14 x (8 + 14), 8 x (14 + 8), 8 x (8 + 8).
    const ref = loadFixture("glnn/ncp_masks_autoncp30_8_seed22222.json") as Record<string, number[][]>;
    const w = new AutoNCP(30, 8, 0.5, 22222);
    w.build(8);
    const masks = wiredCfcMasks(w);
    assert.equal(masks.length, 3);
    for (const [l, m] of masks.entries()) {
      const want = ref[`layer_${l}`]!;
      assert.deepEqual(m.shape, [want.length, want[0]!.length], `layer ${l} shape`);
      assert.deepEqual(Array.from(m.data), want.flat(), `layer ${l}`);
    }
    assert.deepEqual(
      masks.map((m) => m.shape),
      [
        [14, 22],
        [8, 22],
        [8, 16],
      ],
    );
  });

  it("take signed input blocks from S for layer 0 and from A between consecutive layers", () => {
    const w = new AutoNCP(16, 2);
    w.build(3);
    const b0 = layerInputBlock(w, 0);
    const inter = w.neuronsOfLayer(0);
    assert.deepEqual([b0.rows, b0.cols], [3, inter.length]);
    for (let k = 0; k < 3; k++) inter.forEach((id, j) => assert.equal(b0.data[k * inter.length + j], w.sensoryAdjacency![k * 16 + id]));
    const b2 = layerInputBlock(w, 2);
    const command = w.neuronsOfLayer(1);
    const motor = w.neuronsOfLayer(2);
    command.forEach((src, i) => motor.forEach((dst, j) => assert.equal(b2.data[i * motor.length + j], w.adjacency[src * 16 + dst])));
    assert.throws(() => layerInputBlock(w, 3), /layer 3 does not exist \(wiring has 3 layers\)/);
    assert.throws(() => layerInputBlock(new AutoNCP(16, 2), 0), /not built yet/);
  });
});

describe("wiring structure and validation", () => {
  it("derives AutoNCP layer sizes and fan-outs as in the ncps table", () => {
    const rows: [number, number, number[]][] = [
      [16, 2, [9, 5, 2, 4, 2, 5, 2]],
      [16, 4, [8, 4, 4, 4, 2, 4, 2]],
      [28, 10, [11, 7, 10, 5, 3, 7, 3]],
      [30, 4, [16, 10, 4, 8, 5, 10, 5]],
      [64, 8, [34, 22, 8, 17, 11, 22, 11]],
    ];
    for (const [units, out, want] of rows) {
      const a = autoNcpArgs(units, out);
      assert.deepEqual(
        [a.interNeurons, a.commandNeurons, a.motorNeurons, a.sensoryFanout, a.interFanout, a.recurrentCommandSynapses, a.motorFanin],
        want,
        `AutoNCP(${units}, ${out})`,
      );
    }
  });

  it("keeps NCP synapses inside the allowed layer pairs and orders motor neurons first", () => {
    const w = new AutoNCP(40, 6, 0.4, 123);
    w.build(10);
    const type = (i: number) => w.neuronType(i);
    for (let s = 0; s < 40; s++) {
      for (let d = 0; d < 40; d++) {
        if (w.adjacency[s * 40 + d] === 0) continue;
        const pair = `${type(s)}->${type(d)}`;
        assert.ok(["inter->command", "command->command", "command->motor"].includes(pair), `unexpected synapse ${pair} (${s} -> ${d})`);
      }
    }
    for (let k = 0; k < 10; k++) for (let d = 0; d < 40; d++) if (w.sensoryAdjacency![k * 40 + d] !== 0) assert.equal(type(d), "inter");
    assert.deepEqual(w.neuronsOfLayer(2), [0, 1, 2, 3, 4, 5]);
    // Every inter neuron has an input, every command neuron an inter input and a motor output.
    for (const i of w.neuronsOfLayer(0))
      assert.ok(Array.from({ length: 10 }, (_, k) => w.sensoryAdjacency![k * 40 + i]).some((v) => v !== 0));
    for (const c of w.neuronsOfLayer(1)) {
      assert.ok(
        w.neuronsOfLayer(0).some((i) => w.adjacency[i * 40 + c] !== 0),
        `command ${c} has no input`,
      );
      assert.ok(
        w.neuronsOfLayer(2).some((m) => w.adjacency[c * 40 + m] !== 0),
        `command ${c} has no output`,
      );
    }
  });

  it("gives FullyConnected a synapse on every pair and honours selfConnections=false", () => {
    const w = new FullyConnected(6, 2, 5, false);
    w.build(2);
    for (let s = 0; s < 6; s++) for (let d = 0; d < 6; d++) assert.equal(w.adjacency[s * 6 + d] !== 0, s !== d);
    assert.equal(w.sensorySynapseCount, 12);
    assert.equal(new FullyConnected(5).outputDim, 5);
  });

  it("gives Random exactly round(N^2 (1 - s)) synapses, rounding half to even", () => {
    // 10 * 10 * 0.75 = 75; 5 * 5 * 0.5 = 12.5 -> 12 (half to even); 3 inputs * 5 * 0.5 = 7.5 -> 8.
    assert.equal(new Random(10, null, 0.25, 1).synapseCount, 75);
    const r = new Random(5, 2, 0.5, 3);
    assert.equal(r.synapseCount, 12);
    r.build(3);
    assert.equal(r.sensorySynapseCount, 8);
  });

  it("treats a second build with the same input dimension as a no-op and a different one as an error", () => {
    const w = new AutoNCP(16, 2);
    w.build(3);
    const before = Array.from(w.adjacency);
    w.build(3);
    assert.deepEqual(Array.from(w.adjacency), before);
    assert.throws(() => w.build(4), /built with input dimension 3, cannot rebuild with 4/);
  });

  it("rejects invalid constructor arguments with one-line errors naming the value", () => {
    assert.throws(() => new AutoNCP(10, 8), /AutoNCP: outputSize must be less than units - 2 \(got 10 units and outputSize 8; at most 7\)/);
    assert.throws(() => new AutoNCP(16, 2, 0.05), /sparsityLevel must be a number in \[0\.1, 1\.0\], got 0\.05/);
    assert.throws(() => new AutoNCP(16, 2, 0.5, -1), /seed must be an integer in \[0, 2\^32 - 1\], got -1/);
    assert.throws(() => new NCP(4, 3, 2, 5, 2, 1, 2), /sensoryFanout must be an integer in \[1, 4\] \(there are 4 inter neurons\), got 5/);
    assert.throws(() => new NCP(4, 3, 2, 2, 4, 1, 2), /interFanout must be an integer in \[1, 3\] \(there are 3 command neurons\), got 4/);
    assert.throws(() => new NCP(4, 3, 2, 2, 2, 1, 9), /motorFanin must be an integer in \[1, 3\]/);
    assert.throws(() => new NCP(0, 3, 2, 2, 2, 1, 2), /interNeurons must be an integer >= 1, got 0/);
    assert.throws(() => new Random(8, null, 1), /sparsityLevel must be a number in \[0, 1\), got 1/);
    assert.throws(() => new FullyConnected(8, 9), /output dimension must be in \[1, 8\], got 9/);
    assert.throws(() => new FullyConnected(8, 2, 1.5), /erevInitSeed must be an integer/);
    assert.throws(() => new NCP(4, 3, 2, 2, 2, 1, 2).neuronsOfLayer(3), /layer 3 does not exist/);
  });

  it("allows AutoNCP sparsity 1.0 (every fan-out clamps to 1)", () => {
    const a = autoNcpArgs(20, 4, 1.0);
    assert.deepEqual([a.sensoryFanout, a.interFanout, a.recurrentCommandSynapses, a.motorFanin], [1, 1, 1, 1]);
  });
});
