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
      throw new InvalidArgumentError(`expected a number in [${min}, ${max}], got '${value}'`);
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
  const parts = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (parts.length === 0) throw new InvalidArgumentError(`expected a comma-separated list, got '${value}'`);
  return parts;
}
