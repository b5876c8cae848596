import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliInProcess } from "./cli-helpers.ts";
import { readNpz } from "../../src/io/npz.ts";
import { loadChannelDataset } from "../../src/io/load.ts";
import { generateChannel } from "../../src/channel/generate.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-cli-channel-"));

const run = runCliInProcess;

test("channel generate --json writes H, H_est, positions, t and prints exactly one document", async () => {
  const out = join(tmp, "o1.npz");
  const r = await run([
    "channel",
    "generate",
    "--preset",
    "o1-28ghz",
    "--speeds",
    "6,15,30",
    "--slots",
    "7,6,5",
    "--cee",
    "-10",
    "--seed",
    "4",
    "--out",
    out,
    "--json",
  ]);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.equal(doc.out, out);
  assert.deepEqual(doc.arrays.H, { shape: [18, 4, 2, 64], dtype: "complex128" });
  assert.deepEqual(doc.arrays.H_est, { shape: [18, 4, 2, 64], dtype: "complex128" });
  assert.deepEqual(doc.arrays.positions, { shape: [18, 4, 3], dtype: "float64" });
  assert.deepEqual(doc.arrays.t, { shape: [18], dtype: "float64" });
  assert.equal(doc.config.preset, "o1-28ghz");
  assert.equal(doc.config.version, 1);
  assert.deepEqual(doc.config.mobility.speeds, [6, 15, 30]);
  assert.equal(doc.config.cee, -10);
  // The file holds exactly what the library generates for the echoed config.
  const vars = readNpz(out);
  const sim = generateChannel(doc.config);
  assert.deepEqual(Array.from(vars.get("H")!.data as Float64Array).slice(0, 50), Array.from(sim.H.re).slice(0, 50));
  assert.equal(JSON.parse(new TextDecoder().decode(vars.get("config_json")!.data as Uint8Array)).seed, 4);
  // io reads it back as a liquidwave dataset.
  const ds = await loadChannelDataset(out);
  assert.deepEqual(ds.H.shape, [18, 4, 2, 64]);
  assert.ok(ds.Hest && ds.positions && ds.t);
  assert.equal(ds.meta.dt, 1.25e-4);
  assert.equal(ds.meta.fc, 28e9);
});

test("channel stats reads a generated file and reports power, Doppler and autocorrelation", async () => {
  const out = join(tmp, "clarke.npz");
  assert.equal((await run(["channel", "generate", "--preset", "clarke", "--users", "50", "--samples", "300", "--out", out])).code, 0);
  const r = await run(["channel", "stats", out, "--json", "--max-lag", "10"]);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.deepEqual(doc.shape, [300, 50, 1, 4]);
  assert.equal(doc.variable, "H");
  assert.equal(doc.dt, 1e-3);
  assert.equal(doc.lagsS.length, 11);
  assert.ok(Math.abs(doc.autocorrelation[0] - 1) < 1e-12);
  assert.ok(Math.abs(doc.meanPower - 1) < 0.1);
  assert.ok(Math.abs(doc.dopplerHz - 40) < 4, `Doppler ${doc.dopplerHz}`);
  // Per user: 50 users of the same Clarke model (2 m/s at 6 GHz, f_D = 40 Hz): each user's
  // coherence time, and their median, near J0's |ρ| = 0.5 lag 1.5211/(2π f_D) = 6.05 ms (the
  // per-realisation ACF of 64 sinusoids over 0.3 s fluctuates; 30 %).
  assert.equal(doc.perUser.coherenceTimeS.length, 50);
  assert.equal(doc.perUserSummary.users, 50);
  const med = doc.perUserSummary.coherenceTimeS.median;
  assert.ok(Math.abs(med / 6.05e-3 - 1) < 0.3, `median per-user coherence ${med}`);
  assert.ok(doc.perUserSummary.coherenceTimeS.p10 <= med && med <= doc.perUserSummary.coherenceTimeS.p90);
  assert.ok(doc.perUserSummary.dopplerSpreadHz.median > 0);
  const human = await run(["channel", "stats", out]);
  assert.equal(human.code, 0);
  assert.match(human.out, /Doppler \(Clarke-equivalent\)/);
  assert.match(human.out, /coherence time per user \(50\): median \[p10, p90\]/);
});

test("channel generate takes a YAML channel config and lets flags override it", async () => {
  const cfg = join(tmp, "scenario.yaml");
  writeFileSync(
    cfg,
    "preset: umi-6ghz\nsamples: 30\nusers: 2\numi:\n  bounce: double\n  condition: nlos\nspeeds: [1, 2]\nslots: [15, 15]\n",
  );
  const out = join(tmp, "umi.npz");
  const r = await run(["channel", "generate", "--channel-config", cfg, "--speed", "3", "--out", out, "--json"]);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assert.equal(doc.config.umi.bounce, "double");
  assert.equal(doc.config.umi.condition, "nlos");
  assert.deepEqual(doc.config.mobility.speeds, [3]);
  assert.equal(doc.config.mobility.slots, null);
  assert.deepEqual(doc.arrays.los, { shape: [30, 2], dtype: "uint8" });
});

test("bad input exits 1 with one line naming the problem; nothing is written", async () => {
  const out = join(tmp, "bad.npz");
  const cases: [string[], RegExp][] = [
    [["channel", "generate", "--preset", "indoor", "--out", out], /config\.preset: unknown value "indoor"/],
    [["channel", "generate", "--preset", "umi-6ghz"], /--out FILE\.npz is required/],
    [["channel", "generate", "--out", out], /--preset is required/],
    [["channel", "generate", "--preset", "o1-28ghz", "--samples", "100", "--out", out], /disagrees with the speed-phase slots/],
    [["channel", "generate", "--preset", "clarke", "--dtype", "float16", "--out", out], /unknown --dtype 'float16'/],
    [["channel", "stats", join(tmp, "missing.npz")], /missing\.npz/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 1, args.join(" "));
    assert.match(r.err, re);
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
    assert.equal(r.out, "");
  }
  assert.equal(existsSync(out), false);
  const usage = await run(["channel", "generate", "--antennas", "zero"]);
  assert.equal(usage.code, 2);
});
