/**
 * Issue 12: `--out -` writes a command's single output file to stdout (the human summary moves to
 * stderr; `--json` beside it is one clear error); commands that write several files into a folder
 * refuse `--out -`. Model-file errors start with the file's path. All in-process.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCliInProcess } from "./cli-helpers.ts";
import { stdoutSink } from "../../src/cli/output.ts";
import { parseNpy } from "../../src/io/npy.ts";
import { readNpz, writeNpz } from "../../src/io/npz.ts";
import { loadModel } from "../../src/node/model-files.ts";
import { modelFromJSON } from "../../src/nn/serialize.ts";

const tmp = mkdtempSync(join(tmpdir(), "lw-out-stdout-"));
const fixture = (f: string) => fileURLToPath(new URL(`../fixtures/${f}`, import.meta.url));

/** Run the CLI in-process; what `--out -` writes is collected as bytes. */
async function runToStdout(args: string[]): Promise<{ code: number; file: Uint8Array; out: string; err: string }> {
  const chunks: Uint8Array[] = [];
  const orig = stdoutSink.write;
  stdoutSink.write = (c) => {
    chunks.push(typeof c === "string" ? new TextEncoder().encode(c) : Uint8Array.from(c));
  };
  try {
    const r = await runCliInProcess(args);
    const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let off = 0;
    for (const c of chunks) {
      file.set(c, off);
      off += c.length;
    }
    return { ...r, file };
  } finally {
    stdoutSink.write = orig;
    process.exitCode = undefined;
  }
}

function dataset(): string {
  const N = 6,
    L = 4;
  const x = new Float64Array(N * L).map((_, i) => Math.sin(0.3 * i));
  const y = new Float64Array(N * L).map((_, i) => Math.cos(0.2 * i));
  const p = join(tmp, "d.npz");
  writeNpz(p, { inputs: { shape: [N, L, 1], dtype: "float64", data: x }, targets: { shape: [N, L, 1], dtype: "float64", data: y } });
  return p;
}

test("--out - writes the file to stdout: data convert, model train, model run, wiring show, channel generate", async () => {
  // data convert: the .npy bytes, and nothing else on stdout (the summary is on stderr)
  let r = await runToStdout(["data", "convert", fixture("io/f8_c.npy"), "--out", "-"]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "");
  assert.match(r.err, /wrote stdout: /);
  assert.deepEqual(Buffer.from(r.file), readFileSync(fixture("io/f8_c.npy")));

  // model train: the model document on stdout, the epoch table on stderr; it loads back
  const data = dataset();
  const cfg = join(tmp, "m.json");
  writeFileSync(cfg, JSON.stringify({ type: "cfc", inputSize: 1, units: 4, backboneUnits: 4, projSize: 1 }));
  r = await runToStdout(["model", "train", "--model-config", cfg, "--data", data, "--epochs", "2", "--batch-size", "3", "--out", "-"]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "");
  assert.match(r.err, /best epoch \d+; wrote stdout/);
  const doc = JSON.parse(new TextDecoder().decode(r.file));
  assert.equal(doc.format, "liquidwave-model/1");
  const model = join(tmp, "trained.json");
  writeFileSync(model, r.file);
  assert.equal(modelFromJSON(doc).config.type, "cfc");

  // model run: the outputs as .npy bytes
  r = await runToStdout(["model", "run", "--model", model, "--data", data, "--out", "-"]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(parseNpy(r.file).shape, [6, 4, 1]);

  // wiring show: the export text
  r = await runToStdout(["wiring", "show", "--type", "fully-connected", "--units", "3", "--format", "json", "--out", "-"]);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(new TextDecoder().decode(r.file)).class, "FullyConnected");
  assert.doesNotMatch(r.out, /property/);

  // channel generate: an .npz readable from the bytes
  r = await runToStdout(["channel", "generate", "--preset", "clarke", "--users", "2", "--samples", "8", "--out", "-"]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, "");
  const npz = join(tmp, "h.npz");
  writeFileSync(npz, r.file);
  assert.deepEqual(readNpz(npz, ["H"]).get("H")!.shape.slice(0, 2), [8, 2]);
});

test("--out - with --json, and --out - for commands that write a folder, are one clear error before any work", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["data", "convert", fixture("io/f8_c.npy"), "--out", "-", "--json"],
      /^liquidwave: data convert: --out - writes the file to stdout, so --json cannot print there too; give --out FILE or drop --json\n$/,
    ],
    [
      ["experiment", "power-sweep", "--out", "-"],
      /^liquidwave: experiment: --out - \(standard output\) cannot hold the several files experiment writes; give a folder\n$/,
    ],
    [["demo", "--out", "-"], /^liquidwave: demo: --out - \(standard output\) cannot hold the several files demo writes; give a folder\n$/],
    [["study", "run", "missing.yaml", "--out", "-"], /^liquidwave: study run: --out - \(standard output\) cannot hold/],
  ];
  for (const [args, re] of cases) {
    const r = await runToStdout(args);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
    assert.equal(r.file.length, 0);
  }
});

test("model-file errors start with the file's path: missing, a folder, truncated JSON, wrong format, bad parameters", async () => {
  const good = join(tmp, "good.json");
  writeFileSync(good, JSON.stringify({ format: "liquidwave-model/1", config: { type: "cfc", inputSize: 1, units: 3 }, parameters: [] }));
  const cases: [string, string | null, RegExp][] = [
    [join(tmp, "missing.json"), null, /: cannot read the model file \(ENOENT\)$/],
    [tmp, null, /: cannot read the model file: it is a directory, not a regular file$/],
    [
      join(tmp, "cut.json"),
      '{"format": "liquidwave-model/1", "config": {',
      /: the model file is not valid JSON \(.*\); the file may be truncated$/,
    ],
    [join(tmp, "fmt.json"), '{"format": "other/2"}', /: format must be 'liquidwave-model\/1', got 'other\/2'$/],
    [join(tmp, "arr.json"), "[1, 2]", /: model document must be an object/],
    [good, null, /: missing parameters: /],
  ];
  for (const [path, text, re] of cases) {
    if (text !== null) writeFileSync(path, text);
    let msg = "";
    try {
      loadModel(path);
    } catch (e) {
      msg = (e as Error).message;
      assert.equal((e as Error).name, "LiquidwaveError");
    }
    assert.ok(msg.startsWith(`${path}: `), msg);
    assert.match(msg, re);
    assert.ok(!msg.includes("\n"));
  }
  // ... and through the CLI: `liquidwave: <path>: ...`
  const r = await runCliInProcess(["model", "info", join(tmp, "fmt.json")]);
  assert.equal(r.code, 1);
  assert.equal(r.err, `liquidwave: ${join(tmp, "fmt.json")}: format must be 'liquidwave-model/1', got 'other/2'\n`);
});
