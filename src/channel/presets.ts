/**
 * The channel presets: documented, versioned parameter sets. A generated dataset echoes the
 * resolved config including the preset's `version`; any change to a preset's defaults or to the
 * model behind it bumps that version.
 *
 * | preset     | v | what                                                                  | defaults (M, K, Nk, T, Δt, v)            |
 * |------------|---|-----------------------------------------------------------------------|------------------------------------------|
 * | `rayleigh` | 1 | i.i.d. CN(0, 1) entries, independent over time (block fading)         | 64, 4, 2, 100, 1 ms, —                   |
 * | `clarke`   | 1 | sum of 64 sinusoids, ensemble ACF J0(2π f_D τ); the test oracle      | 4, 1, 1, 2000, 1 ms, 2 m/s at 6 GHz       |
 * | `umi-6ghz` | 2 | TR 38.901 UMi street canyon clusters as drifting scatterers           | 4, 1, 1, 2000, 1 ms, 2 m/s random walk    |
 * | `umi-28ghz`| 1 | the same 38.901 UMi procedure at 28 GHz (beamforming geometry)        | 64, 4, 2, 1800, 0.125 ms, 6/15/30 m/s for 700/600/500 slots, random walk |
 * | `o1-28ghz` | 1 | image-method street canyon (DeepMIMO O1 look-alike), 28 GHz; specular only by default | 64, 4, 2, 1800, 0.125 ms, 6/15/30 m/s for 700/600/500 slots |
 *
 * Versions: `umi-6ghz` v2 applies shadow fading as a gain (−PL + SF); v1 subtracted it, which
 * inverted every SF cross-correlation of the absolute-power output.
 *
 * `umi-28ghz` is `umi-6ghz`'s model at f_c = 28 GHz: the LSP laws of Table 7.5-6 are evaluated at
 * 28 GHz (medians LOS DS 32 ns, ASD 13.7°, ASA 41°; NLOS DS 66 ns, ASD 15.6°), with path loss at
 * 28 GHz, and the geometry and speed phases of the beamforming case study (64-element BS ULA,
 * 4 users × 2 antennas, 6/15/30 m/s, Δt = 0.125 ms). Users move on the random walk with a slow
 * heading diffusion (0.1 rad/√s, vehicle-like).
 *
 * `o1-28ghz` is specular only (LOS, ground and facade reflections; `canyon.diffuseScatterers` 0):
 * a DeepMIMO O1 look-alike, not a 38.901-conformant channel. Measured on it: K-factor about
 * −3 dB, arrival spread about 13°, at most ~10 paths, and at 30 m/s a Doppler spread and
 * coherence time far from Clarke's (the channel barely changes between slots). Use `umi-28ghz`
 * for 38.901 statistics at 28 GHz.
 *
 * `umi-6ghz` places each ray on two scatterers (drawn AoD at the BS, drawn AoA at the UE;
 * docs/channel.md §3.4), because single-bounce geometry distorts the BS-side angle spread (see the
 * comment in the preset); `umi.bounce: "single"` is available.
 *
 * `o1-28ghz` samples every 0.125 ms, one NR slot at 120 kHz subcarrier spacing (FR2): at 30 m/s
 * the user then moves 0.35 λ per slot, so consecutive channels stay correlated; `--dt` changes it
 * (at 1 ms and 30 m/s consecutive small-scale phases are essentially independent, like stepping
 * a 0.2 m DeepMIMO grid).
 */
import type { ChannelConfig } from "./config.ts";
import { UMI_TABLE_VERSION } from "./umi-tables.ts";

export const PRESET_NAMES = ["rayleigh", "clarke", "umi-6ghz", "umi-28ghz", "o1-28ghz"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** A short description of each preset (CLI help, reports). */
export const PRESET_DESCRIPTIONS: Readonly<Record<PresetName, string>> = {
  rayleigh: "i.i.d. CN(0,1) entries, independent over time",
  clarke: "Clarke/Jakes sum of sinusoids, autocorrelation J0(2 pi fD tau)",
  "umi-6ghz": "3GPP TR 38.901 UMi street canyon, 6 GHz, clusters anchored to scatterers",
  "umi-28ghz": "3GPP TR 38.901 UMi street canyon, 28 GHz, 64-antenna BS, 4 users x 2 antennas, 6/15/30 m/s",
  "o1-28ghz": "28 GHz street canyon by the image method, specular paths only (DeepMIMO O1 look-alike, not 38.901 statistics)",
};

/** The current version of each preset's parameter set. */
export const PRESET_VERSIONS: Readonly<Record<PresetName, number>> = {
  rayleigh: 1,
  clarke: 1,
  "umi-6ghz": 2,
  "umi-28ghz": 1,
  "o1-28ghz": 1,
};

/** The default (resolved) config of a preset, before user overrides. Seed 1. */
export function presetDefaults(preset: PresetName): ChannelConfig {
  const common = {
    seed: 1,
    normalise: "none" as const,
    cee: null,
    ceeReference: "per-user" as const,
    subcarriers: null,
    userArray: { spacing: 0.5, axis: "random" as const, polarisation: "single" as const, slantDeg: [0, 90] as const },
  };
  // Isotropic single-polarised BS elements (the element pattern and polarisation are options).
  const iso = { element: "isotropic" as const, boresightDeg: 90, polarisation: "single" as const, slantDeg: [45, -45] as const };
  // The 28 GHz case-study setting both 28 GHz presets share: 64-antenna half-wavelength ULA,
  // 4 users × 2 antennas, Δt = 0.125 ms, speed phases 6/15/30 m/s over 700/600/500 slots, 120 kHz
  // subcarriers; only the mobility model and its heading jitter differ.
  const caseStudy28 = (model: "random-walk" | "street", headingSigma: number) => ({
    carrierGHz: 28,
    samples: 1800,
    dt: 1.25e-4,
    users: 4,
    userAntennas: 2,
    antennas: 64,
    bsArray: { type: "ula" as const, shape: [64], spacing: 0.5, axis: [1, 0, 0] as [number, number, number], ...iso },
    mobility: { model, speeds: [6, 15, 30], slots: [700, 600, 500], rampS: 0, headingSigma, start: null, heading: null, gridSpacing: null },
    subcarrierSpacingHz: 120e3,
  });
  switch (preset) {
    case "rayleigh":
      return {
        ...common,
        preset,
        version: PRESET_VERSIONS[preset],
        carrierGHz: 28,
        samples: 100,
        dt: 1e-3,
        users: 4,
        userAntennas: 2,
        antennas: 64,
        bsArray: { type: "ula", shape: [64], spacing: 0.5, axis: [1, 0, 0], ...iso },
        mobility: { model: "static", speeds: [0], slots: null, rampS: 0, headingSigma: 0, start: null, heading: null, gridSpacing: null },
        subcarrierSpacingHz: 120e3,
      };
    case "clarke":
      return {
        ...common,
        preset,
        version: PRESET_VERSIONS[preset],
        carrierGHz: 6,
        samples: 2000,
        dt: 1e-3,
        users: 1,
        userAntennas: 1,
        antennas: 4,
        bsArray: { type: "ula", shape: [4], spacing: 0.5, axis: [1, 0, 0], ...iso },
        mobility: { model: "straight", speeds: [2], slots: null, rampS: 0, headingSigma: 0, start: null, heading: null, gridSpacing: null },
        subcarrierSpacingHz: 30e3,
        clarke: { sinusoids: 64, spatial: "iid" },
      };
    case "umi-6ghz":
      return {
        ...common,
        normalise: "per-user",
        preset,
        version: PRESET_VERSIONS[preset],
        carrierGHz: 6,
        samples: 2000,
        dt: 1e-3,
        users: 1,
        userAntennas: 1,
        antennas: 4,
        bsArray: { type: "ula", shape: [4], spacing: 0.5, axis: [1, 0, 0], ...iso },
        mobility: {
          model: "random-walk",
          speeds: [2],
          slots: null,
          rampS: 0,
          headingSigma: 0.5,
          start: null,
          heading: null,
          gridSpacing: null,
        },
        subcarrierSpacingHz: 30e3,
        umi: {
          table: UMI_TABLE_VERSION,
          bsHeight: 10,
          ueHeight: 1.5,
          rMin: 10,
          rMax: 150,
          condition: "auto",
          losCorrDistance: 50,
          crossFade: 2,
          visibilityLos: 12,
          visibilityNlos: 15,
          // Double bounce keeps the drawn AoD *and* AoA: measured over 300 drops at 6 GHz, the
          // realised BS-side azimuth spread is 11.6° (LOS) / 23.1° (NLOS) against drawn medians
          // 13.1° / 20.1°, while single-bounce geometry gives 5.5° / 57.5°.
          bounce: "double",
          nlosDelayOffsetNs: [10, 50],
          minScattererDistance: 3,
          crossCorrelation: true,
          shadowing: true,
          indoorFraction: 0,
          o2iLoss: "low",
          sites: 1,
          interSiteDistance: 200,
        },
      };
    case "umi-28ghz": {
      const base = presetDefaults("umi-6ghz");
      return {
        ...base,
        preset,
        version: PRESET_VERSIONS[preset],
        ...caseStudy28("random-walk", 0.1),
      };
    }
    case "o1-28ghz":
      return {
        ...common,
        normalise: "per-user",
        preset,
        version: PRESET_VERSIONS[preset],
        ...caseStudy28("street", 0),
        canyon: {
          streetWidth: 40,
          bsPosition: [0, 2, 6],
          bsArrayOrientation: "along-street",
          ueHeight: 2,
          xRange: [5, 250],
          yRange: [2.5, 37.5],
          facadeLength: 60,
          facadeGap: 8,
          facadeOffsets: [-30, -4],
          crossStreet: [100, 140],
          maxOrder: 2,
          ground: true,
          facadeMaterial: "concrete",
          groundMaterial: "concrete",
          extraReflectionLossDb: 0,
          edgeRamp: 0.5,
          diffuseScatterers: 0,
          diffuseRays: 5,
          diffusePatch: 1.5,
          diffuseLossDb: [10, 20],
          lateralSigma: 0.5,
          lateralLength: 20,
        },
      };
  }
}
