import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../src/core/random.ts";
import { writeNpz } from "../../src/io/npz.ts";
import { loadChannelDataset } from "../../src/io/load.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import { runBeamform, type BeamformDocument } from "../../src/experiments/index.ts";
import { runCliInProcess } from "./cli-helpers.ts";

const BIN = join(import.meta.dirname, "../../bin/liquidwave.mjs");
const dir = mkdtempSync(join(tmpdir(), "lw-beamform-"));

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A small trajectory: T samples, K = 2 users, Nk = 2, M = 8, estimate with per-entry error 0.1. */
function makeData(name: string, layout: "liquidwave" | "glnn", T = 4): string {
  const K = 2,
    Nk = 2,
    M = 8;
  const n = T * K * Nk * M;
  const rng = new Rng(7);
  const re = new Float64Array(n),
    im = new Float64Array(n);
  rng.fillComplexNormal(re, im);
  const er = new Float64Array(n),
    ei = new Float64Array(n);
  rng.fillComplexNormal(er, ei, 0.1);
  const hr = re.map((x, i) => x + er[i]!),
    hi = im.map((x, i) => x + ei[i]!);
  const path = join(dir, name);
  if (layout === "liquidwave") {
    writeNpz(path, {
      H: { shape: [T, K, Nk, M], dtype: "complex128", data: re, imag: im },
      H_est: { shape: [T, K, Nk, M], dtype: "complex128", data: hr, imag: hi },
    });
  } else {
    writeNpz(path, {
      HH: { shape: [T * K, Nk, M], dtype: "complex128", data: re, imag: im },
      HH_est_10dB: { shape: [T * K, Nk, M], dtype: "complex128", data: hr, imag: hi },
    });
  }
  return path;
}

const data = makeData("traj.npz", "liquidwave");

test("beamform --json prints one document with the contract fields, SE designed on the estimate and scored on the truth", () => {
  const r = run(["beamform", "--data", data, "--algorithms", "zf,mrt,bd,rzf,wmmse,rwmmse,robust-wmmse,upper", "--restarts", "2", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.config.samples, 4);
  assert.equal(doc.config.csi, "estimate");
  assert.equal(doc.config.ceeSource, "measured");
  assert.ok(Math.abs(doc.config.ceeDb - -10) < 1.5, `measured CEE ${doc.config.ceeDb}`);
  assert.deepEqual(doc.config.shape, { K: 2, Nk: 2, M: 8 });
  assert.equal(doc.algorithms.length, 8);
  for (const a of doc.algorithms) {
    for (const f of ["name", "seMean", "seStd", "maxPower", "msPerSample", "perSample"]) assert.ok(f in a, `${a.name} has ${f}`);
    assert.equal(a.perSample.length, 4);
    assert.ok(a.maxPower <= 10 * (1 + 1e-9), `${a.name} power ${a.maxPower}`);
    const mean = a.perSample.reduce((s: number, x: number) => s + x, 0) / 4;
    assert.ok(Math.abs(mean - a.seMean) < 1e-12);
    // interference-nulling designs look better on the channel they were designed for
    if (["zf", "bd", "wmmse"].includes(a.name)) assert.ok(a.seDesignMean > a.seMean, `${a.name}: the estimate overstates the rate`);
  }
  // the upper bound runs on perfect CSI and beats the designs on the estimate
  const up = doc.algorithms.find((a: { name: string }) => a.name === "upper");
  const wm = doc.algorithms.find((a: { name: string }) => a.name === "wmmse");
  assert.ok(up.seMean > wm.seMean);
});

test("beamform reads the GLNN layout (HH, HH_est_10dB), takes options from a config file and writes --out atomically", () => {
  const glnn = makeData("glnn.npz", "glnn");
  const cfg = join(dir, "bf.json");
  writeFileSync(cfg, JSON.stringify({ algorithms: "zf,wmmse", samples: 2, powerDbm: 20 }));
  const out = join(dir, "bf-out.json");
  const r = run(["beamform", "--data", glnn, "--users", "2", "--config", cfg, "--out", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.config.source.layout, "glnn");
  assert.equal(doc.config.samples, 2);
  assert.equal(doc.config.power, 100);
  assert.deepEqual(JSON.parse(readFileSync(out, "utf8")), doc);
  // the same seed gives the same numbers
  const again = JSON.parse(run(["beamform", "--data", glnn, "--users", "2", "--config", cfg, "--json"]).stdout);
  assert.deepEqual(
    again.algorithms.map((a: { perSample: number[] }) => a.perSample),
    doc.algorithms.map((a: { perSample: number[] }) => a.perSample),
  );
});

test("beamform prints a table without --json, and --normalize per-user rescales the channels", () => {
  const r = run(["beamform", "--data", data, "--algorithms", "zf", "--normalize", "per-user", "--streams", "full"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /algorithm\s+SE mean\s+SE std/);
  assert.match(r.stdout, /^zf\s+\d/m);
  const j = JSON.parse(run(["beamform", "--data", data, "--algorithms", "zf", "--normalize", "global", "--json"]).stdout);
  assert.ok(Math.abs(j.config.meanChannelPower - 1) < 1e-12);
  assert.equal(j.config.normalize, "global");
});

test("beamform runs on a simulator preset, with the CSI error drawn by the simulator", () => {
  const args = [
    "beamform",
    "--preset",
    "rayleigh",
    "--antennas",
    "8",
    "--users",
    "2",
    "--user-antennas",
    "2",
    "--samples",
    "3",
    "--cee",
    "-10",
    "--algorithms",
    "zf,robust-wmmse",
    "--json",
  ];
  const r = run(args);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.config.source.preset, "rayleigh");
  assert.equal(doc.config.source.channel.cee, -10);
  assert.equal(doc.config.csi, "estimate");
  assert.equal(doc.config.ceeSource, "simulator");
  assert.equal(doc.config.ceeDb, -10);
  assert.deepEqual(doc.config.shape, { K: 2, Nk: 2, M: 8 });
  assert.equal(doc.algorithms[0].perSample.length, 3);
  // deterministic for a seed, different for another
  const perSample = (d: { algorithms: { perSample: number[] }[] }) => d.algorithms.map((a) => a.perSample);
  assert.deepEqual(perSample(JSON.parse(run(args).stdout)), perSample(doc));
  const other = JSON.parse(run([...args, "--seed", "9"]).stdout);
  assert.notDeepEqual(other.algorithms[0].perSample, doc.algorithms[0].perSample);
});

test("beamform --cee adds the simulator's CSI error to data without an estimate", () => {
  const plain = join(dir, "plain.npz");
  const rng = new Rng(3);
  const re = new Float64Array(3 * 2 * 2 * 8),
    im = new Float64Array(re.length);
  rng.fillComplexNormal(re, im);
  writeNpz(plain, { H: { shape: [3, 2, 2, 8], dtype: "complex128", data: re, imag: im } });
  const perfect = JSON.parse(run(["beamform", "--data", plain, "--algorithms", "zf", "--json"]).stdout);
  assert.equal(perfect.config.csi, "perfect");
  const r = run(["beamform", "--data", plain, "--algorithms", "zf", "--cee", "-5", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.config.csi, "estimate");
  assert.equal(doc.config.ceeSource, "added");
  assert.ok(doc.algorithms[0].seMean < perfect.algorithms[0].seMean);
});

test("beamform rejects bad input with one clear line and exit code 1 (2 for usage errors)", () => {
  const cases: [string[], RegExp, number][] = [
    [["beamform", "--data", data, "--algorithms", "glnn:foo"], /unknown option 'foo' for glnn in 'glnn:foo'/, 1],
    [["beamform", "--data", data, "--algorithms", "glnn:steps=x"], /option 'steps=x' of 'glnn:steps=x' needs an integer value/, 1],
    [["beamform", "--data", data, "--algorithms", "zf,foo"], /unknown algorithm 'foo'/, 1],
    [["beamform"], /give exactly one channel source/, 1],
    [["beamform", "--data", data, "--preset", "rayleigh"], /give exactly one channel source/, 1],
    [["beamform", "--data", join(dir, "missing.npz")], /no such file or folder/, 1],
    [["beamform", "--data", data, "--samples", "9"], /out of range: the trajectory has 4 samples/, 1],
    [["beamform", "--data", data, "--streams", "two"], /--streams must be 1, a positive integer or 'full'/, 1],
    [["beamform", "--data", data, "--streams", "3"], /streams per user must be an integer in \[1, Nk = 2\]/, 1],
    [["beamform", "--data", data, "--normalize", "max"], /--normalize must be one of none, global, per-user, large-scale, got 'max'/, 1],
    [["beamform", "--data", data, "--normalize", "large-scale"], /--normalize large-scale needs the simulator/, 1],
    [["beamform", "--data", data, "--speed", "3"], /--speed applies to --preset only/, 1],
    [["beamform", "--preset", "moon"], /unknown preset 'moon', valid options are rayleigh, clarke, umi-6ghz, umi-28ghz, o1-28ghz/, 1],
    // a bad value is the library schema's error, naming the flag, the value and the limit (exit 1);
    // what is not a number at all stays a usage error (exit 2)
    [["beamform", "--preset", "rayleigh", "--users", "0"], /^liquidwave: beamform: --users must be >= 1 and <= 10000, got 0\n$/, 1],
    [["beamform", "--preset", "rayleigh", "--users", "x"], /argument 'x' is invalid/, 2],
    [["beamform", "--data", data, "--antennas", "16"], /--antennas 16 does not match the data \(M = 8\)/, 1],
    [["beamform", "--data", data, "--power-dbm", "x"], /argument 'x' is invalid/, 2],
  ];
  for (const [args, re, code] of cases) {
    const r = run(args);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(" "));
    assert.equal(r.stdout, "", "nothing on stdout");
    assert.ok(!/at .*\.ts:\d+/.test(r.stderr), "no stack trace");
  }
});

test("beamform --dt 7200 fails at the CLI boundary, before any simulation, with one line naming dt, its value and its limit", async () => {
  const r = await runCliInProcess(["beamform", "--preset", "clarke", "--dt", "7200", "--json"]);
  assert.equal(r.code, 1);
  assert.equal(r.out, "");
  assert.equal(r.err, "liquidwave: beamform: --dt must be > 0 and <= 3600, got 7200\n");
  // the same range as the simulator's own (the library names its function and field)
  assert.throws(
    () => runBeamform({ preset: "clarke", dt: 7200 }),
    (e: unknown) => e instanceof LiquidwaveError && e.message === "runBeamform: config.dt: must be > 0 and <= 3600, got 7200",
  );
  // other schema-checked options name their flag too
  for (const [args, line] of [
    [["--tol", "2"], "beamform: --tol must be >= 0 and <= 1, got 2"],
    [["--carrier-ghz", "0"], "beamform: --carrier-ghz must be > 0 and <= 1000, got 0"],
    [["--samples", "0"], "beamform: --samples must be >= 1 and <= 1000000000, got 0"],
    [["--speeds", "3,-1", "--slots", "2,2"], "beamform: --speeds[1] must be >= 0 and <= 1000, got -1"],
  ] as const) {
    const e = await runCliInProcess(["beamform", "--preset", "clarke", ...args]);
    assert.equal(e.code, 1, args.join(" "));
    assert.equal(e.err, `liquidwave: ${line}\n`);
  }
});

/** The document without the measured times (the only fields that differ between two runs). */
function withoutTimes(doc: BeamformDocument): unknown {
  const { machine: _m, ...config } = doc.config as typeof doc.config & { machine?: unknown };
  return { ...doc, config, algorithms: doc.algorithms.map(({ msPerSample: _ms, msMedian: _md, msIqr: _mi, ...rest }) => rest) };
}

test("runBeamform and the CLI produce the same document for the same options (preset and dataset)", async () => {
  const cli = await runCliInProcess([
    "beamform",
    "--preset",
    "rayleigh",
    "--antennas",
    "8",
    "--users",
    "2",
    "--user-antennas",
    "2",
    "--samples",
    "3",
    "--cee",
    "-10",
    "--power-dbm",
    "15",
    "--algorithms",
    "zf,wmmse,robust-wmmse",
    "--seed",
    "4",
    "--json",
  ]);
  assert.equal(cli.code, 0, cli.err);
  const lib = runBeamform({
    preset: "rayleigh",
    antennas: 8,
    users: 2,
    userAntennas: 2,
    samples: 3,
    cee: -10,
    powerDbm: 15,
    algorithms: ["zf", "wmmse", "robust-wmmse"],
    seed: 4,
  });
  assert.deepEqual(withoutTimes(JSON.parse(cli.out)), withoutTimes(JSON.parse(JSON.stringify(lib))));

  const cliData = await runCliInProcess([
    "beamform",
    "--data",
    data,
    "--algorithms",
    "zf,rwmmse",
    "--normalize",
    "per-user",
    "--streams",
    "full",
    "--start",
    "1",
    "--samples",
    "2",
    "--json",
  ]);
  assert.equal(cliData.code, 0, cliData.err);
  const dataset = await loadChannelDataset(data);
  const libData = runBeamform(
    { data, algorithms: ["zf", "rwmmse"], normalize: "per-user", streams: "full", start: 1, samples: 2 },
    { dataset },
  );
  assert.deepEqual(withoutTimes(JSON.parse(cliData.out)), withoutTimes(JSON.parse(JSON.stringify(libData))));
  assert.equal(libData.config.samples, 2);
  assert.equal(libData.config.streams, "full");
});

test("runBeamform names the function, the option and the value in its errors", () => {
  const cases: [unknown, RegExp][] = [
    [{ preset: "rayleigh", powerDbm: 500 }, /^runBeamform: config\.powerDbm: must be >= -200 and <= 200, got 500$/],
    [{ preset: "rayleigh", streams: "two" }, /^runBeamform: config\.streams: must be 1, a positive integer or 'full', got 'two'$/],
    [{ preset: "rayleigh", colour: 1 }, /^runBeamform: config\.colour: unknown option \(valid options: preset, /],
    [
      { preset: "moon" },
      /^runBeamform: config\.preset: names an unknown preset 'moon', valid options are rayleigh, clarke, umi-6ghz, umi-28ghz, o1-28ghz$/,
    ],
    [{}, /^runBeamform: give exactly one channel source: config\.preset or a dataset$/],
    [{ preset: "rayleigh", algorithms: ["zf", "foo"] }, /unknown algorithm 'foo'/],
  ];
  for (const [cfg, re] of cases) {
    assert.throws(
      () => runBeamform(cfg as never),
      (e: unknown) => e instanceof LiquidwaveError && re.test(e.message),
      JSON.stringify(cfg),
    );
  }
});
