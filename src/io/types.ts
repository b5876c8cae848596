/** Types shared by every file reader: formats, inspection records and read results. */
import type { DType, NdArray } from "../core/ndarray.ts";

/** The file formats liquidwave reads, detected from magic bytes (never from the extension). */
export type FileFormat = "npy" | "npz" | "mat5" | "mat73" | "hdf5";

/** One variable of a file as `inspectFile` reports it (without loading its data). */
export interface VariableInfo {
  /**
   * Variable path: `H` (npy: the file's single array is called `array`), `H` for npz member
   * `H.npy`, MATLAB struct fields and cells as `s.a.b`, `c{2}`, `s(3).f` (1-based, MATLAB's
   * linear index), HDF5 datasets as `group/name`.
   */
  readonly name: string;
  /** Shape as the user's tools show it: MATLAB dims for MATLAB files, numpy shape otherwise. */
  readonly shape: readonly number[];
  /**
   * The numeric dtype the array loads as, or for what cannot be loaded the kind it is
   * (`char`, `sparse`, `string`, `compound`, `reference`, `object`, `function`, ...).
   */
  readonly dtype: DType | string;
  /** Whether `readArrays` can load it as an NdArray. */
  readonly readable: boolean;
  /** Extra detail (e.g. the file's dtype `float16` read as float32, or why it is unreadable). */
  readonly note?: string;
}

/** What a file holds. */
export interface InspectResult {
  readonly file: string;
  readonly format: FileFormat;
  readonly variables: VariableInfo[];
}

/** Arrays read from a file, by variable path (see {@link VariableInfo.name}), in file order. */
export interface ReadResult {
  readonly format: FileFormat;
  readonly variables: Map<string, NdArray>;
}

/** Options of `readArrays`. */
export interface ReadOptions {
  /**
   * Only these variables (paths as `inspectFile` names them); each must exist and be readable.
   * Default: every readable variable.
   */
  readonly variables?: readonly string[];
}
