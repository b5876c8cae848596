/**
 * The channel simulator: physically grounded, time-evolving multi-user MIMO channels.
 *
 * One entry point, {@link generateChannel}(config) → {@link ChannelSimulation} (a
 * `ChannelDataset`: H [T, K, Nk, M] complex, H_est, t [T], positions [T, K, 3], plus the echoed
 * config). Presets `rayleigh`, `clarke`, `umi-6ghz`, `umi-28ghz`, `o1-28ghz` (see presets.ts). The building
 * blocks (arrays, 38.901 tables and path loss, mobility, Fresnel, statistics) are exported for
 * custom scenarios, and `umiUserPaths` / `pathSnapshot` expose the paths behind a channel; the
 * ray engine's internals are not exported.
 * @packageDocumentation
 */
export { checkChannelDataset, channelDatasetToArrays } from "./dataset.ts";
export type { ChannelDataset, ChannelDatasetMeta, DatasetLayout } from "./dataset.ts";
export { generateChannel, umiUserPaths, MAX_CHANNEL_ELEMENTS } from "./generate.ts";
export type { ChannelSimulation } from "./generate.ts";
export { resolveChannelConfig, configToJson, MOBILITY_MODELS } from "./config.ts";
export type { ChannelConfig, ChannelConfigInput, BsArrayConfig, UserArrayConfig, MobilityConfig, MobilityModel } from "./config.ts";
export { PRESET_NAMES, PRESET_VERSIONS, PRESET_DESCRIPTIONS, presetDefaults } from "./presets.ts";
export type { PresetName } from "./presets.ts";
export { ula, upa, arraySize, elementPositions, steeringVector, steeringVectorInto } from "./array.ts";
export type { ArrayGeometry } from "./array.ts";
export { SPEED_OF_LIGHT, wavelength, dbToLinear, linearToDb, DEG } from "./constants.ts";
export type { Vec3 } from "./geometry.ts";
export { unitVector, anglesOf } from "./geometry.ts";
export {
  umiLosPathLossDb,
  umiNlosPathLossDb,
  umiLosProbability,
  umiBreakpointDistance,
  umiShadowFadingStdDb,
  freeSpacePathLossDb,
} from "./pathloss.ts";
export { UMI_LOS, UMI_NLOS, UMI_TABLE_VERSION, RAY_OFFSETS, fcLaw, zsdMean, zodOffsetDeg } from "./umi-tables.ts";
export type { UmiConditionTable } from "./umi-tables.ts";
export { LspField, lspsFromNormals, lspCorrelationMatrix } from "./lsp.ts";
export type { UmiLsps } from "./lsp.ts";
export { drawUmiClusters } from "./clusters.ts";
export type { DrawnClusters, DrawnCluster, DrawnRay, LosAngles } from "./clusters.ts";
export { placeCluster } from "./scatterers.ts";
export type { BounceModel, PlacementOptions } from "./scatterers.ts";
export { buildUmiUser } from "./umi.ts";
export type { UmiParams, UmiStreams, UmiUserResult } from "./umi.ts";
export { canyonPaths, canyonImages, canyonDiffusePaths, facadeEdgeDistance } from "./canyon.ts";
export type { CanyonParams, ImagePath } from "./canyon.ts";
export { fresnel, permittivity, MATERIALS } from "./fresnel.ts";
export { pathSnapshot } from "./engine.ts";
export type { PathSnapshot, UserPaths } from "./engine.ts";
export { speedSchedule, straightTrajectory, randomWalkTrajectory, streetTrajectory, quantiseTrajectory } from "./mobility.ts";
export type { Trajectory, RandomWalkOptions, StreetOptions } from "./mobility.ts";
export { clarkeUser, rayleighUser } from "./clarke.ts";
export type { ClarkeParams } from "./clarke.ts";
export { NORMALISE_MODES, normalisationScales, scaleUsers, perUserMeanPower, addCsiError } from "./normalise.ts";
export type { NormaliseMode, CeeReference } from "./normalise.ts";
export { channelStats, temporalAutocorrelation, dopplerSpectrum } from "./stats.ts";
export type { ChannelStats, ChannelStatsOptions } from "./stats.ts";
export { fftInPlace, nextPow2 } from "./fft.ts";
export { simulationArrays } from "./export.ts";
export type { ChannelFileDType } from "./export.ts";
export {
  TR38901_ELEMENT,
  tr38901ElementGainDb,
  bsFieldAmplitude,
  drawRayPolarisation,
  pathsForPolarisation,
  evaluateUserChannelWithAntennas,
} from "./antenna.ts";
export type { AntennaModel, ElementPattern, RayPolarisation } from "./antenna.ts";
export { antennaModelOf, umiPolarisation } from "./generate.ts";
export { hexagonalSites, cellSeed, servingCells, translateTrajectory } from "./cells.ts";
export { POLARISATIONS } from "./config.ts";
export type { Polarisation } from "./config.ts";
