/**
 * The `liquidwave` command line. Each command lives in `commands/<name>.ts` and registers itself
 * on the program; this file only wires them up and turns errors into exit codes:
 * 1 for bad input (one line naming the problem), 2 for usage errors.
 */
import { Command, CommanderError } from "commander";
import { LiquidwaveError } from "../core/errors.ts";
import { VERSION } from "../version.ts";
import { registerAll } from "./commands/index.ts";

/** Build the program (exported for tests, which call it without spawning a process). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name("liquidwave")
    .description("Liquid neural networks (LTC, CfC, NCP) for wireless communications")
    .version(VERSION, "-V, --version", "print the liquidwave version")
    .option("--debug", "print stack traces on errors")
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
  try {
    await program.parseAsync(
      argv.filter((a) => a !== "--debug"),
      { from: "user" },
    );
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
    const err = e as Error;
    process.stderr.write(`liquidwave: internal error: ${err?.message ?? String(e)}\n`);
    if (debug) process.stderr.write(`${err?.stack}\n`);
    else process.stderr.write("(run with --debug for the stack trace)\n");
    return 1;
  }
}
