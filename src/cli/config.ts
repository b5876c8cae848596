/**
 * Options from a config file (`--config FILE.json|.yaml`) merged under command-line flags.
 * Unknown keys are an error; flags given on the command line always win.
 */
import type { Command } from "commander";
import { fail } from "../core/errors.ts";
import { readJsonOrYamlFile } from "../core/fs.ts";

/**
 * Read the config file named by `--config` (if any) and merge it into the command's options.
 * Keys are the camelCase option names of the command (e.g. `userAntennas`).
 * @returns the merged option record.
 */
export function resolveOptions<T extends Record<string, unknown>>(cmd: Command): T {
  const opts = cmd.opts() as Record<string, unknown>;
  const file = opts["config"];
  if (typeof file !== "string") return opts as T;
  const where = `--config ${file}`;
  const doc = readJsonOrYamlFile(file, where);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) fail(where, "the top level must be an object");
  const known = new Map(cmd.options.map((o) => [o.attributeName(), o]));
  const merged: Record<string, unknown> = { ...opts };
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const option = known.get(key);
    if (!option || key === "config") {
      fail(where, `unknown key '${key}' (valid keys: ${[...known.keys()].filter((k) => k !== "config").join(", ")})`);
    }
    if (cmd.getOptionValueSource(key) === "cli") continue;
    // Values from the file go through the option's own parser, like a flag would.
    const parser = (option as unknown as { parseArg?: (v: string, prev: unknown) => unknown }).parseArg;
    merged[key] = parser && typeof value !== "boolean" ? parser(Array.isArray(value) ? value.join(",") : String(value), undefined) : value;
  }
  return merged as T;
}
