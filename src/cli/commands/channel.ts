/**
 * `liquidwave channel generate --preset P [...] --out FILE.npz [--json]`: time-evolving channels
 * from the built-in simulator, written as an npz file (H, H_est, positions, t, ...; see
 * channel/export.ts).
 * `liquidwave channel stats FILE [--var H] [--dt S] [--max-lag N] [--json]`: power, Doppler and
 * temporal autocorrelation of a channel file, pooled and per user (axis 1): coherence time and
 * rms Doppler spread of each user, with their median and 10th/90th percentiles.
 */
import { readFileSync } from "node:fs";
import { checkOutputPath } from "../../core/fs.ts";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { ChannelConfigInput } from "../../channel/config.ts";
import { configToJson, resolveChannelConfig } from "../../channel/config.ts";
import type { ChannelFileDType } from "../../channel/export.ts";
import { simulationArrays } from "../../channel/export.ts";
import { generateChannel } from "../../channel/generate.ts";
import { NORMALISE_MODES } from "../../channel/normalise.ts";
import { PRESET_DESCRIPTIONS, PRESET_NAMES } from "../../channel/presets.ts";
import { channelStats } from "../../channel/stats.ts";
import type { UserPercentiles } from "../../channel/stats.ts";
import { checkOneOf, fail, formatShape } from "../../core/errors.ts";
import { isComplexDType, ndToComplex } from "../../core/ndarray.ts";
import { encodeNpzParts } from "../../io/npz.ts";
import { inspectFile, readArrays } from "../../io/read.ts";
import { resolveOptions } from "../config.ts";
import { formatNumber, formatTable, info, printJson, STDOUT_OUT, summaryStream, writeOutput } from "../output.ts";
import { floatArg, intArg, numberListArg } from "../parse.ts";

interface GenerateOptions {
  preset?: string;
  channelConfig?: string;
  antennas?: number;
  users?: number;
  userAntennas?: number;
  samples?: number;
  carrierGhz?: number;
  speed?: number;
  speeds?: number[];
  slots?: number[];
  dt?: number;
  normalise?: string;
  cee?: number;
  ceeReference?: string;
  seed?: number;
  subcarriers?: number;
  subcarrierSpacingKhz?: number;
  arrayOrientation?: string;
  dtype?: string;
  out?: string;
  json?: boolean;
}

/** Read a full channel config (JSON or YAML) for `--channel-config`. */
function readChannelConfig(path: string): Record<string, unknown> {
  const where = `--channel-config ${path}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    fail(where, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let doc: unknown;
  const yaml = /\.ya?ml$/i.test(path);
  try {
    doc = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    fail(where, `not valid ${yaml ? "YAML" : "JSON"}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) fail(where, "the top level must be an object (a channel config)");
  return doc as Record<string, unknown>;
}

/** Merge the command-line flags over a config read from `--channel-config` (flags win). */
export function channelConfigFromOptions(o: GenerateOptions): ChannelConfigInput {
  const cfg: Record<string, unknown> = o.channelConfig ? readChannelConfig(o.channelConfig) : {};
  if (o.preset !== undefined) cfg["preset"] = o.preset;
  if (cfg["preset"] === undefined) fail("channel generate", `--preset is required (one of ${PRESET_NAMES.join(", ")})`);
  const set = (key: string, v: unknown): void => {
    if (v !== undefined) cfg[key] = v;
  };
  if (o.speed !== undefined || o.speeds !== undefined) {
    // A speed on the command line replaces any schedule from the file.
    for (const k of ["speed", "speeds", "slots"]) delete cfg[k];
    const mob = cfg["mobility"];
    if (mob && typeof mob === "object") {
      const m = { ...(mob as Record<string, unknown>) };
      delete m["speeds"];
      delete m["slots"];
      cfg["mobility"] = m;
    }
  }
  set("antennas", o.antennas);
  set("users", o.users);
  set("userAntennas", o.userAntennas);
  set("samples", o.samples);
  set("carrierGHz", o.carrierGhz);
  set("speed", o.speed);
  set("speeds", o.speeds);
  set("slots", o.slots);
  set("dt", o.dt);
  set("normalise", o.normalise);
  set("cee", o.cee);
  set("ceeReference", o.ceeReference);
  set("seed", o.seed);
  set("subcarriers", o.subcarriers);
  if (o.subcarrierSpacingKhz !== undefined) cfg["subcarrierSpacingHz"] = o.subcarrierSpacingKhz * 1e3;
  if (o.arrayOrientation !== undefined) {
    const c = cfg["canyon"];
    cfg["canyon"] = { ...(c && typeof c === "object" ? (c as Record<string, unknown>) : {}), bsArrayOrientation: o.arrayOrientation };
  }
  return cfg as unknown as ChannelConfigInput;
}

/** JSON cannot hold ±Infinity or NaN: map them to null. */
function finiteOrNull(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : x;
}

export function registerChannel(program: Command): void {
  const channel = program.command("channel").description("time-evolving channels from the built-in simulator, and their statistics");

  channel
    .command("generate")
    .description(`generate channels from a preset (${PRESET_NAMES.join(", ")}) and write them as .npz`)
    .option("--preset <name>", PRESET_NAMES.map((p) => `${p}: ${PRESET_DESCRIPTIONS[p]}`).join("; "))
    .option(
      "--channel-config <file>",
      "a full channel config (JSON or YAML; any field of generateChannel, e.g. umi.bounce, canyon.maxOrder); flags override it",
    )
    .option("--antennas <M>", "BS antennas (ULA)", intArg())
    .option("--users <K>", "number of users", intArg())
    .option("--user-antennas <Nk>", "antennas per user", intArg())
    .option("--samples <T>", "number of time samples", intArg())
    .option("--carrier-ghz <F>", "carrier frequency in GHz", floatArg())
    .option("--speed <mps>", "constant user speed in m/s", floatArg())
    .option("--speeds <list>", "speed phases in m/s, e.g. 6,15,30 (with --slots)", numberListArg)
    .option("--slots <list>", "samples per speed phase, e.g. 700,600,500", numberListArg)
    .option("--dt <seconds>", "sample interval in s", floatArg())
    .option("--normalise <mode>", `power normalisation: ${NORMALISE_MODES.join(" | ")}`)
    .option("--cee <dB>", "CSI error: also write H_est = H + E with E ~ CN(0, 10^(CEE/10) x mean power)", floatArg())
    .option("--cee-reference <ref>", "mean power the CSI error refers to: per-user | global")
    .option("--seed <n>", "random seed", intArg())
    .option("--subcarriers <F>", "also write the OFDM channel H_freq [T, F, K, Nk, M]", intArg())
    .option("--subcarrier-spacing-khz <kHz>", "OFDM subcarrier spacing in kHz", floatArg())
    .option("--array-orientation <o>", "o1-28ghz BS array: along-street | across-street")
    .option("--dtype <dtype>", "complex dtype in the file: complex128 | complex64", "complex128")
    .option("--out <file>", "output .npz file")
    .option("--json", "print one JSON document")
    .option("--config <file>", "options from a JSON or YAML file")
    .action(async (_opts: unknown, cmd: Command) => {
      const o = resolveOptions<GenerateOptions & Record<string, unknown>>(cmd);
      if (!o.out) fail("channel generate", "--out FILE.npz is required (or --out - for stdout)");
      const summary = summaryStream("channel generate", o.out, o.json as boolean | undefined);
      checkOutputPath("channel generate", "--out", o.out, [
        ["--config", (cmd.opts() as { config?: string }).config],
        ["--channel-config", o["channelConfig"] as string | undefined],
      ]);
      const dtype = checkOneOf("channel generate", "--dtype", o.dtype ?? "complex128", [
        "complex128",
        "complex64",
      ] as const) as ChannelFileDType;
      // The simulator's schema checks every value (the flags have no ranges of their own); errors
      // name the command and the config field (a value may come from --channel-config or a flag).
      const input = resolveChannelConfig(channelConfigFromOptions(o), "channel generate");
      const t0 = performance.now();
      const sim = generateChannel(input);
      const ms = performance.now() - t0;
      const arrays = simulationArrays(sim, dtype);
      await writeOutput(o.out, encodeNpzParts(arrays, {}, "channel generate"));
      const c = sim.config;
      info(
        `wrote ${o.out === STDOUT_OUT ? "stdout" : o.out}: ${c.preset} v${c.version}, H ${formatShape(sim.H.shape)} (${formatNumber(ms)} ms)`,
      );
      let p = 0;
      for (let i = 0; i < sim.H.re.length; i++) p += sim.H.re[i]! ** 2 + sim.H.im[i]! ** 2;
      const doc = {
        out: o.out,
        arrays: Object.fromEntries(Object.entries(arrays).map(([k, a]) => [k, { shape: a.shape, dtype: a.dtype }])),
        config: configToJson(c),
        meanPower: p / sim.H.re.length,
        notes: sim.meta.notes,
        generateMs: ms,
      };
      if (o.json) {
        printJson(doc);
        return;
      }
      summary.write(
        formatTable(
          ["array", "shape", "dtype"],
          Object.entries(arrays).map(([k, a]) => [k, formatShape(a.shape), a.dtype]),
        ) + "\n",
      );
      summary.write(
        `preset ${c.preset} v${c.version}, seed ${c.seed}, normalisation ${c.normalise}, mean |h|^2 ${formatNumber(doc.meanPower)}\n`,
      );
    });

  channel
    .command("stats")
    .description(
      "power, Doppler and temporal autocorrelation of a channel file (time on the first axis; per-user coherence time and Doppler spread over axis 1)",
    )
    .argument("<file>", "a channel file (.npz from `channel generate`, or any .npy/.npz/.mat/.h5 with a complex [T, ...] variable)")
    .option("--var <name>", "variable to analyse (default H, or the file's only complex variable)")
    .option("--dt <seconds>", "sample interval in s (default: the file's dt, or t[1] - t[0])", floatArg(0))
    .option("--max-lag <n>", "largest lag in samples (default min(T - 1, 100))", intArg(1))
    .option("--json", "print one JSON document")
    .option("--config <file>", "options from a JSON or YAML file")
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const o = resolveOptions<{ var?: string; dt?: number; maxLag?: number; json?: boolean }>(cmd);
      const where = "channel stats";
      const listed = (await inspectFile(file)).variables.filter((v) => v.readable);
      let name = o.var;
      if (name === undefined) {
        const complex = listed.filter((v) => isComplexDType(v.dtype as never));
        if (listed.some((v) => v.name === "H")) name = "H";
        else if (complex.length === 1) name = complex[0]!.name;
        else
          fail(
            where,
            `--var is required: ${file} has ${complex.length} complex variables (${
              complex
                .slice(0, 8)
                .map((v) => v.name)
                .join(", ") || "none"
            })`,
          );
      }
      if (!listed.some((v) => v.name === name))
        fail(
          where,
          `${file} has no readable variable '${name}' (variables: ${listed
            .map((v) => v.name)
            .slice(0, 12)
            .join(", ")})`,
        );
      const wanted = [name, ...["dt", "t"].filter((k) => k !== name && listed.some((v) => v.name === k))];
      const { variables } = await readArrays(file, { variables: wanted });
      const h = variables.get(name)!;
      if (h.shape.length < 1 || h.shape[0]! < 2)
        fail(where, `'${name}' has shape ${formatShape(h.shape)}; need time on the first axis with at least 2 samples`);
      let dt = o.dt ?? null;
      let dtSource = "--dt";
      if (dt === null) {
        const d = variables.get("dt");
        const t = variables.get("t");
        if (d && d.data.length === 1) {
          dt = Number(d.data[0]);
          dtSource = "file 'dt'";
        } else if (t && t.data.length >= 2) {
          dt = Number(t.data[1]) - Number(t.data[0]);
          dtSource = "file 't'";
        }
      }
      if (dt !== null && !(dt > 0 && Number.isFinite(dt))) fail(where, `the sample interval from ${dtSource} is ${dt}; pass --dt`);
      if (dt === null) info(`${file}: no dt or t in the file and no --dt; Doppler and times are not reported`);
      const H = ndToComplex(h);
      const T = H.shape[0]!;
      const st = channelStats(H, {
        ...(dt !== null ? { dt } : {}),
        ...(o.maxLag !== undefined ? { maxLag: Math.min(o.maxLag, T - 1) } : {}),
      });
      const doc = {
        file,
        variable: name,
        ...st,
        meanPowerDb: finiteOrNull(st.meanPowerDb),
        kFactorDb: finiteOrNull(st.kFactorDb),
      };
      if (o.json) {
        printJson(doc);
        return;
      }
      const fmt = (x: number | null, unit: string): string => (x === null || !Number.isFinite(x) ? "n/a" : `${formatNumber(x)} ${unit}`);
      // A per-user percentile is null when it falls on users whose |rho| never drops below 0.5.
      const longer = `> ${st.lagsS ? formatNumber(st.lagsS[st.lagsS.length - 1]!) : "?"} s`;
      const pv = (x: number | null, unit: string): string => (x === null ? longer : fmt(x, unit));
      const pct = (p: UserPercentiles, unit: string): string =>
        `${pv(p.median, unit)} [${pv(p.p10, unit)}, ${pv(p.p90, unit)}]${p.beyondMaxLag ? ` (${p.beyondMaxLag} user${p.beyondMaxLag > 1 ? "s" : ""} ${longer})` : ""}`;
      process.stdout.write(
        formatTable(
          ["statistic", "value"],
          [
            ["variable", `${name} ${formatShape(st.shape)}`],
            ["mean power", `${formatNumber(st.meanPower)} (${fmt(st.meanPowerDb, "dB")})`],
            ["Doppler (Clarke-equivalent)", fmt(st.dopplerHz, "Hz")],
            ["Doppler (99 % band)", fmt(st.doppler99Hz, "Hz")],
            ["mean Doppler / rms spread", `${fmt(st.meanDopplerHz, "Hz")} / ${fmt(st.dopplerSpreadHz, "Hz")}`],
            ["coherence time (|rho| = 0.5), pooled", fmt(st.coherenceTimeS, "s")],
            ...(st.perUserSummary
              ? [
                  [`coherence time per user (${st.perUserSummary.users}): median [p10, p90]`, pct(st.perUserSummary.coherenceTimeS, "s")],
                  ["rms Doppler spread per user: median [p10, p90]", pct(st.perUserSummary.dopplerSpreadHz, "Hz")],
                ]
              : []),
            ["K-factor (median)", fmt(st.kFactorDb, "dB")],
          ],
        ) + "\n",
      );
      const show = [1, 2, 5, 10, 20, 50].filter((l) => l < st.lags.length);
      process.stdout.write(
        formatTable(
          ["lag", "time", "Re rho", "|rho|"],
          show.map((l) => [l, st.lagsS ? fmt(st.lagsS[l]!, "s") : "", st.autocorrelation[l]!, st.autocorrelationAbs[l]!]),
        ) + "\n",
      );
    });
}
