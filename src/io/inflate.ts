/**
 * DEFLATE for the file readers and writers (MAT v5 `miCOMPRESSED` elements are zlib streams, zip
 * members raw deflate), through fflate: plain JavaScript, so the same readers run in Node and in
 * a browser (the lab's Web Worker).
 *
 * Inflation is streamed with a hard cap on the output: the compressed bytes are fed in 16 KiB
 * pieces and the running output size is checked after each, so a zlib bomb is stopped within
 * 16.5 MiB of the cap (deflate expands at most 1032:1) and the result is allocated only once its
 * size is known to be under the cap.
 */
import { Inflate, Unzlib, deflateSync, zlibSync } from "fflate";
import { concatBytes } from "./arrays.ts";

/** Compressed bytes fed to the inflater per step. */
const PIECE = 16 * 1024;

/** Why {@link inflateCapped} stopped. */
export type InflateFailure = { kind: "cap"; cap: number } | { kind: "corrupt"; message: string };

/** Options of {@link inflateCapped}. */
export interface InflateOptions {
  /** `zlib`: a zlib stream (RFC 1950, MAT v5); `raw`: bare DEFLATE (RFC 1951, zip members). */
  readonly format: "zlib" | "raw";
  /** Largest output accepted, bytes. */
  readonly cap: number;
  /**
   * The input is a prefix of the stream: return what it inflates to, without requiring the end
   * of the stream (zlib's Z_SYNC_FLUSH reading). Default false: the stream must be complete.
   */
  readonly partial?: boolean;
}

/**
 * Inflate `comp` with the output capped at `options.cap` bytes.
 * @param comp - the compressed bytes
 * @returns the inflated bytes (a new buffer, never a view of `comp`), or why it failed: the cap
 *   was passed, or the stream is corrupt or truncated (fflate's message)
 */
export function inflateCapped(comp: Uint8Array, options: InflateOptions): Uint8Array | InflateFailure {
  const parts: Uint8Array[] = [];
  let total = 0;
  let over = false;
  const onData = (chunk: Uint8Array) => {
    if (over) return;
    total += chunk.length;
    if (total > options.cap) over = true;
    else if (chunk.length > 0) parts.push(chunk);
  };
  const stream = options.format === "zlib" ? new Unzlib(onData) : new Inflate(onData);
  try {
    if (comp.length === 0) stream.push(comp, !options.partial);
    for (let o = 0; o < comp.length && !over; o += PIECE) {
      const end = Math.min(comp.length, o + PIECE);
      stream.push(comp.subarray(o, end), end === comp.length && !options.partial);
    }
  } catch (e) {
    if (!over) return { kind: "corrupt", message: (e as Error).message };
  }
  if (over) return { kind: "cap", cap: options.cap };
  // fflate hands out fresh buffers: one part is returned as it is.
  return parts.length === 1 ? parts[0]! : concatBytes(parts);
}

/**
 * Compress bytes with DEFLATE at level 6 (zlib's and numpy's default).
 * @param format - `zlib` (with header and Adler-32, MAT v5) or `raw` (zip members)
 */
export function deflateBytes(data: Uint8Array, format: "zlib" | "raw"): Uint8Array {
  return format === "zlib" ? zlibSync(data, { level: 6 }) : deflateSync(data, { level: 6 });
}
