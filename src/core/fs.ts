/**
 * File-system helpers shared by every module that writes files (io, report, cli).
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { fail } from "./errors.ts";
import { dirname } from "node:path";

/**
 * Write a file atomically: write to a temporary sibling, then rename over the target, so a
 * crash or a full disk never leaves a half-written file behind. Parent folders are created.
 * @param path - target file
 * @param data - text (UTF-8) or bytes; an array of chunks is written in order without joining
 */
export function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
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

/** Read a text file; a missing or unreadable file is one error line naming it and the reason. */
export function readTextFile(path: string, where: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    fail(where, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/**
 * Read a JSON document, or YAML when the name ends in .yaml/.yml; a parse error names the file and
 * says it may be truncated.
 */
export function readJsonOrYamlFile(path: string, where: string): unknown {
  const text = readTextFile(path, where);
  const yaml = /\.ya?ml$/i.test(path);
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    fail(where, `${path} is not valid ${yaml ? "YAML" : "JSON"} (${(e as Error).message.split("\n")[0]}); the file may be truncated`);
  }
}
