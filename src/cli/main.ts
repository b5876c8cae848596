/**
 * The `liquidwave` command line. Each command lives in `commands/<name>.ts` and registers itself
 * on the program; this file only wires them up and turns errors into exit codes:
 * 1 for bad input (one line naming the problem), 2 for usage errors.
 */
import { Command, CommanderError } from "commander";
import { parseSize, setMemoryLimit } from "../core/budget.ts";
import { LiquidwaveError } from "../core/errors.ts";
import { VERSION } from "../version.ts";
import { registerAll } from "./commands/index.ts";
import { errnoText, removePendingTemporaries } from "../core/fs.ts";
import { stopAllProgress } from "./progress.ts";

/**
 * One line for an error that is not a bug: a file-system error (ENOSPC, EROFS, ...) names the
 * operation, the path and the reason; an allocation failure or a too-deep recursion says so.
 * Undefined for anything else (a real bug).
 */
export function describeEnvironmentError(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === "string" && errnoText(err.code)) {
    const op = err.syscall ? `${err.syscall} ` : "";
    const path = err.path ? `${err.path}` : "(no path)";
    return `${op}${path}: ${errnoText(err.code)} (${err.code})`;
  }
  if (e instanceof RangeError) {
    if (/Array buffer allocation failed|Invalid typed array length|Invalid array length|Array buffer/i.test(e.message)) {
      return `out of memory: ${e.message} (lower the sizes or --max-memory)`;
    }
    if (/Maximum call stack size exceeded/.test(e.message)) return "input nested too deeply (maximum call stack size exceeded)";
  }
  return undefined;
}

/** Build the program (exported for tests, which call it without spawning a process). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("liquidwave")
    .description("Liquid neural networks (LTC, CfC, NCP) for wireless communications")
    .version(VERSION, "-V, --version", "print the liquidwave version")
    .option("--debug", "print stack traces on errors")
    .option("--max-memory <size>", "refuse allocations above this size, e.g. 2G (default: half the free memory)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerAll(program);
  return program;
}

/** Run the CLI on `argv` (without the node and script entries); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // --debug is accepted anywhere on the line, before or after the command name.
  const debug = argv.includes("--debug");
  // --max-memory too, as `--max-memory 2G` or `--max-memory=2G`.
  const rest: string[] = [];
  let maxMemory: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--debug") continue;
    if (a === "--max-memory" && i + 1 < argv.length) maxMemory = argv[++i];
    else if (a.startsWith("--max-memory=")) maxMemory = a.slice("--max-memory=".length);
    else rest.push(a);
  }
  try {
    setMemoryLimit(maxMemory === undefined ? null : parseSize(maxMemory, "--max-memory"));
    await program.parseAsync(rest, { from: "user" });
    // A command may report a negative verdict (e.g. `model verify` FAIL) through process.exitCode.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof LiquidwaveError) {
      process.stderr.write(`liquidwave: ${e.message}\n`);
      if (debug) process.stderr.write(`${e.stack}\n`);
      return 1;
    }
    const env = describeEnvironmentError(e);
    const err = e as Error;
    if (env !== undefined) {
      process.stderr.write(`liquidwave: ${env}\n`);
      if (debug) process.stderr.write(`${err?.stack}\n`);
      return 1;
    }
    process.stderr.write(`liquidwave: internal error: ${err?.message ?? String(e)}\n`);
    if (debug) process.stderr.write(`${err?.stack}\n`);
    else process.stderr.write("(a bug in liquidwave: please report it with the output of --debug)\n");
    return 1;
  } finally {
    // Whatever happened, no progress bar keeps redrawing (and keeping the process alive).
    stopAllProgress();
    removePendingTemporaries();
  }
}
