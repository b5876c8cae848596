/**
 * One entry point for every supported file: format detection from magic bytes, inspection
 * without loading data, and reading variables as NdArrays.
 */
import { fail } from "../core/errors.ts";
import { isNpyMagic, readNpyHeader, readNpySource } from "./npy.ts";
import { inspectNpzSource, readNpzSource } from "./npz.ts";
import { inspectMat5Source, isMat5Header, readMat5Source } from "./mat5.ts";
import { findHdf5Signature, inspectAndReadHdf5, inspectHdf5, readHdf5 } from "./hdf5.ts";
import type { ByteSource } from "./source.ts";
import { memorySource, withFile } from "./source.ts";
import type { FileFormat, InspectResult, ReadOptions, ReadResult, VariableInfo } from "./types.ts";
import type { NdArray } from "../core/ndarray.ts";
import { isZipMagic } from "./zip.ts";

/** The variable name `inspectFile`/`readArrays` give the single array of a .npy file. */
export const NPY_VARIABLE = "array";

/**
 * Detect the format of an open source from its first bytes.
 * MATLAB v7.3 files are HDF5 files with a 512-byte MATLAB header ("MATLAB 7.3 MAT-file");
 * other HDF5 files are `hdf5` (the signature may sit at 0, 512, 1024, ... bytes).
 * @throws LiquidwaveError naming the first bytes if nothing matches
 */
export function detectFormatSource(src: ByteSource, where: string): FileFormat {
  const head = src.read(0, Math.min(src.size, 128), where);
  if (isNpyMagic(head)) return "npy";
  if (isZipMagic(head)) return "npz";
  const hdf = findHdf5Signature(src, where);
  if (hdf !== undefined) {
    const text = new TextDecoder("latin1").decode(head.subarray(0, 20));
    return hdf >= 128 && text.startsWith("MATLAB 7.3 MAT-file") ? "mat73" : "hdf5";
  }
  if (isMat5Header(head)) return "mat5";
  if (new TextDecoder("latin1").decode(head.subarray(0, 19)) === "MATLAB 7.3 MAT-file") {
    fail(where, `${src.label} has a MATLAB v7.3 header but no HDF5 data after it (truncated? ${src.size} bytes)`);
  }
  if (src.size === 0) fail(where, `${src.label} is empty`);
  const shown = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  fail(where, `${src.label}: unknown file format (first bytes ${shown}); expected .npy, .npz, MATLAB v5/v7.3 or HDF5`);
}

/** Detect the format of a file from its magic bytes. */
export function detectFormat(path: string): FileFormat {
  return withFile(path, "detectFormat", (src) => detectFormatSource(src, "detectFormat"));
}

/** The variables of an open non-HDF5 source (headers only where the format allows). */
function inspectSource(src: ByteSource, format: Exclude<FileFormat, "mat73" | "hdf5">, where: string): VariableInfo[] {
  if (format === "npy") {
    const h = readNpyHeader(src, where);
    return [
      {
        name: NPY_VARIABLE,
        shape: h.shape,
        dtype: h.dtype,
        readable: true,
        ...(h.fileDType === "float16" ? { note: "float16 in the file, read as float32" } : {}),
      },
    ];
  }
  if (format === "npz") return inspectNpzSource(src, where);
  return inspectMat5Source(src, where);
}

/** The arrays of an open non-HDF5 source: all readable ones, or `names`. */
function readSource(
  src: ByteSource,
  format: Exclude<FileFormat, "mat73" | "hdf5">,
  names: readonly string[] | undefined,
  where: string,
): Map<string, NdArray> {
  if (format === "npy") {
    if (names?.some((n) => n !== NPY_VARIABLE)) {
      fail(
        where,
        `${src.label} is a .npy file with one array, called '${NPY_VARIABLE}'; asked for ${names
          .filter((n) => n !== NPY_VARIABLE)
          .map((n) => `'${n}'`)
          .join(", ")}`,
      );
    }
    return new Map([[NPY_VARIABLE, readNpySource(src, where)]]);
  }
  if (format === "npz") return readNpzSource(src, names, where);
  return readMat5Source(src, names, where);
}

/**
 * List the variables of a file: name, shape, dtype. Headers only where the format allows it
 * (npy, npz, uncompressed MATLAB numeric arrays, HDF5); compressed MATLAB structs and cells are
 * inflated to walk them, but their numeric data is not converted.
 * @param path - a .npy, .npz, MATLAB v5 / v7.3 or HDF5 file (any extension)
 */
export async function inspectFile(path: string): Promise<InspectResult> {
  const where = "inspectFile";
  const format = detectFormat(path);
  if (format === "mat73" || format === "hdf5") return { file: path, format, variables: await inspectHdf5(path, format === "mat73", where) };
  return { file: path, format, variables: withFile(path, where, (src) => inspectSource(src, format, where)) };
}

/**
 * Read the variables of a file as NdArrays (C order, planar complex, the file's dtype; MATLAB
 * arrays keep their MATLAB shape, element (i1, ..., in) at the same multi-index).
 * @param path - a .npy, .npz, MATLAB v5 / v7.3 or HDF5 file (any extension)
 * @param options.variables - only these paths (as {@link inspectFile} names them); default all
 *   readable variables
 * @throws LiquidwaveError for a missing or unreadable variable, or a malformed file
 */
export async function readArrays(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  const where = "readArrays";
  const format = detectFormat(path);
  const names = options.variables;
  if (format === "mat73" || format === "hdf5") return { format, variables: await readHdf5(path, format === "mat73", names, where) };
  return { format, variables: withFile(path, where, (src) => readSource(src, format, names, where)) };
}

/**
 * {@link inspectFile} and {@link readArrays} of a file already in memory, on any host: the
 * browser's path (the lab's Your-data panel). Same formats, same names, shapes and values as the
 * path-based functions give for the same file; HDF5 and MATLAB v7.3 need h5wasm's in-memory file
 * system, so on Node read those from a path.
 * @param bytes - the whole file
 * @param label - its name, for messages and `InspectResult.file`
 * @param options.variables - only these paths; default every readable variable
 * @returns what the file holds and its readable arrays
 * @throws LiquidwaveError for an unknown format, a malformed file or a missing variable
 */
export async function readBytes(
  bytes: Uint8Array,
  label: string,
  options: ReadOptions = {},
): Promise<InspectResult & { arrays: Map<string, NdArray> }> {
  const where = "readBytes";
  const src = memorySource(bytes, label);
  const format = detectFormatSource(src, where);
  const names = options.variables;
  if (format === "mat73" || format === "hdf5") {
    const r = await inspectAndReadHdf5({ bytes, label }, format === "mat73", names, where);
    return { file: label, format, ...r };
  }
  return { file: label, format, variables: inspectSource(src, format, where), arrays: readSource(src, format, names, where) };
}
