/**
 * NumPy `.npz` archives: a zip file whose members are `.npy` files named `{key}.npy`
 * (`np.savez` stores them, `np.savez_compressed` deflates them).
 */
import { fail } from "../core/errors.ts";
import type { NdArray } from "../core/ndarray.ts";
import { writeFileAtomic } from "../core/fs.ts";
import { encodeNpyParts, isNpyMagic, readNpyHeader, readNpySource } from "./npy.ts";
import type { ByteSource } from "./source.ts";
import { memorySource, withFile } from "./source.ts";
import type { VariableInfo } from "./types.ts";
import type { ZipEntry } from "./zip.ts";
import { buildZip, listZip, readEntry, readEntryPrefix } from "./zip.ts";

function keyOf(e: ZipEntry): string | undefined {
  return e.name.endsWith(".npy") ? e.name.slice(0, -4) : undefined;
}

/** The arrays of an npz source, optionally only `names`, in archive order. */
export function readNpzSource(src: ByteSource, names: readonly string[] | undefined, where = "npz"): Map<string, NdArray> {
  const entries = listZip(src, where);
  const byKey = new Map<string, ZipEntry>();
  for (const e of entries) {
    const k = keyOf(e);
    if (k !== undefined) byKey.set(k, e);
  }
  const wanted = names ?? [...byKey.keys()];
  const out = new Map<string, NdArray>();
  for (const k of wanted) {
    const e = byKey.get(k);
    if (!e) fail(where, `${src.label} has no array '${k}' (arrays: ${[...byKey.keys()].join(", ") || "none"})`);
    const bytes = readEntry(src, e, where);
    out.set(k, readNpySource(memorySource(bytes, `${src.label}:${e.name}`), where));
  }
  return out;
}

/** Names, shapes and dtypes of an npz source, reading only each member's .npy header. */
export function inspectNpzSource(src: ByteSource, where = "npz"): VariableInfo[] {
  const out: VariableInfo[] = [];
  for (const e of listZip(src, where)) {
    const k = keyOf(e);
    if (k === undefined) continue;
    let prefix = readEntryPrefix(src, e, 4096, where);
    if (!isNpyMagic(prefix)) fail(where, `${src.label}: member '${e.name}' is not a .npy file`);
    // Header length is in the preamble; fetch more if the header is longer than the first read.
    const need = prefix[6] === 1 ? 10 + (prefix[8]! | (prefix[9]! << 8)) : 12 + (prefix[8]! | (prefix[9]! << 8) | (prefix[10]! << 16));
    if (prefix.length < need) prefix = readEntryPrefix(src, e, need, where);
    // The prefix holds the header only: check data sizes against the member's declared size.
    const headerSrc: ByteSource = { ...memorySource(prefix, `${src.label}:${e.name}`), size: e.uncompressedSize };
    const h = readNpyHeader(headerSrc, where);
    out.push({
      name: k,
      shape: h.shape,
      dtype: h.dtype,
      readable: true,
      ...(h.fileDType === "float16" ? { note: "float16 in the file, read as float32" } : {}),
    });
  }
  return out;
}

/** Read every array (or `names`) of an .npz file. */
export function readNpz(path: string, names?: readonly string[]): Map<string, NdArray> {
  return withFile(path, "readNpz", (src) => readNpzSource(src, names, "readNpz"));
}

/** Options of {@link writeNpz}. */
export interface NpzOptions {
  /** Deflate the members like `np.savez_compressed` (default true); false stores them like `np.savez`. */
  readonly compress?: boolean;
}

/** Encode arrays as .npz bytes (chunks in order); member names are `{key}.npy`, keys must be non-empty. */
export function encodeNpzParts(
  arrays: Readonly<Record<string, NdArray>>,
  { compress = true }: NpzOptions = {},
  where = "writeNpz",
): Uint8Array[] {
  const keys = Object.keys(arrays);
  const members = keys.map((k) => {
    if (k.length === 0) fail(where, "array names must be non-empty");
    return { name: `${k}.npy`, parts: encodeNpyParts(arrays[k]!, `${where}: '${k}'`) };
  });
  return buildZip(members, compress, where);
}

/**
 * Write arrays to an .npz file readable by `numpy.load` (member `{key}.npy` per array, C order,
 * little-endian), atomically (temp file + rename). Deterministic: same arrays, same bytes.
 * @param path - target path (parent folders are created)
 * @param arrays - name -> array; complex stays complex (`<c16` / `<c8`)
 */
export function writeNpz(path: string, arrays: Readonly<Record<string, NdArray>>, options: NpzOptions = {}): void {
  writeFileAtomic(path, encodeNpzParts(arrays, options, "writeNpz"));
}
