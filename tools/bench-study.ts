/**
 * Benchmark of the study runner: the same 64-cell `beamform` study on 1 and on 2 worker threads,
 * measured side by side (1, 2, 2, 1 worker runs, so drift of a shared machine affects both alike),
 * each into a fresh folder. Wall time includes starting the thread pool.
 *
 *   node --import tsx tools/bench-study.ts [--repeat R]
 *
 * Prints a table and one JSON line (the figure for BENCHMARKS.md).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { machineInfo } from "../src/bench/suite.ts";
import { parseStudy } from "../src/study/schema.ts";
import { runStudy } from "../src/study/runner.ts";
import { numberArg, toolArgs } from "./args.ts";

const STUDY = {
  task: "beamform",
  base: { preset: "umi-6ghz", antennas: 16, users: 2, userAntennas: 2, samples: 40, algorithms: ["zf", "wmmse"], cee: -10 },
  grid: { seed: Array.from({ length: 16 }, (_, i) => i + 1), powerDbm: [0, 10, 20, 30] },
};

const { values: opt } = toolArgs("node --import tsx tools/bench-study.ts [--repeat 1]", { repeat: { type: "string" } });
const repeat = numberArg("repeat", opt.repeat, 1, 1);
const study = parseStudy(STUDY);
const root = mkdtempSync(join(tmpdir(), "lw-bench-study-"));
const file = join(root, "study.json");
(await import("node:fs")).writeFileSync(file, JSON.stringify(STUDY));

async function once(workers: number, i: number): Promise<{ wallS: number; cellS: number }> {
  const dir = join(root, `w${workers}-${i}`);
  let cellMs = 0;
  const t0 = performance.now();
  await runStudy(study, file, dir, { workers, onCell: (l) => (cellMs += l.ms ?? 0) });
  const wallS = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return { wallS, cellS: cellMs / 1000 };
}

/**
 * What the machine gives right now: the speedup of a plain CPU loop on 2 threads (twice the work)
 * over 1. On an idle 2-core machine ~2; on a shared one it is the ceiling of any 2-worker figure.
 */
async function threadCeiling(): Promise<number> {
  const code = "let s = 0; for (let i = 0; i < 2e8; i++) s += Math.sqrt(i); require('node:worker_threads').parentPort.postMessage(s);";
  const run = async (n: number) => {
    const t0 = performance.now();
    await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<void>((resolve) => {
            const w = new Worker(code, { eval: true });
            w.on("message", () => void w.terminate().then(() => resolve()));
          }),
      ),
    );
    return performance.now() - t0;
  };
  const one = (await run(1)) + (await run(1));
  const two = (await run(2)) + (await run(2));
  return (2 * one) / two;
}

const ceilingBefore = await threadCeiling();
process.stderr.write(`plain CPU loop, 2 threads vs 1: ${ceilingBefore.toFixed(2)}x\n`);
const runs: Record<1 | 2, { wallS: number; cellS: number }[]> = { 1: [], 2: [] };
const load0 = loadavg()[0]!;
for (let r = 0; r < repeat; r++) {
  for (const w of [1, 2, 2, 1] as const) {
    const m = await once(w, runs[w].length);
    runs[w].push(m);
    process.stderr.write(`workers ${w}: ${m.wallS.toFixed(2)} s wall, ${m.cellS.toFixed(2)} s in cells\n`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const w1 = median(runs[1].map((m) => m.wallS));
const w2 = median(runs[2].map((m) => m.wallS));
rmSync(root, { recursive: true, force: true });
const ceilingAfter = await threadCeiling();
const doc = {
  bench: "study-64-beamform",
  cells: 64,
  workers1S: w1,
  workers2S: w2,
  speedup: w1 / w2,
  threadCeiling: [ceilingBefore, ceilingAfter],
  runs,
  loadavgBefore: load0,
  loadavgAfter: loadavg()[0],
  machine: machineInfo(),
};
process.stdout.write(
  `64-cell beamform study: 1 worker ${w1.toFixed(2)} s, 2 workers ${w2.toFixed(2)} s, speedup ${(w1 / w2).toFixed(2)}x; a plain CPU loop on 2 threads got ${ceilingBefore.toFixed(2)}x before and ${ceilingAfter.toFixed(2)}x after (load average ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)})\n`,
);
process.stdout.write(JSON.stringify(doc) + "\n");
