/**
 * `liquidwave wiring show ...`: build an ncps-compatible wiring (FullyConnected, Random, NCP,
 * AutoNCP, or one read from a wiring config file), print its counts, or export it as our JSON
 * config (with matrices), Graphviz DOT or a self-drawn SVG.
 *
 *   liquidwave wiring show --type autoncp --units 30 --outputs 8 --inputs 22 [--sparsity 0.5]
 *     [--seed 22222] [--format json|dot|svg] [--out FILE] [--json]
 */
import { readFileSync } from "node:fs";
import { checkOutputPath } from "../../core/fs.ts";
import type { Command } from "commander";
import { checkOneOf, fail } from "../../core/errors.ts";
import { wiringFromConfig, wiringToConfig } from "../../wirings/config.ts";
import { wiringToDot } from "../../wirings/export-dot.ts";
import { wiringToSvg } from "../../wirings/export-svg.ts";
import { FullyConnected } from "../../wirings/fully-connected.ts";
import { AutoNCP, NCP } from "../../wirings/ncp.ts";
import { Random } from "../../wirings/random.ts";
import type { Wiring } from "../../wirings/wiring.ts";
import { resolveOptions } from "../config.ts";
import { formatTable, info, printJson, STDOUT_OUT, summaryStream, writeOutput } from "../output.ts";
import { floatArg, intArg } from "../parse.ts";

const TYPES = ["fully-connected", "random", "ncp", "autoncp"] as const;
const FORMATS = ["json", "dot", "svg"] as const;

interface ShowOptions {
  type?: string;
  from?: string;
  units?: number;
  outputs?: number;
  inputs?: number;
  sparsity?: number;
  seed?: number;
  selfConnections?: boolean;
  inter?: number;
  command?: number;
  sensoryFanout?: number;
  interFanout?: number;
  recurrentCommand?: number;
  motorFanin?: number;
  format?: string;
  out?: string;
  title?: string;
  json?: boolean;
}

const W = "wiring show";

function need(value: number | undefined, flag: string, type: string): number {
  if (value === undefined) fail(W, `--type ${type} needs ${flag}`);
  return value;
}

/** Construct the wiring the options describe (unbuilt unless it came from a built config). */
function makeWiring(o: ShowOptions): Wiring {
  if (o.from !== undefined) {
    if (o.type !== undefined) fail(W, "give either --from FILE or --type, not both");
    let text: string;
    try {
      text = readFileSync(o.from, "utf8");
    } catch (e) {
      fail(W, `cannot read --from ${o.from} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      fail(W, `--from ${o.from} is not valid JSON: ${(e as Error).message.split("\n")[0]}`);
    }
    return wiringFromConfig(doc);
  }
  if (o.type === undefined) fail(W, `give --type (${TYPES.join(", ")}) or --from FILE.json`);
  const type = checkOneOf(W, "--type", o.type === "fc" ? "fully-connected" : o.type, TYPES);
  switch (type) {
    case "fully-connected":
      return new FullyConnected(need(o.units, "--units", type), o.outputs ?? null, o.seed ?? 1111, o.selfConnections ?? true);
    case "random":
      return new Random(need(o.units, "--units", type), o.outputs ?? null, o.sparsity ?? 0, o.seed ?? 1111);
    case "autoncp":
      return new AutoNCP(need(o.units, "--units", type), need(o.outputs, "--outputs", type), o.sparsity ?? 0.5, o.seed ?? 22222);
    case "ncp":
      return new NCP(
        need(o.inter, "--inter", type),
        need(o.command, "--command", type),
        need(o.outputs, "--outputs", type),
        need(o.sensoryFanout, "--sensory-fanout", type),
        need(o.interFanout, "--inter-fanout", type),
        need(o.recurrentCommand, "--recurrent-command", type),
        need(o.motorFanin, "--motor-fanin", type),
        o.seed ?? 22222,
      );
  }
}

/** The counts printed by `wiring show` (also its `--json` document, plus `config`). */
export function wiringSummary(w: Wiring) {
  const cfg = wiringToConfig(w, { matrices: false });
  let excitatory = 0;
  let inhibitory = 0;
  for (const v of w.adjacency) v > 0 ? excitatory++ : v < 0 && inhibitory++;
  let sensoryExcitatory = 0;
  let sensoryInhibitory = 0;
  for (const v of w.sensoryAdjacency ?? []) v > 0 ? sensoryExcitatory++ : v < 0 && sensoryInhibitory++;
  const layers = Array.from({ length: w.numLayers }, (_, l) => {
    const ids = w.neuronsOfLayer(l);
    return { index: l, type: w.numLayers === 1 ? "all" : w.neuronType(ids[0]!), size: ids.length };
  });
  return {
    class: cfg.class,
    units: w.units,
    inputDim: w.inputDim,
    outputDim: w.outputDim,
    numLayers: w.numLayers,
    layers,
    synapseCount: w.synapseCount,
    sensorySynapseCount: w.sensorySynapseCount,
    excitatory,
    inhibitory,
    sensoryExcitatory,
    sensoryInhibitory,
  };
}

export function registerWiring(program: Command): void {
  const wiring = program.command("wiring").description("build, inspect and export ncps-compatible wirings");
  wiring
    .command("show")
    .description("build a wiring and print its counts, or export it (json config, dot, svg)")
    .option("--type <type>", `wiring class: ${TYPES.join(", ")} (fc = fully-connected)`)
    .option("--from <file>", "read a wiring config (JSON, as written by --format json) instead of --type")
    .option("--units <n>", "number of neurons (fully-connected, random, autoncp)", intArg(1))
    .option("--outputs <n>", "number of motor neurons (output size)", intArg(1))
    .option("--inputs <n>", "input features: build the wiring (draws the sensory synapses)", intArg(1))
    .option("--sparsity <s>", "sparsity level (random: [0, 1), default 0; autoncp: [0.1, 1], default 0.5)", floatArg(0, 1))
    .option("--seed <n>", "generator seed (default 1111 for fully-connected/random, 22222 for (auto)ncp)", intArg(0))
    .option("--no-self-connections", "fully-connected: no neuron -> itself synapses")
    .option("--inter <n>", "ncp: inter neurons", intArg(1))
    .option("--command <n>", "ncp: command neurons", intArg(1))
    .option("--sensory-fanout <n>", "ncp: inter neurons per input", intArg(1))
    .option("--inter-fanout <n>", "ncp: command neurons per inter neuron", intArg(1))
    .option("--recurrent-command <n>", "ncp: recurrent command synapse draws", intArg(0))
    .option("--motor-fanin <n>", "ncp: command neurons per motor neuron", intArg(1))
    .option("--format <fmt>", `export format: ${FORMATS.join(", ")} (to --out, or stdout without --json)`)
    .option("--out <file>", "write the export to FILE (atomically)")
    .option("--title <text>", "title of the dot/svg drawing")
    .option("--config <file>", "read options from a JSON/YAML file (flags win)")
    .option("--json", "print one JSON document (the counts and the config)")
    .action(async (_opts: unknown, cmd: Command) => {
      const o = resolveOptions<ShowOptions & Record<string, unknown>>(cmd);
      const format = o.format === undefined ? undefined : checkOneOf(W, "--format", o.format, FORMATS);
      if (o.out !== undefined && format === undefined) fail(W, "--out needs --format json|dot|svg");
      if (o.out !== undefined) checkOutputPath(W, "--out", o.out, [["--config", (cmd.opts() as { config?: string }).config]]);
      const summaryOut = summaryStream(W, o.out, o.json);
      const w = makeWiring(o);
      if (o.inputs !== undefined) w.build(o.inputs);
      else if (!w.isBuilt() && (format === "svg" || format === "dot")) info(`${W}: no --inputs given, drawing without sensory synapses`);
      const summary = wiringSummary(w);
      const title = o.title ?? `${summary.class}: ${w.units} neurons, ${w.inputDim ?? "?"} inputs, ${w.outputDim} outputs`;
      let text: string | undefined;
      if (format === "json") text = JSON.stringify(wiringToConfig(w), null, 2) + "\n";
      else if (format === "dot") text = wiringToDot(w, { title });
      else if (format === "svg") text = wiringToSvg(w, { title });
      if (text !== undefined && o.out !== undefined) {
        await writeOutput(o.out, text);
        info(`${W}: wrote ${format} to ${o.out === STDOUT_OUT ? "stdout" : o.out}`);
      }
      if (o.json) {
        printJson({ ...summary, config: wiringToConfig(w), ...(o.out !== undefined ? { out: o.out, format } : {}) });
        return;
      }
      if (text !== undefined && o.out === undefined) {
        process.stdout.write(text);
        return;
      }
      const rows: [string, string | number][] = [
        ["class", summary.class],
        ["units", summary.units],
        ["inputs", summary.inputDim ?? "not built"],
        ["outputs", summary.outputDim ?? "-"],
        ["layers", summary.layers.map((l) => `${l.type} ${l.size}`).join(", ")],
        ["synapses", `${summary.synapseCount} (${summary.excitatory} excitatory, ${summary.inhibitory} inhibitory)`],
        [
          "sensory synapses",
          w.isBuilt()
            ? `${summary.sensorySynapseCount} (${summary.sensoryExcitatory} excitatory, ${summary.sensoryInhibitory} inhibitory)`
            : "not built",
        ],
      ];
      summaryOut.write(formatTable(["property", "value"], rows) + "\n");
    });
}
