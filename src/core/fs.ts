/**
 * File-system helpers shared by every module that writes files (io, report, cli).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Write a file atomically: write to a temporary sibling, then rename over the target, so a
 * crash or a full disk never leaves a half-written file behind. Parent folders are created.
 * @param path - target file
 * @param data - text (UTF-8) or bytes; an array of chunks is written in order without joining
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    if (typeof data === "string" || data instanceof Uint8Array) writeFileSync(tmp, data);
    else {
      const fd = openSync(tmp, "w");
      try {
        for (const chunk of data) {
          for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off);
        }
      } finally {
        closeSync(fd);
      }
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
