/**
 * Option schemas shared by the experiments' configs (the CLI flags' names in camelCase), and how
 * their errors name the options: `config.<name>` from the library, the flag from the CLI.
 */
import { z } from "zod";
import { formatPath, type ParseConfigNaming, showValue } from "../core/validate.ts";
import { PRESET_NAMES } from "../channel/presets.ts";

/** A simulator preset name: `names an unknown preset 'moon', valid options are rayleigh, ...`. */
export const presetOption = z.enum(PRESET_NAMES, {
  error: (iss) =>
    `names an unknown preset ${typeof iss.input === "string" ? `'${iss.input}'` : showValue(iss.input)}, valid options are ${PRESET_NAMES.join(", ")}`,
});

/** How an experiment's errors name the function and its options (the CLI names its flags). */
export interface OptionNaming {
  /** The function or command at the start of the message, e.g. `runBeamform` or `beamform`. */
  readonly where: string;
  /** An option by its camelCase name, e.g. `dt` → `config.dt` or `--dt`. */
  readonly option: (name: string) => string;
}

/** The library's naming: `<where>` and `config.<name>`. */
export function libraryNaming(where: string): OptionNaming {
  return { where, option: (name) => `config.${name}` };
}

/** The {@link parseConfig} naming of an {@link OptionNaming} (library: `config.dt: ...`; CLI: `--dt ...`). */
export function parseNaming(naming: OptionNaming | undefined): ParseConfigNaming {
  return naming ? { field: (path) => formatPath(naming.option(String(path[0])), path.slice(1)) } : { root: "config" };
}
