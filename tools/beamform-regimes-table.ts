/**
 * Markdown tables of a beamforming regime study (studies/beamform-regimes.yaml,
 * studies/beamform-tracking.yaml) for RESULTS.md ("Where liquid models win (beamforming)"): per regime (the grid
 * point without the seed) and algorithm, the mean sum SE over the seeds with its 95 % Student-t
 * interval, the mean of the per-seed percentages of converged WMMSE (or of the first algorithm
 * when WMMSE did not run), and the median over the seeds
 * of the median design time per slot; then the verdict of the liquid network (GLNN) against the
 * best classical algorithm of the regime (highest mean SE among the non-learned ones), from the
 * 95 % interval of the per-seed paired difference: wins (> 0), loses (< 0), ties (contains 0).
 *
 * With `--against NAME` the liquid model is compared with that algorithm instead (e.g. the
 * liquid smoothing chooser `rwmmse-track:smooth=liquid` against the rule it corrects,
 * `rwmmse-track:smooth=auto`). With `--params NAME=N` (repeatable) the table gets a parameter column.
 *
 *   node --import tsx tools/beamform-regimes-table.ts DIR [--liquid glnn] [--against NAME] [--params NAME=N]...
 */
import { readResults } from "../src/study/results.ts";
import { describe } from "../src/study/stats.ts";
import { toolArgs } from "./args.ts";

interface Alg {
  readonly name: string;
  readonly seMean: number;
  readonly msMedian: number;
}

const USAGE = "node --import tsx tools/beamform-regimes-table.ts DIR [--liquid glnn] [--against NAME] [--params NAME=N]...";
const { values: opt, positionals } = toolArgs(
  USAGE,
  { liquid: { type: "string" }, against: { type: "string" }, params: { type: "string", multiple: true } },
  true,
);
const dir = positionals[0];
if (!dir || positionals.length > 1) {
  process.stderr.write(`expected one study folder, got ${positionals.length}\nusage: ${USAGE}\n`);
  process.exit(2);
}
const liquid = opt.liquid ?? "glnn";
const against = opt.against ?? null;
const params = new Map<string, string>();
for (const p of opt.params ?? []) {
  const [k, v] = p.split(/=(?=[^=]*$)/);
  if (!k || !v) {
    process.stderr.write(`--params expects NAME=N, got '${p}'\n`);
    process.exit(2);
  }
  params.set(k, v);
}
const LEARNED = /^(glnn|lstm|lagd)|smooth=liquid/;

const { lines } = readResults(dir);
const groups = new Map<string, { cell: Record<string, unknown>; bySeed: Map<number, Alg[]> }>();
for (const line of lines) {
  const cell = line.cell as Record<string, unknown>;
  const { seed, ...rest } = cell;
  const key = JSON.stringify(rest);
  if (!groups.has(key)) groups.set(key, { cell: rest, bySeed: new Map() });
  const algs = ((line.result as { algorithms: Alg[] }).algorithms ?? []).map((a) => ({
    name: a.name,
    seMean: a.seMean,
    msMedian: a.msMedian,
  }));
  groups.get(key)!.bySeed.set(seed as number, algs);
}

const f2 = (x: number) => x.toFixed(2);
const label = (cell: Record<string, unknown>) =>
  Object.entries(cell)
    .map(([k, v]) => (k === "cee" && v === -300 ? "perfect CSI" : k === "cee" ? `CEE ${v} dB` : k === "speed" ? `${v} m/s` : `${k} ${v}`))
    .join(", ");
const sorted = [...groups.values()].sort((a, b) => {
  for (const k of Object.keys(a.cell)) {
    const d = (a.cell[k] as number) - (b.cell[k] as number);
    if (d !== 0) return d;
  }
  return 0;
});
const verdicts: string[] = [];
for (const g of sorted) {
  const seeds = [...g.bySeed.keys()].sort((a, b) => a - b);
  const names = g.bySeed.get(seeds[0]!)!.map((a) => a.name);
  const se = (name: string) => seeds.map((s) => g.bySeed.get(s)!.find((a) => a.name === name)!.seMean);
  const ms = (name: string) => {
    const v = seeds.map((s) => g.bySeed.get(s)!.find((a) => a.name === name)!.msMedian).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2]! : 0.5 * (v[v.length / 2 - 1]! + v[v.length / 2]!);
  };
  const ref = names.includes("wmmse") ? "wmmse" : names[0]!;
  const wm = se(ref);
  process.stdout.write(`\n### ${label(g.cell)} (n = ${seeds.length} seeds)\n\n`);
  process.stdout.write(
    `| algorithm | sum SE (bit/s/Hz) | 95 % interval | % of ${ref} | time per slot (µs, median) |${params.size ? " parameters |" : ""}\n|---|---|---|---|---|${params.size ? "---|" : ""}\n`,
  );
  for (const n of names) {
    const d = describe(se(n));
    const pct = describe(se(n).map((v, i) => (100 * v) / wm[i]!));
    const ci = d.ci95 ? `[${f2(d.ci95[0])}, ${f2(d.ci95[1])}]` : "-";
    const pc = params.size ? ` ${params.get(n) ?? "-"} |` : "";
    process.stdout.write(`| ${n} | ${f2(d.mean)} | ${ci} | ${pct.mean.toFixed(1)} | ${(1000 * ms(n)).toFixed(1)} |${pc}\n`);
  }
  const classical = names.filter((n) => !LEARNED.test(n));
  const best =
    against ?? classical.filter((n) => n !== liquid).reduce((b, n) => (describe(se(n)).mean > describe(se(b)).mean ? n : b), classical[0]!);
  if (names.includes(liquid)) {
    const diff = describe(se(liquid).map((v, i) => v - se(best)[i]!));
    const [lo, hi] = diff.ci95 ?? [diff.mean, diff.mean];
    const v = lo > 0 ? "wins" : hi < 0 ? "loses" : "ties";
    const line = `${label(g.cell)}: ${liquid} − ${best} = ${f2(diff.mean)} bit/s/Hz [${f2(lo)}, ${f2(hi)}] → **${v}**`;
    verdicts.push(line);
    process.stdout.write(`\n${against ? "Compared with" : "Best classical"}: ${best}. ${line}\n`);
  }
}
process.stdout.write(`\n### Verdicts (${liquid} vs ${against ?? "the best classical algorithm"}, paired over seeds)\n\n`);
for (const v of verdicts) process.stdout.write(`- ${v}\n`);
