/**
 * The beamforming regime tables (src/study/beamform-regimes.ts) on a hand-written results file
 * whose statistics are known in closed form: 3 seeds, Student-t quantile t(0.975, 2) = 4.302653.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { beamformRegimesMarkdown, beamformRegimeTables } from "../../src/study/beamform-regimes.ts";

const T = 4.302653;
const dir = mkdtempSync(join(tmpdir(), "lw-bf-regimes-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// Per seed s = 1, 2, 3 at speed 3 (and one seed at speed 1): wmmse 20 + s, zf 18 + s, glnn 10 + 2s,
// rwmmse-track 21 + s + 0.1 s² (the best classical), design times in ms.
const alg = (name: string, seMean: number, msMedian: number) => ({ name, seMean, msMedian });
const lines = [1, 2, 3].map((s) => ({
  cell: { seed: s, speed: 3, cee: -5 },
  result: {
    algorithms: [
      alg("wmmse", 20 + s, 30 + s),
      alg("zf", 18 + s, 0.01),
      alg("glnn", 10 + 2 * s, 0.4 * s),
      alg("rwmmse-track", 21 + s + 0.1 * s * s, 0.02),
    ],
  },
}));
lines.push({
  cell: { seed: 1, speed: 1, cee: -5 },
  result: { algorithms: [alg("wmmse", 25, 30), alg("zf", 24, 0.01), alg("glnn", 26, 0.4)] },
});
writeFileSync(join(dir, "results.jsonl"), `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);

test("sum SE, intervals, % of WMMSE, median times and the paired verdict against the best classical algorithm", () => {
  const tables = beamformRegimeTables(dir);
  assert.deepEqual(
    tables.map((t) => [t.label, t.n]),
    [
      ["1 m/s, CEE -5 dB", 1],
      ["3 m/s, CEE -5 dB", 3],
    ],
  );
  const t = tables[1]!;
  assert.equal(t.reference, "wmmse");
  const glnn = t.rows.find((r) => r.algorithm === "glnn")!;
  // glnn: 12, 14, 16 → mean 14, std 2, half width T·2/√3
  assert.ok(Math.abs(glnn.se.mean - 14) < 1e-12);
  assert.ok(Math.abs(glnn.se.ci95![1] - (14 + (T * 2) / Math.sqrt(3))) < 1e-5);
  assert.ok(Math.abs(glnn.percentOfReference - (100 * (12 / 21 + 14 / 22 + 16 / 23)) / 3) < 1e-12);
  assert.ok(Math.abs(glnn.msPerSlot - 0.8) < 1e-12);
  // The best classical is rwmmse-track; d_s = (10 + 2s) − (21 + s + 0.1 s²) = −10.1, −9.4, −8.9.
  const c = t.comparison!;
  assert.equal(c.other, "rwmmse-track");
  const d = [-10.1, -9.4, -8.9];
  const mean = d.reduce((a, b) => a + b) / 3;
  const sd = Math.sqrt(d.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
  assert.ok(Math.abs(c.diff.mean - mean) < 1e-12);
  assert.ok(Math.abs(c.diff.hi - (mean + (T * sd) / Math.sqrt(3))) < 1e-5);
  assert.equal(c.verdict, "loses");
  // One seed: the sign of the difference (26 − 25).
  assert.equal(tables[0]!.comparison!.verdict, "wins");
});

test("against a named algorithm, and the Markdown the RESULTS tables are made of", () => {
  const t = beamformRegimeTables(dir, { liquid: "rwmmse-track", against: "wmmse" })[1]!;
  // d_s = 1 + 0.1 s²: 1.1, 1.4, 1.9, all above 0 with a tight interval
  assert.equal(t.comparison!.verdict, "wins");
  const md = beamformRegimesMarkdown([t], { liquid: "rwmmse-track", against: "wmmse", params: new Map([["glnn", "322"]]) });
  assert.match(md, /\| glnn \| 14\.00 \| \[\d+\.\d\d, \d+\.\d\d\] \| 63\.4 \| 800\.0 \| 322 \|/);
  assert.match(md, /Compared with: wmmse\. 3 m\/s, CEE -5 dB: rwmmse-track − wmmse = 1\.47 bit\/s\/Hz \[[\d.]+, [\d.]+\] → \*\*wins\*\*/);
});

test("an algorithm to compare with that did not run, and a folder without beamforming results, are one-line errors", () => {
  assert.throws(
    () => beamformRegimeTables(dir, { against: "lagd" }),
    /^LiquidwaveError: beamformRegimeTables: against: 'lagd' did not run in regime 1 m\/s, CEE -5 dB/,
  );
  const empty = mkdtempSync(join(tmpdir(), "lw-bf-regimes-empty-"));
  try {
    assert.throws(() => beamformRegimeTables(empty), /no finished cells/);
    writeFileSync(join(empty, "results.jsonl"), `${JSON.stringify({ cell: { seed: 1 }, result: { models: [] } })}\n`);
    assert.throws(() => beamformRegimeTables(empty), /has no beamforming result \(algorithms\)/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
