import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { channelConfigInputSchema, channelConfigSchema, resolveChannelConfig, type ChannelConfigInput } from "../../src/channel/config.ts";
import { generateChannel } from "../../src/channel/generate.ts";
import { PRESET_NAMES, presetDefaults } from "../../src/channel/presets.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";

/** The preset a nested block applies to. */
const BLOCK_PRESET: Record<string, string> = { clarke: "clarke", umi: "umi-6ghz", canyon: "o1-28ghz" };

/** Every leaf field of the input schema as [path, preset to test it with]. */
function leaves(): [string[], string][] {
  const out: [string[], string][] = [];
  for (const [key, field] of Object.entries(channelConfigInputSchema.shape)) {
    if (key === "preset") continue;
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
    if (inner instanceof z.ZodObject) {
      for (const sub of Object.keys(inner.shape)) out.push([[key, sub], BLOCK_PRESET[key] ?? "o1-28ghz"]);
    } else out.push([[key], "umi-6ghz"]);
  }
  return out;
}

function withValue(path: string[], value: unknown): Record<string, unknown> {
  return path.length === 1 ? { [path[0]!]: value } : { [path[0]!]: { [path[1]!]: value } };
}

function rejects(cfg: unknown, re: RegExp): void {
  assert.throws(
    () => resolveChannelConfig(cfg as ChannelConfigInput),
    (e: unknown) => e instanceof LiquidwaveError && !e.message.includes("\n") && re.test(e.message),
    JSON.stringify(cfg),
  );
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test("the channel schema rejects a value of the wrong type in every field with one line naming the function, the field and the value", () => {
  const all = leaves();
  assert.ok(all.length > 60, `${all.length} fields`);
  for (const [path, preset] of all) {
    const cfg = { preset, ...withValue(path, "bad") };
    rejects(cfg, new RegExp(`^generateChannel: config\\.${esc(path.join("."))}: .*"bad"`));
  }
});

test("the channel schema rejects each out-of-range value naming the field, the value and the limit", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ preset: "clarke", dt: 7200 }, "config.dt: must be > 0 and <= 3600, got 7200"],
    [{ preset: "clarke", dt: 0 }, "config.dt: must be > 0 and <= 3600, got 0"],
    [{ preset: "clarke", samples: 0 }, "config.samples: must be >= 1 and <= 1000000000, got 0"],
    [{ preset: "clarke", samples: 2.5 }, "config.samples: expected an integer, got 2.5"],
    [{ preset: "clarke", seed: -1 }, "config.seed: must be >= 0 and <= 9007199254740991, got -1"],
    [{ preset: "clarke", carrierGHz: 0 }, "config.carrierGHz: must be > 0 and <= 1000, got 0"],
    [{ preset: "rayleigh", users: 10001 }, "config.users: must be >= 1 and <= 10000, got 10001"],
    [{ preset: "rayleigh", userAntennas: 0 }, "config.userAntennas: must be >= 1 and <= 4096, got 0"],
    [{ preset: "rayleigh", antennas: 70000 }, "config.antennas: must be >= 1 and <= 65536, got 70000"],
    [{ preset: "clarke", speed: -1 }, "config.speed: must be >= 0 and <= 1000, got -1"],
    [{ preset: "o1-28ghz", speeds: [1, 2000], slots: [5, 5] }, "config.speeds[1]: must be >= 0 and <= 1000, got 2000"],
    [{ preset: "o1-28ghz", speeds: [1, 2], slots: [5, 0] }, "config.slots[1]: must be >= 1 and <= 1000000000, got 0"],
    [{ preset: "clarke", cee: 101 }, "config.cee: must be >= -300 and <= 100, got 101"],
    [{ preset: "clarke", cee: Number.POSITIVE_INFINITY }, "config.cee: expected a finite number, got Infinity"],
    [{ preset: "umi-6ghz", subcarriers: 0 }, "config.subcarriers: must be >= 1 and <= 65536, got 0"],
    [{ preset: "umi-6ghz", subcarrierSpacingHz: -5 }, "config.subcarrierSpacingHz: must be > 0 and <= 1000000000, got -5"],
    [{ preset: "rayleigh", bsArray: { spacing: 0 } }, "config.bsArray.spacing: must be > 0 and <= 1000000, got 0"],
    [{ preset: "rayleigh", bsArray: { axis: [1, 0] } }, "config.bsArray.axis: expected [x, y, z], got [1,0]"],
    [{ preset: "rayleigh", bsArray: { axis: [0, 0, 0] } }, "config.bsArray.axis: must be a non-zero vector, got [0,0,0]"],
    [{ preset: "rayleigh", bsArray: { shape: [] } }, "config.bsArray.shape: expected a list of at least 1 number, got []"],
    [{ preset: "umi-6ghz", mobility: { headingSigma: -0.1 } }, "config.mobility.headingSigma: must be >= 0 and <= 1000, got -0.1"],
    [{ preset: "umi-6ghz", mobility: { gridSpacing: 0 } }, "config.mobility.gridSpacing: must be > 0 and <= 1000, got 0"],
    [{ preset: "clarke", clarke: { sinusoids: 4 } }, "config.clarke.sinusoids: must be >= 8 and <= 65536, got 4"],
    [{ preset: "umi-6ghz", umi: { bsHeight: 1 } }, "config.umi.bsHeight: must be > 1.5 and <= 1000, got 1"],
    [{ preset: "umi-6ghz", umi: { rMax: 100, rMin: 120 } }, "config.umi.rMax: must exceed rMin = 120, got 100"],
    [{ preset: "umi-6ghz", umi: { nlosDelayOffsetNs: [50, 10] } }, "config.umi.nlosDelayOffsetNs: expected lo <= hi, got [50,10]"],
    [{ preset: "umi-6ghz", umi: { shadowing: "yes" } }, 'config.umi.shadowing: expected true or false, got "yes"'],
    [{ preset: "o1-28ghz", canyon: { maxOrder: 11 } }, "config.canyon.maxOrder: must be >= 0 and <= 10, got 11"],
    [
      { preset: "o1-28ghz", canyon: { facadeMaterial: "cheese" } },
      'config.canyon.facadeMaterial: unknown value "cheese", valid options are ',
    ],
    [
      { preset: "o1-28ghz", canyon: { yRange: [0, 10] } },
      "config.canyon.yRange: users must stay inside the street (0 < y < 40), got [0,10]",
    ],
    [{ preset: "o1-28ghz", canyon: { colour: 1 } }, "config.canyon.colour: unknown key (valid keys: streetWidth, "],
    [{ preset: "clarke", mobility: 3 }, "config.mobility: expected an object, got 3"],
  ];
  for (const [cfg, text] of cases) rejects(cfg, new RegExp(`^generateChannel: ${esc(text)}`));
  // generateChannel reports the same line
  assert.throws(() => generateChannel({ preset: "clarke", dt: 7200 }), {
    message: "generateChannel: config.dt: must be > 0 and <= 3600, got 7200",
  });
  // the caller's name when it resolves for itself (the CLI)
  assert.throws(() => resolveChannelConfig({ preset: "clarke", dt: 7200 }, "channel generate"), {
    message: "channel generate: config.dt: must be > 0 and <= 3600, got 7200",
  });
});

test("the schema resolves presets with their defaults, and a resolved config is a valid input that resolves to itself", () => {
  for (const preset of PRESET_NAMES) {
    const c = resolveChannelConfig({ preset });
    assert.deepEqual(JSON.parse(JSON.stringify(c)), JSON.parse(JSON.stringify(presetDefaults(preset))), preset);
    assert.deepEqual(resolveChannelConfig(c), c, `${preset} round trip`);
    const r = channelConfigSchema.safeParse({ preset });
    assert.ok(r.success);
  }
  const c = resolveChannelConfig({ preset: "clarke", speed: 5, cee: null, userArray: { axis: [0, 2, 0] } });
  assert.deepEqual(c.mobility.speeds, [5]);
  assert.equal(c.cee, null);
  assert.deepEqual(c.userArray.axis, [0, 1, 0]);
});
