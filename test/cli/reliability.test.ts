/**
 * Issue 12 (reliability): training never hangs after an error, checkpoints resume bit-identically,
 * identical runs write identical files, outputs never replace inputs, links, pipes or devices.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCliInProcess } from "./cli-helpers.ts";
import { writeNpz } from "../../src/io/npz.ts";

const bin = fileURLToPath(new URL("../../bin/liquidwave.mjs", import.meta.url));

function dataset(dir: string, { nan = false } = {}): { data: string; cfg: string } {
  const N = 12,
    L = 5;
  const x = new Float64Array(N * L),
    y = new Float64Array(N * L);
  for (let i = 0; i < N * L; i++) {
    x[i] = Math.sin(0.3 * i);
    y[i] = Math.cos(0.2 * i);
  }
  if (nan) x[7] = Number.NaN;
  const data = join(dir, nan ? "nan.npz" : "d.npz");
  writeNpz(data, { inputs: { shape: [N, L, 1], dtype: "float64", data: x }, targets: { shape: [N, L, 1], dtype: "float64", data: y } });
  const cfg = join(dir, "m.json");
  writeFileSync(cfg, JSON.stringify({ type: "cfc", inputSize: 1, units: 4, backboneUnits: 6, projSize: 1 }));
  return { data, cfg };
}

const train = (cfg: string, data: string, out: string, extra: string[] = []) => [
  "model",
  "train",
  "--model-config",
  cfg,
  "--data",
  data,
  "--epochs",
  "6",
  "--batch-size",
  "4",
  "--lr",
  "0.01",
  "--out",
  out,
  ...extra,
];

test("model train exits (no hang) after an error inside training: wrong input size and NaN inputs", { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-rel-"));
  const { data } = dataset(dir);
  const nan = dataset(dir, { nan: true }).data;
  const cfg3 = join(dir, "m3.json");
  writeFileSync(cfg3, JSON.stringify({ type: "cfc", inputSize: 3, units: 4 }));
  const cfg1 = join(dir, "m.json");
  for (const [cfg, d, re] of [
    [cfg3, data, /inputs has shape \[12, 5, 1\], expected \[12, \*, 3\]/],
    [cfg1, nan, /input contains NaN at flat index 2/],
  ] as const) {
    // A child process: the hang was a progress-bar timer keeping the process alive.
    const r = spawnSync(process.execPath, [bin, ...train(cfg, d, join(dir, "o.json"))], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.signal, null, "killed by the timeout: the command hung");
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, re);
    assert.match(r.stderr, /^liquidwave: [\w.]+: /m);
  }
});

test("model train --resume after a checkpoint ends bit-identical to an uninterrupted run; identical runs write identical files", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-rel-"));
  const { data, cfg } = dataset(dir);
  const a = join(dir, "a.json");
  const b = join(dir, "b.json");
  const c = join(dir, "c.json");
  let r = await runCliInProcess(train(cfg, data, a, ["--val-split", "0.25", "--patience", "10"]));
  assert.equal(r.code, 0, r.err);
  r = await runCliInProcess(train(cfg, data, b, ["--val-split", "0.25", "--patience", "10"]));
  assert.equal(r.code, 0, r.err);
  assert.equal(readFileSync(a, "utf8"), readFileSync(b, "utf8"), "identical runs, identical model files");
  // Interrupted after 3 of 6 epochs (a run asked for 3), then resumed to 6.
  const ck = join(dir, "ck");
  r = await runCliInProcess(train(cfg, data, c, ["--val-split", "0.25", "--patience", "10", "--checkpoint", ck, "--epochs", "3"]));
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(join(ck, "checkpoint.json")));
  r = await runCliInProcess(train(cfg, data, c, ["--val-split", "0.25", "--patience", "10", "--checkpoint", ck, "--resume"]));
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /resuming after epoch 3/);
  assert.deepEqual(JSON.parse(readFileSync(c, "utf8")).parameters, JSON.parse(readFileSync(a, "utf8")).parameters);
  assert.deepEqual(JSON.parse(readFileSync(c, "utf8")).meta.history, JSON.parse(readFileSync(a, "utf8")).meta.history);
  // A checkpoint of another run (other lr) is refused.
  r = await runCliInProcess(
    train(cfg, data, c, ["--lr", "0.02", "--val-split", "0.25", "--patience", "10", "--checkpoint", ck, "--resume"]),
  );
  assert.equal(r.code, 1);
  assert.match(r.err, /another model config, data or training options/);
});

test("model train --checkpoint: SIGKILL at random points, then --resume, gives the uninterrupted result", {
  timeout: 180_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-kill-"));
  const { data, cfg } = dataset(dir);
  const ref = join(dir, "ref.json");
  const r0 = await runCliInProcess(train(cfg, data, ref, ["--epochs", "40"]));
  assert.equal(r0.code, 0, r0.err);
  const ck = join(dir, "ck");
  const out = join(dir, "out.json");
  const args = train(cfg, data, out, ["--epochs", "40", "--checkpoint", ck, "--resume"]);
  for (const delay of [900, 1500, 2200]) {
    const child = spawn(process.execPath, [bin, ...args], { stdio: "ignore" });
    const timer = setTimeout(() => child.kill("SIGKILL"), delay);
    await new Promise((res) => child.on("exit", res));
    clearTimeout(timer);
  }
  const fin = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000 });
  assert.equal(fin.status, 0, fin.stderr);
  assert.deepEqual(JSON.parse(readFileSync(out, "utf8")).parameters, JSON.parse(readFileSync(ref, "utf8")).parameters);
  assert.deepEqual(
    readdirSync(ck).filter((n) => n.endsWith(".tmp")),
    [],
    "no temporary file left once a later write ran",
  );
});

test("divergence (NaN loss) stops with the epoch and keeps the last good checkpoint", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-rel-"));
  const { data, cfg } = dataset(dir);
  const ck = join(dir, "ck");
  const r = await runCliInProcess(train(cfg, data, join(dir, "o.json"), ["--lr", "1e300", "--epochs", "5", "--checkpoint", ck]));
  assert.equal(r.code, 1);
  assert.match(r.err, /loss became (NaN|Infinity) in epoch \d/);
});

test("--out equal to --data, or naming a symlink, a FIFO, a device or a directory is refused before any work", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-rel-"));
  const { data, cfg } = dataset(dir);
  const before = readFileSync(data);
  let r = await runCliInProcess(train(cfg, data, data));
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /^liquidwave: model train: --out '.*d\.npz' is the same file as --data '.*d\.npz'; refusing to overwrite an input\n$/,
  );
  assert.deepEqual(readFileSync(data), before, "the training set is untouched");
  const link = join(dir, "link.json");
  symlinkSync(join(dir, "target.json"), link);
  r = await runCliInProcess(train(cfg, data, link));
  assert.match(r.err, /--out '.*link\.json' is a symbolic link; refusing to replace it/);
  r = await runCliInProcess(train(cfg, data, "/dev/null"));
  assert.match(r.err, /--out '\/dev\/null' is a device; refusing/);
  r = await runCliInProcess(train(cfg, data, dir));
  assert.match(r.err, /is a directory/);
  const fifo = join(dir, "p");
  if (spawnSync("mkfifo", [fifo]).status === 0) {
    r = await runCliInProcess(train(cfg, data, fifo));
    assert.match(r.err, /is a named pipe \(FIFO\)/);
    r = await runCliInProcess(["data", "inspect", fifo]);
    assert.equal(r.code, 1);
    assert.match(r.err, /is not a regular file \(a named pipe/);
  }
  r = await runCliInProcess(["model", "run", "--model", cfg, "--data", data, "--out", data]);
  assert.match(r.err, /--out .* is the same file as --data/);
});

test("write errors are one line: stdout on a full device, a full disk (a 64 kB tmpfs, as root), a read-only or missing parent; no temporary file left", {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-rel-"));
  const { data, cfg } = dataset(dir);
  if (existsSync("/dev/full")) {
    const r = spawnSync(process.execPath, [bin, "wiring", "show", "--type", "fully-connected", "--units", "4", "--json"], {
      encoding: "utf8",
      timeout: 30_000,
      stdio: ["ignore", openSync("/dev/full", "w"), "pipe"],
    });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "liquidwave: cannot write the output to stdout: ENOSPC\n");
  }
  const big = join(dir, "big.json");
  writeFileSync(big, JSON.stringify({ type: "lstm", inputSize: 1, hiddenSize: 200, projSize: 1 }));
  const mnt = join(dir, "small");
  mkdirSync(mnt);
  const mounted = process.getuid?.() === 0 && spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt]).status === 0;
  if (mounted) {
    try {
      const out = join(mnt, "o.json");
      const r = await runCliInProcess(train(big, data, out, ["--epochs", "1"]));
      // An LSTM of 200 units has ~160k parameters: ~3 MB of JSON into 64 kB.
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /liquidwave: writeFileAtomic: cannot write '.*o\.json': no space left on the device \(ENOSPC\); the previous file, if any, is unchanged\n$/,
      );
      assert.deepEqual(readdirSync(mnt), []);
    } finally {
      spawnSync("umount", [mnt]);
    }
  }
  const r = await runCliInProcess(train(cfg, data, "/proc/version/x/o.json", ["--epochs", "1"]));
  assert.equal(r.code, 1);
  assert.match(r.err, /^liquidwave: model train: --out '\/proc\/version\/x\/o\.json': '\/proc\/version' is not a folder\n$/);
});

test("a temporary file left by a killed writer is removed by the next write to the same target", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-rel-"));
  const target = join(dir, "m.json");
  // pid 2^22 + 1 is above Linux's pid_max default: no such process.
  const stale = `${target}.4194305.abc.tmp`;
  writeFileSync(stale, "half a file");
  const other = `${target}.${process.pid}.zz.tmp`; // ours (a write in progress), kept
  writeFileSync(other, "x");
  const { writeFileAtomic } = await import("../../src/core/fs.ts");
  writeFileAtomic(target, "{}");
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(other), true);
  assert.equal(readFileSync(target, "utf8"), "{}");
});
