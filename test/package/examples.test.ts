/**
 * Every script in examples/ runs with plain `node` against the packed and installed package (the
 * examples folder is copied into the consumer project of ./install.ts, so `liquidwave` resolves to
 * the tarball), exits 0 and prints its key line.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { installedPackage, REPO, scratchDir } from "./install.ts";

const EXAMPLES = join(REPO, "examples");

/** What each example must print (and, where it says so, a check on the numbers). */
const EXPECT: Record<string, { lines: RegExp[]; check?: (out: string) => string | null }> = {
  "01-quickstart.mjs": {
    lines: [
      /^CfC over AutoNCP\(16, 1\): \d+ parameters$/m,
      /^epoch 40: train loss /m,
      /^saved and loaded cfc-ncp\.json: identical outputs$/m,
    ],
    check: (out) => {
      const before = Number(/loss before training: ([\d.]+)/.exec(out)?.[1]);
      const after = Number(/loss after training: ([\d.]+)/.exec(out)?.[1]);
      return after < before / 10 ? null : `training did not reduce the loss tenfold: ${before} → ${after}`;
    },
  },
  "02-import-ncps.mjs": {
    lines: [/^imported: CfC, 3 inputs, 16 neurons, 2 outputs/m, /^run 'irregular': output \[2,5,2\]/m, /^verifyNcpsDocument: PASS/m],
  },
  "03-channel-wmmse.mjs": {
    lines: [
      /^umi-6ghz channel H \[T, K, Nk, M\] = \[5, 4, 1, 8\]/m,
      /^SNR 20 dB: sum SE {2}ZF [\d.]+ {2}WMMSE [\d.]+ bit\/s\/Hz {2}\(\|\|V\|\|\^2 \/ P in \[1\.000000, 1\.000000\]\)$/m,
    ],
    check: (out) => {
      const bad = [...out.matchAll(/ZF ([\d.]+) {2}WMMSE ([\d.]+)/g)].filter((m) => Number(m[2]) < Number(m[1]) - 0.01);
      return bad.length === 0 ? null : `WMMSE below ZF: ${bad.map((m) => m[0]).join("; ")}`;
    },
  },
  "04-prediction-npz.mjs": {
    lines: [
      /^wrote and loaded my-channels\.npz: H \[300,24,1,4\] \(liquidwave layout\), dt 0\.001 s, fc 6 GHz$/m,
      /^windows: \d+ train, \d+ validation, \d+ test; f_D 40\.0 Hz$/m,
      /^wiener /m,
      /^cfc\+ridge /m,
    ],
    check: (out) => {
      const mean = (name: string) => Number(new RegExp(`^${name.replace("+", "\\+")} .* (-?[\\d.]+)$`, "m").exec(out)?.[1]);
      return mean("wiener") < mean("hold") ? null : `Wiener (${mean("wiener")} dB) is not better than hold (${mean("hold")} dB)`;
    },
  },
  "05-glnn-vs-wmmse.mjs": {
    lines: [/^o1-28ghz trajectory: H \[60, 4, 2, 64\]/m, /^glnn \(improved\): \d+ % of WMMSE's sum SE at equal power$/m],
    check: (out) => (/ NO$/m.test(out) ? "an algorithm exceeded the power budget" : null),
  },
};

describe("the examples against the installed package", () => {
  let dir: string;
  before(() => {
    dir = scratchDir(installedPackage(), "examples");
    cpSync(EXAMPLES, dir, { recursive: true });
  });

  test("every example script has an expectation here, and there are at least five", () => {
    const scripts = readdirSync(EXAMPLES)
      .filter((f) => f.endsWith(".mjs"))
      .sort();
    assert.ok(scripts.length >= 5, `${scripts.length} examples`);
    assert.deepEqual(scripts, Object.keys(EXPECT).sort());
  });

  for (const [script, expected] of Object.entries(EXPECT)) {
    test(`${script} runs with plain node, exits 0 and prints its key lines`, () => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [script], { cwd: dir, encoding: "utf8", timeout: 120_000 });
      const seconds = (performance.now() - t0) / 1000;
      const say = `exit ${r.status} after ${seconds.toFixed(1)} s\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
      assert.equal(r.status, 0, say);
      for (const line of expected.lines) assert.match(r.stdout, line, say);
      const problem = expected.check?.(r.stdout) ?? null;
      assert.equal(problem, null, say);
    });
  }
});
