/**
 * liquidwave (float64 and float32) against ncps/PyTorch (float32, one thread) on the same
 * workloads, measured in one run, and the side-by-side table written into BENCHMARKS.md.
 *
 *   node --import tsx tools/bench-vs-torch.ts [--rounds 2] [--time-ms 1500] [--filter RE]
 *                                             [--python /usr/bin/python3] [--ncps /tmp/ncps] [--no-write]
 *
 * Each round runs liquidwave's `cfc*`/`ltc*` cases (src/bench/lnn.ts, float64 and `-f32`) and then
 * tools/bench_ncps.py (the same workloads in ncps); per case and side the lower of the rounds'
 * medians is kept (the machine is shared: the lower median is the less disturbed one). The table
 * goes between the markers `<!-- bench-vs-torch:begin -->` and `<!-- bench-vs-torch:end -->` in
 * BENCHMARKS.md (appended as a new section when they are absent), with the command, the machine
 * and the load average. Needs PyTorch (Debian `python3-torch`) and ncps on the given path; see
 * tools/README.md.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { lnnCases } from "../src/bench/lnn.ts";
import { machineInfo, runSuite } from "../src/bench/suite.ts";
import { numberArg, toolArgs } from "./args.ts";

const { values: opt } = toolArgs(
  "node --import tsx tools/bench-vs-torch.ts [--rounds 2] [--time-ms 1500] [--filter RE] [--python /usr/bin/python3] [--ncps /tmp/ncps] [--no-write]",
  {
    rounds: { type: "string" },
    "time-ms": { type: "string" },
    filter: { type: "string" },
    python: { type: "string" },
    ncps: { type: "string" },
    "no-write": { type: "boolean" },
  },
);
const rounds = numberArg("rounds", opt.rounds, 2, 1);
const timeMs = numberArg("time-ms", opt["time-ms"], 1500, 1);
const filter = new RegExp(opt.filter ?? ".");
const python = opt.python ?? "/usr/bin/python3";
const ncpsPath = opt.ncps ?? "/tmp/ncps";
const write = !opt["no-write"];

/** Targets of issue 10 for the float32 mode (ratio PyTorch time / liquidwave time). */
const TARGETS: Record<string, number> = {
  "cfc32-train": 1.5,
  "ltc32-train": 3,
  "cfc30-latency": 5,
  "ltc30-latency": 5,
  "wired-cfc30-latency": 5,
};

const best = new Map<string, number>();
const keep = (key: string, ms: number) => best.set(key, Math.min(best.get(key) ?? Infinity, ms));
const load0 = loadavg()[0]!;
let torchVersion = "?";
for (let r = 0; r < rounds; r++) {
  process.stderr.write(`round ${r + 1}/${rounds}: liquidwave\n`);
  for (const res of runSuite(lnnCases(), { filter, timeMs })) keep(`lw:${res.name}`, res.medianMs);
  process.stderr.write(`round ${r + 1}/${rounds}: ncps/PyTorch\n`);
  const out = execFileSync(python, ["tools/bench_ncps.py", "--time-ms", String(timeMs), "--filter", filter.source], {
    env: { ...process.env, PYTHONPATH: ncpsPath, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  const doc = JSON.parse(out) as { torch: string; results: { name: string; medianMs: number }[] };
  torchVersion = doc.torch;
  for (const res of doc.results) keep(`pt:${res.name}`, res.medianMs);
}
const load1 = loadavg()[0]!;

const fmt = (ms: number | undefined) => (ms === undefined ? "—" : ms < 1 ? `${(ms * 1000).toPrecision(3)} µs` : `${ms.toPrecision(3)} ms`);
const ratio = (pt: number | undefined, lw: number | undefined) => (pt === undefined || lw === undefined ? undefined : pt / lw);
const fx = (x: number | undefined) => (x === undefined ? "—" : `${x.toFixed(2)}×`);
const names = [...new Set([...best.keys()].map((k) => k.slice(3).replace(/-f32$/, "")))];
const rows = names.map((n) => {
  const f64 = best.get(`lw:${n}`),
    f32 = best.get(`lw:${n}-f32`),
    pt = best.get(`pt:${n}`);
  const r32 = ratio(pt, f32);
  const target = TARGETS[n];
  const met = target === undefined || r32 === undefined ? "—" : r32 >= target ? "**yes**" : "no";
  return `| ${n} | ${fmt(f64)} | ${fmt(f32)} | ${fmt(pt)} | ${fx(ratio(pt, f64))} | ${fx(r32)} | ${target ? `≥ ${target}×` : "—"} | ${met} |`;
});
const m = machineInfo();
const command = `node --import tsx tools/bench-vs-torch.ts ${process.argv.slice(2).join(" ")}`.trim();
const table = [
  `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`${command}\`: ${rounds} round(s), lower of the`,
  `medians per case and side. Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; ncps 1.0.1 on PyTorch ${torchVersion}`,
  `(float32, one thread). Load average ${load0.toFixed(1)} before, ${load1.toFixed(1)} after (2 cores, shared).`,
  "Ratios are PyTorch time / liquidwave time (higher is faster for liquidwave).",
  "",
  "| case | liquidwave f64 | liquidwave f32 | ncps/PyTorch f32 | f64 vs PyTorch | f32 vs PyTorch | target (f32) | met |",
  "|---|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");
process.stdout.write(`${table}\n`);
if (write) {
  const BEGIN = "<!-- bench-vs-torch:begin -->",
    END = "<!-- bench-vs-torch:end -->";
  const doc = readFileSync("BENCHMARKS.md", "utf8");
  const block = `${BEGIN}\n${table}\n${END}`;
  const i = doc.indexOf(BEGIN),
    j = doc.indexOf(END);
  const next =
    i >= 0 && j > i
      ? doc.slice(0, i) + block + doc.slice(j + END.length)
      : `${doc.trimEnd()}\n\n## 8. float32 mode vs ncps/PyTorch (issue 10)\n\n${block}\n`;
  writeFileSync("BENCHMARKS.md", next);
  process.stderr.write("BENCHMARKS.md updated\n");
}
