/**
 * liquidwave: the library entry. The public API is re-exported by namespace, one per concept
 * (see the folder tree under `src/`).
 */
export * as core from "./core/index.ts";
export * as wirings from "./wirings/index.ts";
export * as io from "./io/index.ts";
export * as report from "./report/index.ts";
export * as channel from "./channel/index.ts";
export * as beamforming from "./beamforming/index.ts";
export * as prediction from "./prediction/index.ts";
