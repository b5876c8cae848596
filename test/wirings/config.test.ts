import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wiringFromConfig, wiringToConfig } from "../../src/wirings/config.ts";
import { FullyConnected } from "../../src/wirings/fully-connected.ts";
import { ncpsCtorToConfig, parseNcpsCtorString, wiringFromNcpsCtor } from "../../src/wirings/ncps-ctor.ts";
import { AutoNCP, NCP } from "../../src/wirings/ncp.ts";
import { parsePythonLiteral } from "../../src/core/python-literal.ts";
import { Random } from "../../src/wirings/random.ts";
import { Wiring } from "../../src/wirings/wiring.ts";

const samples = (): Wiring[] => [
  new FullyConnected(8, 2, 1111, true),
  new FullyConnected(7, 3, 9, false),
  new Random(12, 4, 0.6, 5),
  new NCP(6, 4, 3, 3, 2, 5, 2, 777),
  new AutoNCP(20, 3, 0.7, 31),
];

describe("JSON wiring configs", () => {
  it("round-trip every class through JSON text to identical matrices", () => {
    for (const w of samples()) {
      w.build(5);
      const cfg = wiringToConfig(w);
      const back = wiringFromConfig(JSON.parse(JSON.stringify(cfg)));
      assert.equal(back.constructor, w.constructor, cfg.class);
      assert.deepEqual(Array.from(back.adjacency), Array.from(w.adjacency), `${cfg.class} adjacency`);
      assert.deepEqual(Array.from(back.sensoryAdjacency!), Array.from(w.sensoryAdjacency!), `${cfg.class} sensory`);
      assert.deepEqual(wiringToConfig(back), cfg);
    }
  });

  it("round-trip unbuilt wirings and configs without matrices (NCP stores counts and the seed)", () => {
    const ncp = new NCP(6, 4, 3, 3, 2, 5, 2, 777);
    const cfg = wiringToConfig(ncp);
    assert.deepEqual(cfg, {
      class: "NCP",
      interNeurons: 6,
      commandNeurons: 4,
      motorNeurons: 3,
      sensoryFanout: 3,
      interFanout: 2,
      recurrentCommandSynapses: 5,
      motorFanin: 2,
      seed: 777,
    });
    const back = wiringFromConfig(cfg);
    assert.equal(back.isBuilt(), false);
    back.build(4);
    ncp.build(4);
    assert.deepEqual(Array.from(back.adjacency), Array.from(ncp.adjacency));
    const auto = new AutoNCP(20, 3, 0.7, 31);
    auto.build(2);
    assert.deepEqual(wiringToConfig(auto, { matrices: false }), {
      class: "AutoNCP",
      units: 20,
      outputSize: 3,
      sparsityLevel: 0.7,
      seed: 31,
      inputDim: 2,
    });
  });

  it("fills ncps defaults for omitted optional arguments", () => {
    const w = wiringFromConfig({ class: "AutoNCP", units: 16, outputSize: 2 }) as AutoNCP;
    assert.deepEqual([w.sparsityLevel, w.seed], [0.5, 22222]);
    const f = wiringFromConfig({ class: "FullyConnected", units: 4 }) as FullyConnected;
    assert.deepEqual([f.outputDim, f.erevInitSeed, f.selfConnections], [4, 1111, true]);
  });

  it("keeps base wirings (explicit matrices) as matrices", () => {
    const src = new AutoNCP(16, 2);
    src.build(3);
    const base = Wiring.fromMatrices(src.matricesConfig());
    const back = wiringFromConfig(JSON.parse(JSON.stringify(wiringToConfig(base))));
    assert.equal(back.constructor, Wiring);
    assert.deepEqual(Array.from(back.adjacency), Array.from(src.adjacency));
    assert.deepEqual(Array.from(back.sensoryAdjacency!), Array.from(src.sensoryAdjacency!));
  });

  it("rejects unknown classes, unknown keys, missing keys and wrong types with one clear line", () => {
    assert.throws(() => wiringFromConfig(null), /config must be an object, got null/);
    assert.throws(
      () => wiringFromConfig({ class: "Mesh" }),
      /unknown wiring class 'Mesh', valid classes are 'FullyConnected', 'Random', 'NCP', 'AutoNCP', 'Wiring'/,
    );
    assert.throws(
      () => wiringFromConfig({ class: "AutoNCP", units: 16, outputSize: 2, sparsity: 0.5 }),
      /wiringFromConfig\(AutoNCP\): unknown key 'sparsity'/,
    );
    assert.throws(() => wiringFromConfig({ class: "AutoNCP", units: 16 }), /missing required key 'outputSize'/);
    assert.throws(() => wiringFromConfig({ class: "Random", units: "8" }), /units must be a finite number, got '8'/);
    assert.throws(
      () => wiringFromConfig({ class: "FullyConnected", units: 4, selfConnections: "no" }),
      /selfConnections must be a boolean, got 'no'/,
    );
    assert.throws(
      () => wiringFromConfig({ class: "AutoNCP", units: 16, outputSize: 2, sensoryAdjacency: [1] }),
      /sensoryAdjacency is given but inputDim is not/,
    );
  });

  it("rejects stored matrices that differ from the regenerated ones, naming the entry", () => {
    const w = new AutoNCP(16, 2);
    w.build(3);
    const cfg = wiringToConfig(w) as { adjacency: number[] };
    const i = cfg.adjacency.findIndex((v) => v !== 0);
    cfg.adjacency[i] = -cfg.adjacency[i]!;
    assert.throws(() => wiringFromConfig(cfg), new RegExp(`stored adjacency differs .* at \\[${Math.floor(i / 16)}, ${i % 16}\\]`));
    const short = { ...wiringToConfig(w), adjacency: [0, 1] };
    assert.throws(() => wiringFromConfig(short), /adjacency has 2 entries, the regenerated matrix has 256/);
  });
});

describe("Python literals and ncps constructor descriptions", () => {
  it("parse numbers, booleans, None, strings, lists, tuples, dicts and calls", () => {
    assert.deepEqual(parsePythonLiteral("{'shape': [2, 2], 'data': (1, -1, 0, 1e-3), 'ok': True, 'x': None, \"s\": 'a\\'b'}"), {
      shape: [2, 2],
      data: [1, -1, 0, 0.001],
      ok: true,
      x: null,
      s: "a'b",
    });
    assert.deepEqual(parsePythonLiteral("ncps.wirings.AutoNCP(16, 2, seed=3,)"), {
      call: "ncps.wirings.AutoNCP",
      args: [16, 2],
      kwargs: { seed: 3 },
    });
    assert.throws(() => parsePythonLiteral("AutoNCP(16, 2"), /expected ',' or '\)' at column 14/);
    assert.throws(() => parsePythonLiteral("foo"), /unknown name 'foo'/);
    assert.throws(() => parsePythonLiteral("f(a=1, 2)"), /positional argument follows keyword argument/);
    assert.throws(() => parsePythonLiteral("[1] x"), /unexpected trailing text/);
  });

  it("map positional and keyword ctor arguments to the ncps signatures", () => {
    assert.deepEqual(parseNcpsCtorString("AutoNCP(16, 2)"), { class: "AutoNCP", units: 16, output_size: 2 });
    assert.deepEqual(ncpsCtorToConfig("FullyConnected(8, 2)"), {
      class: "FullyConnected",
      units: 8,
      outputDim: 2,
      erevInitSeed: 1111,
      selfConnections: true,
    });
    assert.deepEqual(ncpsCtorToConfig("Random(10, sparsity_level=0.5)"), {
      class: "Random",
      units: 10,
      outputDim: null,
      sparsityLevel: 0.5,
      randomSeed: 1111,
    });
    assert.throws(() => parseNcpsCtorString("AutoNCP(16, 2, 0.5, 1, 9)"), /takes at most 4 arguments, got 5/);
    assert.throws(() => parseNcpsCtorString("AutoNCP(16, units=3)"), /got argument 'units' twice/);
    assert.throws(() => parseNcpsCtorString("LTC(3, 8)"), /unknown wiring class 'LTC'/);
    assert.throws(() => ncpsCtorToConfig("AutoNCP(16)"), /AutoNCP needs argument 'output_size'/);
    assert.throws(() => ncpsCtorToConfig({ class: "NCP", inter_neurons: 3, bogus: 1 }), /NCP has no argument 'bogus'/);
  });

  it("accept ctor records with values as Python repr strings", () => {
    const a = wiringFromNcpsCtor({
      class: "FullyConnected",
      units: "8",
      output_dim: "2",
      erev_init_seed: "1111",
      self_connections: "True",
    });
    const b = new FullyConnected(8, 2);
    a.build(3);
    b.build(3);
    assert.deepEqual(Array.from(a.sensoryAdjacency!), Array.from(b.sensoryAdjacency!));
  });

  it("refuse an NCP model-file wiring object without a seed (ncps' get_config loses it)", () => {
    assert.throws(
      () =>
        wiringFromNcpsCtor({
          class: "NCP",
          units: 9,
          adjacency_matrix: { shape: [9, 9], data: [] },
          ncp: {
            inter_neurons: 4,
            command_neurons: 3,
            motor_neurons: 2,
            sensory_fanout: 2,
            inter_fanout: 2,
            recurrent_command_synapses: 3,
            motor_fanin: 2,
          },
        }),
      /NCP wiring object has no seed/,
    );
  });
});
