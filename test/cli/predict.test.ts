import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { saveChannelDataset } from "../../src/io/load.ts";
import { multipathDataset } from "../prediction/helpers.ts";
import { runCli, runCliInProcess } from "./cli-helpers.ts";
import { loadChannelDataset } from "../../src/io/load.ts";
import { runPredict, type PredictionResult } from "../../src/experiments/index.ts";

const dir = mkdtempSync(join(tmpdir(), "lw-predict-"));
const file = join(dir, "clarke.npz");
const ds = multipathDataset({ kind: "dense", users: 30, samples: 300, antennas: 4, dopplerHz: 40, dt: 1e-3, seed: 2 });
saveChannelDataset(file, { ...ds, meta: { ...ds.meta, fc: 6e9 } });
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("predict --data --json prints exactly one JSON document with the contract's fields; progress goes to stderr", () => {
  const r = runCli([
    "predict",
    "--data",
    file,
    "--speed",
    "2",
    "--models",
    "hold,wiener,ridge,mlp",
    "--epochs",
    "2",
    "--seed",
    "3",
    "--json",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { config: Record<string, unknown>; models: Record<string, unknown>[] };
  assert.deepEqual(
    doc.models.map((m) => m["name"]),
    ["hold", "wiener", "ridge", "mlp"],
  );
  for (const m of doc.models) {
    for (const key of ["nmseDb", "meanNmseDb", "params", "usPerPrediction", "gainDb"]) assert.ok(key in m, `${key} missing`);
    assert.equal((m["nmseDb"] as number[]).length, 5);
  }
  assert.equal(doc.config["history"], 20);
  assert.equal(doc.config["snrDb"], 20);
  assert.match(r.stderr, /predict: 30 trajectories/);
  assert.match(r.stderr, /mlp: epoch 2\/2/);
});

test("predict prints a table by default, with the Clarke closed forms when f_D is known", () => {
  const r = runCli(["predict", "--data", file, "--doppler-hz", "40", "--models", "hold,wiener", "--snr-db", "30", "--horizon", "3"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0]!, /^model\s+k=1\s+k=2\s+k=3\s+mean dB\s+gain dB\s+params\s+µs\/pred$/);
  assert.match(lines[2]!, /^hold\s/);
  assert.match(lines[3]!, /^wiener\s/);
  assert.match(lines[4]!, /^Clarke closed forms: hold/);
});

test("predict rejects bad input with exit 1 and one line, usage errors with exit 2", () => {
  const missing = runCli(["predict", "--models", "hold"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /give exactly one channel source/);
  const preset = runCli(["predict", "--preset", "nowhere"]);
  assert.equal(preset.code, 1);
  assert.match(preset.stderr, /unknown preset 'nowhere'/);
  const noFd = runCli(["predict", "--data", file, "--models", "kalman"]);
  assert.equal(noFd.code, 1);
  assert.match(noFd.stderr, /'kalman' needs the true maximum Doppler/);
  // a bad value is the library schema's error naming the flag, the value and the limit (exit 1);
  // what is not a number at all stays a usage error (exit 2)
  const range = runCli(["predict", "--data", file, "--history", "-3"]);
  assert.equal(range.code, 1);
  assert.equal(range.stderr, "liquidwave: predict: --history must be >= 1 and <= 1000000, got -3\n");
  const usage = runCli(["predict", "--data", file, "--history", "x"]);
  assert.equal(usage.code, 2);
});

/** The result without the measured times. */
function withoutTimes(r: PredictionResult): unknown {
  return { ...r, models: r.models.map(({ usPerPrediction: _u, trainSeconds: _t, ...rest }) => rest) };
}

test("runPredict takes the CLI's options in camelCase and gives the CLI's document", async () => {
  const cli = await runCliInProcess([
    "predict",
    "--data",
    file,
    "--speed",
    "2",
    "--carrier-ghz",
    "6",
    "--models",
    "hold,ar,ridge",
    "--horizon",
    "3",
    "--seed",
    "2",
    "--json",
  ]);
  assert.equal(cli.code, 0, cli.err);
  const datasets = [await loadChannelDataset(file)];
  const lib = runPredict({ data: file, speed: 2, carrierGhz: 6, models: ["hold", "ar", "ridge"], horizon: 3, seed: 2 }, { datasets });
  assert.deepEqual(withoutTimes(JSON.parse(cli.out)), withoutTimes(JSON.parse(JSON.stringify(lib))));
  assert.throws(
    () => runPredict({ data: file, history: 0 }, { datasets }),
    /^LiquidwaveError: runPredict: config\.history: must be >= 1 and <= 1000000, got 0$/,
  );
  assert.throws(
    () => runPredict({ data: file, users: 3 }, { datasets }),
    /runPredict: config\.users applies to a simulated channel \(config\.preset\), not to a dataset/,
  );
});
