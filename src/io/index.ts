/**
 * Dataset I/O: .npy, .npz, MATLAB v5 and v7.3, HDF5 readers (NdArray, C order, planar complex),
 * writers for .npy, .npz and MATLAB v5, and loaders from dataset layouts to the canonical
 * channel format {@link ChannelDataset} (H [T, K, Nk, M]).
 */
export type { FileFormat, VariableInfo, InspectResult, ReadResult, ReadOptions } from "./types.ts";
export { readArrays, readBytes, inspectFile, detectFormat, NPY_VARIABLE } from "./read.ts";
export { readNpy, writeNpy, parseNpy, encodeNpy } from "./npy.ts";
export type { NpyHeader } from "./npy.ts";
export { readNpz, writeNpz, encodeNpzParts } from "./npz.ts";
export type { NpzOptions } from "./npz.ts";
export { readMat5, writeMat5, encodeMat5 } from "./mat5.ts";
export type { MatValue, MatStruct, MatCell, Mat5Options } from "./mat5.ts";
export { colMajorToRowMajor } from "./arrays.ts";
export { fromGlnnArrays, fromLiquidwaveArrays } from "./dataset.ts";
export type { GlnnOptions } from "./dataset.ts";
export { loadChannelDataset, saveChannelDataset, channelDatasetFromArrays } from "./load.ts";
export type { LoadDatasetOptions } from "./load.ts";
export { fromDeepMimoV2Arrays, fromDeepMimoV3Arrays, readDeepMimoV4Paths, synthesizeFromPaths, loadDeepMimoV4Folder } from "./deepmimo.ts";
export type { DeepMimoOptions, DeepMimoPaths } from "./deepmimo.ts";
