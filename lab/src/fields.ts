/**
 * The controls of each panel's form (see forms.ts): names, labels with units, ranges, defaults
 * and the CLI flag of each. The names are what the page's tests fill in.
 */
import type { Field } from "./forms.ts";

const seed = (value: number) => ({ kind: "number", name: "seed", label: "Seed", value, min: 0, cli: "seed" }) as const;

export const WIRING_FIELDS = [
  {
    kind: "select",
    name: "kind",
    label: "Class",
    value: "autoncp",
    cli: "type",
    options: [
      ["autoncp", "AutoNCP"],
      ["ncp", "NCP"],
      ["fully-connected", "FullyConnected"],
      ["random", "Random"],
    ],
  },
  { kind: "number", name: "inputs", label: "Inputs", value: 3, min: 1, max: 32, cli: "inputs" },
  {
    kind: "number",
    name: "units",
    label: "Units",
    value: 16,
    min: 3,
    max: 64,
    cli: "units",
    for: ["autoncp", "fully-connected", "random"],
  },
  { kind: "number", name: "outputs", label: "Outputs (motor)", value: 2, min: 1, max: 32, cli: "outputs" },
  {
    kind: "number",
    name: "sparsity",
    label: "Sparsity",
    value: 0.5,
    min: 0,
    max: 1,
    step: 0.05,
    cli: "sparsity",
    for: ["autoncp", "random"],
  },
  { kind: "number", name: "inter", label: "Inter", value: 4, min: 1, max: 32, cli: "inter", for: ["ncp"] },
  { kind: "number", name: "command", label: "Command", value: 3, min: 1, max: 32, cli: "command", for: ["ncp"] },
  { kind: "number", name: "sensoryFanout", label: "Sensory fan-out", value: 2, min: 1, max: 32, cli: "sensory-fanout", for: ["ncp"] },
  { kind: "number", name: "interFanout", label: "Inter fan-out", value: 2, min: 1, max: 32, cli: "inter-fanout", for: ["ncp"] },
  {
    kind: "number",
    name: "recurrentCommand",
    label: "Recurrent command",
    value: 3,
    min: 0,
    max: 64,
    cli: "recurrent-command",
    for: ["ncp"],
  },
  { kind: "number", name: "motorFanin", label: "Motor fan-in", value: 2, min: 1, max: 32, cli: "motor-fanin", for: ["ncp"] },
  {
    kind: "check",
    name: "selfConnections",
    label: "self-connections",
    value: true,
    cli: "self-connections",
    cliOn: "",
    cliOff: "--no-self-connections",
    for: ["fully-connected"],
  },
  seed(22222),
] as const satisfies readonly Field[];

/** The seed each wiring class starts from (ncps's defaults in its tests). */
export const WIRING_DEFAULT_SEED: Record<string, number> = { autoncp: 22222, ncp: 22222, "fully-connected": 1111, random: 1111 };

export const PREDICTION_FIELDS = [
  {
    kind: "select",
    name: "preset",
    label: "Channel",
    value: "umi-6ghz",
    cli: "preset",
    options: [
      ["umi-6ghz", "umi-6ghz"],
      ["clarke", "clarke"],
    ],
  },
  { kind: "number", name: "users", label: "Users", value: 16, min: 5, max: 64, cli: "users" },
  { kind: "number", name: "samples", label: "Samples per user", value: 400, min: 40, max: 4000, cli: "samples" },
  { kind: "number", name: "speed", label: "Speed (m/s)", value: 2, min: 0, max: 60, step: 0.5, cli: "speed" },
  { kind: "number", name: "dtMs", label: "Sample interval Δt (ms)", value: 1, min: 0.1, max: 20, step: 0.1, cli: "dt", cliScale: 1e-3 },
  { kind: "number", name: "snrDb", label: "SNR (dB)", value: 20, min: -10, max: 60, cli: "snr-db" },
  { kind: "number", name: "history", label: "History P", value: 10, min: 2, max: 64, cli: "history" },
  { kind: "number", name: "horizon", label: "Horizon F", value: 3, min: 1, max: 16, cli: "horizon" },
  { kind: "number", name: "epochs", label: "Epochs", value: 15, min: 1, max: 100, cli: "epochs" },
  seed(0),
  {
    kind: "choices",
    name: "model",
    label: "Models",
    cli: "models",
    options: [
      ["hold", "hold", true],
      ["wiener", "Wiener", true],
      ["cfc", "CfC", true],
      ["ltc", "LTC", false],
      ["ncp", "NCP", true],
    ],
  },
  {
    kind: "check",
    name: "irregular",
    label: "irregular sampling (gaps of 1–3 samples)",
    value: false,
    switch: true,
    cli: "max-gap",
    cliOn: "--max-gap 3",
  },
] as const satisfies readonly Field[];

export const NEURON_FIELDS = [
  {
    kind: "select",
    name: "preset",
    label: "Channel",
    value: "clarke",
    options: [
      ["clarke", "clarke"],
      ["umi-6ghz", "umi-6ghz"],
    ],
  },
  { kind: "number", name: "speed", label: "Speed (m/s)", value: 3, min: 0, max: 60, step: 0.5 },
  { kind: "number", name: "dtMs", label: "Δt (ms)", value: 1, min: 0.1, max: 20, step: 0.1 },
  { kind: "number", name: "snrDb", label: "SNR (dB)", value: 25, min: -10, max: 60 },
  { kind: "number", name: "units", label: "Neurons", value: 14, min: 8, max: 48 },
  { kind: "number", name: "sparsity", label: "Sparsity", value: 0.5, min: 0.1, max: 0.9, step: 0.05 },
  { kind: "number", name: "length", label: "Steps", value: 80, min: 20, max: 400 },
  { kind: "number", name: "epochs", label: "Epochs", value: 40, min: 1, max: 200 },
  seed(1),
  { kind: "check", name: "reuse", label: "use the prediction panel's NCP when there is one", value: true, switch: true },
] as const satisfies readonly Field[];

export const BEAMFORM_FIELDS = [
  {
    kind: "select",
    name: "preset",
    label: "Channel",
    value: "o1-28ghz",
    cli: "preset",
    options: [
      ["o1-28ghz", "o1-28ghz (street canyon)"],
      ["umi-6ghz", "umi-6ghz"],
      ["rayleigh", "rayleigh"],
    ],
  },
  { kind: "number", name: "users", label: "Users K", value: 3, min: 1, max: 8, cli: "users" },
  { kind: "number", name: "antennas", label: "BS antennas M", value: 4, min: 1, max: 32, cli: "antennas" },
  { kind: "number", name: "samples", label: "Slots", value: 100, min: 2, max: 2000, cli: "samples" },
  { kind: "number", name: "speed", label: "Speed (m/s)", value: 15, min: 0, max: 60, cli: "speed" },
  { kind: "number", name: "dtMs", label: "Δt (ms)", value: 20, min: 0.1, max: 100, step: 0.1, cli: "dt", cliScale: 1e-3 },
  { kind: "number", name: "powerDbm", label: "Power (dBm)", value: 10, min: -30, max: 60, cli: "power-dbm" },
  { kind: "number", name: "noiseDbm", label: "Noise (dBm)", value: 0, min: -120, max: 60, cli: "noise-dbm" },
  seed(0),
  {
    kind: "choices",
    name: "algorithm",
    label: "Beamformers",
    cli: "algorithms",
    options: [
      ["wmmse", "WMMSE", true],
      ["wmmse-track", "tracking WMMSE", true],
      ["zf", "ZF", true],
      ["glnn", "GLNN", true],
    ],
  },
] as const satisfies readonly Field[];
