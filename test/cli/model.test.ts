import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./cli-helpers.ts";

const fixture = (f: string) => fileURLToPath(new URL(`../fixtures/ncps/${f}`, import.meta.url));

test("model verify --json prints one document and exits 0 on a matching ncps export", () => {
  const r = runCli(["model", "verify", fixture("ltc_autoncp16_out2.json"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.case, "ltc_autoncp16_out2");
  assert.equal(doc.pass, true);
  assert.equal(typeof doc.wiringsMatch, "boolean");
  for (const k of ["outputs", "states", "gradients"]) assert.ok(doc.maxAbsErr[k] < 1e-12, k);
});

test("model verify exits 1 when an export does not match (a perturbed reference output)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-verify-"));
  const doc = JSON.parse(readFileSync(fixture("cfc_pure_u8.json"), "utf8"));
  const run = doc.runs[0];
  const out =
    typeof run.output === "string" ? run.output.replace(/\[([-\d.e]+),/, (_m: string, v: string) => `[${Number(v) + 1e-6},`) : run.output;
  if (typeof run.output === "string") run.output = out;
  else run.output.data[0] += 1e-6;
  const p = join(dir, "bad.json");
  writeFileSync(p, JSON.stringify(doc));
  const r = runCli(["model", "verify", p, "--json"]);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).pass, false);
});

test("model verify: a missing file or an unknown format is one error line and exit 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-verify-"));
  let r = runCli(["model", "verify", join(dir, "nope.json")]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^liquidwave: model verify: cannot read .*nope.json \(ENOENT\)\n$/);
  const p = join(dir, "x.json");
  writeFileSync(p, JSON.stringify({ format: "something/1" }));
  r = runCli(["model", "verify", p]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unsupported format "something\/1"/);
  r = runCli(["model", "verify", p, "--bogus"]);
  assert.equal(r.code, 2);
});

test("model import-ncps writes a native model that loads back with the same parameters", () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-import-"));
  const out = join(dir, "m.json");
  const r = runCli(["model", "import-ncps", fixture("cfc_default_autoncp16_out2.json"), "--out", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).parameters, 832);
  const info = runCli(["model", "info", out, "--json"]);
  assert.equal(JSON.parse(info.stdout).trainableParameters, 832);
});

test("model train -> eval -> run on an .npz file, with irregular time steps", async () => {
  const { writeNpz } = await import("../../src/io/npz.ts");
  const { Rng } = await import("../../src/core/random.ts");
  const dir = mkdtempSync(join(tmpdir(), "lw-train-"));
  const N = 24,
    L = 6,
    r = new Rng(1);
  const x = new Float64Array(N * L),
    y = new Float64Array(N * L),
    ts = new Float64Array(N * L);
  for (let i = 0; i < N; i++) {
    let t = 0;
    const f = r.uniformRange(0.1, 0.3);
    for (let k = 0; k < L; k++) {
      ts[i * L + k] = r.uniformRange(0.5, 1.5);
      t += ts[i * L + k]!;
      x[i * L + k] = Math.sin(f * t);
      y[i * L + k] = Math.sin(f * (t + 1));
    }
  }
  const data = join(dir, "d.npz");
  writeNpz(data, {
    X: { shape: [N, L, 1], dtype: "float64", data: x },
    Y: { shape: [N, L, 1], dtype: "float64", data: y },
    T: { shape: [N, L], dtype: "float64", data: ts },
  });
  const cfg = join(dir, "m.yaml");
  writeFileSync(cfg, "type: cfc\ninputSize: 1\nunits: 4\nbackboneUnits: 8\nprojSize: 1\n");
  const out = join(dir, "model.json");
  const tr = runCli([
    "model",
    "train",
    "--model-config",
    cfg,
    "--data",
    data,
    "--inputs",
    "X",
    "--targets",
    "Y",
    "--timespans",
    "T",
    "--epochs",
    "3",
    "--lr",
    "0.02",
    "--out",
    out,
    "--json",
  ]);
  assert.equal(tr.code, 0, tr.stderr);
  const doc = JSON.parse(tr.stdout);
  assert.equal(doc.epochs, 3);
  assert.ok(doc.history[2].trainLoss < doc.history[0].trainLoss);
  const ev = runCli(["model", "eval", "--model", out, "--data", data, "--inputs", "X", "--targets", "Y", "--timespans", "T", "--json"]);
  assert.equal(ev.code, 0, ev.stderr);
  assert.ok(JSON.parse(ev.stdout).mse > 0);
  const run = runCli([
    "model",
    "run",
    "--model",
    out,
    "--data",
    data,
    "--inputs",
    "X",
    "--timespans",
    "T",
    "--out",
    join(dir, "y.npy"),
    "--json",
  ]);
  assert.deepEqual(JSON.parse(run.stdout).shape, [N, L, 1]);
  const bad = runCli(["model", "train", "--model-config", cfg, "--data", data, "--inputs", "nope", "--targets", "Y", "--out", out]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /nope/);
});

test("model verify checks an ncps-wirings-golden/1 document wiring by wiring, and the model's wiring rebuilt from its seed", () => {
  const r = runCli(["model", "verify", fixture("wirings.json"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.pass, true);
  assert.equal(doc.wirings.length, 12);
  assert.equal(doc.rngStreamsMatch, true);
  const m = JSON.parse(runCli(["model", "verify", fixture("cfc_default_autoncp16_out2.json"), "--json"]).stdout);
  assert.equal(m.wiringsMatch, true);
});
