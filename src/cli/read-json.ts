/** Reading JSON documents named on the command line, with one-line errors. */
import { readFileSync } from "node:fs";
import { fail } from "../core/errors.ts";

export function readJsonFile(path: string, where: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    fail(where, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(where, `${path} is not valid JSON (${(e as Error).message}); the file may be truncated`);
  }
}
