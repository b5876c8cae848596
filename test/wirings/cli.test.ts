import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { main } from "../../src/cli/main.ts";
import { wiringFromConfig } from "../../src/wirings/config.ts";
import { AutoNCP } from "../../src/wirings/ncp.ts";
import { parseXml } from "./xml.ts";

/** Run the CLI in-process, capturing stdout and stderr. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => {
    err += s;
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

const dir = mkdtempSync(join(tmpdir(), "lw-wiring-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("liquidwave wiring show", () => {
  it("prints the counts of an AutoNCP as one JSON document", async () => {
    const r = await run("wiring", "show", "--type", "autoncp", "--units", "30", "--outputs", "8", "--inputs", "22", "--json");
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    const w = new AutoNCP(30, 8);
    w.build(22);
    assert.equal(doc.class, "AutoNCP");
    assert.deepEqual(doc.layers, [
      { index: 0, type: "inter", size: 14 },
      { index: 1, type: "command", size: 8 },
      { index: 2, type: "motor", size: 8 },
    ]);
    assert.equal(doc.synapseCount, w.synapseCount);
    assert.equal(doc.sensorySynapseCount, w.sensorySynapseCount);
    assert.equal(doc.excitatory + doc.inhibitory, w.synapseCount);
    assert.deepEqual(doc.config.adjacency, Array.from(w.adjacency));
  });

  it("prints a human table without --json", async () => {
    const r = await run("wiring", "show", "--type", "fc", "--units", "8", "--outputs", "2", "--inputs", "3");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /synapses\s+64 \(/);
    assert.match(r.out, /sensory synapses\s+24 \(/);
  });

  it("writes json, dot and svg exports atomically, and the json export rebuilds the same wiring", async () => {
    for (const format of ["json", "dot", "svg"]) {
      const out = join(dir, `w.${format}`);
      const r = await run(
        "wiring",
        "show",
        "--type",
        "autoncp",
        "--units",
        "16",
        "--outputs",
        "2",
        "--inputs",
        "3",
        "--seed",
        "5",
        "--format",
        format,
        "--out",
        out,
      );
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, new RegExp(`wrote ${format} to`));
    }
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith(".tmp")),
      [],
      "no temporary files left",
    );
    const w = wiringFromConfig(JSON.parse(readFileSync(join(dir, "w.json"), "utf8")));
    const ref = new AutoNCP(16, 2, 0.5, 5);
    ref.build(3);
    assert.deepEqual(Array.from(w.adjacency), Array.from(ref.adjacency));
    assert.equal(
      readFileSync(join(dir, "w.dot"), "utf8")
        .split("\n")
        .filter((l) => l.includes(" -> ")).length,
      ref.synapseCount + ref.sensorySynapseCount,
    );
    parseXml(readFileSync(join(dir, "w.svg"), "utf8"));
    // --from reads the config back.
    const again = await run("wiring", "show", "--from", join(dir, "w.json"), "--json");
    assert.equal(JSON.parse(again.out).synapseCount, ref.synapseCount);
  });

  it("takes options from --config and rejects unknown keys there", async () => {
    const cfg = join(dir, "opts.json");
    writeFileSync(
      cfg,
      JSON.stringify({
        type: "ncp",
        inter: 4,
        command: 3,
        outputs: 2,
        sensoryFanout: 2,
        interFanout: 2,
        recurrentCommand: 3,
        motorFanin: 2,
        seed: 1,
        inputs: 3,
      }),
    );
    const r = await run("wiring", "show", "--config", cfg, "--json");
    assert.equal(r.code, 0, r.err);
    // Golden NCP(4, 3, 2, 2, 2, 3, 2, seed=1) built with 3 inputs: 17 and 7 synapses.
    assert.deepEqual([JSON.parse(r.out).synapseCount, JSON.parse(r.out).sensorySynapseCount], [17, 7]);
    writeFileSync(cfg, JSON.stringify({ type: "ncp", fanout: 3 }));
    const bad = await run("wiring", "show", "--config", cfg);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /unknown key 'fanout'/);
  });

  it("exits 1 with one clear line for bad input and 2 for usage errors", async () => {
    const cases: [string[], number, RegExp][] = [
      [["--type", "autoncp", "--units", "10", "--outputs", "8"], 1, /outputSize must be less than units - 2/],
      [["--type", "mesh", "--units", "4"], 1, /unknown --type 'mesh'/],
      [["--type", "ncp", "--inter", "4"], 1, /--type ncp needs --command/],
      [["--type", "autoncp", "--units", "16", "--outputs", "2", "--format", "png"], 1, /unknown --format 'png'/],
      [["--type", "autoncp", "--units", "16", "--outputs", "2", "--out", "x.svg"], 1, /--out needs --format/],
      [["--from", join(dir, "missing.json")], 1, /cannot read --from .*ENOENT/],
      [["--type", "autoncp", "--units", "x"], 2, /expected an integer/],
    ];
    for (const [args, code, re] of cases) {
      const r = await run("wiring", "show", ...args);
      assert.equal(r.code, code, `${args.join(" ")}: ${r.err}`);
      assert.match(r.err, re);
      if (code === 1) assert.equal(r.err.trim().split("\n").length, 1, r.err);
    }
  });
});
