import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { verifyModelWiring, verifyWiringsDocument } from "../../src/wirings/golden.ts";
import { loadFixture, modelFiles } from "./fixtures.ts";

const fresh = () =>
  structuredClone(loadFixture("ncps/wirings.json")) as {
    format: string;
    rng_streams: Record<string, unknown[]>;
    wirings: Record<string, unknown>[];
  };

describe("verifyWiringsDocument", () => {
  it("passes every wiring and every raw stream of the ncps golden document", () => {
    const r = verifyWiringsDocument(fresh());
    assert.equal(r.cases.length, 12);
    for (const c of r.cases) assert.deepEqual(c.mismatches, [], c.name);
    assert.equal(r.rngStreams.length, 5);
    assert.ok(r.rngStreams.every((s) => s.checked && s.pass));
    assert.equal(r.rngStreamsMatch, true);
    assert.equal(r.pass, true);
    assert.match(r.cases[7]!.name, /^#7 AutoNCP\(units=16, output_size=2, sparsity_level=0\.5, seed=22222\)\.build\(3\)$/);
  });

  it("fails a case whose matrix was altered and names the entry", () => {
    const doc = fresh();
    const m = doc.wirings[9]!["adjacency_matrix"] as { data: number[] };
    const i = m.data.findIndex((v) => v !== 0);
    m.data[i] = -m.data[i]!;
    const r = verifyWiringsDocument(doc);
    assert.equal(r.pass, false);
    assert.equal(r.cases.filter((c) => !c.pass).length, 1);
    assert.match(r.cases[9]!.mismatches.join("\n"), new RegExp(`adjacency_matrix\\[${Math.floor(i / 30)}, ${i % 30}\\]: expected`));
  });

  it("fails when a seed in a ctor is changed (the draws no longer match)", () => {
    const doc = fresh();
    (doc.wirings[3]!["ctor"] as Record<string, unknown>)["random_seed"] = 4;
    const r = verifyWiringsDocument(doc);
    assert.equal(r.cases[3]!.pass, false);
    assert.ok(r.cases[3]!.mismatches.some((m) => m.startsWith("adjacency_matrix")));
  });

  it("fails a raw stream that does not match our generators, and reports unknown streams unchecked", () => {
    const doc = fresh();
    doc.rng_streams["randomstate_22222_permutation_10"]![0] = 4;
    doc.rng_streams["some_future_stream"] = [1, 2];
    const r = verifyWiringsDocument(doc);
    assert.equal(r.rngStreamsMatch, false);
    assert.equal(r.pass, false);
    assert.deepEqual(
      r.rngStreams.find((s) => s.name === "some_future_stream"),
      { name: "some_future_stream", checked: false, pass: false, detail: "unknown stream name, not checked" },
    );
    assert.match(r.rngStreams.find((s) => s.name === "randomstate_22222_permutation_10")!.detail!, /\[0\]: expected 4, got 3/);
  });

  it("turns a malformed case into a failed case with the reason", () => {
    const doc = fresh();
    doc.wirings[0]!["ctor"] = { class: "Mesh", units: 3 };
    doc.wirings[1]!["build_input_dim"] = 0;
    doc.wirings[2]!["sensory_adjacency_matrix"] = { shape: [8, 32], data: [2] };
    (doc.wirings as unknown[])[4] = 17;
    const r = verifyWiringsDocument(doc);
    assert.match(r.cases[0]!.mismatches[0]!, /unknown wiring class 'Mesh'/);
    assert.match(r.cases[1]!.mismatches[0]!, /build_input_dim must be a positive integer, got 0/);
    assert.match(r.cases[2]!.mismatches[0]!, /sensory_adjacency_matrix has 1 entries, shape \[8, 32\] needs 256/);
    assert.match(r.cases[4]!.mismatches[0]!, /wirings\[4\]: expected an object, got 17/);
    assert.equal(r.pass, false);
  });

  it("rejects documents that are not ncps-wirings-golden/1 with one clear line", () => {
    assert.throws(() => verifyWiringsDocument("x"), /verifyWiringsDocument: expected a JSON object, got 'x'/);
    assert.throws(
      () => verifyWiringsDocument({ format: "ncps-golden/1" }),
      /expected format 'ncps-wirings-golden\/1', got 'ncps-golden\/1'/,
    );
    assert.throws(
      () => verifyWiringsDocument({ format: "ncps-wirings-golden/1", wirings: [] }),
      /'wirings' must be a non-empty list, got an array of length 0/,
    );
    assert.throws(
      () => verifyWiringsDocument({ format: "ncps-wirings-golden/1", wirings: [{}], rng_streams: 3 }),
      /rng_streams must be an object, got 3/,
    );
  });
});

describe("verifyModelWiring", () => {
  for (const file of modelFiles()) {
    it(`passes the wiring of ${file}`, () => {
      const doc = loadFixture(`ncps/${file}`) as { wiring: unknown };
      const r = verifyModelWiring(doc);
      assert.equal(r.present, doc.wiring !== null);
      assert.deepEqual(r.mismatches, []);
      assert.equal(r.pass, true);
    });
  }

  it("fails an altered model wiring and a ctor string that disagrees with the wiring object", () => {
    const doc = structuredClone(loadFixture("ncps/ltc_autoncp16_out2.json")) as {
      wiring: Record<string, unknown>;
      model: { ctor: Record<string, unknown> };
    };
    (doc.wiring["sensory_adjacency_matrix"] as { data: number[] }).data[0] = 1;
    doc.model.ctor["units"] = "AutoNCP(16, 2, seed=5)";
    const r = verifyModelWiring(doc);
    assert.equal(r.pass, false);
    assert.ok(r.mismatches.some((m) => /^sensory_adjacency_matrix\[0, 0\]: expected 1, got 0/.test(m)));
    assert.ok(r.mismatches.some((m) => m.includes("model.ctor.units 'AutoNCP(16, 2, seed=5)'")));
  });

  it("reports a wiring object it cannot rebuild as a failure, not a crash", () => {
    const r = verifyModelWiring({ wiring: { class: "AutoNCP", units: 16, input_dim: 3 } });
    assert.equal(r.pass, false);
    assert.match(r.mismatches[0]!, /no 'autoncp' arguments|adjacency_matrix/);
  });
});

describe("golden documents written with Python repr strings", () => {
  /** Python repr of a JSON value (dicts with single quotes, True/False/None). */
  const repr = (v: unknown): string => {
    if (v === true) return "True";
    if (v === false) return "False";
    if (v === null) return "None";
    if (typeof v === "string") return `'${v}'`;
    if (Array.isArray(v)) return `[${v.map(repr).join(", ")}]`;
    if (typeof v === "object")
      return `{${Object.entries(v as object)
        .map(([k, x]) => `'${k}': ${repr(x)}`)
        .join(", ")}}`;
    return String(v);
  };

  it("are parsed: ctor records, matrices, layers and counts given as repr strings still pass", () => {
    const doc = fresh();
    doc.wirings = doc.wirings.map((w) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, repr(v)])));
    assert.equal(typeof doc.wirings[0]!["adjacency_matrix"], "string");
    const r = verifyWiringsDocument(doc);
    for (const c of r.cases) assert.deepEqual(c.mismatches, [], c.name);
    assert.equal(r.pass, true);
  });

  it("accept constructor-call strings as ctor", () => {
    const doc = fresh();
    doc.wirings = [{ ...doc.wirings[7]!, ctor: "AutoNCP(16, 2)" }];
    const r = verifyWiringsDocument(doc);
    assert.equal(r.cases[0]!.name, "#0 AutoNCP(16, 2).build(3)");
    assert.deepEqual(r.cases[0]!.mismatches, []);
  });

  it("accept a model wiring object given as a repr string", () => {
    const doc = structuredClone(loadFixture("ncps/cfc_default_autoncp16_out2.json")) as Record<string, unknown>;
    doc["wiring"] = repr(doc["wiring"]);
    assert.deepEqual(verifyModelWiring(doc).mismatches, []);
  });
});
