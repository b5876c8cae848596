/**
 * `liquidwave data inspect FILE [--json]`: the variables of a .npy/.npz/MATLAB/HDF5 file.
 * `liquidwave data convert FILE --var NAME --out OUT.npy [--json]`: one variable to a C-ordered
 * .npy (complex stays complex, MATLAB shapes kept).
 */
import type { Command } from "commander";
import { checkOutputPath } from "../../core/fs.ts";
import { fail, formatShape } from "../../core/errors.ts";
import { inspectFile, readArrays } from "../../io/read.ts";
import { encodeNpyParts } from "../../io/npy.ts";
import { formatTable, info, printJson, STDOUT_OUT, summaryStream, writeOutput } from "../output.ts";
import { resolveOptions } from "../config.ts";

export function registerData(program: Command): void {
  const data = program.command("data").description("inspect and convert dataset files (.npy, .npz, MATLAB v5/v7.3, HDF5)");

  data
    .command("inspect")
    .description("list the variables of a file: name, shape, dtype (format detected from its bytes)")
    .argument("<file>", "a .npy, .npz, MATLAB v5 / v7.3 .mat or HDF5 file")
    .option("--json", "print one JSON document")
    .option("--config <file>", "options from a JSON or YAML file")
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const opts = resolveOptions<{ json?: boolean }>(cmd);
      const r = await inspectFile(file);
      if (opts.json) {
        printJson({ file: r.file, format: r.format, variables: r.variables });
        return;
      }
      process.stdout.write(`${r.file}: ${r.format}, ${r.variables.length} variable${r.variables.length === 1 ? "" : "s"}\n`);
      if (r.variables.length > 0) {
        process.stdout.write(
          formatTable(
            ["name", "shape", "dtype", "note"],
            r.variables.map((v) => [v.name, formatShape(v.shape), v.dtype, v.note ?? (v.readable ? "" : "not readable")]),
          ) + "\n",
        );
      }
    });

  data
    .command("convert")
    .description("write one variable of a file to a C-ordered .npy (complex stays complex, MATLAB shapes kept)")
    .argument("<file>", "a .npy, .npz, MATLAB v5 / v7.3 .mat or HDF5 file")
    .option("--var <name>", "variable path as `data inspect` lists it (default: the only readable one)")
    .option("--out <path>", "output .npy file")
    .option("--json", "print one JSON document")
    .option("--config <file>", "options from a JSON or YAML file")
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const opts = resolveOptions<{ var?: string; out?: string; json?: boolean }>(cmd);
      if (!opts.out) fail("data convert", "--out OUT.npy is required (or --out - for stdout)");
      const summary = summaryStream("data convert", opts.out, opts.json);
      checkOutputPath("data convert", "--out", opts.out, [
        ["<file>", file],
        ["--config", (cmd.opts() as { config?: string }).config],
      ]);
      let name = opts.var;
      if (name === undefined) {
        const readable = (await inspectFile(file)).variables.filter((v) => v.readable);
        if (readable.length !== 1) {
          fail(
            "data convert",
            `--var is required: ${file} has ${readable.length} readable variables (${readable
              .slice(0, 8)
              .map((v) => v.name)
              .join(", ")}${readable.length > 8 ? ", ..." : ""})`,
          );
        }
        name = readable[0]!.name;
      }
      const { variables } = await readArrays(file, { variables: [name] });
      const a = variables.get(name)!;
      await writeOutput(opts.out, encodeNpyParts(a, "data convert"));
      info(`wrote ${opts.out === STDOUT_OUT ? "stdout" : opts.out}: '${name}' ${formatShape(a.shape)} ${a.dtype}`);
      if (opts.json) printJson({ out: opts.out, variable: name, shape: a.shape, dtype: a.dtype });
      else if (opts.out !== STDOUT_OUT) summary.write(`${opts.out}  ${formatShape(a.shape)}  ${a.dtype}\n`);
    });
}
