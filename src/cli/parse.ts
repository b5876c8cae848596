/** Parsers for option values; each error names the flag and the value it rejected. */
import { InvalidArgumentError } from "commander";

/** An integer option with bounds. */
export function intArg(min = -Infinity, max = Infinity): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^[-+]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer${Number.isFinite(min) ? ` >= ${min}` : ""}, got '${value}'`);
    }
    return n;
  };
}

/** A finite float option with bounds. */
export function floatArg(min = -Infinity, max = Infinity): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        Number.isFinite(min) || Number.isFinite(max)
          ? `expected a number in [${min}, ${max}], got '${value}'`
          : `expected a number, got '${value}'`,
      );
    }
    return n;
  };
}

/** A comma-separated list of numbers (e.g. `--speeds 6,15,30`). */
export function numberListArg(value: string): number[] {
  const parts = value.split(",").map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.some((p) => p === "") || nums.some((n) => !Number.isFinite(n))) {
    throw new InvalidArgumentError(`expected comma-separated numbers, got '${value}'`);
  }
  return nums;
}

/** A comma-separated list of names (e.g. `--algorithms zf,wmmse`). */
export function nameListArg(value: string): string[] {
  const parts = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.length === 0) throw new InvalidArgumentError(`expected a comma-separated list, got '${value}'`);
  return parts;
}

/** `userAntennas` → `--user-antennas`: the flag of a camelCase option name. */
export function flagName(option: string): string {
  return "--" + option.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
}

/**
 * The command's options as a library config: drop the CLI-only keys (`config`, `json`, `out`,
 * ...) and the unset ones. Values keep the camelCase names of the flags.
 */
export function libraryOptions(opts: Record<string, unknown>, cliOnly: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && !cliOnly.includes(k) && k !== "config") out[k] = v;
  return out;
}
