/** Run the CLI as a user would (a child process), capturing stdout, stderr and the exit code. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/liquidwave.mjs", import.meta.url));

export function runCli(args: string[], { timeoutMs = 120000 } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: timeoutMs });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Run the CLI in-process, capturing what it writes to stdout and stderr. Only string writes are
 * captured: node:test's own reporter writes serialized (binary) messages to the same stdout while
 * the command awaits, and those must pass through.
 */
export async function runCliInProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { main } = await import("../../src/cli/main.ts");
  let out = "";
  let err = "";
  const ow = process.stdout.write;
  const ew = process.stderr.write;
  const capture = (stream: NodeJS.WriteStream, orig: typeof process.stdout.write, add: (s: string) => void) =>
    ((c: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof c === "string") {
        add(c);
        return true;
      }
      return (orig as (...a: unknown[]) => boolean).call(stream, c, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture(process.stdout, ow, (s) => (out += s));
  process.stderr.write = capture(process.stderr, ew, (s) => (err += s));
  try {
    return { code: await main(args), out, err };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}
