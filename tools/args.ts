/**
 * Command-line options of the developer tools: `node:util`'s parseArgs in strict mode, so an
 * unknown option or a missing value is one line on stderr and exit code 2 (never a silent run with
 * defaults), and `--help` prints the tool's usage line.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parse `process.argv` for a tool.
 * @param usage - the usage line printed by `--help` and after an error
 * @param options - parseArgs option declarations (`--help` is handled here)
 * @param positionals - whether positional arguments are allowed (default: none)
 */
export function toolArgs<O extends Options>(usage: string, options: O, positionals = false) {
  if (process.argv.slice(2).includes("--help")) {
    process.stdout.write(`usage: ${usage}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ options, allowPositionals: positionals, strict: true });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nusage: ${usage}\n`);
    process.exit(2);
  }
}

/**
 * A numeric option, checked: a finite number ≥ `min`, else one line on stderr and exit code 2.
 * @param name - the option's name, for the message
 * @param value - the option's string value (undefined: the fallback)
 */
export function numberArg(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (!Number.isFinite(x) || x < min) {
    process.stderr.write(`--${name} must be a number >= ${min}, got '${value}'\n`);
    process.exit(2);
  }
  return x;
}
